"""The map app's panel on the command dashboard: risk sources that are not enterprises, by kind and colour, with
their open hazards (see ansheng/dashboard/panels.py for the panel protocol)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.core import access
from ansheng.maps.choices import HazardStatus, RiskColour, RiskSourceKind, SourceStatus, Supervision
from ansheng.maps.models import RiskSource, SourceHazard


def risk_sources_panel(user: Any, region_code: str | None) -> dict[str, Any]:
    sources = access.restrict(RiskSource.objects.filter(status__in=SourceStatus.ON_MAP), user, "view", "risk_source")
    hazards = access.restrict(SourceHazard.objects.filter(status=HazardStatus.OPEN), user, "view", "source_hazard")
    if region_code:
        sources = sources.filter(county__code__startswith=region_code)
        hazards = hazards.filter(risk_source__county__code__startswith=region_code)
    counts = {(row["kind"], row["level"]): row["n"] for row in sources.values("kind", "level").annotate(n=Count("id"))}
    kinds = [kind for kind in RiskSourceKind.values() if any(k == kind for k, _level in counts)]
    overhead = sum(1 for source in sources.filter(kind=RiskSourceKind.TAILINGS_POND) if source.is_overhead_pond)
    today = timezone.localdate()
    figures = hazards.aggregate(
        open=Count("id"),
        provincial=Count("id", filter=Q(supervision=Supervision.PROVINCE)),
        supervised=Count("id", filter=~Q(supervision=Supervision.NONE)),
        overdue=Count("id", filter=Q(deadline__lt=today)),
    )
    link = reverse("maps:risk_sources") + (f"?county={region_code}" if region_code else "")
    return {
        "title": _("其他风险源"),
        "kind": "bar",
        "subtitle": _("油气管道、尾矿库、人员密集场所、高层建筑、燃气管网"),
        "link": link,
        "headline": [
            {"label": _("风险源"), "value": sum(counts.values()), "unit": _("处")},
            {"label": _("头顶库"), "value": overhead, "unit": _("座"), "colour": "red" if overhead else None},
            {
                "label": _("未销号隐患"),
                "value": figures["open"],
                "unit": _("项"),
                "link": reverse("maps:risk_sources") + "?hazards=on",
            },
            {
                "label": _("省级挂牌督办"),
                "value": figures["provincial"],
                "unit": _("项"),
                "colour": "red" if figures["provincial"] else None,
            },
            {
                "label": _("逾期未整改"),
                "value": figures["overdue"],
                "unit": _("项"),
                "colour": "orange" if figures["overdue"] else None,
            },
        ],
        "categories": [str(RiskSourceKind.label(kind)) for kind in kinds],
        "series": [
            {
                "name": str(RiskColour.label(colour)),
                "colour": colour,
                "stack": "level",
                "values": [counts.get((kind, colour), 0) for kind in kinds],
            }
            for colour in RiskColour.ORDER
        ],
        "horizontal": True,
        "unit": _("处"),
        "updated_at": timezone.localtime().isoformat(timespec="seconds"),
    }
