"""Statistics inputs in and out of Excel: one row per region and year, one column per item, the source beside.

The export uses the template's columns, so an exported file can be corrected and imported again. Each row is saved
whole or not at all (one service call); a bad row is reported with its number and the reason.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ansheng.core.errors import AnshengError, ValidationFailed
from ansheng.core.models import Region, User
from ansheng.indicators.catalogue import items
from ansheng.indicators.models import StatInput

MAX_ROWS = 5000


def _headers() -> list[str]:
    columns = [_("区划代码"), _("区划名称"), _("年份")]
    columns += [f"{item.name}（{item.unit}）" if item.unit else item.name for item in items().values()]
    return [*columns, _("数据来源"), _("备注")]


def _style(ws: Any) -> None:
    for index, cell in enumerate(ws[1], start=1):
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill(
            "solid", fgColor="B71C1C" if index in {1, 3} or cell.value == _("数据来源") else "37474F"
        )
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = 14 if index > 3 else 12
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "D2"


def build_workbook(regions: list[Region], years: list[int], *, with_values: bool) -> bytes:
    """The template (empty cells) or the export (stored values) for the regions and years given."""
    with translation.override("zh-hans"):
        wb = Workbook()
        ws = wb.active
        ws.title = _("统计基础数据")
        ws.append(_headers())
        _style(ws)
        codes = list(items())
        stored: dict[tuple[str, int, str], Any] = {}
        sources: dict[tuple[str, int], str] = {}
        if with_values:
            for row in StatInput.objects.filter(region__in=regions, year__in=years):
                stored[(row.region_id, row.year, row.item)] = (
                    float(row.value) if items()[row.item].decimals else int(row.value)
                )
                sources.setdefault((row.region_id, row.year), row.source)
        for region in regions:
            for year in years:
                values = [stored.get((region.pk, year, code)) for code in codes]
                if with_values and all(v is None for v in values):
                    continue
                ws.append([region.pk, region.name, year, *values, sources.get((region.pk, year), ""), ""])
        # Division codes stay text (a leading zero or a long code must not become a number).
        for row in range(2, ws.max_row + 1 if with_values else 500):
            ws.cell(row=row, column=1).number_format = "@"
        notes = wb.create_sheet(_("填写说明"))
        for line in [
            _("每行一个区划一个年份；区划代码为 6 位（市 511100 或区县代码），年份为四位数。"),
            _("数值列留空表示不填该项；已有的数值会被覆盖，变更记入变更记录。"),
            _("数据来源为必填（如：乐山市统计年鉴2016、市公安局交警支队2016年报）。"),
            _("职业健康各项的“已……数”不能大于对应的“应……数”。"),
        ]:
            notes.append([line])
        notes.column_dimensions["A"].width = 90
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


@dataclass
class ImportResult:
    rows: int = 0
    saved: int = 0
    values: int = 0
    skipped: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)


def _normalise(text: Any) -> str:
    return str(text or "").replace(" ", "").replace("\u3000", "").replace("*", "").strip()


def import_workbook(source: BinaryIO | str, *, acting_user: User) -> ImportResult:
    from ansheng.indicators.services import do_set_inputs

    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationFailed(
            _("无法读取文件：请上传由模板填写的 .xlsx 文件"), code="unreadable_file", field="file"
        ) from exc
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_normalise(h) for h in next(rows, None) or []]
        by_header: dict[str, str] = {}
        for code, item in items().items():
            for text in (item.name, f"{item.name}（{item.unit}）", f"{item.name}({item.unit})", code):
                by_header[_normalise(text)] = code
        columns = {index: by_header[h] for index, h in enumerate(header) if h in by_header}

        def find(*names: str) -> int | None:
            wanted = {_normalise(n) for n in names}
            return next((i for i, h in enumerate(header) if h in wanted), None)

        code_col, year_col = find(_("区划代码"), "region"), find(_("年份"), "year")
        source_col, note_col = find(_("数据来源"), "source"), find(_("备注"), "note")
        if code_col is None or year_col is None or source_col is None or not columns:
            raise ValidationFailed(
                _("缺少必需的列：区划代码、年份、数据来源和至少一个统计项（请使用平台提供的模板）"),
                code="missing_columns",
                field="file",
            )
        data = [(n, list(r)) for n, r in enumerate(rows, start=2) if any(c not in (None, "") for c in r)]
    finally:
        wb.close()
    if len(data) > MAX_ROWS:
        raise ValidationFailed(_("一次最多导入 %(max)s 行") % {"max": MAX_ROWS}, code="too_many_rows", field="file")
    result = ImportResult(rows=len(data))
    for number, row in data:

        def cell(index: int | None, row: list[Any] = row) -> Any:
            return row[index] if index is not None and index < len(row) else None

        region = cell(code_col)
        region = str(int(region)) if isinstance(region, float | int) else str(region or "").strip()
        payload = [
            {
                "region": region,
                "year": cell(year_col),
                "item": code,
                "value": cell(index),
                "source": cell(source_col),
                "note": cell(note_col) or "",
            }
            for index, code in columns.items()
            if cell(index) not in (None, "")
        ]
        if not payload:  # a template row left blank
            result.skipped += 1
            continue
        try:
            do_set_inputs(acting_user=acting_user, rows=payload)
        except AnshengError as exc:
            result.failures.append((number, "；".join(str(e.message) for e in exc.errors)))
            continue
        result.saved += 1
        result.values += len(payload)
    return result
