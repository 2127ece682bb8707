"""What gets printed: checkpoint sheets and login badges for an event, as PDF or page data.

URLs come from PUBLIC_URL; printing URLs that only this computer can open (localhost,
127.x, ::1) is refused unless forced, because the phones that scan them cannot reach them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _

from checkpoints.sheets import (
    Badge,
    SheetCheckpoint,
    SheetEvent,
    badges_pdf,
    checkpoint_sheets_pdf,
)
from checkpoints.timeutil import to_local, zone_abbrev
from quizengine.models import Event
from quizengine.services import events as event_service

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "code": "Code",
        "scan_hint": "Scan with your phone camera, or open the address above and type the code.",
    },
    "id": {
        "code": "Kode",
        "scan_hint": "Pindai dengan kamera ponsel, atau buka alamat di atas dan ketik kodenya.",
    },
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_BULAN = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


class LocalUrlRefused(ValueError):
    """PUBLIC_URL points at this computer; printed codes would not open on a phone."""


def local_host(public_url: str) -> str | None:
    """The host of ``public_url`` if only this computer can reach it, else None."""
    host = (urlsplit(public_url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost") or host in ("", "0.0.0.0"):  # noqa: S104
        return host or public_url
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if address.is_loopback or address.is_unspecified else None


def check_public_url(public_url: str, force: bool = False) -> None:
    """Raise LocalUrlRefused (with the reason) for a localhost PUBLIC_URL unless ``force``."""
    host = local_host(public_url)
    if host is not None and not force:
        raise LocalUrlRefused(
            _(
                "PUBLIC_URL is %(url)s: '%(host)s' is this computer, so phones that scan the "
                "printed codes cannot open them. Set PUBLIC_URL to the address phones use (for "
                "example https://quiz.example.org) and print again, or force printing for a test.",
                url=public_url,
                host=host,
            )
        )


def _date(value: object, language: str) -> str:
    months = _BULAN if language == "id" else _MONTHS
    return f"{value.day} {months[value.month - 1]} {value.year}"  # type: ignore[attr-defined]


def format_window(event: Event) -> str:
    """The event's window in its zone with the abbreviation: "6 Oct 2023, 07:00-17:00 WIB";
    across days or a change of abbreviation, both ends are spelled out in full."""
    start = to_local(event.starts_at, event.timezone)
    end = to_local(event.ends_at, event.timezone)
    first = zone_abbrev(event.starts_at, event.timezone)
    last = zone_abbrev(event.ends_at, event.timezone)
    end_clock = f"{end:%H:%M}"
    at_midnight = end.time() == end.time().min and end.date() == start.date() + timedelta(days=1)
    if at_midnight:  # an end at midnight belongs to the day before: "07:00-24:00"
        end_clock = "24:00"
    if (start.date() == end.date() or at_midnight) and first == last:
        return f"{_date(start, event.language)}, {start:%H:%M}-{end_clock} {first}"
    return (
        f"{_date(start, event.language)} {start:%H:%M} {first} - "
        f"{_date(end, event.language)} {end:%H:%M} {last}"
    )


@dataclass(frozen=True)
class PrintJob:
    """Everything a sheet or badge rendering needs, PDF or HTML."""

    event: SheetEvent
    checkpoints: list[SheetCheckpoint]
    badges: list[Badge]
    labels: dict[str, str]


def print_job(
    event: Event,
    public_url: str,
    *,
    force: bool = False,
    sheets: bool = True,
    badges: bool = True,
    team_id: int | None = None,
    participant_id: int | None = None,
) -> PrintJob:
    """The sheets and/or badges of ``event`` with URLs under ``public_url`` (checked first);
    the part not asked for stays empty (badges need the whole roster). The badges of one team
    or one participant only when ``team_id`` or ``participant_id`` is given (a lost badge,
    a late team: not the event's 5,000 again)."""
    check_public_url(public_url, force)
    sheet_event = SheetEvent(title=event.title, window=format_window(event))
    sheet_list = [
        SheetCheckpoint(
            name=cp.name,
            instructions=cp.instructions,
            code=cp.code,
            url=event_service.checkpoint_url(public_url, cp),
        )
        for cp in event.checkpoints
        if sheets
    ]
    badge_list = [
        Badge(
            name=p.name,
            team=p.team.name if p.team else "",
            subtitle=p.unit,
            url=event_service.login_url(public_url, p),
        )
        for p in (
            event_service.roster(event, team_id=team_id, participant_id=participant_id)
            if badges
            else ()
        )
    ]
    return PrintJob(sheet_event, sheet_list, badge_list, LABELS.get(event.language, LABELS["en"]))


def sheets_pdf(event: Event, public_url: str, *, force: bool = False) -> bytes:
    """One A4 page per checkpoint (checkpoints.sheets), labels in the event's language."""
    job = print_job(event, public_url, force=force, badges=False)
    return checkpoint_sheets_pdf(job.event, job.checkpoints, job.labels)


def badge_pdf(
    event: Event,
    public_url: str,
    *,
    force: bool = False,
    team_id: int | None = None,
    participant_id: int | None = None,
) -> bytes:
    """Personal login badges, several per A4 page with cut lines (of one team or one
    participant when given)."""
    job = print_job(
        event,
        public_url,
        force=force,
        sheets=False,
        team_id=team_id,
        participant_id=participant_id,
    )
    return badges_pdf(job.event, job.badges)
