"""Forms of the corrections page (Flask-WTF): manual check-in, adjustment, re-score, disqualify,
and the decision on a flagged check-in.

A team or participant is named in a text box that suggests the event's names from a
``<datalist>`` (the page has one list of each, however many boxes use it): a city-wide race has
5,000 participants, too many to pick from a drop-down, and names are unique in an event. The
form finds the id the name stands for (``team_id``, ``participant_id``) when it validates.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from quizengine.models import Event, Participant, Team
from quizengine.services import people

KEY = Regexp(r"^[A-Za-z0-9_-]{8,64}$", message=_l("Invalid idempotency key."))
REASON = [DataRequired(message=_l("Say why.")), Length(max=2000)]


# The ids of the page's <datalist> elements.
TEAM_NAMES = "team-names"
PARTICIPANT_NAMES = "participant-names"


def _name_box(label: Any, names: str) -> StringField:
    return StringField(
        label,
        validators=[Optional(), Length(max=200)],
        render_kw={"list": names, "autocomplete": "off", "spellcheck": "false"},
    )


class _WhoForm(FlaskForm):
    """A form that names a team, a participant or both; ``event`` is set before it validates,
    ``team_id`` and ``participant_id`` are found then (None: the box was left empty)."""

    team = _name_box(_l("Team"), TEAM_NAMES)
    participant = _name_box(_l("Participant"), PARTICIPANT_NAMES)

    event: Event
    team_id: int | None = None
    participant_id: int | None = None

    def validate_team(self, field: Field) -> None:
        self.team_id = _one(self.event, Team, field.data)

    def validate_participant(self, field: Field) -> None:
        self.participant_id = _one(self.event, Participant, field.data)


def _one(event: Event, model: type[Team] | type[Participant], name: str) -> int:
    try:
        return people.one_named(event, model, name)
    except people.UnknownName as exc:
        raise ValidationError(str(exc)) from None


class ManualCheckinForm(_WhoForm):
    checkpoint_id = SelectField(_l("Checkpoint"), coerce=int, validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=REASON)


class AdjustmentForm(_WhoForm):
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
