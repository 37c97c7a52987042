"""Choice sets of the hidden-danger app: where a danger came from, its grade, its lifecycle state."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ansheng.core.choices import ChoiceSet


class Source(ChoiceSet):
    INSPECTION = "inspection"
    SNAPSHOT = "snapshot"
    REGULATOR = "regulator"
    PUBLIC = "public"
    OTHER = "other"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (INSPECTION, _("排查发现"), "blue"),
        (SNAPSHOT, _("随手拍"), "teal"),
        (REGULATOR, _("监管检查"), "purple"),
        (PUBLIC, _("群众举报"), "orange"),
        (OTHER, _("其他"), "grey"),
    ]


class Grade(ChoiceSet):
    """16号令 第三条: 一般事故隐患 and 重大事故隐患. The API shows the short labels 一般 / 重大 (`SHORT`)."""

    GENERAL = "general"
    MAJOR = "major"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (GENERAL, _("一般隐患"), "yellow"),
        (MAJOR, pgettext_lazy("one hidden danger", "重大隐患"), "red"),
    ]
    SHORT: ClassVar[dict[str, str]] = {GENERAL: "一般", MAJOR: "重大"}

    @classmethod
    def parse(cls, text: str | None) -> str | None:
        """A grade from its value or its short Chinese label (API filters accept both)."""
        if not text:
            return None
        text = text.strip()
        for value, short in cls.SHORT.items():
            if text in {value, short}:
                return value
        return cls.from_label(text)


class State(ChoiceSet):
    """The lifecycle (docs/dangers.md): reported → graded → assigned → rectifying → submitted → accepted → closed;
    a 重大 danger passes through reviewing (the bureau's review of the evaluation) before it is closed."""

    REPORTED = "reported"
    GRADED = "graded"
    ASSIGNED = "assigned"
    RECTIFYING = "rectifying"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REVIEWING = "reviewing"
    CLOSED = "closed"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (REPORTED, _("待定级"), "grey"),
        (GRADED, _("待分派"), "blue"),
        (ASSIGNED, _("已分派"), "blue"),
        (RECTIFYING, _("整改中"), "orange"),
        (SUBMITTED, _("待验收"), "purple"),
        (ACCEPTED, _("已验收"), "teal"),
        (REVIEWING, _("销号审核中"), "purple"),
        (CLOSED, _("已销号"), "green"),
    ]
    OPEN: ClassVar[frozenset[str]] = frozenset({REPORTED, GRADED, ASSIGNED, RECTIFYING, SUBMITTED, ACCEPTED, REVIEWING})
    # States in which the rectification deadline runs: a danger still not accepted after it is overdue.
    RUNNING: ClassVar[frozenset[str]] = frozenset({ASSIGNED, RECTIFYING, SUBMITTED})


class PhotoKind(ChoiceSet):
    BEFORE = "before"
    AFTER = "after"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (BEFORE, _("隐患照片"), "orange"),
        (AFTER, _("整改后照片"), "green"),
    ]


class ExtensionStatus(ChoiceSet):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"

    CHOICES: ClassVar[list[tuple[str, Any, str]]] = [
        (PENDING, _("待答复"), "orange"),
        (APPROVED, _("准予延期"), "green"),
        (REFUSED, _("不予延期"), "red"),
    ]
