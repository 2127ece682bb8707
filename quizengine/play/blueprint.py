"""The participant blueprint object (routes live in views.py and task_views.py)."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from quizengine.play.common import refuse

bp = Blueprint("play", __name__)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    return refuse(
        _(
            "The upload is too large. Send fewer or smaller photos (the app shrinks them when "
            "JavaScript is on)."
        ),
        413,
    )
