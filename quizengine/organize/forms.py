"""Organizer forms (Flask-WTF): log-in, event settings, teams, participants, checkpoints, tasks,
roles, event-file import (positions from map links: checkpoints.maplinks)."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    Field,
    FloatField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from checkpoints.maplinks import PositionError, parse_position
from checkpoints.timeutil import zone

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Enter an e-mail address."))
LOCAL = "%Y-%m-%dT%H:%M"

# --------------------------------------------------------------------------------------------
# Validators


def finite(form: FlaskForm, field: Field) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Enter a number."))


def iana_zone(form: FlaskForm, field: Field) -> None:
    try:
        zone((field.data or "").strip())
    except ValueError:
        raise ValidationError(
            _l("Unknown time zone: use an IANA name such as Asia/Jakarta.")
        ) from None


POSITION_MESSAGES = {
    "not_a_link": _l("Paste a map link (Google Maps, OpenStreetMap, geo:) or type 'lat, lon'."),
    "short_link": _l(
        "This is a short link: open it in the browser first and paste the long address "
        "(with the coordinates) from the address bar."
    ),
    "no_coordinates": _l(
        "No coordinates found in this link: in Google Maps use the address with @lat,lon or "
        "?q=lat,lon, in OpenStreetMap one with #map=zoom/lat/lon, or type 'lat, lon'."
    ),
    "not_coordinates": _l("'%(lat)s, %(lon)s' are not coordinates."),
    "latitude_range": _l("Latitude %(lat)s is outside -90..90."),
    "longitude_range": _l("Longitude %(lon)s is outside -180..180."),
}


def position_message(exc: PositionError) -> str:
    """Why a map link gave no position, in the page's language."""
    message = POSITION_MESSAGES.get(exc.code)
    return str(message) % exc.values if message is not None else str(exc)


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def read_upload(field: Field, limit: int) -> bytes | None:
    """The uploaded file's bytes (None without a file); a file over ``limit`` bytes is refused
    rather than cut short (a cut list or event file would be read as if it were whole)."""
    if not (field.data and getattr(field.data, "filename", "")):
        return None
    raw: bytes = field.data.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError(_l("The file is larger than %(n)d MB.", n=limit // 1_000_000))
    return raw


# --------------------------------------------------------------------------------------------
# Forms


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EMAIL, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """A button that posts (delete, new link): only the CSRF token."""


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    timezone = StringField(
        _l("Time zone (IANA)"),
        default="Asia/Jakarta",
        validators=[DataRequired(), Length(max=64), iana_zone],
    )
    starts = DateTimeLocalField(
        _l("Starts (local time)"), format=LOCAL, validators=[InputRequired()]
    )
    ends = DateTimeLocalField(_l("Ends (local time)"), format=LOCAL, validators=[InputRequired()])
    freeze = DateTimeLocalField(
        _l("Leaderboard freeze (optional)"), format=LOCAL, validators=[Optional()]
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")],
    )
    mode = SelectField(
        _l("Mode"),
        choices=[SelectChoice("team", _l("teams")), SelectChoice("individual", _l("individual"))],
    )
    radius_m = FloatField(
        _l("Default radius (m)"),
        default=50,
        validators=[InputRequired(), finite, NumberRange(min=1, max=50000)],
    )
    speed_weight = FloatField(
        _l("Speed weight (0-1)"),
        default=0.5,
        validators=[InputRequired(), finite, NumberRange(min=0, max=1)],
    )
    accuracy_cap_m = FloatField(
        _l("GPS accuracy cap (m)"),
        default=100,
        validators=[InputRequired(), finite, NumberRange(min=1, max=5000)],
    )
    team_code_login = BooleanField(_l("Allow log-in with team code and name"))
    blind_judging = BooleanField(_l("Blind judging (hide team names from judges)"))
    review_policy = SelectField(
        _l("Several judges: score is the"),
        choices=[SelectChoice("mean", _l("mean")), SelectChoice("last", _l("last review"))],
    )
    status = SelectField(
        _l("Status"),
        default="draft",
        choices=[
            SelectChoice("draft", _l("draft")),
            SelectChoice("live", _l("live")),
            SelectChoice("closed", _l("closed")),
        ],
    )

    def validate_ends(self, field: Field) -> None:
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The event must end after it starts."))

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self[name].data for name in (
            "title", "timezone", "starts", "ends", "freeze", "language", "mode", "radius_m",
            "speed_weight", "accuracy_cap_m", "team_code_login", "blind_judging",
            "review_policy", "status")}  # fmt: skip
        data["title"], data["timezone"] = data["title"].strip(), data["timezone"].strip()
        return data


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=200)])


class ParticipantForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    unit = StringField(_l("Unit or role"), validators=[Length(max=200)])
    team = SelectField(_l("Team"), coerce=int, default=0)


class ParticipantCsvForm(FlaskForm):
    text = TextAreaField(
        _l("Paste CSV (header name,team,unit)"), validators=[Length(max=2_000_000)]
    )
    file = FileField(_l("or upload a CSV file"))
    upload: bytes | None = None

    def validate_file(self, field: Field) -> None:
        self.upload = read_upload(field, 2_000_000)

    def csv_text(self) -> str:
        """The list to import (after validation): the uploaded file, else the pasted text."""
        if (raw := self.upload) is not None:
            try:
                return raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                return raw.decode("cp1252", errors="replace")
        return self.text.data or ""


class CheckpointForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    instructions = TextAreaField(_l("Instructions"), validators=[Length(max=5000)])
    map_link = StringField(_l("Map link or 'lat, lon'"), validators=[Length(max=2000)])
    lat = FloatField(_l("Latitude"), validators=[Optional(), finite, NumberRange(-90, 90)])
    lon = FloatField(_l("Longitude"), validators=[Optional(), finite, NumberRange(-180, 180)])
    radius_m = FloatField(
        _l("Radius (m, empty: the event's)"),
        validators=[Optional(), finite, NumberRange(min=1, max=50000)],
    )
    opens = TimeField(_l("Opens (local)"), validators=[Optional()])
    closes = TimeField(_l("Closes (local)"), validators=[Optional()])

    def validate_map_link(self, field: Field) -> None:
        if field.data and field.data.strip():
            try:
                self.lat.data, self.lon.data = parse_position(field.data)
            except PositionError as exc:
                raise ValidationError(position_message(exc)) from None
        elif self.lat.data is None or self.lon.data is None:
            raise ValidationError(
                _l("Give the position: paste a map link or fill in both latitude and longitude.")
            )

    def validate_closes(self, field: Field) -> None:
        # Closing before opening means open across midnight (20:00-02:00).
        if self.opens.data and field.data and field.data == self.opens.data:
            raise ValidationError(
                _l("Opens and closes are the same time: leave both empty for always open.")
            )

    def data_for_service(self) -> dict[str, Any]:
        return {name: self[name].data for name in (
            "name", "instructions", "lat", "lon", "radius_m", "opens", "closes")}  # fmt: skip


KINDS = [
    SelectChoice("choice", _l("question: multiple choice")),
    SelectChoice("text", _l("question: text answer")),
    SelectChoice("number", _l("question: number")),
    SelectChoice("creative", _l("creative challenge")),
]


class TaskForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=KINDS)
    checkpoint = SelectField(_l("Where"), coerce=int, default=0)
    title = StringField(_l("Title (optional)"), validators=[Length(max=200)])
    prompt = TextAreaField(
        _l("Question or challenge"), validators=[DataRequired(), Length(max=5000)]
    )
    choices = TextAreaField(_l("Choices, one per line"), validators=[Length(max=12000)])
    answer_text = StringField(_l("Correct choice"), validators=[Length(max=500)])
    variants = TextAreaField(_l("Accepted answers, one per line"), validators=[Length(max=25000)])
    number = FloatField(_l("Correct number"), validators=[Optional(), finite])
    tolerance = FloatField(
        _l("Tolerance (+/-)"), default=0, validators=[Optional(), finite, NumberRange(min=0)]
    )
    rubric = TextAreaField(_l("Rubric for judges"), validators=[Length(max=5000)])
    submit = SelectField(
        _l("Participants send"),
        default="photo_text",
        choices=[
            SelectChoice("photo_text", _l("photo and text")),
            SelectChoice("photo", _l("photo")),
            SelectChoice("text", _l("text")),
        ],
    )
    time_limit_s = IntegerField(
        _l("Time limit (seconds)"),
        default=90,
        validators=[InputRequired(), NumberRange(min=5, max=86400)],
    )
    points = IntegerField(
        _l("Points"), default=100, validators=[InputRequired(), NumberRange(min=0, max=100000)]
    )

    @staticmethod
    def data_of(task: Any) -> dict[str, Any]:
        """The form's data for editing ``task`` (not ``obj=task``: the task's ``choices`` list
        and ``checkpoint`` row would shadow the text and the id the form shows)."""
        answer = task.answer
        data = {name: getattr(task, name) for name in (
            "kind", "title", "prompt", "rubric", "submit", "time_limit_s", "points")}  # fmt: skip
        data["checkpoint"] = task.checkpoint_id or 0
        data["choices"] = "\n".join(task.choices or [])
        data["answer_text"] = answer if task.kind == "choice" else ""
        data["variants"] = "\n".join(answer) if task.kind == "text" and answer else ""
        data["number"] = answer.get("value") if isinstance(answer, dict) else None
        data["tolerance"] = answer.get("tolerance") if isinstance(answer, dict) else 0
        return data

    def data_for_service(self, checkpoint: Any) -> dict[str, Any]:
        data = {name: self[name].data for name in (
            "kind", "title", "prompt", "rubric", "submit", "time_limit_s", "points", "number",
            "tolerance")}  # fmt: skip
        data["choices"] = lines(self.choices.data)
        data["variants"] = lines(self.variants.data)
        data["answer_text"] = (self.answer_text.data or "").strip()
        data["checkpoint"] = checkpoint
        return data


class ImportForm(FlaskForm):
    file = FileField(_l("Event file (YAML)"))
    text = TextAreaField(_l("or paste it here"), validators=[Length(max=1_000_000)])
    upload: bytes | None = None

    def validate_file(self, field: Field) -> None:
        self.upload = read_upload(field, 1_000_000)

    def raw(self) -> bytes:
        """The event file (after validation): the uploaded file, else the pasted text."""
        if self.upload is not None:
            return self.upload
        return (self.text.data or "").encode("utf-8")


class RoleForm(FlaskForm):
    email = EmailField(
        _l("E-mail of an existing organizer account"),
        filters=[strip],
        validators=[DataRequired(), EMAIL, Length(max=254)],
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("organizer", _l("organizer")),
            SelectChoice("judge", _l("judge (reviews only)")),
            SelectChoice("owner", _l("owner")),
        ],
    )
