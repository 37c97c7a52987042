"""Fixtures of the monitoring tests: the test city's chemical plant with a chlorine tank farm and its points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

T0 = dt.datetime(2026, 5, 1, 0, 0, tzinfo=dt.UTC)  # 08:00 Beijing time


@dataclass
class Plant:
    world: Any
    enterprise: Any
    source: Any
    level: Any  # tank level, m: range 0-10, L 1, H 8, HH 9, deadband 0.2
    gas: Any  # chlorine detector, mg/m³: first level 1, second 2
    sis: Any  # SIS status: 0 normal
    other_point: Any  # a point of another enterprise (the mine)

    def ingest(
        self,
        readings: list[tuple[Any, str, float]] | list[dict[str, Any]],
        *,
        now: dt.datetime | None = None,
        enterprise: Any = None,
        channel: str = "http",
    ) -> Any:
        from ansheng.monitoring.ingest import Submission
        from ansheng.monitoring.services import do_ingest_readings

        items = [{"point": r[1], "ts": stamp(r[0]), "value": r[2]} if isinstance(r, tuple) else r for r in readings]
        results, totals = do_ingest_readings(
            acting_user=None,
            submissions=[Submission((enterprise or self.enterprise).pk, channel, items=items, source="test")],
            now=now or timezone.now(),
        )
        return results[0], totals


def stamp(moment: Any) -> Any:
    if isinstance(moment, dt.datetime):
        return moment.isoformat()
    if isinstance(moment, int | float):
        return (T0 + dt.timedelta(seconds=moment)).isoformat()
    return moment


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def make_plant(world: Any) -> Plant:
    from ansheng.hazards.services import do_add_substance, do_create_source
    from ansheng.monitoring.services import do_create_point

    admin = world.users["city_admin"]
    chem = world.enterprises["chem_b"]
    source = do_create_source(
        acting_user=admin,
        enterprise_id=chem.pk,
        data={"code": "HS-01", "name": "液氯储罐区", "unit_kind": "storage", "people_within_500m": 120},
    )
    do_add_substance(acting_user=admin, source_id=source.pk, query="液氯", max_quantity_t=90)
    level = do_create_point(
        acting_user=admin,
        enterprise_id=chem.pk,
        data={
            "hazard_source": source.pk,
            "code": "V101-LT",
            "name": "1#液氯储罐液位",
            "kind": "level",
            "unit": "m",
            "range_min": 0,
            "range_max": 10,
            "l": 1,
            "h": 8,
            "hh": 9,
            "deadband": 0.2,
            "interval_s": 10,
        },
    )
    gas = do_create_point(
        acting_user=admin,
        enterprise_id=chem.pk,
        data={
            "hazard_source": source.pk,
            "code": "GT-CL-01",
            "name": "罐区氯气检测器",
            "kind": "gas_toxic",
            "unit": "mg/m³",
            "substance": "氯",
            "range_min": 0,
            "range_max": 20,
            "h": 1,
            "hh": 2,
            "interval_s": 10,
        },
    )
    sis = do_create_point(
        acting_user=admin,
        enterprise_id=chem.pk,
        data={
            "hazard_source": source.pk,
            "code": "SIS-01",
            "name": "罐区紧急切断系统",
            "kind": "sis",
            "interval_s": 10,
            "severity_1": "critical",
        },
    )
    mine = world.enterprises["mine_a"]
    other = do_create_point(
        acting_user=admin,
        enterprise_id=mine.pk,
        data={
            "code": "V101-LT-M",
            "name": "尾矿库水位",
            "kind": "level",
            "unit": "m",
            "range_min": 0,
            "range_max": 30,
            "h": 20,
            "hh": 25,
        },
    )
    return Plant(world, chem, source, level, gas, sis, other)


@pytest.fixture
def plant(world: Any) -> Plant:
    from ansheng.monitoring.ingest import directory

    directory.invalidate()
    return make_plant(world)
