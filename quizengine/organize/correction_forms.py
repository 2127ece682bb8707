"""Forms of the corrections page (Flask-WTF): manual check-in, adjustment, re-score, disqualify,
and the decision on a flagged check-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

KEY = Regexp(r"^[A-Za-z0-9_-]{8,64}$", message=_l("Invalid idempotency key."))
REASON = [DataRequired(message=_l("Say why.")), Length(max=2000)]


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[call-overload]


class ManualCheckinForm(FlaskForm):
    checkpoint_id = SelectField(_l("Checkpoint"), coerce=int, validators=[InputRequired()])
    team_id = SelectField(_l("Team"), coerce=_optional_int, validators=[Optional()])
    participant_id = SelectField(_l("Participant"), coerce=_optional_int, validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=REASON)


class AdjustmentForm(FlaskForm):
    team_id = SelectField(_l("Team"), coerce=_optional_int, validators=[Optional()])
    participant_id = SelectField(_l("Participant"), coerce=_optional_int, validators=[Optional()])
    points = IntegerField(
        _l("Points (+/-)"), validators=[InputRequired(), NumberRange(min=-100_000, max=100_000)]
    )
    reason = TextAreaField(_l("Reason"), validators=REASON)
    key = HiddenField(validators=[DataRequired(), KEY])


class RescoreForm(FlaskForm):
    task_id = SelectField(_l("Question"), coerce=int, validators=[InputRequired()])
    answer = TextAreaField(
        _l("Correct answer"),
        description=_l(
            "Choice: the right choice. Text: one accepted answer per line. "
            "Number: the value, optionally '+-' and a tolerance (1953 +- 1)."
        ),
        validators=[DataRequired(), Length(max=2000)],
    )
    reason = TextAreaField(_l("Reason"), validators=REASON)


class DisqualifyForm(FlaskForm):
    submission_id = IntegerField(_l("Submission"), validators=[InputRequired(), NumberRange(min=1)])
    reason = TextAreaField(_l("Reason"), validators=REASON)


class FlagDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("cleared", _l("Clear the flags")),
            SelectChoice("upheld", _l("Uphold the flags")),
        ],
        validators=[InputRequired()],
    )
    reason = StringField(_l("Reason"), validators=REASON)
