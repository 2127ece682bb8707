"""`flask --app quizengine demo`: the demo event and organizer that `make run` prepares."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from checkpoints.eventfile import parse_event_file
from checkpoints.timeutil import utc_now
from quizengine.extensions import db
from quizengine.models import EventRole, Organizer, Role
from quizengine.services import events as event_service

DEMO_FILE = Path(__file__).resolve().parent.parent / "examples" / "demo.yaml"
DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@example.org"


@click.command("demo")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), default=DEMO_FILE)
@click.option("--links", default=3, help="How many participant links to print.")
def demo_command(path: str, links: int) -> None:
    """Import the demo event (open from the last hour for ten hours) and a demo organizer."""
    _run_demo(Path(path), links)


@with_appcontext
def _run_demo(path: Path, links: int) -> None:
    event = event_service.event_by_slug(DEMO_SLUG)
    if event is None:
        spec = parse_event_file(path.read_bytes())
        spec.slug = DEMO_SLUG
        event = event_service.import_event(spec, actor="demo")
    # Keep the demo playable whenever it is started: the window runs from an hour ago.
    start = utc_now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    event.starts_at, event.ends_at = start, start + timedelta(hours=10)
    event.status = "live"

    organizer = db.session.scalar(select(Organizer).where(Organizer.email == DEMO_EMAIL))
    password = secrets.token_urlsafe(9)
    if organizer is None:
        organizer = Organizer(email=DEMO_EMAIL, name="Demo organizer", is_admin=True)
        db.session.add(organizer)
    organizer.set_password(password)
    db.session.flush()
    if not any(r.organizer_id == organizer.id for r in event.roles):
        event.roles.append(EventRole(organizer_id=organizer.id, role=Role.OWNER.value))
    db.session.commit()

    base = current_app.config["PUBLIC_URL"]
    click.echo(f"Demo event '{event.title}' ({event.slug})")
    click.echo(f"Organizer login: {base}/organize/login  {DEMO_EMAIL} / {password}")
    click.echo("Participant links:")
    for p in list(event_service.roster(event))[:links]:
        team = p.team.name if p.team else ""
        click.echo(f"  {team} - {p.name}: {event_service.login_url(base, p)}")
    for cp in event.checkpoints[:links]:
        click.echo(f"  checkpoint {cp.name}: {event_service.checkpoint_url(base, cp)}")
