"""Tests for checkpoints.qr: matrices, versions, SVG and PNG, decoded back with zxing-cpp."""

import io
import random
import re
import string

import pytest
import qrcode
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from checkpoints._qrpenalty import penalty
from checkpoints.qr import dark_runs, qr_matrix, qr_png, qr_svg, qr_version

URL = "https://quiz.example.org/c/7KQ2MX"  # a typical printed URL


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def matrix_image(matrix: list[list[bool]], scale: int = 6, border: int = 4) -> Image.Image:
    side = len(matrix) + 2 * border
    img = Image.new("L", (side, side), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                img.putpixel((x + border, y + border), 0)
    return img.resize((side * scale, side * scale), Image.Resampling.NEAREST)


def test_matrix_shape_and_finder_pattern():
    m = qr_matrix(URL)
    n = len(m)
    assert n == 17 + 4 * qr_version(URL)
    assert all(len(row) == n for row in m)
    assert all(isinstance(v, bool) for row in m for v in row)
    # Top-left finder: a dark 7x7 ring around a light ring around a dark 3x3 square.
    assert all(m[0][:7]) and all(m[6][:7]) and all(m[r][0] for r in range(7))
    assert not any(m[1][1:6]) and all(m[3][2:5])
    assert not m[7][7]  # separator


def test_matrix_decodes_to_the_data():
    assert decode(matrix_image(qr_matrix(URL))) == [URL]


def test_matrix_is_a_fresh_copy():
    first = qr_matrix(URL)
    first[0][0] = not first[0][0]
    assert qr_matrix(URL)[0][0] is True


def test_42_byte_url_fits_version_3_at_m():
    url = "https://quiz.example.org/c/ABC123?t=xyz123"
    assert len(url.encode()) == 42
    assert qr_version(url, "M") <= 3
    assert len(qr_matrix(url, "M")) == 29 or len(qr_matrix(url, "M")) < 29


def test_higher_error_correction_needs_a_bigger_version():
    assert qr_version(URL, "L") <= qr_version(URL, "M") <= qr_version(URL, "Q")
    assert qr_version(URL, "H") > qr_version(URL, "L")
    assert len(qr_matrix(URL, "H")) == 17 + 4 * qr_version(URL, "H")


@pytest.mark.parametrize("error", ["X", "m", ""])
def test_bad_error_level(error):
    with pytest.raises(ValueError, match="error correction"):
        qr_matrix(URL, error)


def test_empty_and_oversized_data_refused():
    with pytest.raises(ValueError):
        qr_matrix("")
    with pytest.raises(ValueError, match="too many"):
        qr_version("x" * 5000)


@pytest.mark.parametrize("length", [1, 17, 42, 100, 230])
@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_same_symbols_as_stock_qrcode(length, level):
    # Versions 1 to 14: with and without alignment patterns and version information.
    rng = random.Random(length * 31 + ord(level))
    data = "".join(rng.choice(string.printable) for _ in range(length))
    stock = qrcode.QRCode(
        error_correction=getattr(qrcode.constants, f"ERROR_CORRECT_{level}"), border=0
    )
    stock.add_data(data)
    stock.make(fit=True)
    assert qr_matrix(data, level) == [[bool(v) for v in row] for row in stock.get_matrix()]


@settings(max_examples=25)
@given(st.integers(min_value=5, max_value=25), st.randoms(use_true_random=False))
def test_fast_penalty_equals_qrcode_lost_point(size, rng):
    density = rng.choice([0.2, 0.5, 0.8])
    modules = [[rng.random() < density for _ in range(size)] for _ in range(size)]
    assert penalty(modules) == qrcode.util.lost_point(modules)


def test_penalty_rules_one_by_one():
    light = [[False] * 21 for _ in range(21)]
    # All light: 42 lines with a run of 21 (19 each), 20*20 2x2 blocks (3 each), 100% light.
    assert penalty(light) == 42 * 19 + 400 * 3 + 100 == qrcode.util.lost_point(light)


def test_dark_runs_merge_each_row():
    matrix = [[True, True, False, True], [False, False, False, False], [True, True, True, True]]
    assert dark_runs(matrix) == [(0, 0, 2), (0, 3, 1), (2, 0, 4)]


def test_svg_has_one_path_that_redraws_the_matrix():
    svg = qr_svg(URL, module_px=5, border=4)
    m = qr_matrix(URL)
    side = len(m) + 8
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<path") == 1
    assert f'viewBox="0 0 {side} {side}"' in svg and f'width="{side * 5}"' in svg
    d = re.search(r' d="([^"]+)"', svg).group(1)
    redrawn = [[False] * len(m) for _ in m]
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", d):
        for dx in range(int(n)):
            redrawn[int(y) - 4][int(x) - 4 + dx] = True
    assert redrawn == m
    assert decode(matrix_image(redrawn)) == [URL]


def test_png_decodes_and_has_the_requested_size():
    data = qr_png(URL, scale=4, border=4)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    img = Image.open(io.BytesIO(data))
    side = (len(qr_matrix(URL)) + 8) * 4
    assert img.size == (side, side)
    assert img.convert("L").getpixel((0, 0)) == 255  # quiet zone is white
    assert decode(img) == [URL]


@pytest.mark.parametrize("error", ["L", "M", "Q", "H"])
def test_png_every_error_level_decodes(error):
    text = "QE:login:" + "x" * 30
    assert decode(Image.open(io.BytesIO(qr_png(text, error, scale=3)))) == [text]


def test_bad_sizes_refused():
    with pytest.raises(ValueError):
        qr_svg(URL, module_px=0)
    with pytest.raises(ValueError):
        qr_png(URL, scale=0)
    with pytest.raises(ValueError):
        qr_png(URL, border=-1)
