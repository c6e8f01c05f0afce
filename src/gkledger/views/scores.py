"""`gkledger score` as a library call: each owing unit's 考核 score as of a day, from the same rows
every view shows and the returns the office made (`core.scoring`)."""

from __future__ import annotations

from gkledger.core.model import Scoring
from gkledger.core.scoring import Score, scores
from gkledger.core.status import AsOf, Obligations, RecordKey


def unit_scores(obligations: Obligations, as_of: AsOf, scoring: Scoring) -> list[Score]:
    rows = obligations.rows(as_of)
    returns: dict[RecordKey, int] = {}
    for key, review in (obligations.reviews or {}).items():
        count = sum(1 for d in review.verdicts if d.kind == "returned")
        if count:
            returns[key] = count
    return scores(rows, obligations.owing_units(), scoring, returns)
