"""GB 18218-2018 危险化学品重大危险源辨识: identification (S) and grading (R) of a unit.

The tables are package data (``data/gb18218.json``): Table 1 (85 named chemicals), Table 2 (hazard classes by symbol),
Table 3 (β of named toxic gases), Table 4 (β by symbol), Table 5 (α by people outside the plant) and Table 6 (grades).

For a Table 1 chemical that Table 3 does not name, the standard says to take β from Table 4 by its hazard class but
does not say which class when there are several. The data records, per chemical, the symbol the platform uses and a
short reason (rule: the highest Table 4 β among its intrinsic classes; on a tie the class with the smaller Table 2
critical quantity; then the earlier symbol of Table 2). A caller may override the symbol for one quantity.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ansheng.domain._data import load
from ansheng.domain._num import Number, as_count, as_exact, dec
from ansheng.domain.errors import DomainError

__all__ = [
    "Assessment",
    "Contribution",
    "HazardSourceError",
    "Quantity",
    "Substance",
    "alpha_for",
    "assess",
    "beta_for_symbol",
    "candidates",
    "category",
    "grade_for",
    "grade_label",
    "is_valid_cas",
    "lookup",
    "normalise_cas",
    "resolve",
    "symbols",
    "table1",
    "table2",
    "table3",
]


class HazardSourceError(DomainError):
    """Bad input to the GB 18218 identification or grading."""


@dataclass(frozen=True)
class Substance:
    """A row of Table 1 (``table == 1``) or a hazard class of Table 2 (``table == 2``)."""

    key: str
    table: int
    no: int | None
    symbol: str | None
    name: str
    description: str
    hazard_class: str | None
    aliases: tuple[str, ...]
    cas: tuple[str, ...]
    critical_tonnes: Fraction
    beta_symbol: str | None
    table3_name: str | None
    beta_reason: str
    extra_names: tuple[str, ...] = ()
    extra_cas: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """The name as the standard prints it, with its description: 硝化纤维素（含乙醇≥25%）, or W5.3 易燃液体."""
        if self.table == 2:
            return f"{self.symbol} {self.hazard_class}"
        return f"{self.name}（{self.description}）" if self.description else self.name

    @property
    def beta(self) -> Fraction:
        """β of §4.3: Table 3 when it names the chemical, else Table 4 by the recorded symbol."""
        if self.table3_name is not None:
            return _tables().table3[self.table3_name]
        if self.beta_symbol is None:
            return _tables().default_beta
        return _tables().table4[self.beta_symbol]

    @property
    def beta_source(self) -> str:
        """``table3``, ``table4`` or ``default`` (no Table 2 class applies; see docs/rules.md)."""
        if self.table3_name is not None:
            return "table3"
        return "table4" if self.beta_symbol is not None else "default"


@dataclass(frozen=True)
class Quantity:
    """The design maximum quantity (§4.2.2) of one substance in a unit, in tonnes.

    ``beta_symbol`` overrides the Table 2 symbol used for β of a Table 1 chemical that Table 3 does not name.
    """

    substance: Substance
    tonnes: Number
    beta_symbol: str | None = None


@dataclass(frozen=True)
class Contribution:
    """One substance's share of S and R."""

    substance: Substance
    tonnes: Fraction
    critical_tonnes: Fraction
    beta: Fraction
    beta_symbol: str | None
    beta_source: str
    ratio: Fraction
    weighted: Fraction


@dataclass(frozen=True)
class Assessment:
    """The result for a unit: S = Σq/Q, whether it is a major hazard source (S ≥ 1), α, R and the grade.

    ``r`` and ``grade`` are ``None`` when the unit is not a major hazard source (grading applies only to those);
    ``weighted_sum`` (Σβq/Q) is given in every case.
    """

    items: tuple[Contribution, ...]
    s: Fraction
    is_major: bool
    people_within_500m: int
    alpha: Fraction
    weighted_sum: Fraction
    r: Fraction | None
    grade: int | None

    @property
    def grade_label(self) -> str | None:
        return None if self.grade is None else grade_label(self.grade)


@dataclass(frozen=True)
class _Tables:
    table1: tuple[Substance, ...]
    table2: tuple[Substance, ...]
    table3: dict[str, Fraction]
    table3_cas: dict[str, str]
    table4: dict[str, Fraction]
    table5: tuple[tuple[int, Fraction, str], ...]
    table6: tuple[tuple[int, str, Fraction | None], ...]
    default_beta: Fraction
    by_name: dict[str, tuple[Substance, ...]]
    by_full_name: dict[str, tuple[Substance, ...]]
    by_cas: dict[str, tuple[Substance, ...]]


_BRACKETS = str.maketrans("", "", "()[]{}【】")
_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_ROW = re.compile(r"^table1:(\d+)$")
_SYMBOL = re.compile(r"^table2:(.+)$")


def _norm(text: str) -> str:
    """NFKC (full-width → half-width), no whitespace, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def normalise_cas(text: str) -> str:
    """A CAS number without spaces and with half-width digits."""
    return _norm(text)


def is_valid_cas(text: str) -> bool:
    """Whether ``text`` is a CAS registry number with a correct check digit (full-width digits tolerated)."""
    match = _CAS.match(_norm(text))
    if match is None:
        return False
    digits = (match.group(1) + match.group(2))[::-1]
    return sum(i * int(d) for i, d in enumerate(digits, start=1)) % 10 == int(match.group(3))


def _index(entries: dict[str, list[Substance]], key: str, substance: Substance) -> None:
    entries.setdefault(key, []).append(substance)


def _unique(entries: dict[str, list[Substance]]) -> dict[str, tuple[Substance, ...]]:
    """Each key's entries once each, in table order (a row may list one name twice, as name and alias)."""
    return {key: tuple(dict.fromkeys(found)) for key, found in entries.items()}


@functools.cache
def _tables() -> _Tables:
    raw: Any = load("gb18218.json")
    table2 = tuple(
        Substance(
            key=f"table2:{row['symbol']}",
            table=2,
            no=None,
            symbol=row["symbol"],
            name=row["class"],
            description=row["description"],
            hazard_class=row["class"],
            aliases=(),
            cas=(),
            critical_tonnes=dec(row["q"]),
            beta_symbol=row["symbol"],
            table3_name=None,
            beta_reason="表2危险性类别",
        )
        for row in raw["table2"]
    )
    table1 = tuple(
        Substance(
            key=f"table1:{row['no']}",
            table=1,
            no=row["no"],
            symbol=None,
            name=row["name"],
            description=row["description"],
            hazard_class=None,
            aliases=tuple(row["aliases"]),
            cas=tuple(row["cas"]),
            critical_tonnes=dec(row["q"]),
            beta_symbol=row["beta"].get("symbol"),
            table3_name=row["beta"].get("table3"),
            beta_reason=row["beta"].get("reason", "表3"),
            extra_names=tuple(row.get("extra_names", ())),
            extra_cas=tuple(row.get("extra_cas", ())),
        )
        for row in raw["table1"]
    )
    by_name: dict[str, list[Substance]] = {}
    by_full: dict[str, list[Substance]] = {}
    by_cas: dict[str, list[Substance]] = {}
    for substance in table1:
        for name in (substance.name, *substance.aliases, *substance.extra_names):
            _index(by_name, _norm(name), substance)
        _index(by_full, _norm(substance.display_name).translate(_BRACKETS), substance)
        for cas in (*substance.cas, *substance.extra_cas):
            _index(by_cas, cas, substance)
    return _Tables(
        table1=table1,
        table2=table2,
        table3={row["name"]: dec(row["beta"]) for row in raw["table3"]},
        table3_cas={row["name"]: row["cas"] for row in raw["table3"]},
        table4={symbol: dec(beta) for symbol, beta in raw["table4"].items()},
        table5=tuple((row["min_people"], dec(row["alpha"]), row["label"]) for row in raw["table5"]),
        table6=tuple(
            (row["grade"], row["label"], None if row["min_r"] is None else dec(row["min_r"])) for row in raw["table6"]
        ),
        default_beta=dec(raw["default_beta_without_class"]),
        by_name=_unique(by_name),
        by_full_name=_unique(by_full),
        by_cas=_unique(by_cas),
    )


def table1() -> tuple[Substance, ...]:
    """The 85 rows of Table 1, in order."""
    return _tables().table1


def table2() -> tuple[Substance, ...]:
    """The hazard classes of Table 2, one per symbol, in the standard's order."""
    return _tables().table2


def table3() -> dict[str, Fraction]:
    """Table 3: β of the named toxic gases, by name."""
    return dict(_tables().table3)


def symbols() -> tuple[str, ...]:
    """The Table 2 / Table 4 symbols in the standard's order (J1 … W11)."""
    return tuple(s.beta_symbol for s in _tables().table2 if s.beta_symbol is not None)


def beta_for_symbol(symbol: str, field: str | None = None) -> Fraction:
    """β of Table 4 for a Table 2 symbol (``W5.3`` → 1; full-width and lower case tolerated)."""
    canonical = _canonical_symbol(symbol)
    if canonical is None:
        raise HazardSourceError(
            "unknown_category",
            field,
            f"未知的危险性类别符号：{symbol}（应为表2的J1～J5、W1.1～W11）",
            f"unknown hazard category symbol: {symbol!r} (expected a Table 2 symbol J1–J5, W1.1–W11)",
        )
    return _tables().table4[canonical]


def _canonical_symbol(symbol: object) -> str | None:
    if not isinstance(symbol, str):
        return None
    wanted = _norm(symbol).upper()
    return wanted if wanted in _tables().table4 else None


def alpha_for(people_within_500m: int, field: str | None = "people_within_500m") -> Fraction:
    """α of Table 5 from the permanent residents within 500 m outside the plant (0 → 0.5, …, 100 or more → 2.0).

    "100人以上" includes 100 (以上含本数); the bands are 0 / 1–29 / 30–49 / 50–99 / ≥100.
    """
    people = as_count(people_within_500m, field, HazardSourceError)
    # Table 5 is stored from the highest band down; the first band whose minimum is reached applies.
    return next(alpha for minimum, alpha, _label in _tables().table5 if people >= minimum)


def grade_for(r: Number) -> int:
    """The grade of Table 6 for R: 1 (R ≥ 100), 2 (50 ≤ R < 100), 3 (10 ≤ R < 50), 4 (R < 10)."""
    value = as_exact(r, "r", HazardSourceError)
    return next(grade for grade, _label, minimum in _tables().table6 if minimum is None or value >= minimum)


def grade_label(grade: int) -> str:
    """一级 … 四级."""
    for number, label, _minimum in _tables().table6:
        if number == grade:
            return label
    raise HazardSourceError("unknown_grade", None, f"未知的重大危险源级别：{grade}", f"unknown grade: {grade}")


def _table2_entry(symbol: str) -> Substance | None:
    canonical = _canonical_symbol(symbol)
    return next((s for s in _tables().table2 if s.symbol == canonical), None)


def candidates(query: str) -> tuple[Substance, ...]:
    """Every entry a query may mean, without raising for ambiguity (for search boxes).

    A query is a CAS number, a name or alias of Table 1 (with or without its description), ``table1:<no>``,
    a Table 2 symbol (``W5.3``) or ``table2:<symbol>``. Full-width characters and whitespace are normalised.
    """
    tables = _tables()
    text = _norm(query)
    row = _ROW.match(text)
    if row is not None:
        number = int(row.group(1))
        return tuple(s for s in tables.table1 if s.no == number)
    symbol = _SYMBOL.match(text)
    entry = _table2_entry(symbol.group(1) if symbol is not None else text)
    if entry is not None:
        return (entry,)
    if _CAS.match(text) is not None:
        return tables.by_cas.get(text, ())
    found = tables.by_name.get(text)
    if found is not None:
        return found
    return tables.by_full_name.get(text.translate(_BRACKETS), ())


def lookup(query: str | None = None, *, no: int | None = None, field: str | None = None) -> Substance:
    """The one Table 1 row or Table 2 class a query means.

    ``no`` selects a Table 1 row by number, alone or among several rows a query matches (CAS 9004-70-0 matches
    rows 37–42, 硝化棉 rows 37–41, 硝酸铵 and 6484-52-2 rows 43–44).
    """
    _check_no(no, field)
    if query is None:
        if no is None:
            raise HazardSourceError(
                "missing_field",
                field,
                "请给出CAS号、名称、表1序号或危险性类别",
                "give a CAS number, name, row or category",
            )
        return _row(no, field)
    if not isinstance(query, str):
        raise HazardSourceError("wrong_type", field, "查询应为文本", "a substance query must be a string")
    _check_cas_digit(query, field)
    found = candidates(query)
    if not found:
        raise _unknown(query, field)
    return _select(found, query, no, field)


def resolve(*, cas: str | None = None, name: str | None = None, no: int | None = None, prefix: str = "") -> Substance:
    """The one Table 1 row meant by a CAS number, a name and/or a row number, which must agree.

    Error fields are ``<prefix>cas``, ``<prefix>name`` or ``<prefix>no`` (e.g. ``prefix="substances[0]."``).
    """
    _check_no(no, f"{prefix}no")
    pools: list[tuple[str, tuple[Substance, ...]]] = []
    if cas is not None:
        pools.append((cas, _cas_pool(cas, f"{prefix}cas")))
    if name is not None:
        pools.append((name, _name_pool(name, f"{prefix}name")))
    if not pools:
        return lookup(no=no, field=f"{prefix}no")
    found = tuple(s for s in pools[0][1] if all(s in pool for _query, pool in pools[1:]))
    if not found:
        raise HazardSourceError(
            "conflicting_fields",
            f"{prefix}name",
            f"CAS号“{cas}”与名称“{name}”不是表1的同一行",
            f"CAS {cas!r} and name {name!r} are not the same Table 1 row",
        )
    label = "、".join(query for query, _pool in pools)
    return _select(found, label, no, f"{prefix}no" if no is not None else f"{prefix}{'cas' if cas else 'name'}")


def _check_no(no: object, field: str | None) -> None:
    if no is not None and (isinstance(no, bool) or not isinstance(no, int)):
        raise HazardSourceError("wrong_type", field, "表1序号应为整数", "a Table 1 row number must be an integer")


def _check_cas_digit(query: str, field: str | None) -> None:
    if _CAS.match(_norm(query)) is not None and not is_valid_cas(query):
        raise HazardSourceError(
            "invalid_cas", field, f"CAS号校验位错误：{query}", f"not a valid CAS number (check digit): {query!r}"
        )


def _unknown(query: str, field: str | None) -> HazardSourceError:
    return HazardSourceError(
        "unknown_substance",
        field,
        f"GB 18218-2018表1中没有“{query}”；不在表1的物质请按表2给出危险性类别（如W5.3）",
        f"{query!r} is not in Table 1 of GB 18218-2018; for other substances give the Table 2 category (e.g. W5.3)",
    )


def _cas_pool(cas: object, field: str) -> tuple[Substance, ...]:
    if not isinstance(cas, str):
        raise HazardSourceError("wrong_type", field, "CAS号应为文本", "a CAS number must be a string")
    if _CAS.match(_norm(cas)) is None:
        raise HazardSourceError("invalid_cas", field, f"不是CAS号：{cas}", f"not a CAS number: {cas!r}")
    _check_cas_digit(cas, field)
    found = _tables().by_cas.get(_norm(cas), ())
    if not found:
        raise _unknown(cas, field)
    return found


def _name_pool(name: object, field: str) -> tuple[Substance, ...]:
    if not isinstance(name, str):
        raise HazardSourceError("wrong_type", field, "名称应为文本", "a name must be a string")
    found = tuple(s for s in candidates(name) if s.table == 1)
    if not found:
        raise _unknown(name, field)
    return found


def _select(found: tuple[Substance, ...], query: str, no: int | None, field: str | None) -> Substance:
    if no is not None:
        chosen = [s for s in found if s.no == no]
        if not chosen:
            rows = "、".join(str(s.no) for s in found if s.no is not None) or "—"
            raise HazardSourceError(
                "row_mismatch",
                field,
                f"“{query}”对应表1第{rows}行，不含第{no}行",
                f"{query!r} matches Table 1 rows {rows}, not row {no}",
            )
        return chosen[0]
    if len(found) > 1:
        rows = "、".join(str(s.no) for s in found)
        raise HazardSourceError(
            "ambiguous_substance",
            field,
            f"“{query}”对应表1中多行（第{rows}行），说明和临界量各不相同；请用序号（如table1:{found[0].no}）指定",
            f"{query!r} matches several Table 1 rows ({rows}), each with its own description and critical quantity; "
            f"choose one by its number (e.g. table1:{found[0].no})",
        )
    return found[0]


def category(symbol: str, field: str | None = None) -> Substance:
    """The Table 2 class of a hazard symbol (``W5.3``), for a substance not in Table 1 (§4.1.2 b)."""
    entry = _table2_entry(symbol) if isinstance(symbol, str) else None
    if entry is None:
        raise HazardSourceError(
            "unknown_category",
            field,
            f"未知的危险性类别符号：{symbol}（应为表2的J1～J5、W1.1～W11）",
            f"unknown hazard category symbol: {symbol!r} (expected a Table 2 symbol J1–J5, W1.1–W11)",
        )
    return entry


def _row(no: int, field: str | None) -> Substance:
    for substance in _tables().table1:
        if substance.no == no:
            return substance
    raise HazardSourceError("unknown_row", field, f"表1没有第{no}行（1～85）", f"Table 1 has no row {no} (1–85)")


def _contribution(quantity: Quantity, index: int) -> Contribution:
    prefix = f"substances[{index}]"
    if not isinstance(quantity, Quantity):
        raise HazardSourceError("wrong_type", prefix, "应为Quantity", "must be a Quantity")
    substance = quantity.substance
    tonnes = as_exact(quantity.tonnes, f"{prefix}.tonnes", HazardSourceError, negative_code="negative_quantity")
    beta, symbol, source = substance.beta, substance.beta_symbol, substance.beta_source
    if quantity.beta_symbol is not None:
        override = _canonical_symbol(quantity.beta_symbol)
        beta = beta_for_symbol(quantity.beta_symbol, f"{prefix}.category")
        if substance.table3_name is not None:
            # §4.3: β of a gas named in Table 3 is fixed by Table 3; a Table 4 symbol cannot replace it.
            raise HazardSourceError(
                "override_not_allowed",
                f"{prefix}.category",
                f"{substance.display_name}的β由表3确定（{substance.beta}），不能按类别改写",
                f"β of {substance.display_name} is fixed by Table 3 ({substance.beta}) and cannot be overridden",
            )
        if substance.table == 2 and override != substance.symbol:
            raise HazardSourceError(
                "override_not_allowed",
                f"{prefix}.category",
                "按表2类别辨识的物质，其β随类别确定，不能另行指定",
                "a Table 2 category fixes its own β; give the category you mean instead",
            )
        symbol, source = override, "override" if substance.table == 1 else "table4"
    ratio = tonnes / substance.critical_tonnes
    return Contribution(
        substance=substance,
        tonnes=tonnes,
        critical_tonnes=substance.critical_tonnes,
        beta=beta,
        beta_symbol=symbol,
        beta_source=source,
        ratio=ratio,
        weighted=beta * ratio,
    )


def assess(substances: Sequence[Quantity], people_within_500m: int) -> Assessment:
    """Identify and grade a unit (§4.2, §4.3).

    S = Σ qᵢ/Qᵢ and the unit is a major hazard source when S ≥ 1 (§4.2.1; a single chemical is the case n = 1).
    R = α · Σ βᵢ·qᵢ/Qᵢ (§4.3) with α from Table 5 and β from Table 3 or Table 4; grade from Table 6.
    """
    if isinstance(substances, str | bytes) or not isinstance(substances, Sequence):
        raise HazardSourceError("wrong_type", "substances", "substances应为列表", "substances must be a list")
    alpha = alpha_for(people_within_500m)
    items = tuple(_contribution(quantity, i) for i, quantity in enumerate(substances))
    s = sum((item.ratio for item in items), Fraction(0))
    weighted_sum = sum((item.weighted for item in items), Fraction(0))
    is_major = s >= 1  # §4.2.1: S ≥ 1 is a major hazard source
    r = alpha * weighted_sum if is_major else None
    return Assessment(
        items=items,
        s=s,
        is_major=is_major,
        people_within_500m=people_within_500m,
        alpha=alpha,
        weighted_sum=weighted_sum,
        r=r,
        grade=None if r is None else grade_for(r),
    )
