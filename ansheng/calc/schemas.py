"""The shape of each calculator's input and output, for the OpenAPI document.

These models document the contract; they do not decide it. The rules library checks every input
(``ansheng.domain.calculators.run``) so the command line and the API refuse exactly the same things with the same
codes and fields. Enumerations (Table 2 symbols, LEC values, condition ids, …) are read from the library, and the
tests check that each calculator's real answers fit these models and that the input fields match ``describe()``.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from ansheng.domain import diagnosis, gb18218, risk


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _values(method: str, factor: str) -> list[int | float]:
    return [int(v) if v.denominator == 1 else float(v) for v in risk.factor_values(method)[factor]]


def _enum(values: list[Any]) -> dict[str, Any]:
    return {"enum": values}


def _optional(description: str = "", **schema: Any) -> Any:
    """An optional key that, when sent, must hold a value: the library refuses ``null`` for it (wrong_type)."""

    def adjust(json_schema: dict[str, Any]) -> None:
        json_schema.pop("default", None)
        json_schema.update(schema)

    return Field(None, description=description or None, json_schema_extra=adjust)


# ---- gb18218 ----------------------------------------------------------------------------------------------------


class Gb18218Substance(_Strict):
    """One substance of the unit: a Table 1 chemical by CAS number, name/alias or row, or a Table 2 category."""

    cas: str | None = Field(None, description="CAS number of a Table 1 chemical, e.g. 7782-50-5", examples=["67-56-1"])
    name: str | None = Field(
        None, description="name or alias of a Table 1 chemical (氯, 液氯, 硝酸铵（含可燃物≤0.2%）)", examples=["液氯"]
    )
    no: int | None = Field(None, ge=1, le=85, description="Table 1 row number; selects one of several matching rows")
    category: Annotated[str, Field(json_schema_extra=_enum(list(gb18218.symbols())))] | None = Field(
        None,
        description="Table 2 hazard symbol: alone, the substance is not in Table 1 (Q of Table 2, β of Table 4); with "
        "cas/name/no, it overrides the symbol used for β of a Table 1 chemical not named in Table 3",
    )
    tonnes: float = Field(ge=0, description="design maximum quantity q in tonnes (GB 18218-2018 §4.2.2)")


class Gb18218In(_Strict):
    people_within_500m: int = Field(
        ge=0, description="permanent residents within 500 m outside the plant boundary (Table 5 → α)"
    )
    substances: list[Gb18218Substance] = Field(min_length=1)


class Gb18218Item(_Strict):
    name: str = Field(description="the name as the standard prints it, with its description")
    cas: str | None
    tonnes: float = Field(description="q")
    critical_tonnes: float = Field(description="Q (Table 1, else Table 2)")
    beta: float = Field(description="β (Table 3, else Table 4)")
    ratio: float = Field(description="q/Q, 6 decimals")


class Gb18218Out(_Strict):
    s: float = Field(description="S = Σ q/Q (§4.2.1), 6 decimals")
    is_major_hazard: bool = Field(description="S ≥ 1")
    alpha: float = Field(description="α of Table 5")
    r: float | None = Field(description="R = α·Σ β·q/Q (§4.3); null when S < 1")
    grade: Literal[1, 2, 3, 4] | None = Field(description="Table 6; null when S < 1")
    grade_label: Literal["一级", "二级", "三级", "四级"] | None
    items: list[Gb18218Item]


# ---- accidents --------------------------------------------------------------------------------------------------

GradeLabel = Literal["一般", "较大", "重大", "特别重大"]


class AccidentIn(_Strict):
    deaths: int = Field(ge=0)
    serious_injuries: int = Field(ge=0, description="serious injuries, including acute industrial poisoning")
    direct_loss_yuan: float = Field(ge=0, description="direct economic loss in yuan")
    kind: Literal["road_traffic", "fire", "other"] = _optional(
        "road_traffic and fire have a 7-day re-count window, others 30 days (493号令 第十三条); default other"
    )
    occurred_at: datetime = _optional("ISO 8601; without an offset it is Beijing time")
    learned_at: datetime = _optional("when the unit's head learned of it (starts the 1 h); needs occurred_at")
    socially_significant: bool = _optional("社会影响重大 (21号令 第八条): adds phone reports; default false")


class Authority(_Strict):
    code: str
    zh: str
    en: str


class GradeBy(_Strict):
    deaths: GradeLabel
    serious_injuries: GradeLabel
    direct_loss: GradeLabel


class ReportStep(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: Authority = Field(alias="from")
    to: Authority
    within_hours: int
    deadline: datetime = Field(description="Beijing time")
    channel: Literal["written", "phone"]
    mandatory: bool
    clause: str


class AccidentGradeOut(_Strict):
    grade: GradeLabel = Field(description="the highest grade any criterion reaches (493号令 第三条)")
    by: GradeBy
    recount_window_days: Literal[30, 7]
    report_to: Authority = Field(description="the highest level the report must reach")
    followups_per_day: int = Field(description="21号令 第十一条")
    investigated_by: Authority
    may_delegate_investigation_to_enterprise: bool
    investigation_report_days: int
    investigation_extension_max_days: int
    approval_days: int
    approval_extension_max_days: int
    occurred_at: datetime | None = Field(None, description="given occurred_at only")
    recount_last_day: str | None = Field(None, description="date; given occurred_at only")
    recount_deadline: datetime | None = None
    investigation_report_last_day: str | None = None
    investigation_report_due: datetime | None = None
    reporting: list[ReportStep] | None = Field(None, description="given occurred_at only")


class FineBy(_Strict):
    deaths: Literal[1, 2, 3] | None
    serious_injuries: Literal[1, 2, 3] | None
    direct_loss: Literal[1, 2, 3] | None


class AccidentFineOut(_Strict):
    grade: GradeLabel
    bracket: Literal[1, 2, 3] = Field(description="the highest bracket any criterion reaches")
    fine_min_yuan: float
    fine_max_yuan: float
    by: FineBy
    clause: str
    decided_by: Authority
    aggravated_min_yuan: float = Field(description="第十八条: 2 × the bracket's low end")
    aggravated_max_yuan: float = Field(description="第十八条: 5 × the bracket's high end")
    principal_income_percent: float = Field(description="第十九条")
    other_responsible_income_percent: list[float] = Field(min_length=2, max_length=2, description="第二十条")
    concealment_fine_yuan: list[float] = Field(min_length=2, max_length=2, description="第十三条")
    concealment_fine_aggravated_yuan: list[float] = Field(min_length=2, max_length=2)


# ---- risk, diagnosis, codes, coordinates ----------------------------------------------------------------------


def _factor(method: str, factor: str) -> Any:
    return Field(json_schema_extra=_enum(_values(method, factor)))


class RiskLEC(_Strict):
    method: Literal["LEC"]
    L: float = _factor("LEC", "L")
    E: float = _factor("LEC", "E")
    C: float = _factor("LEC", "C")


class RiskLS(_Strict):
    method: Literal["LS"]
    L: int = _factor("LS", "L")
    S: int = _factor("LS", "S")


class RiskMES(_Strict):
    method: Literal["MES"]
    M: float = _factor("MES", "M")
    E: float = _factor("MES", "E")
    S: float = _factor("MES", "S")


class RiskIn(RootModel[Annotated[RiskLEC | RiskLS | RiskMES, Field(discriminator="method")]]):
    """One of the three methods; each factor must be a value of its table."""


class RiskOut(_Strict):
    score: float = Field(description="D = L×E×C, R = L×S or R = M×E×S")
    level: Literal["重大", "较大", "一般", "低"]
    colour: Literal["红", "橙", "黄", "蓝"]
    control_level: str


class DiagnosisIn(_Strict):
    score: float = Field(ge=0, le=100)
    direct_red: list[str] = _optional(
        "conditions that make the enterprise red whatever its score",
        items={"type": "string", "enum": [c.id for c in diagnosis.conditions()]},
    )


class Reason(_Strict):
    code: str
    zh: str
    en: str


class DiagnosisOut(_Strict):
    colour: Literal["红", "橙", "黄", "蓝"]
    level: Literal["重大", "较大", "一般", "低"]
    by_score: Literal["红", "橙", "黄", "蓝"]
    direct_red: list[str]
    reasons: list[Reason]


class CreditCodeIn(_Strict):
    code: str = Field(examples=["91350100M000100Y43"])


class CreditCodeOut(_Strict):
    valid: bool
    expected_check: str | None
    normalized: str
    reason_code: Literal["illegal_character", "wrong_length", "wrong_check_digit"] | None
    position: int | None = Field(description="1-based position of the first wrong character")
    message_zh: str
    message_en: str
    registration_authority: str | None
    organisation_type: str | None
    division_code: str | None
    organisation_code: str | None
    organisation_code_valid: bool | None


class Gcj02In(_Strict):
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)
    direction: Literal["to_gcj02", "to_wgs84"] = _optional("default to_gcj02")


class Gcj02Out(_Strict):
    longitude: float
    latitude: float


class CalculatorInfo(BaseModel):
    name: str
    title_zh: str
    title_en: str
    fields: list[dict[str, Any]]


class CalculatorList(BaseModel):
    items: list[CalculatorInfo]
    count: int


class SubstanceOut(BaseModel):
    key: str
    table: Literal[1, 2]
    no: int | None
    symbol: str | None
    name: str
    display_name: str
    description: str
    aliases: list[str]
    cas: list[str]
    critical_tonnes: int | float
    beta: int | float
    beta_source: Literal["table3", "table4", "default"]
    beta_symbol: str | None
    beta_reason: str
    input: dict[str, Any] = Field(description="what to send in a substance of the gb18218 calculator (add tonnes)")


# name → (input model, output model, summary)
CONTRACT: dict[str, tuple[type[BaseModel], type[BaseModel], str]] = {
    "gb18218": (Gb18218In, Gb18218Out, "GB 18218-2018 major hazard source: S, R and grade"),
    "accident-grade": (AccidentIn, AccidentGradeOut, "Accident grade, reporting chain and deadlines (493号令)"),
    "accident-fine": (AccidentIn, AccidentFineOut, "Accident fine bracket and range (应急管理部令第14号)"),
    "risk": (RiskIn, RiskOut, "Risk score and level by LEC, LS or MES"),
    "diagnosis-grade": (DiagnosisIn, DiagnosisOut, "Hazardous-chemical enterprise diagnosis colour"),
    "credit-code": (CreditCodeIn, CreditCodeOut, "统一社会信用代码 check (GB 32100-2015)"),
    "gcj02": (Gcj02In, Gcj02Out, "WGS84 ↔ GCJ-02 conversion"),
}


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with every ``$ref`` replaced by its definition (the calculators' inputs are small
    and not recursive), so it can stand in an operation's request body."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                merged = {**definitions[ref.removeprefix("#/$defs/")], **{k: v for k, v in node.items() if k != "$ref"}}
                return resolve(merged)
            # a discriminator's mapping names the definitions inlined here; the "method" constants remain
            return {key: resolve(value) for key, value in node.items() if key != "discriminator"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved
