"""The two ceilings the engine is measured against, served by the same gunicorn settings, and
the floors of the required stack.

``hello_app()``: a bare Flask app answering "hello" (the most any page can reach here).
``insert_app()``: a bare Flask endpoint that inserts one row and commits, on the same database
with the same engine set-up as quizengine (SQLite WAL, synchronous=NORMAL, the write lock
taken at the first write; PostgreSQL through psycopg 3 with the same pool): the most a write
endpoint can reach here.
``floor_app()``: quizengine itself with two endpoints that do only what every participant
request of the engine must do with the required stack (Flask, Flask-SQLAlchemy, Flask-WTF,
Flask-Babel, Flask-Login): ``GET /floor/page`` reads the session, loads the participant with
their event and renders a page of the base layout with a translated line and a CSRF token;
``POST /floor/write`` also checks the CSRF token with a Flask-WTF form, inserts one row through
the app's session and commits. What a checkpoint page or an answer costs above these floors is
the engine's own work; what the floors cost below the ceilings is the stack's.
"""

from __future__ import annotations

import gc
import os
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, abort, current_app, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine

from quizengine.config import database_url, engine_options
from quizengine.database import configure_engine

metadata = MetaData()
ceiling_row = Table(
    "bench_ceiling",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("payload", String(64), nullable=False),
)


def create_table(url: str) -> None:
    """Create the ceiling's table once, before the workers start (they would race)."""
    engine = create_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    engine.dispose()


def hello_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "hello"

    return app


def insert_app() -> Flask:
    app = Flask(__name__)
    url = database_url(os.environ["DATABASE_URL"], Path("instance"))
    engine = create_engine(url, **engine_options(url))
    configure_engine(engine)

    @app.post("/insert")
    def insert() -> tuple[str, int]:
        payload = request.form.get("payload", "")[:64]
        with engine.begin() as conn:
            conn.execute(ceiling_row.insert().values(created_at=datetime.now(UTC), payload=payload))
        return "ok", 201

    @app.get("/")
    def ready() -> str:
        return "ready"

    return app


# A participant page of the base layout with what every page has: a translated line, a name
# from the database, a form's CSRF token.
_FLOOR_PAGE = """{% extends "base.html" %}
{% block content %}<h1>{{ participant.event.title }}</h1>
<p class="who">{{ participant.name }}</p><p>{{ _('Score') }}</p>
<form method="post"><input name="csrf_token" type="hidden" value="{{ csrf_token() }}">
<button type="submit">{{ _('Start') }}</button></form>{% endblock %}"""


def floor_app() -> Flask:
    """quizengine's app with the two floor endpoints (see the module's docstring); the engine's
    own routes never call them."""
    from quizengine import create_app
    from quizengine.auth import current_participant
    from quizengine.extensions import db
    from quizengine.play.forms import ConfirmForm

    app = create_app()
    page = app.jinja_env.from_string(_FLOOR_PAGE)  # compiled once, as a template file is

    @app.get("/floor/page")
    def floor_page() -> str:
        participant = current_participant()
        if participant is None:
            abort(401)
        context = {"participant": participant}
        current_app.update_template_context(context)
        return page.render(context)

    @app.post("/floor/write")
    def floor_write() -> tuple[str, int]:
        participant = current_participant()
        if participant is None:
            abort(401)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        row = {"created_at": datetime.now(UTC), "payload": f"participant {participant.id}"}
        db.session.execute(ceiling_row.insert().values(**row))
        db.session.commit()
        return "ok", 201

    gc.collect()  # then frozen out of the collector's walks, as quizengine.wsgi serves the app
    gc.freeze()
    return app
