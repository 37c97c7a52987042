"""The indicator pages: dashboard, one indicator's drill-down, plans, inputs, and the reports as Excel and PDF."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from ansheng.indicators.models import StatInput
from ansheng.indicators.tests import fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(world):
    fixtures.load(world)
    return world


def test_the_dashboard_reads_every_target(loaded, client_for):
    page = client_for(loaded.users["city"]).get("/indicators/dashboard/?plan=leshan-2016-2020&as_of=2020")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="card indicator"') == 12
    assert 'data-no="6" data-status="missed"' in html and 'data-no="1" data-status="attained"' in html
    assert 'data-testid="actual-1">5<' in html and "indicator-data" in html


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("county_b", "/indicators/dashboard/?region=511112", 200),
        ("county_b", "/indicators/dashboard/?region=511102", 404),
        ("inspector", "/indicators/dashboard/", 200),
        ("dept_transport", "/indicators/dashboard/", 404),
        ("ent_admin", "/indicators/dashboard/", 404),
        ("public", "/indicators/dashboard/", 404),
    ],
)
def test_who_sees_the_dashboard(loaded, client_for, persona, url, status):
    assert client_for(loaded.users[persona]).get(url).status_code == status


def test_the_index_leads_to_the_dashboard(loaded, client_for):
    response = client_for(loaded.users["city"]).get("/indicators/")
    assert response.status_code == 302 and response["Location"].endswith("/indicators/dashboard/")


def test_an_indicator_drills_down_to_its_accidents_and_sources(loaded, client_for):
    client = client_for(loaded.users["city"])
    html = client.get("/indicators/plans/leshan-2016-2020/3/?as_of=2020").content.decode()
    assert html.count("SG5111") == 3  # the 较大 accidents of 2011, 2014 and 2018
    assert "较大及以上事故" in html and 'data-testid="counties"' in html
    rate = client.get("/indicators/plans/leshan-2016-2020/5/").content.decode()
    assert "统计公报" in rate and "地区生产总值" in rate
    assert client.get("/indicators/plans/leshan-2016-2020/13/").status_code == 404
    assert client.get("/indicators/plans/nowhere/1/").status_code == 404


def test_the_plans_page_lists_the_files_and_their_problems(loaded, client_for, settings, tmp_path):
    settings.PLANS_DIR = tmp_path
    (tmp_path / "bad.yaml").write_text("code: [", "utf-8")
    html = client_for(loaded.users["city"]).get("/indicators/plans/").content.decode()
    assert "leshan-2016-2020" in html and "bad.yaml" in html and "YAML 格式错误" in html


def test_the_inputs_page_and_its_edit_form(loaded, client_for):
    client = client_for(loaded.users["county_a"])
    page = client.get("/indicators/inputs/?from=2015&to=2020").content.decode()
    assert "市中区" in page and "卫健局" in page
    assert client.get("/indicators/inputs/511102/2021/").status_code == 200
    response = client.post("/indicators/inputs/511102/2021/", {"source": "市中区统计公报", "gdp": "420.5"})
    assert response.status_code == 302
    assert StatInput.objects.get(region_id="511102", year=2021, item="gdp").source == "市中区统计公报"
    refused = client.post("/indicators/inputs/511102/2021/", {"source": "x", "oh_declare_due": "1", "oh_declared": "2"})
    assert refused.status_code == 422
    assert client.get("/indicators/inputs/511112/2021/").status_code == 404
    assert client_for(loaded.users["inspector"]).get("/indicators/inputs/511102/2021/").status_code == 403


def test_the_import_page_reports_row_by_row(loaded, client_for):
    client = client_for(loaded.users["city"])
    template = client.get("/indicators/inputs/template.xlsx?from=2021&to=2021")
    wb = load_workbook(io.BytesIO(template.content))
    sheet = wb.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("机动车保有量（辆）") + 1, value=900_000)
    sheet.cell(row=2, column=headers.index("数据来源") + 1, value="交警年报")
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "inputs.xlsx"
    response = client.post("/indicators/inputs/import/", {"file": buffer})
    assert response.status_code == 200 and "成功 1 行" in response.content.decode()
    assert StatInput.objects.get(region_id="511100", year=2021, item="motor_vehicles").value == 900_000
    wrong = io.BytesIO(b"x")
    wrong.name = "inputs.csv"
    assert client.post("/indicators/inputs/import/", {"file": wrong}).status_code == 422


def test_the_annual_report_page_excel_and_pdf(loaded, client_for, pdf_text):
    client = client_for(loaded.users["city"])
    query = "region=511100&kind=annual&year=2020"
    page = client.get(f"/indicators/reports/?{query}").content.decode()
    assert "乐山市2020年生产安全事故统计年报" in page and 'data-testid="report-plan"' in page
    xlsx = client.get(f"/indicators/reports/report.xlsx?{query}")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["总体情况", "分等级", "分行业领域", "分区县", "较大以上及涉险事故", "规划指标"]
    summary = wb["总体情况"]
    assert summary["A1"].value == "乐山市2020年生产安全事故统计年报"
    assert [summary.cell(row=5, column=c).value for c in (1, 2, 3)] == ["事故起数", 2, 0]
    assert wb["规划指标"].cell(row=2, column=2).value == "生产安全事故起数"
    pdf = client.get(f"/indicators/reports/report.pdf?{query}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    text = "".join(pdf_text(pdf.content).split())  # pdftotext drops the spaces around the page counter
    assert "乐山市2020年生产安全事故统计年报" in text and "第1页/共2页" in text and "第2页/共2页" in text
    assert "煤矿百万吨死亡率" in text


@pytest.mark.parametrize(
    ("query", "title"),
    [("kind=monthly&year=2018&number=1", "2018年1月"), ("kind=quarterly&year=2018&number=1", "2018年第1季度")],
)
def test_monthly_and_quarterly_reports(loaded, client_for, query, title):
    page = client_for(loaded.users["city"]).get(f"/indicators/reports/?region=511100&{query}").content.decode()
    assert title in page


def test_report_access(loaded, client_for):
    assert client_for(loaded.users["dept_transport"]).get("/indicators/reports/").status_code == 200
    assert client_for(loaded.users["county_a"]).get("/indicators/reports/?region=511112").status_code == 404
    assert client_for(loaded.users["ent_admin"]).get("/indicators/reports/").status_code == 404
    bad = client_for(loaded.users["city"]).get("/indicators/reports/?kind=weekly")
    assert bad.status_code == 422


def test_the_home_panel(loaded, client_for):
    html = client_for(loaded.users["city"]).get("/").content.decode()
    assert 'data-testid="indicator-panel"' in html
    assert 'data-testid="indicator-panel"' not in client_for(loaded.users["ent_admin"]).get("/").content.decode()


def test_the_pages_render_in_english(loaded, client_for):
    client = client_for(loaded.users["city"])
    client.cookies["ansheng_language"] = "en"
    for url in [
        "/indicators/dashboard/",
        "/indicators/plans/leshan-2016-2020/6/",
        "/indicators/reports/?kind=annual&year=2020",
        "/indicators/inputs/",
        "/accidents/",
        "/accidents/statistics/?from=2011&to=2020",
    ]:
        with translation.override("en"):  # the middleware activates English; do not leave it to later tests
            response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="en"' in response.content.decode()
