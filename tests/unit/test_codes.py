"""Tests for checkpoints.codes: codes, secrets and slugs."""

import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoints.codes import (
    CODE_ALPHABET,
    is_well_formed_code,
    is_well_formed_secret,
    new_join_code,
    new_public_code,
    new_secret,
    normalize_code,
    slugify,
)


def test_alphabet_is_crockford_base32_without_look_alikes():
    assert len(CODE_ALPHABET) == len(set(CODE_ALPHABET)) == 32
    assert CODE_ALPHABET.upper() == CODE_ALPHABET
    for ambiguous in "OILU":
        assert ambiguous not in CODE_ALPHABET


def test_public_code_length_alphabet_and_randomness():
    codes = {new_public_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(new_public_code(10)) == 10
    assert set("".join(codes)) == set(CODE_ALPHABET)  # every symbol gets used


def test_join_code_defaults_to_eight():
    code = new_join_code()
    assert len(code) == 8 and is_well_formed_code(code)


@pytest.mark.parametrize("length", [0, 3, 33])
def test_code_length_bounds(length):
    with pytest.raises(ValueError):
        new_public_code(length)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        (" abc-123 ", "ABC123"),
        ("ab c1 23", "ABC123"),
        ("A8C-1O2", "A8C102"),  # letter O read as zero
        ("1il0oO", "111000"),
        ("uvw", "VVW"),
        ("x\u2013y_z.9", "XYZ9"),
        ("\tQRS\n", "QRS"),
    ],
)
def test_normalize_code(typed, canonical):
    assert normalize_code(typed) == canonical


@given(st.integers(min_value=4, max_value=12))
def test_generated_codes_survive_typing_sloppily(length):
    code = new_public_code(length)
    sloppy = " " + "-".join(code.lower().replace("0", "o").replace("1", "l")) + " "
    assert normalize_code(sloppy) == code
    assert normalize_code(code) == code


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("ABC123", True),
        ("ABCD", True),
        ("ABC", False),
        ("A" * 33, False),
        ("abc123", False),
        ("ABC12O", False),
        ("ABC-12", False),
        ("", False),
        (None, False),
        (123456, False),
    ],
)
def test_is_well_formed_code(code, ok):
    assert is_well_formed_code(code) is ok


def test_secret_is_url_safe_and_long_enough():
    secret = new_secret()
    assert re.fullmatch(r"[A-Za-z0-9_-]+", secret)
    assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) == 18
    assert len(base64.urlsafe_b64decode(new_secret(16) + "==")) == 16
    assert len({new_secret() for _ in range(200)}) == 200


def test_a_secret_is_well_formed_only_as_new_secret_makes_them():
    assert all(is_well_formed_secret(new_secret(n)) for n in (16, 18, 48))
    for bad in ("x" * 15, "x" * 65, "0" * 15 + "\x00", "abc def ghi jkl mno", "a/b+c=" * 4, None):
        assert not is_well_formed_secret(bad), bad


def test_secret_refuses_less_than_128_bits():
    with pytest.raises(ValueError, match="16"):
        new_secret(15)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Capacity Building - Kota Malang", "capacity-building-kota-malang"),
        ("  Łódź: Straße & Ærø!  ", "lodz-strasse-aero"),
        ("Café Ngopi — 2023", "cafe-ngopi-2023"),
        ("ꦗꦮ 😀", "event"),
        ("", "event"),
        ("---", "event"),
        ("Đà Nẵng", "da-nang"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugify_cuts_at_a_word_boundary():
    text = "Capacity Building for Unit Heads of Kota Malang and Kabupaten Malang 2023"
    slug = slugify(text, max_len=30)
    assert slug == "capacity-building-for-unit"
    assert slugify("a" * 100, max_len=20) == "a" * 20


def test_slugify_refuses_silly_length():
    with pytest.raises(ValueError):
        slugify("x", max_len=0)


@given(st.text(max_size=200), st.integers(min_value=1, max_value=80))
def test_slugify_properties(text, max_len):
    slug = slugify(text, max_len)
    assert slug
    assert len(slug) <= max_len
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
