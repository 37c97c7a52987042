"""Placeholder until the rules library lands: the error every domain module raises."""

from __future__ import annotations


class DomainError(ValueError):
    def __init__(self, code: str, field: str | None, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en

    def to_dict(self, lang: str = "zh-hans") -> dict[str, str | None]:
        message = self.message_en if lang.lower().startswith("en") else self.message_zh
        return {"code": self.code, "message": message, "field": self.field}
