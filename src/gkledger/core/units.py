"""Unit names and selectors: which units a name or a 责任单位 selector means. Pure.

`UnitIndex` looks units up by canonical name, official full name or alias, suggests close names
for typos, and resolves selectors:

- a term matches the units that pass all of its filters (unit, kind, level, tag, group);
- `role`: each matched unit is replaced by its child units carrying one of the role's tags (or
  named by it: a role may be a unit's name where no tag says it), or stands for itself when it
  lists none — a county stands for its whole jurisdiction until the ledger lists its departments;
- `with_children`: each matched unit comes with its child units matching that term;
- a selector is the union of its terms, in the order units are listed in units.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable

from gkledger.core.model import Selector, Term, Unit


class Members:
    """A set of units as one byte per unit of the ledger (a set of their names would hold a
    string reference and a hash per member)."""

    __slots__ = ("_bits", "_order")

    def __init__(self, order: dict[str, int], names: Iterable[str]) -> None:
        self._order = order
        self._bits = bytearray(len(order))
        for name in names:
            position = order.get(name)
            if position is not None:
                self._bits[position] = 1

    def __contains__(self, name: object) -> bool:
        position = self._order.get(name) if isinstance(name, str) else None
        return position is not None and bool(self._bits[position])


class UnitIndex:
    def __init__(self, units: Iterable[Unit], groups: dict[str, Selector]) -> None:
        self.units: tuple[Unit, ...] = tuple(units)
        self.groups = groups
        self.by_name: dict[str, Unit] = {}
        self.names: dict[str, str] = {}  # every name, full name and alias -> canonical name
        self.order: dict[str, int] = {}
        self.children: dict[str, list[Unit]] = {}
        for position, unit in enumerate(self.units):
            if unit.name in self.by_name:
                continue  # a duplicate; checks report it
            self.by_name[unit.name] = unit
            self.order[unit.name] = position
            for name in (unit.name, unit.full_name, *unit.aliases):
                self.names.setdefault(name, unit.name)
        for unit in self.by_name.values():
            if unit.parent is not None:
                parent = self.names.get(unit.parent, unit.parent)
                self.children.setdefault(parent, []).append(unit)
        self.kinds = frozenset(u.kind for u in self.by_name.values())
        self.levels = frozenset(u.level for u in self.by_name.values())
        self.tags = frozenset(t for u in self.by_name.values() for t in u.tags)
        self.roles = self.tags | frozenset(self.by_name)  # what a `role` may name
        # Keyed by the selector's meaning (its terms, wherever written): a thousand tasks that name
        # the same thirteen owner phrases are resolved thirteen times.
        self._selected: dict[Selector, tuple[Unit, ...]] = {}
        self._groups: dict[str, frozenset[str]] = {}
        self._owner_names: dict[Selector, Members] = {}
        self._known: dict[Selector, Iterable[str]] = {}  # members resolved by an earlier run

    def get(self, name: str) -> Unit | None:
        """The unit a canonical name, full name or alias means."""
        canonical = self.names.get(name.strip())
        return self.by_name[canonical] if canonical is not None else None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Canonical names of the units closest to a name that matched none."""
        import difflib  # only when a name matched nothing

        name = name.strip()
        found: list[str] = []
        if name:
            found.extend(canonical for text, canonical in self.names.items() if name in text or text in name)
        for candidate in difflib.get_close_matches(name, list(self.names), n=limit * 2, cutoff=0.6):
            found.append(self.names[candidate])
        return list(dict.fromkeys(found))[:limit]

    def select(self, selector: Selector) -> tuple[Unit, ...]:
        """The units a selector means, in units.yaml order, each once."""
        cached = self._selected.get(selector)
        if cached is None:
            chosen: dict[str, Unit] = {}
            for term in selector.terms:
                for unit in self._term(term):
                    chosen.setdefault(unit.name, unit)
            cached = tuple(sorted(chosen.values(), key=lambda u: self.order[u.name]))
            self._selected[selector] = cached
        return cached

    def know_members(self, selector: Selector, names: Iterable[str]) -> None:
        """Take a selector's members as already resolved (by an earlier run, from the cache); their
        Members are made when first asked for (a view of one unit asks for none)."""
        self._known[selector] = names

    def members(self, selector: Selector) -> Members:
        """The units a selector means, for fast membership tests by canonical name."""
        found = self._owner_names.get(selector)
        if found is None:
            known = self._known.get(selector)
            names = known if known is not None else (u.name for u in self.select(selector))
            found = Members(self.order, names)
            self._owner_names[selector] = found
        return found

    def _term(self, term: Term) -> list[Unit]:
        if term.unit:  # the units it names, in units.yaml order, rather than every unit of the ledger
            named = {self.names.get(n, n) for n in term.unit}
            units: Iterable[Unit] = sorted(
                (self.by_name[name] for name in named if name in self.by_name),
                key=lambda u: self.order[u.name],
            )
        else:
            units = self.by_name.values()
        matched = self._matching(units, term)
        if term.role:
            roles = set(term.role)
            replaced: list[Unit] = []
            for unit in matched:
                holders = [
                    c
                    for c in self.children.get(unit.name, ())
                    if c.name in roles or roles.intersection(c.tags)
                ]
                replaced.extend(holders or [unit])
            matched = replaced
        if term.with_children is not None:
            inner = term.with_children
            extended: list[Unit] = []
            for unit in matched:
                extended.append(unit)
                extended.extend(self._matching(self.children.get(unit.name, ()), inner))
            matched = extended
        return matched

    def _matching(self, units: Iterable[Unit], term: Term) -> list[Unit]:
        """The units passing every filter of a term, in the order given: each filter is made once
        per term, not once per unit (a province's 60 selectors over 2,000 units)."""
        named = {self.names.get(n, n) for n in term.unit} if term.unit else None
        tags = set(term.tag)
        grouped = (
            frozenset().union(*(self.group_members(name) for name in term.group)) if term.group else None
        )
        return [
            unit
            for unit in units
            if (named is None or unit.name in named)
            and (not term.kind or unit.kind in term.kind)
            and (not term.level or unit.level in term.level)
            and (not tags or not tags.isdisjoint(unit.tags))
            and (grouped is None or unit.name in grouped)
        ]

    def group_members(self, name: str) -> frozenset[str]:
        """Canonical names of a group's units; empty for an unknown group or one in a cycle."""
        members = self._groups.get(name)
        if members is None:
            selector = self.groups.get(name)
            self._groups[name] = frozenset()  # a cycle back to this group finds it empty
            if selector is not None:
                members = frozenset(u.name for term in selector.terms for u in self._term(term))
            else:
                members = frozenset()
            self._groups[name] = members
        return members
