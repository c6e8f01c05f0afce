"""Dates as the ledger writes them (YYYY-MM-DD, real days only), and as people type them."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable

_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")

# The years a ledger's dates may fall in: its plans (`--year`, plan folders) span these, and every
# day a command computes from one (a reply date a week on, a quarter's end) stays a real date.
FIRST_YEAR, LAST_YEAR = 1949, 2999


def in_range(day: dt.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


@functools.lru_cache(maxsize=4096)
def parse_iso_date(text: str) -> dt.date | None:
    """`YYYY-MM-DD` to a date; None when the form is wrong, the day does not exist (2021-02-30) or
    its year is outside FIRST_YEAR..LAST_YEAR. Remembered: a province's records are done on a few
    hundred days."""
    match = _ISO_DATE.match(text.strip())
    if not match:
        return None
    try:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return day if in_range(day) else None


_TYPED = (
    re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"),
    re.compile(r"()(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"),
)
TYPED_EXAMPLES = ("2021-09-30", "2021/9/30", "2021年9月30日", "9月30日")


def parse_typed_date(text: str, year: int | Callable[[], int]) -> dt.date | None:
    """A date as people type it: 2021-09-30, 2021/9/30, 2021.9.30, 2021年9月30日, or 9月30日 in
    `year` (the plan's; a callable is asked only when the text names no year). Full-width digits
    are read. None for anything else, a day that does not exist, or one outside the years a
    ledger's dates may fall in."""
    normal = unicodedata.normalize("NFKC", text).strip()
    for pattern in _TYPED:
        match = pattern.fullmatch(normal)
        if match:
            named = match.group(1)
            which = int(named) if named else (year() if callable(year) else year)
            try:
                day = dt.date(which, int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
            return day if in_range(day) else None
    return None
