"""Participant views (thin: validate, call a service, commit once, render)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("play", __name__)


@bp.get("/")
def index() -> str:
    return render_template("play/index.html")
