"""Major hazard sources: GB 18218 grading recomputed on every change, 包保 persons and checks, evaluation reports,
备案 transitions with every refusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ansheng.core.audit import verify_chain
from ansheng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ansheng.core.models import AuditEvent, ObjectChange
from ansheng.hazards import services
from ansheng.hazards.choices import RegistrationStatus
from ansheng.hazards.models import HazardSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world):
    return world.users["ent_admin"]


@pytest.fixture
def source(world, admin):
    return services.do_create_source(
        acting_user=admin,
        enterprise_id=world.enterprises["chem_b"].pk,
        data={"code": "HS-01", "name": "液氯储罐区", "unit_kind": "storage", "people_within_500m": 120},
    )


def ready(source, admin, world):
    """Everything 备案 needs: a substance making it major, the three persons, a valid evaluation."""
    services.do_add_substance(acting_user=admin, source_id=source.pk, query="液氯", max_quantity_t=90)
    for duty, name in (("principal", "王总"), ("technical", "李工"), ("operating", "张班长")):
        services.do_set_responsible_person(acting_user=admin, source_id=source.pk, duty=duty, data={"name": name})
    services.do_add_evaluation_report(
        acting_user=admin,
        source_id=source.pk,
        data={"report_no": "AP-2026-017", "agency": "四川某安全评价有限公司", "evaluated_on": timezone.localdate()},
    )
    source.refresh_from_db()
    return source


# --- grading ------------------------------------------------------------------------------------------------------


def test_a_new_unit_without_substances_is_not_a_major_hazard_source(source):
    assert (source.is_major, source.grade, source.s_value, source.r_value) == (False, None, Decimal(0), None)
    assert source.alpha == Decimal("2.00")  # 120 people within 500 m: Table 5


def test_liquid_chlorine_90_t_with_120_people_is_grade_1(source, admin):
    item = services.do_add_substance(acting_user=admin, source_id=source.pk, query="7782-50-5", max_quantity_t="90")
    source.refresh_from_db()
    # q/Q = 90/5 = 18; β (Table 3, 氯) = 4; α = 2.0; R = 2 × 4 × 18 = 144 ≥ 100 → 一级
    assert (source.s_value, source.r_value, source.grade, source.is_major) == (
        Decimal("18.0000"),
        Decimal("144.0000"),
        1,
        True,
    )
    assert (item.name, item.critical_t, item.beta, item.ratio, item.weighted) == (
        "氯",
        Decimal("5.0000"),
        Decimal("4.00"),
        Decimal("18.0000"),
        Decimal("72.0000"),
    )
    assert AuditEvent.objects.filter(event="hazard_source.graded", object_id=str(source.pk)).exists()


def test_each_change_regrades_and_each_substance_shows_its_share(source, admin):
    services.do_add_substance(acting_user=admin, source_id=source.pk, query="液氯", max_quantity_t=2)
    hydrogen = services.do_add_substance(acting_user=admin, source_id=source.pk, query="氢", max_quantity_t=4)
    source.refresh_from_db()
    # S = 2/5 + 4/5 = 1.2 ≥ 1; R = 2.0 × (4 × 0.4 + 1.5 × 0.8) = 5.6 → 四级
    assert (source.s_value, source.r_value, source.grade) == (Decimal("1.2000"), Decimal("5.6000"), 4)
    services.do_update_substance(acting_user=admin, source_id=source.pk, substance_id=hydrogen.pk, max_quantity_t=1)
    source.refresh_from_db()
    assert (source.is_major, source.grade) == (False, None)  # S = 0.6 < 1
    services.do_update_source(acting_user=admin, source_id=source.pk, changes={"people_within_500m": 0})
    services.do_remove_substance(acting_user=admin, source_id=source.pk, substance_id=hydrogen.pk)
    source.refresh_from_db()
    assert (source.alpha, source.s_value) == (Decimal("0.50"), Decimal("0.4000"))
    assert ObjectChange.objects.filter(object_type="hazards.hazardsubstance").count() == 4


def test_a_table_2_category_and_a_beta_override(source, admin):
    services.do_add_substance(acting_user=admin, source_id=source.pk, query="W5.3", max_quantity_t=2000)
    source.refresh_from_db()
    assert (source.s_value, source.r_value) == (Decimal("2.0000"), Decimal("4.0000"))
    item = services.do_add_substance(
        acting_user=admin, source_id=source.pk, query="甲醛", max_quantity_t=5, beta_symbol="W2"
    )
    assert (item.beta_symbol, item.beta) == ("W2", Decimal("1.50"))


@pytest.mark.parametrize(
    ("query", "quantity", "extra", "code", "field"),
    [
        ("不存在的物质", 1, {}, "unknown_substance", "query"),
        ("硝酸铵", 1, {}, "ambiguous_substance", "query"),
        ("7782-50-4", 1, {}, "invalid_cas", "query"),
        ("液氯", -1, {}, "negative_quantity", "max_quantity_t"),
        ("液氯", "lots", {}, "invalid", "max_quantity_t"),
        ("液氯", 1, {"beta_symbol": "W2"}, "override_not_allowed", "beta_symbol"),
        ("甲醛", 1, {"beta_symbol": "Z9"}, "unknown_category", "beta_symbol"),
    ],
)
def test_substance_refusals(source, admin, query, quantity, extra, code, field):
    with pytest.raises(ValidationFailed) as error:
        services.do_add_substance(acting_user=admin, source_id=source.pk, query=query, max_quantity_t=quantity, **extra)
    assert (error.value.code, error.value.field) == (code, field)


def test_the_same_substance_twice_is_refused_and_ambiguity_is_resolved_by_row(source, admin):
    services.do_add_substance(acting_user=admin, source_id=source.pk, query="硝酸铵", no=43, max_quantity_t=10)
    with pytest.raises(ValidationFailed) as error:
        services.do_add_substance(acting_user=admin, source_id=source.pk, query="table1:43", max_quantity_t=1)
    assert error.value.code == "duplicate_substance"


def test_who_may_change_a_source(source, world):
    for persona, exc in (
        ("ent_staff", PermissionDenied),
        ("county_b", PermissionDenied),
        ("other_ent_admin", NotFound),
        ("county_a", NotFound),
    ):
        with pytest.raises(exc):
            services.do_update_source(acting_user=world.users[persona], source_id=source.pk, changes={"name": "x"})
    services.do_update_source(acting_user=world.users["city_admin"], source_id=source.pk, changes={"name": "液氯罐区"})


def test_unit_codes_are_unique_per_enterprise(source, admin, world):
    with pytest.raises(ValidationFailed) as error:
        services.do_create_source(
            acting_user=admin,
            enterprise_id=world.enterprises["chem_b"].pk,
            data={"code": "HS-01", "name": "x", "unit_kind": "storage"},
        )
    assert error.value.code == "unique"
    other = services.do_create_source(
        acting_user=world.users["city_admin"],
        enterprise_id=world.enterprises["mine_a"].pk,
        data={"code": "HS-01", "name": "炸药库", "unit_kind": "storage"},
    )
    assert other.pk != source.pk
    with pytest.raises(NotFound):
        services.do_create_source(
            acting_user=admin,
            enterprise_id=world.enterprises["mine_a"].pk,
            data={"code": "HS-09", "name": "x", "unit_kind": "storage"},
        )
    with pytest.raises(ValidationFailed) as error:
        services.do_create_source(
            acting_user=admin,
            enterprise_id=world.enterprises["chem_b"].pk,
            data={"code": "HS-09", "name": "x", "unit_kind": "storage", "longitude": 103.8},
        )
    assert error.value.field == "latitude"


# --- 包保 ---------------------------------------------------------------------------------------------------------


def test_responsible_persons_take_default_cycles_and_checks_move_the_due_date(source, admin, world):
    person = services.do_set_responsible_person(
        acting_user=admin,
        source_id=source.pk,
        duty="operating",
        data={"name": "张班长", "phone": "13800000000", "since": dt.date(2026, 1, 1)},
    )
    assert person.cycle_days == 7 and person.next_due == dt.date(2026, 1, 8)
    services.do_record_duty_check(
        acting_user=world.users["ent_staff"],
        source_id=source.pk,
        duty="operating",
        checked_on=dt.date(2026, 1, 6),
        result="normal",
    )
    person.refresh_from_db()
    assert person.last_check_on == dt.date(2026, 1, 6) and person.next_due == dt.date(2026, 1, 13)
    assert person.due_state(dt.date(2026, 1, 14)) == "overdue"
    assert AuditEvent.objects.filter(event="hazard_source.duty_checked").count() == 1


def test_replacing_a_person_restarts_their_cycle(source, admin):
    services.do_set_responsible_person(
        acting_user=admin, source_id=source.pk, duty="technical", data={"name": "李工", "since": dt.date(2025, 1, 1)}
    )
    services.do_record_duty_check(
        acting_user=admin, source_id=source.pk, duty="technical", checked_on=dt.date(2025, 6, 1), result="normal"
    )
    person = services.do_set_responsible_person(
        acting_user=admin, source_id=source.pk, duty="technical", data={"name": "赵工"}
    )
    assert (person.name, person.last_check_on, person.since) == ("赵工", None, timezone.localdate())


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"duty": "principal"}, "no_responsible_person", "duty"),
        ({"checked_on": dt.date(2999, 1, 1)}, "future_date", "checked_on"),
        ({"result": "fine"}, "invalid_choice", "result"),
        ({"result": "issues"}, "required", "findings"),
    ],
)
def test_check_refusals(source, admin, kwargs, code, field):
    services.do_set_responsible_person(
        acting_user=admin, source_id=source.pk, duty="operating", data={"name": "张班长"}
    )
    arguments = {"duty": "operating", "checked_on": timezone.localdate(), "result": "normal", **kwargs}
    with pytest.raises(ValidationFailed) as error:
        services.do_record_duty_check(acting_user=admin, source_id=source.pk, **arguments)
    assert (error.value.code, error.value.field) == (code, field)


def test_a_linked_account_must_belong_to_the_enterprise(source, admin, world):
    with pytest.raises(ValidationFailed) as error:
        services.do_set_responsible_person(
            acting_user=admin,
            source_id=source.pk,
            duty="principal",
            data={"name": "x", "user": world.users["other_ent_admin"].pk},
        )
    assert error.value.code == "not_enterprise_user"
    with pytest.raises(ValidationFailed):
        services.do_set_responsible_person(acting_user=admin, source_id=source.pk, duty="boss", data={"name": "x"})


def test_an_evaluation_report_is_valid_three_years(source, admin):
    report = services.do_add_evaluation_report(
        acting_user=admin,
        source_id=source.pk,
        data={"report_no": "AP-1", "agency": "评价公司", "evaluated_on": dt.date(2024, 3, 15), "stated_grade": 1},
    )
    assert report.valid_until == dt.date(2027, 3, 14)
    with pytest.raises(ValidationFailed) as error:
        services.do_add_evaluation_report(
            acting_user=admin,
            source_id=source.pk,
            data={"report_no": "AP-2", "agency": "评价公司", "evaluated_on": dt.date(2999, 1, 1)},
        )
    assert error.value.code == "future_date"


# --- 备案 ---------------------------------------------------------------------------------------------------------


def test_submission_needs_a_major_source_three_persons_and_a_valid_report(source, admin):
    with pytest.raises(ValidationFailed) as error:
        services.do_registration(acting_user=admin, source_id=source.pk, action="submit")
    assert error.value.code == "not_ready"
    problems = services.submission_problems(source)
    assert any("S < 1" in p for p in problems) and any("包保责任人" in p for p in problems)


def test_the_registration_lifecycle(source, admin, world):
    ready(source, admin, world)
    county = world.users["county_b"]
    with pytest.raises(PermissionDenied):
        services.do_registration(acting_user=county, source_id=source.pk, action="submit")
    services.do_registration(acting_user=admin, source_id=source.pk, action="submit")
    with pytest.raises(PermissionDenied):
        services.do_registration(acting_user=admin, source_id=source.pk, action="accept")
    with pytest.raises(NotFound):
        services.do_registration(acting_user=world.users["county_a"], source_id=source.pk, action="accept")
    with pytest.raises(ValidationFailed) as error:
        services.do_registration(acting_user=county, source_id=source.pk, action="return")
    assert error.value.field == "note"
    services.do_registration(acting_user=county, source_id=source.pk, action="return", note="附件不全")
    source.refresh_from_db()
    assert source.registration_status == RegistrationStatus.RETURNED
    services.do_registration(acting_user=admin, source_id=source.pk, action="submit")
    services.do_registration(acting_user=county, source_id=source.pk, action="accept")
    source.refresh_from_db()
    year = timezone.localdate().year
    assert (source.registration_status, source.registration_no, source.registered_grade) == (
        RegistrationStatus.REGISTERED,
        f"511112{year}-0001",
        1,
    )
    with pytest.raises(Conflict) as conflict:
        services.do_registration(acting_user=admin, source_id=source.pk, action="submit")
    assert conflict.value.code == "invalid_transition"
    assert list(source.registration_steps.order_by("at", "id").values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
        "accept",
    ]
    assert AuditEvent.objects.filter(event__startswith="hazard_source.registration.").count() == 4
    assert verify_chain().ok


def test_a_regrade_after_registration_asks_for_a_change_of_registration(source, admin, world):
    ready(source, admin, world)
    services.do_registration(acting_user=admin, source_id=source.pk, action="submit")
    services.do_registration(
        acting_user=world.users["county_b"], source_id=source.pk, action="accept", registration_no="川乐五备-001"
    )
    item = source.substances.get()
    services.do_update_substance(acting_user=admin, source_id=source.pk, substance_id=item.pk, max_quantity_t=60)
    source.refresh_from_db()
    # 60 t: R = 2.0 × 4 × 12 = 96 → 二级
    assert (source.grade, source.registration_status) == (2, RegistrationStatus.CHANGE_REQUIRED)
    assert source.registration_steps.first().action == "require_change"
    services.do_registration(acting_user=admin, source_id=source.pk, action="submit")
    services.do_registration(acting_user=world.users["county_b"], source_id=source.pk, action="accept")
    source.refresh_from_db()
    assert source.registered_grade == 2 and source.registration_no == "川乐五备-001"


def test_registration_numbers_are_unique_and_cancellation_needs_a_reason(source, admin, world):
    ready(source, admin, world)
    services.do_registration(acting_user=admin, source_id=source.pk, action="submit")
    services.do_registration(
        acting_user=world.users["city_admin"], source_id=source.pk, action="accept", registration_no="N-1"
    )
    second = HazardSource.objects.create(enterprise=source.enterprise, code="HS-02", name="b", unit_kind="storage")
    ready(second, admin, world)
    services.do_registration(acting_user=admin, source_id=second.pk, action="submit")
    with pytest.raises(ValidationFailed) as error:
        services.do_registration(
            acting_user=world.users["county_b"], source_id=second.pk, action="accept", registration_no="N-1"
        )
    assert (error.value.code, error.value.field) == ("unique", "registration_no")
    with pytest.raises(ValidationFailed):
        services.do_registration(acting_user=world.users["county_b"], source_id=source.pk, action="cancel")
    services.do_registration(acting_user=world.users["county_b"], source_id=source.pk, action="cancel", note="装置拆除")
    source.refresh_from_db()
    assert source.registration_status == RegistrationStatus.CANCELLED
    with pytest.raises(ValidationFailed):
        services.do_registration(acting_user=admin, source_id=source.pk, action="approve")
