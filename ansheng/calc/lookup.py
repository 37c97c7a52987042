"""Search GB 18218-2018 Table 1 and Table 2 as a person types: by name, alias, CAS number, row or hazard symbol.

The rules library resolves an exact query (``gb18218.lookup``); this module finds the entries a partial one may mean,
best first, for suggestion lists and the look-up API. It computes nothing from the tables: each entry carries the
standard's own Q and β from the library.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ansheng.domain import gb18218
from ansheng.domain.gb18218 import Substance

__all__ = ["entry_json", "search"]

EXACT, PREFIX, CONTAINS, IN_DESCRIPTION = range(4)


def _norm(text: str) -> str:
    """Full-width to half-width (NFKC), no whitespace, lower case: how people type names and CAS numbers."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


@dataclass(frozen=True)
class _Entry:
    substance: Substance
    order: int
    keys: tuple[str, ...]
    description: str


@functools.cache
def _entries() -> tuple[_Entry, ...]:
    entries: list[_Entry] = []
    for order, substance in enumerate((*gb18218.table1(), *gb18218.table2())):
        if substance.table == 1:
            keys = (
                substance.name,
                substance.display_name,
                *substance.aliases,
                *substance.extra_names,
                *substance.cas,
                *substance.extra_cas,
                f"table1:{substance.no}",
            )
        else:
            keys = (str(substance.symbol), f"table2:{substance.symbol}", str(substance.hazard_class))
        entries.append(_Entry(substance, order, tuple(_norm(k) for k in keys), _norm(substance.description)))
    return tuple(entries)


def _rank(entry: _Entry, query: str) -> int | None:
    if not query or query in entry.keys:
        return EXACT
    if any(key.startswith(query) for key in entry.keys):
        return PREFIX
    if any(query in key for key in entry.keys):
        return CONTAINS
    if query in entry.description:
        return IN_DESCRIPTION
    return None


def search(query: str) -> list[Substance]:
    """Every Table 1 row and Table 2 class ``query`` may mean: exact matches of a name, alias, CAS number, symbol or
    ``table1:<no>`` first, then prefixes, then substrings, then matches in the description; each group in the
    standard's order (Table 1 before Table 2). An empty query lists both tables in order."""
    wanted = _norm(query)
    ranked = [
        (rank, entry.order, entry.substance) for entry in _entries() if (rank := _rank(entry, wanted)) is not None
    ]
    return [substance for _rank_, _order, substance in sorted(ranked, key=lambda item: item[:2])]


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def entry_json(substance: Substance) -> dict[str, Any]:
    """An entry as the API and the suggestion list show it; ``input`` is what to send to the gb18218 calculator."""
    table1 = substance.table == 1
    return {
        "key": substance.key,
        "table": substance.table,
        "no": substance.no,
        "symbol": substance.symbol,
        "name": substance.name,
        "display_name": substance.display_name,
        "description": substance.description,
        "aliases": list(substance.aliases),
        "cas": list(substance.cas),
        "critical_tonnes": _number(substance.critical_tonnes),
        "beta": _number(substance.beta),
        "beta_source": substance.beta_source,
        "beta_symbol": substance.beta_symbol,
        "beta_reason": substance.beta_reason,
        "input": {"no": substance.no} if table1 else {"category": substance.symbol},
    }
