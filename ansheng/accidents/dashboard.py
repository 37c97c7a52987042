"""The accident figures of the command dashboard: this year to date against the same period of last year."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.accidents import clock, statistics
from ansheng.accidents.choices import Grade, Status
from ansheng.accidents.models import Accident
from ansheng.core import access
from ansheng.core.errors import AnshengError


def _period(user: Any, region: Any, year: int, until_month: int, until_day: int) -> dict[str, Any]:
    import datetime as dt

    rows = statistics.counted(user, region).filter(year=year)
    last = dt.date(year, until_month, min(until_day, 28 if until_month == 2 else until_day))
    rows = rows.filter(occurred_at__date__lte=last)
    from django.db.models import Count, Sum

    totals = rows.aggregate(
        accidents=Count("id"),
        deaths=Sum(statistics.stat_expr("deaths")),
        serious_injuries=Sum(statistics.stat_expr("serious_injuries")),
        direct_loss=Sum(statistics.stat_expr("direct_loss")),
    )
    by_grade = dict.fromkeys(Grade.KEYS.values(), 0)
    for group in rows.values("grade").annotate(n=Count("id")):
        by_grade[Grade.KEYS[group["grade"]]] = group["n"]
    return {
        "year": year,
        "until": last.isoformat(),
        "accidents": totals["accidents"] or 0,
        "deaths": totals["deaths"] or 0,
        "serious_injuries": totals["serious_injuries"] or 0,
        "direct_loss_10k_yuan": float(totals["direct_loss"] or 0),
        "by_grade": by_grade,
    }


def accident_figures(user: Any, region_code: str | None) -> dict[str, Any]:
    """This year to date and the same period of last year (同比), open reporting links and overdue ones."""
    try:
        region = statistics.region_for(user, region_code or getattr(settings, "CITY_CODE", "511100"), noun="accident")
    except AnshengError:
        return {}
    today = timezone.localdate()
    this = _period(user, region, today.year, today.month, today.day)
    last = _period(user, region, today.year - 1, today.month, today.day)
    open_rows = access.restrict(Accident.objects.filter(status__in=Status.OPEN), user, "view", "accident")
    pending = clock.pending_steps(user, limit=50) if access.can(user, "record_step", "accident") else []
    return {
        "region": region.pk,
        "this_year": this,
        "last_year": last,
        "change": {key: statistics.change(this[key], last[key]) for key in ("accidents", "deaths", "serious_injuries")},
        "open": open_rows.filter(county__code__startswith=region.prefix).count(),
        "pending_reports": len(pending),
        "overdue_reports": sum(1 for p in pending if p["countdown"].overdue),
    }


def accident_source(user: Any, region_code: str | None) -> dict[str, Any]:
    """The dashboard panel (docs/dashboard.md): accidents, deaths and serious injuries this year against last."""
    figures = accident_figures(user, region_code)
    title = _("事故：今年与去年同期")
    if not figures:
        return {
            "title": title,
            "kind": "table",
            "columns": [{"key": "x", "label": "—"}],
            "rows": [],
            "empty": _("无权查看该区域的事故"),
        }
    this, last = figures["this_year"], figures["last_year"]
    labels = (("accidents", _("起数")), ("deaths", _("死亡")), ("serious_injuries", _("重伤")))
    return {
        "title": title,
        "kind": "bar",
        "link": "/accidents/statistics/",
        "categories": [label for _key, label in labels],
        "series": [
            {"name": _("%(y)s 年") % {"y": this["year"]}, "values": [this[key] for key, _l in labels], "colour": "red"},
            {
                "name": _("%(y)s 年同期") % {"y": last["year"]},
                "values": [last[key] for key, _l in labels],
                "colour": "grey",
            },
        ],
        "headline": [
            {"label": _("未结案"), "value": figures["open"], "unit": _("起"), "link": "/accidents/"},
            {"label": _("待报送"), "value": figures["pending_reports"], "unit": _("项"), "colour": "orange"},
            {
                "label": _("已超时"),
                "value": figures["overdue_reports"],
                "unit": _("项"),
                "colour": "red" if figures["overdue_reports"] else "green",
            },
        ],
        "note": _("截至 %(day)s；统计口径见事故统计页") % {"day": this["until"]},
    }
