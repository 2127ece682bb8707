"""Tests for checkpoints.answers: text normalization, choices, free text, numbers."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoints.answers import (
    check_choice,
    check_number,
    check_text,
    normalize_text,
    parse_number,
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("  Tugu   Malang ", "tugu malang"),
        ("«Tugu Malang!»", "tugu malang"),
        ('"Alun-alun."', "alun-alun"),
        ("Café", "cafe"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("ﬁve", "five"),
        ("tab\tand\nnewline", "tab and newline"),
        ("...", ""),
        ("¿Qué?", "que"),
        ("1953.", "1953"),
        ("C++ ", "c"),  # symbols at the ends go too
        ("R&D", "r&d"),  # but not in the middle
        ("𝓐gus Ⓑ", "agus b"),  # compatibility letters get their case folded too
    ],
)
def test_normalize_text(raw, normal):
    assert normalize_text(raw) == normal


@given(st.text(max_size=50))
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


CHOICES = ["1946", "1953", "1962"]


def test_check_choice():
    assert check_choice("1953", "1953", CHOICES)
    assert check_choice(" 1953 ", "1953", CHOICES)
    assert not check_choice("1946", "1953", CHOICES)
    assert not check_choice("1999", "1953", CHOICES)
    assert not check_choice("", "1953", CHOICES)
    assert check_choice("balai kota", "Balai Kota", ["Balai Kota", "Alun-alun"])


def test_check_choice_refuses_broken_question():
    with pytest.raises(ValueError, match="not one of the choices"):
        check_choice("1953", "1955", CHOICES)


def test_check_text():
    accepted = ["Ken Arok", "Sri Rajasa"]
    assert check_text("ken arok", accepted)
    assert check_text("  KEN   AROK! ", accepted)
    assert check_text("Srí Rájasa", accepted)
    assert not check_text("Ken Dedes", accepted)
    assert not check_text("", accepted)
    assert not check_text("   ", ["", "x"])
    assert not check_text("anything", [])


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1953", 1953),
        (" 1.5 ", 1.5),
        ("1,5", 1.5),
        ("-2", -2),
        ("+2", 2),
        ("−3,25", -3.25),  # Unicode minus
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("1.234.567,89", 1234567.89),
        ("1,234,567.89", 1234567.89),
        ("1 234 567", 1234567),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("0,125", 0.125),  # a leading zero is never a thousands group
        ("0.125", 0.125),
        ("1234,567", 1234.567),  # four digits before: not a group
        ("12,3456", 12.3456),
        (",5", 0.5),
        ("5,", 5),
        ("007", 7),
        ("1'234.5", 1234.5),
    ],
)
def test_parse_number(typed, value):
    assert parse_number(typed) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "not a number"),
        ("   ", "not a number"),
        ("abc", "not a number"),
        ("12abc", "not a number"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("1e5", "not a number"),
        ("-", "not a number"),
        (".", "not a number"),
        ("1.2.3,4.5", "not a number"),
        ("1,23,456", "groups of three"),
        ("1.23.456", "groups of three"),
        ("12.34,5", "groups of three"),
        ("1,234,5", "groups of three"),
        ("1.234,5,6", "more than one decimal"),
        ("1 23", "groups of three"),
        ("1,234", "ambiguous"),
        ("1.234", "ambiguous"),
        ("-12.345", "ambiguous"),
        ("9" * 400, "too large"),
    ],
)
def test_parse_number_refuses(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_number(typed)


def test_ambiguous_message_offers_both_readings():
    with pytest.raises(ValueError) as info:
        parse_number("1,234")
    assert "1.234 or 1234" in str(info.value)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_parse_number_round_trips_plain_decimals(x):
    text = f"{x:.6f}"
    assert parse_number(text) == pytest.approx(float(text), rel=1e-12, abs=1e-12)
    assert parse_number(text.replace(".", ",")) == pytest.approx(float(text), rel=1e-12, abs=1e-12)


@given(st.integers(min_value=0, max_value=10**15))
def test_parse_number_grouped_integers(n):
    dotted = f"{n:,}".replace(",", ".")
    if n >= 1000:
        assert parse_number(dotted + ",0") == n
        assert parse_number(f"{n:,}.0") == n
    assert parse_number(str(n)) == n


def test_check_number():
    assert check_number("1953", 1953, 0)
    assert not check_number("1954", 1953, 0)
    assert check_number("1954", 1953, 1)
    assert check_number("1,1", 1.0, 0.1)  # binary rounding does not make it fail
    assert not check_number("1,2", 1.0, 0.1)
    assert check_number("3,14", math.pi, 0.01)
    assert not check_number("lots", 3, 100)
    assert not check_number("1.234", 1234, 0)  # ambiguous -> not accepted silently


@pytest.mark.parametrize("tolerance", [-1, math.nan, math.inf])
def test_check_number_refuses_bad_tolerance(tolerance):
    with pytest.raises(ValueError):
        check_number("1", 1, tolerance)
