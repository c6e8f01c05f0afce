"""ISO dates as the ledger and the command line write them: YYYY-MM-DD, real days only."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_iso_date(text: str) -> dt.date | None:
    """`YYYY-MM-DD` to a date; None when the form is wrong or the day does not exist (2021-02-30)."""
    match = _ISO_DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
