"""Exact numbers for the rules, and their conversion to JSON floats at the edge.

Every rule computes with :class:`fractions.Fraction` so that band edges (R exactly 100, S exactly 1, D exactly 320)
are decided exactly. A ``float`` coming from JSON is read as the decimal number it prints as (``0.3`` is 3/10, not
the nearest binary fraction), which is what the person who typed it meant.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import TypeAlias

from ansheng.domain.errors import DomainError

__all__ = ["Number", "as_count", "as_exact", "as_float", "as_money_json", "dec"]

Number: TypeAlias = int | float | Decimal | Fraction


def dec(text: str) -> Fraction:
    """A table value written as a decimal string in the data files (``"0.75"``), as an exact fraction."""
    return Fraction(Decimal(text))


def as_exact(
    value: object,
    field: str | None,
    error: type[DomainError],
    *,
    allow_negative: bool = False,
    negative_code: str = "negative_value",
) -> Fraction:
    """``value`` as an exact fraction; refuses booleans, strings, NaN and infinities (and negatives unless allowed)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise error("wrong_type", field, f"{field or '数值'}应为数字", f"{field or 'value'} must be a number")
    finite = math.isfinite(value) if isinstance(value, float) else not isinstance(value, Decimal) or value.is_finite()
    if not finite:
        raise error("not_finite", field, f"{field or '数值'}应为有限数", f"{field or 'value'} must be a finite number")
    exact = Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)
    if exact < 0 and not allow_negative:
        raise error(negative_code, field, f"{field or '数值'}不能为负数", f"{field or 'value'} must not be negative")
    return exact


def as_count(value: object, field: str | None, error: type[DomainError]) -> int:
    """``value`` as a non-negative whole number of people (a float, even ``3.0``, is refused as the wrong type)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise error("wrong_type", field, f"{field or '人数'}应为整数", f"{field or 'value'} must be an integer")
    if value < 0:
        raise error("negative_value", field, f"{field or '人数'}不能为负数", f"{field or 'value'} must not be negative")
    return value


def as_float(value: Fraction, places: int = 4) -> float:
    """``value`` rounded half-up to ``places`` decimals, as a float for JSON (display only, never for decisions)."""
    with localcontext() as ctx:
        ctx.prec = 60
        decimal = Decimal(value.numerator) / Decimal(value.denominator)
        return float(decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def as_money_json(value: Fraction) -> int | float:
    """An amount of yuan for JSON: an int when whole, else rounded to fen (0.01)."""
    if value.denominator == 1:
        return int(value)
    return as_float(value, 2)
