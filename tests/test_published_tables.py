"""Tables that offices of other kinds published (tests/published_tables.py) go in as a person reads
them: every row, texts verbatim, owners, deadlines, sections; and `check` passes on what came in."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from .conftest import write
from .office_tables import to_csv, to_docx, to_html, to_xlsx
from .published_tables import PUBLISHED

Cli = Callable[..., Result]
WRITERS = {"xlsx": to_xlsx, "html": to_html, "docx": to_docx, "csv": to_csv}


@pytest.mark.parametrize("kind", list(WRITERS))
@pytest.mark.parametrize("name", list(PUBLISHED))
def test_a_published_table_reads_as_a_person_reads_it(cli: Cli, tmp_path: Path, name: str, kind: str) -> None:
    table = PUBLISHED[name]
    root = tmp_path / "data"
    write(root / "units.yaml", table.roster)
    (root / "progress").mkdir(parents=True)
    source = tmp_path / f"{name}.{kind}"
    source.write_bytes(WRITERS[kind](table))
    options = ["--deadline", table.deadline] if table.deadline else []
    result = cli("import", str(source), "--year", str(table.year), *options, "-o", str(root / "tasks.yaml"))
    unresolved = sum(len(expected[7]) for expected in table.expected.values())
    assert result.exit_code == (1 if unresolved else 0), result.output
    document = yaml.safe_load((root / "tasks.yaml").read_text(encoding="utf-8"))
    written = document["tasks"]
    assert [task["id"] for task in written] == list(table.expected)  # every row, in order
    if table.title:  # the table's own title row names the plan
        assert document["plan"]["title"] == table.title
    expected = {**table.expected, **(table.flat if kind == "csv" else {})}
    for task in written:
        section, item, text, owners, deadline, *_, parts = expected[task["id"]]
        seen = (task["section"], task.get("item"), task["text"], task["owners"], task["deadline"])
        assert seen == (section, item, text, owners, deadline), task["id"]
        assert task.get("unresolved", []) == parts, task["id"]
    checked = cli("check", "--data", str(root))
    assert checked.exit_code == 0, checked.output
    listed = json.loads(cli("tasks", "-f", "json", "--data", str(root)).stdout)
    for task in listed:
        *_, units, lead, parts = expected[task["id"]]
        assert (sorted(task["units"]), sorted(task["lead_units"])) == (units, sorted(lead)), task["id"]
        assert task["ongoing"] == (task["id"] in table.ongoing), task["id"]


@pytest.mark.parametrize("name", [name for name, table in PUBLISHED.items() if table.deadline])
def test_what_a_table_lacks_is_said_not_invented(cli: Cli, tmp_path: Path, name: str) -> None:
    """A table without 完成时限 (the `missing` of its fixture) is refused until --deadline says it."""
    table = PUBLISHED[name]
    root = tmp_path / "data"
    write(root / "units.yaml", table.roster)
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(to_xlsx(table))
    refused = cli("import", str(source), "--year", str(table.year), "--data", str(root))
    assert refused.exit_code == 2 and "--deadline" in refused.output, refused.output
    assert "完成时限" in table.missing


def test_the_words_line_an_import_suggests_resolves_the_part(cli: Cli, tmp_path: Path) -> None:
    """An unresolved owners phrase (嵩明's slip 各医疗结构) comes with the exact line of `words:` that
    reads it; added to units.yaml as given, the import takes every row and `check` passes."""
    import re

    table = PUBLISHED["songming-health"]
    root = tmp_path / "data"
    write(root / "units.yaml", table.roster)
    (root / "progress").mkdir(parents=True)
    source = tmp_path / "health.xlsx"
    source.write_bytes(to_xlsx(table))
    asked = ["--lang", "zh", "import", str(source), "--year", str(table.year), "-o", str(root / "tasks.yaml")]
    first = cli(*asked)
    assert first.exit_code == 1
    lines = set(re.findall(r"（如 (.+?)）", first.output))
    assert lines == {"各医疗结构: {kind: 公立医疗机构}"}, first.output
    units = (root / "units.yaml").read_text(encoding="utf-8")
    (root / "units.yaml").write_text(
        units.replace("words:\n", "words:\n  " + lines.pop() + "\n"), encoding="utf-8"
    )
    again = cli(*asked, "--force")
    assert again.exit_code == 0, again.output
    assert "unresolved" not in (root / "tasks.yaml").read_text(encoding="utf-8")
    assert cli("check", "--data", str(root)).exit_code == 0
