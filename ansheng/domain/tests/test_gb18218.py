"""GB 18218-2018: tables, look-up and the identification and grading of a unit.

Sources are the clauses and tables of the standard as reproduced in the reference (§1); cases are named after them.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ansheng.domain import gb18218
from ansheng.domain.gb18218 import HazardSourceError, Quantity, assess, lookup


def q(query: str, tonnes: object, symbol: str | None = None) -> Quantity:
    return Quantity(lookup(query), tonnes, symbol)  # type: ignore[arg-type]


# ---- the tables --------------------------------------------------------------------------------------------


def test_table1_has_85_numbered_rows_with_valid_cas_numbers() -> None:
    rows = gb18218.table1()
    assert [row.no for row in rows] == list(range(1, 86))
    assert all(row.critical_tonnes > 0 for row in rows)
    # "Every CAS check digit in Table 1 validates" (reference §1, S1 seed header)
    assert all(gb18218.is_valid_cas(cas) for row in rows for cas in (*row.cas, *row.extra_cas))
    # rows without a CAS number in the standard: 13 煤气, 45 硝酸铵肥料, 74 烷基铝
    assert [row.no for row in rows if not row.cas] == [13, 45, 74]


@pytest.mark.parametrize(
    ("no", "name", "tonnes"),
    [
        (1, "氨", "10"),
        (6, "碳酰氯", "0.3"),
        (30, "异氰酸甲酯", "0.75"),
        (31, "叠氮化钡", "0.5"),
        (47, "1,3-丁二烯", "5"),  # reference: "Attention: 1,3-丁二烯 is 5 t"
        (51, "氢", "5"),  # reference: "Attention: 氢 is 5 t"
        (52, "液化石油气", "50"),
        (56, "氧", "200"),  # added in 2018
        (65, "甲醇", "500"),
        (66, "汽油", "200"),
        (82, "硝酸胍", "50"),  # added in 2018
        (44, "硝酸铵", "50"),
        (45, "硝酸铵肥料", "200"),
        (46, "硝酸钾", "1000"),
        (85, "钠", "10"),
    ],
)
def test_table1_critical_quantities(no: int, name: str, tonnes: str) -> None:
    row = lookup(no=no)
    assert row.name == name
    assert row.critical_tonnes == Fraction(Decimal(tonnes))


def test_nitrocellulose_is_split_into_six_rows_with_their_own_quantities() -> None:
    # GB 18218-2018 Table 1 rows 37–42 (reference §1.4 notes)
    assert [lookup(no=n).critical_tonnes for n in range(37, 43)] == [1, 1, 10, 50, 50, 50]


@pytest.mark.parametrize(
    ("name", "beta"),
    [
        # Table 3
        ("一氧化碳", 2),
        ("二氧化硫", 2),
        ("氨", 2),
        ("环氧乙烷", 2),
        ("氯化氢", 3),
        ("溴甲烷", 3),
        ("氯", 4),
        ("硫化氢", 5),
        ("氟化氢", 5),
        ("二氧化氮", 10),
        ("氰化氢", 10),
        ("碳酰氯", 20),
        ("磷化氢", 20),
        ("异氰酸甲酯", 20),
    ],
)
def test_table3_betas(name: str, beta: int) -> None:
    assert gb18218.table3()[name] == beta
    assert lookup(name).beta == beta
    assert lookup(name).beta_source == "table3"


def test_every_table3_gas_is_one_table1_row() -> None:
    linked = sorted(row.table3_name for row in gb18218.table1() if row.table3_name is not None)
    assert linked == sorted(gb18218.table3())
    assert len(gb18218.table3()) == 14


@pytest.mark.parametrize(
    ("symbol", "beta", "critical"),
    [
        # Table 4 (β) and Table 2 (Q)
        ("J1", "4", "5"),
        ("J2", "1", "50"),  # J2 is 1 in the standard (a public copy says 2: wrong, reference §1 warning)
        ("J3", "2", "50"),
        ("J4", "2", "50"),
        ("J5", "1", "500"),
        ("W1.1", "2", "1"),
        ("W1.2", "2", "10"),
        ("W1.3", "2", "50"),
        ("W2", "1.5", "10"),
        ("W3", "1", "150"),
        ("W4", "1", "50"),
        ("W5.1", "1.5", "10"),
        ("W5.2", "1", "50"),
        ("W5.3", "1", "1000"),
        ("W5.4", "1", "5000"),
        ("W6.1", "1.5", "10"),
        ("W6.2", "1", "50"),
        ("W7.1", "1.5", "10"),
        ("W7.2", "1", "50"),
        ("W8", "1", "50"),
        ("W9.1", "1", "50"),
        ("W9.2", "1", "200"),
        ("W10", "1", "200"),
        ("W11", "1", "200"),
    ],
)
def test_table2_and_table4_by_symbol(symbol: str, beta: str, critical: str) -> None:
    assert gb18218.beta_for_symbol(symbol) == Fraction(Decimal(beta))
    entry = gb18218.category(symbol)
    assert entry.table == 2
    assert entry.critical_tonnes == Fraction(Decimal(critical))
    assert entry.beta == Fraction(Decimal(beta))
    assert entry.display_name.startswith(symbol + " ")


def test_symbols_are_in_the_standards_order() -> None:
    assert gb18218.symbols()[:6] == ("J1", "J2", "J3", "J4", "J5", "W1.1")
    assert gb18218.symbols()[-1] == "W11"
    assert len(gb18218.symbols()) == 24 == len(gb18218.table2())


def test_every_table1_row_has_a_documented_beta_basis() -> None:
    for row in gb18218.table1():
        if row.table3_name is None:
            assert row.beta_reason, row.no
            assert row.beta_symbol is None or row.beta_symbol in gb18218.symbols()


@pytest.mark.parametrize(
    ("name", "symbol", "beta"),
    [
        # platform choices, documented per chemical in data/gb18218.json ([U], reference §1.2)
        ("甲醇", "W5.3", 1),  # 易燃液体 类别2
        ("汽油", "W5.3", 1),
        ("乙醚", "W5.1", Fraction(3, 2)),  # 易燃液体 类别1
        ("液化石油气", "W2", Fraction(3, 2)),
        ("氢", "W2", Fraction(3, 2)),
        ("苯乙烯", "W5.4", 1),
        ("2,4,6-三硝基甲苯", "W1.1", 2),
        ("碳化钙", "W11", 1),
        ("二氟化氧", "J1", 4),
    ],
)
def test_beta_symbols_recorded_for_table1_chemicals_outside_table3(name: str, symbol: str, beta: Fraction) -> None:
    row = lookup(name)
    assert (row.beta_symbol, row.beta, row.beta_source) == (symbol, beta, "table4")


def test_a_chemical_with_no_table2_class_takes_the_default_beta() -> None:
    # 三氧化硫 (row 26) is corrosive only; the platform's documented default β is 1
    row = lookup("三氧化硫")
    assert (row.beta_symbol, row.beta, row.beta_source) == (None, Fraction(1), "default")


@pytest.mark.parametrize(
    ("people", "alpha"),
    [
        # Table 5, band edges: 0 / 1–29 / 30–49 / 50–99 / ≥100 (100人以上 includes 100)
        (0, Fraction(1, 2)),
        (1, 1),
        (29, 1),
        (30, Fraction(6, 5)),
        (49, Fraction(6, 5)),
        (50, Fraction(3, 2)),
        (99, Fraction(3, 2)),
        (100, 2),
        (100_000, 2),
    ],
)
def test_table5_alpha(people: int, alpha: Fraction) -> None:
    assert gb18218.alpha_for(people) == alpha


@pytest.mark.parametrize(
    ("r", "grade", "label"),
    [
        # Table 6: R ≥ 100 一级; 50 ≤ R < 100 二级; 10 ≤ R < 50 三级; R < 10 四级
        (1000, 1, "一级"),
        (100, 1, "一级"),
        (Fraction(99999, 1000), 2, "二级"),
        (50, 2, "二级"),
        (Decimal("49.999"), 3, "三级"),
        (10, 3, "三级"),
        (9.999, 4, "四级"),
        (0, 4, "四级"),
    ],
)
def test_table6_grades(r: object, grade: int, label: str) -> None:
    assert gb18218.grade_for(r) == grade  # type: ignore[arg-type]
    assert gb18218.grade_label(grade) == label


def test_unknown_grade_label_is_refused() -> None:
    with pytest.raises(HazardSourceError) as caught:
        gb18218.grade_label(5)
    assert caught.value.code == "unknown_grade"


# ---- look-up ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("7664-41-7", "table1:1"),
        ("氨", "table1:1"),
        ("液氨", "table1:1"),  # alias
        ("光气", "table1:6"),
        ("TDI", "table1:23"),
        ("tdi", "table1:23"),  # Latin case ignored
        ("ＴＤＩ", "table1:23"),  # full-width
        ("７６６４－４１－７", "table1:1"),  # full-width CAS
        (" 甲 醇 ", "table1:65"),  # whitespace
        ("木精", "table1:65"),
        ("甲醛（含量＞90%）", "table1:8"),  # name with description, full-width brackets
        ("甲醛(含量>90%)", "table1:8"),
        ("硝酸铵(含可燃物≤0.2%)", "table1:44"),
        ("硝化纤维素[含乙醇≥25%]", "table1:39"),
        ("一氧化碳", "table1:13"),  # Table 3 gas, covered by row 13 煤气 (CO …)
        ("630-08-0", "table1:13"),
        ("天然气", "table1:49"),
        ("8006-14-2", "table1:49"),
        ("丙烷", "table1:52"),  # row 52 lists 丙烷 and its CAS
        ("74-98-6", "table1:52"),
        ("乙醇汽油", "table1:66"),
        ("3-氯-1,2-环氧丙烷", "table1:21"),
        ("table1:37", "table1:37"),
        ("TABLE1:85", "table1:85"),
        ("W5.3", "table2:W5.3"),
        ("w5.3", "table2:W5.3"),
        ("Ｗ５．３", "table2:W5.3"),
        ("table2:J1", "table2:J1"),
    ],
)
def test_lookup_finds_one_entry(query: str, key: str) -> None:
    assert lookup(query).key == key


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ("9004-70-0", "37、38、39、40、41、42"),  # reference: rows 37–42 share the CAS
        ("硝化棉", "37、38、39、40、41"),  # rows 37–41 share the alias
        ("硝化纤维素", "37、38、39、40、41"),
        ("6484-52-2", "43、44"),  # rows 43–44 share the CAS
        ("硝酸铵", "43、44"),
    ],
)
def test_ambiguous_queries_list_their_rows(query: str, rows: str) -> None:
    with pytest.raises(HazardSourceError) as caught:
        lookup(query, field="name")
    assert caught.value.code == "ambiguous_substance"
    assert caught.value.field == "name"
    assert rows in caught.value.message_zh
    assert rows.replace("、", "、") in caught.value.message_zh
    assert "table1:" in caught.value.message_en
    assert len(gb18218.candidates(query)) == rows.count("、") + 1


def test_a_row_number_selects_among_ambiguous_rows() -> None:
    assert lookup("9004-70-0", no=42).name == "硝化纤维素溶液"
    assert lookup("硝化棉", no=39).critical_tonnes == 10
    assert lookup("6484-52-2", no=43).critical_tonnes == 5
    assert lookup(no=44).critical_tonnes == 50
    with pytest.raises(HazardSourceError) as caught:
        lookup("硝化棉", no=42)
    assert caught.value.code == "row_mismatch"
    assert "37、38、39、40、41" in caught.value.message_zh


def test_a_row_number_for_a_table2_match_is_a_mismatch() -> None:
    with pytest.raises(HazardSourceError) as caught:
        lookup("W5.3", no=3)
    assert caught.value.code == "row_mismatch"
    assert "—" in caught.value.message_zh


@pytest.mark.parametrize(
    ("query", "no", "code"),
    [
        ("7664-41-8", None, "invalid_cas"),  # wrong check digit
        ("124-38-9", None, "unknown_substance"),  # 二氧化碳: a valid CAS, not in Table 1
        ("二氧化碳", None, "unknown_substance"),
        ("W12", None, "unknown_substance"),
        ("table1:86", None, "unknown_substance"),
        (None, 86, "unknown_row"),
        (None, 0, "unknown_row"),
        (None, None, "missing_field"),
        (None, True, "wrong_type"),
        (7664, None, "wrong_type"),
    ],
)
def test_lookup_refusals(query: object, no: object, code: str) -> None:
    with pytest.raises(HazardSourceError) as caught:
        lookup(query, no=no, field="q")  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.field == "q"


def test_resolve_intersects_cas_name_and_row() -> None:
    assert gb18218.resolve(cas="9004-70-0", name="硝化纤维素溶液").no == 42
    assert gb18218.resolve(cas="7664-41-7", name="液氨").no == 1
    assert gb18218.resolve(name="硝化棉", no=40).no == 40
    assert gb18218.resolve(no=65).name == "甲醇"
    assert gb18218.resolve(cas=" 67-56-1 ").no == 65


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"cas": "67-56-1", "name": "乙醇"}, "conflicting_fields", "x.name"),
        ({"cas": 6756, "name": "甲醇"}, "wrong_type", "x.cas"),
        ({"cas": "methanol"}, "invalid_cas", "x.cas"),
        ({"cas": "67-56-2"}, "invalid_cas", "x.cas"),
        ({"cas": "124-38-9"}, "unknown_substance", "x.cas"),
        ({"name": 65}, "wrong_type", "x.name"),
        ({"name": "W5.3"}, "unknown_substance", "x.name"),  # a category is not a name
        ({"cas": "9004-70-0"}, "ambiguous_substance", "x.cas"),
        ({"name": "硝化棉"}, "ambiguous_substance", "x.name"),
        ({"name": "硝化棉", "no": 42}, "row_mismatch", "x.no"),
        ({"no": "37"}, "wrong_type", "x.no"),
        ({}, "missing_field", "x.no"),
    ],
)
def test_resolve_refusals(kwargs: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(HazardSourceError) as caught:
        gb18218.resolve(prefix="x.", **kwargs)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize("symbol", ["W12", "", None, "甲醇"])
def test_unknown_categories_are_refused(symbol: object) -> None:
    with pytest.raises(HazardSourceError) as caught:
        gb18218.category(symbol, "c")  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == ("unknown_category", "c")
    with pytest.raises(HazardSourceError):
        gb18218.beta_for_symbol(symbol, "c")  # type: ignore[arg-type]


def test_cas_validation() -> None:
    assert gb18218.is_valid_cas("7732-18-5")  # water, the usual worked example of the CAS check digit
    assert not gb18218.is_valid_cas("7732-18-4")
    assert not gb18218.is_valid_cas("water")
    assert gb18218.normalise_cas(" ６７-５６-１") == "67-56-1"


# ---- identification and grading -------------------------------------------------------------------------------


def test_single_chemical_at_its_critical_quantity_is_a_major_hazard_source() -> None:
    # §4.2.1: q ≥ Q for a single chemical; S = 1 exactly is major
    result = assess([q("氨", 10)], 0)
    assert result.s == 1 and result.is_major
    assert result.alpha == Fraction(1, 2)
    assert result.r == 1  # α 0.5 × β 2 × 1
    assert result.grade == 4 and result.grade_label == "四级"


def test_just_below_the_critical_quantity_is_not_major_and_has_no_grade() -> None:
    result = assess([q("氨", Decimal("9.999"))], 100)
    assert not result.is_major
    assert result.r is None and result.grade is None and result.grade_label is None
    assert result.weighted_sum == Fraction(9999, 5000)


def test_several_chemicals_add_up() -> None:
    # §4.2.1: S = Σ q/Q; 甲醇 250/500 + 苯 25/50 = 1
    result = assess([q("甲醇", 250), q("苯", 25)], 0)
    assert result.s == 1 and result.is_major
    assert [item.ratio for item in result.items] == [Fraction(1, 2), Fraction(1, 2)]


def test_a_json_float_is_read_as_the_decimal_it_prints() -> None:
    # 光气 Q = 0.3 t: 0.3 (a float) is exactly 3/10, so S = 1 and R = 0.5 × 20 × 1 = 10 → 三级
    result = assess([q("光气", 0.3)], 0)
    assert result.s == 1
    assert result.r == 10 and result.grade == 3


@pytest.mark.parametrize(
    ("people", "tonnes", "r", "grade"),
    [
        # §4.3 with 氯 (β 4, Q 5 t): R = α × 4 × q/5, at the band edges of Table 6
        (100, Fraction(125, 2), 100, 1),  # α 2 × 4 × 12.5 = 100 → 一级
        (99, Fraction(125, 2), 75, 2),
        (1, Fraction(125, 2), 50, 2),  # α 1 → 50 → 二级
        (1, Decimal("62.49"), Fraction(24996, 500), 3),
        (1, Fraction(25, 2), 10, 3),  # 10 → 三级
        (1, 12.4, Fraction(992, 100), 4),  # 9.92 → 四级
        (0, 5, 2, 4),
    ],
)
def test_grading_at_the_band_edges(people: int, tonnes: object, r: Fraction, grade: int) -> None:
    result = assess([q("氯", tonnes)], people)
    assert result.r == r
    assert result.grade == grade


def test_contributions_carry_their_beta_and_source() -> None:
    result = assess([q("氨", 5), q("甲醇", 400), q("W2", 2), q("三氧化硫", 75)], 30)
    ammonia, methanol, gas, trioxide = result.items
    assert (ammonia.beta, ammonia.beta_source, ammonia.beta_symbol) == (Fraction(2), "table3", None)
    assert (methanol.beta, methanol.beta_source, methanol.beta_symbol) == (Fraction(1), "table4", "W5.3")
    assert (gas.beta, gas.beta_source, gas.critical_tonnes) == (Fraction(3, 2), "table4", Fraction(10))
    assert trioxide.beta_source == "default"
    assert result.s == Fraction(1, 2) + Fraction(4, 5) + Fraction(1, 5) + 1
    assert result.r == Fraction(6, 5) * (1 + Fraction(4, 5) + Fraction(3, 10) + 1)


def test_a_caller_may_override_the_beta_symbol_of_a_table1_chemical() -> None:
    # §4.3 / reference [U]: 甲醇 under a W5.1 process condition takes β 1.5; Q stays 500 t (Table 1)
    item = assess([q("甲醇", 500, "W5.1")], 0).items[0]
    assert (item.beta, item.beta_symbol, item.beta_source, item.critical_tonnes) == (
        Fraction(3, 2),
        "W5.1",
        "override",
        Fraction(500),
    )
    item = assess([q("甲醇", 500, "ｗ５．１")], 0).items[0]
    assert item.beta_symbol == "W5.1"


def test_a_table2_category_may_repeat_its_own_symbol() -> None:
    item = assess([q("W5.3", 1000, "w5.3")], 0).items[0]
    assert (item.beta, item.beta_source) == (Fraction(1), "table4")


@pytest.mark.parametrize(
    ("query", "symbol", "code"),
    [
        ("氯", "J1", "override_not_allowed"),  # Table 3 fixes β of 氯
        ("W5.3", "W5.1", "override_not_allowed"),  # a category fixes its own β
        ("甲醇", "W12", "unknown_category"),
    ],
)
def test_override_refusals(query: str, symbol: str, code: str) -> None:
    with pytest.raises(HazardSourceError) as caught:
        assess([q("苯", 1), q(query, 1, symbol)], 0)
    assert (caught.value.code, caught.value.field) == (code, "substances[1].category")


@pytest.mark.parametrize(
    ("tonnes", "code"),
    [
        (-1, "negative_quantity"),
        (-0.001, "negative_quantity"),
        (True, "wrong_type"),
        ("5", "wrong_type"),
        (None, "wrong_type"),
        (float("nan"), "not_finite"),
        (float("inf"), "not_finite"),
        (Decimal("NaN"), "not_finite"),
    ],
)
def test_quantity_refusals_name_their_field(tonnes: object, code: str) -> None:
    with pytest.raises(HazardSourceError) as caught:
        assess([q("苯", 1), q("甲苯", tonnes)], 0)
    assert (caught.value.code, caught.value.field) == (code, "substances[1].tonnes")


def test_exact_types_are_accepted() -> None:
    result = assess([q("苯", Decimal("12.5")), q("苯", Fraction(25, 2)), q("苯", 0)], 0)
    assert result.s == Fraction(1, 2)


@pytest.mark.parametrize(
    ("substances", "people", "code", "field"),
    [
        ("氨", 0, "wrong_type", "substances"),
        (None, 0, "wrong_type", "substances"),
        (["氨"], 0, "wrong_type", "substances[0]"),
        ([], -1, "negative_value", "people_within_500m"),
        ([], 1.0, "wrong_type", "people_within_500m"),
        ([], False, "wrong_type", "people_within_500m"),
    ],
)
def test_assess_refusals(substances: object, people: object, code: str, field: str) -> None:
    with pytest.raises(HazardSourceError) as caught:
        assess(substances, people)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)


def test_an_empty_unit_is_not_major() -> None:
    result = assess([], 10)
    assert result.s == 0 and not result.is_major and result.items == ()
