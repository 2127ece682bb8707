"""A qrcode.QRCode that picks the mask pattern faster and gives the very same symbols."""

from __future__ import annotations

from typing import Any

import qrcode
from qrcode import util

from checkpoints._qrpenalty import penalty_rows, row_bits

# Per QR version, for each mask pattern and row: which modules flip compared with mask 0
# (only data modules are masked). Filled on first use of a version; values never change.
_FLIPS: dict[int, tuple[tuple[int, ...], ...]] = {}


def _flips(data_cells: list[list[int]], count: int) -> tuple[tuple[int, ...], ...]:
    base = util.mask_func(0)
    per_mask = []
    for mask in range(8):
        func = util.mask_func(mask)
        per_mask.append(
            tuple(
                sum(1 << (count - 1 - c) for c in cols if func(r, c) != base(r, c))
                for r, cols in enumerate(data_cells)
            )
        )
    return tuple(per_mask)


class FastQRCode(qrcode.QRCode):
    """qrcode's builder; the mask is chosen by the same penalty as qrcode's (see _qrpenalty)
    but data is laid out once and re-masked with XOR instead of eight full layouts."""

    def map_data(self, data: Any, mask_pattern: int) -> None:
        if self.version not in _FLIPS:
            # Before layout, exactly the data modules are still None.
            cells = [[c for c, m in enumerate(row) if m is None] for row in self.modules]
            _FLIPS[self.version] = _flips(cells, self.modules_count)
        super().map_data(data, mask_pattern)

    def best_mask_pattern(self) -> int:
        self.makeImpl(True, 0)
        base = row_bits(self.modules)
        flips = _FLIPS[self.version]
        scores = [
            (
                penalty_rows(
                    [b ^ f for b, f in zip(base, flips[mask], strict=True)], self.modules_count
                ),
                mask,
            )
            for mask in range(8)
        ]
        return min(scores)[1]
