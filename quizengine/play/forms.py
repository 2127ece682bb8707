"""Participant forms (Flask-WTF): log-in, check-in position, start, answer, submit."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

# Fields the pages write by hand (hidden inputs, script-filled): no label, which WTForms would
# otherwise make up from the name and translate on every form built (a catalogue look-up each).
NO_LABEL = ""

KEY = Regexp(r"^[A-Za-z0-9_-]{8,64}$", message=_l("The form was incomplete; reload the page."))
MAX_FIX_AGE_DAYS = 2


def _number(field: Field, low: float, high: float, message: LazyString) -> float:
    """The field's number within [low, high]. The message stays lazy, as the other
    validators' do: ``first_error`` translates it, only when a value is refused."""
    raw = (field.data or "").strip() if isinstance(field.data, str) else ""
    try:
        value = float(raw)
    except ValueError:
        raise ValidationError(message) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValidationError(message)
    return value


class ConfirmForm(FlaskForm):
    """A button-only form (log-in confirmation, log-out, start): just the CSRF token."""


class JoinForm(FlaskForm):
    code = StringField(_l("Team code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(
        _l("Your name as on the roster"), validators=[DataRequired(), Length(max=200)]
    )


class CheckInForm(FlaskForm):
    """Position from the browser. Plain text fields, parsed strictly: NaN, inf, out of range
    and wrong types are refused with a message."""

    lat = StringField(NO_LABEL)
    lon = StringField(NO_LABEL)
    accuracy = StringField(NO_LABEL)
    fix_ts = StringField(NO_LABEL)

    def validate_lat(self, field: Field) -> None:
        self.lat_value = _number(field, -90, 90, _l("Latitude must be a number from -90 to 90."))

    def validate_lon(self, field: Field) -> None:
        self.lon_value = _number(
            field, -180, 180, _l("Longitude must be a number from -180 to 180.")
        )

    def validate_accuracy(self, field: Field) -> None:
        self.accuracy_value = _number(
            field, 0, 100_000, _l("Accuracy must be a number of metres, 0 or more.")
        )

    def validate_fix_ts(self, field: Field) -> None:
        self.fix_at: datetime | None = None
        raw = (field.data or "").strip() if isinstance(field.data, str) else ""
        if not raw:
            return
        message = _l("The position's time stamp is not valid.")
        try:
            ms = float(raw)
        except ValueError:
            raise ValidationError(message) from None
        if not math.isfinite(ms) or ms <= 0:
            raise ValidationError(message)
        try:
            self.fix_at = datetime.fromtimestamp(ms / 1000.0, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValidationError(message) from None
        if not 2000 <= self.fix_at.year <= 2200:
            raise ValidationError(message)


class AnswerForm(FlaskForm):
    answer = StringField(
        NO_LABEL, validators=[Length(max=2000, message=_l("The answer is too long."))]
    )
    key = HiddenField(NO_LABEL, validators=[KEY])


class SubmitForm(FlaskForm):
    text = TextAreaField(
        NO_LABEL, validators=[Length(max=2000, message=_l("The text is too long."))]
    )
    photos = MultipleFileField(NO_LABEL)
    key = HiddenField(NO_LABEL, validators=[KEY])


def first_error(form: FlaskForm) -> str:
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return str(_l("The form was incomplete; reload the page."))
