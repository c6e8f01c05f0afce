"""Unit names and selectors."""

from __future__ import annotations

from pathlib import Path

from gkledger.core.model import Selector, Term, Unit
from gkledger.core.units import UnitIndex
from gkledger.store.load import load

from .conftest import DATA


def unit(
    name: str,
    kind: str = "委办局",
    parent: str | None = "市政府",
    tags: tuple[str, ...] = (),
    level: str = "市级",
    aliases: tuple[str, ...] = (),
) -> Unit:
    from gkledger.core.model import Source

    return Unit(name, f"某市{name}", aliases, kind, level, parent, tags, None, None, Source("u.yaml"))


def index_of(*units: Unit, groups: dict[str, Selector] | None = None) -> UnitIndex:
    return UnitIndex(units, groups or {})


CITY = unit("市政府", kind="政府", parent=None)
FIN = unit("财政局", tags=("财政",), aliases=("市财政局",))
COUNTY = unit("甲县", kind="旗县区", level="县级")
COUNTY_FIN = unit("甲县财政局", parent="甲县", level="县级", tags=("财政",))
COUNTY_EDU = unit("甲县教育局", parent="甲县", level="县级")


def names(units: tuple[Unit, ...]) -> list[str]:
    return [u.name for u in units]


def test_lookup_by_name_full_name_and_alias() -> None:
    index = index_of(CITY, FIN)
    assert index.get("财政局") is FIN
    assert index.get("某市财政局") is FIN
    assert index.get("市财政局") is FIN
    assert index.get(" 财政局 ") is FIN
    assert index.get("教育局") is None


def test_suggestions_put_containing_names_first() -> None:
    index = index_of(CITY, FIN, COUNTY)
    assert index.suggest("财政")[0] == "财政局"
    assert index.suggest("完全无关的名字") == []


def test_role_resolves_to_the_county_itself_until_it_lists_departments() -> None:
    groups = {"县级以上": Selector((Term(unit=("市政府",)), Term(kind=("旗县区",))))}
    selector = Selector((Term(group=("县级以上",), role=("财政",)),))
    assert names(index_of(CITY, FIN, COUNTY, groups=groups).select(selector)) == ["财政局", "甲县"]
    with_departments = index_of(CITY, FIN, COUNTY, COUNTY_FIN, COUNTY_EDU, groups=groups)
    assert names(with_departments.select(selector)) == ["财政局", "甲县财政局"]


def test_with_children_adds_matching_child_units() -> None:
    selector = Selector((Term(kind=("旗县区",), with_children=Term(kind=("委办局",))),))
    index = index_of(CITY, FIN, COUNTY, COUNTY_FIN, COUNTY_EDU)
    assert names(index.select(selector)) == ["甲县", "甲县财政局", "甲县教育局"]


def test_filters_in_one_term_all_apply_and_terms_unite() -> None:
    index = index_of(CITY, FIN, COUNTY, COUNTY_FIN)
    both = Selector((Term(tag=("财政",), level=("县级",)),))
    assert names(index.select(both)) == ["甲县财政局"]
    union = Selector((Term(unit=("市财政局",)), Term(kind=("政府",))))
    assert names(index.select(union)) == ["市政府", "财政局"]  # in units.yaml order, each once


def test_cyclic_groups_resolve_to_nothing_instead_of_looping() -> None:
    groups = {"a": Selector((Term(group=("b",)),)), "b": Selector((Term(group=("a",)),))}
    index = index_of(CITY, groups=groups)
    assert index.select(Selector((Term(group=("a",)),))) == ()


def test_every_shipped_name_and_alias_means_one_unit() -> None:
    ledger = load(DATA).ledger
    seen: dict[str, str] = {}
    for u in ledger.units:
        for name in {u.name, u.full_name, *u.aliases}:
            assert seen.setdefault(name, u.name) == u.name, name
    assert len(ledger.units) == 2 + 9 + 35 + 3 + 1


def test_helin_county_and_helinger_new_area_are_different_units(tmp_path: Path) -> None:
    index = UnitIndex(load(DATA).ledger.units, {})
    county, zone = index.get("和林格尔县"), index.get("和林格尔新区")
    assert county is not None and zone is not None
    assert (county.name, zone.name) == ("和林县", "和林格尔新区")


def test_terms_and_selectors_are_equal_by_meaning_wherever_written() -> None:
    """Where a term or selector was written is kept for diagnostics, and left out of equality
    and hashing (as == and != and a set agree), but not what it means, nested terms included."""
    from gkledger.core.model import Source

    here, there = Source("tasks.yaml", 3, 5), Source("units.yaml", 9, 1)
    inner = Term(kind=("委办局",))
    a = Term(unit=("回民区",), role=("部门",), with_children=inner, source=here)
    b = Term(unit=("回民区",), role=("部门",), with_children=inner._replace(source=there), source=there)
    assert a == b and (a != b) is False and hash(a) == hash(b) and len({a, b}) == 1
    assert a != a._replace(role=("学校",)) and a != a._replace(with_children=Term(kind=("乡镇",)))
    assert a != tuple(a)  # a term is not a plain tuple of the same values
    s, t = Selector((a,), here), Selector((b,), there)
    assert s == t and (s != t) is False and hash(s) == hash(t) and len({s, t}) == 1
    assert s != Selector((a, Term(unit=("新城区",))), here) and s.source == here


def literally(units: list[Unit], index: UnitIndex, term: Term, group: frozenset[str]) -> list[str]:
    """The units a term means, by its rule read one unit and one filter at a time (`group` holds
    the members of the one group there is, "g")."""
    return [
        u.name
        for u in units
        if (not term.unit or u.name in {index.names.get(n, n) for n in term.unit})
        and (not term.kind or u.kind in term.kind)
        and (not term.level or u.level in term.level)
        and (not term.tag or bool(set(term.tag) & set(u.tags)))
        and (not term.group or ("g" in term.group and u.name in group))
    ]


def test_a_term_means_the_units_passing_every_filter_in_units_yaml_order() -> None:
    """Each filter of a term is worked out once and applied to every unit (a named unit's only to
    itself): checked against the rule read literally, on random rosters, groups and terms."""
    import random

    rng = random.Random(18)
    kinds, levels, tags = ["委办局", "政府", "乡镇"], ["市级", "县级"], ["发改", "教育", "卫生"]

    def pick(options: list[str]) -> tuple[str, ...]:
        return tuple(rng.sample(options, rng.randint(0, min(2, len(options)))))

    for _ in range(200):
        units = [
            unit(f"u{i}", rng.choice(kinds), None, pick(tags), rng.choice(levels))
            for i in range(rng.randint(1, 12))
        ]
        units[0] = units[0]._replace(aliases=("第一",))
        named = [u.name for u in units]
        group = Selector((Term(unit=pick(named)), Term(kind=pick(kinds))))
        index = index_of(*units, groups={"g": group})
        members = frozenset(name for t in group.terms for name in literally(units, index, t, frozenset()))
        term = Term(
            unit=pick([*named, "第一", "无此单位"]),
            kind=pick(kinds),
            level=pick(levels),
            tag=pick(tags),
            group=pick(["g", "无此组"]),
        )
        assert names(index.select(Selector((term,)))) == literally(units, index, term, members)


def test_selectors_of_the_same_meaning_are_resolved_once(monkeypatch: object) -> None:
    """A thousand tasks that write the same owner phrase, each its own Selector object (as each row
    of tasks.yaml is parsed), are resolved once: the memo is keyed by meaning, not by object."""
    from gkledger.core.model import Source

    index = index_of(CITY, FIN, COUNTY, COUNTY_FIN, COUNTY_EDU)
    calls: list[Term] = []
    resolve = index._term

    def counting(term: Term) -> object:
        calls.append(term)
        return resolve(term)

    index._term = counting  # type: ignore[method-assign]
    selectors = [
        Selector((Term(tag=("财政",), source=Source("t.yaml", line)),), Source("t.yaml", line))
        for line in range(1, 1001)
    ]
    assert all(names(index.select(s)) == ["财政局", "甲县财政局"] for s in selectors)
    assert len({id(index.members(s)) for s in selectors}) == 1  # one membership set for them all
    assert len(calls) == 1
