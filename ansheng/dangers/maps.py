"""The `hidden-dangers` map layer: open hidden dangers as points (core.geo contract, docs/map.md).

A danger is drawn where it was reported (the phone's position) or else at its enterprise. 重大 and overdue ones carry
`emphasis: true`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ansheng.core import access
from ansheng.core.geo import LayerQuery, point
from ansheng.dangers.choices import Grade, State
from ansheng.dangers.models import HiddenDanger, today_shanghai


def hidden_dangers_layer(user: Any, query: LayerQuery) -> list[dict[str, Any]]:
    rows = access.restrict(
        HiddenDanger.objects.select_related("enterprise", "enterprise__county", "responsible").filter(
            state__in=State.OPEN
        ),
        user,
        "view",
        "hidden_danger",
    )
    if query.county:
        rows = rows.filter(enterprise__county__code__startswith=query.county)
    if query.category:
        rows = rows.filter(enterprise__category=query.category)
    if query.grade:
        grade = Grade.parse(query.grade)
        rows = rows.filter(grade=grade) if grade else rows.none()
    if query.q:
        rows = rows.filter(
            Q(title__icontains=query.q) | Q(number__icontains=query.q) | Q(enterprise__name__icontains=query.q)
        )
    if query.date_from:
        rows = rows.filter(reported_at__gte=dt.datetime.combine(query.date_from, dt.time.min, tzinfo=_tz()))
    if query.date_to:
        rows = rows.filter(
            reported_at__lt=dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=_tz())
        )
    today = today_shanghai()
    features = []
    for danger in rows.order_by("-grade", "deadline", "pk")[: query.limit]:
        lon, lat = danger.longitude, danger.latitude
        if lon is None or lat is None:
            lon, lat = danger.enterprise.longitude, danger.enterprise.latitude
        if lon is None or lat is None:
            continue
        if query.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = query.bbox
            if not (min_lon <= float(lon) <= max_lon and min_lat <= float(lat) <= max_lat):
                continue
        overdue = danger.state in State.RUNNING and danger.deadline is not None and danger.deadline < today
        summary = [
            [_("企业"), danger.enterprise.name],
            [_("状态"), str(State.label(danger.state))],
            [_("整改期限"), danger.deadline.isoformat() if danger.deadline else "—"],
            [_("责任人"), (danger.responsible.full_name or danger.responsible.username) if danger.responsible else "—"],
        ]
        features.append(
            point(
                lon,
                lat,
                id=danger.pk,
                name=danger.title,
                code=danger.number,
                county=danger.enterprise.county_id,
                county_name=danger.enterprise.county.name,
                grade=danger.grade_short or None,
                grade_label=str(danger.grade_label),
                state=danger.state,
                overdue=overdue,
                supervised=danger.supervised,
                date=danger.reported_at.astimezone(_tz()).date().isoformat(),
                emphasis=danger.grade == Grade.MAJOR or overdue,
                badge=_("已逾期") if overdue else (_("挂牌督办") if danger.supervised else ""),
                summary=summary,
                url=reverse("dangers:detail", args=[danger.pk]),
            )
        )
    return features


def _tz() -> Any:
    from ansheng.domain.hidden_dangers import SHANGHAI

    return SHANGHAI
