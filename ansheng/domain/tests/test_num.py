"""Exact numbers in, rounded numbers out."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ansheng.domain._num import as_count, as_exact, as_float, as_money_json, dec
from ansheng.domain.errors import DomainError


def test_floats_are_read_as_the_decimal_they_print() -> None:
    assert as_exact(0.3, "x", DomainError) == Fraction(3, 10)
    assert as_exact(1e-05, "x", DomainError) == Fraction(1, 100_000)
    assert as_exact(Decimal("0.75"), "x", DomainError) == Fraction(3, 4)
    assert as_exact(Fraction(1, 3), "x", DomainError) == Fraction(1, 3)
    assert as_exact(-2, "x", DomainError, allow_negative=True) == -2
    assert dec("0.75") == Fraction(3, 4)


def test_refusals_carry_the_field_and_code() -> None:
    with pytest.raises(DomainError) as caught:
        as_exact(-1, "t", DomainError, negative_code="negative_quantity")
    assert (caught.value.code, caught.value.field) == ("negative_quantity", "t")
    with pytest.raises(DomainError) as caught:
        as_exact(Decimal("Infinity"), None, DomainError)
    assert caught.value.code == "not_finite" and "value" in caught.value.message_en
    with pytest.raises(DomainError) as caught:
        as_count(2.0, None, DomainError)
    assert caught.value.code == "wrong_type"
    with pytest.raises(DomainError) as caught:
        as_count(-2, None, DomainError)
    assert caught.value.code == "negative_value"


def test_rounding_for_json() -> None:
    assert as_float(Fraction(2, 3)) == 0.6667
    assert as_float(Fraction(-5, 8), 2) == -0.63  # half away from zero
    assert as_money_json(Fraction(500_000)) == 500_000
    assert isinstance(as_money_json(Fraction(500_000)), int)
    assert as_money_json(Fraction(1, 3)) == 0.33
