"""Forms of the review queue (Flask-WTF): a judge's verdict on one creative submission."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional


class ReviewForm(FlaskForm):
    verdict = RadioField(
        _l("Verdict"),
        choices=[
            SelectChoice("approve", _l("Approve")),
            SelectChoice("reject", _l("Reject (the team may submit again)")),
        ],
        validators=[InputRequired()],
    )
    points = IntegerField(_l("Points"), validators=[Optional(), NumberRange(min=0)])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])

    def validate_for(self, max_points: int) -> bool:
        """Validate, then check the points against the task's maximum (approve needs points)."""
        if not self.validate():
            return False
        if self.verdict.data == "approve":
            if self.points.data is None:
                self.points.errors = [*self.points.errors, _("Give the points you award.")]
                return False
            if self.points.data > max_points:
                self.points.errors = [
                    *self.points.errors,
                    _("At most %(n)d points.", n=max_points),
                ]
                return False
        return True
