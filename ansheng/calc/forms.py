"""Calculator forms rendered from ``describe()``, and the way back: submitted text → the calculator's JSON object.

The pages do not validate anything themselves. They turn what was typed into the same JSON values an API caller
would send (a number where a number was typed, the text otherwise), run the calculator, and put the library's error
on the field it names. So a page, the API and the command line accept and refuse exactly the same inputs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ansheng.domain import gb18218
from ansheng.domain.calculators import describe
from ansheng.domain.errors import DomainError

_INTEGER = re.compile(r"^[+-]?\d+$")
_CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")


def english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def calculator_spec(name: str) -> dict[str, Any] | None:
    return next((entry for entry in describe() if entry["name"] == name), None)


def title(spec: dict[str, Any]) -> str:
    return str(spec["title_en" if english() else "title_zh"])


def clean_text(value: str) -> str:
    """Full-width characters to half-width (NFKC) and surrounding space removed: how a phone keyboard types."""
    return unicodedata.normalize("NFKC", value).strip()


def to_number(text: str) -> Any:
    """What a JSON caller would send for a typed number: an int for whole numbers, a float otherwise, and the text
    itself when it is not a number (the library then answers wrong_type). Thousands separators are dropped."""
    compact = clean_text(text).replace(",", "").replace("，", "").replace(" ", "")
    if _INTEGER.match(compact):
        return int(compact)
    try:
        return float(compact)
    except ValueError:
        return text


@dataclass
class Field:
    """A form field as the template draws it."""

    name: str
    kind: str
    label: str
    required: bool
    value: Any = ""
    choices: list[dict[str, Any]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def selected(self) -> set[str]:
        return set(self.value) if isinstance(self.value, list) else {str(self.value)}


def form_fields(spec: dict[str, Any], data: QueryDict | None) -> list[Field]:
    """The fields of a flat calculator (every type but lists), with the values submitted or their defaults."""
    en = english()
    fields = []
    for raw in spec["fields"]:
        choices = [{"value": str(c["value"]), "label": c["en"] if en else c["zh"]} for c in raw.get("choices", [])]
        attrs = {key: raw[key] for key in ("min", "max") if key in raw}
        if raw["type"] == "multichoice":
            value: Any = data.getlist(raw["name"]) if data is not None else []
        elif data is not None:
            value = data.get(raw["name"], "")
        else:
            value = raw.get("default", "")
        fields.append(
            Field(
                raw["name"], raw["type"], raw["label_en" if en else "label_zh"], raw["required"], value, choices, attrs
            )
        )
    return fields


def payload_from(fields: list[Field]) -> dict[str, Any]:
    """The JSON object a caller would send for these submitted values; a blank field is left out."""
    payload: dict[str, Any] = {}
    for f in fields:
        if f.kind == "multichoice":
            if f.value:
                payload[f.name] = list(f.value)
            continue
        text = str(f.value)
        if f.kind == "boolean":
            if text:
                payload[f.name] = True
        elif not clean_text(text):
            continue
        elif f.kind in {"integer", "number"}:
            payload[f.name] = to_number(text)
        else:
            payload[f.name] = clean_text(text) if f.kind in {"string", "choice"} else text.strip()
    return payload


def error_message(exc: DomainError, label: str | None) -> str:
    """The library's message for a person: the field's label in place of its JSON path."""
    if exc.code == "missing_field" and label:
        return _("请填写“%(label)s”") % {"label": label}
    message = exc.message("en" if english() else "zh-hans")
    if label and exc.field:
        # the field's name where it stands as a word ("LEC的L应为…" keeps the L of LEC)
        word = re.compile(rf"(?<![A-Za-z0-9_\]\[.]){re.escape(exc.field)}(?![A-Za-z0-9_\]\[.])")
        message = word.sub(lambda _match: f"“{label}”", message)
    return message


def attach_error(fields: list[Field], exc: DomainError) -> str | None:
    """Put ``exc`` on the field it names; return the message when it names none (shown above the form)."""
    for f in fields:
        if f.name == exc.field:
            f.error = error_message(exc, f.label)
            return None
    return error_message(exc, None)


# ---- GB 18218: the unit's substances as rows ------------------------------------------------------------------


@dataclass
class SubstanceRow:
    substance: str = ""
    tonnes: str = ""
    category: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not (clean_text(self.substance) or clean_text(self.tonnes) or self.category)


def substance_rows(data: QueryDict | None, *, minimum: int = 2) -> list[SubstanceRow]:
    """The rows as submitted (``substance``, ``tonnes`` and ``category`` repeat once per row, blank rows kept so that
    an error's row is the row on the screen), then blank rows up to ``minimum`` and one blank row at the end so that a
    substance can be added without JavaScript."""
    rows: list[SubstanceRow] = []
    if data is not None:
        names, tonnes, categories = (data.getlist(key) for key in ("substance", "tonnes", "category"))
        count = max(len(names), len(tonnes), len(categories))

        def at(values: list[str], i: int) -> str:
            return values[i] if i < len(values) else ""

        rows = [SubstanceRow(at(names, i), at(tonnes, i), at(categories, i)) for i in range(count)]
    while len(rows) < minimum or not rows[-1].blank:
        rows.append(SubstanceRow())
    return rows


def table2_symbol(text: str) -> str | None:
    """The Table 2 symbol that ``text`` names (``W5.3``, ``table2:W5.3``), if it names one."""
    found = gb18218.candidates(text)
    if len(found) == 1 and found[0].table == 2:
        return found[0].symbol
    return None


def substance_item(row: SubstanceRow) -> dict[str, Any]:
    """One entry of the calculator's ``substances``: a CAS number, a Table 2 symbol or a name typed in one box, plus
    the tonnes and the optional β category (an override for a Table 1 chemical)."""
    text = clean_text(row.substance)
    item: dict[str, Any] = {}
    symbol = table2_symbol(text) if text else None
    if not text:
        if row.category:
            item["category"] = row.category
    elif symbol is not None:
        item["category"] = symbol
    else:
        item["cas" if _CAS.match(text) else "name"] = text
        if row.category:
            item["category"] = row.category
    if clean_text(row.tonnes):
        item["tonnes"] = to_number(row.tonnes)
    return item


def filled(rows: list[SubstanceRow]) -> list[int]:
    """The index in the form of each row that becomes a substance of the calculator's input, in order."""
    return [i for i, row in enumerate(rows) if not row.blank]


def gb18218_payload(people: str, rows: list[SubstanceRow], indexes: list[int]) -> dict[str, Any]:
    """The calculator's input from the form (``indexes`` from :func:`filled`).

    A Table 2 symbol typed as the substance fixes its own β, so a different β category beside it is refused, as the
    library refuses it for a quantity (``override_not_allowed``).
    """
    for k, i in enumerate(indexes):
        symbol = table2_symbol(clean_text(rows[i].substance)) if clean_text(rows[i].substance) else None
        if symbol is not None and rows[i].category and rows[i].category != symbol:
            raise gb18218.HazardSourceError(
                "override_not_allowed",
                f"substances[{k}].category",
                "按表2类别辨识的物质，其β随类别确定，不能另行指定",
                "a Table 2 category fixes its own β; give the category you mean instead",
            )
    payload: dict[str, Any] = {"substances": [substance_item(rows[i]) for i in indexes]}
    if clean_text(people):
        payload["people_within_500m"] = to_number(people)
    return payload


_ROW_FIELD = re.compile(r"^substances\[(\d+)\]\.(\w+)$")


def attach_gb18218_error(
    exc: DomainError, rows: list[SubstanceRow], indexes: list[int], labels: dict[str, str]
) -> tuple[str | None, str | None]:
    """Put ``exc`` on its row and box. Returns (people error, form error)."""
    if exc.field == "people_within_500m":
        return error_message(exc, labels["people"]), None
    match = _ROW_FIELD.match(exc.field or "")
    if match is None or int(match.group(1)) >= len(indexes):
        return None, error_message(exc, None)
    row = rows[indexes[int(match.group(1))]]
    key = match.group(2)
    if key in {"cas", "name", "no"} or (key == "category" and not clean_text(row.substance)):
        box = "substance"
    else:
        box = "tonnes" if key == "tonnes" else "category"
    row.errors[box] = error_message(exc, labels[box])
    return None, None
