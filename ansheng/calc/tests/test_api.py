"""`/api/v1/calc`: the same objects as the command line, open to anonymous callers, never a 500.

Cases are computed by hand from the cited clauses:
- GB 18218-2018: Table 1 row 12 氯 Q = 5 t, β = 4 (Table 3); row 6 光气 Q = 0.3 t, β = 20 (Table 3); row 65 甲醇
  Q = 500 t, β = 1 (W5.3, Table 4); Table 2 W5.3 Q = 1000 t; Table 5 α: 0 → 0.5, 1–29 → 1.0, 30–49 → 1.2, 50–99 → 1.5,
  ≥ 100 → 2.0; Table 6: R ≥ 100 一级, 50 ≤ R < 100 二级, 10 ≤ R < 50 三级, R < 10 四级; §4.2.1 S ≥ 1.
- 国务院令第493号 第三条 (bands lower-inclusive), 第九–十一条, 第十三条, 第二十九条; 安监总局令第21号 第六–九、十一条.
- 应急管理部令第14号 第十四–二十条.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ansheng.calc import schemas
from ansheng.domain.calculators import CALCULATORS, describe

URL = "/api/v1/calc"


def post(client: Client, name: str, payload: Any, **headers: Any) -> Any:
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload, ensure_ascii=False)
    return client.post(f"{URL}/{name}", data=body, content_type="application/json", **headers)


@pytest.fixture
def client() -> Client:
    return Client()


# ---- happy paths, one per calculator, through the calculator's own route and the generic one -------------------

CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        # S = 30/5 + 300/500 + 500/1000 = 7.1; R = 1.2 × (4 × 6 + 0.6 + 0.5) = 30.12 → 三级
        "gb18218",
        {
            "people_within_500m": 40,
            "substances": [
                {"name": "液氯", "tonnes": 30},
                {"cas": "67-56-1", "tonnes": 300},
                {"category": "W5.3", "tonnes": 500},
            ],
        },
        {"s": 7.1, "is_major_hazard": True, "alpha": 1.2, "r": 30.12, "grade": 3, "grade_label": "三级"},
    ),
    (
        # 3 deaths reach 较大 (第三条: 3人以上10人以下死亡); 较大 is reported up to the province (第十条)
        "accident-grade",
        {"deaths": 3, "serious_injuries": 2, "direct_loss_yuan": 5_000_000},
        {
            "grade": "较大",
            "by": {"deaths": "较大", "serious_injuries": "一般", "direct_loss": "一般"},
            "recount_window_days": 30,
            "followups_per_day": 1,
        },
    ),
    (
        # 较大, 5 deaths: second bracket of 第十五条, 120万–150万
        "accident-fine",
        {"deaths": 5, "serious_injuries": 0, "direct_loss_yuan": 0},
        {
            "grade": "较大",
            "bracket": 2,
            "fine_min_yuan": 1_200_000,
            "fine_max_yuan": 1_500_000,
            "principal_income_percent": 60,
        },
    ),
    (
        "risk",
        {"method": "LEC", "L": 3, "E": 6, "C": 7},
        {"score": 126, "level": "一般", "colour": "黄", "control_level": "车间"},
    ),
    ("diagnosis-grade", {"score": 74.9}, {"colour": "橙", "level": "较大", "direct_red": []}),
    # the example printed in GB 32100-2015
    ("credit-code", {"code": "91350100M000100Y43"}, {"valid": True, "expected_check": "3", "division_code": "350100"}),
    # outside China the conversion is the identity
    ("gcj02", {"longitude": 2.35, "latitude": 48.85}, {"longitude": 2.35, "latitude": 48.85}),
]


@pytest.mark.parametrize(("name", "payload", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_calculator_answers_anonymous_callers(client: Client, name: str, payload: Any, expected: Any) -> None:
    response = post(client, name, payload)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    out = response.json()
    assert {key: out[key] for key in expected} == expected
    schemas.CONTRACT[name][1].model_validate(out)  # the documented output shape fits it exactly


def test_the_generic_route_serves_every_calculator(client: Client) -> None:
    # Django resolves /calc/<name> to the calculator's own route first; the {name} route answers the same objects
    from django.test import RequestFactory

    from ansheng.calc.api import calculate_by_name

    for name, payload, _expected in CASES:
        request = RequestFactory().post(f"{URL}/{name}", data=json.dumps(payload), content_type="application/json")
        answer = calculate_by_name(request, name)
        assert answer.status_code == 200
        assert json.loads(answer.content) == post(client, name, payload).json()


def test_gb18218_items_carry_each_contribution(client: Client) -> None:
    out = post(client, "gb18218", CASES[0][1]).json()
    assert out["items"] == [
        {"name": "氯", "cas": "7782-50-5", "tonnes": 30, "critical_tonnes": 5, "beta": 4, "ratio": 6},
        {"name": "甲醇", "cas": "67-56-1", "tonnes": 300, "critical_tonnes": 500, "beta": 1, "ratio": 0.6},
        {"name": "W5.3 易燃液体", "cas": None, "tonnes": 500, "critical_tonnes": 1000, "beta": 1, "ratio": 0.5},
    ]


# ---- boundaries through the door -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "substance", "s", "r", "grade", "label"),
    [
        # R exactly 100 is 一级 (Table 6 "R ≥ 100"): α = 2.0 (100人以上 includes 100), 4 × 62.5/5 = 50
        (100, {"name": "氯", "tonnes": 62.5}, 12.5, 100, 1, "一级"),
        # just under: 62.49 t gives R = 99.984 → 二级
        (100, {"name": "氯", "tonnes": 62.49}, 12.498, 99.984, 2, "二级"),
        # S exactly 1 is a major hazard source (§4.2.1): 0.3 t of 光气; R = 0.5 × 20 × 1 = 10 → 三级 (10 ≤ R)
        (0, {"name": "光气", "tonnes": 0.3}, 1, 10, 3, "三级"),
        # S just under 1 is not: no R, no grade
        (0, {"name": "氯", "tonnes": 4.99999}, 0.999998, None, None, None),
    ],
)
def test_gb18218_band_edges(
    client: Client, people: int, substance: Any, s: float, r: Any, grade: Any, label: Any
) -> None:
    out = post(client, "gb18218", {"people_within_500m": people, "substances": [substance]}).json()
    assert (out["s"], out["r"], out["grade"], out["grade_label"]) == (s, r, grade, label)
    assert out["is_major_hazard"] is (grade is not None)


@pytest.mark.parametrize(
    ("figures", "grade"),
    [
        ({"deaths": 2, "serious_injuries": 9, "direct_loss_yuan": 9_999_999.99}, "一般"),
        ({"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 10_000_000}, "较大"),  # 1000万元以上 includes it
        ({"deaths": 0, "serious_injuries": 10, "direct_loss_yuan": 0}, "较大"),
        ({"deaths": 10, "serious_injuries": 0, "direct_loss_yuan": 0}, "重大"),
        ({"deaths": 30, "serious_injuries": 0, "direct_loss_yuan": 0}, "特别重大"),
    ],
)
def test_accident_grade_band_edges(client: Client, figures: Any, grade: str) -> None:
    assert post(client, "accident-grade", figures).json()["grade"] == grade


def test_accident_deadlines_are_in_beijing_time(client: Client) -> None:
    out = post(
        client,
        "accident-grade",
        {
            "deaths": 3,
            "serious_injuries": 0,
            "direct_loss_yuan": 0,
            "kind": "fire",
            "occurred_at": "2025-03-01T02:00:00Z",
        },
    ).json()
    assert out["occurred_at"] == "2025-03-01T10:00:00+08:00"
    first = out["reporting"][0]
    # 493号令 第九条: the unit's head reports to the county bureau within 1 hour
    assert (first["from"]["code"], first["to"]["code"], first["deadline"]) == (
        "enterprise",
        "county",
        "2025-03-01T11:00:00+08:00",
    )
    # 第十三条: fire accidents are re-counted for 7 days (the accident day not counted); 第二十九条: report in 60 days
    assert (out["recount_window_days"], out["recount_last_day"]) == (7, "2025-03-08")
    assert out["investigation_report_last_day"] == "2025-04-30"
    assert out["report_to"]["code"] == "province"


# ---- bad input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "code", "field"),
    [
        (
            "gb18218",
            {"people_within_500m": 1, "substances": [{"name": "不存在", "tonnes": 1}]},
            "unknown_substance",
            "substances[0].name",
        ),
        ("risk", {"method": "LEC", "L": 4, "E": 6, "C": 7}, "value_not_in_table", "L"),
        (
            "gb18218",
            {"people_within_500m": 1, "substances": [{"no": 12, "tonnes": -0.1}]},
            "negative_quantity",
            "substances[0].tonnes",
        ),
        ("accident-fine", {"deaths": 1, "serious_injuries": 0}, "missing_field", "direct_loss_yuan"),
        ("accident-fine", {"deaths": True, "serious_injuries": 0, "direct_loss_yuan": 0}, "wrong_type", "deaths"),
        ("gcj02", {"longitude": 103.7, "latitude": 29.5, "datum": "wgs84"}, "unknown_field", "datum"),
        ("risk", '{"method": "LEC",', "malformed_json", None),
        ("risk", "", "malformed_json", None),
        ("risk", b"\xff\xfe\x00", "malformed_json", None),
        ("risk", "[1, 2]", "wrong_type", None),
        ("gb18218", "[" * 100_000, "malformed_json", None),
        ("gcj02", '{"longitude": Infinity, "latitude": 1}', "malformed_json", None),
        ("gb18218", {"people_within_500m": 1, "substances": [{"name": "光气", "tonnes": 1e308}]}, "out_of_range", None),
        (
            "accident-grade",
            {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 0, "occurred_at": "9999-12-31T23:00:00"},
            "out_of_range",
            None,
        ),
    ],
)
def test_bad_input_is_422_with_code_message_and_field(
    client: Client, name: str, body: Any, code: str, field: Any
) -> None:
    response = post(client, name, body)
    assert response.status_code == 422, response.content
    error = response.json()
    assert set(error) == {"code", "message", "field"}
    assert (error["code"], error["field"]) == (code, field)


def test_messages_follow_accept_language(client: Client) -> None:
    bad = {"method": "LEC", "L": 4, "E": 6, "C": 7}
    assert post(client, "risk", bad).json()["message"] == "LEC的L应为10、6、3、1、0.5、0.2、0.1之一"
    english = post(client, "risk", bad, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").json()["message"]
    assert english == "LEC factor L must be one of 10, 6, 3, 1, 0.5, 0.2, 0.1"


def test_an_unknown_calculator_is_404(client: Client) -> None:
    response = post(client, "no-such-thing", {})
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_calculator"
    assert "gb18218" in response.json()["message"]


def test_an_oversized_body_is_refused_before_it_is_read(client: Client) -> None:
    response = post(client, "gb18218", "x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_only_post_runs_a_calculator(client: Client) -> None:
    assert client.get(f"{URL}/risk").status_code == 405
    assert client.put(f"{URL}/risk", data="{}", content_type="application/json").status_code == 405


@pytest.mark.django_db
def test_signed_in_callers_get_the_same_answers_without_a_csrf_token(world: Any, bearer: Any) -> None:
    # Nothing is written, so a browser session needs no CSRF token and a token changes nothing either.
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.users["county_a"])
    payload = {"method": "LS", "L": 4, "S": 5}
    expected = {"score": 20, "level": "重大", "colour": "红", "control_level": "公司"}  # LS 4 × 5 = 20 ≥ 20
    assert post(session, "risk", payload).json() == expected
    assert post(Client(), "risk", payload, **bearer(world.users["public"])).json() == expected


# ---- listing, look-up and the OpenAPI document -----------------------------------------------------------------


def test_the_list_is_describe(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"items": json.loads(json.dumps(describe())), "count": len(CALCULATORS)}


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("液氯", "table1:12"),  # an alias, exactly
        ("7782-50", "table1:12"),  # the start of a CAS number
        ("7782", "table1:5"),  # several CAS numbers start so: 氟 (7782-41-4) first, in the table's order
        ("ＣＡＳ", None),  # nothing
        ("w5.3", "table2:W5.3"),  # a Table 2 symbol, in any case
        ("易燃液体", "table2:W5.1"),  # a Table 2 class: W5.1 first, in the standard's order
        ("table1:44", "table1:44"),
    ],
)
def test_substance_lookup(client: Client, query: str, first: str | None) -> None:
    response = client.get(f"{URL}/gb18218/substances", {"q": query})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"]) or body["count"] > len(body["items"])
    assert (body["items"][0]["key"] if body["items"] else None) == first


def test_substance_lookup_entries_can_be_sent_to_the_calculator(client: Client) -> None:
    body = client.get(f"{URL}/gb18218/substances", {"q": "", "limit": 200}).json()
    assert body["count"] == 85 + 24  # Table 1 rows and Table 2 symbols
    ammonium_nitrate = next(item for item in body["items"] if item["key"] == "table1:44")
    assert (ammonium_nitrate["critical_tonnes"], ammonium_nitrate["input"]) == (50, {"no": 44})
    for item in body["items"][::10]:
        out = post(client, "gb18218", {"people_within_500m": 0, "substances": [{**item["input"], "tonnes": 1}]}).json()
        assert out["items"][0]["critical_tonnes"] == item["critical_tonnes"]
        assert out["items"][0]["beta"] == item["beta"]
    page = client.get(f"{URL}/gb18218/substances", {"q": "硝", "limit": 2, "offset": 1}).json()
    assert len(page["items"]) == 2 and page["count"] > 3


def test_the_openapi_document_shows_each_calculator(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for name in CALCULATORS:
        operation = document["paths"][f"{URL}/{name}"]["post"]
        assert "security" not in operation  # open to anonymous callers
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert "$defs" not in json.dumps(body)
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].startswith(
            "#/components/schemas/"
        )
        assert set(operation["responses"]) >= {"200", "422"}
    gb = document["paths"][f"{URL}/gb18218"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    item = gb["properties"]["substances"]["items"]
    assert item["properties"]["category"]["anyOf"][0]["enum"][:2] == ["J1", "J2"]
    risk = document["paths"][f"{URL}/risk"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert [branch["properties"]["L"]["enum"] for branch in risk["oneOf"][:2]] == [
        [10, 6, 3, 1, 0.5, 0.2, 0.1],
        [5, 4, 3, 2, 1],
    ]
    assert "/api/v1/calc/{name}" in document["paths"]


def test_documented_inputs_match_describe() -> None:
    for entry in describe():
        model = schemas.CONTRACT[entry["name"]][0]
        schema = schemas.inline_schema(model)
        if entry["name"] == "risk":
            properties = {key for branch in schema["oneOf"] for key in branch["properties"]}
            required = {"method"}
        else:
            properties = set(schema["properties"])
            required = set(schema.get("required", []))
        assert properties == {f["name"] for f in entry["fields"]}, entry["name"]
        assert required == {f["name"] for f in entry["fields"] if f["required"]}, entry["name"]
        if entry["name"] == "gb18218":
            items = schema["properties"]["substances"]["items"]
            listed = next(f for f in entry["fields"] if f["name"] == "substances")["item_fields"]
            assert set(items["properties"]) == {f["name"] for f in listed}


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        (
            "accident-grade",
            {
                "deaths": 40,
                "serious_injuries": 0,
                "direct_loss_yuan": 0,
                "kind": "road_traffic",
                "occurred_at": "2025-06-01T23:30",
                "learned_at": "2025-06-02T00:10",
                "socially_significant": True,
            },
        ),
        ("accident-fine", {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 0}),
        ("risk", {"method": "MES", "M": 3, "E": 6, "S": 10}),
        ("risk", {"method": "LS", "L": 1, "S": 1}),
        ("diagnosis-grade", {"score": 95, "direct_red": ["no_formal_design"]}),
        ("credit-code", {"code": "91350100M000100YI3"}),
        ("credit-code", {"code": "1234"}),
        ("gcj02", {"longitude": 103.76781, "latitude": 29.54934, "direction": "to_wgs84"}),
        (
            "gb18218",
            {"people_within_500m": 0, "substances": [{"name": "硝酸铵", "no": 44, "tonnes": 10, "category": "W9.1"}]},
        ),
    ],
)
def test_documented_outputs_fit_every_shape_of_answer(client: Client, name: str, payload: Any) -> None:
    response = post(client, name, payload)
    assert response.status_code == 200, response.content
    schemas.CONTRACT[name][1].model_validate(response.json())
