"""Photo re-encoding for uploads: refuse non-images and pixel bombs, keep orientation, strip
metadata, cap the longest side, re-encode as JPEG. Pure Pillow, no Flask."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85


class PhotoError(ValueError):
    """A file that cannot be taken as a photo. ``code``: empty, not_image, too_many_pixels,
    broken; ``message`` says why in plain English (the app shows its own translation)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Photo:
    """A re-encoded JPEG with its pixel size."""

    data: bytes
    width: int
    height: int


def _open(data: bytes, max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError("too_many_pixels", "the image has too many pixels") from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise PhotoError("not_image", "the file is not an image we can read") from None
    width, height = img.size
    if width <= 0 or height <= 0:
        raise PhotoError("broken", "the image has no pixels")
    if width * height > max_pixels:
        raise PhotoError(
            "too_many_pixels", f"the image has {width}x{height} pixels, more than {max_pixels}"
        )
    return img


def reencode(data: bytes, *, max_side: int = MAX_SIDE, max_pixels: int = MAX_PIXELS) -> Photo:
    """A clean JPEG of ``data``: EXIF orientation applied, every metadata block dropped (EXIF,
    GPS, XMP, ICC, comments), longest side at most ``max_side``. The pixel count is checked
    from the header before any pixel is decoded. Raises PhotoError."""
    if not data:
        raise PhotoError("empty", "the file is empty")
    img = _open(data, max_pixels)
    try:
        if img.format == "JPEG":
            img.draft("RGB", (max_side, max_side))  # decode at a reduced scale: fast, small
        img.load()
        img = ImageOps.exif_transpose(img) or img
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            img = flat
        elif img.mode != "RGB":
            img = img.convert("RGB")
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except PhotoError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise PhotoError("broken", "the image is damaged or incomplete") from None
    return Photo(out.getvalue(), img.width, img.height)
