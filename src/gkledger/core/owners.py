"""Owners phrases (责任单位) read over the ledger's own vocabulary. Pure.

A phrase is read, not looked up: the same rules serve a city's table, a district's and a bureau's,
because every word they resolve comes from the ledger itself — unit names, full names and aliases,
kinds, groups, tags, and the `words` of units.yaml (how this office's notices name roles and sets of
units that no rule can derive, such as "业务主管部门" meaning the websites' 主管部门 in one notice).

    A牵头,B配合 / A牵头负责…,B提供…      A is the lead; A and B owe the task
    split on 、 , ; 和 及 与 以及 等         but never inside a word of the vocabulary, nor at 及其
    A B (spaces)                           a list when each of A and B resolves; else one name
    A（B）                                  A and B, when each resolves (B another name of A, or
                                           an office A houses: 省编办（省审改办）)
    —— / — / / / 无                         nobody (a 责任单位 cell beside a 牵头单位 one)
    drop 由…, …负责(落实), 分别负责, 按职责分工负责, 配合, 参与, 协助, 提供…, a final 等 or 要
    市财政局 / 呼和浩特市财政局 / 财政局    the unit, with or without its level or city prefix
    各X / X人民政府 / X政府 / X管委会        every unit of group or kind X (各科室, 各县市区人民政府)
    各镇 / 各乡 / 各街道 / 各镇(办)           where no kind or group is so named: the units whose
                                           names end so (甲镇; 办 is a 街道办事处)
    X级以上… / X…                         a scope: group X (or kind X with the units above it)
      …政府 / …人民政府                      the scope's units themselves
      …政府及其部门                          with their child departments (the word 部门, else the
                                             children not of the scope's own kinds)
      …Y部门 / …Y, Z和W部门                  the role Y held in each unit of the scope: a word, a
                                             tag, or a unit's name (发改委 → 发展和改革委员会's tag 发改)

A part no rule resolves ("市政府各有关部门", "各有关单位") is kept verbatim in `unresolved`, for the
office to assign: never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gkledger.core.model import Selector, Term
from gkledger.core.units import UnitIndex

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")
_SEPARATORS = "、,;:/"
_CONJUNCTIONS = ("以及", "和", "及", "与", "等")
_MEMO_SIZE = 50_000  # phrases and parts remembered, then forgotten all at once
_SPLIT_CANDIDATES = re.compile("[" + re.escape(_SEPARATORS) + "".join(c[0] for c in _CONJUNCTIONS) + "]")
_VERBS = re.compile(r"(?:牵头|配合|参与|协助|协同|提供|负责|按职责|分别|共同|做好|抓好|落实)")
_GENERIC = ("部门", "单位", "机关", "机构")  # a list's closing noun: "发改、财政等部门"
_SELF = ("", "人民政府", "政府", "管委会", "管理委员会", "办事处")  # a scope's own units
_WITH_DEPARTMENTS = ("政府及其部门", "人民政府及其部门", "及其部门", "及所属部门")
_VAGUE = ("有关", "相关", "各")
_NAME_SUFFIXES = ("委员会", "办公室", "局", "委", "办", "中心", "厅", "部", "处", "科", "室")
_LEVEL_PREFIXES = ("自治区", "省", "市", "县", "区", "旗")


def plain(text: str) -> str:
    """A phrase as compared: NFKC (full-width ，；（） made ASCII), no spaces, no quotes, no final
    full stop; a line break between names separates them as 、 would."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).strip()
    text = re.sub(r"\s*\n\s*", "、", text)
    return re.sub(r"\s+", "", text).rstrip("。.;,、")


# "牵头单位：A；配合单位：B" in one cell (as `import` writes two columns into `owners`)
_LABELLED = re.compile(
    r"^牵头(?:单位|部门)?:(?P<lead>[^;]*?)(?:;(?:配合|协办|责任|参与)(?:单位|部门)?:(?P<others>.*))?$"
)
_LEAD_MARK = re.compile(r"\(牵头(?:单位|部门)?\)$")  # "市财政局（牵头）"
_NOBODY = frozenset({"-", "--", "—", "——", "―", "/", "\\", "无", "暂无", "空"})  # a cell that names no one
# a kind of place, and how a unit of it ends its name (镇 → 甲镇; 办 in 镇(办) → 丙街道办事处)
_PLACE_WORDS = {
    "乡": ("乡",),
    "镇": ("镇",),
    "苏木": ("苏木",),
    "街道": ("街道", "街道办事处"),
    "街道办事处": ("街道", "街道办事处"),
    "办": ("街道", "街道办事处"),
}
_OTHER_NAME = re.compile(r"^(?P<name>[^()]+)\((?P<other>[^()]+)\)$")  # "省编办（省审改办）"


@dataclass(frozen=True, slots=True)
class Reading:
    """What an owners phrase means: the terms of its owners (lead included), of its lead, and the
    parts no rule could resolve, verbatim."""

    owed: tuple[Term, ...]
    lead: tuple[Term, ...]
    unresolved: tuple[str, ...]

    @property
    def resolved(self) -> str:
        """ "full", "partial" or "none", for an import summary."""
        if not self.unresolved:
            return "full"
        return "partial" if self.owed else "none"


@dataclass(frozen=True, slots=True)
class _Scope:
    terms: tuple[Term, ...]  # the scope's units (a group, a kind, or a kind with the units above it)
    kinds: frozenset[str]  # the kinds of those units: "及其部门" are the children of other kinds


class Vocabulary:
    """The words a ledger knows, normalised, and the rules that read phrases with them."""

    def __init__(self, index: UnitIndex, words: dict[str, Selector] | None = None) -> None:
        self.index = index
        self.words: dict[str, Selector] = {}  # words meaning a set of units
        self.role_words: dict[str, str] = {}  # words meaning a role: 政务公开工作主管部门 -> 政务公开主管
        for word, meaning in (words or {}).items():
            role = _role_word(meaning)
            if role is None:
                self.words[plain(word)] = meaning
            else:
                self.role_words[plain(word)] = role
        self.names = {plain(name): canonical for name, canonical in index.names.items()}
        self.groups = {plain(name): name for name in index.groups}
        self.kinds = {plain(kind): kind for kind in index.kinds if kind}
        self.tags = {plain(tag): tag for tag in index.tags}
        self.stems: dict[str, str | None] = {}  # 人力资源和社会保障 -> 人力资源和社会保障局 (None: ambiguous)
        self.places: set[str] = set()  # 呼和浩特市: what full names put before a unit's name
        for unit in index.by_name.values():
            for name in (unit.name, *unit.aliases):
                if unit.full_name.endswith(name) and len(unit.full_name) > len(name):
                    self.places.add(plain(unit.full_name[: -len(name)]))
            for stem in _stems(unit.name, *unit.aliases, unit.full_name):
                known = self.stems.get(stem, unit.name)
                self.stems[stem] = unit.name if known == unit.name else None
        self.place_prefixes = sorted(self.places | set(_LEVEL_PREFIXES), key=len, reverse=True)
        self._full_name_spellings(index)
        # Words a conjunction must not split: 人力资源和社会保障局, 规划编制和审批机关 …
        everything = [*self.words, *self.role_words, *self.names, *self.groups, *self.kinds, *self.tags]
        everything += self.stems
        self.protected = sorted(
            {w for w in everything if any(c in w for c in (*_SEPARATORS, *_CONJUNCTIONS))},
            key=len,
            reverse=True,
        )
        # The longest texts the rules can read, so that nothing longer is ever tried and a
        # 100,000-character cell costs per character what a short one does: a scope's head is at
        # most two collection names with brackets and 级及以上 ("乡镇(街道)级及以上"); a whole
        # name is 各, a head, and a body or a name with its place and closing words.
        collections = [*self.groups, *self.kinds, *index.levels]
        self.longest_head = 2 * max(map(len, collections), default=0) + 8
        plain_heads = {len(name) for name in (*self.groups, *self.kinds)}
        plain_heads |= {len(level) - 1 for level in index.levels}  # 县级 → 县级以上's stem 县
        above = {n + len(word) for n in plain_heads for word in ("级以上", "级及以上")}
        self.head_lengths = sorted(plain_heads | above, reverse=True)
        longest = max((len(w) for w in (*everything, *self.place_prefixes)), default=0)
        self.longest_name = 1 + self.longest_head + 2 * longest + 8
        self._read: dict[str, Reading] = {}  # memos: a vocabulary never changes once built
        self._exact: dict[str, tuple[Term, ...] | None] = {}
        self._scopes: dict[str, tuple[_Scope, str] | None] = {}
        self._lines: dict[str, str] = {}

    # -- phrases --------------------------------------------------------------------------------

    def _full_name_spellings(self, index: UnitIndex) -> None:
        """A unit's full name as tables shorten it: without its place (某县人民政府办公室 →
        县人民政府办公室, the level kept), with 政府 for 人民政府 (县政府办公室) and 管委会 for
        管理委员会 (平潭综合实验区管委会). A spelling two units share is neither's."""
        found: dict[str, str | None] = {}
        for unit in index.by_name.values():
            full = plain(unit.full_name)
            shorter = [  # the rest still says its level: 县人民政府办公室, never 人民政府 alone
                full[cut:]
                for cut in range(1, len(full))
                if full[cut] in _LEVELS and full[:cut] in self.places
            ]
            for spelling in (full, *shorter):
                short = spelling.replace("人民政府", "政府").replace("管理委员会", "管委会")
                for variant in (spelling, short):
                    if variant and variant not in self.names:
                        known = found.get(variant, unit.name)
                        found[variant] = unit.name if known == unit.name else None
        self.names.update({spelling: name for spelling, name in found.items() if name is not None})

    def words_line(self, part: str) -> str:
        """The line of units.yaml's `words:` that would read `part`: the roster's kind or group
        nearest to it in writing (各医疗结构 → 公立医疗机构), else the unit nearest to it (省发改委 →
        省发展改革委, a short form the roster lacks), else a unit to fill in. Worked out once per
        part: a table repeats its unresolved parts from row to row."""
        known = self._lines.get(part)
        if known is None:
            if len(self._lines) >= _MEMO_SIZE:
                self._lines.clear()
            from gkledger.core.words_hint import words_line  # only when a part is left unresolved

            known = self._lines[part] = words_line(self, part)
        return known

    def read(self, phrase: str) -> Reading:
        """The meaning of an owners phrase (a 责任单位 cell); a table repeats its phrases from row
        to row, so each is read once."""
        known = self._read.get(phrase)
        if known is None:
            if len(self._read) >= _MEMO_SIZE:
                self._read.clear()
            known = self._read[phrase] = self._read_phrase(phrase)
        return known

    def _read_phrase(self, phrase: str) -> Reading:
        text = plain(self._spaced(phrase))
        if not text or text in _NOBODY:  # "——" in a 责任单位 column: nobody besides the lead
            return Reading((), (), ())
        if text.endswith("要"):  # a cell cut off mid-sentence: "各类规划编制和审批机关要"
            text = text[:-1]
        labelled = _LABELLED.match(text)
        if labelled:
            return self.read_columns(labelled.group("lead"), labelled.group("others") or "")
        if "(牵头" in text:
            return self._marked_lead(text)
        lead_text, rest = _lead_and_rest(text)
        lead, lead_open = self.read_list(lead_text) if lead_text else ((), ())
        owed, open_parts = self.read_list(rest) if rest else ((), ())
        return Reading(_merged((*lead, *owed)), _merged(lead), (*lead_open, *open_parts))

    def _spaced(self, phrase: str) -> str:
        """ "党办校办 政策法规研究室": names separated by spaces are a list when each is a name
        the ledger resolves; else the spaces are a typist's and go ("市 财政局")."""
        parts = unicodedata.normalize("NFKC", phrase).split()
        if len(parts) < 2:
            return phrase
        for part in parts:
            terms, unresolved = self.read_list(plain(part))
            if not terms or unresolved:
                return phrase
        return "、".join(parts)

    def _marked_lead(self, text: str) -> Reading:
        """ "市审计局、市财政局（牵头）": the parts marked 牵头 lead."""
        lead_parts = [p for p in self.split(text) if _LEAD_MARK.search(p)]
        lead, lead_open = self.read_list("、".join(_LEAD_MARK.sub("", p) for p in lead_parts))
        owed, open_parts = self.read_list(re.sub(r"\(牵头(?:单位|部门)?\)", "", text))
        return Reading(_merged(owed), _merged(lead), tuple(dict.fromkeys((*lead_open, *open_parts))))

    def read_columns(self, lead_phrase: str, others_phrase: str) -> Reading:
        """A table's separate 牵头单位 and 配合单位 (or 责任单位) columns."""
        lead = self.read(lead_phrase)
        others = self.read(others_phrase)
        return Reading(
            _merged((*lead.owed, *others.owed)),
            _merged(lead.owed),
            (*lead.unresolved, *others.unresolved),
        )

    def read_list(self, text: str) -> tuple[tuple[Term, ...], tuple[str, ...]]:
        """The terms of a list of owners, and its parts that nothing resolves."""
        terms: list[Term] = []
        unresolved: list[str] = []
        scope: _Scope | None = None  # a scope whose roles a list goes on naming
        parts = self._joined([part for part in (_clean(p) for p in self.split(text)) if part])
        closed = len(parts) > 1 and parts[-1] in _GENERIC
        if closed:
            parts.pop()  # "发改、财政等部门": the closing noun of the list
        for part in parts:
            found = None
            own = self.scope_of(part)
            if own is not None:
                found = self.in_scope(own[0], own[1])
                scope = own[0] if found is not None and found[0].role else None
            elif scope is not None and not self.prefixed_unit(part):
                found = self.in_scope(scope, part)  # "旗县区级以上发改委、司法…部门": the scope carries on
            if found is None:
                found = self.exact(part)
            if found is None:
                found = self.also_named(part)
            if found is None and (closed or part.endswith(_GENERIC)):
                found = self.holders(part)  # "财政部门" with no scope: the units holding the role
            if found is None:
                unresolved.append(part)
            else:
                terms.extend(found)
        return tuple(terms), tuple(unresolved)

    def _joined(self, parts: list[str]) -> list[str]:
        """ "各旗、县、区人民政府" lists the letters of one name: the run of one-character parts is
        joined with the part after it when, and only when, the whole is a name the ledger knows
        (tried only where the whole is short enough to be one: linear in the run)."""
        out: list[str] = []
        i = 0
        end = 0  # where the run of one-character parts that `i` is in ends
        while i < len(parts):
            end = max(end, i)
            while end < len(parts) and len(parts[end].removeprefix("各")) == 1:
                end += 1
            j = end
            if j > i and j < len(parts) and (j - i) * 2 + len(parts[j]) <= self.longest_name:
                whole = "".join(parts[i : j + 1])
                if self.scope_of(whole) is not None or self.exact(whole) is not None:
                    out.append(whole)
                    i = j + 1
                    continue
            out.append(parts[i])
            i += 1
        return out

    def split(self, text: str) -> list[str]:
        """Parts of a list: split at separators and conjunctions outside the protected words."""
        covered = bytearray(len(text))
        depth = 0
        for position, char in enumerate(text):  # "各县(市、区)人民政府": a list in brackets is one name
            depth += char == "("
            if depth:
                covered[position] = 1
            depth -= char == ")" and depth > 0
        for word in self.protected:
            start = text.find(word)
            while start >= 0:
                covered[start : start + len(word)] = b"\x01" * len(word)
                start = text.find(word, start + len(word))
        parts: list[str] = []
        begin = index = 0
        for candidate in _SPLIT_CANDIDATES.finditer(text):  # only where a split can be
            index = candidate.start()
            if index < begin or covered[index]:
                continue
            width = 0
            if text[index] in _SEPARATORS:
                width = 1
            else:
                for conjunction in _CONJUNCTIONS:
                    if text.startswith(conjunction, index) and _joins(text, index):
                        width = len(conjunction)
                        break
            if width:
                parts.append(text[begin:index])
                begin = index + width
        parts.append(text[begin:])
        return parts

    # -- parts ----------------------------------------------------------------------------------

    def also_named(self, part: str) -> tuple[Term, ...] | None:
        """ "省编办（省审改办）", "区政府办(区政务公开办)": a name with another name of it (or of an
        office it houses) in brackets. Both must resolve; a bracket that does not is kept
        verbatim, as any part nothing resolves is."""
        match = _OTHER_NAME.match(part)
        if match is None:
            return None
        name, other = self.exact(match["name"]), self.exact(match["other"])
        if name is None or other is None:
            return None
        return tuple(dict.fromkeys((*name, *other)))

    def exact(self, part: str) -> tuple[Term, ...] | None:
        """A part that names something by itself: a word, a group, a unit, 各X or X人民政府."""
        if part not in self._exact:
            if len(self._exact) >= _MEMO_SIZE:
                self._exact.clear()
            self._exact[part] = self._exact_part(part)
        return self._exact[part]

    def _exact_part(self, part: str) -> tuple[Term, ...] | None:
        meaning = self.words.get(part)
        if meaning is not None:
            return meaning.terms
        if part in self.groups:
            return (Term(group=(self.groups[part],)),)
        unit = self.unit(part)
        if unit is not None:
            return (Term(unit=(unit,)),)
        whole = part[1:] if part.startswith("各") else part
        if whole.startswith("类"):
            whole = whole[1:]
        for suffix in (*_SELF[1:], "单位", "部门"):
            body = whole[: -len(suffix)] if whole.endswith(suffix) and whole != suffix else whole
            found = self.collection(body) or self.places_named(body)
            if found is not None:
                return found
        meaning = self.words.get(whole)
        if meaning is not None:
            return meaning.terms
        inner = part.find("各", 1)  # "县直各部门", "市直各单位": 各 inside a collection's name
        if inner > 0:
            joined = part[:inner] + part[inner + 1 :]
            found = self.collection(joined) or self._exact_part(joined)
            if found is None and joined.endswith("单位"):  # 县直各单位: the roster's 县直部门
                found = self.collection(joined[: -len("单位")] + "部门")
            return found
        return None

    def collection(self, name: str) -> tuple[Term, ...] | None:
        """A group or a kind by name; "乡镇(街道)" is the kinds 乡镇 and 街道; "镇(街道)", where the
        roster has no kind 镇, is its towns and its 街道."""
        if name in self.groups:
            return (Term(group=(self.groups[name],)),)
        if name in self.kinds:
            return (Term(kind=(self.kinds[name],)),)
        if "(" not in name and "、" not in name and "," not in name:
            return None  # what follows reads brackets and lists only
        compact = re.sub(r"[()、,]", "", name)  # "县(市、区)" is the kind 县市区
        if compact != name and (compact in self.groups or compact in self.kinds):
            return self.collection(compact)
        match = re.fullmatch(r"([^()]+)\(([^()]+)\)", name)
        if match and match.group(1) in self.kinds and match.group(2) in self.kinds:
            return (Term(kind=(self.kinds[match.group(1)], self.kinds[match.group(2)])),)
        if match and match.group(1) in self.kinds and not self._names_anything(match.group(2)):
            return (Term(kind=(self.kinds[match.group(1)],)),)  # 乡镇(街道) where the roster has no 街道
        if match:  # 镇(街道), 镇(办): each word a collection of its own
            first = self.collection(match.group(1)) or self.places_named(match.group(1))
            second = self.collection(match.group(2)) or self.places_named(match.group(2))
            if first is not None and second is not None:
                return _merged((*first, *second))
        return None

    def places_named(self, word: str) -> tuple[Term, ...] | None:
        """The 乡, 镇, 街道 or 苏木 of the roster when it has no kind or group by that word (its kind
        is 乡镇, say): the units whose name or full name ends with it (甲镇, 某县甲镇人民政府), by
        name. 办 in "镇(办)" is the 街道办事处."""
        endings = _PLACE_WORDS.get(word)
        if endings is None:
            return None
        found = tuple(
            unit.name
            for unit in self.index.by_name.values()
            if any(text.removesuffix("人民政府").endswith(endings) for text in (unit.name, unit.full_name))
        )
        return (Term(unit=found),) if found else None

    def _names_anything(self, word: str) -> bool:
        """Whether the roster has a kind, group or unit that `word` (街道) could mean: then a
        phrase naming it cannot be read without it."""
        return any(word in name for name in (*self.kinds, *self.groups, *self.names))

    def unit(self, name: str) -> str | None:
        """The canonical name of the unit a name means, with or without its level or city prefix
        (市财政局, 呼和浩特市财政局) or 人民政府 / 管委会 after it."""
        for candidate in self._unit_spellings(name):
            canonical = self.names.get(candidate)
            if canonical is not None:
                return canonical
        return None

    def prefixed_unit(self, part: str) -> bool:
        """Whether a part names a unit with its level or city prefix (市财政局): a unit, never a role."""
        return part.startswith(tuple(self.place_prefixes)) and self.unit(part) is not None

    def _unit_spellings(self, name: str) -> Iterator[str]:
        """The name, then without its place prefix (呼和浩特市财政局), each also without 人民政府 or
        管委会 after it (某某市高新区管委会 → 高新区)."""
        bases = [name]
        bases += [name[len(prefix) :] for prefix in self.place_prefixes if name.startswith(prefix)]
        for base in bases:
            if not base:
                continue
            yield base
            for suffix in ("人民政府", "政府", "管理委员会", "管委会"):
                if base.endswith(suffix) and len(base) > len(suffix):
                    yield base[: -len(suffix)]

    def scope_of(self, part: str) -> tuple[_Scope, str] | None:
        """A leading scope (旗县区级以上…, 各县市区…, 旗县区…) and the rest of the part."""
        if part not in self._scopes:
            if len(self._scopes) >= _MEMO_SIZE:
                self._scopes.clear()
            self._scopes[part] = self._scope_of_part(part)
        return self._scopes[part]

    def _scope_of_part(self, part: str) -> tuple[_Scope, str] | None:
        if self.unit(part) is not None or part in self.words or part in self.role_words:
            return None  # a unit's own name (市政府办公室) is not a scope with a body
        text = part[1:] if part.startswith("各") else part
        best: tuple[_Scope, str] | None = None
        start = text[: self.longest_head]
        if "(" in start or "、" in start or "," in start:
            lengths: Iterable[int] = range(min(len(text), self.longest_head), 0, -1)
        else:  # without brackets or a list, a head is a name of exactly one of these lengths
            lengths = (n for n in self.head_lengths if 0 < n <= len(text))
        for length in lengths:
            head = text[:length]
            scope = self._scope(head)
            if scope is None and head.endswith(("级以上", "级及以上")):
                stem = head[: -len("级以上")] if head.endswith("级以上") else head[: -len("级及以上")]
                scope = self._scope_and_above(stem)
            if scope is not None:
                best = (scope, text[length:])
                break
        return best

    def _scope(self, name: str) -> _Scope | None:
        terms = self.collection(name)
        if terms is None:
            return None
        units = self.index.select(Selector(terms))
        return _Scope(terms, frozenset(u.kind for u in units))

    def _scope_and_above(self, name: str) -> _Scope | None:
        """ "X级以上" where X is a kind or group but "X级以上" is not a group: X's units and every
        unit above them."""
        terms = self.collection(name)
        if terms is None and f"{name}级" in self.index.levels:
            terms = (Term(level=(f"{name}级",)),)  # 县级以上: the units of level 县级, and above
        if terms is None:
            return None
        units = self.index.select(Selector(terms))
        above: dict[str, None] = {}
        for unit in units:
            parent = unit.parent
            seen: set[str] = set()
            while parent is not None and parent not in seen:
                seen.add(parent)
                canonical = self.index.names.get(parent)
                if canonical is None:
                    break
                above[canonical] = None
                parent = self.index.by_name[canonical].parent
        ancestors = tuple(sorted(above, key=self.index.order.__getitem__))
        return _Scope(
            ((Term(unit=ancestors),) if ancestors else ()) + terms,
            frozenset(u.kind for u in units),
        )

    def in_scope(self, scope: _Scope, body: str) -> tuple[Term, ...] | None:
        """The body of a scoped part: the scope itself, with its departments, or a role in it."""
        if body in _SELF:
            return scope.terms
        if body in _WITH_DEPARTMENTS:
            departments = self._departments(scope)
            if departments is None:
                return None
            return tuple(term._replace(with_children=departments) for term in scope.terms)
        role = self.role(body)
        if role is None:
            return None
        return tuple(term._replace(role=(role,)) for term in scope.terms)

    def _departments(self, scope: _Scope) -> Term | None:
        meaning = self.words.get("部门")
        if meaning is not None:
            return meaning.terms[0] if len(meaning.terms) == 1 else None
        kinds = {
            child.kind
            for unit in self.index.select(Selector(scope.terms))
            for child in self.index.children.get(unit.name, ())
            if child.kind not in scope.kinds
        }
        if not kinds:
            return None
        return Term(kind=tuple(sorted(kinds)))

    def role(self, body: str) -> str | None:
        """The role a body names: a word, a tag, or a unit's name ("发改委部门", "人力资源和社会保障")."""
        for text in _role_spellings(body):
            if text in self.role_words:
                return self.role_words[text]
            if text in self.tags:
                return self.tags[text]
        for text in _role_spellings(body):
            canonical = self.unit(text) or self.stems.get(text)
            if canonical is not None:
                return self._role_of(canonical)
        return None

    def holders(self, body: str) -> tuple[Term, ...] | None:
        """The units holding the role a body names, where no scope says whose departments."""
        role = self.role(body)
        if role is None:
            return None
        return (Term(tag=(role,)) if role in self.index.tags else Term(unit=(role,)),)

    def _role_of(self, canonical: str) -> str:
        """A unit as a role: its tag that is the stem of one of its names (发改委 → 发改), else its
        name, which a role also matches."""
        unit = self.index.by_name[canonical]
        stems = set(_stems(unit.name, *unit.aliases))
        for tag in unit.tags:
            if plain(tag) in stems:
                return tag
        return canonical


def _role_word(meaning: Selector) -> str | None:
    """The role a word of units.yaml names (`政务公开工作主管部门: 政务公开主管`), or None."""
    if len(meaning.terms) != 1:
        return None
    term = meaning.terms[0]
    bare = not (term.unit or term.kind or term.level or term.tag or term.group or term.with_children)
    return term.role[0] if bare and len(term.role) == 1 else None


def _role_spellings(body: str) -> Iterator[str]:
    """ "有关政策制定部门" → itself, 政策制定部门, 政策制定."""
    seen: set[str] = set()
    texts = [body]
    for vague in _VAGUE:
        if body.startswith(vague):
            texts.append(body[len(vague) :])
    for text in list(texts):
        for generic in _GENERIC:
            if text.endswith(generic) and len(text) > len(generic):
                texts.append(text[: -len(generic)])
    for text in texts:
        if text and text not in seen:
            seen.add(text)
            yield text


def _stems(*names: str) -> Iterator[str]:
    """A unit's names without their closing word: 人力资源和社会保障局 → 人力资源和社会保障."""
    for name in names:
        name = plain(name)
        for suffix in _NAME_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                yield name[: -len(suffix)]
                break


def _joins(text: str, index: int) -> bool:
    """Whether the conjunction at `index` joins two parts: not 及其 (and its), 涉及 or 普及
    (involve, spread), 参与 (take part)."""
    after = text[index + 1 : index + 3]
    before = text[index - 1 : index] if index else ""
    if text[index] == "及":
        its = after.startswith("其") and after != "其他"  # 及其他: "and the other"
        return not its and before not in ("涉", "普", "以")
    if text[index] == "与":
        return before != "参"
    return True


def _lead_and_rest(text: str) -> tuple[str, str]:
    """ "A牵头负责…,B配合" → ("A", "B配合"); without 牵头 the whole text is the rest."""
    at = text.find("牵头")
    if at < 0:
        return "", text
    lead, rest = text[:at], text[at + len("牵头") :]
    clause = re.search(r"[,;]", rest)
    rest = rest[clause.end() :] if clause else ""  # "负责数据库建设," belongs to the lead
    return lead, rest


def _clean(part: str) -> str:
    """A part without what surrounds a name: 由…, …负责落实, …配合, a final 等 or 要."""
    if part.startswith("由"):
        part = part[1:]
    verb = _VERBS.search(part)
    if verb is not None and verb.start() > 0:
        part = part[: verb.start()]
    elif verb is not None:
        return ""
    return part.rstrip("等要")


def _merged(terms: Iterable[Term]) -> tuple[Term, ...]:
    """Neighbouring terms that differ only in their units or roles, as one: {unit: [A, B]},
    {group: 旗县区级以上, role: [发改, 财政]}."""
    out: list[Term] = []
    for term in terms:
        if out:
            last = out[-1]
            if _same_but(last, term, "unit") and last.unit and term.unit:
                out[-1] = last._replace(unit=tuple(dict.fromkeys((*last.unit, *term.unit))))
                continue
            if _same_but(last, term, "role") and last.role and term.role:
                out[-1] = last._replace(role=tuple(dict.fromkeys((*last.role, *term.role))))
                continue
            if term == last:
                continue
        out.append(term)
    return tuple(out)


def _same_but(a: Term, b: Term, key: str) -> bool:
    return all(
        getattr(a, other) == getattr(b, other)
        for other in ("unit", "kind", "level", "tag", "group", "role", "with_children")
        if other != key
    )


_LEVELS = frozenset("省市州盟县区旗镇乡")  # what a place's level is written with: 某县, 某市
