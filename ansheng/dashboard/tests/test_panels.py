"""The panel protocol: what a source may return, and the error that names what is wrong."""

import pytest

from ansheng.dashboard.panels import PanelError, validate

STATS = {
    "title": "实时报警",
    "kind": "stats",
    "items": [{"label": "未处置报警", "value": 3, "colour": "red", "unit": "起"}],
}
PIE = {
    "title": "风险分布",
    "kind": "pie",
    "items": [{"label": "重大", "value": 2, "colour": "red"}, {"label": "较大", "value": 5, "colour": "orange"}],
}
BAR = {
    "title": "企业",
    "kind": "bar",
    "categories": ["市中区", "五通桥区"],
    "series": [{"name": "企业数", "values": [10, None], "stack": "a"}],
    "horizontal": True,
    "unit": "家",
}
LINE = {
    "title": "事故",
    "kind": "line",
    "categories": ["1月", "2月"],
    "series": [{"name": "今年", "values": [1, 2]}, {"name": "去年", "values": [2, 3], "colour": "grey"}],
}
TABLE = {
    "title": "重大隐患",
    "kind": "table",
    "columns": [{"key": "name", "label": "隐患"}, {"key": "days", "label": "逾期天数", "align": "right"}],
    "rows": [{"name": "占压", "days": 12, "_colour": "red", "_link": "/dangers/1/"}],
    "total": 40,
    "empty": "无",
}


@pytest.mark.parametrize("panel", [STATS, PIE, BAR, LINE, TABLE])
def test_each_kind_validates(panel):
    cleaned = validate(panel)
    assert cleaned["kind"] == panel["kind"] and cleaned["title"] == panel["title"]


def test_normalisation_keeps_known_keys_only():
    cleaned = validate(
        {
            **TABLE,
            "secret": "x",
            "headline": [{"label": "挂牌督办", "value": 7}],
            "by_region": {"511102": 3, "511112": {"red": 1}},
        }
    )
    assert "secret" not in cleaned
    assert cleaned["rows"][0] == {"name": "占压", "days": 12, "_colour": "red", "_link": "/dangers/1/"}
    assert cleaned["headline"] == [{"label": "挂牌督办", "value": 7}]
    assert cleaned["by_region"] == {"511102": 3, "511112": {"red": 1, "orange": 0, "yellow": 0, "blue": 0}}
    assert validate({**BAR, "series": [{"name": "x", "values": [1, 2], "stack": "s"}]})["series"][0]["stack"] == "s"
    assert "stack" not in validate({**LINE, "series": [{"name": "x", "values": [1, 2], "stack": "s"}]})["series"][0]


@pytest.mark.parametrize(
    ("panel", "path"),
    [
        ("not a dict", "panel"),
        ({**STATS, "kind": "gauge"}, "kind"),
        ({**STATS, "title": ""}, "title"),
        ({**STATS, "title": "x" * 41}, "title"),
        ({**STATS, "items": []}, "items"),
        ({**STATS, "items": [{"label": "a", "value": "x" * 50}]}, "items[0].value"),
        ({**STATS, "items": [{"label": "a", "value": float("nan")}]}, "items[0].value"),
        ({**STATS, "items": [{"label": "a", "value": 1, "colour": "#ff0000"}]}, "items[0].colour"),
        ({**STATS, "items": [{"label": "a", "value": 1, "link": "https://evil.example/"}]}, "items[0].link"),
        ({**STATS, "link": "//evil.example/"}, "link"),
        ({**PIE, "items": [{"label": "a", "value": -1}]}, "items[0].value"),
        ({**PIE, "items": [{"value": 1}]}, "items[0].label"),
        ({**BAR, "series": [{"name": "a", "values": [1]}]}, "series[0].values"),
        ({**BAR, "series": []}, "series"),
        ({**BAR, "series": [{"name": "a", "values": [1, "2"]}]}, "series[0].values[1]"),
        ({**BAR, "categories": "a,b"}, "categories"),
        ({**TABLE, "columns": [{"key": "a", "label": "A", "align": "justify"}]}, "columns[0].align"),
        ({**TABLE, "rows": [["占压"]]}, "rows[0]"),
        ({**TABLE, "rows": [{"name": {"x": 1}}]}, "rows[0].name"),
        ({**TABLE, "rows": [{"name": "a"}] * 51}, "rows"),
        ({**TABLE, "total": -1}, "total"),
        ({**STATS, "headline": [{"value": 1}]}, "headline[0].label"),
        ({**STATS, "by_region": {"市中区": 1}}, "by_region.市中区"),
        ({**STATS, "by_region": {"511102": {"purple": 1}}}, "by_region.511102"),
        ({**STATS, "by_region": {"511102": "many"}}, "by_region.511102"),
    ],
)
def test_a_broken_panel_names_where(panel, path):
    with pytest.raises(PanelError) as caught:
        validate(panel)
    assert caught.value.path == path
    assert caught.value.message
