"""The organizer pages speak Bahasa Indonesia when asked (``?lang=id``): every organizer and board
page, and the flash messages, form errors and service refusals an organizer meets.

Two nets catch English: the catalogue's own English phrases (anything marked for translation
that still shows in English, e.g. a ``gettext`` run at import time instead of per request), and
a list of strings that were once hard-coded in English (anything never marked at all). Each
page is also fetched with ``?lang=en`` to prove the check can see English when it is there.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from quizengine.extensions import db
from quizengine.models import AuditEntry
from tests.app.test_live_support import attempt, checkin, submission
from tests.builders import (
    at,
    grant,
    make_checkpoint,
    make_event,
    make_organizer,
    make_participant,
    make_task,
    make_team,
)

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "quizengine" / "translations" / "id" / "LC_MESSAGES" / "messages.po"

# Strings organizers used to see in English whatever the language (never marked for
# translation before): none may come back on an Indonesian page.
ONCE_ENGLISH = [
    "Wrong e-mail or password", "Please log in to access this page", "Password",
    "This field is required", "Not a valid", "Number must be", "Field cannot be longer",
    "Verdict", "Approve", "Reject (the team may submit again)", "Comment", "Reason",
    "Decision", "Correct answer", "Points (+/-)", "Submission", "Clear the flags",
    "Checked in by hand", "Points adjusted", "Answer fixed", "Decision recorded",
    "Review saved", "Give the points you award", "Say why", "Judging is blind",
    "does not allow this", "there is already", "no such", "must be", "already played",
    "has check-ins", "line 1:", "the first line", "is this computer", "no organizer account",
    "short link", "not coordinates", "is outside", "Connection problem",
    # stored codes shown as they are
    "pending", "approved", "rejected", "disqualified", "draft", "individual", "owner",
    "judge", "too_far", "on_site", "adjustment.add", "team.create", "creative", "choice",
    "cleared", "upheld", "suspicious_accuracy",
]  # fmt: skip


class VisibleText(HTMLParser):
    """What a person reads on a page: text outside <script>/<style>/<code>/<pre>, plus the
    attributes a screen reader or a hover shows."""

    SHOWN_ATTRS = ("title", "alt", "aria-label", "placeholder", "data-confirm")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._hidden += 1
        self.parts += [v for k, v in attrs if k in self.SHOWN_ATTRS and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _catalogue_english() -> list[str]:
    """English phrases of the catalogue whose Indonesian differs: the fixed text between
    placeholders, at least two words long (single words like "Status" are shared)."""
    with CATALOGUE.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    phrases: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in strings:
                continue
            for piece in re.split(r"%\(\w+\)[sd]|[“”'\"]", msgid):
                piece = piece.strip(" .,:;()")
                # two words or more, and not shared with the translation ("lat, lon")
                if len(piece.split()) >= 2 and not any(piece in s for s in strings):
                    phrases.add(piece)
    return sorted(phrases)


CATALOGUE_ENGLISH = _catalogue_english()


def english_in(text: str) -> list[str]:
    """The English found in a page's visible text (whole words, case-sensitive)."""
    found = [p for p in CATALOGUE_ENGLISH if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
    found += [s for s in ONCE_ENGLISH if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]
    return found


def log_in(client: FlaskClient, organizer_id: int, lang: str = "id") -> None:
    with client.session_transaction() as session:
        session["_user_id"] = f"organizer:{organizer_id}"
        session["_fresh"] = True
        session["lang"] = lang


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """An Indonesian event with something on every page: teams, people, checkpoints, every
    kind of task, a creative submission with a review, a flagged and a refused check-in,
    and an audited correction. Requests run outside this app context (a shared ``g`` would
    keep the first request's language)."""
    with app.app_context():
        event = make_event(
            slug="latihan", title="Pelatihan Kota Malang", language="id", blind_judging=False
        )
        team = make_team(event, "Kelompok Merah")
        idle_team = make_team(event, "Kelompok Biru")
        ana = make_participant(event, team, "Ana Rahma", unit="Dinas Pendidikan")
        make_participant(event, idle_team, "Budi Santoso")
        cp = make_checkpoint(event, name="Balai Kota", instructions="Di depan pintu utama.")
        tasks = [
            make_task(event, cp, prompt="Tahun berapa Tugu diresmikan?", title="Tugu"),
            make_task(event, cp, kind="text", prompt="Nama alun-alun?", choices=None,
                      answer=["Alun-alun Merdeka"]),
            make_task(event, None, kind="number", prompt="Berapa jumlah pilar?", choices=None,
                      answer={"value": 4, "tolerance": 0}),
            make_task(event, cp, kind="creative", prompt="Foto bersama tim.", choices=None,
                      answer=None, rubric="Semua anggota terlihat.", title="Foto tim"),
        ]  # fmt: skip
        answered = attempt(tasks[0], ana, at(event, 2), at(event, 3), answer="1953",
                           correct=True, points=100)  # fmt: skip
        sub = submission(attempt(tasks[3], ana, at(event, 4)), ana, at(event, 6), text="Kami")
        checkin(event, cp, at(event, 1), ana,
                flags=[{"code": "suspicious_accuracy", "detail": "0 m"}])  # fmt: skip
        checkin(event, cp, at(event, 2), ana, accepted=False, verdict="too_far", distance=900)
        owner = make_organizer(is_admin=True)
        judge = make_organizer()
        grant(owner, event, "owner")
        grant(judge, event, "judge")
        db.session.add(
            AuditEntry(event_id=event.id, actor="organizer:1 a@example.org",
                       action="adjustment.add", target=f"team:{team.id}", reason="Bonus",
                       before=None, after={"points": 5})
        )  # fmt: skip
        db.session.commit()
        return {
            "slug": event.slug, "team_id": team.id, "team_name": team.name,
            "idle_team_id": idle_team.id, "pid": ana.id, "cp_id": cp.id,
            "task_ids": [t.id for t in tasks],
            "submission_id": sub.id, "owner": owner.id, "judge": judge.id,
            "attempt": answered.id, "owner_email": owner.email,
        }  # fmt: skip


def organizer_pages(app: Flask, w: dict[str, Any]) -> list[str]:
    """Every GET page of the organize and board blueprints, with real ids (each task kind's
    edit and preview page); downloads (PDF, CSV, XML, YAML, JSON) are left out."""
    values = {"slug": w["slug"], "team_id": w["team_id"], "pid": w["pid"], "cp_id": w["cp_id"],
              "submission_id": w["submission_id"]}  # fmt: skip
    urls: list[str] = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("organize", "board") or "GET" not in rule.methods:
            continue
        if re.search(r"\.(pdf|csv|xml|yaml|json)$", rule.rule):
            continue
        unknown = set(rule.arguments) - set(values) - {"task_id"}
        assert not unknown, f"{rule.rule}: give this test a value for {unknown}"
        task_ids = w["task_ids"] if "task_id" in rule.arguments else [None]
        for task_id in task_ids:
            args = {k: values[k] for k in rule.arguments if k != "task_id"}
            if task_id is not None:
                args["task_id"] = task_id
            with app.test_request_context():
                from flask import url_for

                urls.append(url_for(rule.endpoint, **args))
    return sorted(set(urls))


def test_every_organizer_page_is_indonesian(app: Flask, client: FlaskClient, world) -> None:
    urls = organizer_pages(app, world)
    assert len(urls) >= 30, urls  # the whole organizer area, not a handful
    log_in(client, world["owner"])
    problems: dict[str, list[str]] = {}
    for url in urls:
        response = client.get(f"{url}?lang=id")
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert re.search(r'<html lang="id"', html), url
        if found := english_in(visible_text(html)):
            problems[url] = found
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_the_check_sees_english_pages(app: Flask, client: FlaskClient, world) -> None:
    """The same pages in English are caught: the check above can fail."""
    log_in(client, world["owner"], lang="en")
    slug = world["slug"]
    for path in ("/organize/", f"/organize/e/{slug}/corrections",
                 f"/organize/e/{slug}/reviews/{world['submission_id']}"):  # fmt: skip
        text = visible_text(client.get(f"{path}?lang=en").get_data(as_text=True))
        assert english_in(text), path


def test_live_feed_words_are_indonesian(client: FlaskClient, world) -> None:
    """live.js writes the feed from the words the page hands it."""
    log_in(client, world["owner"])
    html = client.get(f"/organize/e/{world['slug']}/live?lang=id").get_data(as_text=True)
    raw = re.search(r"data-words='([^']*)'", html)
    assert raw is not None
    words = json.loads(raw.group(1).replace("&#34;", '"').replace("&amp;", "&"))
    assert words["answer"] == "jawaban" and words["updated"] == "Diperbarui"
    assert words["verdicts"]["too_far"] == "terlalu jauh"
    assert words["statuses"]["pending"] == "menunggu"
    assert words["problem"] == "Gangguan koneksi (%(error)s), mencoba lagi…"


# -------------------------------------------------------------------------------------------
# Flash messages, form errors and refusals


def _text(response: Any) -> str:
    return visible_text(response.get_data(as_text=True))


def _indonesian(response: Any, *expected: str) -> str:
    text = _text(response)
    for phrase in expected:
        assert phrase in text, (phrase, text[:2000])
    assert not english_in(text), english_in(text)
    return text


def test_login_messages(client: FlaskClient, world) -> None:
    redirected = client.get("/organize/?lang=id", follow_redirects=True)
    _indonesian(redirected, "Silakan masuk untuk membuka halaman ini.", "Kata sandi")
    wrong = client.post(
        "/organize/login?lang=id", data={"email": world["owner_email"], "password": "salah"}
    )
    _indonesian(wrong, "E-mail atau kata sandi salah.")
    empty = client.post("/organize/login?lang=id", data={"email": "", "password": ""})
    _indonesian(empty, "Kolom ini wajib diisi.")


def test_form_errors_from_wtforms_and_services(client: FlaskClient, world) -> None:
    log_in(client, world["owner"])
    base = f"/organize/e/{world['slug']}"
    settings = client.post(f"{base}/settings?lang=id", data={
        "title": "", "timezone": "Asia/Jakarta", "starts": "kemarin", "ends": "2023-10-06T17:00",
        "language": "id", "mode": "solo", "radius_m": "-5", "speed_weight": "x",
        "accuracy_cap_m": "100", "review_policy": "mean", "status": "draft"})  # fmt: skip
    assert settings.status_code == 422
    _indonesian(settings, "Kolom ini wajib diisi.", "Tanggal dan jam tidak valid.",
                "Pilihan tidak valid.", "Angka harus antara 1 dan 50000.",
                "Bukan angka yang valid.")  # fmt: skip
    clash = client.post(f"{base}/teams?lang=id", data={"name": "Kelompok Merah"})
    _indonesian(clash, "sudah ada tim bernama 'Kelompok Merah'")
    long_name = client.post(f"{base}/teams?lang=id", data={"name": "x" * 201})
    _indonesian(long_name, "Isian tidak boleh lebih dari 200 karakter.")
    link = {"name": "Pos", "map_link": "https://maps.app.goo.gl/abc"}
    short = client.post(f"{base}/checkpoints/new?lang=id", data=link)
    _indonesian(short, "Ini tautan pendek")
    far = client.post(f"{base}/checkpoints/new?lang=id", data={"name": "Pos", "map_link": "95, 10"})
    _indonesian(far, "Lintang 95 berada di luar -90..90.")
    csv = client.post(f"{base}/participants/import?lang=id", data={"text": "nama,tim\nAna,1"})
    _indonesian(csv, "baris 1: baris pertama harus berupa kepala kolom name,team,unit")
    role = client.post(f"{base}/people?lang=id", data={"email": "x@example.org", "role": "judge"})
    _indonesian(role, "belum ada akun panitia untuk x@example.org")
    choice = client.post(f"{base}/tasks/new?lang=id", data={
        "kind": "choice", "checkpoint": "0", "prompt": "Apa?", "choices": "A",
        "time_limit_s": "60", "points": "10", "submit": "photo_text"})  # fmt: skip
    _indonesian(choice, "pertanyaan pilihan ganda memerlukan paling sedikit dua pilihan")


def test_flashes_and_refusals(app: Flask, client: FlaskClient, world) -> None:
    log_in(client, world["owner"])
    base = f"/organize/e/{world['slug']}"
    added = client.post(f"{base}/corrections/adjust?lang=id", follow_redirects=True, data={
        "team": world["team_name"], "points": "5", "reason": "Bonus kerapian",
        "key": "kunci-12345678"})  # fmt: skip
    text = _indonesian(added, "Poin disesuaikan.", "poin disesuaikan")  # flash, audit log
    assert "Bonus kerapian" in text
    zero = client.post(f"{base}/corrections/adjust?lang=id", data={
        "team": world["team_name"], "points": "0", "reason": "Nol",
        "key": "kunci-87654321"})  # fmt: skip
    _indonesian(zero, "poin harus berupa bilangan bulat selain 0")
    no_reason = client.post(f"{base}/corrections/disqualify?lang=id",
                            data={"submission_id": str(world["submission_id"])})  # fmt: skip
    _indonesian(no_reason, "Tuliskan alasannya.")
    played = client.post(f"{base}/teams/{world['team_id']}/delete?lang=id")
    assert played.status_code == 409
    _indonesian(played, "tim 'Kelompok Merah' sudah punya check-in")
    review = client.post(f"{base}/reviews/{world['submission_id']}?lang=id",
                         data={"verdict": "approve"})  # fmt: skip
    _indonesian(review, "Isi poin yang Anda berikan.")
    saved = client.post(f"{base}/reviews/{world['submission_id']}?lang=id", follow_redirects=True,
                        data={"verdict": "approve", "points": "50"})  # fmt: skip
    _indonesian(saved, "Penilaian tersimpan.")


def test_judge_refusals(client: FlaskClient, world) -> None:
    log_in(client, world["judge"])
    base = f"/organize/e/{world['slug']}"
    denied = client.get(f"{base}/settings?lang=id")
    assert denied.status_code == 403
    _indonesian(denied, "Peran Anda di acara ini (juri) tidak mengizinkan tindakan ini.")


@pytest.mark.parametrize("app_config", [{"PUBLIC_URL": "http://localhost:5000"}])
def test_print_refusal(client: FlaskClient, world) -> None:
    log_in(client, world["owner"])
    refused = client.get(f"/organize/e/{world['slug']}/print/sheets?lang=id")
    assert refused.status_code == 409
    _indonesian(refused, "Tidak ada yang dicetak.", "'localhost' adalah komputer ini")


def test_dates_name_months_in_the_page_language(app: Flask) -> None:
    """Live clock, audit log and printed results use month names of the page's language."""
    from datetime import UTC, datetime

    from quizengine.organize.labels import local_date

    moment = datetime(2023, 10, 6, 0, 30, tzinfo=UTC)
    for lang, expected in (("id", "6 Okt 2023 07:30 WIB"), ("en", "6 Oct 2023 07:30 WIB")):
        with app.test_request_context(f"/organize/?lang={lang}"):
            assert local_date(moment, "Asia/Jakarta", "d MMM y HH:mm") == expected
