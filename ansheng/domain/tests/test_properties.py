"""Properties that must hold for all inputs (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ansheng.domain import accidents, codes, coords, diagnosis, fines, gb18218, risk
from ansheng.domain.gb18218 import Quantity

substances = st.sampled_from(gb18218.table1() + gb18218.table2())
tonnes = st.fractions(min_value=0, max_value=100_000, max_denominator=1000)
quantities = st.lists(st.builds(Quantity, substances, tonnes), max_size=8)
people = st.integers(min_value=0, max_value=10_000)


@given(quantities, st.builds(Quantity, substances, tonnes), people)
def test_adding_a_substance_never_lowers_s_or_r(items: list[Quantity], extra: Quantity, residents: int) -> None:
    before = gb18218.assess(items, residents)
    after = gb18218.assess([*items, extra], residents)
    assert after.s >= before.s
    assert after.weighted_sum >= before.weighted_sum
    if before.is_major:
        assert after.is_major
        assert after.r is not None and before.r is not None and after.r >= before.r
        assert after.grade is not None and before.grade is not None and after.grade <= before.grade  # 1 is worst


@given(st.lists(st.builds(Quantity, substances, tonnes), min_size=1, max_size=8), st.data(), people)
def test_adding_tonnes_never_lowers_s_or_r(items: list[Quantity], data: st.DataObject, residents: int) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
    more = data.draw(tonnes)
    grown = list(items)
    grown[index] = Quantity(items[index].substance, Fraction(items[index].tonnes) + more)
    before, after = gb18218.assess(items, residents), gb18218.assess(grown, residents)
    assert after.s >= before.s and after.weighted_sum >= before.weighted_sum


@given(people, people)
def test_alpha_never_falls_with_more_people(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert gb18218.alpha_for(low) <= gb18218.alpha_for(high)


@given(st.fractions(min_value=0, max_value=1000), st.fractions(min_value=0, max_value=1000))
def test_a_higher_r_never_has_a_milder_grade(a: Fraction, b: Fraction) -> None:
    low, high = sorted((a, b))
    assert gb18218.grade_for(high) <= gb18218.grade_for(low)


counts = st.integers(min_value=0, max_value=500)
losses = st.integers(min_value=0, max_value=500_000_000)


@given(
    counts,
    counts,
    losses,
    st.sampled_from(["deaths", "injuries", "loss"]),
    st.integers(min_value=0, max_value=300_000_000),
)
def test_accident_grade_and_fine_are_monotonic_in_each_criterion(
    deaths: int, injuries: int, loss: int, criterion: str, increase: int
) -> None:
    bigger = {
        "deaths": (deaths + increase % 100, injuries, loss),
        "injuries": (deaths, injuries + increase % 200, loss),
        "loss": (deaths, injuries, loss + increase),
    }[criterion]
    assert accidents.grade(*bigger).grade >= accidents.grade(deaths, injuries, loss).grade
    before, after = fines.unit_fine(deaths, injuries, loss), fines.unit_fine(*bigger)
    assert (after.grade, after.bracket) >= (before.grade, before.bracket)
    assert after.fine.low >= before.fine.low


@given(
    st.sampled_from(risk.factor_values("LEC")["L"]),
    st.sampled_from(risk.factor_values("LEC")["E"]),
    st.sampled_from(risk.factor_values("LEC")["C"]),
    st.sampled_from(risk.factor_values("LEC")["C"]),
)
def test_lec_level_never_falls_with_a_worse_consequence(
    l_value: Fraction, e: Fraction, c1: Fraction, c2: Fraction
) -> None:
    low, high = sorted((c1, c2))
    assert risk.assess("LEC", L=l_value, E=e, C=high).level >= risk.assess("LEC", L=l_value, E=e, C=low).level


@given(st.fractions(min_value=0, max_value=100), st.fractions(min_value=0, max_value=100))
def test_a_higher_diagnosis_score_is_never_a_worse_colour(a: Fraction, b: Fraction) -> None:
    low, high = sorted((a, b))
    assert diagnosis.colour_for_score(high) <= diagnosis.colour_for_score(low)


@settings(max_examples=300)
@given(st.floats(min_value=73.0, max_value=135.0), st.floats(min_value=18.0, max_value=53.5))
def test_gcj02_round_trip_within_a_metre_inside_china(lon: float, lat: float) -> None:
    there = coords.wgs84_to_gcj02(lon, lat)
    back = coords.gcj02_to_wgs84(*there)
    assert coords.haversine_m(lon, lat, *back) < 1.0
    # and the shift itself is the few hundred metres GCJ-02 is known for
    assert coords.haversine_m(lon, lat, *there) < 1500


@given(
    st.floats(min_value=-180, max_value=180).filter(lambda x: not 72.004 <= x <= 137.8347),
    st.floats(min_value=-90, max_value=90),
)
def test_gcj02_is_the_identity_outside_china(lon: float, lat: float) -> None:
    assert coords.wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert coords.gcj02_to_wgs84(lon, lat) == (lon, lat)


charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(st.text(alphabet=charset, min_size=17, max_size=17), st.integers(min_value=0, max_value=17), st.data())
def test_any_single_character_change_of_a_credit_code_is_detected(
    prefix: str, position: int, data: st.DataObject
) -> None:
    code = codes.make_credit_code(prefix)
    assert codes.validate_credit_code(code).valid
    replacement = data.draw(st.sampled_from(charset).filter(lambda c: c != code[position]))
    changed = code[:position] + replacement + code[position + 1 :]
    check = codes.validate_credit_code(changed)
    assert not check.valid and check.reason_code == "wrong_check_digit"


@given(st.lists(st.integers(min_value=-50, max_value=500), min_size=1, max_size=5, unique=True), st.integers(-100, 600))
def test_band_tables_round_trip(minima: list[int], score: int) -> None:
    ordered = sorted(minima, reverse=True)
    levels = ["重大", "较大", "一般", "低", "低"]
    table = [{"level": levels[i], "min": m} for i, m in enumerate(ordered)] + [{"level": "低"}]
    bands = risk.Bands.from_dict(table)
    again = risk.Bands.from_dict(bands.to_dict())
    assert again.band_for(Fraction(score)) == bands.band_for(Fraction(score))
