"""The `major-dangers` dashboard source (docs/dashboard.md): open 重大 dangers, those under 挂牌督办 and the overdue,
with `by_region` = open 重大 dangers per county code (the map shades counties with it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ansheng.core import access
from ansheng.dangers.choices import Grade, State
from ansheng.dangers.models import HiddenDanger, today_shanghai


def major_dangers(user: Any, region_code: str | None) -> dict[str, Any]:
    rows = access.restrict(
        HiddenDanger.objects.filter(grade=Grade.MAJOR, state__in=State.OPEN), user, "view", "hidden_danger"
    )
    if region_code:
        rows = rows.filter(enterprise__county__code__startswith=region_code)
    today = today_shanghai()
    late = Q(state__in=State.RUNNING, deadline__lt=today)
    counts = rows.aggregate(
        open=Count("pk"), supervised=Count("pk", filter=Q(supervised=True)), overdue=Count("pk", filter=late)
    )
    by_region = dict(
        rows.order_by()
        .values("enterprise__county_id")
        .annotate(n=Count("pk"))
        .values_list("enterprise__county_id", "n")
    )
    shown = (
        rows.filter(Q(supervised=True) | late)
        .select_related("enterprise", "responsible")
        .order_by("deadline", "pk")[:20]
    )
    table_rows = []
    for danger in shown:
        overdue = danger.state in State.RUNNING and danger.deadline is not None and danger.deadline < today
        table_rows.append(
            {
                "enterprise": danger.enterprise.name,
                "title": danger.title,
                "responsible": (danger.responsible.full_name or danger.responsible.username)
                if danger.responsible
                else "—",
                "deadline": danger.deadline.isoformat() if danger.deadline else "—",
                "state": _("逾期 %(n)s 天") % {"n": (today - danger.deadline).days}
                if overdue
                else str(State.label(danger.state)),
                "_colour": "red" if overdue else "orange",
                "_link": reverse("dangers:detail", args=[danger.pk]),
            }
        )
    link = reverse("dangers:major")
    return {
        "title": _("重大隐患挂牌督办"),
        "kind": "table",
        "link": link,
        "updated_at": timezone.now().isoformat(),
        "headline": [
            {"label": _("未销号重大隐患"), "value": counts["open"], "unit": _("项"), "colour": "orange", "link": link},
            {
                "label": _("挂牌督办"),
                "value": counts["supervised"],
                "unit": _("项"),
                "colour": "red",
                "link": link + "?supervised=on",
            },
            {
                "label": _("已逾期"),
                "value": counts["overdue"],
                "unit": _("项"),
                "colour": "red",
                "link": link + "?overdue=on",
            },
        ],
        "columns": [
            {"key": "enterprise", "label": _("企业")},
            {"key": "title", "label": _("隐患")},
            {"key": "responsible", "label": _("责任人")},
            {"key": "deadline", "label": _("期限")},
            {"key": "state", "label": _("状态")},
        ],
        "rows": table_rows,
        "total": rows.filter(Q(supervised=True) | late).count(),
        "empty": _("没有挂牌督办或逾期的重大隐患"),
        "note": _("口径：已定级为重大、尚未销号的隐患；逾期按北京时间整改期限次日起计"),
        "by_region": {str(code): n for code, n in by_region.items()},
    }
