"""The message catalogues: every string the code marks for translation (``_()`` in Python,
``{{ _('...') }}`` in templates) has a Bahasa Indonesia translation, none is fuzzy, and the
compiled .mo files say the same as the .po files they come from.

The browser tests (tests/e2e/test_phone_ready.py) check the rendered pages in both languages;
this one checks the catalogues themselves and runs in ``make test``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "quizengine" / "translations"
REQUIRED = ("id",)  # English is the source language: its msgids are the English text
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}

# What is known to be missing today, each with its reason; the lead empties this as the
# translations land. A listed problem that no longer occurs only warns.
KNOWN_PROBLEMS: dict[str, str] = {}


def _strings(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=path.parts[-3])


def _ids(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def extracted_ids() -> set[str]:
    """Every msgid marked in quizengine/ (Python) and templates/ (Jinja), found the way
    ``pybabel extract`` finds them."""
    found: set[str] = set()
    sources = (
        (ROOT / "quizengine", [("**.py", "python")]),
        (ROOT / "templates", [("**.html", "jinja2")]),
    )
    for folder, method_map in sources:
        options = {"**.html": {"extensions": "jinja2.ext.do", "trimmed": "false"}}
        for _fn, _line, message, _comments, _ctx in extract_from_dir(
            str(folder), method_map, options_map=options, keywords=KEYWORDS
        ):
            found.add(_ids(message))
    return {m for m in found if m}


def catalogue_problems(language: str) -> list[str]:
    """Every problem of one language's catalogue, as "LANG: what (msgid)" lines."""
    po_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if not po_path.is_file():
        return [f"{language}: no catalogue"]
    catalog = _read_po(po_path)
    problems: list[str] = []
    present: set[str] = set()
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = _ids(message.id)
        present.add(msgid)
        if message.fuzzy:
            problems.append(f"{language}: fuzzy ({msgid!r})")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            problems.append(f"{language}: no translation ({msgid!r})")
    problems += [f"{language}: missing ({m!r})" for m in sorted(extracted_ids() - present)]
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.is_file():
        problems.append(f"{language}: messages.mo not compiled")
    else:
        with mo_path.open("rb") as fh:
            compiled = {_ids(m.id): _strings(m.string) for m in read_mo(fh) if m.id}
        expected = {
            _ids(m.id): _strings(m.string) for m in catalog if m.id and not m.fuzzy and m.string
        }
        for msgid in sorted(set(expected) | set(compiled)):
            if compiled.get(msgid) != expected.get(msgid):
                problems.append(f"{language}: messages.mo out of date ({msgid!r})")
    return problems


@pytest.mark.parametrize("language", REQUIRED)
def test_catalogue_complete_and_compiled(language: str) -> None:
    problems = catalogue_problems(language)
    for known, why in KNOWN_PROBLEMS.items():
        if known.startswith(f"{language}:") and known not in problems:
            warnings.warn(f"known problem gone, remove it: {known!r} ({why})", stacklevel=1)
    unexpected = [p for p in problems if p not in KNOWN_PROBLEMS]
    assert not unexpected, f"{len(unexpected)} catalogue problems:\n  " + "\n  ".join(
        unexpected[:200]
    )


def test_the_code_marks_strings_for_translation() -> None:
    """The extraction itself works (else the catalogue check above would prove nothing)."""
    ids = extracted_ids()
    assert "Start" in ids  # templates/play/task.html
    assert "Unknown checkpoint." in ids  # quizengine/services/checkins.py
