"""Creative submissions: photos re-encoded and stored under UPLOAD_DIR, text, idempotent by key;
and who may see a submission's photos."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from checkpoints.photos import Photo, PhotoError, reencode
from quizengine import kinds
from quizengine.extensions import db
from quizengine.models import (
    Attempt,
    AttemptStatus,
    EventRole,
    Participant,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    Task,
)
from quizengine.services.attempts import KEY_PATTERN, check_task, find, owner_of
from quizengine.services.checkins import Refused, open_problem

MAX_PHOTOS = 6
BLOCKING = (SubmissionStatus.PENDING.value, SubmissionStatus.APPROVED.value)


def photo_message(err: PhotoError) -> str:
    messages = {
        "empty": _("One of the photos is an empty file."),
        "not_image": _("One of the files is not a photo. Please send JPEG or PNG pictures."),
        "too_many_pixels": _("One of the photos is far too large. Please take a new one."),
        "broken": _("One of the photos is damaged or incomplete. Please send it again."),
    }
    return messages.get(err.code, err.message)


def _reencoded(photos: list[bytes]) -> list[Photo]:
    if len(photos) > MAX_PHOTOS:
        raise Refused(_("At most %(n)d photos per submission.", n=MAX_PHOTOS), 400)
    out = []
    for data in photos:
        try:
            out.append(reencode(data))
        except PhotoError as err:
            raise Refused(photo_message(err), 400) from None
    return out


def _check_content(task: Task, text: str, photos: list[bytes]) -> None:
    if task.submit == "photo" and not photos:
        raise Refused(_("Please add at least one photo."), 400)
    if task.submit == "text" and not text:
        raise Refused(_("Please write something."), 400)
    if not text and not photos:
        raise Refused(_("Please add a photo or some text."), 400)


def submit(
    participant: Participant,
    task: Task,
    text: str,
    photos: list[bytes],
    key: str,
    *,
    now: datetime,
    upload_dir: str | Path,
) -> Submission:
    """Store a creative submission for review. Idempotent by ``key`` (a retry returns the first
    submission); allowed while the attempt's deadline has not passed and the owner has no
    pending or approved submission (a rejected one may be followed by another)."""
    check_task(participant, task)
    if task.kind != "creative":
        raise Refused(_("This task takes an answer, not a submission."), 400)
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise Refused(_("The form was incomplete; reload the page and try again."), 400)
    try:
        text = kinds.get("creative").parse(task, text)
    except kinds.AnswerInvalid as err:
        raise Refused(err.message, 400) from None
    # Refuse or replay early without a lock, then re-encode the photos (tens of ms of CPU)
    # before taking the lock: on SQLite the lock is the database's single write lock, and no
    # other team's check-in or answer should wait for Pillow. Under the lock, decide again.
    found = _already_or_open(participant, task, find(participant, task), key, now)
    if found is not None:
        return found
    _check_content(task, text, photos)
    encoded = _reencoded(photos)
    attempt = find(participant, task, lock=True)
    found = _already_or_open(participant, task, attempt, key, now)
    if found is not None:
        return found
    assert attempt is not None
    submission = Submission(
        event_id=task.event_id,
        attempt=attempt,
        participant_id=participant.id,
        idem_key=key,
        text=text,
        status=SubmissionStatus.PENDING.value,
        created_at=now,
    )
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for photo in encoded:
        submission.files.append(
            SubmissionFile(
                stored_name=f"{secrets.token_hex(16)}.jpg",
                content_type="image/jpeg",
                width=photo.width,
                height=photo.height,
                size_bytes=len(photo.data),
                sha256=hashlib.sha256(photo.data).hexdigest(),
            )
        )
    db.session.add(submission)
    attempt.status = AttemptStatus.SUBMITTED.value
    db.session.flush()
    # The rows are in; the files follow. If the commit then fails, the caller discards them.
    for file, photo in zip(submission.files, encoded, strict=True):
        (folder / file.stored_name).write_bytes(photo.data)
    return submission


def _already_or_open(
    participant: Participant, task: Task, attempt: Attempt | None, key: str, now: datetime
) -> Submission | None:
    """The submission this key already made (a retry), or None when a new one may be made;
    raises Refused when none may."""
    if attempt is None:
        raise Refused(_("Start the task first."), 409)
    same = db.session.scalar(
        select(Submission).where(Submission.attempt_id == attempt.id, Submission.idem_key == key)
    )
    if same is not None:
        return same
    problem = open_problem(participant.event, task.checkpoint, now)
    if problem:
        raise Refused(problem)
    if now > attempt.deadline:
        raise Refused(_("Time is up for this task."), 409)
    blocking = db.session.scalar(
        select(Submission.id)
        .where(Submission.attempt_id == attempt.id, Submission.status.in_(BLOCKING))
        .limit(1)
    )  # a query, not attempt.submissions: under the lock it must read the newest rows
    if blocking is not None:
        raise Refused(_("Your submission is already waiting for the judges."), 409)
    return None


def discard_files(stored_names: list[str], upload_dir: str | Path) -> None:
    """Remove photos written for a submission whose transaction did not commit.

    Only names this module made (random hex + .jpg) are touched; a committed row never points
    at them, because the caller calls this after a failed commit only.
    """
    folder = Path(upload_dir)
    for name in stored_names:
        if re.fullmatch(r"[0-9a-f]{32}\.jpg", name):
            (folder / name).unlink(missing_ok=True)


def latest(attempt: Attempt | None) -> Submission | None:
    return attempt.submissions[-1] if attempt is not None and attempt.submissions else None


def may_see(
    file: SubmissionFile, participant: Participant | None, organizer_id: int | None
) -> bool:
    """A photo is for its owner (the team in team mode, the participant in individual mode)
    and for organizers with a role in its event."""
    attempt = file.submission.attempt
    if participant is not None and participant.event_id == attempt.event_id:
        try:
            if owner_of(participant) == attempt.owner:
                return True
        except Refused:
            pass
    if organizer_id is not None:
        role = db.session.scalar(
            select(EventRole.id).where(
                EventRole.event_id == attempt.event_id, EventRole.organizer_id == organizer_id
            )
        )
        return role is not None
    return False
