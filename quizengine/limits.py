"""Rate limits, declared in one place and attached to the views by their URL rule.

Limits are keyed by participant and by team (or organizer), not by IP: a whole event shares one
Wi-Fi. Only anonymous requests (log-in pages, wrong personal links) fall back to the client
address. Guessing limits count failures only (``deduct_when``), so a crowd logging in at the
start of the day is never slowed down. With REDIS_URL set the counters live in Redis and hold
across gunicorn workers and hosts; otherwise they are per process (memory).

The table is keyed by URL rule (docs/routes.md), not endpoint name: the rule is the contract.
A rule whose route is not registered is skipped (a route still being built); the test
``tests/trust/test_limits.py`` fails if any rule here has no route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, request

from quizengine.auth import current_participant, rate_limit_key
from quizengine.extensions import limiter


def by_person() -> str:
    """The participant, else the organizer, else (anonymous) the client address."""
    return rate_limit_key()


def by_team() -> str:
    """The participant's team: teammates share one budget (several phones, one team)."""
    participant = current_participant()
    if participant is not None and participant.team_id is not None:
        return f"team:{participant.team_id}"
    return rate_limit_key()


def by_address() -> str:
    return f"ip:{request.remote_addr}"


def by_login_email() -> str:
    """Organizer log-in: the e-mail being tried, so one account is protected from any address."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"login:{email}"


def failed_login(response: Response) -> bool:
    """A successful log-in redirects; anything else (form shown again, 4xx) is a failure."""
    return response.status_code not in (301, 302, 303)


def not_found(response: Response) -> bool:
    return response.status_code == 404


@dataclass(frozen=True)
class Rule:
    """One limit on one route: ``limit`` in Flask-Limiter syntax ("10 per minute")."""

    limit: str
    key: Callable[[], str] = by_person
    methods: tuple[str, ...] | None = None
    deduct_when: Callable[[Response], bool] | None = None
    scope: str | None = None  # shared budget across routes (e.g. all code look-ups)


ANSWER_RULES = (
    Rule("30 per minute", by_person, ("POST",)),
    Rule("120 per minute", by_team, ("POST",)),
)

LIMITS: dict[str, tuple[Rule, ...]] = {
    # Log-in: count failures per account and per address; successes are free.
    "/organize/login": (
        Rule("10 per minute;40 per hour", by_login_email, ("POST",), failed_login),
        Rule("60 per minute", by_address, ("POST",), failed_login),
    ),
    "/in/<token>": (Rule("30 per minute", by_address, None, not_found, "login-token"),),
    "/join/<slug>": (Rule("10 per minute", by_address, ("POST",), failed_login),),
    # Typed-code guessing: unknown codes share one budget per person over both routes.
    "/c": (Rule("20 per minute", by_person, ("GET",), not_found, "code-guess"),),
    "/c/<code>": (Rule("20 per minute", by_person, ("GET",), not_found, "code-guess"),),
    "/c/<code>/checkin": (
        Rule("30 per minute", by_person, ("POST",)),
        Rule("120 per minute", by_team, ("POST",)),
    ),
    "/t/<int:task_id>/start": ANSWER_RULES,
    "/t/<int:task_id>/answer": ANSWER_RULES,
    "/t/<int:task_id>/submit": (
        Rule("10 per minute", by_person, ("POST",)),
        Rule("30 per minute", by_team, ("POST",)),
    ),
}


def _same_rule(a: str, b: str) -> bool:
    """``/t/<task_id>`` and ``/t/<int:task_id>`` name the same route."""

    def strip(rule: str) -> str:
        parts = []
        for part in rule.split("/"):
            if part.startswith("<") and ":" in part:
                part = "<" + part.split(":", 1)[1]
            parts.append(part)
        return "/".join(parts)

    return strip(a) == strip(b)


def endpoint_for(app: Flask, rule: str) -> str | None:
    for candidate in app.url_map.iter_rules():
        if _same_rule(candidate.rule, rule):
            return candidate.endpoint
    return None


def _attach(app: Flask, endpoint: str, rule: Rule) -> None:
    view = app.view_functions[endpoint]
    if rule.scope:
        decorator = limiter.shared_limit(
            rule.limit,
            scope=rule.scope,
            key_func=rule.key,
            methods=list(rule.methods) if rule.methods else None,
            deduct_when=rule.deduct_when,
        )
    else:
        decorator = limiter.limit(
            rule.limit,
            key_func=rule.key,
            methods=list(rule.methods) if rule.methods else None,
            deduct_when=rule.deduct_when,
        )
    app.view_functions[endpoint] = decorator(view)


def apply_limits(app: Flask) -> None:
    """Attach every rule of LIMITS to its view; routes not (yet) registered are skipped."""
    for path, rules in LIMITS.items():
        endpoint = endpoint_for(app, path)
        if endpoint is None:
            continue
        for rule in rules:
            _attach(app, endpoint, rule)


def limited_routes(app: Flask) -> dict[str, str | None]:
    """Each rule of LIMITS and the endpoint it is attached to (None when the route is missing)."""
    return {path: endpoint_for(app, path) for path in LIMITS}


__all__ = ["LIMITS", "Rule", "apply_limits", "limited_routes"]
