"""The data model, one module per aggregate; importing this package registers every table."""

from quizengine.models.audit import AuditEntry
from quizengine.models.event import Event, Mode, Participant, Status, Team
from quizengine.models.organizer import EventRole, Organizer, Role
from quizengine.models.place import Checkpoint, Kind, Task
from quizengine.models.play import ANSWERED, SCORER, Attempt, AttemptStatus, CheckIn, owner_key
from quizengine.models.review import (
    Adjustment,
    Review,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from quizengine.models.score import ScoreVersion

__all__ = [
    "ANSWERED",
    "SCORER",
    "Adjustment",
    "Attempt",
    "AttemptStatus",
    "AuditEntry",
    "CheckIn",
    "Checkpoint",
    "Event",
    "EventRole",
    "Kind",
    "Mode",
    "Organizer",
    "Participant",
    "Review",
    "Role",
    "ScoreVersion",
    "Status",
    "Submission",
    "SubmissionFile",
    "SubmissionStatus",
    "Task",
    "Team",
    "owner_key",
]
