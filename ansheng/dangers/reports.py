"""The quarterly and annual hidden-danger statistics form (16号令 第十四条) as Excel and PDF, with the principal's
signature block (the form is signed by the 主要负责人)."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ansheng.dangers.choices import State


def title_of(report: dict[str, Any], subject: str) -> str:
    if report["quarter"]:
        return _("%(subject)s %(year)s年第%(q)s季度事故隐患排查治理情况统计分析表") % {
            "subject": subject,
            "year": report["year"],
            "q": report["quarter"],
        }
    return _("%(subject)s %(year)s年度事故隐患排查治理情况统计分析表") % {"subject": subject, "year": report["year"]}


def _percent(rate: Any) -> str:
    return "—" if rate.percent is None else f"{rate.percent:.1f}%"


def summary_rows(report: dict[str, Any]) -> list[list[Any]]:
    found, rectified, still_open = report["found"], report["rectified"], report["open_at_end"]
    return [
        [_("项目"), _("一般隐患"), _("重大隐患"), _("合计")],
        [_("本期排查发现"), found["general"], found["major"], found["total"]],
        [_("其中已整改销号"), rectified["general"], rectified["major"], rectified["total"]],
        [_("期末未销号"), still_open["general"], still_open["major"], still_open["total"]],
    ]


def rate_rows(report: dict[str, Any]) -> list[list[Any]]:
    rates = report["rates"]
    return [
        [_("指标"), _("分子"), _("分母"), _("比率")],
        *[
            [label, rates[key].numerator, rates[key].denominator, _percent(rates[key])]
            for key, label in (
                ("on_time", _("按期整改率")),
                ("one_pass", _("一次验收通过率")),
                ("closure", _("销号率")),
            )
        ],
    ]


def _style_header(ws: Any, row: int) -> None:
    for cell in ws[row]:
        if cell.value is not None:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="37474F")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def workbook(report: dict[str, Any], subject: str) -> bytes:
    with translation.override("zh-hans"):
        wb = Workbook()
        ws = wb.active
        ws.title = _("统计分析表")
        ws.append([title_of(report, subject)])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([_("统计期间"), f"{report['start']} — {report['end']}", _("报送期限"), str(report["due"])])
        ws.append([])
        for rows in (summary_rows(report), rate_rows(report)):
            first = ws.max_row + 1
            for row in rows:
                ws.append(row)
            _style_header(ws, first)
            ws.append([])
        ws.append([_("期末逾期未整改"), report["overdue_at_end"], _("挂牌督办重大隐患"), report["supervised"]])
        ws.append([])
        header = ws.max_row + 1
        ws.append([_("重大隐患编号"), _("企业"), _("隐患"), _("状态"), _("整改责任人"), _("整改期限"), _("挂牌督办")])
        _style_header(ws, header)
        for danger in report["majors"]:
            ws.append(
                [
                    danger.number,
                    danger.enterprise.name,
                    danger.title,
                    str(State.label(danger.state)),
                    (danger.responsible.full_name or danger.responsible.username) if danger.responsible else "",
                    str(danger.deadline or ""),
                    _("是") if danger.supervised else _("否"),
                ]
            )
        ws.append([])
        ws.append([_("主要负责人（签字）："), "", _("填表人："), "", _("日期："), ""])
        for index, width in enumerate([22, 24, 30, 12, 14, 12, 10], start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        if report["by_enterprise"]:
            sheet = wb.create_sheet(_("分企业"))
            sheet.append([_("企业"), _("按期整改率"), _("一次验收通过率"), _("销号率"), _("本期发现")])
            _style_header(sheet, 1)
            for row in report["by_enterprise"]:
                rates = row["rates"]
                sheet.append(
                    [
                        row["name"],
                        _percent(rates["on_time"]),
                        _percent(rates["one_pass"]),
                        _percent(rates["closure"]),
                        row["reported"],
                    ]
                )
            sheet.column_dimensions["A"].width = 36
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


def pdf(report: dict[str, Any], subject: str) -> bytes:
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(
            "dangers/report_pdf.html",
            {
                "r": report,
                "title": title_of(report, subject),
                "summary": summary_rows(report),
                "rates": rate_rows(report),
                "generated_at": timezone.localtime(),
            },
        )
    return HTML(string=html).write_pdf()
