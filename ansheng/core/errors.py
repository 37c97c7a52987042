"""Errors with stable codes, raised by services and converted once at each edge (after Zulip's JsonableError).

The API turns them into `{"code", "message", "field"}` with their HTTP status; views put them on the form;
commands print them on one line. Messages are translatable (Chinese first, English by the active language).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldError:
    field: str | None
    code: str
    message: Any  # str or lazy translation

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "field": self.field}


class AnshengError(Exception):
    status = 400
    code = "bad_request"
    default_message: Any = _("请求有误")

    def __init__(self, message: Any = None, *, code: str | None = None, field: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.field = field
        super().__init__(str(self.message))

    @property
    def errors(self) -> list[FieldError]:
        return [FieldError(self.field, self.code, self.message)]

    def as_dict(self) -> dict[str, Any]:
        body = {"code": self.code, "message": str(self.message), "field": self.field}
        if len(self.errors) > 1:
            body["errors"] = [error.as_dict() for error in self.errors]
        return body


class ValidationFailed(AnshengError):
    """One or more fields are invalid (HTTP 422)."""

    status = 422
    code = "invalid"
    default_message = _("输入有误")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: Iterable[FieldError] | None = None,
    ) -> None:
        self._errors = list(errors or [])
        if self._errors and message is None:
            first = self._errors[0]
            message, code, field = first.message, first.code, first.field
        super().__init__(message, code=code, field=field)

    @property
    def errors(self) -> list[FieldError]:
        return self._errors or [FieldError(self.field, self.code, self.message)]

    @classmethod
    def from_django(cls, exc: DjangoValidationError, *, prefix: str = "") -> ValidationFailed:
        """Convert a Django ValidationError (from `full_clean`) keeping every field's first message and code."""
        errors: list[FieldError] = []
        if hasattr(exc, "error_dict"):
            for field, field_errors in exc.error_dict.items():
                for error in field_errors:
                    name = None if field == "__all__" else prefix + field
                    message = error.message % error.params if error.params else error.message
                    errors.append(FieldError(name, error.code or "invalid", message))
        else:
            for error in exc.error_list:
                message = error.message % error.params if error.params else error.message
                errors.append(FieldError(None, error.code or "invalid", message))
        return cls(errors=errors)


class NotFound(AnshengError):
    """The record does not exist or lies outside the caller's jurisdiction (the two are not told apart)."""

    status = 404
    code = "not_found"
    default_message = _("记录不存在")


class PermissionDenied(AnshengError):
    status = 403
    code = "permission_denied"
    default_message = _("无权执行此操作")


class NotAuthenticated(AnshengError):
    status = 401
    code = "not_authenticated"
    default_message = _("请先登录")


class Conflict(AnshengError):
    """The record changed state meanwhile, or the action is not allowed in its current state."""

    status = 409
    code = "conflict"
    default_message = _("记录状态已变化，请刷新后重试")


class Throttled(AnshengError):
    status = 429
    code = "throttled"
    default_message = _("尝试次数过多，请稍后再试")


def from_domain(exc: Any) -> ValidationFailed:
    """Convert an `ansheng.domain` error (which carries both languages) to a ValidationFailed."""
    from django.utils import translation

    language = translation.get_language() or "zh-hans"
    body = exc.to_dict(language)
    return ValidationFailed(body["message"], code=body["code"], field=body.get("field"))


def full_clean(instance: Any, *, exclude: Iterable[str] = (), validate_unique: bool = True) -> None:
    """Run a model's validation (field validators and clean()) and raise ValidationFailed with every field error.

    The one source of field rules for pages, the API and imports (ARCHITECTURE principle 4)."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=validate_unique)
    except DjangoValidationError as exc:
        raise ValidationFailed.from_django(exc) from None


def reject_unknown_fields(data: Any, allowed: Iterable[str]) -> None:
    """An input field a service does not know is an error, never silently dropped."""
    from django.utils.translation import gettext as _gettext

    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _gettext("未知字段：%(name)s") % {"name": unknown[0]}, code="unknown_field", field=unknown[0]
        )


def put_on_form(form: Any, exc: AnshengError, renames: dict[str, str] | None = None) -> None:
    """Put a service error on a Django form, field by field (CONVENTIONS 9); unknown fields go to the form."""
    for error in exc.errors:
        field = (renames or {}).get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, str(error.message))
