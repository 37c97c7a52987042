"""The calculator contract shared by ``ansheng calc NAME`` and ``POST /api/v1/calc/NAME``.

Each calculator takes one JSON object (a mapping of plain JSON values) and returns one JSON-able dict. Input is
checked strictly: an unknown or missing key, a value of the wrong type (a boolean is not a number, a float is not a
count), a negative quantity or a value outside its table raises a :class:`~ansheng.domain.errors.DomainError` whose
``field`` names the input (``substances[1].tonnes``). Numbers are computed exactly and rounded only here, for JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from ansheng.domain import accidents, codes, coords, diagnosis, fines, gb18218, risk
from ansheng.domain._num import as_count, as_float, as_money_json
from ansheng.domain.errors import DomainError

__all__ = ["CALCULATORS", "CalculatorError", "describe", "run"]

Calculator = Callable[[Mapping[str, Any]], dict[str, Any]]


class CalculatorError(DomainError):
    """Input that does not fit a calculator's contract."""


# ---- input checking -------------------------------------------------------------------------------------------


def _object(value: object, field: str | None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CalculatorError(
            "wrong_type", field, f"{field or '输入'}应为JSON对象", f"{field or 'input'} must be an object"
        )
    return value


def _keys(payload: Mapping[str, Any], required: Sequence[str], optional: Sequence[str], prefix: str = "") -> None:
    for key in payload:
        if key not in required and key not in optional:
            raise CalculatorError("unknown_field", f"{prefix}{key}", f"未知的字段：{key}", f"unknown field: {key}")
    for key in required:
        if key not in payload:
            raise CalculatorError("missing_field", f"{prefix}{key}", f"缺少字段：{key}", f"missing field: {key}")


def _str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise CalculatorError("wrong_type", field, f"{field}应为文本", f"{field} must be a string")
    return value


def _bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise CalculatorError("wrong_type", field, f"{field}应为true或false", f"{field} must be true or false")
    return value


def _datetime(value: object, field: str) -> datetime:
    text = _str(value, field)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CalculatorError(
            "invalid_datetime", field, f"{field}不是ISO 8601日期时间", f"{field} is not an ISO 8601 date-time"
        ) from None
    # A time without an offset is local time in Leshan.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=accidents.SHANGHAI)


def _num(value: Fraction, places: int = 6) -> int | float:
    return int(value) if value.denominator == 1 else as_float(value, places)


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _authority(authority: accidents.Authority) -> dict[str, str]:
    return {"code": authority.code, "zh": authority.zh, "en": authority.en}


# ---- gb18218 ----------------------------------------------------------------------------------------------------


def calc_gb18218(payload: Mapping[str, Any]) -> dict[str, Any]:
    _keys(payload, ("people_within_500m", "substances"), ())
    people = as_count(payload["people_within_500m"], "people_within_500m", CalculatorError)
    items = payload["substances"]
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise CalculatorError("wrong_type", "substances", "substances应为列表", "substances must be a list")
    if not items:
        raise CalculatorError("empty_list", "substances", "请至少给出一种物质", "give at least one substance")
    quantities: list[gb18218.Quantity] = []
    shown_cas: list[str | None] = []
    for i, raw in enumerate(items):
        prefix = f"substances[{i}]."
        item = _object(raw, f"substances[{i}]")
        _keys(item, ("tonnes",), ("cas", "name", "no", "category"), prefix)
        cas, name, no, symbol = item.get("cas"), item.get("name"), item.get("no"), item.get("category")
        if symbol is not None:
            _str(symbol, f"{prefix}category")
        if cas is None and name is None and no is None:
            if symbol is None:
                raise CalculatorError(
                    "missing_field",
                    f"{prefix}cas",
                    "请给出cas、name、no或category之一",
                    "give one of cas, name, no or category",
                )
            substance, override = gb18218.category(symbol, f"{prefix}category"), None
        else:
            substance, override = gb18218.resolve(cas=cas, name=name, no=no, prefix=prefix), symbol
        quantities.append(gb18218.Quantity(substance, item["tonnes"], override))
        shown_cas.append(gb18218.normalise_cas(cas) if cas is not None else next(iter(substance.cas), None))
    result = gb18218.assess(quantities, people)
    return {
        "s": _num(result.s),
        "is_major_hazard": result.is_major,
        "alpha": _num(result.alpha),
        "r": None if result.r is None else _num(result.r),
        "grade": result.grade,
        "grade_label": result.grade_label,
        "items": [
            {
                "name": item.substance.display_name,
                "cas": cas_shown,
                "tonnes": _num(item.tonnes),
                "critical_tonnes": _num(item.critical_tonnes),
                "beta": _num(item.beta),
                "ratio": _num(item.ratio),
            }
            for item, cas_shown in zip(result.items, shown_cas, strict=True)
        ],
    }


# ---- accidents --------------------------------------------------------------------------------------------------

_ACCIDENT_REQUIRED = ("deaths", "serious_injuries", "direct_loss_yuan")
_ACCIDENT_OPTIONAL = ("kind", "occurred_at", "learned_at", "socially_significant")


def _accident_input(
    payload: Mapping[str, Any],
) -> tuple[accidents.AccidentKind, datetime | None, datetime | None, bool]:
    _keys(payload, _ACCIDENT_REQUIRED, _ACCIDENT_OPTIONAL)
    kind = accidents.parse_kind(_str(payload["kind"], "kind")) if "kind" in payload else accidents.AccidentKind.OTHER
    occurred = _datetime(payload["occurred_at"], "occurred_at") if "occurred_at" in payload else None
    learned = _datetime(payload["learned_at"], "learned_at") if "learned_at" in payload else None
    if learned is not None and occurred is None:
        raise CalculatorError(
            "missing_field", "occurred_at", "给出learned_at时须同时给出occurred_at", "give occurred_at"
        )
    if learned is not None and occurred is not None and learned < occurred:
        raise CalculatorError(
            "before_occurrence", "learned_at", "获知时间早于事故发生时间", "learned_at is before occurred_at"
        )
    social = (
        _bool(payload["socially_significant"], "socially_significant") if "socially_significant" in payload else False
    )
    return kind, occurred, learned, social


def calc_accident_grade(payload: Mapping[str, Any]) -> dict[str, Any]:
    kind, occurred, learned, social = _accident_input(payload)
    graded = accidents.grade(payload["deaths"], payload["serious_injuries"], payload["direct_loss_yuan"])
    level = graded.grade
    no_casualties = graded.deaths == 0 and graded.serious_injuries == 0
    investigation = accidents.investigation(level, occurred, no_casualties=no_casualties)
    out: dict[str, Any] = {
        "grade": level.label_zh,
        "by": {
            "deaths": graded.by_deaths.label_zh,
            "serious_injuries": graded.by_serious_injuries.label_zh,
            "direct_loss": graded.by_direct_loss.label_zh,
        },
        "recount_window_days": accidents.recount_window_days(kind),
        "report_to": _authority(accidents.escalation_target(level)),
        "followups_per_day": accidents.followups_per_day(level),
        "investigated_by": _authority(investigation.investigated_by),
        "may_delegate_investigation_to_enterprise": investigation.may_delegate_to_enterprise,
        "investigation_report_days": investigation.report_days,
        "investigation_extension_max_days": investigation.extension_max_days,
        "approval_days": investigation.approval_days,
        "approval_extension_max_days": investigation.approval_extension_max_days,
    }
    if occurred is not None:
        chain = accidents.reporting_chain(level, learned or occurred, socially_significant=social)
        out.update(
            {
                "occurred_at": occurred.astimezone(accidents.SHANGHAI).isoformat(),
                "recount_last_day": accidents.recount_last_day(occurred, kind).isoformat(),
                "recount_deadline": accidents.recount_deadline(occurred, kind).isoformat(),
                "investigation_report_last_day": _iso(investigation.report_last_day),
                "investigation_report_due": _iso(investigation.report_due),
                "reporting": [
                    {
                        "from": _authority(step.sender),
                        "to": _authority(step.recipient),
                        "within_hours": int(step.within.total_seconds()) // 3600,
                        "deadline": step.deadline.isoformat(),
                        "channel": step.channel,
                        "mandatory": step.mandatory,
                        "clause": step.clause,
                    }
                    for step in chain
                ],
            }
        )
    return out


def _range(value: fines.Range) -> list[int | float]:
    return [as_money_json(value.low), as_money_json(value.high)]


def calc_accident_fine(payload: Mapping[str, Any]) -> dict[str, Any]:
    _accident_input(payload)
    fine = fines.unit_fine(payload["deaths"], payload["serious_injuries"], payload["direct_loss_yuan"])
    level = fine.grade
    return {
        "grade": level.label_zh,
        "bracket": fine.bracket,
        "fine_min_yuan": as_money_json(fine.fine.low),
        "fine_max_yuan": as_money_json(fine.fine.high),
        "by": {
            "deaths": fine.by_deaths,
            "serious_injuries": fine.by_serious_injuries,
            "direct_loss": fine.by_direct_loss,
        },
        "clause": f"应急管理部令第14号{fine.clause}",
        "decided_by": _authority(fine.decided_by),
        "aggravated_min_yuan": as_money_json(fine.aggravated.low),
        "aggravated_max_yuan": as_money_json(fine.aggravated.high),
        "principal_income_percent": as_money_json(fines.principal_percent(level)),
        "other_responsible_income_percent": _range(fines.other_responsible_percent(level)),
        "concealment_fine_yuan": _range(fines.concealment_fine(level)),
        "concealment_fine_aggravated_yuan": _range(fines.concealment_fine(level, aggravated=True)),
    }


# ---- risk, diagnosis, codes, coordinates ----------------------------------------------------------------------


def calc_risk(payload: Mapping[str, Any]) -> dict[str, Any]:
    if "method" not in payload:
        raise CalculatorError("missing_field", "method", "缺少字段：method", "missing field: method")
    method = payload["method"]
    if not isinstance(method, str):
        raise CalculatorError("wrong_type", "method", "method应为文本", "method must be a string")
    factors = {key: value for key, value in payload.items() if key != "method"}
    for key in factors.keys() & {"bands", "control_levels"}:
        # The band tables are the platform's settings, not calculator input.
        raise CalculatorError("unknown_field", key, f"未知的字段：{key}", f"unknown field: {key}")
    result = risk.assess(method, **factors)
    return {
        "score": _num(result.score, 4),
        "level": result.level.label_zh,
        "colour": result.level.colour_zh,
        "control_level": result.control_level,
    }


def calc_diagnosis(payload: Mapping[str, Any]) -> dict[str, Any]:
    _keys(payload, ("score",), ("direct_red",))
    conditions = payload.get("direct_red", [])
    if isinstance(conditions, str | bytes) or not isinstance(conditions, Sequence):
        raise CalculatorError("wrong_type", "direct_red", "direct_red应为列表", "direct_red must be a list")
    result = diagnosis.grade(payload["score"], conditions)
    return {
        "colour": result.level.colour_zh,
        "level": result.level.label_zh,
        "by_score": result.by_score.colour_zh,
        "direct_red": [condition.id for condition in result.direct_red],
        "reasons": [{"code": reason.code, "zh": reason.zh, "en": reason.en} for reason in result.reasons],
    }


def calc_credit_code(payload: Mapping[str, Any]) -> dict[str, Any]:
    _keys(payload, ("code",), ())
    check = codes.validate_credit_code(_str(payload["code"], "code"))
    return {
        "valid": check.valid,
        "expected_check": check.expected_check,
        "normalized": check.normalized,
        "reason_code": check.reason_code,
        "position": check.position,
        "message_zh": check.message_zh,
        "message_en": check.message_en,
        "registration_authority": check.registration_authority,
        "organisation_type": check.organisation_type,
        "division_code": check.division_code,
        "organisation_code": check.organisation_code,
        "organisation_code_valid": check.organisation_code_valid,
    }


def calc_gcj02(payload: Mapping[str, Any]) -> dict[str, Any]:
    _keys(payload, ("longitude", "latitude"), ("direction",))
    direction = _str(payload.get("direction", "to_gcj02"), "direction")
    convert = {"to_gcj02": coords.wgs84_to_gcj02, "to_wgs84": coords.gcj02_to_wgs84}.get(direction)
    if convert is None:
        raise CalculatorError(
            "value_not_in_table",
            "direction",
            "direction应为to_gcj02或to_wgs84",
            "direction must be to_gcj02 or to_wgs84",
        )
    longitude, latitude = convert(payload["longitude"], payload["latitude"])
    return {"longitude": round(longitude, 8), "latitude": round(latitude, 8)}


CALCULATORS: dict[str, Calculator] = {
    "gb18218": calc_gb18218,
    "accident-grade": calc_accident_grade,
    "accident-fine": calc_accident_fine,
    "risk": calc_risk,
    "diagnosis-grade": calc_diagnosis,
    "credit-code": calc_credit_code,
    "gcj02": calc_gcj02,
}


def run(name: str, payload: object) -> dict[str, Any]:
    """Run calculator ``name`` on ``payload``; raises :class:`DomainError` for bad input."""
    calculator = CALCULATORS.get(name) if isinstance(name, str) else None
    if calculator is None:
        raise CalculatorError(
            "unknown_calculator",
            None,
            f"没有名为“{name}”的计算器（可用：{'、'.join(CALCULATORS)}）",
            f"no calculator named {name!r} (available: {', '.join(CALCULATORS)})",
        )
    return calculator(_object(payload, None))


# ---- description for forms ------------------------------------------------------------------------------------


def _field(name: str, kind: str, zh: str, en: str, *, required: bool = True, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "required": required, "label_zh": zh, "label_en": en, **extra}


def _accident_fields() -> list[dict[str, Any]]:
    return [
        _field("deaths", "integer", "死亡人数", "deaths", min=0),
        _field(
            "serious_injuries", "integer", "重伤人数（含急性工业中毒）", "serious injuries (incl. poisoning)", min=0
        ),
        _field("direct_loss_yuan", "number", "直接经济损失（元）", "direct economic loss (yuan)", min=0),
        _field(
            "kind",
            "choice",
            "事故类别",
            "kind",
            required=False,
            choices=[
                {"value": "other", "zh": "其他", "en": "other"},
                {"value": "road_traffic", "zh": "道路交通事故", "en": "road traffic"},
                {"value": "fire", "zh": "火灾事故", "en": "fire"},
            ],
            default="other",
        ),
        _field("occurred_at", "datetime", "事故发生时间", "occurred at", required=False),
        _field("learned_at", "datetime", "单位负责人接报时间", "unit head learned at", required=False),
        _field("socially_significant", "boolean", "社会影响重大", "socially significant", required=False),
    ]


def _risk_fields() -> list[dict[str, Any]]:
    fields = [
        _field(
            "method",
            "choice",
            "评价方法",
            "method",
            choices=[{"value": m, "zh": m, "en": m} for m in risk.METHODS],
        )
    ]
    labels: dict[str, dict[str, Any]] = {}
    for method in risk.METHODS:
        for factor, values in risk.factor_values(method).items():
            entry = labels.setdefault(factor, {"choices_by_method": {}})
            entry["choices_by_method"][method] = [_num(v, 4) for v in values]
    for factor, entry in labels.items():
        fields.append(_field(factor, "number", factor, factor, required=False, **entry))
    return fields


def describe() -> list[dict[str, Any]]:
    """Each calculator's name, Chinese and English titles and input fields, for rendering forms."""
    symbols = [
        {"value": entry.symbol, "zh": f"{entry.display_name}（{entry.description}）", "en": entry.symbol}
        for entry in gb18218.table2()
    ]
    return [
        {
            "name": "gb18218",
            "title_zh": "危险化学品重大危险源辨识与分级（GB 18218-2018）",
            "title_en": "Major hazard source identification and grading (GB 18218-2018)",
            "fields": [
                _field(
                    "people_within_500m", "integer", "厂区边界外500米范围内常住人口", "residents within 500 m", min=0
                ),
                _field(
                    "substances",
                    "list",
                    "危险化学品",
                    "hazardous chemicals",
                    item_fields=[
                        _field("cas", "string", "CAS号", "CAS number", required=False),
                        _field("name", "string", "名称或别名", "name or alias", required=False),
                        _field("no", "integer", "表1序号", "Table 1 row", required=False, min=1, max=85),
                        _field(
                            "category",
                            "choice",
                            "危险性类别（表2）",
                            "hazard category",
                            required=False,
                            choices=symbols,
                        ),
                        _field("tonnes", "number", "设计最大量（吨）", "design maximum (t)", min=0),
                    ],
                ),
            ],
        },
        {
            "name": "accident-grade",
            "title_zh": "生产安全事故等级与报告时限（国务院令第493号）",
            "title_en": "Accident grade and reporting deadlines (State Council Decree 493)",
            "fields": _accident_fields(),
        },
        {
            "name": "accident-fine",
            "title_zh": "事故罚款档次（应急管理部令第14号）",
            "title_en": "Accident fine bracket (MEM Decree 14)",
            "fields": _accident_fields(),
        },
        {
            "name": "risk",
            "title_zh": "风险评价（LEC、LS、MES）",
            "title_en": "Risk assessment (LEC, LS, MES)",
            "fields": _risk_fields(),
        },
        {
            "name": "diagnosis-grade",
            "title_zh": "危险化学品企业安全风险评估诊断分级",
            "title_en": "Hazardous-chemical enterprise risk diagnosis grade",
            "fields": [
                _field("score", "number", "诊断得分（0～100）", "score (0-100)", min=0, max=100),
                _field(
                    "direct_red",
                    "multichoice",
                    "直接判定为红色的情形",
                    "direct-red conditions",
                    required=False,
                    choices=[{"value": c.id, "zh": c.zh, "en": c.en} for c in diagnosis.conditions()],
                ),
            ],
        },
        {
            "name": "credit-code",
            "title_zh": "统一社会信用代码校验（GB 32100-2015）",
            "title_en": "Unified social credit code check (GB 32100-2015)",
            "fields": [_field("code", "string", "统一社会信用代码", "credit code")],
        },
        {
            "name": "gcj02",
            "title_zh": "坐标转换（WGS84 ↔ GCJ-02）",
            "title_en": "Coordinate conversion (WGS84 ↔ GCJ-02)",
            "fields": [
                _field("longitude", "number", "经度", "longitude", min=-180, max=180),
                _field("latitude", "number", "纬度", "latitude", min=-90, max=90),
                _field(
                    "direction",
                    "choice",
                    "方向",
                    "direction",
                    required=False,
                    choices=[
                        {"value": "to_gcj02", "zh": "WGS84 → GCJ-02", "en": "WGS84 → GCJ-02"},
                        {"value": "to_wgs84", "zh": "GCJ-02 → WGS84", "en": "GCJ-02 → WGS84"},
                    ],
                    default="to_gcj02",
                ),
            ],
        },
    ]
