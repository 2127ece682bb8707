"""JSON endpoints."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text

from quizengine.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/health")
def health() -> dict[str, str]:
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
