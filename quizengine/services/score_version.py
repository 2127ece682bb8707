"""Bump an event's score version in the same transaction as any change that can move points.

A SQLAlchemy ``before_flush`` hook sees every ORM write (answers, reviews, adjustments,
re-scoring, disqualification, team moves, task points), so no service can forget it; the
leaderboard cache keys on (event, epoch, version) and is therefore never stale after a commit,
in any worker or host. Writes that bypass the ORM (bulk SQL) must call ``bump`` themselves.

A version whose only changes are answers, submissions, reviews and adjustments is *narrow*: the
hook stamps each attempt and adjustment they touch with it (``scored_version``), so a sum cached
at an earlier version is brought up to date by summing again only the teams and participants of
the stamped rows. Edits that move no points are narrow too and stamp nothing: a name or a new
team or participant, the deletion of one that holds no points (no attempt, submission or
adjustment) and the move of a participant without adjustments to another team (these also
move ``names_version``: the boards read their names and teams again), a task's text, a
question's points (its answers' points were fixed when they were given; a re-score changes
them and stamps the attempts it changes), the points, kind or checkpoint of a task nobody
played, or its deletion (points only ever come from attempts), the event's settings other than
its review policy and mode. What was derived from the version (a ranked board, its JSON, the
live grid) is built again after any of them, from tallies that stay as they were. A played
creative task's points cap its judged points: a narrow change too, which stamps the task's
submitted attempts, when they are at most ``MAX_CAPPED``.

Every other change (other deletions, an attempt, submission or adjustment moved to another team
or person, a participant with adjustments moved to another team, the points of a creative task
with more submitted attempts, a played task's kind or checkpoint, the review policy, the mode)
is *full* and moves ``full_version``: a sum cached before it is summed anew. A full change that
cannot move question points (those are ``attempt.points`` of answered questions: only changes
to attempts can, and deleting a team, participant or task that holds attempts, or changing such
a task's kind) is also counted in ``kept_count``: across such changes a cached sum keeps its
question part, advanced by the stamped rows, and sums only judged creative points and
adjustments anew. The organizer's forms delete only rows nobody played, so of an app's changes
only the move of a participant with adjustments, the review policy and the points of a
creative task with many submissions need judged points summed anew, and only attempts moved or
deleted by hand the whole event. ``names_version`` moves with every full change that did not
keep question points, and with a kept one only when a team or participant was deleted or a
participant moved to another team.
"""

from __future__ import annotations

import secrets
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, event, exists, or_, select, text, update
from sqlalchemy.orm import Session

from quizengine.models import (
    Adjustment,
    Attempt,
    AttemptStatus,
    Event,
    Participant,
    Review,
    ScoreVersion,
    Submission,
    Task,
    Team,
)

# Event: its review policy (mean/last) changes creative points. Team and Participant: their
# names are on the ranked boards the leaderboard also caches under the version.
TRACKED = (Attempt, Review, Adjustment, Submission, Participant, Team, Task, Event)
# What a change to a setup row (event, task, team, participant) does: a version alone, names
# too, a full change that keeps question points, a full change.
BUMP, NAMES, KEPT, FULL = "bump", "names", "kept", "full"
# And a played creative task's new points: the cap of its judged points, a narrow change that
# stamps the task's submitted attempts when they are at most MAX_CAPPED (each touches its team
# and up to three participants; the leaderboard advances a cached board only while at most
# 400 are touched, ``leaderboard.MAX_TOUCHED``), else a full one that keeps question points.
CAPPED = "capped"
MAX_CAPPED = 100
# The setup columns (and relationships) whose change moves points no stamp describes: the
# review policy, a task's points (a creative task's points cap its judged points; a question's
# points are its attempts', so a new value for a question moves nothing) and kind, where the
# live grid shows a task's points (its checkpoint) and whose rows it shows (the event's mode),
# a participant's team.
SETUP_SCORING: dict[type, tuple[str, ...]] = {
    Event: ("review_policy", "mode"),
    Task: ("points", "kind", "checkpoint_id", "checkpoint", "event_id", "event"),
    Team: ("event_id", "event"),
    Participant: ("team_id", "team", "event_id", "event"),
}
SETUP = tuple(SETUP_SCORING)  # the setup models, for isinstance on every flushed object
# Of those, the ones that can move question points too; so can a deletion. A deletion and a
# task's new kind move none when the row holds no attempt (``_holds_no_attempt``).
SETUP_QUESTIONS: dict[type, tuple[str, ...]] = {
    Event: (),
    Task: ("kind", "event_id", "event"),
    Team: ("event_id", "event"),
    Participant: ("event_id", "event"),
}
# Attempt columns that count; a new, unanswered attempt (a start) changes no score.
ATTEMPT_SCORING = ("points", "answered_at", "status", "team_id", "answered_by_id", "participant_id")

PENDING = "quizengine.score_version.pending"

# The columns (and relationships) that say whose points a row's are: changing them moves
# points away from someone the stamped row no longer names, so such a change is full.
ADJUSTMENT_OWNERS = ("team_id", "participant_id", "team", "participant")
SUBMISSION_OWNERS = ("attempt_id", "participant_id", "attempt", "participant")
ATTEMPT_OWNERS = (
    "team_id",
    "participant_id",
    "answered_by_id",
    "team",
    "participant",
    "answered_by",
)

_UPSERT = text(
    "INSERT INTO score_version "
    "(event_id, epoch, version, full_version, narrow_count, names_version, kept_count) "
    "VALUES (:event_id, :epoch, 1, 1, 0, 1, 0) "
    "ON CONFLICT (event_id) DO UPDATE SET version = score_version.version + 1, "
    "full_version = CASE WHEN :full THEN score_version.version + 1 "
    "ELSE score_version.full_version END, "
    "narrow_count = CASE WHEN :full THEN score_version.narrow_count "
    "ELSE score_version.narrow_count + 1 END, "
    "names_version = CASE WHEN (:full AND NOT :kept) OR :names THEN score_version.version + 1 "
    "ELSE score_version.names_version END, "
    "kept_count = CASE WHEN :full AND :kept THEN score_version.kept_count + 1 "
    "ELSE score_version.kept_count END "
    "RETURNING version"
)


def bump(
    session: Session,
    event_id: int,
    *,
    full: bool = True,
    names: bool = False,
    kept: bool = False,
) -> int:
    """Move the event's version on (in the caller's transaction; the row lock orders the
    writers of one event, so versions commit in order) and return the new version. ``full``
    unless the caller stamps every attempt and adjustment whose points it changed with the
    returned version; ``names`` when it changed the names on the boards (a full change that
    did not keep question points always counts as one); ``kept`` when a full change cannot
    have moved question points."""
    params = {
        "event_id": event_id,
        "epoch": secrets.token_hex(16),
        "full": full,
        "names": names,
        "kept": kept,
    }
    return int(session.execute(_UPSERT, params).scalar_one())


class State(NamedTuple):
    epoch: str
    version: int
    full_version: int
    narrow_count: int = 0
    names_version: int = 0
    kept_count: int = 0

    def narrow_since(self, version: int, narrow_count: int) -> bool:
        """Was every change after ``version`` (when ``narrow_count`` narrow changes had been
        made) a narrow one, its rows stamped? Not when a full change came after it, nor when
        some version was bumped by code that stamps nothing (an older release's worker)."""
        return (
            self.full_version <= version < self.version
            and self.version - version == self.narrow_count - narrow_count
        )

    def questions_kept_since(self, version: int, narrow_count: int, kept_count: int) -> bool:
        """Was every change after ``version`` (when the counts were ``narrow_count`` and
        ``kept_count``) narrow or a full one that kept question points? A full change of an
        older release counts in neither, so it says no."""
        return version < self.version and (self.version - version) - (
            self.narrow_count - narrow_count
        ) == (self.kept_count - kept_count)

    @property
    def unkept(self) -> int:
        """The full changes that may have moved question points, counted from a fixed offset:
        it moves with a full change of an older release too, which counts in neither count."""
        return self.version - self.narrow_count - self.kept_count

    @property
    def key(self) -> tuple[str, int]:
        return (self.epoch, self.version)


_STATE = select(
    ScoreVersion.epoch,
    ScoreVersion.version,
    ScoreVersion.full_version,
    ScoreVersion.narrow_count,
    ScoreVersion.names_version,
    ScoreVersion.kept_count,
).where(ScoreVersion.event_id == bindparam("event_id"))


def state(session: Session, event_id: int) -> State:
    """The event's version, one query: no row yet (no points-changing ORM write yet, e.g. an
    event bulk-loaded with SQL) is a state of its own, version 0. Read on the session's
    connection after its pending changes are flushed (what ``session.execute`` does, without
    the ORM's per-statement work: every page with a score asks)."""
    session.flush()
    row = session.connection().execute(_STATE, {"event_id": event_id}).first()
    return State(*row) if row else State("", 0, 0, 0, 0, 0)


def _event_id(session: Session, obj: Any) -> int | None:
    if isinstance(obj, Event):
        return obj.id
    if isinstance(obj, Review):
        if obj.submission is not None:
            return obj.submission.event_id
        return session.scalar(select(Submission.event_id).where(Submission.id == obj.submission_id))
    if obj.event_id is None and obj.__dict__.get("event") is not None:
        return obj.__dict__["event"].id  # added by relationship (Team(event=...)): not set yet
    return obj.event_id


def _counts(session: Session, obj: Any) -> bool:
    if isinstance(obj, Event):
        return obj in session.dirty and session.is_modified(obj, include_collections=False)
    if obj in session.new:
        return not isinstance(obj, Attempt) or obj.answered_at is not None
    if obj in session.deleted:
        return True
    if not session.is_modified(obj, include_collections=False):
        return False
    if isinstance(obj, Attempt):
        state = obj.__dict__.get("_sa_instance_state")
        return any(state.attrs[name].history.has_changes() for name in ATTEMPT_SCORING)
    return True


def _moved(obj: Any, names: tuple[str, ...]) -> set[str]:
    attrs = obj.__dict__["_sa_instance_state"].attrs
    return {name for name in names if attrs[name].history.has_changes()}


def _holds_no_attempt(session: Session, obj: Any) -> bool:
    """Is no attempt the team's, the participant's (started or answered by them) or the
    task's? Then deleting it, or changing the task's kind, moves no question points: none are
    theirs. (The organizer's forms delete only rows nobody played; an event never qualifies.)
    One look-up by an indexed column, before the flush deletes anything."""
    if isinstance(obj, Team):  # (event_id, team_id) is indexed, team_id alone is not
        held = and_(Attempt.event_id == obj.event_id, Attempt.team_id == obj.id)
    elif isinstance(obj, Participant):
        held = or_(Attempt.participant_id == obj.id, Attempt.answered_by_id == obj.id)
    elif isinstance(obj, Task):
        held = Attempt.task_id == obj.id
    else:
        return False
    return session.scalar(select(Attempt.id).where(held).limit(1)) is None


def _adjusted(event_id: int, participants: Any) -> Any:
    """Adjustments of these participants (a list of ids, or a subquery of them), found by
    their event's index: an event has few, and adjustment.participant_id has no index."""
    return and_(Adjustment.event_id == event_id, Adjustment.participant_id.in_(participants))


def _holds_no_adjustment(session: Session, participant: Participant) -> bool:
    """Has the participant no adjustment (which counts for the team they are in now)? Then
    moving them to another team moves no points: their attempts and submissions keep the team
    they were made for."""
    return not session.scalar(
        select(exists().where(_adjusted(participant.event_id, [participant.id])))
    )


def _holds_no_points(session: Session, obj: Any) -> bool:
    """Does no row that carries points name the team, the participant or the task: no
    attempt (a submission hangs off one), no submission of the participant's (on a teammate's
    attempt), no adjustment; for a team, none of its members' either (the database deletes
    them with it)? Then deleting it moves no points at all, only names off the boards. One
    query of indexed look-ups, before the flush deletes anything."""
    if isinstance(obj, Task):
        return _holds_no_attempt(session, obj)
    if isinstance(obj, Team):
        members = select(Participant.id).where(Participant.team_id == obj.id)
        held = [
            and_(Attempt.event_id == obj.event_id, Attempt.team_id == obj.id),
            Attempt.participant_id.in_(members),
            Attempt.answered_by_id.in_(members),
            Submission.participant_id.in_(members),
            and_(Adjustment.event_id == obj.event_id, Adjustment.team_id == obj.id),
            _adjusted(obj.event_id, members),
        ]
    elif isinstance(obj, Participant):
        held = [
            Attempt.participant_id == obj.id,
            Attempt.answered_by_id == obj.id,
            Submission.participant_id == obj.id,
            _adjusted(obj.event_id, [obj.id]),
        ]
    else:
        return False
    return not session.scalar(select(or_(*(exists().where(c) for c in held))))


def _setup_effect(session: Session, obj: Any) -> str:
    """What a counted change to an event, task, team or participant does to the cached sums
    (see the module's docstring): FULL, KEPT (full, question points kept), NAMES, CAPPED (a
    played creative task's points: its judged attempts to stamp) or a BUMP of the version
    alone."""
    if obj in session.deleted:
        if _holds_no_points(session, obj):  # a name off the boards (a task's: none)
            return NAMES if isinstance(obj, Team | Participant) else BUMP
        # A task holds points only through attempts; a team or participant may hold only
        # submissions or adjustments, which are not question points.
        if isinstance(obj, Team | Participant) and _holds_no_attempt(session, obj):
            return KEPT
        return FULL
    if obj in session.new:  # a new team or participant has no points yet, a new task none given
        return NAMES if isinstance(obj, Team | Participant) else BUMP
    if scoring := _moved(obj, SETUP_SCORING[type(obj)]):
        if isinstance(obj, Task) and not scoring & {"event_id", "event"}:
            if scoring == {"points"} and not obj.is_creative:
                return BUMP  # a question's points are its attempts', fixed at the answer
            if _holds_no_attempt(session, obj):
                return BUMP  # points, kind, checkpoint of a task nobody played: no points
            if scoring == {"points"}:
                return CAPPED
        moved_team = isinstance(obj, Participant) and not scoring & {"event_id", "event"}
        if moved_team and _holds_no_adjustment(session, obj):
            return NAMES  # their attempts keep their team; only adjustments follow them
        return FULL if _moved(obj, SETUP_QUESTIONS[type(obj)]) else KEPT
    if isinstance(obj, Team | Participant) and _moved(obj, ("name",)):
        return NAMES
    return BUMP


def _capped_attempts(session: Session, task: Task) -> list[int] | None:
    """The creative task's submitted attempts (those that hold its judged points, which its
    points cap), when they are at most ``MAX_CAPPED``; else None."""
    found = session.scalars(
        select(Attempt.id)
        .where(Attempt.task_id == task.id, Attempt.status == AttemptStatus.SUBMITTED.value)
        .limit(MAX_CAPPED + 1)
    ).all()
    return None if len(found) > MAX_CAPPED else list(found)


def _stamp_target(session: Session, obj: Any) -> Attempt | Adjustment | int | None:
    """The attempt to stamp when this change is narrow (see the module's docstring), else
    None. A new attempt, or one whose owners did not change; naming the answerer of an attempt
    that named none (the leaderboard sums again both the participant who started it, the
    scorer while none was named, and the answerer, both in the row). A submission or a review
    of one stamps the submission's attempt (its team, and the authors of its submissions, are
    summed again), unless it moved to another attempt or author. An adjustment stamps itself
    (its team or participant are summed again), unless it moved. Deletions are full."""
    if obj in session.deleted:
        return None
    new = obj in session.new
    if isinstance(obj, Attempt):
        moved = set() if new else _moved(obj, ATTEMPT_OWNERS)
        if not moved:
            return obj
        before = obj.__dict__["_sa_instance_state"].attrs["answered_by_id"].history.deleted
        return obj if moved == {"answered_by_id"} and list(before) == [None] else None
    if isinstance(obj, Adjustment):
        return obj if new or not _moved(obj, ADJUSTMENT_OWNERS) else None
    if isinstance(obj, Submission):
        if not new and _moved(obj, SUBMISSION_OWNERS):
            return None
        return obj.__dict__.get("attempt") or obj.attempt_id
    if isinstance(obj, Review):
        if not new and _moved(obj, ("submission_id", "submission")):
            return None
        submission = obj.__dict__.get("submission")
        if submission is not None:
            return submission.__dict__.get("attempt") or submission.attempt_id
        return session.scalar(
            select(Submission.attempt_id).where(Submission.id == obj.submission_id)
        )
    return None


@event.listens_for(Session, "before_flush")
def _bump_changed_events(session: Session, _ctx: Any, _instances: Any) -> None:
    full: dict[int, bool] = {}
    names: set[int] = set()
    moved_questions: set[int] = set()  # events whose full change may have moved question points
    stamped: dict[int, list[Attempt | Adjustment | int]] = {}
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, TRACKED) and _counts(session, obj):
                event_id = _event_id(session, obj)
                if event_id is None:
                    continue
                full.setdefault(event_id, False)
                if isinstance(obj, SETUP):
                    effect = _setup_effect(session, obj)
                    if effect == CAPPED:
                        capped = _capped_attempts(session, obj)
                        if capped is not None:
                            stamped.setdefault(event_id, []).extend(capped)
                            continue
                        effect = KEPT
                    full[event_id] |= effect in (FULL, KEPT)
                    if effect == FULL:
                        moved_questions.add(event_id)
                    # A team or participant deleted or moved to another team changes the
                    # names on the boards; a full change of the others does not.
                    if effect == NAMES or (effect == KEPT and isinstance(obj, Team | Participant)):
                        names.add(event_id)
                elif (target := _stamp_target(session, obj)) is not None:
                    stamped.setdefault(event_id, []).append(target)
                else:  # deleted or moved to another owner: only an attempt holds question points
                    full[event_id] = True
                    if isinstance(obj, Attempt):
                        moved_questions.add(event_id)
        for event_id in sorted(full):  # one lock order for every transaction
            version = bump(
                session,
                event_id,
                full=full[event_id],
                names=event_id in names,
                kept=event_id not in moved_questions,
            )
            ids = set()
            for target in stamped.get(event_id, ()):
                if isinstance(target, Attempt | Adjustment):
                    target.scored_version = version
                else:
                    ids.add(target)
            if ids:  # attempts of reviewed submissions, not loaded: stamped by SQL
                session.execute(
                    update(Attempt).where(Attempt.id.in_(ids)).values(scored_version=version)
                )
    if full:
        session.info[PENDING] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(PENDING, None)


def pending(session: Session) -> bool:
    """Has this session's open transaction changed points? Then what it reads is not what
    other sessions see under the same version, and must not be cached."""
    return bool(session.info.get(PENDING)) or bool(session.new or session.dirty or session.deleted)
