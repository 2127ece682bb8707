"""quizengine: a self-hosted Flask engine for location-based quiz races and field trainings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l

from quizengine import config as settings
from quizengine.extensions import babel, csrf, db, limiter, login, migrate

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def templates_dir() -> Path:
    """The top-level ``templates/`` folder: inside the package when installed from a wheel
    (setup.cfg maps it there), beside the package in a source checkout or editable install."""
    for candidate in (PACKAGE_DIR / "templates", PACKAGE_DIR.parent / "templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise RuntimeError(f"templates/ not found next to {PACKAGE_DIR}")


def select_locale() -> str:
    """An explicit choice (?lang= or the switch) wins, then the event's language (the
    participant's, or the event a page is about), then the browser's Accept-Language; Bahasa
    Indonesia when nothing says otherwise. Outside a request (the command line, a test
    calling a service directly) messages stay in English, the source language."""
    from quizengine.auth import current_participant

    if not has_request_context():
        return "en"
    languages = ("id", "en")
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    participant = current_participant()
    if participant is not None:
        return participant.event.language
    # Pages that know their event before anyone logs in (personal link, team-code log-in,
    # checkpoint scan) set g.event_language before rendering.
    if g.get("event_language") in languages:
        return g.event_language
    return request.accept_languages.best_match(languages) or "id"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(templates_dir()),
        instance_relative_config=True,
    )
    instance = Path((config or {}).get("INSTANCE_PATH", app.instance_path))
    app.instance_path = str(instance)
    app.config.from_mapping(settings.from_environment(instance))
    if config:
        app.config.update(config)
        if "SQLALCHEMY_DATABASE_URI" in config and "SQLALCHEMY_ENGINE_OPTIONS" not in config:
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = settings.engine_options(
                config["SQLALCHEMY_DATABASE_URI"]
            )
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login.init_app(app)
    login.login_view = "organize.login"
    login.login_message = _l("Please log in to access this page.")
    login.localize_callback = str  # the lazy message, in the language of the request
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)

    from quizengine import auth, models  # noqa: F401  (registers tables and the user loader)
    from quizengine.database import configure_engine
    from quizengine.services import score_version  # noqa: F401  (the score-version hook)

    with app.app_context():
        configure_engine(db.engine)

    from quizengine.api.views import bp as api_bp
    from quizengine.board.views import bp as board_bp
    from quizengine.organize.views import bp as organize_bp
    from quizengine.play.views import bp as play_bp

    for bp in (play_bp, organize_bp, board_bp, api_bp):
        app.register_blueprint(bp)

    from quizengine import wtforms_text
    from quizengine.cli import register_cli
    from quizengine.web import register_web

    wtforms_text.install(app)

    register_cli(app)
    register_web(app)

    from quizengine.limits import apply_limits

    apply_limits(app)
    return app
