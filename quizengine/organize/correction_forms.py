"""Forms of the corrections page (Flask-WTF): manual check-in, adjustment, re-score, disqualify,
and the decision on a flagged check-in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

KEY = Regexp(r"^[A-Za-z0-9_-]{8,64}$", message="Invalid idempotency key.")
REASON = [DataRequired(message="Say why."), Length(max=2000)]


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[call-overload]


class ManualCheckinForm(FlaskForm):
    checkpoint_id = SelectField("Checkpoint", coerce=int, validators=[InputRequired()])
    team_id = SelectField("Team", coerce=_optional_int, validators=[Optional()])
    participant_id = SelectField("Participant", coerce=_optional_int, validators=[Optional()])
    reason = TextAreaField("Reason", validators=REASON)


class AdjustmentForm(FlaskForm):
    team_id = SelectField("Team", coerce=_optional_int, validators=[Optional()])
    participant_id = SelectField("Participant", coerce=_optional_int, validators=[Optional()])
    points = IntegerField(
        "Points (+/-)", validators=[InputRequired(), NumberRange(min=-100_000, max=100_000)]
    )
    reason = TextAreaField("Reason", validators=REASON)
    key = HiddenField(validators=[DataRequired(), KEY])


class RescoreForm(FlaskForm):
    task_id = SelectField("Question", coerce=int, validators=[InputRequired()])
    answer = TextAreaField(
        "Correct answer",
        description="Choice: the right choice. Text: one accepted answer per line. "
        "Number: the value, optionally '+-' and a tolerance (1953 +- 1).",
        validators=[DataRequired(), Length(max=2000)],
    )
    reason = TextAreaField("Reason", validators=REASON)


class DisqualifyForm(FlaskForm):
    submission_id = IntegerField("Submission", validators=[InputRequired(), NumberRange(min=1)])
    reason = TextAreaField("Reason", validators=REASON)


class FlagDecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("cleared", "Clear the flags"),
            SelectChoice("upheld", "Uphold the flags"),
        ],
        validators=[InputRequired()],
    )
    reason = StringField("Reason", validators=REASON)
