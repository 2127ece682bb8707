"""The event file's vocabulary: limits, allowed values and fields, patterns, and the words
used when one is missing or misspelt."""

import re
from datetime import timedelta

_MAX_WINDOW = timedelta(days=14)
_MAX_PARTICIPANTS = 10_000
_MAX_TEAMS = 10_000
_MAX_CHECKPOINTS = 1000
_MAX_TASKS = 100  # per checkpoint, and for the location-free list
_MAX_CHOICES = 20
_MAX_ANSWERS = 50
_MAX_TITLE = 200
_MAX_NAME = 200
_MAX_TEXT = 5000
_MAX_SHORT = 500  # a choice or an accepted answer

_LANGUAGES = ("id", "en")
_MODES = ("team", "individual")
_TASK_TYPES = ("question", "creative")
_SUBMITS = ("photo", "text", "photo_text")
_REVIEW_POLICIES = ("mean", "last")

_CODE_RULE = "use 4-16 letters and digits (I, L, O and U read as 1, 1, 0 and V)"
_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
# Codes are printed and typed: the alphabet of checkpoints.codes, as long as the database keeps.
_CODE_RE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4,16}")
_SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_CLOCK = r"(\d{1,2})[:.](\d{2})(?::(\d{2})(?:\.(\d+))?)?"
_OFFSET = r"(?:[ \t]*(Z|z|[-+]\d{1,2}(?::?\d{2})?))?"
_WHEN_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ \t]+)" + _CLOCK + _OFFSET, re.ASCII)
_DATE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}", re.ASCII)
_CLOCK_RE = re.compile(_CLOCK, re.ASCII)
_EXP_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+", re.ASCII)
_NUMBER_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)

_EVENT_FIELDS = (
    "title",
    "slug",
    "timezone",
    "starts",
    "ends",
    "freeze",
    "language",
    "mode",
    "radius_m",
    "speed_weight",
    "accuracy_cap_m",
    "max_speed_kmh",
    "team_code_login",
    "blind_judging",
    "review_policy",
    "teams",
    "checkpoints",
    "tasks",
)
_TEAM_FIELDS = ("name", "code", "participants")
_PARTICIPANT_FIELDS = ("name", "unit")
_CHECKPOINT_FIELDS = (
    "key",
    "name",
    "code",
    "lat",
    "lon",
    "radius_m",
    "opens",
    "closes",
    "instructions",
    "tasks",
)
_TASK_FIELDS = (
    "type",
    "title",
    "prompt",
    "choices",
    "answer",
    "rubric",
    "submit",
    "time_limit_s",
    "points",
)
_NUMBER_FIELDS = ("value", "tolerance")

# Synonyms difflib cannot guess; used only when the target is allowed where the word was found.
_SYNONYMS = {
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "options": "choices",
    "question": "prompt",
    "text": "prompt",
    "members": "participants",
    "groups": "teams",
    "questions": "tasks",
    "tz": "timezone",
    "zone": "timezone",
    "start": "starts",
    "end": "ends",
    "role": "unit",
    "time_limit": "time_limit_s",
    "timeout": "time_limit_s",
    "score": "points",
}
_MISSING = {
    "title": "the event's name",
    "timezone": "an IANA time zone name such as Asia/Jakarta",
    "starts": "the local start time as YYYY-MM-DD HH:MM",
    "ends": "the local end time as YYYY-MM-DD HH:MM",
    "name": "a name",
    "key": "a short id such as balaikota (lowercase letters, digits, '_' or '-')",
    "lat": "the latitude in decimal degrees, e.g. -7.97713",
    "lon": "the longitude in decimal degrees, e.g. 112.634",
    "type": "question or creative",
    "prompt": "the question or the challenge, as participants will read it",
    "points": "the maximum points, a whole number from 0 to 100000",
    "time_limit_s": "the time limit in seconds, a whole number from 5 to 86400",
    "value": "the correct number",
}
_ZONE_ABBREVIATIONS = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_RADIUS_RULE = "the radius must be more than 0 and at most 50000 metres"
