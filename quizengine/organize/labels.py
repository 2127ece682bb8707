"""Words for the stored codes the organizer pages show (event status, roles, task kinds, review
and check-in verdicts, audit actions, ...), and dates with month names, in the page's language.

The database keeps the codes ("draft", "too_far", "task.rescore"); pages show ``label(group,
code)``. An unknown code is shown as it is rather than hidden.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l

from checkpoints.timeutil import to_local, zone_abbrev

LABELS: dict[str, dict[str, LazyString]] = {
    "status": {"draft": _l("draft"), "live": _l("live"), "closed": _l("closed")},
    "mode": {"team": _l("teams"), "individual": _l("individual")},
    "language": {"id": _l("Bahasa Indonesia"), "en": _l("English")},
    "role": {"owner": _l("owner"), "organizer": _l("organizer"), "judge": _l("judge")},
    "kind": {
        "choice": _l("multiple choice"),
        "text": _l("text answer"),
        "number": _l("number"),
        "creative": _l("creative challenge"),
    },
    "submission": {
        "pending": _l("pending"),
        "approved": _l("approved"),
        "rejected": _l("rejected"),
        "disqualified": _l("disqualified"),
    },
    "verdict": {"approve": _l("approve"), "reject": _l("reject")},
    "policy": {"mean": _l("mean"), "last": _l("last review")},
    "checkin": {
        "on_site": _l("on site"),
        "too_far": _l("too far"),
        "inaccurate": _l("GPS too inaccurate"),
        "manual": _l("manual"),
    },
    "decision": {"cleared": _l("cleared"), "upheld": _l("upheld")},
    "flag": {
        "impossible_speed": _l("impossible speed"),
        "repeated_coordinates": _l("repeated coordinates"),
        "suspicious_accuracy": _l("suspicious accuracy"),
        "stale_fix": _l("old position"),
        "future_fix": _l("position from the future"),
        "exact_checkpoint_position": _l("exactly the checkpoint's position"),
    },
    "attempt": {
        "running": _l("running"),
        "answered": _l("answered"),
        "late": _l("late"),
        "submitted": _l("submitted"),
    },
    "action": {
        "adjustment.add": _l("points adjusted"),
        "checkin.manual": _l("manual check-in"),
        "checkpoint.create": _l("checkpoint added"),
        "checkpoint.delete": _l("checkpoint deleted"),
        "checkpoint.update": _l("checkpoint changed"),
        "event.create": _l("event created"),
        "event.import": _l("event imported"),
        "event.update": _l("settings changed"),
        "checkin.flag.cleared": _l("flags cleared"),
        "checkin.flag.upheld": _l("flags upheld"),
        "participant.create": _l("participant added"),
        "participant.delete": _l("participant deleted"),
        "participant.import": _l("participants imported"),
        "participant.new_link": _l("new personal link"),
        "participant.update": _l("participant changed"),
        "review.approve": _l("submission approved"),
        "review.reject": _l("submission rejected"),
        "role.grant": _l("role given"),
        "role.revoke": _l("role removed"),
        "submission.disqualify": _l("submission disqualified"),
        "task.create": _l("task added"),
        "task.delete": _l("task deleted"),
        "task.rescore": _l("answer fixed and re-scored"),
        "task.update": _l("task changed"),
        "team.create": _l("team added"),
        "team.delete": _l("team deleted"),
        "team.update": _l("team changed"),
    },
}


def label(group: str, code: str | None) -> str:
    """The word for ``code`` in ``group`` (see LABELS), or the code itself if unknown."""
    if code is None:
        return ""
    word = LABELS.get(group, {}).get(code)
    return str(word) if word is not None else str(code)


def local_date(dt_utc: datetime, tz_name: str, pattern: str) -> str:
    """``dt_utc`` in the event's zone with its abbreviation, month names in the page's language:
    ``local_date(t, "Asia/Jakarta", "d MMM HH:mm")`` is "6 Okt 07:00 WIB" on an Indonesian
    page ("6 Oct 07:00 WIB" on an English one). ``pattern`` is a CLDR (Babel) date pattern."""
    shown = format_datetime(to_local(dt_utc, tz_name), pattern, locale=get_locale() or "en")
    return f"{shown} {zone_abbrev(dt_utc, tz_name)}"
