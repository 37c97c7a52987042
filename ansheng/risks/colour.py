"""The enterprise risk colour (企业风险四色): a documented, configurable rule, stored per enterprise.

Rule (docs/risks.md §colour), each step configurable in settings:

1. base: the highest current level among the enterprise's active risk events (重大 red, 较大 orange, 一般 yellow,
   低 blue); an enterprise with no assessed event takes ANSHENG_RISKS_COLOUR_BASE (blue);
2. any open 重大 hidden danger makes it red (ANSHENG_RISKS_COLOUR_MAJOR_DANGER_RED);
3. ANSHENG_RISKS_COLOUR_OVERDUE_STEP or more overdue hidden dangers raise it one step (0 turns this off);
4. it is at least monitoring's early-warning colour (ANSHENG_RISKS_COLOUR_USE_WARNINGS).

Inputs change → `recompute_enterprise_colours(ids)`: the assessment services call it on commit, the dangers app
after each transition, monitoring when a warning changes, and the risks worker sweeps every enterprise periodically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.utils import timezone

from ansheng.domain.levels import RiskLevel
from ansheng.risks import conf
from ansheng.risks.choices import Colour, Level
from ansheng.risks.models import EnterpriseColour, RiskEvent

LEVEL_RANK = Level.RANK


def _danger_inputs(ids: Sequence[int]) -> dict[int, dict[str, int]]:
    if not apps.is_installed("ansheng.dangers"):
        return {}
    from ansheng.dangers.services import colour_inputs

    return colour_inputs(list(ids))


def _warnings(ids: Sequence[int]) -> dict[int, str]:
    if not conf.get("RISKS_COLOUR_USE_WARNINGS") or not apps.is_installed("ansheng.monitoring"):
        return {}
    from ansheng.monitoring.services import enterprise_warning_colours

    return enterprise_warning_colours(list(ids))


def decide(
    *, event_rank: int, open_major: int, overdue: int, warning: str, settings: dict[str, Any] | None = None
) -> tuple[str, list[dict[str, str]]]:
    """The colour and its reasons from the inputs (pure: the rule in one place)."""
    base_colour = (settings or {}).get("base", conf.get("RISKS_COLOUR_BASE"))
    major_red = (settings or {}).get("major_red", conf.get("RISKS_COLOUR_MAJOR_DANGER_RED"))
    step = (settings or {}).get("overdue_step", conf.get("RISKS_COLOUR_OVERDUE_STEP"))
    reasons: list[dict[str, str]] = []
    if event_rank:
        rank = event_rank
        level = RiskLevel.from_rank(event_rank)
        reasons.append(
            {
                "code": "risk_events",
                "zh": f"最高风险等级为{level.label_zh}",
                "en": f"highest risk level {level.label_en}",
            }
        )
    else:
        rank = Colour.RANK[base_colour]
        reasons.append({"code": "no_assessed_events", "zh": "尚无已评估的风险事件", "en": "no assessed risk event"})
    if major_red and open_major and rank < 4:
        rank = 4
        reasons.append(
            {
                "code": "open_major_danger",
                "zh": f"存在未销号重大事故隐患{open_major}项",
                "en": f"{open_major} open major hidden danger(s)",
            }
        )
    if step and overdue >= step and rank < 4:
        rank += 1
        reasons.append(
            {
                "code": "overdue_dangers",
                "zh": f"逾期未整改隐患{overdue}项（≥{step}项升一级）",
                "en": f"{overdue} overdue hidden dangers (≥ {step} raise one step)",
            }
        )
    if warning and Colour.RANK.get(warning, 0) > rank:
        rank = Colour.RANK[warning]
        zh = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}.get(warning, warning)
        reasons.append(
            {"code": "monitoring_warning", "zh": f"在线监测{zh}色预警", "en": f"monitoring {warning} warning"}
        )
    return Colour.BY_RANK[rank], reasons


def recompute_enterprise_colours(enterprise_ids: Iterable[int]) -> dict[int, str]:
    """Recompute and store the colour of each enterprise; returns {id: colour} of those whose colour changed."""
    from ansheng.enterprises.models import Enterprise

    ids = sorted({int(pk) for pk in enterprise_ids})
    changed: dict[int, str] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        counties = dict(Enterprise.objects.filter(pk__in=chunk).values_list("pk", "county_id"))
        ranks: dict[int, int] = {}
        for row in (
            RiskEvent.objects.filter(enterprise_id__in=chunk, is_active=True, unit__risk_object__is_active=True)
            .exclude(level="")
            .values("enterprise_id", "level")
            .distinct()
        ):
            ranks[row["enterprise_id"]] = max(ranks.get(row["enterprise_id"], 0), LEVEL_RANK[row["level"]])
        dangers = _danger_inputs(chunk)
        warnings = _warnings(chunk)
        current = {row.pk: row for row in EnterpriseColour.objects.filter(enterprise_id__in=chunk)}
        now = timezone.now()
        create, update = [], []
        for pk in chunk:
            if pk not in counties:
                continue
            inputs = dangers.get(pk, {})
            colour, reasons = decide(
                event_rank=ranks.get(pk, 0),
                open_major=int(inputs.get("open_major", 0)),
                overdue=int(inputs.get("overdue", 0)),
                warning=warnings.get(pk, ""),
            )
            row = current.get(pk)
            if row is None:
                create.append(
                    EnterpriseColour(
                        enterprise_id=pk, county_code=counties[pk], colour=colour, reasons=reasons, computed_at=now
                    )
                )
                changed[pk] = colour
                continue
            if row.colour != colour:
                changed[pk] = colour
            row.colour, row.reasons, row.computed_at, row.county_code = colour, reasons, now, counties[pk]
            update.append(row)
        EnterpriseColour.objects.bulk_create(create, ignore_conflicts=True)
        EnterpriseColour.objects.bulk_update(update, ["colour", "reasons", "computed_at", "county_code"])
    return changed


def enterprise_colours(enterprise_ids: Sequence[int]) -> dict[int, str]:
    """The stored colours (the platform's `enterprise_colours` provider: one indexed read, fast for 100k ids)."""
    ids = list(enterprise_ids)
    rows = EnterpriseColour.objects.all()
    if len(ids) < 5000:
        rows = rows.filter(enterprise_id__in=ids)
        return dict(rows.values_list("enterprise_id", "colour"))
    wanted = set(ids)
    return {pk: colour for pk, colour in rows.values_list("enterprise_id", "colour").iterator() if pk in wanted}


def sweep(batch: int = 2000) -> int:
    """Recompute the colours computed longest ago (and create missing ones): time alone moves dangers to overdue."""
    from ansheng.enterprises.models import Enterprise

    missing = list(
        Enterprise.objects.filter(risk_colour__isnull=True).order_by("pk").values_list("pk", flat=True)[:batch]
    )
    stale_before = timezone.now() - dt.timedelta(minutes=15)
    stale = list(
        EnterpriseColour.objects.filter(computed_at__lt=stale_before)
        .order_by("computed_at")
        .values_list("enterprise_id", flat=True)[: max(0, batch - len(missing))]
    )
    if not missing and not stale:
        return 0
    recompute_enterprise_colours(missing + stale)
    return len(missing) + len(stale)


__all__ = ["decide", "enterprise_colours", "recompute_enterprise_colours", "sweep"]
