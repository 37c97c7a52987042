"""The one error type of the rules library.

Every module of ``ansheng.domain`` raises a subclass of :class:`DomainError`. An error carries a stable snake_case
``code`` (for programs and tests), the input ``field`` it concerns (``None`` when it is not about one field; nested
fields are written like ``substances[1].tonnes``) and a message in Chinese and in English. The HTTP API and the
command line turn it into ``{"code", "message", "field"}`` with :meth:`DomainError.to_dict`.
"""

from __future__ import annotations

__all__ = ["DomainError"]


class DomainError(ValueError):
    """Bad input to, or an impossible request of, a national rule."""

    def __init__(self, code: str, field: str | None, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh-hans") -> str:
        """The message in ``lang``: any language tag starting with "en" gives English, anything else Chinese."""
        return self.message_en if lang.lower().startswith("en") else self.message_zh

    def to_dict(self, lang: str = "zh-hans") -> dict[str, str | None]:
        return {"code": self.code, "message": self.message(lang), "field": self.field}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, message_en={self.message_en!r})"
