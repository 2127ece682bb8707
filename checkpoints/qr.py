"""QR codes: module matrix, version, and SVG/PNG renderings for print pages and downloads."""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
import qrcode.constants
import qrcode.exceptions
from PIL import Image

from checkpoints._qrbuild import FastQRCode

_ERROR_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}

Matrix = tuple[tuple[bool, ...], ...]


def _builder(data: str, error: str) -> qrcode.QRCode:
    if error not in _ERROR_LEVELS:
        raise ValueError(f"error correction must be one of L, M, Q, H; got {error!r}")
    if not isinstance(data, str) or not data:
        raise ValueError("QR data must be a non-empty string")
    code = FastQRCode(error_correction=_ERROR_LEVELS[error], border=0)
    code.add_data(data)
    try:
        code.best_fit()
    except (qrcode.exceptions.DataOverflowError, ValueError):  # beyond version 40
        raise ValueError(f"{len(data)} characters are too many for a QR code") from None
    return code


@lru_cache(maxsize=1024)
def _matrix(data: str, error: str) -> Matrix:
    code = _builder(data, error)
    code.make(fit=False)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def qr_matrix(data: str, error: str = "M") -> list[list[bool]]:
    """The QR symbol for ``data`` as rows of modules, True = dark, without quiet zone.

    Smallest version that fits at error correction ``error`` (L, M, Q or H); text is encoded
    as UTF-8 (keep printed URLs ASCII: readers guess the charset of non-ASCII bytes).
    """
    return [list(row) for row in _matrix(data, error)]


def qr_version(data: str, error: str = "M") -> int:
    """The smallest QR version (1..40) that holds ``data`` at error correction ``error``."""
    return int(_builder(data, error).version)


def dark_runs(matrix: list[list[bool]] | Matrix) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, first column, length), row by row."""
    runs: list[tuple[int, int, int]] = []
    for y, row in enumerate(matrix):
        x, width = 0, len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                runs.append((y, start, x - start))
            else:
                x += 1
    return runs


def qr_svg(data: str, error: str = "M", module_px: int = 8, border: int = 4) -> str:
    """A standalone <svg> (one <path> of dark modules on a white background), for HTML pages.

    Drawn in module units (viewBox) and sized ``module_px`` per module, with a quiet zone of
    ``border`` modules.
    """
    if module_px < 1 or border < 0:
        raise ValueError("module_px must be >= 1 and border >= 0")
    matrix = _matrix(data, error)
    side = len(matrix) + 2 * border
    path = "".join(f"M{x + border} {y + border}h{n}v1h-{n}z" for y, x, n in dark_runs(matrix))
    px = side * module_px
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'width="{px}" height="{px}" shape-rendering="crispEdges" style="background:#fff" '
        f'role="img"><path fill="#000" d="{path}"/></svg>'
    )


def qr_image(data: str, error: str = "M", scale: int = 8, border: int = 4) -> Image.Image:
    """The QR symbol as a black-and-white PIL image, ``scale`` pixels per module."""
    if scale < 1 or border < 0:
        raise ValueError("scale must be >= 1 and border >= 0")
    matrix = _matrix(data, error)
    side = len(matrix) + 2 * border
    small = Image.new("1", (side, side), 1)
    small.putdata([0 if dark else 1 for row in _pad(matrix, border) for dark in row])
    return small.resize((side * scale, side * scale), Image.Resampling.NEAREST)


def _pad(matrix: Matrix, border: int) -> list[tuple[bool, ...]]:
    blank = (False,) * (len(matrix) + 2 * border)
    edge = (False,) * border
    return [blank] * border + [edge + row + edge for row in matrix] + [blank] * border


def qr_png(data: str, error: str = "M", scale: int = 8, border: int = 4) -> bytes:
    """The QR symbol as PNG bytes, ``scale`` pixels per module, quiet zone ``border`` modules."""
    buffer = io.BytesIO()
    qr_image(data, error, scale, border).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
