"""The map's features as an Excel workbook: one sheet per layer, one row per feature, with the standard columns
first (id, name, county, colour or grade, category, WGS84 position) and every other plain property after them."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

SKIP = {"summary", "label_point", "bbox", "colours", "kind", "cluster", "former_names"}
FILLS = {"red": "D32F2F", "orange": "EF6C00", "yellow": "F9A825", "blue": "1565C0"}


def _centre(geometry: dict[str, Any]) -> tuple[float | None, float | None]:
    lons: list[float] = []
    lats: list[float] = []

    def walk(node: Any) -> None:
        if node and isinstance(node[0], int | float):
            lons.append(float(node[0]))
            lats.append(float(node[1]))
        else:
            for child in node:
                walk(child)

    walk(geometry.get("coordinates") or [])
    if not lons:
        return None, None
    if geometry.get("type") == "Point":
        return lons[0], lats[0]
    return round((min(lons) + max(lons)) / 2, 6), round((min(lats) + max(lats)) / 2, 6)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {v}" for k, v in value.items())
    return value


def build_workbook(collections: dict[str, dict[str, Any]], county_names: dict[str, str]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    head = Font(bold=True)
    for name, body in collections.items():
        sheet = workbook.create_sheet(title=str(body.get("label") or name)[:31])
        features = body["features"]
        extra: list[str] = []
        for feature in features:
            for key, value in feature["properties"].items():
                if key in SKIP or key in extra or isinstance(value, dict | list):
                    continue
                if key not in {
                    "id",
                    "name",
                    "county",
                    "county_name",
                    "colour",
                    "colour_label",
                    "grade",
                    "grade_label",
                    "category",
                    "category_label",
                    "code",
                    "url",
                }:
                    extra.append(key)
        columns = [
            ("id", _("编号（系统）")),
            ("code", _("代码")),
            ("name", _("名称")),
            ("county", _("区县代码")),
            ("county_name", _("区县")),
            ("category_label", _("类别")),
            ("colour_label", _("风险等级（颜色）")),
            ("grade_label", _("分级")),
            ("_shape", _("图形")),
            ("_lon", _("经度（WGS84）")),
            ("_lat", _("纬度（WGS84）")),
            *[(key, key) for key in extra],
            ("_summary", _("摘要")),
            ("url", _("链接")),
        ]
        sheet.append([str(label) for _key, label in columns])
        for cell in sheet[1]:
            cell.font = head
        for feature in features:
            properties = feature["properties"]
            lon, lat = _centre(feature["geometry"])
            row = []
            for key, _label in columns:
                if key == "_shape":
                    row.append(feature["geometry"].get("type"))
                elif key == "_lon":
                    row.append(lon)
                elif key == "_lat":
                    row.append(lat)
                elif key == "_summary":
                    summary = properties.get("summary") or []
                    row.append("；".join(f"{pair[0]}：{pair[1]}" for pair in summary if len(pair) == 2))
                elif key == "county_name":
                    row.append(properties.get("county_name") or county_names.get(properties.get("county") or "", ""))
                elif key == "colour_label":
                    row.append(properties.get("colour_label") or properties.get("colour") or "")
                else:
                    row.append(_cell(properties.get(key, "")))
            sheet.append(row)
            colour = properties.get("colour")
            if colour in FILLS:
                target = sheet.cell(row=sheet.max_row, column=7)
                target.fill = PatternFill("solid", fgColor=FILLS[colour])
                target.font = Font(color="000000" if colour == "yellow" else "FFFFFF")
        for index, (key, _label) in enumerate(columns, start=1):
            width = {"name": 36, "_summary": 60, "url": 28, "code": 22}.get(key, 14)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "C2"
    if not workbook.sheetnames:
        workbook.create_sheet(title=_("无数据"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
