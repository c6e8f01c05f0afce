"""The YAML layer: text stays text, positions are 1-based, and hostile input becomes diagnostics."""

from __future__ import annotations

import pytest

from gkledger.store.yaml_source import MAX_DEPTH, Mapping, Scalar, Sequence, parse


def parse_ok(text: str | bytes) -> Mapping | Sequence | Scalar:
    data = text.encode() if isinstance(text, str) else text
    value, diagnostics = parse("f.yaml", data)
    assert diagnostics == []
    assert value is not None
    return value


def only_code(text: str | bytes) -> tuple[str, int, int]:
    data = text.encode() if isinstance(text, str) else text
    _, diagnostics = parse("f.yaml", data)
    assert len(diagnostics) >= 1, diagnostics
    d = diagnostics[0]
    return d.code, d.source.line, d.source.column


def test_scalars_stay_text_as_written() -> None:
    root = parse_ok("a: NO\nb: 010\nc: 1:30\nd: 2021-08-20\ne: 'quoted'\nf:\n")
    assert isinstance(root, Mapping)
    values = {k: v for k, (_, v) in root.entries.items()}
    assert [values[k].value for k in "abcde"] == ["NO", "010", "1:30", "2021-08-20", "quoted"]
    assert values["a"].plain and not values["e"].plain
    assert values["f"].is_null


def test_positions_are_one_based_lines_and_character_columns() -> None:
    root = parse_ok("单位: 回民区\nlist:\n  - x\n")
    assert isinstance(root, Mapping)
    key, value = root.entries["单位"]
    assert (key.line, key.column) == (1, 1)
    assert (value.line, value.column) == (1, 5)
    items = root.entries["list"][1]
    assert isinstance(items, Sequence)
    assert (items.items[0].line, items.items[0].column) == (3, 5)


def test_bom_and_crlf_are_accepted() -> None:
    root = parse_ok(b"\xef\xbb\xbfa: x\r\nb: y\r\n")
    assert isinstance(root, Mapping)
    assert root.entries["b"][1].line == 2


def test_gbk_is_explained_with_its_line() -> None:
    data = "a: ok\nb: 中文\n".encode("gbk")
    value, diagnostics = parse("f.yaml", data)
    assert value is None
    [d] = diagnostics
    assert (d.code, d.source.line, d.source.column) == ("GK003", 2, 4)
    assert d.hint is not None and "GBK" in d.hint


def test_utf16_and_binary_are_refused() -> None:
    assert only_code("a: 1\n".encode("utf-16"))[0] == "GK003"
    assert only_code(b"a: 1\nb: \x00\x01")[:2] == ("GK003", 2)


def test_syntax_error_names_line_and_column() -> None:
    assert only_code("a: 1\n b: 2\n") == ("GK004", 2, 3)
    assert only_code("a: [1, 2\n")[0] == "GK004"


def test_control_characters_are_a_syntax_error() -> None:
    assert only_code('a: 1\nb: "\x07"\n')[:2] == ("GK004", 2)


def test_duplicate_keys_are_reported_not_silently_dropped() -> None:
    _, diagnostics = parse("f.yaml", b"a: 1\nb: 2\na: 3\n")
    [d] = diagnostics
    assert (d.code, d.source.line) == ("GK005", 3)
    assert "line 1" in d.message


def test_explicit_tags_are_never_constructed() -> None:
    value, diagnostics = parse("f.yaml", b"a: !!python/object/apply:os.system ['echo hacked']\n")
    assert [d.code for d in diagnostics] == ["GK008"]
    assert isinstance(value, Mapping)  # kept as inert data


def test_merge_keys_are_refused() -> None:
    assert only_code("base: &b {x: 1}\nc:\n  <<: *b\n") == ("GK008", 3, 3)


def test_alias_bomb_is_stopped_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert only_code("\n".join(lines) + "\n")[0] == "GK006"


def test_recursive_alias_is_refused() -> None:
    assert only_code("&a [*a]\n")[0] == "GK006"


def test_modest_aliases_are_fine() -> None:
    root = parse_ok("a: &x [1, 2]\nb: *x\n")
    assert isinstance(root, Mapping)
    assert isinstance(root.entries["b"][1], Sequence)


def test_deep_nesting_is_refused() -> None:
    depth = MAX_DEPTH + 5
    assert only_code("[" * depth + "]" * depth + "\n")[0] == "GK007"


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_documents_give_no_value(text: str) -> None:
    assert parse("f.yaml", text.encode()) == (None, [])


def test_two_documents_are_refused() -> None:
    assert only_code("- a\n---\n- b\n")[:2] == ("GK009", 2)


def test_non_text_keys_are_refused() -> None:
    assert only_code("? [a, b]\n: 1\n")[0] == "GK101"
