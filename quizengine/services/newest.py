"""A per-process cache that keeps, for each slot, only the newest value and the key it was
built under (a score version, a check-in mark...): a read hits only when the key still
matches, a store replaces the slot's older value. Bounded in slots (least recently used go
first), so a stream of new keys never piles up old values. Thread-safe; values are shared
between requests and must be treated as read-only.

``Tagged`` keeps a text with its tag, for the polls that send it: a poll that names the tag
of the text it already shows is answered without it while it is the same."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, NamedTuple


class NewestCache:
    def __init__(self, slots: int) -> None:
        self._items: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._slots = slots
        self._lock = threading.Lock()

    def get(self, slot: Hashable, key: Hashable) -> Any:
        """The slot's value if it was built under ``key``, else None."""
        with self._lock:
            hit = self._items.get(slot)
            if hit is None or hit[0] != key:
                return None
            self._items.move_to_end(slot)
            return hit[1]

    def latest(self, slot: Hashable) -> tuple[Hashable, Any] | None:
        """The slot's (key, value) whatever the key, else None: a base to bring up to date."""
        with self._lock:
            return self._items.get(slot)

    def put(self, slot: Hashable, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[slot] = (key, value)
            self._items.move_to_end(slot)
            while len(self._items) > self._slots:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class Tagged(NamedTuple):
    """A text and its tag, made once with the text (kept with it, not hashed again on every
    poll): a digest, so every worker gives an equal text the same tag and nothing needs to be
    stored to compare it with the one a poll names."""

    text: str
    tag: str

    @classmethod
    def of(cls, text: str) -> Tagged:
        return cls(text, hashlib.blake2b(text.encode(), digest_size=12).hexdigest())
