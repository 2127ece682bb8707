"""Command line: `flask --app quizengine event ...`, `organizer create`, `demo`."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from checkpoints.eventfile import EventFileError, dump_event_file, parse_event_file
from quizengine.extensions import db
from quizengine.models import Organizer
from quizengine.services import events as event_service

event_cli = AppGroup("event", help="Import, export and print events.")
organizer_cli = AppGroup("organizer", help="Manage organizer accounts.")


def _event_or_fail(slug: str):
    event = event_service.event_by_slug(slug)
    if event is None:
        raise click.ClickException(f"no event with slug '{slug}'")
    return event


@event_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--slug", help="Use this slug instead of the file's (or one made from the title).")
def import_command(file: str, slug: str | None) -> None:
    """Import an event file; the last line printed is the event's slug."""
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror}") from exc
    try:
        spec = parse_event_file(data)
        if slug:
            spec.slug = slug
        event = event_service.import_event(spec, actor="cli")
        db.session.commit()
    except EventFileError as exc:
        db.session.rollback()
        click.echo(
            f"{file}: refused, nothing was imported ({len(exc.problems)} problems):", err=True
        )
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(
        f"imported '{event.title}': {len(event.teams)} teams, {len(event.participants)} "
        f"participants, {len(event.checkpoints)} checkpoints, {len(event.tasks)} tasks"
    )
    click.echo(event.slug)


@event_cli.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File (default stdout).")
def export_command(slug: str, output: str | None) -> None:
    """Write the event file of SLUG (same shape as import)."""
    text = dump_event_file(event_service.export_event(_event_or_fail(slug)))
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@event_cli.command("links")
@click.argument("slug")
def links_command(slug: str) -> None:
    """CSV of personal log-in links: team,name,login_url (uses PUBLIC_URL)."""
    event = _event_or_fail(slug)
    base = current_app.config["PUBLIC_URL"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["team", "name", "login_url"])
    for p in event_service.roster(event):
        writer.writerow([p.team.name if p.team else "", p.name, event_service.login_url(base, p)])
    click.echo(out.getvalue(), nl=False)


def _write_pdf(slug: str, output: str, force: bool, render: Callable[..., bytes]) -> None:
    from quizengine.services import printing

    event = _event_or_fail(slug)
    try:
        data = render(event, current_app.config["PUBLIC_URL"], force=force)
    except printing.LocalUrlRefused as exc:
        raise click.ClickException(f"{exc} (--force prints anyway)") from exc
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(output)


@event_cli.command("sheets")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="PDF file.")
@click.option("--force", is_flag=True, help="Print even when PUBLIC_URL is localhost.")
def sheets_command(slug: str, output: str, force: bool) -> None:
    """Checkpoint sheets of SLUG as PDF: one A4 page per checkpoint with its QR code."""
    from quizengine.services import printing

    _write_pdf(slug, output, force, printing.sheets_pdf)


@event_cli.command("badges")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="PDF file.")
@click.option("--force", is_flag=True, help="Print even when PUBLIC_URL is localhost.")
@click.option("--team", "team_name", metavar="NAME", help="Only this team's badges.")
@click.option("--participant", "participant_name", metavar="NAME", help="Only this badge.")
def badges_command(
    slug: str, output: str, force: bool, team_name: str | None, participant_name: str | None
) -> None:
    """Personal login badges of SLUG as PDF: several per A4 page, with cut lines (of one team
    or one participant, named as written or apart from capitals, when given)."""
    from quizengine.models import Participant, Team
    from quizengine.services import printing

    def render(event: Any, public_url: str, *, force: bool) -> bytes:
        return printing.badge_pdf(
            event,
            public_url,
            force=force,
            team_id=_named(event, Team, team_name),
            participant_id=_named(event, Participant, participant_name),
        )

    _write_pdf(slug, output, force, render)


def _named(event: Any, model: Any, name: str | None) -> int | None:
    """The id of the event's team or participant called ``name`` (None: not asked for)."""
    from quizengine.services import people

    if name is None:
        return None
    try:
        return people.one_named(event, model, name)
    except people.UnknownName as exc:
        raise click.ClickException(str(exc)) from None


@organizer_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option(
    "--password-file",
    type=click.File("r"),
    help="Read the password from this file's first line ('-' for stdin) instead of a prompt.",
)
@click.option("--admin/--no-admin", default=True, help="May create events (default yes).")
def create_organizer(email: str, name: str, password_file, admin: bool) -> None:
    """Create an organizer account (or reset its password)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.ClickException(f"'{email}' is not an e-mail address")
    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.ClickException("the password must have at least 8 characters")
    organizer = db.session.scalar(select(Organizer).where(Organizer.email == email))
    created = organizer is None
    if organizer is None:
        organizer = Organizer(email=email, name=name or email.split("@")[0], is_admin=admin)
        db.session.add(organizer)
    organizer.set_password(password)
    db.session.commit()
    click.echo(f"{'created' if created else 'updated'} organizer {email}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(event_cli)
    app.cli.add_command(organizer_cli)
    from quizengine.demo import demo_command

    app.cli.add_command(demo_command)
    from quizengine.backup import register_backup  # `db backup` / `db restore`

    register_backup(app)
