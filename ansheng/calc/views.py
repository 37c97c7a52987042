"""The calculator pages at /calc/: open to everyone, Chinese first, a form per calculator and the answer below it.

Forms are submitted with GET (a calculation changes nothing, and its address can be bookmarked, shared or printed).
Without JavaScript the page answers on submit; with htmx the answer follows the input. One view serves the page and
its answer fragment (``request.htmx``).
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from ansheng.calc import contract, forms, lookup
from ansheng.domain import coords, gb18218, risk
from ansheng.domain.calculators import describe
from ansheng.domain.errors import DomainError
from ansheng.domain.levels import colour_from_zh

CUSTOM_PAGES = {"gb18218": "calc:gb18218", "risk": "calc:risk"}

# Display colours (the customary four-colour scale: the most severe red). They decide nothing.
GB18218_GRADE_COLOURS = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}
ACCIDENT_GRADE_COLOURS = {"特别重大": "red", "重大": "orange", "较大": "yellow", "一般": "blue"}


def _url(name: str) -> str:
    if name in CUSTOM_PAGES:
        return reverse(CUSTOM_PAGES[name])
    return reverse("calc:calculator", args=[name])


def _respond(request: HttpRequest, template: str, context: dict[str, Any], *, failed: bool) -> HttpResponse:
    context["now"] = timezone.now()
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and not htmx.history_restore_request:
        # htmx swaps only successful responses by default, so the fragment with the errors answers 200.
        response = render(request, "calc/partials/result.html", context)
    else:
        response = render(request, template, context, status=422 if failed else 200)
    patch_vary_headers(response, ("HX-Request",))  # one address, two representations: keep caches apart
    return response


def _decimal_text(value: Fraction | float | int, places: int = 6) -> str:
    """A number for people: rounded half-up to ``places`` decimals, trailing zeros dropped, never 1e-05."""
    exact = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(repr(value) if isinstance(value, float) else value)
    )
    text = format(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def index(request: HttpRequest) -> HttpResponse:
    en = forms.english()
    calculators = [
        {"name": entry["name"], "title": entry["title_en" if en else "title_zh"], "url": _url(entry["name"])}
        for entry in describe()
    ]
    return render(request, "calc/index.html", {"calculators": calculators})


# ---- the flat calculators ---------------------------------------------------------------------------------------


def calculator(request: HttpRequest, name: str) -> HttpResponse:
    spec = forms.calculator_spec(name)
    if spec is None or name in CUSTOM_PAGES:
        raise Http404
    submitted = bool(request.GET)
    fields = forms.form_fields(spec, request.GET if submitted else None)
    context: dict[str, Any] = {"name": name, "title": forms.title(spec), "fields": fields, "submitted": submitted}
    failed = False
    if submitted:
        payload = forms.payload_from(fields)
        try:
            result = contract.calculate(name, payload)
        except DomainError as exc:
            failed = True
            context["form_error"] = forms.attach_error(fields, exc)
        else:
            context["result"] = result
            context["inputs"] = _inputs(fields)
            context.update(PRESENTERS.get(name, _nothing)(result, payload))
    context["field_errors"] = json.dumps([{"name": f.name, "message": f.error} for f in fields if f.error])
    return _respond(request, "calc/calculator.html", context, failed=failed)


def _inputs(fields: list[forms.Field]) -> list[tuple[str, str]]:
    """What was calculated, as label and value, so that a printed result stands on its own."""
    shown = []
    for f in fields:
        if f.kind == "multichoice":
            value = "；".join(c["label"] for c in f.choices if c["value"] in f.selected) or "—"
        elif f.kind == "choice":
            value = next((c["label"] for c in f.choices if c["value"] == str(f.value)), str(f.value))
        elif f.kind == "boolean":
            value = _("是") if f.value else _("否")
        else:
            value = str(f.value).replace("T", " ") if f.kind == "datetime" else str(f.value)
        if value:
            shown.append((f.label, value))
    return shown


def _nothing(result: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    return {}


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _present_accident_grade(result: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    steps = [
        {**step, "from_": step["from"], "deadline_at": _moment(step["deadline"])}
        for step in result.get("reporting", [])
    ]
    return {
        "colour": ACCIDENT_GRADE_COLOURS[result["grade"]],
        "by_colours": {key: ACCIDENT_GRADE_COLOURS[value] for key, value in result["by"].items()},
        "steps": steps,
        "occurred": _moment(result.get("occurred_at")),
        "recount_deadline": _moment(result.get("recount_deadline")),
        "investigation_due": _moment(result.get("investigation_report_due")),
    }


def _wan(value: float) -> str:
    """Yuan as 万元 for reading (the amounts in 第十四–十七条 are written in 万元)."""
    return _decimal_text(Fraction(Decimal(repr(value) if isinstance(value, float) else value)) / 10000, 2)


def _present_accident_fine(result: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "colour": ACCIDENT_GRADE_COLOURS[result["grade"]],
        "wan": {
            "fine": (_wan(result["fine_min_yuan"]), _wan(result["fine_max_yuan"])),
            "aggravated": (_wan(result["aggravated_min_yuan"]), _wan(result["aggravated_max_yuan"])),
            "concealment": tuple(_wan(v) for v in result["concealment_fine_yuan"]),
            "concealment_aggravated": tuple(_wan(v) for v in result["concealment_fine_aggravated_yuan"]),
        },
    }


def _present_diagnosis(result: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "colour": colour_from_zh(result["colour"]).colour,
        "score_colour": colour_from_zh(result["by_score"]).colour,
    }


def _present_credit_code(result: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    position = result["position"]
    return {
        "characters": [
            {"char": char, "position": i, "wrong": position == i} for i, char in enumerate(result["normalized"], 1)
        ],
    }


def _present_gcj02(result: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    direction = payload.get("direction", "to_gcj02")
    reverse_query = urlencode(
        {
            "longitude": _decimal_text(result["longitude"], 8),
            "latitude": _decimal_text(result["latitude"], 8),
            "direction": "to_wgs84" if direction == "to_gcj02" else "to_gcj02",
        }
    )
    return {
        "direction": direction,
        "from_system": "WGS84" if direction == "to_gcj02" else "GCJ-02",
        "to_system": "GCJ-02" if direction == "to_gcj02" else "WGS84",
        "shift_m": round(
            coords.haversine_m(payload["longitude"], payload["latitude"], result["longitude"], result["latitude"]), 1
        ),
        "reverse_url": f"{reverse('calc:calculator', args=['gcj02'])}?{reverse_query}",
        "longitude_text": _decimal_text(result["longitude"], 8),
        "latitude_text": _decimal_text(result["latitude"], 8),
    }


PRESENTERS = {
    "accident-grade": _present_accident_grade,
    "accident-fine": _present_accident_fine,
    "diagnosis-grade": _present_diagnosis,
    "credit-code": _present_credit_code,
    "gcj02": _present_gcj02,
}


# ---- GB 18218 ---------------------------------------------------------------------------------------------------


def _gb18218_labels() -> dict[str, str]:
    return {
        "people": _("厂区边界外500米范围内常住人口"),
        "substance": _("物质"),
        "tonnes": _("设计最大量（吨）"),
        "category": _("危险性类别（表2）"),
    }


def _table2_choices() -> list[dict[str, str]]:
    return [{"value": str(s.symbol), "label": _category_label(s)} for s in gb18218.table2()]


def _beta_source(contribution: gb18218.Contribution) -> str:
    if contribution.beta_source == "table3":
        return _("表3")
    if contribution.beta_source == "override":
        return _("表4，按%(symbol)s（人工指定）") % {"symbol": contribution.beta_symbol}
    if contribution.beta_source == "table4":
        return _("表4，按%(symbol)s") % {"symbol": contribution.beta_symbol}
    return _("无表2类别，取表4最小值")


def _contributions(payload: dict[str, Any], result: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    """Each substance's share, exact from the library: the calculator has checked the input, so the same entries
    resolve again here and ``assess`` gives β·q/Q and where β came from."""
    quantities = []
    for item in payload["substances"]:
        if "cas" in item or "name" in item:
            substance = gb18218.resolve(cas=item.get("cas"), name=item.get("name"))
            quantities.append(gb18218.Quantity(substance, item["tonnes"], item.get("category")))
        else:
            quantities.append(gb18218.Quantity(gb18218.category(item["category"]), item["tonnes"]))
    assessment = gb18218.assess(quantities, payload["people_within_500m"])
    rows = []
    for shown, contribution in zip(result["items"], assessment.items, strict=True):
        rows.append(
            {
                **shown,
                "no": contribution.substance.no,
                "beta_source": _beta_source(contribution),
                "beta_reason": contribution.substance.beta_reason,
                "tonnes_text": _decimal_text(contribution.tonnes),
                "critical_text": _decimal_text(contribution.critical_tonnes),
                "beta_text": _decimal_text(contribution.beta),
                "ratio_text": _decimal_text(contribution.ratio, 4),
                "weighted_text": _decimal_text(contribution.weighted, 4),
                "ratio_value": float(_decimal_text(contribution.ratio, 4)),
                "weighted_value": float(_decimal_text(contribution.weighted, 4)),
            }
        )
    return rows, assessment


def gb18218_page(request: HttpRequest) -> HttpResponse:
    submitted = bool(request.GET)
    rows = forms.substance_rows(request.GET if submitted else None)
    people = request.GET.get("people_within_500m", "")
    labels = _gb18218_labels()
    context: dict[str, Any] = {
        "name": "gb18218",
        "title": forms.title(forms.calculator_spec("gb18218") or {}),
        "rows": rows,
        "people": people,
        "labels": labels,
        "table2": _table2_choices(),
        "submitted": submitted,
    }
    failed = False
    if submitted:
        indexes = forms.filled(rows)
        try:
            payload = forms.gb18218_payload(people, rows, indexes)
            result = contract.calculate("gb18218", payload)
        except DomainError as exc:
            failed = True
            context["people_error"], context["form_error"] = forms.attach_gb18218_error(exc, rows, indexes, labels)
        else:
            items, assessment = _contributions(payload, result)
            context.update(
                {
                    "result": result,
                    "items": items,
                    "s_text": _decimal_text(assessment.s, 4),
                    "r_text": None if assessment.r is None else _decimal_text(assessment.r, 4),
                    "alpha_text": _decimal_text(assessment.alpha),
                    "people_count": assessment.people_within_500m,
                    "weighted_sum_text": _decimal_text(assessment.weighted_sum, 4),
                    "colour": GB18218_GRADE_COLOURS.get(result["grade"], "grey"),
                    "chart": {
                        "names": [item["name"] for item in items],
                        "ratio": [item["ratio_value"] for item in items],
                        "weighted": [item["weighted_value"] for item in items],
                        "labels": {"ratio": "q/Q", "weighted": "β·q/Q"},
                    },
                }
            )
    context["field_errors"] = json.dumps(
        [
            {"row": i, "name": box, "message": message}
            for i, row in enumerate(rows)
            for box, message in row.errors.items()
        ]
        + ([{"name": "people_within_500m", "message": context["people_error"]}] if context.get("people_error") else [])
    )
    return _respond(request, "calc/gb18218.html", context, failed=failed)


def gb18218_suggest(request: HttpRequest) -> HttpResponse:
    """Suggestions under a substance box as the engineer types (the box sends its own name, ``substance``)."""
    query = forms.clean_text(request.GET.get("substance", "") or request.GET.get("q", ""))
    found = lookup.search(query)[:8] if query else []
    entries = [
        {
            **lookup.entry_json(s),
            "value": s.display_name if s.table == 1 else s.symbol,
            "q_text": _decimal_text(s.critical_tonnes),
            "beta_text": _decimal_text(s.beta),
        }
        for s in found
    ]
    return render(request, "calc/partials/suggest.html", {"entries": entries, "query": query})


# ---- risk -------------------------------------------------------------------------------------------------------


def _factor_text(value: Fraction) -> str:
    return _decimal_text(value)


def _category_label(category: Any) -> str:
    """A GB 18218 Table 2 category, e.g. "W5.3 易燃液体（…）" (names from ansheng/core/data_strings.py)."""
    if forms.english():
        return f"{category.symbol} {gettext(category.hazard_class)} ({gettext(category.description)})"
    return f"{category.symbol} {category.hazard_class}（{category.description}）"


def _band_rows(method: str, band_label: str | None) -> list[dict[str, Any]]:
    bands = risk.default_bands(method).bands
    symbol = risk.method_table(method).formula.split(" = ")[0]
    rows = []
    for i, band in enumerate(bands):
        upper = bands[i - 1].minimum if i > 0 else None
        low = None if band.minimum is None else _factor_text(band.minimum)
        high = None if upper is None else _factor_text(upper)
        op = "≥" if band.inclusive else ">"
        if low is not None and high is not None:
            span = f"{low} {'≤' if band.inclusive else '<'} {symbol} < {high}"
        elif low is not None:
            span = f"{symbol} {op} {low}"
        else:
            span = f"{symbol} < {high}"
        rows.append(
            {
                "level": gettext(band.level.label_zh),  # the catalogue's terms (重大/较大/一般/低)
                "colour": band.level.colour,
                "colour_zh": band.level.colour_zh,
                "span": span,
                "label": gettext(band.label),
                "hit": band.label == band_label,
            }
        )
    return rows


def risk_page(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("method", "LEC").strip().upper()
    method = wanted if wanted in risk.METHODS else "LEC"
    table = risk.method_table(method)
    en = forms.english()
    submitted = any(f.name in request.GET for f in table.factors)
    factors: list[dict[str, Any]] = [
        {
            "name": f.name,
            "label": f"{f.name} {f.en if en else f.zh}",
            "options": [{"value": _factor_text(o.value), "meaning": gettext(o.zh)} for o in f.options],
            "value": request.GET.get(f.name, ""),
            "error": "",
        }
        for f in table.factors
    ]
    context: dict[str, Any] = {
        "name": "risk",
        "title": forms.title(forms.calculator_spec("risk") or {}),
        "method": method,
        "methods": [
            {"code": m, "title": risk.method_table(m).title_en if en else risk.method_table(m).title_zh}
            for m in risk.METHODS
        ],
        "table": table,
        "factors": factors,
        "submitted": submitted,
    }
    failed = False
    band_label = None
    if submitted:
        payload: dict[str, Any] = {"method": method}
        payload.update({f["name"]: forms.to_number(f["value"]) for f in factors if forms.clean_text(f["value"])})
        try:
            result = contract.calculate("risk", payload)
        except DomainError as exc:
            failed = True
            target = next((f for f in factors if f["name"] == exc.field), None)
            message = forms.error_message(exc, target["label"] if target else None)
            if target is None:
                context["form_error"] = message
            else:
                target["error"] = message
        else:
            assessment = risk.assess(method, **{k: v for k, v in payload.items() if k != "method"})
            band_label = assessment.band_label
            context.update(
                {
                    "result": result,
                    "colour": colour_from_zh(result["colour"]).colour,
                    "formula": f"{table.formula.split(' = ')[0]} = "
                    + " × ".join(_factor_text(v) for v in assessment.factors.values())
                    + f" = {_factor_text(assessment.score)}",
                    "band_label": band_label,
                }
            )
    context["bands"] = _band_rows(method, band_label)
    context["field_errors"] = json.dumps([{"name": f["name"], "message": f["error"]} for f in factors if f["error"]])
    return _respond(request, "calc/risk.html", context, failed=failed)
