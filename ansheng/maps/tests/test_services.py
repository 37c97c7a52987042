"""Risk sources and their hazards through the services: every transition and every refusal with its error."""

import datetime as dt

import pytest

from ansheng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import AuditEvent, ObjectChange
from ansheng.maps import services
from ansheng.maps.models import RiskSource, SourceHazard

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 1)


def pipeline(county, **extra):
    data = {
        "name": "测试天然气管道",
        "kind": "pipeline",
        "level": "yellow",
        "county": county,
        "attributes": {"medium": "natural_gas", "diameter_mm": "406", "design_pressure_mpa": "6.3"},
        "geometry": {"type": "LineString", "coordinates": [[103.75, 29.55], [103.77, 29.56]]},
    }
    data.update(extra)
    return data


def test_a_county_supervisor_registers_a_source_in_their_county(world):
    source = services.do_create_risk_source(acting_user=world.users["county_a"], data=pipeline("511102"))
    assert source.code == "GD-511102-0001"
    assert source.shape == "line" and 2000 < source.length_m < 2500
    assert source.attributes == {"medium": "natural_gas", "diameter_mm": 406, "design_pressure_mpa": 6.3}
    assert (source.min_lon, source.max_lon) == (103.75, 103.77)
    change = ObjectChange.objects.get(object_type="maps.risksource", object_id=str(source.pk))
    assert change.action == "create" and change.region_code == "511102" and change.user == world.users["county_a"]
    second = services.do_create_risk_source(acting_user=world.users["county_a"], data=pipeline("511102", name="二号"))
    assert second.code == "GD-511102-0002"


def test_a_source_outside_the_jurisdiction_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(
            acting_user=world.users["county_b"],
            data=pipeline("511102"),
        )
    assert caught.value.code == "outside_jurisdiction" and caught.value.field == "county"
    assert not RiskSource.objects.exists()


@pytest.mark.parametrize("persona", ["inspector", "expert", "ent_admin", "public"])
def test_roles_that_do_not_register_sources_are_refused(world, persona):
    with pytest.raises(PermissionDenied):
        services.do_create_risk_source(acting_user=world.users[persona], data=pipeline("511102"))


def test_a_department_registers_only_the_kinds_it_supervises(world):
    transport = world.orgs["transport"]
    transport.sectors = ["road_transport", "gas_network"]
    transport.save()
    user = world.users["dept_transport"]
    user.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(acting_user=user, data=pipeline("511102"))
    assert caught.value.code == "kind_not_supervised" and caught.value.field == "kind"
    gas = services.do_create_risk_source(
        acting_user=user,
        data=pipeline("511102", kind="gas_network", attributes={"pressure_class": "medium_a"}),
    )
    assert gas.code == "RQ-511102-0001"


def test_every_field_error_is_reported_together(world):
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(
            acting_user=world.users["city"],
            data={
                "name": "",
                "kind": "pipeline",
                "level": "purple",
                "county": "511102",
                "attributes": {"diameter_mm": "abc", "colour": "x"},
                "contact_phone": "12",
                "geometry": {"type": "Point", "coordinates": [103.76, 29.55]},
            },
        )
    fields = {(error.field, error.code) for error in caught.value.errors}
    assert ("name", "required") in fields
    assert ("level", "invalid_choice") in fields
    assert ("attributes.medium", "required") in fields
    assert ("attributes.diameter_mm", "wrong_type") in fields
    assert ("attributes.colour", "unknown_attribute") in fields
    assert any(field == "contact_phone" for field, _code in fields)


def test_geometry_errors_name_the_geometry_field(world):
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(
            acting_user=world.users["city"],
            data=pipeline("511102", geometry={"type": "LineString", "coordinates": [[103.75, 29.55]]}),
        )
    assert (caught.value.code, caught.value.field) == ("line_too_few_points", "geometry")


def test_a_geometry_far_from_its_county_is_refused(world):
    # a point at the 五通桥 seat registered in 市中区 (about 17 km away)
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(
            acting_user=world.users["city"],
            data=pipeline("511102", geometry={"type": "Point", "coordinates": [103.818, 29.38]}),
        )
    assert (caught.value.code, caught.value.field) == ("outside_county", "geometry")


def test_a_geometry_drawn_on_a_gcj02_base_is_stored_in_wgs84(world):
    from ansheng.domain.coords import wgs84_to_gcj02

    drawn = {"type": "Point", "coordinates": list(wgs84_to_gcj02(103.7613, 29.5554))}
    source = services.do_create_risk_source(
        acting_user=world.users["city"],
        data=pipeline("511102", kind="high_rise", attributes={"height_m": 80, "use": "public"}, geometry=drawn),
        crs="gcj02",
    )
    assert source.geometry["coordinates"] == pytest.approx([103.7613, 29.5554], abs=1e-6)


def test_a_building_too_low_to_be_high_rise_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(
            acting_user=world.users["city"],
            data=pipeline(
                "511102",
                kind="high_rise",
                attributes={"height_m": 27, "use": "residential"},
                geometry={"type": "Point", "coordinates": [103.76, 29.55]},
            ),
        )
    assert (caught.value.code, caught.value.field) == ("not_high_rise", "attributes.height_m")
    assert "GB 50016" in str(caught.value.message)


def test_a_used_code_is_refused(world):
    services.do_create_risk_source(acting_user=world.users["city"], data=pipeline("511102", code="gd-001"))
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(acting_user=world.users["city"], data=pipeline("511102", code="GD-001"))
    assert (caught.value.code, caught.value.field) == ("unique", "code")


def test_unknown_fields_and_enterprises_outside_the_jurisdiction_are_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(acting_user=world.users["city"], data={**pipeline("511102"), "colour": "red"})
    assert caught.value.code == "unknown_field"
    with pytest.raises(ValidationFailed) as caught:
        services.do_create_risk_source(
            acting_user=world.users["county_a"],
            data=pipeline("511102", enterprise=world.enterprises["chem_b"].credit_code),
        )
    assert (caught.value.code, caught.value.field) == ("unknown_enterprise", "enterprise")
    linked = services.do_create_risk_source(
        acting_user=world.users["county_a"],
        data=pipeline("511102", enterprise=world.enterprises["mine_a"].credit_code.lower()),
    )
    assert linked.enterprise == world.enterprises["mine_a"]


def test_an_update_is_logged_and_a_change_of_kind_keeps_shared_attributes(world, sources):
    pipe = sources["pipe_a"]
    updated = services.do_update_risk_source(
        acting_user=world.users["county_a"],
        source_id=pipe.pk,
        changes={"kind": "gas_network", "attributes": {"pressure_class": "sub_high_a", "diameter_mm": 508}},
        reason="核实为城镇燃气次高压管道",
    )
    assert updated.kind == "gas_network" and updated.attributes == {"pressure_class": "sub_high_a", "diameter_mm": 508}
    change = ObjectChange.objects.filter(object_id=str(pipe.pk), action="update").get()
    assert change.reason == "核实为城镇燃气次高压管道"
    assert change.before["kind"] == "pipeline" and change.after["kind"] == "gas_network"
    # a kind change without attributes keeps those the new kind also has, and asks for its required ones
    with pytest.raises(ValidationFailed) as caught:
        services.do_update_risk_source(acting_user=world.users["city"], source_id=pipe.pk, changes={"kind": "pipeline"})
    assert caught.value.field == "attributes.medium"


def test_an_update_outside_the_jurisdiction_is_not_found(world, sources):
    with pytest.raises(NotFound):
        services.do_update_risk_source(
            acting_user=world.users["county_b"], source_id=sources["pipe_a"].pk, changes={"name": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.do_update_risk_source(
            acting_user=world.users["inspector"], source_id=sources["pipe_a"].pk, changes={"name": "x"}
        )


def test_moving_a_source_to_a_county_outside_the_jurisdiction_is_refused(world, sources):
    with pytest.raises(ValidationFailed) as caught:
        services.do_update_risk_source(
            acting_user=world.users["county_a"], source_id=sources["pipe_a"].pk, changes={"county": "511112"}
        )
    assert caught.value.code == "outside_jurisdiction"


def test_a_geometry_update_recomputes_the_derived_columns(world, sources):
    updated = services.do_update_risk_source(
        acting_user=world.users["city"],
        source_id=sources["square_a"].pk,
        changes={"geometry": {"type": "Point", "coordinates": [103.765, 29.557]}},
    )
    assert updated.shape == "point" and updated.area_m2 is None and updated.min_lon == 103.765


def test_delete_a_source_registered_by_mistake(world, sources):
    pk = sources["square_a"].pk
    with pytest.raises(PermissionDenied):
        services.do_delete_risk_source(acting_user=world.users["inspector"], source_id=pk)
    with pytest.raises(NotFound):
        services.do_delete_risk_source(acting_user=world.users["county_b"], source_id=pk)
    services.do_delete_risk_source(acting_user=world.users["county_a"], source_id=pk, reason="重复登记")
    assert not RiskSource.objects.filter(pk=pk).exists()
    assert ObjectChange.objects.get(object_id=str(pk), action="delete").reason == "重复登记"


def hazard(world, source, persona="county_a", **extra):
    data = {
        "category": "occupation",
        "description": "新建厂房占压管道",
        "supervision": "none",
        "found_on": dt.date(2026, 9, 1),
        "deadline": dt.date(2026, 10, 1),
    }
    data.update(extra)
    return services.do_add_source_hazard(acting_user=world.users[persona], source_id=source.pk, data=data, today=TODAY)


def test_a_source_with_hazards_cannot_be_deleted(world, sources):
    hazard(world, sources["pipe_a"])
    with pytest.raises(Conflict) as caught:
        services.do_delete_risk_source(acting_user=world.users["city"], source_id=sources["pipe_a"].pk)
    assert caught.value.code == "has_hazards"


def test_a_hazard_is_recorded_and_audited(world, sources):
    found = hazard(world, sources["pipe_a"], supervision="province", longitude=103.76, latitude=29.555)
    assert found.status == "open" and found.is_overdue(TODAY)
    event = AuditEvent.objects.get(event="source_hazard.reported")
    assert event.region_code == "511102" and event.data["supervision"] == "province"


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"description": ""}, "description", "required"),
        ({"category": "fire"}, "category", "invalid_choice"),
        ({"supervision": "national"}, "supervision", "invalid_choice"),
        ({"found_on": None}, "found_on", "required"),
        ({"found_on": "2026-99-01"}, "found_on", "wrong_type"),
        ({"found_on": dt.date(2026, 12, 1), "deadline": None}, "found_on", "in_future"),
        ({"deadline": dt.date(2026, 8, 1)}, "deadline", "end_before_start"),
        ({"longitude": 103.76}, "latitude", "incomplete_location"),
        ({"longitude": 2.35, "latitude": 48.85}, "longitude", "outside_china"),
        ({"longitude": "x", "latitude": "y"}, "longitude", "wrong_type"),
    ],
)
def test_a_bad_hazard_is_refused_with_field_and_code(world, sources, extra, field, code):
    with pytest.raises(ValidationFailed) as caught:
        hazard(world, sources["pipe_a"], **extra)
    assert (field, code) in {(e.field, e.code) for e in caught.value.errors}
    assert not SourceHazard.objects.exists()


def test_hazards_outside_the_jurisdiction_or_role(world, sources):
    with pytest.raises(NotFound):
        hazard(world, sources["pipe_a"], persona="county_b")
    with pytest.raises(PermissionDenied):
        hazard(world, sources["pipe_a"], persona="expert")
    assert hazard(world, sources["pipe_a"], persona="inspector").created_by == world.users["inspector"]


def test_rectify_and_reopen(world, sources):
    found = hazard(world, sources["pipe_a"], supervision="county")
    with pytest.raises(ValidationFailed) as caught:
        services.do_rectify_source_hazard(
            acting_user=world.users["county_a"], hazard_id=found.pk, rectified_on=None, note="", today=TODAY
        )
    assert {e.field for e in caught.value.errors} == {"note", "rectified_on"}
    with pytest.raises(ValidationFailed) as caught:
        services.do_rectify_source_hazard(
            acting_user=world.users["county_a"],
            hazard_id=found.pk,
            rectified_on=dt.date(2026, 8, 1),
            note="x",
            today=TODAY,
        )
    assert caught.value.code == "end_before_start"
    with pytest.raises(ValidationFailed) as caught:
        services.do_rectify_source_hazard(
            acting_user=world.users["county_a"],
            hazard_id=found.pk,
            rectified_on=dt.date(2026, 12, 1),
            note="x",
            today=TODAY,
        )
    assert caught.value.code == "in_future"
    done = services.do_rectify_source_hazard(
        acting_user=world.users["county_a"], hazard_id=found.pk, rectified_on="2026-10-20", note="已拆除", today=TODAY
    )
    assert done.status == "rectified" and done.rectified_on == dt.date(2026, 10, 20) and not done.is_overdue(TODAY)
    assert AuditEvent.objects.filter(event="source_hazard.rectified").count() == 1
    with pytest.raises(Conflict) as caught:
        services.do_rectify_source_hazard(
            acting_user=world.users["county_a"], hazard_id=found.pk, rectified_on=TODAY, note="again", today=TODAY
        )
    assert caught.value.code == "invalid_transition"
    with pytest.raises(ValidationFailed) as caught:
        services.do_reopen_source_hazard(acting_user=world.users["inspector"], hazard_id=found.pk, reason=" ")
    assert caught.value.code == "required"
    reopened = services.do_reopen_source_hazard(
        acting_user=world.users["inspector"], hazard_id=found.pk, reason="复查发现违建未拆除"
    )
    assert reopened.status == "open" and reopened.rectified_on is None
    assert AuditEvent.objects.filter(event="source_hazard.reopened").get().data["reason"] == "复查发现违建未拆除"
    with pytest.raises(Conflict):
        services.do_reopen_source_hazard(acting_user=world.users["city"], hazard_id=found.pk, reason="x")


def test_a_hazard_listed_by_the_province_is_closed_by_the_city(world, sources):
    found = hazard(world, sources["pipe_a"], supervision="province")
    with pytest.raises(PermissionDenied) as caught:
        services.do_rectify_source_hazard(
            acting_user=world.users["county_a"], hazard_id=found.pk, rectified_on=TODAY, note="已整改", today=TODAY
        )
    assert caught.value.code == "closed_by_city"
    done = services.do_rectify_source_hazard(
        acting_user=world.users["city"], hazard_id=found.pk, rectified_on=TODAY, note="已整改", today=TODAY
    )
    assert done.status == "rectified"


def test_rectifying_outside_the_jurisdiction_is_not_found(world, sources):
    found = hazard(world, sources["pipe_a"])
    with pytest.raises(NotFound):
        services.do_rectify_source_hazard(
            acting_user=world.users["county_b"], hazard_id=found.pk, rectified_on=TODAY, note="x", today=TODAY
        )
    with pytest.raises(PermissionDenied):
        services.do_rectify_source_hazard(
            acting_user=world.users["inspector"], hazard_id=found.pk, rectified_on=TODAY, note="x", today=TODAY
        )


def test_overhead_tailings_ponds(world, sources):
    assert sources["pond_b"].is_overhead_pond
    far = services.do_update_risk_source(
        acting_user=world.users["city"],
        source_id=sources["pond_b"].pk,
        changes={"attributes": {"grade": "4", "downstream_distance_m": 1500}},
    )
    assert not far.is_overhead_pond
    assert not sources["pipe_a"].is_overhead_pond


def test_the_transitions_table_is_the_whole_lifecycle():
    assert services.HAZARD_TRANSITIONS == {("open", "rectify"): "rectified", ("rectified", "reopen"): "open"}
