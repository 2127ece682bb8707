"""Random codes and secrets: checkpoint codes, team join codes, login secrets, URL slugs.

Codes use Crockford's base-32 alphabet: digits and upper-case letters without I, L, O and U.
``normalize_code`` folds what people type into that alphabet: case and surrounding blanks are
ignored, spaces, dashes, dots and underscores dropped, and the look-alikes O -> 0, I and L -> 1,
U -> V mapped, so "abc-1o2" and "ABC102" are the same code. Since I, L, O and U are never part of
a code, the folding can only turn a misread code into the intended one, never into another.
"""

from __future__ import annotations

import re
import secrets

from checkpoints._ascii import to_ascii

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MIN_CODE_LENGTH = 4
MAX_CODE_LENGTH = 32
MIN_SECRET_BYTES = 16

_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—._]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SECRET = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _random_code(length: int) -> str:
    if not MIN_CODE_LENGTH <= length <= MAX_CODE_LENGTH:
        raise ValueError(f"code length must be {MIN_CODE_LENGTH}..{MAX_CODE_LENGTH}, got {length}")
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_public_code(length: int = 6) -> str:
    """A random checkpoint code (printed on the sheet, typed as fallback), 5 bits per character."""
    return _random_code(length)


def new_join_code(length: int = 8) -> str:
    """A random team code for team-code login, same alphabet as checkpoint codes."""
    return _random_code(length)


def normalize_code(typed: str) -> str:
    """Fold a typed code into canonical form (see the module docstring); may still be malformed."""
    return _SEPARATORS.sub("", typed.strip()).upper().translate(_LOOK_ALIKES)


def is_well_formed_code(code: object) -> bool:
    """True when ``code`` is a canonical code: a str of 4..32 characters from CODE_ALPHABET.

    Pass typed input through ``normalize_code`` first.
    """
    return (
        isinstance(code, str)
        and MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH
        and all(ch in CODE_ALPHABET for ch in code)
    )


def new_secret(nbytes: int = 18) -> str:
    """A URL-safe random secret (login tokens); refuses fewer than 16 bytes (128 bits)."""
    if nbytes < MIN_SECRET_BYTES:
        raise ValueError(f"a secret needs at least {MIN_SECRET_BYTES} bytes, got {nbytes}")
    return secrets.token_urlsafe(nbytes)


def is_well_formed_secret(secret: object) -> bool:
    """True when ``secret`` could be one of ``new_secret``'s: URL-safe base64, 16..64
    characters. Anything else is unknown without asking the database (which may refuse it:
    PostgreSQL text cannot hold NUL)."""
    return isinstance(secret, str) and _SECRET.fullmatch(secret) is not None


def slugify(text: str, max_len: int = 60) -> str:
    """ASCII lower-case slug with hyphens ("Kota Malang 2023" -> "kota-malang-2023").

    Accents are transliterated ("Łódź" -> "lodz"); the result is cut at a hyphen when possible
    and is never empty: text with nothing to keep gives "event".
    """
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    slug = _NOT_SLUG.sub("-", to_ascii(text).lower()).strip("-")
    if len(slug) > max_len:
        cut = slug[: max_len + 1]
        words = cut.rsplit("-", 1)[0] if "-" in cut else ""  # whole words if that keeps enough
        slug = (words if len(words) >= max_len // 2 else slug[:max_len]).strip("-")
    return slug or "event"[:max_len]
