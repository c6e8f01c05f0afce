"""Cell styles made once per workbook and copied: openpyxl otherwise looks up (hashes) every part
of every cell's style as it is set, most of the time of a province's xlsx export and `form --all`.
Works on openpyxl's cells without importing openpyxl (the xlsx and form renderers do)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import Any


class StyleCache:
    """One workbook's styles by key: the first cell of a key is styled by `make`, the others get a
    copy of its style (openpyxl's StyleArray of indices into the workbook's style tables)."""

    def __init__(self) -> None:
        self._made: dict[Hashable, Any] = {}

    def apply(self, cell: Any, key: Hashable, make: Callable[[Any], None]) -> None:
        made = self._made.get(key)
        if made is not None:
            cell._style = copy.copy(made)
            return
        make(cell)
        self._made[key] = copy.copy(cell._style)
