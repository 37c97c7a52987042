from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansheng.core import access
from ansheng.core.errors import AnshengError, PermissionDenied, put_on_form
from ansheng.enterprises.models import Enterprise
from ansheng.monitoring import services, stats
from ansheng.monitoring.choices import Severity, WarningColour
from ansheng.monitoring.filtersets import AlarmFilterForm, PointFilterForm, alarm_filters, point_filters
from ansheng.monitoring.forms import AckForm, CloseForm, GatewayForm, PointForm, ShelveForm, WindowForm
from ansheng.monitoring.models import (
    Alarm,
    EnterpriseWarning,
    MaintenanceWindow,
    MonitoringPoint,
    Rejection,
    WarningChange,
)
from ansheng.monitoring.series import sparkline, sparkline_svg


def _now_ms() -> int:
    return int(timezone.now().timestamp() * 1000)


def _require(request: HttpRequest, action: str, noun: str) -> None:
    if not access.can(request.user, action, noun):
        if not access.can(request.user, "view", noun):
            raise Http404
        raise PermissionDenied()


def _alarms(request: HttpRequest) -> Any:
    return access.restrict(
        Alarm.objects.select_related("point", "enterprise", "enterprise__county", "hazard_source"),
        request.user,
        "view",
        "alarm",
    )


def _points(request: HttpRequest) -> Any:
    return access.restrict(
        MonitoringPoint.objects.select_related("state", "enterprise", "hazard_source"),
        request.user,
        "view",
        "monitoring_point",
    )


# --- overview ---------------------------------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "monitoring_point")
    from ansheng.hazards.models import HazardSource

    scope = access.scope_for(request.user)
    if scope.kind == access.ENTERPRISE:
        return enterprise_page(request, request.user.enterprise_id)
    warnings = access.restrict(
        EnterpriseWarning.objects.select_related("enterprise", "enterprise__county").exclude(colour=""),
        request.user,
        "view",
        "alarm",
    )
    by_colour = {row["colour"]: row["n"] for row in warnings.values("colour").annotate(n=Count("pk"))}
    ordered = sorted(warnings, key=lambda w: (-WarningColour.RANK.get(w.colour, 0), w.since))
    sources = (
        access.restrict(
            HazardSource.objects.filter(is_major=True).select_related("enterprise"),
            request.user,
            "view",
            "hazard_source",
        )
        .annotate(points=Count("monitoring_points", distinct=True))
        .order_by("grade", "enterprise__name")
    )
    return render(
        request,
        "monitoring/overview.html",
        {
            "rates": stats.plan_rates(request.user) if access.can(request.user, "view", "monitoring_stats") else None,
            "counts": stats.open_alarm_counts(request.user),
            "warnings": ordered[:50],
            "by_colour": [
                (value, label, colour, by_colour.get(value, 0))
                for value, label, colour in WarningColour.CHOICES
                if value
            ],
            "sources": sources[:200],
        },
    )


@login_required
def enterprise_page(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """One enterprise's monitoring: its warning, its hazard sources with their walls, its open alarms."""
    from ansheng.hazards.models import HazardSource

    _require(request, "view", "monitoring_point")
    enterprise = access.get_for(request.user, Enterprise.objects.select_related("county"), enterprise_id)
    warning = EnterpriseWarning.objects.filter(enterprise=enterprise).first()
    now_ms = _now_ms()
    sources = []
    for source in HazardSource.objects.filter(enterprise=enterprise).order_by("grade", "code"):
        points = list(MonitoringPoint.objects.filter(hazard_source=source, in_service=True).select_related("state"))
        sources.append(
            {
                "source": source,
                "points": len(points),
                "online": sum(stats.online_now(p, now_ms) for p in points),
                "alarms": Alarm.objects.filter(hazard_source=source, closed_at__isnull=True).count(),
            }
        )
    loose = MonitoringPoint.objects.filter(enterprise=enterprise, hazard_source__isnull=True).count()
    return render(
        request,
        "monitoring/enterprise.html",
        {
            "enterprise": enterprise,
            "warning": warning,
            "history": WarningChange.objects.filter(enterprise=enterprise)[:20],
            "sources": sources,
            "loose_points": loose,
            "alarms": _alarms(request).filter(enterprise=enterprise, closed_at__isnull=True)[:50],
            "can_manage": access.can(request.user, "change", "monitoring_point"),
            "is_own": request.user.enterprise_id == enterprise.pk,
        },
    )


# --- the monitoring wall ---------------------------------------------------------------------------------------------


def _tiles(request: HttpRequest, source: Any) -> list[dict[str, Any]]:
    now_ms = _now_ms()
    points = list(_points(request).filter(hazard_source=source, in_service=True).order_by("kind", "code"))
    open_alarms: dict[int, list[Alarm]] = {}
    for alarm in Alarm.objects.filter(point__in=points, closed_at__isnull=True):
        open_alarms.setdefault(alarm.point_id, []).append(alarm)
    tiles = []
    for point in points:
        status = stats.point_status(point, now_ms)
        alarms = open_alarms.get(point.pk, [])
        active = [a for a in alarms if a.active]
        worst = max(active, key=lambda a: Severity.RANK[a.severity], default=None)
        values = sparkline(point.pk, now_ms) if not point.discrete else []
        lo, hi = point.range_min, point.range_max
        display = None if point.discrete or not hasattr(point, "state") else point.state.last_value
        tiles.append(
            {
                "point": point,
                "status": status,
                "value": display,
                "discrete_ok": point.discrete
                and hasattr(point, "state")
                and point.state.last_value is not None
                and abs(point.state.last_value - (point.normal_value or 0)) < 1e-9,
                "alarm": worst,
                "alarms": alarms,
                "awaiting": [a for a in alarms if not a.active],  # cleared, still waiting for the handling feedback
                "colour": Severity.colour(worst.severity) if worst else ("grey" if status != "online" else "green"),
                "spark": mark_safe(sparkline_svg(values, lo, hi, [point.ll, point.l, point.h, point.hh])),  # noqa: S308
                "last_at": point.state.last_at if hasattr(point, "state") else None,
                "position": None if display is None or hi == lo else max(0, min(100, (display - lo) / (hi - lo) * 100)),
                "marks": [
                    (name, max(0, min(100, (v - lo) / (hi - lo) * 100)))
                    for name, v in point.thresholds.items()
                    if v is not None and hi != lo
                ],
            }
        )
    return tiles


@login_required
def wall(request: HttpRequest, source_id: int) -> HttpResponse:
    from ansheng.hazards.models import HazardSource

    source = access.get_for(
        request.user, HazardSource.objects.select_related("enterprise"), source_id, "view", "hazard_source"
    )
    context = {"source": source, "tiles": _tiles(request, source), "now": timezone.now()}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "monitoring/partials/tiles.html", context)
    return render(request, "monitoring/wall.html", context)


# --- points ----------------------------------------------------------------------------------------------------------


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "monitoring_point")
    filters = PointFilterForm(request.GET or None, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {}
    rows = point_filters(_points(request), params).order_by("enterprise__name", "code")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    now_ms = _now_ms()
    for point in page:
        point.status = stats.point_status(point, now_ms)
    context = {
        "filters": filters,
        "page": page,
        "querystring": query.urlencode(),
        "can_create": access.can(request.user, "change", "monitoring_point")
        and access.scope_for(request.user).kind == access.ENTERPRISE,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "monitoring/partials/point_table.html", context)
    return render(request, "monitoring/points.html", context)


@login_required
def point_detail(request: HttpRequest, point_id: int) -> HttpResponse:
    point = access.get_for(request.user, _points(request), point_id)
    return render(
        request,
        "monitoring/point.html",
        {
            "point": point,
            "status": stats.point_status(point, _now_ms()),
            "no_data_after": stats.no_data_after(point),
            "alarms": _alarms(request).filter(point=point).order_by("-activated_at")[:20],
            "can_change": access.can(request.user, "change", "monitoring_point"),
        },
    )


@login_required
def point_create(request: HttpRequest) -> HttpResponse:
    _require(request, "change", "monitoring_point")
    enterprise_id = request.user.enterprise_id or request.GET.get("enterprise") or request.POST.get("enterprise")
    if not enterprise_id:
        raise Http404
    enterprise = access.get_for(request.user, Enterprise, enterprise_id)
    form = PointForm(
        request.POST or None, enterprise_id=enterprise.pk, initial={"hazard_source": request.GET.get("source")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            point = services.do_create_point(
                acting_user=request.user, enterprise_id=enterprise.pk, data=form.service_data()
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已登记测点 %(code)s") % {"code": point.code})
            return redirect("monitoring:point", point_id=point.pk)
    return render(
        request,
        "monitoring/point_form.html",
        {"form": form, "enterprise": enterprise, "creating": True},
        status=422 if form.errors else 200,
    )


@login_required
def point_edit(request: HttpRequest, point_id: int) -> HttpResponse:
    point = access.get_for(request.user, _points(request), point_id, "change", "monitoring_point")
    form = PointForm(request.POST or None, instance=point, enterprise_id=point.enterprise_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_point(
                acting_user=request.user,
                point_id=point.pk,
                changes=form.service_data(),
                reason=request.POST.get("reason", ""),
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("monitoring:point", point_id=point.pk)
    return render(
        request,
        "monitoring/point_form.html",
        {"form": form, "point": point, "creating": False},
        status=422 if form.errors else 200,
    )


# --- the alarm board -------------------------------------------------------------------------------------------------


def _board_context(request: HttpRequest) -> dict[str, Any]:
    filters = AlarmFilterForm(request.GET or None, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {}
    rows = alarm_filters(_alarms(request), params)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    user = request.user
    return {
        "filters": filters,
        "page": page,
        "querystring": query.urlencode(),
        "counts": stats.open_alarm_counts(user),
        "severities": Severity.CHOICES,
        "can_ack": access.can(user, "acknowledge", "alarm"),
        "can_shelve": access.can(user, "shelve", "alarm"),
        "can_close": access.can(user, "close", "alarm"),
        "shelve_form": ShelveForm(),
        "close_form": CloseForm(),
        "now": timezone.now(),
    }


@login_required
def alarm_board(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "alarm")
    context = _board_context(request)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "monitoring/partials/board.html", context)
    return render(request, "monitoring/alarms.html", context)


@login_required
def alarm_detail(request: HttpRequest, alarm_id: int) -> HttpResponse:
    alarm = access.get_for(request.user, _alarms(request), alarm_id)
    user = request.user
    return render(
        request,
        "monitoring/alarm.html",
        {
            "alarm": alarm,
            "transitions": alarm.transitions.select_related("actor"),
            "can_ack": access.can(user, "acknowledge", "alarm") and alarm.is_open and not alarm.acknowledged,
            "can_shelve": access.can(user, "shelve", "alarm") and alarm.is_open,
            "can_close": access.can(user, "close", "alarm") and alarm.is_open,
            "shelve_form": ShelveForm(),
            "close_form": CloseForm(),
            "ack_form": AckForm(),
            "now": timezone.now(),
        },
    )


def _after_action(request: HttpRequest, alarm_id: int) -> HttpResponse:
    if request.htmx and request.POST.get("from") == "board":  # type: ignore[attr-defined]
        return render(request, "monitoring/partials/board.html", _board_context(request))
    return redirect("monitoring:alarm", alarm_id=alarm_id)


def _board_error(request: HttpRequest, exc: AnshengError, alarm_id: int) -> HttpResponse:
    if exc.status == 404:
        raise Http404
    if request.htmx and request.POST.get("from") == "board":  # type: ignore[attr-defined]
        context = _board_context(request)
        context["error"] = exc.message
        return render(request, "monitoring/partials/board.html", context, status=200)
    messages.error(request, str(exc.message))
    return redirect("monitoring:alarm", alarm_id=alarm_id)


@login_required
@require_POST
def alarm_acknowledge(request: HttpRequest, alarm_id: int) -> HttpResponse:
    try:
        services.do_acknowledge_alarm(acting_user=request.user, alarm_id=alarm_id, note=request.POST.get("note", ""))
    except AnshengError as exc:
        return _board_error(request, exc, alarm_id)
    messages.success(request, _("报警已确认"))
    return _after_action(request, alarm_id)


@login_required
@require_POST
def alarm_shelve(request: HttpRequest, alarm_id: int) -> HttpResponse:
    form = ShelveForm(request.POST)
    try:
        if not form.is_valid():
            from ansheng.core.errors import ValidationFailed

            raise ValidationFailed(_("请选择搁置时长并填写原因"), code="required", field="reason")
        services.do_shelve_alarm(
            acting_user=request.user, alarm_id=alarm_id, until=form.until(), reason=form.cleaned_data["reason"]
        )
    except AnshengError as exc:
        return _board_error(request, exc, alarm_id)
    messages.success(request, _("报警已搁置"))
    return _after_action(request, alarm_id)


@login_required
@require_POST
def alarm_unshelve(request: HttpRequest, alarm_id: int) -> HttpResponse:
    try:
        services.do_unshelve_alarm(acting_user=request.user, alarm_id=alarm_id)
    except AnshengError as exc:
        return _board_error(request, exc, alarm_id)
    messages.success(request, _("已解除搁置"))
    return _after_action(request, alarm_id)


@login_required
@require_POST
def alarm_close(request: HttpRequest, alarm_id: int) -> HttpResponse:
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.do_close_alarm(
            acting_user=request.user,
            alarm_id=alarm_id,
            cause=form.cleaned_data.get("cause", ""),
            measures=form.cleaned_data.get("measures", ""),
            note=form.cleaned_data.get("note", ""),
        )
    except AnshengError as exc:
        return _board_error(request, exc, alarm_id)
    messages.success(request, _("处置反馈已提交，报警已关闭"))
    return _after_action(request, alarm_id)


# --- statistics and reports ------------------------------------------------------------------------------------------


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "monitoring_stats")
    days = request.GET.get("days", "30")
    days_n = int(days) if days.isdigit() and 1 <= int(days) <= 366 else 30
    county = request.GET.get("county") or None
    if (
        county
        and not access.scope_for(request.user).covers_region(county)
        and access.scope_for(request.user).kind != access.ENTERPRISE
    ):
        county = None
    data = stats.alarm_stats(request.user, county, None, days_n)
    return render(
        request,
        "monitoring/stats.html",
        {
            "stats": data,
            "days": days_n,
            "rates": stats.plan_rates(request.user, county),
            "chart": {
                "dates": [d["date"] for d in data["per_day"]],
                "series": [
                    {"code": value, "label": str(label), "colour": colour, "data": [d[value] for d in data["per_day"]]}
                    for value, label, colour in Severity.CHOICES
                ],
            },
            "regions": access.visible_regions(request.user),
            "county": county,
        },
    )


@login_required
def online(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "monitoring_stats")
    enterprise = request.GET.get("enterprise")
    enterprise_id = int(enterprise) if enterprise and enterprise.isdigit() else None
    if access.scope_for(request.user).kind == access.ENTERPRISE:
        enterprise_id = request.user.enterprise_id
    county = request.GET.get("county") or None
    report = stats.online_report(request.user, county, enterprise_id)
    return render(
        request,
        "monitoring/online.html",
        {
            "report": report,
            "rates": stats.plan_rates(request.user, county),
            "enterprise_id": enterprise_id,
            "regions": access.visible_regions(request.user),
            "county": county,
        },
    )


@login_required
def rejections(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "rejection")
    rows = access.restrict(Rejection.objects.select_related("enterprise"), request.user, "view", "rejection")
    code = request.GET.get("code", "")
    if code:
        rows = rows.filter(code=code)
    since = timezone.now() - dt.timedelta(days=7)
    by_code = rows.filter(received_at__gte=since).values("code").annotate(n=Count("pk")).order_by("-n")
    by_enterprise = (
        (
            rows.filter(received_at__gte=since)
            .values("enterprise__name", "region_code")
            .annotate(n=Count("pk"))
            .order_by("-n")[:20]
        )
        if access.scope_for(request.user).is_government
        else []
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/rejections.html",
        {
            "page": page,
            "by_code": by_code,
            "by_enterprise": by_enterprise,
            "code": code,
            "querystring": f"code={code}" if code else "",
        },
    )


# --- gateways and maintenance ----------------------------------------------------------------------------------------


@login_required
def gateways(request: HttpRequest) -> HttpResponse:
    _require(request, "manage", "gateway_token")
    new_token = None
    form = GatewayForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "create")
        try:
            if action == "revoke":
                services.do_revoke_gateway_token(
                    acting_user=request.user, token_id=int(request.POST.get("token", "0") or 0)
                )
                messages.success(request, _("网关令牌已吊销"))
                return redirect("monitoring:gateways")
            if form.is_valid():
                expires = form.cleaned_data["expires_at"]
                _token, new_token = services.do_create_gateway_token(
                    acting_user=request.user,
                    name=form.cleaned_data["name"],
                    enterprise_id=request.user.enterprise_id or int(request.POST.get("enterprise", "0") or 0) or None,
                    expires_at=expires,
                )
                messages.success(request, _("网关令牌已创建，请立即复制保存：它只显示这一次。"))
                form = GatewayForm()
        except AnshengError as exc:
            put_on_form(form, exc)
    enterprise = Enterprise.objects.filter(pk=request.user.enterprise_id).select_related("county").first()
    from ansheng.monitoring.mqtt import topic_for

    return render(
        request,
        "monitoring/gateways.html",
        {
            "tokens": services.gateway_tokens(request.user),
            "form": form,
            "new_token": new_token,
            "enterprise": enterprise,
            "topic": topic_for(enterprise.county_id, enterprise.credit_code) if enterprise else None,
            "points": MonitoringPoint.objects.filter(enterprise=enterprise, in_service=True)[:5] if enterprise else [],
        },
    )


@login_required
def maintenance(request: HttpRequest) -> HttpResponse:
    _require(request, "view", "monitoring_point")
    can_manage = access.can(request.user, "maintain", "monitoring_point") and bool(request.user.enterprise_id)
    form = WindowForm(request.POST or None, enterprise_id=request.user.enterprise_id or 0) if can_manage else None
    if request.method == "POST" and can_manage and form is not None:
        action = request.POST.get("action", "create")
        try:
            if action == "cancel":
                services.do_cancel_maintenance_window(
                    acting_user=request.user, window_id=int(request.POST.get("window", "0") or 0)
                )
                messages.success(request, _("维护窗口已结束"))
                return redirect("monitoring:maintenance")
            if form.is_valid():
                services.do_create_maintenance_window(
                    acting_user=request.user, enterprise_id=request.user.enterprise_id, **form.cleaned_data
                )
                messages.success(request, _("维护窗口已登记：期间产生的报警只记录、不通知、不升级"))
                return redirect("monitoring:maintenance")
        except AnshengError as exc:
            put_on_form(form, exc)
    windows = access.restrict(
        MaintenanceWindow.objects.select_related("enterprise", "hazard_source", "point"),
        request.user,
        "view",
        "monitoring_point",
    )
    return render(
        request,
        "monitoring/maintenance.html",
        {
            "form": form,
            "windows": windows[:100],
            "now": timezone.now(),
            "can_manage": can_manage,
        },
        status=422 if form is not None and form.errors else 200,
    )


# --- home ------------------------------------------------------------------------------------------------------------


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not access.can(user, "view", "alarm"):
        return None
    scope = access.scope_for(user)
    counts = stats.open_alarm_counts(user)
    panel: dict[str, Any] = {
        "order": 5,
        "template": "monitoring/partials/home_panel.html",
        "counts": counts,
        "severities": Severity.CHOICES,
    }
    if scope.kind == access.ENTERPRISE:
        if not MonitoringPoint.objects.filter(enterprise_id=user.enterprise_id).exists() and not counts["open"]:
            return None
        warning = EnterpriseWarning.objects.filter(enterprise_id=user.enterprise_id).first()
        panel["warning"] = warning
        panel["enterprise_id"] = user.enterprise_id
    else:
        warnings = access.restrict(EnterpriseWarning.objects.exclude(colour=""), user, "view", "alarm")
        by_colour = {row["colour"]: row["n"] for row in warnings.values("colour").annotate(n=Count("pk"))}
        panel["warnings"] = [
            (value, label, colour, by_colour.get(value, 0)) for value, label, colour in WarningColour.CHOICES if value
        ]
        if access.can(user, "view", "monitoring_stats"):
            panel["rates"] = stats.plan_rates(user)
    return panel
