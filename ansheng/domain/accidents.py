"""Production-safety accidents: grade, reporting chain, re-count window, investigation and 较大涉险事故.

Sources: 国务院令第493号《生产安全事故报告和调查处理条例》 (第三、九–十三、十九、二十、二十七、二十九、三十二条) and
安监总局令第21号《生产安全事故信息报告和处置办法》 (第六–九、十一、二十六条). The bureaus the texts call
安全生产监督管理部门 are today's 应急管理部门.

Day counts ("自事故发生之日起30日内", "60日内", "15日内") follow 民法典 第二百零一条 by default: the day of the event is
not counted and the period ends at the end of its last day (24:00 Asia/Shanghai). ``count_first_day=True`` counts the
day of the event as day 1 instead. Deadlines in hours (1 h, 2 h) run from the moment the sender received the report.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum, IntEnum
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from ansheng.domain._data import load
from ansheng.domain._num import Number, as_count, as_exact
from ansheng.domain.errors import DomainError

__all__ = [
    "SHANGHAI",
    "AccidentError",
    "AccidentGrade",
    "AccidentGrading",
    "AccidentKind",
    "Authority",
    "Investigation",
    "LargeRiskCheck",
    "ReportStep",
    "approval_due",
    "authority",
    "counts_in_statistics",
    "escalation_target",
    "followups_per_day",
    "grade",
    "grade_of_count",
    "investigation",
    "is_within_recount",
    "large_risk_triggers",
    "parse_kind",
    "recount_deadline",
    "recount_last_day",
    "recount_window_days",
    "reporting_chain",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")


class AccidentError(DomainError):
    """Bad input to an accident rule."""


class AccidentGrade(IntEnum):
    """The four grades of 第三条, ordered: 一般 < 较大 < 重大 < 特别重大."""

    GENERAL = 1
    LARGER = 2
    MAJOR = 3
    ESPECIALLY_MAJOR = 4

    @property
    def label_zh(self) -> str:
        return str(_grade_row(self)["label"])

    @property
    def label_en(self) -> str:
        return str(_grade_row(self)["label_en"])

    @classmethod
    def from_zh(cls, label: str, field: str | None = None) -> AccidentGrade:
        """一般 / 较大 / 重大 / 特别重大 (with or without 事故)."""
        text = label.strip().removesuffix("事故") if isinstance(label, str) else ""
        for member in cls:
            if member.label_zh == text:
                return member
        raise AccidentError("unknown_grade", field, f"未知的事故等级：{label}", f"unknown accident grade: {label!r}")


class AccidentKind(Enum):
    """The kinds that 第十三条 distinguishes for the re-count window."""

    ROAD_TRAFFIC = "road_traffic"
    FIRE = "fire"
    OTHER = "other"


@dataclass(frozen=True)
class Authority:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class AccidentGrading:
    """The grade reached by each criterion of 第三条 and the overall grade (the highest of the three)."""

    deaths: int
    serious_injuries: int
    direct_loss_yuan: Fraction
    by_deaths: AccidentGrade
    by_serious_injuries: AccidentGrade
    by_direct_loss: AccidentGrade
    grade: AccidentGrade


@dataclass(frozen=True)
class ReportStep:
    """One report to make: ``sender`` reports to ``recipient`` within ``within`` of receiving the report itself.

    ``deadline`` is the latest moment allowed when every earlier link used its full allowance, counted from the moment
    the sender must at the latest have received the report.
    """

    order: int
    sender: Authority
    recipient: Authority
    within: timedelta
    deadline: datetime
    channel: str
    clause: str
    mandatory: bool


@dataclass(frozen=True)
class Investigation:
    """Who investigates (第十九条), when the report is due (第二十九条) and how long approval may take (第三十二条)."""

    grade: AccidentGrade
    investigated_by: Authority
    may_delegate_to_enterprise: bool
    report_days: int
    report_last_day: date | None
    report_due: datetime | None
    extension_max_days: int
    approval_days: int
    approval_extension_max_days: int


@dataclass(frozen=True)
class LargeRiskCheck:
    """Which triggers of 较大涉险事故 (21号令 第二十六条) hold."""

    triggers: tuple[str, ...]

    @property
    def is_large_risk(self) -> bool:
        return bool(self.triggers)


def _raw() -> Any:
    return load("accidents.json")


def _grade_row(grade: AccidentGrade) -> dict[str, Any]:
    return next(row for row in _raw()["grades"] if row["grade"] == int(grade))


@functools.cache
def _thresholds() -> tuple[tuple[AccidentGrade, int, int, Fraction], ...]:
    """(grade, deaths, serious injuries, loss) lower bounds, from 特别重大 down (第三条; 以上含本数, 以下不含)."""
    return tuple(
        (AccidentGrade(row["grade"]), row["deaths"], row["serious_injuries"], Fraction(row["direct_loss_yuan"]))
        for row in _raw()["grades"]
    )


def authority(code: str) -> Authority:
    """An authority by code: enterprise, county, city, province, ministry, state_council, … (see data)."""
    row = _raw()["authorities"][code]
    return Authority(code, row["zh"], row["en"])


def grade_of_count(criterion: str, value: Number) -> AccidentGrade:
    """The grade one criterion reaches: ``deaths``, ``serious_injuries`` or ``direct_loss_yuan``.

    第三条: each band includes its lower bound (以上含本数) and excludes its upper bound (以下不含本数).
    """
    position = {"deaths": 1, "serious_injuries": 2, "direct_loss_yuan": 3}.get(criterion)
    if position is None:
        raise AccidentError(
            "unknown_field", criterion, f"未知的分级指标：{criterion}", f"unknown criterion: {criterion}"
        )
    amount = as_exact(value, criterion, AccidentError)
    return next(row[0] for row in _thresholds() if amount >= row[position])


def grade(deaths: int, serious_injuries: int, direct_loss_yuan: Number) -> AccidentGrading:
    """The grade of an accident (第三条): the highest grade reached by deaths, serious injuries (including acute
    industrial poisoning) or direct economic loss in yuan, the three being joined by "或者"."""
    deaths = as_count(deaths, "deaths", AccidentError)
    serious_injuries = as_count(serious_injuries, "serious_injuries", AccidentError)
    loss = as_exact(direct_loss_yuan, "direct_loss_yuan", AccidentError)
    by_deaths = grade_of_count("deaths", deaths)
    by_injuries = grade_of_count("serious_injuries", serious_injuries)
    by_loss = grade_of_count("direct_loss_yuan", loss)
    return AccidentGrading(
        deaths=deaths,
        serious_injuries=serious_injuries,
        direct_loss_yuan=loss,
        by_deaths=by_deaths,
        by_serious_injuries=by_injuries,
        by_direct_loss=by_loss,
        grade=max(by_deaths, by_injuries, by_loss),
    )


def _as_grade(value: object, field: str = "grade") -> AccidentGrade:
    if isinstance(value, AccidentGrade):
        return value
    if isinstance(value, str):
        return AccidentGrade.from_zh(value, field)
    raise AccidentError("wrong_type", field, "事故等级应为AccidentGrade", "grade must be an AccidentGrade")


def _aware(value: object, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise AccidentError("wrong_type", field, f"{field}应为日期时间", f"{field} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise AccidentError(
            "naive_datetime", field, f"{field}须带时区（如+08:00）", f"{field} must carry a time zone (e.g. +08:00)"
        )
    return value


def parse_kind(value: object) -> AccidentKind:
    """An :class:`AccidentKind` from itself or its value (``road_traffic``, ``fire``, ``other``)."""
    if isinstance(value, AccidentKind):
        return value
    try:
        return AccidentKind(value)
    except ValueError:
        raise AccidentError(
            "value_not_in_table",
            "kind",
            "事故类别应为road_traffic、fire或other",
            "kind must be road_traffic, fire or other",
        ) from None


def escalation_target(grade: AccidentGrade | str) -> Authority:
    """The highest bureau the report goes up to (493号令 第十条; 21号令 第七条): 一般 (and 较大涉险) → city,
    较大 → province, 重大 and 特别重大 → the ministry (which reports to 国务院)."""
    return authority(_raw()["escalation_target"][str(int(_as_grade(grade)))])


def followups_per_day(grade: AccidentGrade | str | None, *, large_risk: bool = False) -> int:
    """Minimum follow-up reports (续报) a day (21号令 第十一条): 较大涉险, 一般, 较大 once; 重大, 特别重大 twice.

    Pass ``grade=None, large_risk=True`` for a 较大涉险事故 that is not a graded accident.
    """
    table = _raw()["followups_per_day"]
    if grade is None:
        if not large_risk:
            raise AccidentError("missing_field", "grade", "请给出事故等级", "give the accident grade")
        return int(table["large_risk"])
    return int(table[str(int(_as_grade(grade)))])


def _always(grade: AccidentGrade, social: bool) -> bool:
    return True


def _larger_up(grade: AccidentGrade, social: bool) -> bool:
    return grade >= AccidentGrade.LARGER


def _larger_or_social(grade: AccidentGrade, social: bool) -> bool:
    return grade >= AccidentGrade.LARGER or social


def _major_up(grade: AccidentGrade, social: bool) -> bool:
    return grade >= AccidentGrade.MAJOR


_UP = "493号令第十条、第十一条；21号令第七条"
_OWN_GOVERNMENT = "493号令第十条第二款"
_PHONE = "21号令第八条、第九条"

# The reporting links: (sender, recipient, hours, channel, clause, applies(grade, socially_significant), mandatory).
# Listed from the enterprise upwards so that every sender's receipt time is known before its own links.
_LINKS: tuple[tuple[str, str, int, str, str, Callable[[AccidentGrade, bool], bool], bool], ...] = (
    # 493号令 第九条; 21号令 第六条第一款: the unit head reports to the county bureau within 1 hour.
    ("enterprise", "county", 1, "written", "493号令第九条；21号令第六条第一款", _always, True),
    # 21号令 第六条第二款: for 较大 and above, also to the provincial bureau within 1 hour.
    ("enterprise", "province", 1, "written", "21号令第六条第二款", _larger_up, True),
    # 21号令 第六条第三款: for 重大 and 特别重大 the unit may report to the ministry at once (optional).
    ("enterprise", "ministry", 0, "written", "21号令第六条第三款", _major_up, False),
    # 493号令 第十条、第十一条; 21号令 第七条: level by level, at most 2 hours a level, up to the target by grade.
    # 493号令 第十条第二款: a bureau reporting upwards reports to its own government at the same time.
    # 21号令 第八条、第九条: for 较大 and above (or socially significant) county and city phone the province in 1 h.
    ("county", "city", 2, "written", _UP, _always, True),
    ("county", "county_government", 2, "written", _OWN_GOVERNMENT, _always, True),
    ("county", "province", 1, "phone", _PHONE, _larger_or_social, True),
    ("city", "province", 2, "written", _UP, _larger_up, True),
    ("city", "city_government", 2, "written", _OWN_GOVERNMENT, _larger_up, True),
    ("city", "province", 1, "phone", _PHONE, _larger_or_social, True),
    ("province", "ministry", 2, "written", _UP, _major_up, True),
    ("province", "province_government", 2, "written", _OWN_GOVERNMENT, _major_up, True),
    # 21号令 第九条: the province phones the ministry within 1 h, the ministry the State Council duty office in 1 h.
    ("province", "ministry", 1, "phone", "21号令第九条", _major_up, True),
    # 493号令 第十条第二款: the provincial government and the ministry report 重大/特别重大 to 国务院 immediately.
    ("province_government", "state_council", 0, "written", _OWN_GOVERNMENT, _major_up, True),
    ("ministry", "state_council", 0, "written", _OWN_GOVERNMENT, _major_up, True),
    ("ministry", "state_council_duty_office", 1, "phone", "21号令第九条", _major_up, True),
)


def reporting_chain(
    grade: AccidentGrade | str, learned_at: datetime, *, socially_significant: bool = False
) -> tuple[ReportStep, ...]:
    """The reports to make for an accident of ``grade`` whose unit head learned of it at ``learned_at``.

    A 较大涉险事故 follows the 一般 chain (21号令 第七条(一)). ``socially_significant`` adds the phone reports that
    21号令 第八条 requires for accidents with 重大社会影响 below 较大. Steps are sorted by deadline.
    """
    level = _as_grade(grade)
    start = _aware(learned_at, "learned_at").astimezone(SHANGHAI)
    received: dict[str, datetime] = {"enterprise": start}
    steps: list[ReportStep] = []
    for order, (sender, recipient, hours, channel, clause, applies, mandatory) in enumerate(_LINKS, start=1):
        if not applies(level, socially_significant):
            continue
        within = timedelta(hours=hours)
        deadline = received[sender] + within
        if mandatory:
            received[recipient] = min(received.get(recipient, deadline), deadline)
        steps.append(
            ReportStep(order, authority(sender), authority(recipient), within, deadline, channel, clause, mandatory)
        )
    return tuple(sorted(steps, key=lambda step: (step.deadline, step.order)))


def recount_window_days(kind: AccidentKind | str) -> int:
    """30 days; 7 for road traffic and fire accidents (493号令 第十三条、第二十条; 21号令 第十一条)."""
    return int(_raw()["recount_window_days"][parse_kind(kind).value])


def _last_day(start: datetime, days: int, count_first_day: bool) -> date:
    local = start.astimezone(SHANGHAI).date()
    return local + timedelta(days=days - 1 if count_first_day else days)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), SHANGHAI)


def recount_last_day(occurred_at: datetime, kind: AccidentKind | str, *, count_first_day: bool = False) -> date:
    """The last calendar day (Asia/Shanghai) on which a change in casualties still counts."""
    return _last_day(_aware(occurred_at, "occurred_at"), recount_window_days(kind), count_first_day)


def recount_deadline(occurred_at: datetime, kind: AccidentKind | str, *, count_first_day: bool = False) -> datetime:
    """The end (exclusive, 24:00 of the last day, Asia/Shanghai) of the re-count window; afterwards counts freeze."""
    return _end_of(recount_last_day(occurred_at, kind, count_first_day=count_first_day))


def is_within_recount(
    occurred_at: datetime, kind: AccidentKind | str, now: datetime, *, count_first_day: bool = False
) -> bool:
    """Whether a casualty change at ``now`` still changes the counts (and possibly the grade, 第二十条)."""
    occurred = _aware(occurred_at, "occurred_at")
    moment = _aware(now, "now")
    if moment < occurred:
        raise AccidentError("before_occurrence", "now", "时间早于事故发生时间", "now is before the accident occurred")
    return moment < recount_deadline(occurred, kind, count_first_day=count_first_day)


def _days(value: object, field: str, maximum: int | None = None) -> int:
    days = as_count(value, field, AccidentError)
    if maximum is not None and days > maximum:
        raise AccidentError(
            "extension_too_long", field, f"{field}最长{maximum}日", f"{field} may be at most {maximum} days"
        )
    return days


def investigation(
    grade: AccidentGrade | str,
    occurred_at: datetime | None = None,
    *,
    no_casualties: bool = False,
    appraisal_days: int = 0,
    extension_days: int = 0,
    count_first_day: bool = False,
) -> Investigation:
    """Who investigates and when the investigation report is due (the dates only when ``occurred_at`` is given).

    第十九条: 特别重大 国务院 (or a department it authorises); 重大 省级, 较大 设区的市级, 一般 县级人民政府; a 一般
    accident without casualties may be delegated to the unit itself. 第二十九条: the report is due within 60 days of
    the accident, extendable once by at most 60 days; 第二十七条: technical-appraisal time is not counted.
    """
    level = _as_grade(grade)
    raw = _raw()
    report_days = int(raw["investigation_report_days"])
    extension = _days(extension_days, "extension_days", int(raw["investigation_extension_max_days"]))
    appraisal = _days(appraisal_days, "appraisal_days")
    last_day = None
    if occurred_at is not None:
        start = _aware(occurred_at, "occurred_at")
        last_day = _last_day(start, report_days + extension + appraisal, count_first_day)
    approval_days, approval_extension = raw["approval"][str(int(level))]
    return Investigation(
        grade=level,
        investigated_by=authority(raw["investigated_by"][str(int(level))]),
        may_delegate_to_enterprise=level == AccidentGrade.GENERAL and no_casualties,
        report_days=report_days,
        report_last_day=last_day,
        report_due=None if last_day is None else _end_of(last_day),
        extension_max_days=int(raw["investigation_extension_max_days"]),
        approval_days=int(approval_days),
        approval_extension_max_days=int(approval_extension),
    )


def approval_due(
    grade: AccidentGrade | str,
    report_received_at: datetime,
    *,
    extension_days: int = 0,
    count_first_day: bool = False,
) -> datetime:
    """The end (exclusive) of the approval (批复) period (第三十二条): 15 days for 重大/较大/一般; 30 days for
    特别重大, extendable by at most 30 days (no extension exists for the other grades)."""
    level = _as_grade(grade)
    days, extension_max = _raw()["approval"][str(int(level))]
    extension = _days(extension_days, "extension_days", int(extension_max))
    received = _aware(report_received_at, "report_received_at")
    return _end_of(_last_day(received, int(days) + extension, count_first_day))


def large_risk_triggers(
    *,
    at_risk: int = 0,
    trapped_or_missing: int = 0,
    evacuated: int = 0,
    serious_pollution: bool = False,
    important_facilities: bool = False,
    other: bool = False,
) -> LargeRiskCheck:
    """Which conditions of a 较大涉险事故 hold (21号令 第二十六条): ≥ 10 people at risk; ≥ 3 trapped or missing;
    ≥ 500 evacuated; serious environmental pollution; danger to important sites or facilities; other."""
    counts = {
        "at_risk": as_count(at_risk, "at_risk", AccidentError),
        "trapped_or_missing": as_count(trapped_or_missing, "trapped_or_missing", AccidentError),
        "evacuated": as_count(evacuated, "evacuated", AccidentError),
    }
    flags = {"serious_pollution": serious_pollution, "important_facilities": important_facilities, "other": other}
    for name, flag in flags.items():
        if not isinstance(flag, bool):
            raise AccidentError("wrong_type", name, f"{name}应为布尔值", f"{name} must be true or false")
    held: list[str] = []
    for trigger in _raw()["large_risk_triggers"]:
        ident = trigger["id"]
        if ("threshold" in trigger and counts[ident] >= trigger["threshold"]) or flags.get(ident, False):
            held.append(ident)
    return LargeRiskCheck(tuple(held))


def counts_in_statistics(
    *, deaths: int, injuries: int, direct_loss_yuan: Number, threshold_yuan: Number | None = None
) -> bool:
    """Whether an accident enters the production-safety statistics.

    [U] 《生产安全事故统计管理办法》 (2016) 第五条 is recalled to leave out accidents without casualties whose direct
    loss is below 100万元; ``threshold_yuan`` replaces that default. ``injuries`` counts injuries of any severity.
    """
    dead = as_count(deaths, "deaths", AccidentError)
    hurt = as_count(injuries, "injuries", AccidentError)
    loss = as_exact(direct_loss_yuan, "direct_loss_yuan", AccidentError)
    limit = as_exact(
        _raw()["statistics_cutoff_yuan"] if threshold_yuan is None else threshold_yuan,
        "threshold_yuan",
        AccidentError,
    )
    return dead > 0 or hurt > 0 or loss >= limit
