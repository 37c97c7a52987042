"""国务院令第493号 and 安监总局令第21号: grades, reporting, re-count window, investigation, 较大涉险事故."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from ansheng.domain import accidents
from ansheng.domain.accidents import SHANGHAI, AccidentError, AccidentGrade, AccidentKind

G, L, M, E = AccidentGrade.GENERAL, AccidentGrade.LARGER, AccidentGrade.MAJOR, AccidentGrade.ESPECIALLY_MAJOR
T0 = datetime(2024, 3, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "by", "overall"),
    [
        # 第三条, band edges: 以上 includes the number, 以下 excludes it
        (0, 0, 0, (G, G, G), G),
        (2, 9, 9_999_999, (G, G, G), G),
        (3, 0, 0, (L, G, G), L),  # deaths 3 → 较大
        (9, 0, 0, (L, G, G), L),
        (10, 0, 0, (M, G, G), M),  # deaths 10 → 重大
        (29, 0, 0, (M, G, G), M),
        (30, 0, 0, (E, G, G), E),  # deaths 30 → 特别重大
        (0, 10, 0, (G, L, G), L),  # injuries 10 → 较大
        (0, 49, 0, (G, L, G), L),
        (0, 50, 0, (G, M, G), M),  # injuries 50 → 重大
        (0, 99, 0, (G, M, G), M),
        (0, 100, 0, (G, E, G), E),  # injuries 100 → 特别重大
        (0, 0, 10_000_000, (G, G, L), L),  # 1000万 → 较大
        (0, 0, 49_999_999.99, (G, G, L), L),
        (0, 0, 50_000_000, (G, G, M), M),  # 5000万 → 重大
        (0, 0, Decimal("99999999.99"), (G, G, M), M),
        (0, 0, 100_000_000, (G, G, E), E),  # 1亿 → 特别重大
        (3, 50, 100_000_000, (L, M, E), E),  # "或者": the highest criterion wins
        (12, 11, 0, (M, L, G), M),
    ],
)
def test_grade_by_each_criterion_and_overall(
    deaths: int, injuries: int, loss: object, by: tuple[AccidentGrade, ...], overall: AccidentGrade
) -> None:
    result = accidents.grade(deaths, injuries, loss)  # type: ignore[arg-type]
    assert (result.by_deaths, result.by_serious_injuries, result.by_direct_loss) == by
    assert result.grade is overall


def test_grades_are_ordered_and_labelled() -> None:
    assert G < L < M < E
    assert [g.label_zh for g in AccidentGrade] == ["一般", "较大", "重大", "特别重大"]
    assert E.label_en == "especially major"
    assert AccidentGrade.from_zh("较大事故") is L
    assert AccidentGrade.from_zh(" 特别重大 ") is E


@pytest.mark.parametrize("label", ["严重", "", None])
def test_unknown_grade_labels_are_refused(label: object) -> None:
    with pytest.raises(AccidentError) as caught:
        AccidentGrade.from_zh(label)  # type: ignore[arg-type]
    assert caught.value.code == "unknown_grade"


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        ((-1, 0, 0), "negative_value", "deaths"),
        ((0, -1, 0), "negative_value", "serious_injuries"),
        ((0, 0, -1), "negative_value", "direct_loss_yuan"),
        ((1.0, 0, 0), "wrong_type", "deaths"),
        ((True, 0, 0), "wrong_type", "deaths"),
        ((0, "2", 0), "wrong_type", "serious_injuries"),
        ((0, 0, "1e7"), "wrong_type", "direct_loss_yuan"),
        ((0, 0, float("nan")), "not_finite", "direct_loss_yuan"),
    ],
)
def test_grade_refusals(args: tuple[object, object, object], code: str, field: str) -> None:
    with pytest.raises(AccidentError) as caught:
        accidents.grade(*args)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)


def test_grade_of_one_criterion() -> None:
    assert accidents.grade_of_count("direct_loss_yuan", Fraction(10**7)) is L
    with pytest.raises(AccidentError) as caught:
        accidents.grade_of_count("missing", 1)
    assert caught.value.code == "unknown_field"


@pytest.mark.parametrize(
    ("grade", "target"),
    [
        # 493号令 第十条; 21号令 第七条
        (G, "city"),
        (L, "province"),
        (M, "ministry"),
        (E, "ministry"),
        ("较大", "province"),
    ],
)
def test_escalation_target(grade: AccidentGrade | str, target: str) -> None:
    assert accidents.escalation_target(grade).code == target


@pytest.mark.parametrize(("grade", "per_day"), [(G, 1), (L, 1), (M, 2), (E, 2)])
def test_followups_per_day(grade: AccidentGrade, per_day: int) -> None:
    # 21号令 第十一条: 较大涉险、一般、较大 ≥ 1 a day; 重大、特别重大 ≥ 2 a day
    assert accidents.followups_per_day(grade) == per_day


def test_followups_for_a_large_risk_event() -> None:
    assert accidents.followups_per_day(None, large_risk=True) == 1
    with pytest.raises(AccidentError) as caught:
        accidents.followups_per_day(None)
    assert caught.value.code == "missing_field"
    with pytest.raises(AccidentError) as caught:
        accidents.followups_per_day(3)  # type: ignore[arg-type]
    assert caught.value.code == "wrong_type"


def _chain(grade: AccidentGrade, **kwargs: bool) -> list[tuple[str, str, str, int, bool]]:
    return [
        (
            step.sender.code,
            step.recipient.code,
            step.channel,
            int((step.deadline - T0).total_seconds() // 60),
            step.mandatory,
        )
        for step in accidents.reporting_chain(grade, T0, **kwargs)
    ]


def test_general_accident_chain() -> None:
    # 493号令 第九条 1 h to the county; 第十条(三) up to the city; 第十一条 ≤ 2 h a level; 第十条第二款 own government
    assert _chain(G) == [
        ("enterprise", "county", "written", 60, True),
        ("county", "city", "written", 180, True),
        ("county", "county_government", "written", 180, True),
    ]


def test_socially_significant_general_accident_adds_phone_reports() -> None:
    # 21号令 第八条: county and city phone the province within 1 h of receiving the report
    chain = _chain(G, socially_significant=True)
    assert ("county", "province", "phone", 120, True) in chain
    assert ("city", "province", "phone", 240, True) in chain


def test_larger_accident_chain() -> None:
    chain = _chain(L)
    # 21号令 第六条第二款: the enterprise also reports to the province within 1 h
    assert chain[0:2] == [
        ("enterprise", "county", "written", 60, True),
        ("enterprise", "province", "written", 60, True),
    ]
    assert ("city", "province", "written", 300, True) in chain
    assert ("city", "city_government", "written", 300, True) in chain
    assert not any(recipient == "ministry" for _s, recipient, *_ in chain)


def test_especially_major_accident_chain_reaches_the_state_council() -> None:
    chain = _chain(E)
    # 21号令 第六条第三款: the unit may report to the ministry at once (optional)
    assert chain[0] == ("enterprise", "ministry", "written", 0, False)
    # 21号令 第九条: province phones the ministry within 1 h of its receipt (1 h), the ministry the duty office in 1 h
    assert ("province", "ministry", "phone", 120, True) in chain
    assert ("ministry", "state_council_duty_office", "phone", 180, True) in chain
    # 493号令 第十条第二款: ministry and provincial government report to 国务院 immediately
    assert ("ministry", "state_council", "written", 120, True) in chain
    assert ("province_government", "state_council", "written", 180, True) in chain
    deadlines = [minutes for *_rest, minutes, _m in chain]
    assert deadlines == sorted(deadlines)


def test_chain_accepts_any_time_zone_and_answers_in_shanghai_time() -> None:
    steps = accidents.reporting_chain("一般", datetime(2024, 3, 1, 2, 0, tzinfo=UTC))
    assert steps[0].deadline == datetime(2024, 3, 1, 11, 0, tzinfo=SHANGHAI)
    assert steps[0].deadline.tzinfo is SHANGHAI
    assert steps[0].within == timedelta(hours=1)
    assert "第九条" in steps[0].clause


def test_naive_times_are_refused() -> None:
    with pytest.raises(AccidentError) as caught:
        accidents.reporting_chain(G, datetime(2024, 3, 1, 10, 0))
    assert (caught.value.code, caught.value.field) == ("naive_datetime", "learned_at")
    with pytest.raises(AccidentError) as caught:
        accidents.reporting_chain(G, "2024-03-01")  # type: ignore[arg-type]
    assert caught.value.code == "wrong_type"


@pytest.mark.parametrize(
    ("kind", "days", "last_day"),
    [
        # 493号令 第十三条: 30 days; 7 days for road traffic and fire (民法典 第二百零一条: the first day not counted)
        (AccidentKind.OTHER, 30, date(2024, 3, 31)),
        ("road_traffic", 7, date(2024, 3, 8)),
        ("fire", 7, date(2024, 3, 8)),
    ],
)
def test_recount_window(kind: AccidentKind | str, days: int, last_day: date) -> None:
    assert accidents.recount_window_days(kind) == days
    assert accidents.recount_last_day(T0, kind) == last_day
    end = accidents.recount_deadline(T0, kind)
    assert end == datetime.combine(last_day + timedelta(days=1), datetime.min.time(), SHANGHAI)
    assert accidents.is_within_recount(T0, kind, end - timedelta(microseconds=1))
    assert not accidents.is_within_recount(T0, kind, end)
    assert accidents.is_within_recount(T0, kind, T0)


def test_recount_can_count_the_first_day() -> None:
    assert accidents.recount_last_day(T0, "other", count_first_day=True) == date(2024, 3, 30)


def test_recount_uses_the_shanghai_calendar_day() -> None:
    # 2024-02-29 20:00 UTC is 2024-03-01 04:00 in Leshan
    late = datetime(2024, 2, 29, 20, 0, tzinfo=UTC)
    assert accidents.recount_last_day(late, "fire") == date(2024, 3, 8)


def test_recount_refusals() -> None:
    with pytest.raises(AccidentError) as caught:
        accidents.recount_window_days("flood")
    assert (caught.value.code, caught.value.field) == ("value_not_in_table", "kind")
    with pytest.raises(AccidentError) as caught:
        accidents.is_within_recount(T0, "other", T0 - timedelta(seconds=1))
    assert caught.value.code == "before_occurrence"
    assert accidents.parse_kind(AccidentKind.FIRE) is AccidentKind.FIRE


@pytest.mark.parametrize(
    ("grade", "by", "approval", "extension"),
    [
        # 第十九条 and 第三十二条
        (G, "county_government", 15, 0),
        (L, "city_government", 15, 0),
        (M, "province_government", 15, 0),
        (E, "state_council_or_authorised", 30, 30),
    ],
)
def test_investigation_by_grade(grade: AccidentGrade, by: str, approval: int, extension: int) -> None:
    result = accidents.investigation(grade, T0)
    assert result.investigated_by.code == by
    assert (result.approval_days, result.approval_extension_max_days) == (approval, extension)
    # 第二十九条: report due within 60 days of the accident
    assert result.report_days == 60
    assert result.report_last_day == date(2024, 4, 30)
    assert result.report_due == datetime(2024, 5, 1, tzinfo=SHANGHAI)
    assert result.extension_max_days == 60


def test_investigation_extension_and_appraisal_days() -> None:
    # 第二十九条 one extension ≤ 60 days; 第二十七条 technical appraisal not counted
    result = accidents.investigation(L, T0, extension_days=60, appraisal_days=10)
    assert result.report_last_day == date(2024, 3, 1) + timedelta(days=130)
    with pytest.raises(AccidentError) as caught:
        accidents.investigation(L, T0, extension_days=61)
    assert (caught.value.code, caught.value.field) == ("extension_too_long", "extension_days")
    with pytest.raises(AccidentError) as caught:
        accidents.investigation(L, T0, appraisal_days=-1)
    assert caught.value.code == "negative_value"


def test_investigation_without_a_date_and_delegation() -> None:
    result = accidents.investigation(G, no_casualties=True)
    assert result.report_last_day is None and result.report_due is None
    # 第十九条第三款: a 一般 accident without casualties may be delegated to the unit
    assert result.may_delegate_to_enterprise
    assert not accidents.investigation(L, no_casualties=True).may_delegate_to_enterprise


def test_approval_due() -> None:
    # 第三十二条: 15 days; 特别重大 30 + at most 30
    assert accidents.approval_due(M, T0) == datetime(2024, 3, 17, tzinfo=SHANGHAI)
    assert accidents.approval_due(E, T0, extension_days=30) == datetime(2024, 5, 1, tzinfo=SHANGHAI)
    with pytest.raises(AccidentError) as caught:
        accidents.approval_due(M, T0, extension_days=1)
    assert caught.value.code == "extension_too_long"


@pytest.mark.parametrize(
    ("kwargs", "triggers"),
    [
        # 21号令 第二十六条
        ({}, ()),
        ({"at_risk": 9, "trapped_or_missing": 2, "evacuated": 499}, ()),
        ({"at_risk": 10}, ("at_risk",)),
        ({"trapped_or_missing": 3}, ("trapped_or_missing",)),
        ({"evacuated": 500}, ("evacuated",)),
        ({"serious_pollution": True}, ("serious_pollution",)),
        ({"important_facilities": True}, ("important_facilities",)),
        ({"other": True}, ("other",)),
        ({"at_risk": 12, "evacuated": 800, "other": True}, ("at_risk", "evacuated", "other")),
    ],
)
def test_large_risk_triggers(kwargs: dict[str, object], triggers: tuple[str, ...]) -> None:
    result = accidents.large_risk_triggers(**kwargs)  # type: ignore[arg-type]
    assert result.triggers == triggers
    assert result.is_large_risk == bool(triggers)


def test_large_risk_refusals() -> None:
    with pytest.raises(AccidentError) as caught:
        accidents.large_risk_triggers(at_risk=-1)
    assert (caught.value.code, caught.value.field) == ("negative_value", "at_risk")
    with pytest.raises(AccidentError) as caught:
        accidents.large_risk_triggers(other=1)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == ("wrong_type", "other")


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "threshold", "counted"),
    [
        # [U] 统计管理办法 第五条 (recalled): no casualties and loss < 100万 are left out
        (0, 0, 999_999, None, False),
        (0, 0, 1_000_000, None, True),
        (1, 0, 0, None, True),
        (0, 1, 0, None, True),
        (0, 0, 400_000, 300_000, True),
    ],
)
def test_statistics_cutoff(deaths: int, injuries: int, loss: int, threshold: int | None, counted: bool) -> None:
    assert (
        accidents.counts_in_statistics(
            deaths=deaths, injuries=injuries, direct_loss_yuan=loss, threshold_yuan=threshold
        )
        is counted
    )


def test_authorities_have_both_languages() -> None:
    county = accidents.authority("county")
    assert county.zh == "县级应急管理部门" and "county" in county.en
