"""Excel in and out: template, row-by-row import (good, bad, mixed), failures file, export round trip."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from ansheng.core.models import Job
from ansheng.core.testing import credit_code
from ansheng.core.workers import drain
from ansheng.enterprises.excel import COLUMNS, build_export, build_template, import_workbook
from ansheng.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

HEADERS = [str(c.header) + ("*" if c.required else "") for c in COLUMNS]


def _workbook(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(str(c.header)) for c in COLUMNS] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def _row(seed, **extra):
    row = {
        "统一社会信用代码": credit_code(seed),
        "企业名称": f"乐山市导入{seed}有限公司",
        "所在区县": "市中区",
        "监管类别": "商贸",
        "经营状态": "在营",
        "从业人员数": 25,
        "规模以上": "否",
    }
    row.update(extra)
    return row


def test_the_template_has_every_column_and_drop_downs(world):
    wb = load_workbook(io.BytesIO(build_template()))
    ws = wb.worksheets[0]
    assert [cell.value for cell in ws[1]] == HEADERS
    assert ws.data_validations.dataValidation, "category and status come from drop-down lists"
    assert "填写说明" in wb.sheetnames


def test_good_rows_are_imported(world):
    result = import_workbook(
        _workbook([_row(701), _row(702, 所在区县="511102", 规模以上="是", 从业人员数=80.0)]),
        acting_user=world.users["county_a"],
    )
    assert result.summary() == {"total": 2, "created": 2, "updated": 0, "failed": 0}
    created = Enterprise.objects.get(name="乐山市导入702有限公司")
    assert created.is_above_scale and created.employees == 80


def test_bad_rows_come_back_with_their_reasons_and_nothing_of_them_is_saved(world):
    good = credit_code(711)
    rows = [
        _row(711, 统一社会信用代码=good[:17] + ("0" if good[17] != "0" else "1")),
        _row(712, 所在区县="火星区"),
        _row(713, 企业名称=None),
        _row(714, 安责险起期="2026-13-01"),
        _row(715, 主要负责人电话="123"),
    ]
    result = import_workbook(_workbook(rows), acting_user=world.users["county_a"])
    assert result.created == 0 and result.failed == 5
    reasons = {f.row_number: " ".join(f.reasons) for f in result.failures}
    assert "第18位应为" in reasons[2]
    assert "火星区" in reasons[3]
    assert "企业名称" in reasons[4]
    assert "日期格式" in reasons[5]
    assert "电话号码" in reasons[6]
    assert not Enterprise.objects.filter(name__startswith="乐山市导入71").exists()


def test_a_mixed_file_imports_the_good_rows_and_reports_the_bad(world):
    rows = [_row(721), _row(722, 所在区县="五通桥区"), _row(723)]  # county_a may not register in 五通桥区
    result = import_workbook(_workbook(rows), acting_user=world.users["county_a"])
    assert (result.created, result.failed) == (2, 1)
    assert "辖区" in result.failures[0].reasons[0]


def test_an_existing_code_is_an_error_unless_updating(world):
    existing = world.enterprises["mine_a"]
    row = _row(
        0, 统一社会信用代码=existing.credit_code, 企业名称=existing.name, 从业人员数=999, 监管类别="金属非金属矿山"
    )
    result = import_workbook(_workbook([row]), acting_user=world.users["county_a"])
    assert result.failed == 1
    result = import_workbook(_workbook([row]), acting_user=world.users["county_a"], update_existing=True)
    assert (result.updated, result.failed) == (1, 0)
    existing.refresh_from_db()
    assert existing.employees == 999


def test_a_code_excel_turned_into_a_number_is_explained(world):
    result = import_workbook(
        _workbook([_row(731, 统一社会信用代码=915111020000000001)]), acting_user=world.users["county_a"]
    )
    assert "文本" in result.failures[0].reasons[0]


def test_export_then_import_round_trips(world):
    data = build_export(Enterprise.objects.filter(county_id="511102"))
    Enterprise.objects.filter(county_id="511102").update(employees=1)
    result = import_workbook(io.BytesIO(data), acting_user=world.users["county_a"], update_existing=True)
    assert (result.updated, result.failed) == (2, 0)
    assert set(Enterprise.objects.filter(county_id="511102").values_list("employees", flat=True)) == {0}


def test_upload_queues_a_job_that_reports_progress_and_a_failures_file(world, client_for):
    client = client_for(world.users["county_a"])
    upload = SimpleUploadedFile("企业.xlsx", _workbook([_row(741), _row(742, 所在区县="火星区")]).getvalue())
    response = client.post("/enterprises/import/", {"file": upload})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == "queued"
    assert drain("jobs") == 1
    job.refresh_from_db()
    assert job.status == "done"
    assert job.result == {"total": 2, "created": 1, "updated": 0, "failed": 1}
    page = client.get(f"/jobs/{job.pk}/")
    assert "新增 1 家" in page.content.decode()
    failures = client.get(f"/jobs/{job.pk}/result/")
    wb = load_workbook(io.BytesIO(b"".join(failures.streaming_content)))
    assert "火星区" in wb.worksheets[0]["B2"].value
    # someone else cannot see the job or its file
    other = client_for(world.users["county_b"])
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/jobs/{job.pk}/result/").status_code == 404


def test_the_api_accepts_an_upload_and_reports_progress(world, bearer):
    headers = bearer(world.users["city"])
    upload = SimpleUploadedFile("a.xlsx", _workbook([_row(751)]).getvalue())
    response = Client().post("/api/v1/enterprises/import", {"file": upload}, **headers)
    assert response.status_code == 202
    job_id = response.json()["job"]
    drain("jobs")
    status = Client().get(f"/api/v1/jobs/{job_id}", **headers).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["result"]["created"] == 1


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.csv", b"x,y", "wrong_file_type"),
        ("a.xlsx", b"not a zip", "unreadable_file"),
        ("a.xlsx", None, "missing_columns"),
    ],
)
def test_unusable_uploads_are_refused_before_queueing(world, bearer, name, content, code):
    if content is None:
        content = _workbook([], headers=["名称", "地址"]).getvalue()
    response = Client().post(
        "/api/v1/enterprises/import", {"file": SimpleUploadedFile(name, content)}, **bearer(world.users["city"])
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not Job.objects.exists()


def test_departments_may_not_import(world, bearer):
    upload = SimpleUploadedFile("a.xlsx", _workbook([_row(761)]).getvalue())
    response = Client().post("/api/v1/enterprises/import", {"file": upload}, **bearer(world.users["dept_transport"]))
    assert response.status_code == 403
