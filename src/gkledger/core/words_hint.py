"""What to add to units.yaml for an owners part no rule resolves: the line of `words:` that would
read it, from the roster's own names. Pure; a suggestion the import prints, never applied by itself.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from gkledger.core.owners import plain

if TYPE_CHECKING:
    from gkledger.core.owners import Vocabulary

_COLLECTIVE = re.compile(r"^(?:各|所有|全部|有关|相关)|(?:等)?(?:有关|相关)?(?:单位)?$")
_YAML_PLAIN = re.compile(r"^[^\s\d\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*$")


def words_line(vocabulary: Vocabulary, part: str) -> str:
    """The roster's kind or group nearest to `part` in writing (各医疗结构 → 公立医疗机构), else the
    unit nearest to it (省发改委 → 省发展改革委, a short form the roster lacks), else a unit to fill
    in, as a line of `words:`."""
    wanted = _COLLECTIVE.sub("", plain(part)) or plain(part)
    best, score = "", 0.0
    for field, names in (("kind", vocabulary.kinds), ("group", vocabulary.groups)):
        for key, name in names.items():
            ratio = difflib.SequenceMatcher(None, wanted, key).ratio()
            if ratio > score:
                best, score = f"{{{field}: {yaml_scalar(name)}}}", ratio
    if score < 0.5:
        unit = _nearest_unit(vocabulary, plain(part))
        best, score = (f"{{unit: {yaml_scalar(unit)}}}", 1.0) if unit else ("", 0.0)
    return f"{yaml_scalar(part)}: {best if score >= 0.5 else '[{unit: …}]'}"


def _nearest_unit(vocabulary: Vocabulary, wanted: str) -> str | None:
    """The unit whose name is at least 0.7 alike `wanted` in writing, the nearest; names whose
    lengths alone rule that out are not compared (a table of 5,000 odd parts stays fast)."""
    best, score = None, 0.7
    for name in vocabulary.index.by_name:
        matcher = difflib.SequenceMatcher(None, wanted, name)
        if matcher.real_quick_ratio() < score or matcher.quick_ratio() < score:
            continue
        ratio = matcher.ratio()
        if ratio >= score:
            best, score = name, ratio
    return best


def yaml_scalar(text: str) -> str:
    """`text` as a YAML key or value: plain where YAML reads it back as the same text, else quoted."""
    return text if _YAML_PLAIN.match(text) and text.strip() == text else '"' + text.replace('"', '\\"') + '"'
