"""What the authoring services refuse with: bad input naming its form field, and deletions of
things participants already played with.

The authoring use cases live in their own modules: ``event_settings`` (the event),
``people`` (teams and participants), ``participant_import`` (participants from CSV),
``places`` (checkpoints) and ``tasks``. Each adds to the session, flushes and audits every
change (who, what, before/after); the view commits once.
"""

from __future__ import annotations


class AuthoringError(ValueError):
    """Input the service refuses; ``field`` is the form field it belongs to ('' = whole form)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class InUse(ValueError):
    """A deletion refused because participants already played with the thing."""
