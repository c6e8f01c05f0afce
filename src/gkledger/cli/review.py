"""`gkledger review`: a period's work, unit by unit."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer
import typer.core

from gkledger.cli.options import DataOption, TodayOption
from gkledger.cli.session import _obligations, _once, _today, _view_console


class ReviewFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def review(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Argument(
            min=1949,
            max=2999,
            help="The plan year. Default: the plan --plan or the day picks.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[ReviewFormat, typer.Option("--format", "-f", help="Output format.")] = ReviewFormat.table,
    today: TodayOption = None,
    data: DataOption = None,
) -> None:
    """回头看 of a plan, ended or running: per unit, what was never done, done late or waived.

    For each unit: what was never done, what was done late and by how many days, what was waived
    and why, and its 按期办结率; the plan's in total. --format md reads as the 回头看 section of a
    政府信息公开工作年度报告; csv lists the items.

    Example: gkledger review 2021 --format md > 回头看.md
    """
    from gkledger.core.status import AsOf
    from gkledger.views.review import review as build_review

    if year is not None:
        ctx.meta["gkledger.plan"] = _once(year, ctx.meta.get("gkledger.plan"), "the plan year")
    obligations = _obligations(ctx, data)
    ledger = obligations.ledger
    day = _today(ctx, today)
    found = build_review(obligations, AsOf(day, ledger.settings.soon_days))
    if fmt is ReviewFormat.table:
        from gkledger.render import outcomes

        outcomes.review_view(_view_console(ctx, ledger), found)
        return
    from gkledger.render.review import OUTCOME_COLUMNS, review_markdown, review_record, review_rows

    if fmt is ReviewFormat.md:
        sys.stdout.write(review_markdown(found))
    elif fmt is ReviewFormat.json:
        from gkledger.render.records import to_json

        sys.stdout.write(to_json(review_record(found)))
    else:
        from gkledger.render.records import to_csv

        sys.stdout.write(to_csv(review_rows(found), OUTCOME_COLUMNS))
