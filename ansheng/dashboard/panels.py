"""The panel protocol: the dict a dashboard source returns, and its validation.

An app contributes a panel to the command dashboard by declaring a source in its AppConfig,

    dashboard_sources = (("alarms", "ansheng.monitoring.dashboard.alarms_panel"),)

a callable `(user, region_code | None) -> dict` that answers within the user's jurisdiction (region_code is a
county code, or None for everything the user sees). The dict is one panel:

    {
      "title": "实时报警",                     required, ≤ 40 characters
      "kind": "stats" | "pie" | "bar" | "line" | "table",   required
      "subtitle": "…", "note": "…",           optional text under the title / as a footnote (口径, source)
      "link": "/monitoring/alarms/",          optional drill-down page (a path on this site)
      "updated_at": "2026-11-29T10:00:00+08:00",   optional, when the figures were computed
      "headline": [stat, …],                  optional big numbers above a chart or table (≤ 6)
      "by_region": {"511102": 3, …},          optional figures per county for the map (not drawn in the panel):
                                              a number, or {"red": n, "orange": n, "yellow": n, "blue": n}
      … and the fields of its kind:
      stats: "items": [stat, …]                                     1–12 items
      pie:   "items": [{"label", "value" ≥ 0, "colour"?}, …]        0–20 slices
      bar, line: "categories": [str, …]                             0–60
                 "series": [{"name", "values": [number | null, …], "colour"?, "stack"?}, …]   1–8, one value
                           per category; bar may set "horizontal": true; both may set "unit"
      table: "columns": [{"key", "label", "align"?: "left" | "right" | "center"}, …]   1–8
             "rows": [{key: text | number | null, …, "_colour"?: colour, "_link"?: path}, …]   0–50
             "total": n (how many rows exist when more than shown), "empty": "text when there are none"
    }
    stat = {"label", "value": number | text | null, "unit"?, "colour"?, "link"?, "hint"?}

Colours are names, never codes: the four risk colours "red", "orange", "yellow", "blue" (重大/较大/一般/低) and
"green", "teal", "purple", "grey"; the dashboard maps them to its palette. A source that is not installed shows
as "未接入"; one that raises or returns a dict that breaks these rules shows an error panel naming the problem,
and the rest of the dashboard is unaffected.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

KINDS = ("stats", "pie", "bar", "line", "table")
COLOURS = ("red", "orange", "yellow", "blue", "green", "teal", "purple", "grey")
ALIGN = ("left", "right", "center")
RISK_COLOURS = ("red", "orange", "yellow", "blue")


class PanelError(ValueError):
    """A panel dict that breaks the protocol; `path` says where (e.g. "series[1].values")."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _text(value: Any, path: str, *, required: bool = False, max_length: int = 200) -> str | None:
    if value is None or value == "":
        if required:
            raise PanelError(path, _("必填"))
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise PanelError(path, _("应为文本"))
    text = str(value)
    if len(text) > max_length:
        raise PanelError(path, _("超过 %(n)s 个字符") % {"n": max_length})
    return text


def _number(value: Any, path: str, *, nullable: bool = True, minimum: float | None = None) -> float | int | None:
    if value is None:
        if nullable:
            return None
        raise PanelError(path, _("必填"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PanelError(path, _("应为数字"))
    if not math.isfinite(value):
        raise PanelError(path, _("应为有限数字"))
    if minimum is not None and value < minimum:
        raise PanelError(path, _("不能小于 %(n)s") % {"n": f"{minimum:g}"})
    return value


def _colour(value: Any, path: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in COLOURS:
        raise PanelError(path, _("颜色应为 %(choices)s 之一") % {"choices": ", ".join(COLOURS)})
    return str(value)


def _link(value: Any, path: str) -> str | None:
    text = _text(value, path, max_length=300)
    if text is not None and not (text.startswith("/") and not text.startswith("//")):
        raise PanelError(path, _("链接应为本站路径（以 / 开头）"))
    return text


def _list(value: Any, path: str, *, minimum: int = 0, maximum: int) -> list[Any]:
    if value is None:
        value = []
    if not isinstance(value, list | tuple):
        raise PanelError(path, _("应为数组"))
    if len(value) < minimum:
        raise PanelError(path, _("至少 %(n)s 项") % {"n": minimum})
    if len(value) > maximum:
        raise PanelError(path, _("最多 %(n)s 项") % {"n": maximum})
    return list(value)


def _dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PanelError(path, _("应为对象"))
    return value


def _stat(raw: Any, path: str) -> dict[str, Any]:
    item = _dict(raw, path)
    value = item.get("value")
    value = _text(value, path + ".value", max_length=40) if isinstance(value, str) else _number(value, path + ".value")
    return _clean(
        {
            "label": _text(item.get("label"), path + ".label", required=True, max_length=40),
            "value": value,
            "unit": _text(item.get("unit"), path + ".unit", max_length=12),
            "colour": _colour(item.get("colour"), path + ".colour"),
            "link": _link(item.get("link"), path + ".link"),
            "hint": _text(item.get("hint"), path + ".hint", max_length=120),
        },
        keep=("value",),
    )


def _clean(data: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None or key in keep}


def _by_region(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    regions = _dict(value, "by_region")
    result: dict[str, Any] = {}
    for code, figure in regions.items():
        path = f"by_region.{code}"
        if not isinstance(code, str) or not code.isdigit():
            raise PanelError(path, _("键应为区划代码"))
        if isinstance(figure, dict):
            unknown = set(figure) - set(RISK_COLOURS)
            if unknown:
                raise PanelError(path, _("按颜色计数时键应为 red、orange、yellow、blue"))
            result[code] = {
                c: _number(figure.get(c, 0), f"{path}.{c}", nullable=False, minimum=0) for c in RISK_COLOURS
            }
        else:
            result[code] = _number(figure, path, nullable=False)
    return result


def validate(raw: Any) -> dict[str, Any]:
    """The panel, checked and normalised (unknown keys dropped); raises PanelError at the first problem."""
    panel = _dict(raw, "panel")
    kind = panel.get("kind")
    if kind not in KINDS:
        raise PanelError("kind", _("应为 %(choices)s 之一") % {"choices": ", ".join(KINDS)})
    result: dict[str, Any] = _clean(
        {
            "title": _text(panel.get("title"), "title", required=True, max_length=40),
            "kind": kind,
            "subtitle": _text(panel.get("subtitle"), "subtitle", max_length=80),
            "note": _text(panel.get("note"), "note", max_length=300),
            "link": _link(panel.get("link"), "link"),
            "updated_at": _text(panel.get("updated_at"), "updated_at", max_length=40),
            "unit": _text(panel.get("unit"), "unit", max_length=12),
            "by_region": _by_region(panel.get("by_region")),
        }
    )
    headline = _list(panel.get("headline"), "headline", maximum=6)
    if headline:
        result["headline"] = [_stat(item, f"headline[{i}]") for i, item in enumerate(headline)]
    if kind == "stats":
        items = _list(panel.get("items"), "items", minimum=1, maximum=12)
        result["items"] = [_stat(item, f"items[{i}]") for i, item in enumerate(items)]
    elif kind == "pie":
        items = _list(panel.get("items"), "items", maximum=20)
        result["items"] = [
            _clean(
                {
                    "label": _text(
                        _dict(item, f"items[{i}]").get("label"), f"items[{i}].label", required=True, max_length=40
                    ),
                    "value": _number(item.get("value"), f"items[{i}].value", nullable=False, minimum=0),
                    "colour": _colour(item.get("colour"), f"items[{i}].colour"),
                }
            )
            for i, item in enumerate(items)
        ]
    elif kind in ("bar", "line"):
        categories = _list(panel.get("categories"), "categories", maximum=60)
        result["categories"] = [
            _text(c, f"categories[{i}]", required=True, max_length=40) for i, c in enumerate(categories)
        ]
        series = _list(panel.get("series"), "series", minimum=1, maximum=8)
        cleaned_series = []
        for i, raw_series in enumerate(series):
            item = _dict(raw_series, f"series[{i}]")
            values = _list(item.get("values"), f"series[{i}].values", maximum=60)
            if len(values) != len(categories):
                raise PanelError(
                    f"series[{i}].values",
                    _("应有 %(n)s 个值（与 categories 一一对应），实有 %(m)s 个")
                    % {"n": len(categories), "m": len(values)},
                )
            cleaned_series.append(
                _clean(
                    {
                        "name": _text(item.get("name"), f"series[{i}].name", required=True, max_length=40),
                        "values": [_number(v, f"series[{i}].values[{j}]") for j, v in enumerate(values)],
                        "colour": _colour(item.get("colour"), f"series[{i}].colour"),
                        "stack": _text(item.get("stack"), f"series[{i}].stack", max_length=20)
                        if kind == "bar"
                        else None,
                    }
                )
            )
        result["series"] = cleaned_series
        if kind == "bar" and panel.get("horizontal"):
            result["horizontal"] = True
    else:  # table
        columns = _list(panel.get("columns"), "columns", minimum=1, maximum=8)
        cleaned_columns = []
        for i, raw_column in enumerate(columns):
            column = _dict(raw_column, f"columns[{i}]")
            align = column.get("align") or "left"
            if align not in ALIGN:
                raise PanelError(f"columns[{i}].align", _("应为 left、right 或 center"))
            cleaned_columns.append(
                {
                    "key": _text(column.get("key"), f"columns[{i}].key", required=True, max_length=40),
                    "label": _text(column.get("label"), f"columns[{i}].label", required=True, max_length=40),
                    "align": align,
                }
            )
        keys = [column["key"] for column in cleaned_columns]
        rows = _list(panel.get("rows"), "rows", maximum=50)
        cleaned_rows = []
        for i, raw_row in enumerate(rows):
            row = _dict(raw_row, f"rows[{i}]")
            cells: dict[str, Any] = {}
            for key in keys:
                value = row.get(key)
                path = f"rows[{i}].{key}"
                cells[key] = (
                    _number(value, path)
                    if isinstance(value, int | float) and not isinstance(value, bool)
                    else _text(value, path, max_length=200)
                )
            colour = _colour(row.get("_colour"), f"rows[{i}]._colour")
            link = _link(row.get("_link"), f"rows[{i}]._link")
            if colour:
                cells["_colour"] = colour
            if link:
                cells["_link"] = link
            cleaned_rows.append(cells)
        result.update(columns=cleaned_columns, rows=cleaned_rows)
        total = panel.get("total")
        if total is not None:
            result["total"] = int(_number(total, "total", nullable=False, minimum=0) or 0)
        empty = _text(panel.get("empty"), "empty", max_length=80)
        if empty:
            result["empty"] = empty
    return result


def missing(name: str, title: str) -> dict[str, Any]:
    """The placeholder of a source that no installed app provides."""
    return {"title": title, "kind": "missing", "source": name}


def failed(name: str, title: str, message: str) -> dict[str, Any]:
    """The panel of a source that raised or broke the protocol."""
    return {"title": title, "kind": "error", "source": name, "message": message[:300]}
