"""The JSON contract of the calculators (shared by ``ansheng calc`` and ``POST /api/v1/calc/<name>``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ansheng.domain.calculators import CALCULATORS, describe, run
from ansheng.domain.errors import DomainError


def refused(name: str, payload: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        run(name, payload)
    json.dumps(caught.value.to_dict())
    return caught.value


# ---- gb18218 ----------------------------------------------------------------------------------------------------


def test_gb18218_contract() -> None:
    out = run(
        "gb18218",
        {
            "people_within_500m": 35,
            "substances": [
                {"name": "甲醇", "tonnes": 300},
                {"cas": "７６６４-４１-７", "tonnes": 6},
                {"category": "W5.3", "tonnes": 200},
                {"cas": "9004-70-0", "no": 39, "tonnes": 1},
                {"name": "甲醇", "category": "W5.1", "tonnes": 0},
            ],
        },
    )
    assert list(out) == ["s", "is_major_hazard", "alpha", "r", "grade", "grade_label", "items"]
    # S = 300/500 + 6/10 + 200/1000 + 1/10 = 1.5; R = 1.2 × (0.6 + 2 × 0.6 + 0.2 + 2 × 0.1) = 2.64
    assert out["s"] == 1.5 and out["is_major_hazard"] is True
    assert out["alpha"] == 1.2 and out["r"] == 2.64
    assert (out["grade"], out["grade_label"]) == (4, "四级")
    assert [list(item) for item in out["items"]] == [["name", "cas", "tonnes", "critical_tonnes", "beta", "ratio"]] * 5
    assert out["items"][0] == {
        "name": "甲醇",
        "cas": "67-56-1",
        "tonnes": 300,
        "critical_tonnes": 500,
        "beta": 1,
        "ratio": 0.6,
    }
    assert out["items"][1]["cas"] == "7664-41-7" and out["items"][1]["beta"] == 2
    assert out["items"][2] == {
        "name": "W5.3 易燃液体",
        "cas": None,
        "tonnes": 200,
        "critical_tonnes": 1000,
        "beta": 1,
        "ratio": 0.2,
    }
    assert out["items"][3]["name"] == "硝化纤维素（含乙醇≥25%）" and out["items"][3]["critical_tonnes"] == 10
    assert out["items"][4]["beta"] == 1.5
    json.dumps(out)


def test_gb18218_not_major_has_null_r_and_grade() -> None:
    out = run("gb18218", {"people_within_500m": 0, "substances": [{"name": "光气", "tonnes": 0.1}]})
    assert out["s"] == 0.333333 and out["is_major_hazard"] is False
    assert out["r"] is None and out["grade"] is None and out["grade_label"] is None
    assert out["alpha"] == 0.5


def test_gb18218_edges_are_exact() -> None:
    # 光气 0.3 t at Q 0.3 t: S = 1 exactly; R = 0.5 × 20 = 10 → 三级
    out = run("gb18218", {"people_within_500m": 0, "substances": [{"name": "光气", "tonnes": 0.3}]})
    assert (out["s"], out["is_major_hazard"], out["r"], out["grade"]) == (1, True, 10, 3)
    # 氯 62.5 t with 100 people: R = 2 × 4 × 12.5 = 100 → 一级
    out = run("gb18218", {"people_within_500m": 100, "substances": [{"cas": "7782-50-5", "tonnes": 62.5}]})
    assert (out["r"], out["grade"], out["grade_label"]) == (100, 1, "一级")


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"people_within_500m": 1}, "missing_field", "substances"),
        ({"substances": []}, "missing_field", "people_within_500m"),
        ({"people_within_500m": 1, "substances": [], "extra": 1}, "unknown_field", "extra"),
        ({"people_within_500m": 1, "substances": []}, "empty_list", "substances"),
        ({"people_within_500m": 1, "substances": "甲醇"}, "wrong_type", "substances"),
        ({"people_within_500m": 1, "substances": {"name": "甲醇"}}, "wrong_type", "substances"),
        (
            {"people_within_500m": -1, "substances": [{"name": "甲醇", "tonnes": 1}]},
            "negative_value",
            "people_within_500m",
        ),
        (
            {"people_within_500m": 1.5, "substances": [{"name": "甲醇", "tonnes": 1}]},
            "wrong_type",
            "people_within_500m",
        ),
        ({"people_within_500m": 1, "substances": ["甲醇"]}, "wrong_type", "substances[0]"),
        ({"people_within_500m": 1, "substances": [{"name": "甲醇"}]}, "missing_field", "substances[0].tonnes"),
        ({"people_within_500m": 1, "substances": [{"tonnes": 1}]}, "missing_field", "substances[0].cas"),
        (
            {"people_within_500m": 1, "substances": [{"name": "甲醇", "tonnes": 1, "unit": "t"}]},
            "unknown_field",
            "substances[0].unit",
        ),
        (
            {"people_within_500m": 1, "substances": [{"name": "甲醇", "tonnes": 1}, {"name": "苯", "tonnes": -2}]},
            "negative_quantity",
            "substances[1].tonnes",
        ),
        (
            {"people_within_500m": 1, "substances": [{"name": "甲醇", "tonnes": 1}, {"name": "苯", "tonnes": True}]},
            "wrong_type",
            "substances[1].tonnes",
        ),
        (
            {"people_within_500m": 1, "substances": [{"name": "甲醇", "tonnes": 1}, {"name": "苯", "tonnes": "2"}]},
            "wrong_type",
            "substances[1].tonnes",
        ),
        (
            {"people_within_500m": 1, "substances": [{"name": "二氧化碳", "tonnes": 1}]},
            "unknown_substance",
            "substances[0].name",
        ),
        (
            {"people_within_500m": 1, "substances": [{"cas": "124-38-9", "tonnes": 1}]},
            "unknown_substance",
            "substances[0].cas",
        ),
        (
            {"people_within_500m": 1, "substances": [{"cas": "67-56-2", "tonnes": 1}]},
            "invalid_cas",
            "substances[0].cas",
        ),
        (
            {"people_within_500m": 1, "substances": [{"cas": "9004-70-0", "tonnes": 1}]},
            "ambiguous_substance",
            "substances[0].cas",
        ),
        ({"people_within_500m": 1, "substances": [{"no": 86, "tonnes": 1}]}, "unknown_row", "substances[0].no"),
        (
            {"people_within_500m": 1, "substances": [{"category": "W12", "tonnes": 1}]},
            "unknown_category",
            "substances[0].category",
        ),
        (
            {"people_within_500m": 1, "substances": [{"category": 53, "tonnes": 1}]},
            "wrong_type",
            "substances[0].category",
        ),
        (
            {"people_within_500m": 1, "substances": [{"name": "氯", "category": "J1", "tonnes": 1}]},
            "override_not_allowed",
            "substances[0].category",
        ),
        (
            {"people_within_500m": 1, "substances": [{"cas": "67-56-1", "name": "乙醇", "tonnes": 1}]},
            "conflicting_fields",
            "substances[0].name",
        ),
    ],
)
def test_gb18218_refusals(payload: dict[str, Any], code: str, field: str) -> None:
    error = refused("gb18218", payload)
    assert (error.code, error.field) == (code, field)


# ---- accidents --------------------------------------------------------------------------------------------------


def test_accident_grade_contract_without_a_date() -> None:
    out = run("accident-grade", {"deaths": 3, "serious_injuries": 12, "direct_loss_yuan": 5_000_000})
    assert out["grade"] == "较大"
    assert out["by"] == {"deaths": "较大", "serious_injuries": "较大", "direct_loss": "一般"}
    assert out["recount_window_days"] == 30
    assert out["report_to"] == {
        "code": "province",
        "zh": "省级应急管理部门",
        "en": "provincial emergency management department",
    }
    assert out["followups_per_day"] == 1
    assert out["investigated_by"]["code"] == "city_government"
    assert out["may_delegate_investigation_to_enterprise"] is False
    assert (out["investigation_report_days"], out["investigation_extension_max_days"]) == (60, 60)
    assert (out["approval_days"], out["approval_extension_max_days"]) == (15, 0)
    assert "reporting" not in out and "recount_deadline" not in out
    json.dumps(out)


def test_accident_grade_contract_with_dates() -> None:
    out = run(
        "accident-grade",
        {
            "deaths": 0,
            "serious_injuries": 0,
            "direct_loss_yuan": 200_000.5,
            "kind": "fire",
            "occurred_at": "2024-03-01T10:00",  # no offset: Leshan local time
            "learned_at": "2024-03-01T02:30:00Z",
            "socially_significant": True,
        },
    )
    assert out["grade"] == "一般" and out["recount_window_days"] == 7
    assert out["may_delegate_investigation_to_enterprise"] is True
    assert out["occurred_at"] == "2024-03-01T10:00:00+08:00"
    assert out["recount_last_day"] == "2024-03-08"
    assert out["recount_deadline"] == "2024-03-09T00:00:00+08:00"
    assert out["investigation_report_last_day"] == "2024-04-30"
    assert out["investigation_report_due"] == "2024-05-01T00:00:00+08:00"
    first = out["reporting"][0]
    assert first["from"]["code"] == "enterprise" and first["to"]["code"] == "county"
    assert first["deadline"] == "2024-03-01T11:30:00+08:00"  # learned at 10:30 Leshan time + 1 h
    assert first["within_hours"] == 1 and first["channel"] == "written" and first["mandatory"] is True
    assert "第九条" in first["clause"]
    assert any(step["channel"] == "phone" for step in out["reporting"])  # 21号令 第八条
    json.dumps(out)


def test_accident_fine_contract() -> None:
    out = run("accident-fine", {"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "kind": "other"})
    assert out == {
        "grade": "一般",
        "bracket": 2,
        "fine_min_yuan": 500_000,
        "fine_max_yuan": 700_000,
        "by": {"deaths": 2, "serious_injuries": 1, "direct_loss": 1},
        "clause": "应急管理部令第14号第十四条",
        "decided_by": {
            "code": "county",
            "zh": "县级人民政府应急管理部门",
            "en": "county-level emergency management bureau",
        },
        "aggravated_min_yuan": 1_000_000,
        "aggravated_max_yuan": 3_500_000,
        "principal_income_percent": 40,
        "other_responsible_income_percent": [20, 30],
        "concealment_fine_yuan": [1_000_000, 1_500_000],
        "concealment_fine_aggravated_yuan": [3_000_000, 3_500_000],
    }


@pytest.mark.parametrize("name", ["accident-grade", "accident-fine"])
@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"deaths": 1, "serious_injuries": 0}, "missing_field", "direct_loss_yuan"),
        ({"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "injured": 1}, "unknown_field", "injured"),
        ({"deaths": True, "serious_injuries": 0, "direct_loss_yuan": 0}, "wrong_type", "deaths"),
        ({"deaths": 1.0, "serious_injuries": 0, "direct_loss_yuan": 0}, "wrong_type", "deaths"),
        ({"deaths": 1, "serious_injuries": -1, "direct_loss_yuan": 0}, "negative_value", "serious_injuries"),
        ({"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": "0"}, "wrong_type", "direct_loss_yuan"),
        ({"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "kind": "flood"}, "value_not_in_table", "kind"),
        ({"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "kind": 1}, "wrong_type", "kind"),
        (
            {"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "occurred_at": "yesterday"},
            "invalid_datetime",
            "occurred_at",
        ),
        (
            {"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "occurred_at": 1709258400},
            "wrong_type",
            "occurred_at",
        ),
        (
            {"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "learned_at": "2024-03-01T10:00"},
            "missing_field",
            "occurred_at",
        ),
        (
            {
                "deaths": 1,
                "serious_injuries": 0,
                "direct_loss_yuan": 0,
                "occurred_at": "2024-03-01T10:00",
                "learned_at": "2024-03-01T09:59",
            },
            "before_occurrence",
            "learned_at",
        ),
        (
            {"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "socially_significant": "yes"},
            "wrong_type",
            "socially_significant",
        ),
    ],
)
def test_accident_refusals(name: str, payload: dict[str, Any], code: str, field: str) -> None:
    error = refused(name, payload)
    assert (error.code, error.field) == (code, field)


# ---- risk, diagnosis, credit code, coordinates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "out"),
    [
        (
            {"method": "LEC", "L": 3, "E": 6, "C": 7},
            {"score": 126, "level": "一般", "colour": "黄", "control_level": "车间"},
        ),
        (
            {"method": "LEC", "L": 0.5, "E": 0.5, "C": 1},
            {"score": 0.25, "level": "低", "colour": "蓝", "control_level": "班组/岗位"},
        ),
        ({"method": "LS", "L": 5, "S": 4}, {"score": 20, "level": "重大", "colour": "红", "control_level": "公司"}),
        (
            {"method": "MES", "M": 3, "E": 6, "S": 8},
            {"score": 144, "level": "较大", "colour": "橙", "control_level": "部门"},
        ),
    ],
)
def test_risk_contract(payload: dict[str, Any], out: dict[str, Any]) -> None:
    assert run("risk", payload) == out


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"L": 3, "E": 6, "C": 7}, "missing_field", "method"),
        ({"method": 1, "L": 3}, "wrong_type", "method"),
        ({"method": "LEC", "L": 4, "E": 6, "C": 7}, "value_not_in_table", "L"),
        ({"method": "LEC", "L": 3, "E": 6}, "missing_field", "C"),
        ({"method": "LS", "L": 3, "S": 3, "C": 1}, "unknown_field", "C"),
        ({"method": "LS", "L": 3, "S": False}, "wrong_type", "S"),
        ({"method": "LS", "L": 3, "S": 3, "bands": {}}, "unknown_field", "bands"),
        ({"method": "LS", "L": 3, "S": 3, "control_levels": {}}, "unknown_field", "control_levels"),
    ],
)
def test_risk_refusals(payload: dict[str, Any], code: str, field: str) -> None:
    error = refused("risk", payload)
    assert (error.code, error.field) == (code, field)


def test_diagnosis_contract() -> None:
    out = run("diagnosis-grade", {"score": 88})
    assert (out["colour"], out["level"], out["by_score"], out["direct_red"]) == ("黄", "一般", "黄", [])
    out = run("diagnosis-grade", {"score": 91, "direct_red": ["no_formal_design"]})
    assert (out["colour"], out["by_score"], out["direct_red"]) == ("红", "蓝", ["no_formal_design"])
    assert [reason["code"] for reason in out["reasons"]] == ["score", "direct_red:no_formal_design"]


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({}, "missing_field", "score"),
        ({"score": 101}, "out_of_range", "score"),
        ({"score": 80, "direct_red": "no_formal_design"}, "wrong_type", "direct_red"),
        ({"score": 80, "direct_red": ["x"]}, "unknown_condition", "direct_red[0]"),
        ({"score": 80, "reasons": []}, "unknown_field", "reasons"),
    ],
)
def test_diagnosis_refusals(payload: dict[str, Any], code: str, field: str) -> None:
    error = refused("diagnosis-grade", payload)
    assert (error.code, error.field) == (code, field)


def test_credit_code_contract() -> None:
    out = run("credit-code", {"code": "91350100M000100Y43"})
    assert out["valid"] is True and out["expected_check"] == "3" and out["reason_code"] is None
    out = run("credit-code", {"code": "91350100M000100Y44"})
    assert (out["valid"], out["expected_check"], out["reason_code"], out["position"]) == (
        False,
        "3",
        "wrong_check_digit",
        18,
    )
    out = run("credit-code", {"code": "9135"})
    assert (out["valid"], out["expected_check"], out["reason_code"]) == (False, None, "wrong_length")
    json.dumps(out)


@pytest.mark.parametrize(
    ("payload", "code", "field"), [({}, "missing_field", "code"), ({"code": 9}, "wrong_type", "code")]
)
def test_credit_code_refusals(payload: dict[str, Any], code: str, field: str) -> None:
    error = refused("credit-code", payload)
    assert (error.code, error.field) == (code, field)


def test_gcj02_contract() -> None:
    there = run("gcj02", {"longitude": 103.7656, "latitude": 29.5521})
    assert list(there) == ["longitude", "latitude"]
    assert there == {"longitude": pytest.approx(103.76781, abs=1e-5), "latitude": pytest.approx(29.54934, abs=1e-5)}
    back = run("gcj02", {**there, "direction": "to_wgs84"})
    assert back == {"longitude": pytest.approx(103.7656, abs=1e-7), "latitude": pytest.approx(29.5521, abs=1e-7)}
    assert run("gcj02", {"longitude": 2.35, "latitude": 48.85, "direction": "to_gcj02"}) == {
        "longitude": 2.35,
        "latitude": 48.85,
    }


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"longitude": 103.7}, "missing_field", "latitude"),
        ({"longitude": 103.7, "latitude": 29.5, "direction": "to_bd09"}, "value_not_in_table", "direction"),
        ({"longitude": 103.7, "latitude": 29.5, "direction": 1}, "wrong_type", "direction"),
        ({"longitude": 200, "latitude": 29.5}, "out_of_range", "longitude"),
        ({"longitude": "103.7", "latitude": 29.5}, "wrong_type", "longitude"),
    ],
)
def test_gcj02_refusals(payload: dict[str, Any], code: str, field: str) -> None:
    error = refused("gcj02", payload)
    assert (error.code, error.field) == (code, field)


# ---- the runner and the descriptions -----------------------------------------------------------------------------


def test_unknown_calculators_and_payloads() -> None:
    error = refused("lec", {})
    assert (error.code, error.field) == ("unknown_calculator", None)
    assert "gb18218" in error.message_en
    assert refused(None, {}).code == "unknown_calculator"  # type: ignore[arg-type]
    error = refused("risk", [1, 2])
    assert (error.code, error.field) == ("wrong_type", None)


def test_describe_covers_every_calculator_with_form_fields() -> None:
    described = describe()
    json.dumps(described)
    assert [entry["name"] for entry in described] == list(CALCULATORS)
    for entry in described:
        assert entry["title_zh"] and entry["title_en"] and entry["fields"]
        for field in entry["fields"]:
            assert {"name", "type", "required", "label_zh", "label_en"} <= set(field)
    gb = described[0]
    item_fields = next(f for f in gb["fields"] if f["name"] == "substances")["item_fields"]
    assert [f["name"] for f in item_fields] == ["cas", "name", "no", "category", "tonnes"]
    assert {"value": "W5.3", "zh": "W5.3 易燃液体（不属于W5.1或W5.2的其他类别2）", "en": "W5.3"} in item_fields[3][
        "choices"
    ]
    risk_fields = {f["name"]: f for f in next(e for e in described if e["name"] == "risk")["fields"]}
    assert risk_fields["L"]["choices_by_method"]["LEC"] == [10, 6, 3, 1, 0.5, 0.2, 0.1]
    assert risk_fields["S"]["choices_by_method"] == {"LS": [5, 4, 3, 2, 1], "MES": [10, 8, 4, 2, 1]}
    diagnosis_fields = next(e for e in described if e["name"] == "diagnosis-grade")["fields"]
    assert diagnosis_fields[1]["choices"][0]["value"] == "no_formal_design"
