"""Field validators shared by forms, the API and the Excel import (through the model's full_clean)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ansheng.domain.errors import DomainError


def _message(exc: DomainError) -> str:
    language = translation.get_language() or "zh-hans"
    return str(exc.to_dict(language)["message"])


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 per GB 32100-2015, with the exact reason when it is wrong."""
    from ansheng.domain.codes import validate_credit_code as check

    result = check(value)
    if not result.valid:
        english = (translation.get_language() or "zh-hans").startswith("en")
        raise ValidationError(result.message_en if english else result.message_zh, code=result.reason_code)


def validate_industry_code(value: str) -> None:
    from ansheng.domain.industry import parse

    try:
        parse(value)
    except DomainError as exc:
        raise ValidationError(_message(exc), code=exc.code) from None


PHONE_RE = re.compile(r"^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value.replace(" ", "")):
        raise ValidationError(
            _("电话号码“%(value)s”格式不对：手机 11 位（如 13800000000），固话带区号（如 0833-2123456）"),
            code="invalid_phone",
            params={"value": value},
        )


# Mainland China's extent in WGS84 (a generous box): a point outside it is a typing error, not a location.
CHINA_LON = (Decimal("73.4"), Decimal("135.1"))
CHINA_LAT = (Decimal("18.1"), Decimal("53.6"))


def validate_longitude(value: Decimal) -> None:
    if value is not None and not CHINA_LON[0] <= value <= CHINA_LON[1]:
        raise ValidationError(
            _("经度 %(value)s 不在中国境内（应在 73.4–135.1 之间，WGS84）"),
            code="out_of_china",
            params={"value": value},
        )


def validate_latitude(value: Decimal) -> None:
    if value is not None and not CHINA_LAT[0] <= value <= CHINA_LAT[1]:
        raise ValidationError(
            _("纬度 %(value)s 不在中国境内（应在 18.1–53.6 之间，WGS84）"), code="out_of_china", params={"value": value}
        )
