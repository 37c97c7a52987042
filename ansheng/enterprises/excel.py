"""Enterprises in and out of Excel: the template, the row-by-row import and the export of a filtered list.

The export uses the template's columns, so an exported file can be corrected and imported again. Each imported
row is one service call in its own transaction: a good row is saved whole, a bad row is not saved at all and comes
back in the result file with the reason beside it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ansheng.core.errors import AnshengError, FieldError, ValidationFailed
from ansheng.core.models import Organisation, Region, User
from ansheng.enterprises.choices import Category, Standardisation, Status
from ansheng.enterprises.models import Enterprise


@dataclass(frozen=True)
class Column:
    field: str
    header: Any  # lazy translation; the Chinese header is the one the import matches (English accepted too)
    required: bool = False
    width: int = 16
    kind: str = "text"  # text, int, decimal, date, bool, choice, region, park, list


COLUMNS: list[Column] = [
    Column("credit_code", gettext_lazy("统一社会信用代码"), True, 22),
    Column("name", gettext_lazy("企业名称"), True, 30),
    Column("county", gettext_lazy("所在区县"), True, 14, "region"),
    Column("category", gettext_lazy("监管类别"), True, 16, "choice"),
    Column("status", gettext_lazy("经营状态"), False, 10, "choice"),
    Column("former_names", gettext_lazy("曾用名"), False, 20, "list"),
    Column("legal_representative", gettext_lazy("法定代表人"), False, 12),
    Column("principal_name", gettext_lazy("主要负责人"), False, 12),
    Column("principal_phone", gettext_lazy("主要负责人电话"), False, 16),
    Column("safety_manager_name", gettext_lazy("安全管理人员"), False, 12),
    Column("safety_manager_phone", gettext_lazy("安全管理人员电话"), False, 16),
    Column("registered_address", gettext_lazy("注册地址"), False, 30),
    Column("operating_address", gettext_lazy("经营地址"), False, 30),
    Column("longitude", gettext_lazy("经度"), False, 12, "decimal"),
    Column("latitude", gettext_lazy("纬度"), False, 12, "decimal"),
    Column("township", gettext_lazy("所在乡镇（街道）"), False, 16, "region"),
    Column("park", gettext_lazy("所在园区"), False, 20, "park"),
    Column("industry_code", gettext_lazy("国民经济行业代码"), False, 14),
    Column("is_above_scale", gettext_lazy("规模以上"), False, 10, "bool"),
    Column("employees", gettext_lazy("从业人员数"), False, 10, "int"),
    Column("standardisation_level", gettext_lazy("安全生产标准化等级"), False, 12, "choice"),
    Column("standardisation_expiry", gettext_lazy("标准化有效期至"), False, 14, "date"),
    Column("insurer", gettext_lazy("安责险承保机构"), False, 20),
    Column("insurance_policy", gettext_lazy("安责险保单号"), False, 20),
    Column("insurance_start", gettext_lazy("安责险起期"), False, 12, "date"),
    Column("insurance_end", gettext_lazy("安责险止期"), False, 12, "date"),
]
CHOICE_SETS = {"category": Category, "status": Status, "standardisation_level": Standardisation}
REASON_HEADER = gettext_lazy("错误原因")
SHEET_TITLE = gettext_lazy("企业名录")
MAX_ROWS = 200_000
IMPORT_BATCH = 200


def _headers() -> list[str]:
    return [str(column.header) + ("*" if column.required else "") for column in COLUMNS]


def build_template() -> bytes:
    """The import template: headers, an instructions sheet and drop-down lists for the coded columns."""
    with translation.override("zh-hans"):
        wb = Workbook()
        ws = wb.active
        ws.title = str(SHEET_TITLE)
        ws.append(_headers())
        _style_header(ws)
        lists = wb.create_sheet(_("代码表"))
        option_columns = {
            "category": [str(label) for _v, label in Category.choices()],
            "status": [str(label) for _v, label in Status.choices()],
            "standardisation_level": [str(label) for _v, label in Standardisation.choices()],
            "county": [r.name for r in Region.objects.filter(level="county").order_by("code")],
            "is_above_scale": ["是", "否"],
        }
        for index, (name, options) in enumerate(option_columns.items(), start=1):
            letter = get_column_letter(index)
            lists.cell(row=1, column=index, value=name)
            for row, option in enumerate(options, start=2):
                lists.cell(row=row, column=index, value=option)
            position = [c.field for c in COLUMNS].index(name) + 1
            validation = DataValidation(
                type="list", formula1=f"='{lists.title}'!${letter}$2:${letter}${len(options) + 1}", allow_blank=True
            )
            ws.add_data_validation(validation)
            validation.add(f"{get_column_letter(position)}2:{get_column_letter(position)}{MAX_ROWS}")
        # Codes must stay text: Excel would turn an all-digit 18-character code into a rounded number.
        for position, column in enumerate(COLUMNS, start=1):
            if column.field in {"credit_code", "industry_code", "principal_phone", "safety_manager_phone"}:
                for row in range(2, 2001):
                    ws.cell(row=row, column=position).number_format = "@"
        notes = wb.create_sheet(_("填写说明"))
        for line in [
            _("带 * 的列为必填项；每行一家企业。"),
            _("统一社会信用代码为 18 位（GB 32100-2015），请按文本格式填写。"),
            _("所在区县填写名称（如 市中区）或 6 位区划代码（如 511102）。"),
            _("经度、纬度为 WGS84 坐标（如 103.761263、29.582024）。"),
            _("日期格式为 2025-12-31；规模以上填 是 或 否；曾用名多个时用分号分隔。"),
            _("监管类别、经营状态、标准化等级从下拉列表中选择。"),
            _("导入时逐行校验：正确的行导入，错误的行在结果文件中注明原因，改正后可再次导入。"),
        ]:
            notes.append([line])
        notes.column_dimensions["A"].width = 90
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


def _style_header(ws: Any) -> None:
    for position, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=position)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B71C1C" if column.required else "37474F")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(position)].width = column.width
    ws.freeze_panes = "C2"


# --- export ------------------------------------------------------------------------------------------------------


def export_rows(enterprises: QuerySet[Enterprise]) -> Iterator[list[Any]]:
    parks = dict(Organisation.objects.filter(kind="park").values_list("pk", "name"))
    regions = dict(Region.objects.values_list("code", "name"))
    for enterprise in enterprises.iterator(chunk_size=2000):
        row: list[Any] = []
        for column in COLUMNS:
            value = getattr(enterprise, column.field + ("_id" if column.kind in {"region", "park"} else ""))
            if column.kind == "region":
                value = regions.get(value, value) if value else ""
            elif column.kind == "park":
                value = parks.get(value, "") if value else ""
            elif column.kind == "choice":
                value = str(CHOICE_SETS[column.field].label(value)) if value else ""
            elif column.kind == "bool":
                value = _("是") if value else _("否")
            elif column.kind == "list":
                value = "；".join(value or [])
            elif column.kind == "decimal":
                value = float(value) if value is not None else None
            row.append(value)
        yield row


def build_export(enterprises: QuerySet[Enterprise]) -> bytes:
    with translation.override("zh-hans"):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(str(SHEET_TITLE))
        for position, column in enumerate(COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(position)].width = column.width
        ws.append(_headers())
        for row in export_rows(enterprises):
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


# --- import ------------------------------------------------------------------------------------------------------


@dataclass
class RowFailure:
    row_number: int
    values: list[Any]
    reasons: list[str]


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    failures: list[RowFailure] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> dict[str, int]:
        return {"total": self.total, "created": self.created, "updated": self.updated, "failed": self.failed}


def _normalise_header(text: Any) -> str:
    return str(text or "").replace("*", "").replace(" ", "").replace("\u3000", "").strip()


def _header_map(header_row: Iterable[Any]) -> dict[int, Column]:
    by_name: dict[str, Column] = {}
    for column in COLUMNS:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                by_name[_normalise_header(column.header)] = column
        by_name[column.field] = column
    mapping: dict[int, Column] = {}
    for index, text in enumerate(header_row):
        column = by_name.get(_normalise_header(text))
        if column is not None:
            mapping[index] = column
    return mapping


def open_workbook(source: str | Path | BinaryIO) -> Any:
    """Open an uploaded workbook, or raise a clear error for anything that is not an .xlsx file."""
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationFailed(
            _("无法读取文件：请上传由模板填写的 .xlsx 文件"), code="unreadable_file", field="file"
        ) from exc


def check_workbook(source: str | Path | BinaryIO) -> int:
    """Validate the header row before queueing an import; returns the number of data rows."""
    wb = open_workbook(source)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ValidationFailed(_("文件是空的"), code="empty_file", field="file")
        mapping = _header_map(header)
        missing = [str(c.header) for c in COLUMNS if c.required and c not in mapping.values()]
        if missing:
            raise ValidationFailed(
                _("缺少必填列：%(columns)s（请使用平台提供的模板）") % {"columns": "、".join(missing)},
                code="missing_columns",
                field="file",
            )
        count = sum(1 for row in rows if any(cell not in (None, "") for cell in row))
        if count > MAX_ROWS:
            raise ValidationFailed(_("一次最多导入 %(max)s 行") % {"max": MAX_ROWS}, code="too_many_rows", field="file")
        return count
    finally:
        wb.close()


class CellError(Exception):
    pass


def _parse_cell(column: Column, value: Any, regions_by_name: dict[str, Any], parks: dict[str, int]) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        return None
    kind = column.kind
    if column.field == "credit_code" and isinstance(value, float | int):
        raise CellError(_("统一社会信用代码须按文本填写（Excel 已把它变成了数字）"))
    if kind == "text":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    if kind == "int":
        if isinstance(value, bool):
            raise CellError(_("应为整数"))
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value)
        if text.isdigit():
            return int(text)
        raise CellError(_("应为整数，实为“%(value)s”") % {"value": value})
    if kind == "decimal":
        try:
            return Decimal(str(value)).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            raise CellError(_("应为数字，实为“%(value)s”") % {"value": value}) from None
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
        try:
            return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        except ValueError:
            raise CellError(_("日期格式应为 2025-12-31，实为“%(value)s”") % {"value": value}) from None
    if kind == "bool":
        text = str(value).lower()
        if text in {"是", "y", "yes", "true", "1", "1.0"}:
            return True
        if text in {"否", "n", "no", "false", "0", "0.0"}:
            return False
        raise CellError(_("应填“是”或“否”，实为“%(value)s”") % {"value": value})
    if kind == "choice":
        found = CHOICE_SETS[column.field].from_label(str(value))
        if found is None:
            raise CellError(_("“%(value)s”不是可选值") % {"value": value})
        return found
    if kind == "region":
        text = str(int(value)) if isinstance(value, float | int) else str(value)
        region = regions_by_name.get(text)
        if region is None:
            raise CellError(_("区划“%(value)s”不存在") % {"value": value})
        return region
    if kind == "park":
        if str(value) not in parks:
            raise CellError(_("园区“%(value)s”不存在") % {"value": value})
        return parks[str(value)]
    if kind == "list":
        return [part.strip() for part in str(value).replace("；", ";").split(";") if part.strip()]
    raise AssertionError(kind)  # pragma: no cover


def import_workbook(
    source: str | Path | BinaryIO,
    *,
    acting_user: User,
    update_existing: bool = False,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import every row; good rows are saved (each whole, in its own transaction), bad rows are reported."""
    result = ImportResult()
    regions = {region.code: region for region in Region.objects.all()}
    regions_by_name: dict[str, Any] = {region.name: region for region in regions.values()}
    regions_by_name.update(regions)
    parks = {name: pk for pk, name in Organisation.objects.filter(kind="park").values_list("pk", "name")}
    wb = open_workbook(source)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = list(next(rows, None) or [])
        result.headers = [str(h or "") for h in header]
        mapping = _header_map(header)
        data_rows = [
            (number, list(row))
            for number, row in enumerate(rows, start=2)
            if any(cell not in (None, "") for cell in row)
        ]
    finally:
        wb.close()
    result.total = len(data_rows)
    if on_total:
        on_total(result.total)
    existing = {}
    if update_existing:
        code_index = next((i for i, c in mapping.items() if c.field == "credit_code"), None)
        codes = [
            str(row[code_index]).strip().upper()
            for _n, row in data_rows
            if code_index is not None and code_index < len(row) and row[code_index]
        ]
        existing = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk"))
    # Rows are committed in batches (one transaction per batch, a savepoint per row): a bad row rolls back
    # alone, a good row is saved whole, and the database is not asked to sync to disk after every row.
    for first in range(0, len(data_rows), IMPORT_BATCH):
        with transaction.atomic():
            for done, (number, row) in enumerate(data_rows[first : first + IMPORT_BATCH], start=first + 1):
                reasons = _import_row(
                    row, mapping, regions_by_name, parks, acting_user, update_existing, existing, result
                )
                if reasons:
                    result.failures.append(RowFailure(number, row, reasons))
                if on_progress:
                    on_progress(done)
    return result


def _import_row(
    row: list[Any],
    mapping: dict[int, Column],
    regions_by_name: dict[str, Any],
    parks: dict[str, int],
    acting_user: User,
    update_existing: bool,
    existing: dict[str, int],
    result: ImportResult,
) -> list[str]:
    """Import one row through the registry's services; returns the reasons it was refused (empty when saved)."""
    from ansheng.enterprises.services import do_create_enterprise, do_update_enterprise

    data: dict[str, Any] = {}
    reasons: list[str] = []
    for index, column in mapping.items():
        value = row[index] if index < len(row) else None
        try:
            parsed = _parse_cell(column, value, regions_by_name, parks)
        except CellError as exc:
            reasons.append(f"{column.header}: {exc}")
            continue
        if parsed is not None:
            data[column.field] = parsed
    if reasons:
        return reasons
    try:
        code = str(data.get("credit_code", "")).upper()
        # Each service call is atomic by itself (its own savepoint inside the batch): all of the row or none.
        if update_existing and code in existing:
            do_update_enterprise(acting_user=acting_user, enterprise_id=existing[code], changes=data)
            result.updated += 1
        else:
            do_create_enterprise(acting_user=acting_user, data=data)
            result.created += 1
    except AnshengError as exc:
        return [_describe(error) for error in exc.errors]
    return []


def _describe(error: FieldError) -> str:
    if error.field:
        column = next((c for c in COLUMNS if c.field == error.field), None)
        if column is not None:
            return f"{column.header}: {error.message}"
    return str(error.message)


def build_failures_file(result: ImportResult) -> bytes:
    """The rows that were not imported, as uploaded, with the reasons in the first column."""
    with translation.override("zh-hans"):
        wb = Workbook()
        ws = wb.active
        ws.title = str(SHEET_TITLE)
        ws.append([_("原行号"), str(REASON_HEADER), *result.headers])
        for failure in result.failures:
            ws.append([failure.row_number, "；".join(failure.reasons), *failure.values])
        ws.column_dimensions["B"].width = 60
        for cell in ws[1]:
            cell.font = Font(bold=True)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


def import_job(job: Any, progress: Any) -> dict[str, Any]:
    """Job handler: import the uploaded file of a job, write the failures file, return the summary."""
    from ansheng.core.services import job_dir

    with translation.override(job.params.get("language", "zh-hans")):
        result = import_workbook(
            job.input_file,
            acting_user=job.created_by,
            update_existing=bool(job.params.get("update_existing")),
            on_total=progress.total,
            on_progress=progress.advance,
        )
        result_file = ""
        if result.failures:
            path = job_dir() / f"job-{job.pk}-failures-{timezone.now():%Y%m%d%H%M%S}.xlsx"
            path.write_bytes(build_failures_file(result))
            result_file = str(path)
    return {"result": result.summary(), "result_file": result_file}
