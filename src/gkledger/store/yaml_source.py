"""The one module that imports PyYAML: bytes of a data file in, a tree of positioned values out.

PyYAML composes the document (with libyaml's C parser when present) into nodes; we never construct
Python objects from them, so no tag can run code. Every scalar stays text, exactly as written, with
a note of whether it was quoted: the schema decides what is a date or a number, so YAML 1.1
surprises (`NO` → False, `010` → 8, `1:30` → 90) cannot happen where text is expected.

Problems become diagnostics: undecodable bytes (GBK from a Chinese Windows editor is recognised),
syntax errors, duplicate keys (which PyYAML silently resolves to the last), explicit tags, merge
keys, alias bombs and recursive aliases, and oversized or over-deep documents. Line and column are
0-based in PyYAML and become 1-based here, and only here.
"""

from __future__ import annotations

from typing import ClassVar

import yaml
from yaml.resolver import BaseResolver

from gkledger.core.diagnostics import Diagnostic
from gkledger.core.model import Source
from gkledger.i18n import _, _f
from gkledger.store.files import MAX_FILE_BYTES

try:  # libyaml's parser when PyYAML was built with it
    from yaml._yaml import CParser as _Parser

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    HAVE_LIBYAML = False


class _Composer(_Parser, BaseResolver):
    """Composes nodes without implicit typing: every plain scalar is resolved as text."""

    _DEFAULT_TAGS: ClassVar[dict[type, str]] = {
        yaml.ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
        yaml.SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
        yaml.MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
    }

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        BaseResolver.__init__(self)

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        # Called once per node; no implicit types and no path resolvers, so only the default.
        return self._DEFAULT_TAGS[kind]


MAX_DEPTH = 64
NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})

_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = frozenset({_STR_TAG, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


class Node:
    __slots__ = ("column", "line")
    line: int
    column: int


class Scalar(Node):
    """Text as written; `plain` when unquoted (so `null`, `~` and an empty value mean null)."""

    __slots__ = ("plain", "value")

    def __init__(self, value: str, plain: bool, line: int, column: int) -> None:
        self.value = value
        self.plain = plain
        self.line = line
        self.column = column

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in NULL_WORDS


class Mapping(Node):
    """Keys (text) to (key node, value node), in file order."""

    __slots__ = ("entries",)

    def __init__(self, entries: dict[str, tuple[Scalar, Value]], line: int, column: int) -> None:
        self.entries = entries
        self.line = line
        self.column = column


class Sequence(Node):
    """Items in order; `flow` when written in brackets ([a, b]) rather than as '- ' lines."""

    __slots__ = ("flow", "items")

    def __init__(self, items: list[Value], line: int, column: int, flow: bool = False) -> None:
        self.items = items
        self.line = line
        self.column = column
        self.flow = flow


Value = Scalar | Mapping | Sequence


def kind_of(node: Value) -> str:
    """The word users see for a node's type."""
    if isinstance(node, Mapping):
        return _("a mapping")
    if isinstance(node, Sequence):
        return _("a list")
    return _("null") if node.is_null else _("text")


class _Abort(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


def decode(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 bytes (a BOM is fine) to text; anything else is explained, with its line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            Diagnostic(
                Source(path, 1, 1),
                "GK003",
                _("the file is UTF-16, not UTF-8"),
                _("save it again as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)"),
            )
        ]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_col_bytes(data, nul)
        return None, [
            Diagnostic(
                Source(path, line, column),
                "GK003",
                _("the file holds binary data (a NUL byte), not text"),
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line, column = _line_col_bytes(data, exc.start)
        bad = data[exc.start : exc.start + 4].hex(" ")
        hint = _("save the file as UTF-8")
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            hint = _(
                "it looks like GBK/GB18030, the default of Chinese Windows editors; "
                "save it again as UTF-8 (in Notepad: 另存为 → 编码 UTF-8; in WPS/Excel: UTF-8 CSV)"
            )
        return None, [
            Diagnostic(
                Source(path, line, column),
                "GK003",
                _f("the file is not valid UTF-8 (bytes {bad} at line {line})", bad=bad, line=line),
                hint,
            )
        ]


def parse(path: str, data: bytes) -> tuple[Value | None, list[Diagnostic]]:
    """Bytes of one YAML file to its single document (None when it is empty or unreadable)."""
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Diagnostic(
                Source(path, 1, 1),
                "GK007",
                _f(
                    "the file is {size:,} bytes; the limit is {limit:,}", size=len(data), limit=MAX_FILE_BYTES
                ),
            )
        ]
    text, problems = decode(path, data)
    if text is None:
        return None, problems
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.YAMLError as exc:
        return None, [_syntax_diagnostic(path, text, exc)]
    except RecursionError:
        return None, [
            Diagnostic(
                Source(path, 1, 1),
                "GK007",
                _f("the document nests deeper than {depth} levels", depth=MAX_DEPTH),
            )
        ]
    finally:
        dispose = getattr(composer, "dispose", None)
        if dispose is not None:
            dispose()
    if root is None:
        return None, []
    builder = _Builder(path, budget=2 * len(text) + 10_000)
    try:
        value = builder.build(root, 0)
    except _Abort as abort:
        return None, [abort.diagnostic]
    return value, builder.diagnostics


class _Builder:
    """Turns PyYAML nodes into our values, checking what PyYAML lets through."""

    def __init__(self, path: str, budget: int) -> None:
        self.path = path
        self.budget = budget  # nodes we may still build; aliases spend it again for each use
        self.diagnostics: list[Diagnostic] = []
        self.stack: list[int] = []  # ids of the collections being built, to name recursive aliases

    def build(self, node: yaml.Node, depth: int) -> Value:
        self.budget -= 1
        if self.budget < 0:
            raise _Abort(
                self._diag(
                    node,
                    "GK006",
                    _("aliases expand this document past the size limit (an alias bomb?)"),
                    _("write the values out, or use fewer aliases"),
                )
            )
        if node.tag not in _PLAIN_TAGS:
            self._explicit_tag(node)
        mark = node.start_mark
        if type(node) is yaml.ScalarNode:  # most nodes: the fast path comes first
            return Scalar(node.value, not node.style, mark.line + 1, mark.column + 1)
        if depth >= MAX_DEPTH or id(node) in self.stack:
            recursive = id(node) in self.stack
            raise _Abort(
                self._diag(
                    node,
                    "GK006" if recursive else "GK007",
                    _("an alias refers to a node that contains it (a recursive alias)")
                    if recursive
                    else _f("the document nests deeper than {depth} levels", depth=MAX_DEPTH),
                )
            )
        self.stack.append(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return Sequence(
                    [self.build(item, depth + 1) for item in node.value],
                    mark.line + 1,
                    mark.column + 1,
                    bool(node.flow_style),
                )
            return self._mapping(node, depth)
        finally:
            self.stack.pop()

    def _explicit_tag(self, node: yaml.Node) -> None:
        self.diagnostics.append(
            self._diag(
                node,
                "GK008",
                _f("explicit YAML tag {tag} is not allowed in ledger files", tag=_short_tag(node.tag)),
                _("remove the tag; values are read as text and checked by the schema"),
            )
        )

    def _mapping(self, node: yaml.Node, depth: int) -> Mapping:
        entries: dict[str, tuple[Scalar, Value]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.append(
                    self._diag(key_node, "GK101", _("a mapping key must be text, not a list or mapping"))
                )
                continue
            self.budget -= 1
            if key_node.tag not in _PLAIN_TAGS:
                self._explicit_tag(key_node)
            mark = key_node.start_mark
            key = Scalar(key_node.value, not key_node.style, mark.line + 1, mark.column + 1)
            if key.plain and key.value == "<<":
                self.diagnostics.append(
                    self._diag(
                        key_node,
                        "GK008",
                        _("merge keys (<<) are not supported in ledger files"),
                        _("write the fields out in full"),
                    )
                )
                continue
            if type(value_node) is yaml.ScalarNode and value_node.tag in _PLAIN_TAGS and self.budget > 0:
                self.budget -= 1  # `build`'s scalar, without a call for each of a province's 250,000 values
                mark = value_node.start_mark
                value: Value = Scalar(value_node.value, not value_node.style, mark.line + 1, mark.column + 1)
            else:
                value = self.build(value_node, depth + 1)
            first = entries.get(key.value)
            if first is not None:
                self.diagnostics.append(
                    self._diag(
                        key_node,
                        "GK005",
                        _f(
                            "duplicate key '{key}' (first at line {line}); YAML keeps only one of them",
                            key=key.value,
                            line=first[0].line,
                        ),
                        _("remove one of the two"),
                    )
                )
                continue
            entries[key.value] = (key, value)
        return Mapping(entries, node.start_mark.line + 1, node.start_mark.column + 1)

    def _diag(self, node: yaml.Node, code: str, message: str, hint: str | None = None) -> Diagnostic:
        mark = node.start_mark
        return Diagnostic(Source(self.path, mark.line + 1, mark.column + 1), code, message, hint)


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _syntax_diagnostic(path: str, text: str, exc: yaml.YAMLError) -> Diagnostic:
    if isinstance(exc, yaml.composer.ComposerError) and "single document" in str(exc):
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Diagnostic(
            Source(path, line, column),
            "GK009",
            _("the file holds more than one YAML document (a second '---')"),
            _("a ledger file is one document: remove the extra '---' line"),
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or _("invalid YAML")
        if exc.context:
            message = f"{message} ({exc.context})"
        return Diagnostic(
            Source(path, line, column), "GK004", _f("YAML syntax error: {problem}", problem=message)
        )
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _line_col_text(text, exc.position)
        problem = exc.reason
        if isinstance(exc.character, int):
            problem += f" (character U+{exc.character:04X})"
        return Diagnostic(
            Source(path, line, column), "GK004", _f("YAML syntax error: {problem}", problem=problem)
        )
    return Diagnostic(Source(path, 1, 1), "GK004", _f("YAML syntax error: {problem}", problem=exc))


def _line_col_bytes(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _line_col_text(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
