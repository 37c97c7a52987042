"""Pages of risk grading and control: risk points and their structure, tasks, notices, the mobile page and the
regulators' overview. Every read goes through the access door; every write through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansheng.core import access
from ansheng.core.errors import AnshengError, PermissionDenied, put_on_form
from ansheng.domain.risk import method_table
from ansheng.enterprises.models import Enterprise
from ansheng.risks import conf, forms, notices, schedule, services, stats
from ansheng.risks.choices import AnswerResult, Colour, Level, Method, OccurrenceStatus
from ansheng.risks.filtersets import ObjectFilterForm, apply_event_filters, apply_object_filters
from ansheng.risks.forms import (
    AssessForm,
    EventForm,
    MeasureForm,
    ObjectForm,
    TaskFilterForm,
    TaskForm,
    UnitForm,
)
from ansheng.risks.models import (
    AnalysisUnit,
    Answer,
    EnterpriseColour,
    InspectionTask,
    Occurrence,
    Post,
    RiskEvent,
    RiskObject,
)


def _objects(request: HttpRequest) -> Any:
    return access.restrict(
        RiskObject.objects.select_related("enterprise", "enterprise__county"), request.user, "view", "risk"
    )


def _object(request: HttpRequest, pk: int, action: str = "view") -> RiskObject:
    return access.get_for(
        request.user, RiskObject.objects.select_related("enterprise", "enterprise__county"), pk, action, "risk"
    )


def _status(form: Any) -> int:
    return 422 if form.errors else 200


@login_required
def object_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "risk"):
        raise Http404
    filters = ObjectFilterForm(request.GET or None, user=request.user)
    params = filters.cleaned_data if filters.is_valid() else {}
    rows = apply_object_filters(_objects(request), params).order_by("enterprise__name", "code")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    scope = access.scope_for(request.user)
    return render(
        request,
        "risks/list.html",
        {
            "filters": filters,
            "page": page,
            "querystring": query.urlencode(),
            "can_create": access.can(request.user, "create", "risk") and scope.kind == access.ENTERPRISE,
            "is_enterprise": scope.kind == access.ENTERPRISE,
        },
    )


@login_required
def object_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "create", "risk") or not request.user.enterprise_id:
        raise PermissionDenied()
    form = ObjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.do_create_object(
                acting_user=request.user, enterprise_id=request.user.enterprise_id, data=form.cleaned_data
            )
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已登记风险点“%(name)s”，请添加分析单元和风险事件") % {"name": obj.name})
            return redirect("risks:object", pk=obj.pk)
    return render(request, "risks/form.html", {"form": form, "title": _("登记风险点")}, status=_status(form))


@login_required
def object_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk, "change")
    form = ObjectForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_object(acting_user=request.user, object_id=pk, changes=form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("risks:object", pk=pk)
    return render(
        request,
        "risks/form.html",
        {"form": form, "title": _("编辑风险点"), "back": reverse("risks:object", args=[pk])},
        status=_status(form),
    )


@login_required
def object_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk)
    units = list(obj.units.prefetch_related("events__measures"))
    tasks = list(obj.tasks.prefetch_related("assignees").select_related("measure"))
    recent = (
        Occurrence.objects.filter(task__risk_object=obj, period_start__lte=timezone.now())
        .select_related("task", "completed_by")
        .order_by("-period_start")[:20]
    )
    return render(
        request,
        "risks/detail.html",
        {
            "obj": obj,
            "units": units,
            "tasks": tasks,
            "recent": recent,
            "posts": obj.posts.all(),
            "can_change": access.can(request.user, "change", "risk"),
            "can_task": access.can(request.user, "create", "inspection"),
            "unit_form": UnitForm(),
            "mobile_url": request.build_absolute_uri(reverse("risks:mobile", args=[obj.qr_token])),
        },
    )


@login_required
@require_POST
def unit_add(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk, "change")
    form = UnitForm(request.POST)
    if form.is_valid():
        try:
            services.do_add_unit(acting_user=request.user, object_id=obj.pk, data=form.cleaned_data)
        except AnshengError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已添加分析单元"))
    else:
        messages.error(request, _("请填写分析单元名称"))
    return redirect("risks:object", pk=pk)


@login_required
def event_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access.get_for(request.user, AnalysisUnit.objects.select_related("risk_object"), unit_id, "change", "risk")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.do_add_event(acting_user=request.user, unit_id=unit.pk, data=form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已添加风险事件，请评估风险"))
            return redirect("risks:event", pk=event.pk)
    return render(
        request,
        "risks/form.html",
        {
            "form": form,
            "title": _("添加风险事件"),
            "subtitle": f"{unit.risk_object.name} · {unit.name}",
            "back": reverse("risks:object", args=[unit.risk_object_id]),
        },
        status=_status(form),
    )


def _event(request: HttpRequest, pk: int, action: str = "view") -> RiskEvent:
    return access.get_for(
        request.user,
        RiskEvent.objects.select_related("unit", "unit__risk_object", "enterprise", "enterprise__county"),
        pk,
        action,
        "risk",
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return _event_page(request, event, AssessForm(initial={"method": Method.LEC}), MeasureForm())


def _event_page(request: HttpRequest, event: RiskEvent, assess_form: Any, measure_form: Any, status: int = 200) -> Any:
    return render(
        request,
        "risks/event.html",
        {
            "event": event,
            "obj": event.unit.risk_object,
            "assessments": event.assessments.select_related("assessed_by"),
            "measures": event.measures.all(),
            "can_change": access.can(request.user, "change", "risk"),
            "can_assess": access.can(request.user, "assess", "risk"),
            "assess_form": assess_form,
            "measure_form": measure_form,
            "tables": [method_table(m) for m in Method.values()],
        },
        status=status,
    )


@login_required
@require_POST
def event_assess(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "assess")
    form = AssessForm(request.POST)
    if form.is_valid():
        try:
            services.do_assess_event(
                acting_user=request.user,
                event_id=event.pk,
                stage=form.cleaned_data["stage"],
                method=form.cleaned_data["method"],
                factors=form.factors(),
                note=form.cleaned_data["note"],
            )
        except AnshengError as exc:
            put_on_form(form, exc, renames={exc.field or "": f"{form.data.get('method')}_{exc.field}"})
        else:
            messages.success(request, _("已评估"))
            return redirect("risks:event", pk=pk)
    return _event_page(request, event, form, MeasureForm(), 422)


@login_required
@require_POST
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "change")
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.do_add_measure(acting_user=request.user, event_id=event.pk, data=form.cleaned_data)
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已添加管控措施"))
            return redirect("risks:event", pk=pk)
    return _event_page(request, event, AssessForm(initial={"method": Method.LEC}), form, 422)


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk)
    if not access.can(request.user, "create", "inspection"):
        raise PermissionDenied()
    form = TaskForm(request.POST or None, risk_object=obj, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.do_create_task(acting_user=request.user, object_id=obj.pk, data=form.data_for_service())
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            services.generate_occurrences(task_ids=[created.pk])
            messages.success(request, _("已创建排查任务"))
            return redirect("risks:object", pk=pk)
    return render(
        request,
        "risks/form.html",
        {"form": form, "title": _("新建排查任务"), "subtitle": obj.name, "back": reverse("risks:object", args=[pk])},
        status=_status(form),
    )


# --- notices ------------------------------------------------------------------------------------------------------


@login_required
def object_card(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _object(request, pk)
    url = request.build_absolute_uri(reverse("risks:mobile", args=[obj.qr_token]))
    response = HttpResponse(notices.object_card_pdf(obj, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="risk-card-{obj.pk}.pdf"'
    return response


@login_required
def post_card(request: HttpRequest, pk: int) -> HttpResponse:
    post = access.get_for(request.user, Post.objects.select_related("enterprise"), pk, "view", "risk")
    urls = {
        obj.pk: request.build_absolute_uri(reverse("risks:mobile", args=[obj.qr_token]))
        for obj in post.risk_objects.all()
    }
    response = HttpResponse(notices.post_card_pdf(post, urls), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="post-card-{post.pk}.pdf"'
    return response


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "risk"):
        raise Http404
    if request.method == "POST":  # the former inline form posted here; the create page now does it
        return post_create(request)
    posts = access.restrict(Post.objects.select_related("enterprise"), request.user, "view", "risk").prefetch_related(
        "risk_objects"
    )
    may = access.can(request.user, "create", "risk") and bool(request.user.enterprise_id)
    return render(
        request,
        "risks/posts.html",
        {"posts": posts[:200], "can_create": may, "can_change": access.can(request.user, "change", "risk")},
    )


# --- the mobile page ---------------------------------------------------------------------------------------------


def quick_report_url(obj: RiskObject) -> str | None:
    """The dangers app's 随手拍 page for this risk point, or None when that app is not installed."""
    try:
        return reverse("dangers:quick-report") + f"?object={obj.pk}"
    except NoReverseMatch:
        return None


@login_required
def mobile(request: HttpRequest, token: str) -> HttpResponse:
    rows = _objects(request).filter(qr_token=token)
    obj = rows.first()
    if obj is None:
        raise Http404
    now = timezone.now()
    due = [
        occurrence
        for occurrence in Occurrence.objects.filter(
            task__risk_object=obj, status=OccurrenceStatus.PENDING, period_start__lte=now, period_end__gt=now
        )
        .select_related("task")
        .order_by("period_end")
        if services.may_perform(request.user, occurrence)
    ]
    errors: dict[str, str] = {}
    if request.method == "POST":
        occurrence = next((o for o in due if str(o.pk) == request.POST.get("occurrence")), None)
        if occurrence is None:
            messages.error(request, _("该排查已完成或已过期"))
            return redirect("risks:mobile", token=token)
        answers = [
            {
                "result": request.POST.get(f"result-{i}") or "",
                "note": request.POST.get(f"note-{i}", ""),
                "photo": request.FILES.get(f"photo-{i}"),
            }
            for i in range(len(occurrence.task.checklist))
        ]
        try:
            done = services.do_complete_occurrence(
                acting_user=request.user, occurrence_id=occurrence.pk, answers=answers
            )
        except AnshengError as exc:
            errors[exc.field or ""] = str(exc.message)
        else:
            if done.findings:
                messages.success(request, _("排查已提交，发现隐患 %(n)s 项，已上报") % {"n": done.findings})
            else:
                messages.success(request, _("排查已提交"))
            return redirect("risks:mobile", token=token)
    events = list(
        RiskEvent.objects.filter(unit__risk_object=obj, is_active=True).prefetch_related("measures").order_by("unit_id")
    )
    return render(
        request,
        "risks/mobile.html",
        {
            "obj": obj,
            "events": events,
            "due": due,
            "errors": errors,
            "posted": request.POST if errors else {},
            "results": AnswerResult.choices(),
            "quick_report": quick_report_url(obj),
        },
        status=422 if errors else 200,
    )


@login_required
def answer_photo(request: HttpRequest, pk: int) -> HttpResponse:
    answer = access.get_for(request.user, Answer.objects.all(), pk, "view", "inspection")
    if not answer.photo:
        raise Http404
    handle = answer.photo.open("rb")
    head = handle.read(12)
    handle.seek(0)
    kind = next((ctype for ctype, magic in services.PHOTO_TYPES.items() if head.startswith(magic)), None)
    if kind is None:
        raise Http404
    response = FileResponse(handle, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- regulators ---------------------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "risk_colour") or not access.scope_for(request.user).is_government:
        raise Http404
    county = request.GET.get("county") or None
    regions = access.visible_regions(request.user)
    if county and not regions.filter(code=county).exists():
        raise Http404
    start, end = _period(request)
    colours = access.restrict(EnterpriseColour.objects.all(), request.user, "view", "risk_colour")
    events = access.restrict(RiskEvent.objects.filter(is_active=True).exclude(level=""), request.user, "view", "risk")
    if county:
        colours = colours.filter(county_code__startswith=county)
        events = events.filter(enterprise__county__code__startswith=county)
    by_colour = {
        (row["county_code"], row["colour"]): row["n"]
        for row in colours.values("county_code", "colour").annotate(n=Count("pk"))
    }
    by_level = {
        (row["enterprise__county_id"], row["level"]): row["n"]
        for row in events.values("enterprise__county_id", "level").annotate(n=Count("pk"))
    }
    shown = regions.filter(code=county) if county else regions
    table = [
        {
            "county": region,
            "colours": [by_colour.get((region.code, c), 0) for c in Colour.values()],
            "levels": [by_level.get((region.code, lv), 0) for lv in Level.values()],
            "rates": stats.rates(request.user, region_code=region.code, start=start, end=end),
        }
        for region in shown.order_by("code")
    ]
    chart = {
        "counties": [row["county"].name for row in table],
        "colours": [
            {
                "name": _("%(colour)s色企业") % {"colour": label},
                "colour": value,
                "values": [row["colours"][i] for row in table],
            }
            for i, (value, label, _c) in enumerate(Colour.CHOICES)
        ],
        "months": [],
        "completion": [],
        "completion_label": _("排查任务完成率"),
    }
    month = timezone.localdate().replace(day=1)
    for back in range(5, -1, -1):
        first = _month_add(month, -back)
        last = _month_add(first, 1) - dt.timedelta(days=1)
        chart["months"].append(f"{first:%Y-%m}")
        figures = stats.rates(
            request.user, region_code=county, start=first, end=min(last, timezone.localdate()), coverage=False
        )
        value = figures["inspection_completion"]
        chart["completion"].append(None if value is None else round(value * 100, 1))
    red = (
        colours.filter(colour=Colour.RED)
        .select_related("enterprise", "enterprise__county")
        .order_by("enterprise__name")[:50]
    )
    return render(
        request,
        "risks/overview.html",
        {
            "table": table,
            "colour_choices": Colour.CHOICES,
            "level_choices": Level.CHOICES,
            "totals": stats.rates(request.user, region_code=county, start=start, end=end),
            "red": red,
            "county": county,
            "regions": regions,
            "start": start,
            "end": end,
            "chart": chart,
        },
    )


def _month_add(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "risk"):
        raise Http404
    rows = access.restrict(
        RiskEvent.objects.select_related("unit__risk_object", "enterprise", "enterprise__county"),
        request.user,
        "view",
        "risk",
    )
    rows = apply_event_filters(rows, request.GET).order_by("-assessed_at", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risks/events.html",
        {"page": page, "querystring": query.urlencode(), "params": request.GET, "levels": Level.CHOICES},
    )


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Home: an enterprise user's inspections due now (with links to their mobile pages); a supervisor's enterprises
    by risk colour."""
    user = request.user
    if not access.can(user, "view", "risk"):
        return None
    scope = access.scope_for(user)
    if scope.kind == access.ENTERPRISE:
        now = timezone.now()
        open_now = (
            access.restrict(Occurrence.objects.all(), user, "view", "inspection")
            .filter(status=OccurrenceStatus.PENDING, period_start__lte=now, period_end__gt=now)
            .select_related("task", "task__risk_object")
            .order_by("period_end")
        )
        due = [o for o in open_now[:50] if services.may_perform(user, o)][:10]
        colour = EnterpriseColour.objects.filter(enterprise_id=user.enterprise_id).first()
        return {"order": 26, "template": "risks/partials/home_panel.html", "due": due, "colour": colour}
    rows = access.restrict(EnterpriseColour.objects.all(), user, "view", "risk_colour")
    counts = dict(rows.values_list("colour").annotate(n=Count("pk")))
    return {
        "order": 26,
        "template": "risks/partials/home_panel.html",
        "colours": [(value, label, c, counts.get(value, 0)) for value, label, c in Colour.CHOICES],
    }


# --- posts: create and edit ---------------------------------------------------------------------------------------


def _post_save(request: HttpRequest, form: Any, enterprise_id: int, post_id: int | None) -> Post | None:
    if request.method != "POST" or not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    data["risk_objects"] = [o.pk for o in data["risk_objects"]]
    try:
        return services.do_save_post(acting_user=request.user, enterprise_id=enterprise_id, data=data, post_id=post_id)
    except AnshengError as exc:
        put_on_form(form, exc)
        return None


def _post_page(request: HttpRequest, form: Any, title: str, post: Post | None = None) -> HttpResponse:
    chosen = {str(pk) for pk in form["risk_objects"].value() or []}
    objects = [
        (o, str(o.pk) in chosen) for o in form.fields["risk_objects"].queryset.order_by("code") if o.emergency_actions
    ]
    return render(
        request,
        "risks/post_form.html",
        {"form": form, "title": title, "post": post, "objects": objects},
        status=_status(form),
    )


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "create", "risk") or not request.user.enterprise_id:
        raise PermissionDenied()
    form = forms.post_form(request.POST or None, enterprise_id=request.user.enterprise_id)
    post = _post_save(request, form, request.user.enterprise_id, None)
    if post is not None:
        messages.success(request, _("已保存岗位“%(name)s”") % {"name": post.name})
        return redirect("risks:posts")
    return _post_page(request, form, _("新增岗位"))


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = access.get_for(request.user, Post.objects.select_related("enterprise"), pk, "change", "risk")
    form = forms.post_form(request.POST or None, enterprise_id=post.enterprise_id, instance=post)
    saved = _post_save(request, form, post.enterprise_id, post.pk)
    if saved is not None:
        messages.success(request, _("已保存岗位“%(name)s”") % {"name": saved.name})
        return redirect("risks:posts")
    return _post_page(request, form, _("编辑岗位"), post)


# --- inspection tasks: list, detail, edit, deactivate -------------------------------------------------------------

COMPLETION_DAYS = 30
RECENT_PER_TASK = 5


def _tasks(request: HttpRequest) -> Any:
    return access.restrict(
        InspectionTask.objects.select_related("enterprise", "risk_object", "measure"),
        request.user,
        "view",
        "inspection",
    )


def _task(request: HttpRequest, pk: int, action: str = "view") -> InspectionTask:
    return access.get_for(
        request.user,
        InspectionTask.objects.select_related("enterprise", "risk_object", "measure"),
        pk,
        action,
        "inspection",
    )


def _completion(occurrences: Any, now: dt.datetime) -> dict[str, Any]:
    """done / (done + missed + pending whose window has ended), as the rates of docs/risks.md."""
    counts = occurrences.aggregate(
        done=Count("pk", filter=Q(status=OccurrenceStatus.DONE)),
        missed=Count("pk", filter=Q(status=OccurrenceStatus.MISSED)),
        overdue=Count("pk", filter=Q(status=OccurrenceStatus.PENDING, period_end__lte=now)),
    )
    due = counts["done"] + counts["missed"] + counts["overdue"]
    counts["rate"] = None if due == 0 else round(counts["done"] * 100 / due, 1)
    return counts


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view", "inspection"):
        raise Http404
    scope = access.scope_for(request.user)
    enterprise_id = request.user.enterprise_id if scope.kind == access.ENTERPRISE else None
    if enterprise_id is None and request.GET.get("enterprise"):
        # A supervisor's narrowing to one enterprise: only one in their jurisdiction (its people fill a filter).
        wanted = str(request.GET["enterprise"])
        if not wanted.isdigit():
            raise Http404
        enterprise_id = access.get_for(request.user, Enterprise, int(wanted), "view", "enterprise").pk
    filters = TaskFilterForm(request.GET or None, enterprise_id=enterprise_id)
    rows = _tasks(request)
    if enterprise_id:
        rows = rows.filter(enterprise_id=enterprise_id)
    if filters.is_valid():
        params = filters.cleaned_data
        if params.get("cycle"):
            rows = rows.filter(cycle=params["cycle"])
        if params.get("active") in {"0", "1"}:
            rows = rows.filter(is_active=params["active"] == "1")
        if params.get("assignee"):
            rows = rows.filter(assignees=params["assignee"])
    page = Paginator(rows.order_by("enterprise__name", "risk_object__code", "pk"), 50).get_page(request.GET.get("page"))
    tasks = list(page.object_list)
    ids = [t.pk for t in tasks]
    now = timezone.now()
    since = timezone.localdate() - dt.timedelta(days=COMPLETION_DAYS - 1)
    counts = {
        row["task_id"]: row
        for row in Occurrence.objects.filter(task_id__in=ids, due_on__gte=since)
        .values("task_id")
        .annotate(
            done=Count("pk", filter=Q(status=OccurrenceStatus.DONE)),
            missed=Count("pk", filter=Q(status=OccurrenceStatus.MISSED)),
            overdue=Count("pk", filter=Q(status=OccurrenceStatus.PENDING, period_end__lte=now)),
        )
    }
    recent: dict[int, list[Occurrence]] = {}
    for occurrence in (
        Occurrence.objects.filter(task_id__in=ids, period_start__lte=now)
        .annotate(rank=Window(RowNumber(), partition_by=F("task_id"), order_by=F("period_start").desc()))
        .filter(rank__lte=RECENT_PER_TASK)
        .order_by("task_id", "-period_start")
    ):
        recent.setdefault(occurrence.task_id, []).append(occurrence)
    assignees: dict[int, list[str]] = {}
    for task_id, name, username in InspectionTask.assignees.through.objects.filter(
        inspectiontask_id__in=ids
    ).values_list("inspectiontask_id", "user__full_name", "user__username"):
        assignees.setdefault(task_id, []).append(name or username)
    for task in tasks:
        row = counts.get(task.pk, {"done": 0, "missed": 0, "overdue": 0})
        due = row["done"] + row["missed"] + row["overdue"]
        task.completion = None if due == 0 else round(row["done"] * 100 / due, 1)  # type: ignore[attr-defined]
        task.completion_counts = row  # type: ignore[attr-defined]
        task.recent = recent.get(task.pk, [])  # type: ignore[attr-defined]
        task.assignee_names = assignees.get(task.pk, [])  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risks/tasks.html",
        {
            "filters": filters,
            "page": page,
            "tasks": tasks,
            "querystring": query.urlencode(),
            "is_enterprise": scope.kind == access.ENTERPRISE,
            "completion_days": COMPLETION_DAYS,
            "can_change": access.can(request.user, "change", "inspection"),
        },
    )


def danger_url(danger_id: int | None) -> str | None:
    """The dangers app's page of a hidden danger, or None when that app is not installed."""
    if danger_id is None:
        return None
    try:
        return reverse("dangers:detail", args=[danger_id])
    except NoReverseMatch:
        return None


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    now = timezone.now()
    history = access.restrict(task.occurrences.all(), request.user, "view", "inspection").select_related("completed_by")
    status = request.GET.get("status") or ""
    if status in OccurrenceStatus.values():
        history = history.filter(status=status)
    else:
        status = ""
    page = Paginator(history.order_by("-period_start", "-pk"), 30).get_page(request.GET.get("page"))
    occurrences = list(page.object_list)
    findings: dict[int, list[dict[str, Any]]] = {}
    for answer in Answer.objects.filter(
        occurrence_id__in=[o.pk for o in occurrences], result=AnswerResult.FINDING
    ).order_by("occurrence_id", "index"):
        findings.setdefault(answer.occurrence_id, []).append(
            {"answer": answer, "danger_url": danger_url(answer.danger_id)}
        )
    may_do = None
    for occurrence in occurrences:
        occurrence.finding_rows = findings.get(occurrence.pk, [])  # type: ignore[attr-defined]
        occurrence.open_now = occurrence.is_open(now)  # type: ignore[attr-defined]
        if occurrence.open_now:  # type: ignore[attr-defined]
            may_do = services.may_perform(request.user, occurrence) if may_do is None else may_do
    since = timezone.localdate() - dt.timedelta(days=COMPLETION_DAYS - 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risks/task.html",
        {
            "task": task,
            "obj": task.risk_object,
            "assignees": task.assignees.order_by("username"),
            "page": page,
            "occurrences": occurrences,
            "status": status,
            "statuses": OccurrenceStatus.choices(),
            "querystring": query.urlencode(),
            "completion": _completion(task.occurrences.filter(due_on__gte=since), now),
            "completion_all": _completion(task.occurrences.all(), now),
            "completion_days": COMPLETION_DAYS,
            "may_do": bool(may_do),
            "can_change": access.can(request.user, "change", "inspection"),
        },
    )


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk, "change")
    form = TaskForm(request.POST or None, risk_object=task.risk_object, initial=forms.task_initial(task))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_task(acting_user=request.user, task_id=task.pk, changes=form.data_for_service())
        except AnshengError as exc:
            put_on_form(form, exc)
        else:
            messages.success(request, _("已保存排查任务"))
            return redirect("risks:task", pk=pk)
    return render(
        request,
        "risks/form.html",
        {
            "form": form,
            "title": _("编辑排查任务"),
            "subtitle": _("%(object)s · 周期或日期的修改只影响尚未生成的排查") % {"object": task.risk_object.name},
            "back": reverse("risks:task", args=[pk]),
        },
        status=_status(form),
    )


@login_required
def task_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a task (no new windows; one already open stays due) or, when stopped, start it again."""
    task = _task(request, pk, "change")
    if request.method == "POST":
        try:
            services.do_update_task(
                acting_user=request.user, task_id=task.pk, changes={"is_active": not task.is_active}
            )
        except AnshengError as exc:
            messages.error(request, str(exc.message))
        else:
            if task.is_active:
                messages.success(request, _("已停用排查任务“%(name)s”") % {"name": task.name})
            else:
                services.generate_occurrences(task_ids=[task.pk])
                messages.success(request, _("已重新启用排查任务“%(name)s”") % {"name": task.name})
            return redirect("risks:task", pk=pk)
    open_now = task.occurrences.filter(
        status=OccurrenceStatus.PENDING, period_start__lte=timezone.now(), period_end__gt=timezone.now()
    ).count()
    return render(request, "risks/task_deactivate.html", {"task": task, "obj": task.risk_object, "open_now": open_now})


# --- 我的排查任务 ---------------------------------------------------------------------------------------------------

UPCOMING_DAYS = 31


def my_occurrences(user: Any, now: dt.datetime) -> Any:
    """The pending occurrences whose window has not ended that are the user's: assigned to them, or their
    enterprise's tasks that name nobody."""
    return (
        access.restrict(Occurrence.objects.all(), user, "view", "inspection")
        .filter(status=OccurrenceStatus.PENDING, period_end__gt=now)
        .filter(Q(task__assignees=user) | Q(task__assignees__isnull=True))
        .select_related("task", "task__risk_object")
        .distinct()
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.can(user, "perform", "inspection") or access.scope_for(user).kind != access.ENTERPRISE:
        raise Http404
    now = timezone.now()
    pending = list(my_occurrences(user, now).order_by("period_end", "pk")[:200])
    due = [o for o in pending if o.period_start <= now]
    later = [o for o in pending if o.period_start > now]
    tasks = (
        access.restrict(InspectionTask.objects.filter(is_active=True), user, "view", "inspection")
        .filter(Q(assignees=user) | Q(assignees__isnull=True))
        .select_related("risk_object")
        .distinct()
        .order_by("risk_object__code", "pk")[:200]
    )
    horizon = now + dt.timedelta(days=UPCOMING_DAYS)
    shift_hours = conf.get("RISKS_SHIFT_HOURS")
    upcoming: list[dict[str, Any]] = [
        {"task": o.task, "start": o.period_start, "end": o.period_end, "occurrence": o} for o in later
    ]
    known = {(o.task_id, o.period_start) for o in pending}
    for task in tasks:
        for start, end in schedule.windows(
            task.cycle,
            starts_on=task.starts_on,
            ends_on=task.ends_on,
            since=now,
            until=horizon,
            shift_hours=shift_hours,
        ):
            if (task.pk, start) not in known:
                upcoming.append({"task": task, "start": start, "end": end, "occurrence": None})
            break  # the next window of each task is enough
    upcoming.sort(key=lambda row: (row["start"], row["task"].pk))
    done = (
        access.restrict(Occurrence.objects.all(), user, "view", "inspection")
        .filter(completed_by=user, status=OccurrenceStatus.DONE)
        .select_related("task", "task__risk_object")
        .order_by("-completed_at")[:10]
    )
    return render(
        request,
        "risks/mine.html",
        {"due": due, "upcoming": upcoming[:50], "done": done, "upcoming_days": UPCOMING_DAYS},
    )
