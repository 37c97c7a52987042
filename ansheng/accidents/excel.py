"""Accident statistics as an Excel workbook (openpyxl): per year, by sector, by county."""

from __future__ import annotations

import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


def style_header(ws: Any, row: int = 1) -> None:
    for cell in ws[row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="37474F")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def widths(ws: Any, values: list[int]) -> None:
    for index, width in enumerate(values, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def statistics_workbook(context: dict[str, Any]) -> bytes:
    with translation.override("zh-hans"):
        wb = Workbook()
        ws = wb.active
        ws.title = _("分年度")
        grades = context["grades"]
        ws.append(
            [
                _("年份"),
                _("起数"),
                _("死亡"),
                _("失踪"),
                _("重伤"),
                _("轻伤"),
                _("直接经济损失（万元）"),
                *grades,
                _("较大涉险"),
                _("暂定"),
            ]
        )
        style_header(ws)
        for y in context["years"]:
            ws.append(
                [
                    y["year"],
                    y["accidents"],
                    y["deaths"],
                    y["missing"],
                    y["serious_injuries"],
                    y["minor_injuries"],
                    float(y["direct_loss_10k_yuan"]),
                    *[y["by_grade"][g] for g in grades],
                    y["large_risk"],
                    y["provisional"],
                ]
            )
        t = context["totals"]
        ws.append(
            [
                _("合计"),
                t["accidents"],
                t["deaths"],
                t["missing"],
                t["serious_injuries"],
                t["minor_injuries"],
                float(t["direct_loss_10k_yuan"]),
                *[t["by_grade"][g] for g in grades],
                t["large_risk"],
                None,
            ]
        )
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        widths(ws, [8, 8, 8, 8, 8, 8, 18, 8, 8, 8, 10, 10, 8])
        ws.freeze_panes = "B2"

        sectors = wb.create_sheet(_("分行业领域"))
        years = [y["year"] for y in context["years"]]
        sectors.append(
            [_("领域")] + [f"{year} {_('起数')}" for year in years] + [f"{year} {_('死亡')}" for year in years]
        )
        style_header(sectors)
        for row in context["sector_rows"]:
            sectors.append(
                [str(row["label"])] + [c["accidents"] for c in row["cells"]] + [c["deaths"] for c in row["cells"]]
            )
        widths(sectors, [28] + [10] * (2 * len(years)))

        counties = wb.create_sheet(_("分区县"))
        counties.append([_("区划代码"), _("区县"), _("起数"), _("死亡"), _("重伤"), _("直接经济损失（万元）")])
        style_header(counties)
        for c in context["counties"]:
            counties.append(
                [
                    c["county"],
                    c["name"],
                    c["accidents"],
                    c["deaths"],
                    c["serious_injuries"],
                    float(c["direct_loss_10k_yuan"]),
                ]
            )
        widths(counties, [12, 18, 8, 8, 8, 18])
        notes = wb.create_sheet(_("说明"))
        notes.append(
            [
                _("%(region)s %(start)s–%(end)s 年生产安全事故统计")
                % {"region": context["region"].name, "start": context["start"], "end": context["end"]}
            ]
        )
        notes.append([_("纳入统计的生产安全事故；统计期满后按核定数，期内按报告数（暂定）。等级依 493号令 第三条。")])
        notes.column_dimensions["A"].width = 90
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
