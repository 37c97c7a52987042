"""The calculator pages: open to everyone, forms from describe(), the library's errors on the fields they name.

Figures: GB 18218-2018 Table 1 row 12 氯 (Q 5 t, β 4 by Table 3), row 65 甲醇 (Q 500 t, platform symbol W5.3 → β 1;
W5.1 → β 1.5 by Table 4), Table 5 α = 1.2 for 30–49 people.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from ansheng.domain.calculators import CALCULATORS


def get(path: str, params: Any = None, **headers: Any) -> Any:
    return Client().get(path, params or {}, **headers)


def text(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def rows(*entries: tuple[str, str, str], people: str = "40") -> list[tuple[str, str]]:
    query = [("people_within_500m", people)]
    for substance, tonnes, category in entries:
        query += [("substance", substance), ("tonnes", tonnes), ("category", category)]
    return query


def gb(query: list[tuple[str, str]], **headers: Any) -> Any:
    from urllib.parse import urlencode

    return Client().get(f"/calc/gb18218/?{urlencode(query)}", **headers)


def test_the_index_lists_every_calculator_for_anonymous_visitors() -> None:
    response = get("/calc/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in CALCULATORS:
        assert f"<code>{name}</code>" in page
    assert 'href="/calc/gb18218/"' in page and 'href="/calc/accident-grade/"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ent_staff", "county_a", "public"])
def test_every_signed_in_user_finds_the_calculators_in_the_navigation(
    world: Any, client_for: Any, persona: str
) -> None:
    page = client_for(world.users[persona]).get("/").content.decode()
    assert '<a href="/calc/">计算器</a>' in page
    assert '<a href="/calc/">计算器</a>' not in Client().get("/calc/").content.decode()  # no navigation when signed out


@pytest.mark.parametrize("name", list(CALCULATORS))
def test_each_calculator_page_shows_its_form(name: str) -> None:
    response = get(f"/calc/{name}/")
    assert response.status_code == 200
    assert 'data-testid="calc-form"' in response.content.decode()


def test_an_unknown_calculator_page_is_404() -> None:
    assert get("/calc/no-such-thing/").status_code == 404


# ---- GB 18218 ---------------------------------------------------------------------------------------------------


def test_gb18218_answers_with_each_contribution() -> None:
    response = gb(rows(("液氯", "30", ""), ("", "", ""), ("67-56-1", "300", "W5.1"), ("W5.3", "1,000", "")))
    assert response.status_code == 200
    page = text(response)
    # S = 6 + 0.6 + 1 = 7.6; Σβq/Q = 24 + 1.5 × 0.6 + 1 = 25.9; R = 1.2 × 25.9 = 31.08 → 三级
    assert "S = 7.6 ≥ 1，构成重大危险源" in page
    assert "R = 31.08，为三级重大危险源" in page
    assert "氯 表1第12行 7782-50-5 30 5 4 表3 6 24" in page
    assert "甲醇 表1第65行 67-56-1 300 500 1.5 表4，按W5.1（人工指定） 0.6 0.9" in page
    assert "W5.3 易燃液体 — 1000 1000 1 表4，按W5.3 1 1" in page
    chart = json.loads(re.search(r'id="gb18218-chart-data"[^>]*>(.*?)</script>', response.content.decode()).group(1))
    assert chart["weighted"] == [24, 0.9, 1]


def test_gb18218_takes_a_table_2_category_picked_without_a_name() -> None:
    # 20 t of a W2 flammable gas (Table 2 Q 10 t, Table 4 β 1.5) with nobody within 500 m (α 0.5): S = 2, R = 1.5
    page = text(gb(rows(("", "20", "W2"), people="0")))
    assert "W2 易燃气体 — 20 10 1.5 表4，按W2 2 3" in page
    assert "R = 1.5，为四级重大危险源" in page


def test_gb18218_below_one_is_not_a_major_hazard_source() -> None:
    page = text(gb(rows(("氯", "4.999", ""), people="0")))
    assert "S = 0.9998 < 1，不构成重大危险源" in page
    assert 'data-testid="grade">—' in gb(rows(("氯", "4.999", ""), people="0")).content.decode()


def _row_errors(response: Any) -> list[dict[str, Any]]:
    match = re.search(r'data-field-errors="([^"]*)"', response.content.decode())
    assert match is not None
    return json.loads(match.group(1).replace("&quot;", '"'))


@pytest.mark.parametrize(
    ("entries", "people", "error"),
    [
        ([("氯", "-5", "")], "10", {"row": 0, "name": "tonnes", "message": "“设计最大量（吨）”不能为负数"}),
        # the error lands on the row on the screen, blank rows included
        (
            [("氯", "5", ""), ("", "", ""), ("不存在", "5", "")],
            "10",
            {
                "row": 2,
                "name": "substance",
                "message": "GB 18218-2018表1中没有“不存在”；不在表1的物质请按表2给出危险性类别（如W5.3）",
            },
        ),
        ([("氯", "", "")], "10", {"row": 0, "name": "tonnes", "message": "请填写“设计最大量（吨）”"}),
        (
            [("W5.3", "5", "W5.1")],
            "10",
            {"row": 0, "name": "category", "message": "按表2类别辨识的物质，其β随类别确定，不能另行指定"},
        ),
        ([("氯", "5", "W5.3")], "10", {"row": 0, "name": "category", "message": "氯的β由表3确定（4），不能按类别改写"}),
        (
            [("", "5", "W9")],
            "10",
            {"row": 0, "name": "substance", "message": "未知的危险性类别符号：W9（应为表2的J1～J5、W1.1～W11）"},
        ),
        ([("氯", "5", "")], "", {"name": "people_within_500m", "message": "请填写“厂区边界外500米范围内常住人口”"}),
        (
            [("氯", "5", "")],
            "3.5",
            {"name": "people_within_500m", "message": "“厂区边界外500米范围内常住人口”应为整数"},
        ),
    ],
)
def test_gb18218_puts_each_error_on_its_box(entries: Any, people: str, error: dict[str, Any]) -> None:
    response = gb(rows(*entries, people=people))
    assert response.status_code == 422
    assert _row_errors(response) == [error]
    assert error["message"] in response.content.decode()  # drawn beside the box without JavaScript too


def test_gb18218_without_substances_says_so() -> None:
    response = gb(rows(("", "", "")))
    assert response.status_code == 422
    assert "请至少给出一种物质" in text(response)


def test_an_htmx_request_gets_the_answer_fragment_even_for_bad_input() -> None:
    good = gb(rows(("氯", "5", "")), HTTP_HX_REQUEST="true")
    assert good.status_code == 200
    assert "<html" not in good.content.decode() and 'data-testid="s">1<' in good.content.decode()
    bad = gb(rows(("氯", "-5", "")), HTTP_HX_REQUEST="true")
    assert bad.status_code == 200  # htmx swaps only successful responses
    assert _row_errors(bad)[0]["name"] == "tonnes"
    assert "HX-Request" in good["Vary"]
    # going back to an address htmx no longer holds asks for the whole page
    restored = gb(rows(("氯", "5", "")), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


def test_suggestions_find_table_1_by_alias_and_cas_and_table_2_by_symbol() -> None:
    page = get("/calc/gb18218/suggest/", {"substance": "液氯"}).content.decode()
    assert page.count('data-testid="suggestion"') >= 1
    assert re.findall(r'data-value="([^"]+)"', page)[0] == "氯"  # the alias leads to the row's name
    assert 'data-value="甲醇"' in get("/calc/gb18218/suggest/", {"substance": "67-56-1"}).content.decode()
    assert 'data-value="W5.3"' in get("/calc/gb18218/suggest/", {"substance": "W5.3"}).content.decode()
    assert "表1中没有匹配的物质" in get("/calc/gb18218/suggest/", {"substance": "zzz"}).content.decode()
    assert get("/calc/gb18218/suggest/").content.decode().strip() == ""


# ---- the other calculators --------------------------------------------------------------------------------------


def test_risk_shows_the_formula_band_and_colour() -> None:
    response = get("/calc/risk/", {"method": "LEC", "L": "3", "E": "6", "C": "7"})
    page = text(response)
    assert "D = 3 × 6 × 7 = 126" in page and "一般风险" in page and "车间" in page
    assert re.search(r'<tr class="hit"[^>]*><td>一般</td>', response.content.decode())
    ls = text(get("/calc/risk/", {"method": "ls", "L": "4", "S": "5"}))
    assert "R = 4 × 5 = 20" in ls and "重大风险" in ls  # LS 20–25 重大


def test_risk_errors_name_the_factor() -> None:
    outside = get("/calc/risk/", {"method": "LEC", "L": "4", "E": "6", "C": "7"})
    assert outside.status_code == 422
    assert _row_errors(outside) == [
        {"name": "L", "message": "LEC的“L 事故发生的可能性”应为10、6、3、1、0.5、0.2、0.1之一"}
    ]
    missing = get("/calc/risk/", {"method": "MES", "M": "3", "E": "6"})
    assert _row_errors(missing) == [{"name": "S", "message": "请填写“S 事故的可能后果”"}]


def test_accident_grade_shows_the_reporting_chain_in_beijing_time() -> None:
    page = text(
        get(
            "/calc/accident-grade/",
            {
                "deaths": "3",
                "serious_injuries": "0",
                "direct_loss_yuan": "0",
                "kind": "other",
                "occurred_at": "2025-03-01T10:00",
            },
        )
    )
    assert "较大事故" in page
    assert "事故发生单位负责人 县级应急管理部门 书面 接报后1小时内 2025-03-01 11:00" in page
    assert "至2025-03-31止" in page and "期限至2025-04-30" in page


def test_accident_fine_shows_the_bracket_and_range() -> None:
    page = text(
        get("/calc/accident-fine/", {"deaths": "1", "serious_injuries": "0", "direct_loss_yuan": "0", "kind": "other"})
    )
    # 一般 accident with 1 death: 第十四条 second bracket, 50万–70万
    assert "一般事故 第2档" in page and "处50万元以上70万元以下的罚款" in page


def test_credit_code_says_exactly_what_is_wrong() -> None:
    response = get("/calc/credit-code/", {"code": "91350100M000100Y42"})
    page = response.content.decode()
    assert "校验码错误：第18位应为“3”，实为“2”" in page
    assert re.search(r'<span class="char wrong" title="第18位">2<small>18</small>', page)
    assert "请填写“统一社会信用代码”" in get("/calc/credit-code/", {"code": " "}).content.decode()


def test_gcj02_converts_both_ways() -> None:
    there = get("/calc/gcj02/", {"longitude": "103.7656", "latitude": "29.5521", "direction": "to_gcj02"})
    page = there.content.decode()
    # at Leshan GCJ-02 lies about +0.0022° in longitude and −0.0028° in latitude from WGS84 (≈ 370 m)
    assert 'data-testid="longitude"><strong>103.76780879<' in page
    assert 'data-testid="latitude"><strong>29.54934369<' in page
    assert "两点相距约37" in text(there)
    back_url = html.unescape(re.search(r'href="([^"]+)" data-testid="reverse"', page).group(1))
    assert "direction=to_wgs84" in back_url
    back = Client().get(back_url).content.decode()
    longitude = float(re.search(r'data-testid="longitude"><strong>([0-9.]+)<', back).group(1))
    latitude = float(re.search(r'data-testid="latitude"><strong>([0-9.]+)<', back).group(1))
    assert abs(longitude - 103.7656) < 1e-7 and abs(latitude - 29.5521) < 1e-7  # round trip within 1 cm


def test_pages_follow_the_language() -> None:
    response = get("/calc/risk/", {"method": "LEC", "L": "4", "E": "6", "C": "7"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "LEC factor “L likelihood” must be one of 10, 6, 3, 1, 0.5, 0.2, 0.1" in response.content.decode()
    assert "Deaths" in get("/calc/accident-grade/", HTTP_ACCEPT_LANGUAGE="en").content.decode().title()
