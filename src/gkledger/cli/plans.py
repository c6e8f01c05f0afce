"""Plans: carry a year's open work into the next, start a ledger, import a table, print the schema."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

from gkledger.core.model import shown_path
from gkledger.i18n import _, _f

if TYPE_CHECKING:
    from gkledger.core.owners import Vocabulary
    from gkledger.intake.importer import Imported

from gkledger.cli.options import DataOption, ForceOption, TodayOption
from gkledger.cli.output import _missing_extra, _refuse_bundled, _write_output
from gkledger.cli.session import (
    EXIT_OK,
    EXIT_PROBLEMS,
    _cache_folder,
    _date_option,
    _fail,
    _once,
    _settings,
    _today,
    invocation,
    refusals,
    say,
)
from gkledger.cli.units import _roster_text


def carry(
    ctx: typer.Context,
    year: Annotated[
        int, typer.Argument(min=1949, max=2999, help="The plan to carry from.", show_default=False)
    ],
    to: Annotated[
        int, typer.Option("--to", min=1949, max=2999, help="The plan to carry into.", show_default=False)
    ],
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="The carried tasks' 完成时限 (2022年6月底 …). Default: the original one when it "
            "reads in the new year without a year of its own, else 年底前.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be carried; write nothing.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Carry what a plan left open into a later plan, owed by the units that had not finished it.

    One task per open task, text verbatim, with carried_from: "2021#5". Both plans live in one
    repository (data/2021/, data/2022/; gkledger init . --year 2022 adds one). Running it again
    adds nothing twice. The new tasks.yaml is checked and read back before it is written,
    atomically.

    Example: gkledger carry 2021 --to 2022 --deadline 2022年6月底
    """
    from gkledger.render.outcomes import carried_lines
    from gkledger.writes.carry import carry_plan

    with refusals():
        result = carry_plan(
            invocation(ctx, data).folder, year, to, deadline, cache=_cache_folder(ctx), dry_run=dry_run
        )
    if not result.tasks:
        say(
            _f(
                "Nothing to carry: every task of {year} is finished, or already carried into {to}.",
                year=year,
                to=to,
            )
        )
        return
    say("\n".join(carried_lines(result.tasks, dry_run)))
    if result.written:
        say(
            _f(
                "{count} tasks carried into {file}",
                count=len(result.tasks),
                file=shown_path(str(result.path)),
            ),
            err=True,
        )


def _add_plan(data: Path, year: int) -> None:
    """Add the plan for `year` beside the others (writes.plans), and say what moved and what is next."""
    from gkledger.writes.plans import add_plan

    with refusals():
        added = add_plan(data, year)
    if added.moved is not None:
        old, folder = added.moved
        say(
            _f(
                "Moved the plan for {year} into {folder}/ (units.yaml stays shared)",
                year=old,
                folder=shown_path(str(folder)),
            ),
            err=True,
        )
    for path in added.written:
        say(_f("Wrote {file}", file=path), err=True)
    say(
        _f(
            "Next: gkledger import TABLE --year {year} -o {file}; "
            "gkledger carry {last} --to {year} if last year left work open",
            year=year,
            file=shown_path(str(data / str(year) / "tasks.yaml")),
            last=year - 1,
        ),
        err=True,
    )


def _write_files(root: Path, files: dict[str, bytes], force: bool) -> None:
    existing = [name for name in files if (root / name).exists()]
    if existing and not force:
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        _fail(_f("{folder} already has {files}; use --force to overwrite", folder=root, files=shown))
    for name, data in files.items():
        path = root / name
        _write_output(path, data, make_folders=True, force=True, ledger_file=True)  # checked above
        say(_f("Wrote {file}", file=path), err=True)


def schema(
    name: Annotated[
        str | None,
        typer.Argument(help="tasks, units or progress. Default: all three (with -o).", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="A folder to write <name>.schema.json into.", show_default=False),
    ] = None,
    force: ForceOption = False,
) -> None:
    """The JSON Schemas of the ledger files, for editors that check YAML as you type.

    Example: gkledger schema tasks;  gkledger schema -o schema/
    """
    from gkledger.store.schemas import SCHEMAS, render

    names = [name] if name else list(SCHEMAS)
    unknown = [n for n in names if n not in SCHEMAS]
    if unknown:
        _fail(_f("unknown schema '{name}'; choose from {names}", name=unknown[0], names=", ".join(SCHEMAS)))
    if output is None:
        if len(names) > 1:
            _fail(_("name one schema to print (tasks, units or progress), or give -o DIR to write all three"))
        sys.stdout.write(render(names[0]))
        return
    _write_files(output, {f"{n}.schema.json": render(n).encode("utf-8") for n in names}, force=force)


def init(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(help="The new ledger repository (created if missing).", show_default=False)
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year", min=1949, max=2999, help="The plan year. Default: this year.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")] = False,
    units_roster: Annotated[
        Path | None,
        typer.Option(
            "--units",
            help="The office's roster (.xlsx, .xls, .csv …) to write units.yaml from, not the example.",
            show_default=False,
        ),
    ] = None,
    today: TodayOption = None,
) -> None:
    """Start a ledger repository: data/ with starter units and an empty plan, schemas, CI and pre-commit.

    The result passes gkledger check. With --units, units.yaml comes from the office's roster
    (see gkledger units import). Example: gkledger init 台账-2022 --year 2022 --units 名单.xlsx
    """
    from gkledger.writes.scaffold import files

    plan_year = year if year is not None else _today(ctx, today).year
    if (folder / "data" / "units.yaml").is_file() and not force:
        _add_plan(folder / "data", plan_year)  # a repository that has its ledger: one more plan
        return
    roster = _roster_text(units_roster, None)[0] if units_roster is not None else None
    _write_files(folder, files(plan_year, roster), force)
    say(_f("Next: cd {folder} && git init && pre-commit install && gkledger check", folder=folder), err=True)


TitleOption = Annotated[
    str | None,
    typer.Option(
        "--title",
        help="The plan's title. Default: the one the notice or table states, else <year>年政务公开工作要点.",
        show_default=False,
    ),
]
DeadlineOption = Annotated[
    str | None,
    typer.Option(
        "--deadline",
        metavar="TEXT",
        help="The 完成时限 of every row without one (a table with no such column), e.g. 年底前 or "
        "全年持续推进.",
        show_default=False,
    ),
]
SignedOption = Annotated[
    str | None,
    typer.Option(
        "--signed",
        metavar="DATE",
        help="The day the plan was issued (成文日期), e.g. 2022-07-15. Default: the date the "
        "notice or table states, if any. Recurring tasks owe no period due before it.",
        show_default=False,
    ),
]


def import_(
    ctx: typer.Context,
    table: Annotated[
        Path,
        typer.Argument(
            help="A 任务台账 as .xlsx, .xls, .csv, .docx or .html (a notice as published).",
            show_default=False,
        ),
    ],
    year: Annotated[
        int, typer.Option("--year", min=1949, max=2999, help="The plan year.", show_default=False)
    ],
    title: TitleOption = None,
    signed: SignedOption = None,
    deadline: DeadlineOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write tasks.yaml. Default: print it.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read the table and print the summary; write nothing.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Read any office's 任务台账 into tasks.yaml, owners phrases read over the ledger's units.

    Headers may be worded as offices word them (工作任务, 具体要求, 责任部门, 时限要求, 牵头单位 …;
    README.md lists them). Owners are read with the units.yaml of --data, else of the folder of -o,
    else of ./data; parts that no rule resolves are kept in `unresolved` and listed with their row.
    Text, owners and deadlines are written verbatim. Exit 1 when rows need review.

    Example: gkledger import 台账.docx --year 2022 -o data/tasks.yaml
    """
    from gkledger.intake.plan_import import holds_no_task, import_table
    from gkledger.intake.tables import TableError

    if output is not None and output.exists() and not force and not dry_run and not holds_no_task(output):
        _fail(_f("{file} exists; use --force to overwrite it", file=output))
    vocabulary, roster = _import_vocabulary(ctx, data, output)
    try:
        issued = None if signed is None else _date_option(ctx, signed, "--signed", year=year)
        made = import_table(table, year, title, vocabulary, issued, deadline)
    except TableError as exc:
        _fail(f"{table}: {exc}")
    except ImportError as exc:
        _missing_extra(exc, "import")
    if made.how:
        say(f"{table}: {made.how}", err=True)
    if output is None and not dry_run:
        sys.stdout.write(made.text)
    elif output is not None and not dry_run:
        _refuse_bundled(output)
        _write_output(output, made.text.encode("utf-8"), force=True, ledger_file=True)  # checked above
    _say_imported(table, made.imported, roster)
    raise typer.Exit(EXIT_PROBLEMS if made.imported.problems else EXIT_OK)


def _say_imported(table: Path, imported: Imported, roster: str) -> None:
    """The rows to review, the notes, and the counts of what was read."""
    for row, problem in imported.problems:
        say(f"{table}:{row}: {problem}", err=True)
    for note in imported.notes:
        say(f"{table}: {note}", err=True)
    counts = imported.summary()
    say(
        _f(
            "{tasks} tasks, {review} to review; owners read with {roster}: {full} fully, {partial} partly, "
            "{none} not resolved; {leads} with a lead; deadlines {read} read, {unread} not",
            tasks=counts["tasks"],
            review=len(imported.problems),
            roster=roster,
            full=counts["owners_full"],
            partial=counts["owners_partial"],
            none=counts["owners_none"],
            leads=counts["leads"],
            read=counts["deadlines_read"],
            unread=counts["deadlines_unread"],
        ),
        err=True,
    )


def _import_vocabulary(ctx: typer.Context, data: Path | None, output: Path | None) -> tuple[Vocabulary, str]:
    """The vocabulary owners phrases are read with: the units.yaml of --data, else next to -o,
    else of the ledger around the working folder (never the bundled one unless named); and how to
    name it in the summary."""
    from gkledger.intake.plan_import import vocabulary_of
    from gkledger.render.diagnostics import as_text
    from gkledger.store.locate import UNITS_FILE, display_path, is_bundled

    root = _once(data, _settings(ctx).data, "--data")
    if root is None and output is not None and (output.parent / UNITS_FILE).is_file():
        root = output.parent
    if root is None:
        found = invocation(ctx).folder
        root = None if is_bundled(found) else found
    vocabulary, errors = vocabulary_of(root)
    if root is None or not (root / UNITS_FILE).is_file():
        say(
            "no units.yaml found, so no owners phrase can be resolved: give --data DIR (see "
            "gkledger units import and gkledger init --units)",
            err=True,
        )
        return vocabulary, "no units"
    if errors:
        sys.stderr.write(as_text(errors))
        _fail(_f("{file} has errors; fix them before reading owners phrases with it", file=root / UNITS_FILE))
    return vocabulary, display_path(root / UNITS_FILE)
