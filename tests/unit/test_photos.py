"""checkpoints.photos: re-encoding keeps orientation, strips metadata, refuses bad files."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from checkpoints.photos import PhotoError, reencode


def jpeg(width: int, height: int, *, orientation: int | None = None, gps: bool = False) -> bytes:
    img = Image.new("RGB", (width, height), (200, 30, 30))
    img.paste((30, 30, 200), (0, 0, width // 2, height))  # left half blue: shows rotation
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "S", 2: (7.0, 58.0, 37.0), 3: "E", 4: (112.0, 38.0, 2.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def test_orientation_applied_and_metadata_stripped() -> None:
    raw = jpeg(400, 200, orientation=6, gps=True)  # 6: rotate 90 degrees clockwise to view
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)
    photo = reencode(raw)
    assert (photo.width, photo.height) == (200, 400)
    out = Image.open(io.BytesIO(photo.data))
    assert out.format == "JPEG"
    assert out.size == (200, 400)
    exif = out.getexif()
    assert not exif.get_ifd(0x8825) and 0x0112 not in exif and 0x010F not in exif
    assert b"Exif" not in photo.data[:4096] and b"PhoneMaker" not in photo.data
    # Blue (left half before rotation) is now on top.
    top = out.getpixel((100, 50))
    bottom = out.getpixel((100, 350))
    assert top[2] > 150 and top[0] < 100
    assert bottom[0] > 150 and bottom[2] < 100


def test_longest_side_is_capped() -> None:
    photo = reencode(jpeg(4000, 3000))
    assert max(photo.width, photo.height) == 1600
    assert photo.width == 1600 and photo.height == 1200
    small = reencode(jpeg(300, 200))
    assert (small.width, small.height) == (300, 200)


def test_png_with_alpha_becomes_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(out, "PNG")
    photo = reencode(out.getvalue())
    img = Image.open(io.BytesIO(photo.data))
    assert img.format == "JPEG" and img.mode == "RGB" and img.getpixel((5, 5))[0] > 240


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 not a photo", "not_image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not_image"),
    ],
)
def test_non_images_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(PhotoError) as err:
        reencode(data)
    assert err.value.code == code


def test_truncated_jpeg_is_refused() -> None:
    with pytest.raises(PhotoError) as err:
        reencode(jpeg(400, 300)[:600])
    assert err.value.code in ("broken", "not_image")


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge size: a decompression bomb's header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [7000, 20000, 60000])
def test_pixel_bombs_are_refused_before_decoding(side: int) -> None:
    with pytest.raises(PhotoError) as err:
        reencode(_png_header_only(side, side))
    assert err.value.code == "too_many_pixels"


def test_pixel_cap_is_configurable() -> None:
    with pytest.raises(PhotoError):
        reencode(jpeg(300, 200), max_pixels=300 * 200 - 1)
    assert reencode(jpeg(300, 200), max_pixels=300 * 200).width == 300
