"""Registry pages: search and filter within the jurisdiction, create and edit with field errors, export."""

import io

import pytest
from openpyxl import load_workbook

from ansheng.core.testing import credit_code

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_jurisdiction_and_filters(world, client_for):
    client = client_for(world.users["county_a"])
    page = client.get("/enterprises/").content.decode()
    assert "市中区测试石灰石矿" in page and "五通桥测试化工" not in page
    filtered = client.get("/enterprises/", {"q": "石灰石"}).content.decode()
    assert "市中区测试石灰石矿" in filtered and "测试运输" not in filtered


def test_htmx_requests_get_the_table_fragment(world, client_for):
    client = client_for(world.users["city"])
    response = client.get("/enterprises/", {"category": "metal_mine"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "市中区测试石灰石矿" in body


def test_detail_outside_the_jurisdiction_is_404(world, client_for):
    chem = world.enterprises["chem_b"]
    assert client_for(world.users["county_b"]).get(f"/enterprises/{chem.pk}/").status_code == 200
    assert client_for(world.users["county_a"]).get(f"/enterprises/{chem.pk}/").status_code == 404


def test_create_shows_the_exact_credit_code_error_then_saves(world, client_for):
    client = client_for(world.users["county_a"])
    good = credit_code(801)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    form = {
        "credit_code": bad,
        "name": "乐山市页面登记有限公司",
        "county": "511102",
        "category": "commerce",
        "status": "operating",
        "standardisation_level": "none",
        "employees": "5",
    }
    response = client.post("/enterprises/new/", form)
    assert response.status_code == 422
    assert f"第18位应为“{good[17]}”" in response.content.decode()
    form["credit_code"] = good
    response = client.post("/enterprises/new/", form)
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "乐山市页面登记有限公司" in detail and "新建记录" in detail


def test_enterprise_admin_edits_own_record_without_regulator_fields(world, client_for):
    chem = world.enterprises["chem_b"]
    client = client_for(world.users["ent_admin"])
    page = client.get(f"/enterprises/{chem.pk}/edit/").content.decode()
    assert "由监管部门维护" in page
    form = {"safety_manager_name": "李安全", "safety_manager_phone": "13811112222", "employees": "301"}
    response = client.post(f"/enterprises/{chem.pk}/edit/", form)
    assert response.status_code == 302
    chem.refresh_from_db()
    assert (chem.safety_manager_name, chem.employees, chem.category) == ("李安全", 301, "chem_production")


def test_staff_cannot_open_the_edit_page(world, client_for):
    chem = world.enterprises["chem_b"]
    assert client_for(world.users["ent_staff"]).get(f"/enterprises/{chem.pk}/edit/").status_code == 403


def test_export_holds_the_filtered_jurisdiction(world, client_for):
    response = client_for(world.users["county_b"]).get("/enterprises/export.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = sorted(row[1] for row in ws.iter_rows(min_row=2, values_only=True))
    assert names == sorted([world.enterprises["chem_b"].name, world.enterprises["builder_b"].name])


def test_home_counts_by_county_and_category(world, client_for):
    page = client_for(world.users["city"]).get("/").content.decode()
    assert 'data-testid="enterprise-total">4<' in page
    assert "五通桥区" in page and "危险化学品生产" in page
