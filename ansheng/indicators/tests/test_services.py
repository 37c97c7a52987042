"""Statistics inputs: set with a source, validation, jurisdiction, the change log, and the Excel round trip."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ansheng.core.errors import PermissionDenied, ValidationFailed
from ansheng.core.models import ObjectChange, Region
from ansheng.indicators import excel
from ansheng.indicators.models import StatInput
from ansheng.indicators.services import do_remove_input, do_set_inputs

pytestmark = pytest.mark.django_db


def row(**kw):
    return {"region": "511102", "year": 2020, "item": "gdp", "value": "123.45", "source": "市中区统计公报", **kw}


def test_values_are_kept_with_their_source_and_logged(world):
    [saved] = do_set_inputs(acting_user=world.users["county_a"], rows=[row()])
    assert (saved.value, saved.source, saved.updated_by) == (
        Decimal("123.45"),
        "市中区统计公报",
        world.users["county_a"],
    )
    do_set_inputs(acting_user=world.users["county_a"], rows=[row(value="130", source="修订")])
    saved.refresh_from_db()
    assert saved.value == Decimal("130.00") and saved.source == "修订"
    changes = ObjectChange.objects.filter(object_type="indicators.statinput", object_id=str(saved.pk))
    assert [c.action for c in changes.order_by("at", "id")] == ["create", "update"]
    assert changes.filter(action="update").get().diff()[0][0] in {"source", "updated_at", "value"}
    # Saving the same value again changes nothing and logs nothing.
    do_set_inputs(acting_user=world.users["county_a"], rows=[row(value="130", source="修订")])
    assert changes.count() == 2


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"item": "gnp"}, "unknown_item", "rows[0].item"),
        ({"year": 1800}, "invalid_year", "rows[0].year"),
        ({"year": "去年"}, "invalid_year", "rows[0].year"),
        ({"source": " "}, "required", "rows[0].source"),
        ({"value": "很多"}, "invalid_number", "rows[0].value"),
        ({"value": "-1"}, "invalid_number", "rows[0].value"),
        ({"item": "motor_vehicles", "value": "10.5"}, "not_integer", "rows[0].value"),
        ({"region": "511112"}, "outside_jurisdiction", "rows[0].region"),
        ({"region": "511102101"}, "unknown_region", "rows[0].region"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_saved(world, changes, code, field):
    with pytest.raises(ValidationFailed) as caught:
        do_set_inputs(acting_user=world.users["county_a"], rows=[row(item="population", value="1000"), row(**changes)])
    assert (caught.value.errors[0].code, caught.value.errors[0].field) == (code, field.replace("[0]", "[1]"))
    assert not StatInput.objects.exists()


def test_a_part_may_not_exceed_its_whole(world):
    do_set_inputs(acting_user=world.users["city"], rows=[row(item="oh_declare_due", value="100")])
    with pytest.raises(ValidationFailed) as caught:
        do_set_inputs(acting_user=world.users["city"], rows=[row(item="oh_declared", value="101")])
    assert caught.value.code == "part_exceeds_whole"
    do_set_inputs(acting_user=world.users["city"], rows=[row(item="oh_declared", value="100")])


@pytest.mark.parametrize("persona", ["inspector", "expert", "dept_transport", "ent_admin", "public"])
def test_only_the_bureaus_keep_the_inputs(world, persona):
    with pytest.raises(PermissionDenied):
        do_set_inputs(acting_user=world.users[persona], rows=[row()])


def test_removing_a_value(world):
    [saved] = do_set_inputs(acting_user=world.users["county_a"], rows=[row()])
    with pytest.raises(Exception):  # noqa: B017  (NotFound: another county's value)
        do_remove_input(acting_user=world.users["county_b"], input_id=saved.pk)
    do_remove_input(acting_user=world.users["county_a"], input_id=saved.pk)
    assert not StatInput.objects.exists()


def test_the_excel_round_trip_row_by_row(world):
    regions = list(Region.objects.filter(pk__in=["511100", "511102", "511112"]).order_by("code"))
    template = load_workbook(io.BytesIO(excel.build_workbook(regions, [2020], with_values=False)))
    sheet = template.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["区划代码", "区划名称", "年份"] and "地区生产总值（亿元）" in headers
    gdp, vehicles, source = (
        headers.index("地区生产总值（亿元）"),
        headers.index("机动车保有量（辆）"),
        headers.index("数据来源"),
    )
    sheet.cell(row=2, column=gdp + 1, value=1600)
    sheet.cell(row=2, column=source + 1, value="统计公报")
    sheet.cell(row=3, column=gdp + 1, value="很多")  # 511102: a bad value
    sheet.cell(row=3, column=source + 1, value="统计公报")
    sheet.cell(row=4, column=vehicles + 1, value=50000)  # 511112: no source
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    result = excel.import_workbook(buffer, acting_user=world.users["city"])
    assert (result.rows, result.saved, result.values) == (3, 1, 1)
    assert [number for number, _why in result.failures] == [3, 4]
    assert "不是数字" in result.failures[0][1] and "数据来源" in result.failures[1][1]
    assert StatInput.objects.get(region_id="511100", item="gdp").value == Decimal("1600.00")
    exported = load_workbook(io.BytesIO(excel.build_workbook(regions, [2020], with_values=True))).worksheets[0]
    assert exported.cell(row=2, column=1).value == "511100" and exported.cell(row=2, column=gdp + 1).value == 1600.0
    assert exported.max_row == 2  # only the rows with values


def test_an_unusable_workbook(world):
    with pytest.raises(ValidationFailed) as caught:
        excel.import_workbook(io.BytesIO(b"not excel"), acting_user=world.users["city"])
    assert caught.value.code == "unreadable_file"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["名称", "值"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    with pytest.raises(ValidationFailed) as caught:
        excel.import_workbook(buffer, acting_user=world.users["city"])
    assert caught.value.code == "missing_columns"
