"""parse_event_file: decode, compose the node tree, walk it and refuse the file on any
problem."""

from checkpoints.eventfile.loading import _compose, _decode
from checkpoints.eventfile.rules import _EventRules
from checkpoints.eventfile.specs import EventFileError, EventSpec


def parse_event_file(data: str | bytes) -> EventSpec:
    """Parse and validate an event file; raise EventFileError naming every problem."""
    root = _compose(_decode(data))
    checker = _EventRules()
    checker.scan(root)
    spec = checker.event(root)
    if checker.problems:
        raise EventFileError(checker.problems)
    return spec
