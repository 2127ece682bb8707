"""Helpers shared by the participant views: who is playing, JSON or HTML, refusals."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from quizengine.auth import current_participant
from quizengine.models import Participant


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def safe_next(raw: str | None) -> str | None:
    """A relative path on this site, or None (no open redirects)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return None
    return raw


def participant_or_abort() -> Participant:
    participant = current_participant()
    if participant is None:
        abort(401, description=_("Please log in with your personal link or badge first."))
    return participant


def refuse(message: str, status: int, **extra: Any) -> ResponseReturnValue:
    """A refusal as JSON ({error, message}) or as a plain page with the status code."""
    if wants_json():
        return jsonify(error=status, message=message, **extra), status
    return render_template("play/refused.html", message=message, status=status), status


def ms_left(until: datetime, now: datetime) -> int:
    """Milliseconds from ``now`` to ``until``, never below 0: what countdown.js counts down
    (with the phone's elapsed time, never its wall clock)."""
    return max(0, int((until - now).total_seconds() * 1000))
