"""Plan files: the shipped Leshan plan, clear errors for malformed files, and plans added as files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from ansheng.cli import main
from ansheng.core.errors import NotFound
from ansheng.indicators import plans
from ansheng.indicators.plans import PlanFileError, parse_plan_text, read_plan_file


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


GOOD = """\
code: test-2026-2030
name: 测试规划
region: "511100"
period: [2026, 2030]
baseline: {period: [2021, 2025], year: 2025}
indicators:
  - no: 1
    name: 生产安全事故起数
    value: {accidents: count}
    target: {reduce_by: 0.1}
"""


def test_the_shipped_plan_has_the_twelve_targets_of_its_first_column():
    plan = plans.get_plan("leshan-2016-2020")
    assert (plan.region, plan.start, plan.end, plan.baseline_start, plan.baseline_end, plan.baseline_year) == (
        "511100",
        2016,
        2020,
        2011,
        2015,
        2015,
    )
    targets = [(i.no, i.compare, i.target.kind, float(i.target.value)) for i in plan.indicators]
    assert targets == [
        (1, "period_total", "reduce_by", 0.10),
        (2, "period_total", "reduce_by", 0.10),
        (3, "period_total", "reduce_by", 0.15),
        (4, "period_total", "reduce_by", 0.15),
        (5, "final_year", "reduce_by", 0.30),
        (6, "final_year", "reduce_by", 0.19),
        (7, "final_year", "reduce_by", 0.15),
        (8, "final_year", "reduce_by", 0.06),
        (9, "final_year", "at_least", 90.0),
        (10, "final_year", "at_least", 85.0),
        (11, "final_year", "at_least", 90.0),
        (12, "final_year", "at_least", 95.0),
    ]
    assert [i.formula.name for i in plan.indicators[4:8]] == [
        "gdp_death_rate",
        "industrial_death_rate",
        "coal_death_rate",
        "road_death_rate",
    ]
    assert plan.indicator(3).numerator.where.min_grade == 2  # the documented reading of "一般以上"


@pytest.mark.parametrize(
    ("text", "code", "field", "words"),
    [
        ("code: [unclosed\n", "yaml_syntax", None, "第 2 行"),
        (GOOD.replace("  - no: 1", "  - no: 1\n    colour: red"), "unknown_key", "indicators[0].colour", "不认识的键"),
        (GOOD.replace("reduce_by: 0.1", "reduce_by: 10"), "out_of_range", "indicators[0].target.reduce_by", "0.15"),
        (
            GOOD.replace("{accidents: count}", "{accidents: count, where: {sectors: [mining]}}"),
            "unknown_sector",
            "indicators[0].value.where.sectors[0]",
            "mining",
        ),
        (
            GOOD.replace("{accidents: count}", "{input: gnp}"),
            "unknown_input",
            "indicators[0].value.input",
            "motor_vehicles",
        ),
        (
            GOOD.replace("{accidents: count}", "{accidents: count, where: {large_risk: yes}}"),
            "wrong_type",
            "indicators[0].value.where.large_risk",
            "true 或 false",
        ),
        ("- just\n- a list\n", "wrong_type", "plan", "映射"),
        (GOOD.replace('region: "511100"', "region: 5111"), "invalid_region", "region", "6位"),
    ],
)
def test_a_malformed_plan_says_where_and_what(text, code, field, words):
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, Path("bad.yaml"))
    assert (caught.value.code, caught.value.field) == (code, field)
    assert words in caught.value.message


def test_yaml_keys_named_no_stay_numbers():
    assert parse_plan_text(GOOD).indicator(1).no == 1


def test_unreadable_files(tmp_path):
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00code")
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(binary)
    assert caught.value.code == "not_utf8"
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(tmp_path / "missing.yaml")
    assert caught.value.code == "unreadable"
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 600_000, "utf-8")
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(big)
    assert caught.value.code == "file_too_large"


def test_a_plan_is_a_new_file(tmp_path, settings):
    settings.PLANS_DIR = tmp_path
    (tmp_path / "next.yaml").write_text(GOOD, "utf-8")
    (tmp_path / "broken.yml").write_text(GOOD.replace("reduce_by", "halve_by"), "utf-8")
    (tmp_path / "copy.yaml").write_text(GOOD, "utf-8")
    (tmp_path / "notes.txt").write_text("not a plan", "utf-8")
    codes = [p.plan.code for p in plans.all_plans()]
    assert codes == ["test-2026-2030", "leshan-2016-2020"]
    problems = {p.path.name: p.code for p in plans.problems()}
    assert problems == {"broken.yml": "invalid_target", "copy.yaml": "duplicate_code"} or problems == {
        "broken.yml": "invalid_target",
        "next.yaml": "duplicate_code",
    }
    assert plans.current_plan(2027).code == "test-2026-2030"
    assert plans.current_plan(2022).code == "leshan-2016-2020"
    assert plans.current_plan(2010).code in {"test-2026-2030", "leshan-2016-2020"}
    (tmp_path / "copy.yaml").unlink()
    (tmp_path / "broken.yml").write_text(GOOD.replace("test-2026-2030", "fixed-2026-2030"), "utf-8")
    assert {p.plan.code for p in plans.all_plans()} == {"test-2026-2030", "fixed-2026-2030", "leshan-2016-2020"}
    assert plans.problems() == []
    with pytest.raises(NotFound):
        plans.get_plan("nowhere")


def test_the_check_command(tmp_path, capsys):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD, "utf-8")
    bad.write_text(GOOD.replace("[2026, 2030]", "[2030, 2026]"), "utf-8")
    assert main(["plans", "check", str(good)]) == 0
    assert main(["plans", "check", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "good.yaml: ok — test-2026-2030, 2026–2030, 1 indicators" in out
    assert "bad.yaml: error [period]: period：结束年早于起始年" in out
