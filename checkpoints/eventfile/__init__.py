"""Event files ("events as code"): parse and validate the YAML format, and write it back.

``parse_event_file`` refuses a bad file whole and names every problem (line, field, why);
``dump_event_file`` writes the same shape back, so ``parse_event_file(dump_event_file(s)) == s``.
Times in the file are naive local wall-clock times; the caller converts them with the timezone.
Flask-free: only PyYAML and the standard library.
"""

from checkpoints.eventfile.loading import MAX_FILE_BYTES
from checkpoints.eventfile.parser import parse_event_file
from checkpoints.eventfile.specs import (
    CheckpointSpec,
    EventFileError,
    EventSpec,
    ParticipantSpec,
    Problem,
    TaskSpec,
    TeamSpec,
)
from checkpoints.eventfile.writer import dump_event_file

__all__ = [
    "MAX_FILE_BYTES",
    "CheckpointSpec",
    "EventFileError",
    "EventSpec",
    "ParticipantSpec",
    "Problem",
    "TaskSpec",
    "TeamSpec",
    "dump_event_file",
    "parse_event_file",
]
