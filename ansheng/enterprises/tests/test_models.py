"""Field rules of an enterprise record (one source for pages, API and import: the model's full_clean)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ansheng.core.testing import credit_code
from ansheng.enterprises.choices import ExpiryState
from ansheng.enterprises.models import Enterprise, Licence, expiry_state

pytestmark = pytest.mark.django_db


def _enterprise(world, **fields):
    data = {"credit_code": credit_code(77), "name": "测试", "county": world.regions["a"], "category": "commerce"}
    data.update(fields)
    return Enterprise(**data)


def _errors(enterprise):
    with pytest.raises(ValidationError) as exc:
        enterprise.full_clean()
    return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}, exc.value


def test_a_wrong_check_digit_says_which_character_is_expected(world):
    good = credit_code(77)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    codes, exc = _errors(_enterprise(world, credit_code=wrong))
    assert codes["credit_code"] == ["wrong_check_digit"]
    assert f"第18位应为“{good[17]}”" in exc.message_dict["credit_code"][0]


@pytest.mark.parametrize(
    ("value", "code"),
    [("91511102MA62X123", "wrong_length"), ("91511102MA62X1234I", "illegal_character"), ("", "blank")],
)
def test_malformed_credit_codes(world, value, code):
    codes, _exc = _errors(_enterprise(world, credit_code=value))
    assert code in codes["credit_code"]


def test_industry_codes_must_match_their_section(world):
    codes, _exc = _errors(_enterprise(world, industry_code="B2614"))
    assert codes["industry_code"] == ["industry_section_mismatch"]
    enterprise = _enterprise(world, industry_code="2614")
    enterprise.full_clean()
    assert enterprise.industry_code == "C2614"


def test_a_location_outside_china_is_a_typing_error(world):
    codes, _exc = _errors(_enterprise(world, longitude=Decimal("29.55"), latitude=Decimal("103.76")))
    assert codes["longitude"] == ["out_of_china"]
    assert codes["latitude"] == ["out_of_china"]


def test_longitude_and_latitude_come_together(world):
    codes, _exc = _errors(_enterprise(world, longitude=Decimal("103.7")))
    assert codes["latitude"] == ["incomplete_location"]


def test_the_township_must_be_in_the_county(world):
    codes, _exc = _errors(_enterprise(world, county=world.regions["b"], township=world.regions["town_a"]))
    assert codes["township"] == ["township_outside_county"]


def test_phone_numbers(world):
    _enterprise(world, principal_phone="13800000000", safety_manager_phone="0833-2123456").full_clean()
    codes, _exc = _errors(_enterprise(world, principal_phone="12345"))
    assert codes["principal_phone"] == ["invalid_phone"]


def test_insurance_period_and_standardisation_expiry(world):
    codes, _exc = _errors(
        _enterprise(
            world, insurance_start=dt.date(2026, 5, 1), insurance_end=dt.date(2026, 4, 1), standardisation_level="2"
        )
    )
    assert codes["insurance_end"] == ["end_before_start"]
    assert codes["standardisation_expiry"] == ["required"]


def test_expiry_states(settings):
    settings.EXPIRY_WARNING_DAYS = 90
    today = dt.date(2026, 11, 29)
    assert expiry_state(None, today) is None
    assert expiry_state(dt.date(2026, 11, 28), today) == ExpiryState.EXPIRED
    assert expiry_state(today, today) == ExpiryState.EXPIRING
    assert expiry_state(today + dt.timedelta(days=90), today) == ExpiryState.EXPIRING
    assert expiry_state(today + dt.timedelta(days=91), today) == ExpiryState.VALID


def test_expiry_warnings_list_licences_standardisation_and_insurance(world):
    chem = world.enterprises["chem_b"]
    today = timezone.localdate()
    Licence.objects.create(
        enterprise=chem, kind="safety_production", number="A1", expires_on=today - dt.timedelta(days=1)
    )
    Licence.objects.create(
        enterprise=chem, kind="chem_registration", number="A2", expires_on=today + dt.timedelta(days=500)
    )
    chem.standardisation_level = "2"
    chem.standardisation_expiry = today + dt.timedelta(days=10)
    chem.insurance_end = today + dt.timedelta(days=400)
    states = sorted((str(w["what"]), w["state"]) for w in chem.expiry_warnings())
    assert states == [("安全生产标准化", "expiring"), ("安全生产许可证", "expired")]


def test_search_text_holds_name_former_names_and_code(world):
    chem = world.enterprises["chem_b"]
    chem.former_names = ["旧名化工厂"]
    chem.save()
    assert "旧名化工厂" in chem.search_text
    assert chem.credit_code.lower() in chem.search_text
