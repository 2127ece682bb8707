"""Cross-cutting web concerns: security headers, template helpers, error pages."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizengine.auth import current_participant

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response: Response) -> Response:
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Permissions-Policy", "geolocation=(self), camera=(self)")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _error(exc: HTTPException) -> tuple[Response | str, int]:
    code = exc.code or 500
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=exc.name, message=exc.description, code=code), code
    return render_template("error.html", error=exc), code


def register_web(app: Flask) -> None:
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(CSRFError, _error)

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {"current_participant": current_participant, "locale": str(get_locale())}
