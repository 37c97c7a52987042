"""The deadline worker: reminders, overdue flags and escalation, each once however often it runs."""

from __future__ import annotations

import datetime as dt

import pytest

from ansheng.core.models import AuditEvent, Notification
from ansheng.dangers import workers
from ansheng.dangers.models import HiddenDanger
from ansheng.dangers.tests.helpers import today, walk

pytestmark = pytest.mark.django_db


def _deadline(danger, days):
    HiddenDanger.objects.filter(pk=danger.pk).update(deadline=today() + dt.timedelta(days=days))


def kinds(user):
    return sorted(Notification.objects.filter(user=user).exclude(kind="danger.assigned").values_list("kind", flat=True))


def test_the_responsible_person_is_reminded_before_the_deadline_once(world):
    danger = walk(world, "rectifying")
    _deadline(danger, 2)
    assert workers.tick() == 1
    assert workers.tick() == 0
    assert kinds(world.users["ent_staff"]) == ["danger.due_soon"]


def test_a_danger_past_its_deadline_is_flagged_and_escalated_once(world):
    danger = walk(world, "rectifying")
    _deadline(danger, -1)
    assert HiddenDanger.objects.get(pk=danger.pk).is_overdue
    assert workers.tick() == 1
    assert workers.tick() == 0
    assert kinds(world.users["ent_staff"]) == ["danger.overdue"]
    assert Notification.objects.filter(user=world.users["ent_admin"], kind="danger.escalated").count() == 1
    assert not Notification.objects.filter(user=world.users["county_b"], kind="danger.escalated").exists()
    assert AuditEvent.objects.filter(event="danger.overdue", object_id=str(danger.pk)).count() == 1


def test_an_overdue_major_danger_is_escalated_to_the_county_bureau(world):
    danger = walk(world, "assigned", grade="major")
    _deadline(danger, -3)
    workers.tick()
    assert Notification.objects.filter(user=world.users["county_b"], kind="danger.escalated").count() == 1
    assert not Notification.objects.filter(user=world.users["county_a"], kind="danger.escalated").exists()


def test_a_new_deadline_can_be_escalated_again(world):
    danger = walk(world, "rectifying")
    _deadline(danger, -1)
    workers.tick()
    _deadline(danger, -2)  # an extension moved it, and that deadline passed too
    assert workers.tick() == 1
    assert Notification.objects.filter(user=world.users["ent_staff"], kind="danger.overdue").count() == 2


def test_the_deadline_day_in_shanghai_is_still_in_time(world):
    danger = walk(world, "rectifying")
    _deadline(danger, 0)
    danger.refresh_from_db()
    assert not danger.is_overdue
    # 23:59 Beijing time on the deadline day is 15:59 UTC: still in time.
    late_evening = dt.datetime.combine(danger.deadline, dt.time(15, 59), tzinfo=dt.UTC)
    assert workers.flag_overdue(late_evening) == 0
    after_midnight = dt.datetime.combine(danger.deadline, dt.time(16, 1), tzinfo=dt.UTC)
    assert workers.flag_overdue(after_midnight) == 1


def test_accepted_and_closed_dangers_are_never_overdue(world):
    accepted = walk(world, "accepted")
    closed = walk(world, "closed")
    for danger in (accepted, closed):
        _deadline(danger, -5)
    assert workers.tick() == 0
    assert not HiddenDanger.objects.overdue().exists()
