"""The registry's write path: who may create and change what, and what is refused with which error."""

import pytest

from ansheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import ObjectChange
from ansheng.core.testing import credit_code
from ansheng.enterprises.models import Enterprise
from ansheng.enterprises.services import (
    do_add_licence,
    do_create_enterprise,
    do_remove_licence,
    do_update_enterprise,
)

pytestmark = pytest.mark.django_db


def _data(**extra):
    data = {
        "credit_code": credit_code(501),
        "name": "乐山市新登记商贸有限公司",
        "county": "511102",
        "category": "commerce",
    }
    data.update(extra)
    return data


def test_a_county_supervisor_registers_an_enterprise_in_their_county(world):
    enterprise = do_create_enterprise(acting_user=world.users["county_a"], data=_data(former_names="甲；乙"))
    assert enterprise.county_id == "511102"
    assert enterprise.former_names == ["甲", "乙"]
    change = ObjectChange.objects.get(object_type="enterprises.enterprise", object_id=str(enterprise.pk))
    assert change.action == "create"
    assert change.user == world.users["county_a"]
    assert change.region_code == "511102"


def test_a_county_supervisor_cannot_register_one_in_another_county(world):
    with pytest.raises(ValidationFailed) as exc:
        do_create_enterprise(
            acting_user=world.users["county_a"], data=_data(county="511112", credit_code=credit_code(502, "511112"))
        )
    assert (exc.value.code, exc.value.field) == ("outside_jurisdiction", "county")
    assert not Enterprise.objects.filter(name="乐山市新登记商贸有限公司").exists()


@pytest.mark.parametrize("persona", ["dept_transport", "ent_admin", "ent_staff", "expert", "inspector", "public"])
def test_other_roles_cannot_register_enterprises(world, persona):
    with pytest.raises(PermissionDenied):
        do_create_enterprise(acting_user=world.users[persona], data=_data())


def test_missing_required_fields_are_all_reported(world):
    with pytest.raises(ValidationFailed) as exc:
        do_create_enterprise(acting_user=world.users["city"], data={"name": "x"})
    fields = {error.field for error in exc.value.errors}
    assert {"credit_code", "county", "category"} <= fields


def test_a_duplicate_credit_code_is_refused(world):
    existing = world.enterprises["mine_a"]
    with pytest.raises(ValidationFailed) as exc:
        do_create_enterprise(acting_user=world.users["city"], data=_data(credit_code=existing.credit_code))
    assert (exc.value.code, exc.value.field) == ("unique", "credit_code")


def test_unknown_fields_and_unknown_references_are_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        do_create_enterprise(acting_user=world.users["city"], data=_data(colour="red"))
    assert exc.value.code == "unknown_field"
    with pytest.raises(ValidationFailed) as exc:
        do_create_enterprise(acting_user=world.users["city"], data=_data(county="999999"))
    assert (exc.value.code, exc.value.field) == ("unknown_region", "county")
    with pytest.raises(ValidationFailed) as exc:
        do_create_enterprise(acting_user=world.users["city"], data=_data(category="bakery"))
    assert exc.value.field == "category"


def test_the_enterprise_administrator_keeps_contacts_but_not_what_the_regulator_sets(world):
    chem = world.enterprises["chem_b"]
    admin = world.users["ent_admin"]
    do_update_enterprise(acting_user=admin, enterprise_id=chem.pk, changes={"safety_manager_phone": "13900001111"})
    chem.refresh_from_db()
    assert chem.safety_manager_phone == "13900001111"
    with pytest.raises(PermissionDenied) as exc:
        do_update_enterprise(acting_user=admin, enterprise_id=chem.pk, changes={"category": "commerce"})
    assert (exc.value.code, exc.value.field) == ("field_not_editable", "category")
    # sending the unchanged value of a regulator's field (as a form does) is fine
    do_update_enterprise(
        acting_user=admin, enterprise_id=chem.pk, changes={"category": chem.category, "employees": 310}
    )


def test_staff_and_other_enterprises_cannot_edit(world):
    chem = world.enterprises["chem_b"]
    with pytest.raises(PermissionDenied):
        do_update_enterprise(acting_user=world.users["ent_staff"], enterprise_id=chem.pk, changes={"employees": 1})
    with pytest.raises(NotFound):
        do_update_enterprise(
            acting_user=world.users["other_ent_admin"], enterprise_id=chem.pk, changes={"employees": 1}
        )
    with pytest.raises(NotFound):
        do_update_enterprise(acting_user=world.users["county_a"], enterprise_id=chem.pk, changes={"employees": 1})


def test_a_failed_update_leaves_the_record_unchanged(world):
    chem = world.enterprises["chem_b"]
    with pytest.raises(ValidationFailed):
        do_update_enterprise(
            acting_user=world.users["county_b"],
            enterprise_id=chem.pk,
            changes={"employees": 5, "principal_phone": "bad"},
        )
    chem.refresh_from_db()
    assert chem.employees == 300


def test_moving_an_enterprise_out_of_the_jurisdiction_is_refused(world):
    chem = world.enterprises["chem_b"]
    with pytest.raises(ValidationFailed) as exc:
        do_update_enterprise(acting_user=world.users["county_b"], enterprise_id=chem.pk, changes={"county": "511102"})
    assert exc.value.code == "outside_jurisdiction"


def test_regulators_are_set_and_logged(world):
    chem = world.enterprises["chem_b"]
    housing = world.orgs["housing"]
    do_update_enterprise(acting_user=world.users["city"], enterprise_id=chem.pk, changes={"regulators": [housing.pk]})
    assert list(chem.regulators.all()) == [housing]
    change = ObjectChange.objects.filter(object_id=str(chem.pk)).first()
    assert change.after["regulators"] == [housing.pk]


def test_licences_are_added_and_removed_with_the_change_log(world):
    import datetime as dt

    chem = world.enterprises["chem_b"]
    licence = do_add_licence(
        acting_user=world.users["ent_admin"],
        enterprise_id=chem.pk,
        data={"kind": "safety_production", "number": "(川)WH安许证字[2026]0001", "expires_on": dt.date(2029, 1, 1)},
    )
    with pytest.raises(ValidationFailed) as exc:
        do_add_licence(
            acting_user=world.users["ent_admin"],
            enterprise_id=chem.pk,
            data={
                "kind": "safety_production",
                "number": "X",
                "issued_on": dt.date(2026, 1, 2),
                "expires_on": dt.date(2026, 1, 1),
            },
        )
    assert exc.value.field == "expires_on"
    do_remove_licence(acting_user=world.users["ent_admin"], enterprise_id=chem.pk, licence_id=licence.pk)
    actions = list(ObjectChange.objects.filter(object_type="enterprises.licence").values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]
    with pytest.raises(NotFound):
        do_remove_licence(acting_user=world.users["other_ent_admin"], enterprise_id=chem.pk, licence_id=licence.pk)
