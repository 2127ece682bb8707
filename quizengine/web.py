"""Cross-cutting web concerns: security headers, cookies, proxies, template helpers, error pages.

Behind a TLS proxy set ``TRUSTED_PROXIES`` (environment or config) to the number of proxies in
front of the app: werkzeug's ProxyFix then believes that many X-Forwarded-For/-Proto/-Host
hops, so ``request.is_secure`` is true and HSTS is sent. Without it, forwarded headers are
ignored (anyone could send them). Session cookies are Secure when PUBLIC_URL is https.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, render_template, request, url_for
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from quizengine.auth import current_participant

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"

# Plain words for the participant instead of werkzeug's English defaults.
FRIENDLY = {
    400: _l("The request could not be understood. Please reload the page and try again."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist, or it is not yours to see."),
    405: _l("This action is not possible here."),
    413: _l("The upload is too large."),
    429: _l("Too many tries. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Your last action may not have been saved."),
}
CSRF_MESSAGE = _l("This form has expired. Please reload the page and try again.")


ALWAYS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "geolocation=(self), camera=(self)"),
)


ANY_ID = 987654321  # url_filler's placeholder for an id: passes an int converter, unlike a name


def url_filler(
    endpoint: str, arg: str, placeholder: str | int = ANY_ID, **values: object
) -> Callable[[str | int], str]:
    """The URL of ``endpoint`` (with the fixed ``values``) for any value of ``arg``:
    ``url_for`` once (tens of µs), then a string replace per row of a list. ``placeholder``
    (an id by default) must pass the route's converter and appear nowhere else in the URL."""
    mark = str(placeholder)
    pattern = url_for(endpoint, **values, **{arg: placeholder})
    return lambda value: pattern.replace(mark, str(value))


def _security_headers(response: Response) -> Response:
    """Each header unless the view set its own (one pass over the response's headers, not one
    per header)."""
    h = response.headers
    present = {key.lower() for key, _value in h.items()}
    wanted = list(ALWAYS)
    if request.endpoint != "static":
        # Pages carry questions, scores and personal links: never in a shared cache.
        wanted.append(("Cache-Control", "private, no-store"))
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", HSTS))
    for key, value in wanted:
        if key.lower() not in present:
            h.add(key, value)
    return response


def _wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def _error(exc: HTTPException) -> tuple[Response | str, int]:
    code = exc.code or 500
    message = exc.description
    if isinstance(exc, CSRFError):
        message = str(CSRF_MESSAGE)
    elif code in FRIENDLY and (code == 429 or message == type(exc).description):
        message = str(FRIENDLY[code])
    if _wants_json():
        return jsonify(error=exc.name, message=message, code=code), code
    shown = SimpleNamespace(code=code, name=exc.name, description=message)
    return render_template("error.html", error=shown), code


def trusted_proxies(app: Flask) -> int:
    raw = app.config.get("TRUSTED_PROXIES", os.environ.get("TRUSTED_PROXIES", "0"))
    try:
        hops = int(raw or 0)
    except (TypeError, ValueError):
        raise RuntimeError(f"TRUSTED_PROXIES must be a whole number, not {raw!r}") from None
    if hops < 0:
        raise RuntimeError(f"TRUSTED_PROXIES must be 0 or more, not {hops}")
    return hops


def _cookies(app: Flask) -> None:
    """Session and remember-me cookies: HttpOnly, SameSite=Lax, Secure when served over https."""
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = app.config["SESSION_COOKIE_SAMESITE"]
    app.config["REMEMBER_COOKIE_SECURE"] = secure


def _template_gettext(app: Flask) -> None:
    """Templates translate through a per-process table of (language, message) -> text: each
    ``{{ _('...') }}`` cost Flask-Babel's domain, context and catalogue look-ups (about 8 µs;
    a checkpoint page has a dozen). The catalogues do not change while the process runs, and
    the language is still chosen per request (``get_locale``), so the table is never stale."""
    translated: dict[tuple[str, str], str] = {}

    def gettext(message: str) -> str:
        key = (str(get_locale()), message)
        found = translated.get(key)
        if found is None:
            found = translated[key] = get_translations().ugettext(message)
        return found

    app.jinja_env.install_gettext_callables(  # the others as Flask-Babel installs them
        gettext=gettext,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
    )


def lang_href(code: str) -> str:
    """This page in language ``code``: its other query arguments kept (a search, a page of a
    list), where a bare ``?lang=`` dropped them."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*kept, ("lang", code)])


def register_web(app: Flask) -> None:
    hops = trusted_proxies(app)
    app.config["TRUSTED_PROXIES"] = hops
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    _cookies(app)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(CSRFError, _error)
    _template_gettext(app)
    app.jinja_env.globals["lang_href"] = lang_href  # also where no context processor runs

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {"current_participant": current_participant, "locale": str(get_locale())}
