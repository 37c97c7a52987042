"""The notifier: notices per transition to the right people, reminders, escalation with an injected clock, and two
workers racing for the same transitions."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from ansheng.core.models import Notification
from ansheng.monitoring import notifier, services
from ansheng.monitoring.choices import NotifyState, TransitionKind
from ansheng.monitoring.models import Alarm, AlarmTransition
from ansheng.monitoring.tests.conftest import at, make_plant

MIN = 60


def notified(user):
    return list(Notification.objects.filter(user=user).order_by("created_at", "id").values_list("kind", flat=True))


@pytest.fixture
def alarm(plant):
    plant.ingest([(0, "V101-LT", 9.5)], now=at(1))
    return Alarm.objects.get()


@pytest.mark.django_db
def test_a_raised_alarm_is_announced_to_the_enterprise_only(plant, alarm, world):
    assert notifier.deliver_transitions(now=at(2)) == 1
    assert notified(world.users["ent_admin"]) == ["alarm.raised"]
    assert notified(world.users["county_b"]) == []
    assert notified(world.users["ent_staff"]) == []  # staff hear of it only as a named 包保 person
    transition = alarm.transitions.get()
    assert (transition.notify, transition.notified) == (NotifyState.DONE, 1)
    note = Notification.objects.get()
    assert "1#液氯储罐液位" in note.title and "高高报" in note.title and note.url.endswith(f"/alarms/{alarm.pk}/")
    assert notifier.deliver_transitions(now=at(3)) == 0


@pytest.mark.django_db
def test_the_sources_responsible_persons_with_accounts_are_told_too(plant, alarm, world):
    from ansheng.hazards.services import do_set_responsible_person

    do_set_responsible_person(
        acting_user=world.users["ent_admin"],
        source_id=plant.source.pk,
        duty="operating",
        data={"name": "张操作", "user": world.users["ent_staff"].pk},
    )
    notifier.deliver_transitions(now=at(2))
    assert notified(world.users["ent_staff"]) == ["alarm.raised"]


@pytest.mark.django_db
def test_escalation_to_the_county_then_the_city_when_nobody_acknowledges(plant, alarm, world):
    notifier.deliver_transitions(now=at(2))
    assert notifier.escalate(now=at(14 * MIN)) == 0
    assert notifier.escalate(now=at(15 * MIN)) == 1
    alarm.refresh_from_db()
    assert (alarm.tier, alarm.tier_at) == (1, at(15 * MIN))
    notifier.deliver_transitions(now=at(15 * MIN))
    assert notified(world.users["county_b"]) == ["alarm.escalated"]
    assert notified(world.users["county_a"]) == []  # not their county
    assert notified(world.users["city"]) == []
    assert notifier.escalate(now=at(30 * MIN)) == 1
    notifier.deliver_transitions(now=at(30 * MIN))
    assert notified(world.users["city"]) == ["alarm.escalated"]
    assert notified(world.users["city_admin"]) == ["alarm.escalated"]
    assert notifier.escalate(now=at(300 * MIN)) == 0  # the city is the top
    escalations = alarm.transitions.filter(kind=TransitionKind.ESCALATED)
    assert [t.tier for t in escalations] == [1, 2]
    assert escalations.first().note == "未按时确认"


@pytest.mark.django_db
def test_an_acknowledged_alarm_escalates_only_when_not_handled_in_time(plant, alarm, world, settings):
    services.do_acknowledge_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk, now=at(5 * MIN))
    assert notifier.escalate(now=at(60 * MIN)) == 0
    assert notifier.escalate(now=at(120 * MIN)) == 1
    alarm.refresh_from_db()
    assert alarm.tier == 1
    assert alarm.transitions.get(kind=TransitionKind.ESCALATED).note == "未按时处置反馈"
    settings.MONITORING_ESCALATE_CITY_CLOSE_MIN = 180
    assert notifier.escalate(now=at(181 * MIN)) == 1


@pytest.mark.django_db
def test_escalation_times_are_settings(plant, alarm, settings):
    settings.MONITORING_ESCALATE_COUNTY_ACK_MIN = 2
    assert notifier.escalate(now=at(2 * MIN + 1)) == 1


@pytest.mark.django_db
def test_closed_shelved_suppressed_and_minor_alarms_do_not_escalate(plant, world):
    plant.ingest([(0, "V101-LT", 9.5), (0, "GT-CL-01", 1.5)], now=at(1))
    level = Alarm.objects.get(point=plant.level)
    gas = Alarm.objects.get(point=plant.gas)
    services.do_shelve_alarm(
        acting_user=world.users["ent_admin"], alarm_id=level.pk, until=at(10 * 3600), reason="标定", now=at(2)
    )
    plant.ingest([(10, "GT-CL-01", 0.1)], now=at(11))
    services.do_close_alarm(acting_user=world.users["ent_admin"], alarm_id=gas.pk, cause="a", measures="b", now=at(20))
    plant.ingest([(20, "V101-LT", 5.0), (30, "V101-LT", 5.0), (3990, "SIS-01", 0)], now=at(3991))
    engine_now = at(4000)
    from ansheng.monitoring import engine

    engine.sweep_points(engine_now)
    assert Alarm.objects.filter(type="no_data").count() == 2  # the silent level and detector: minor
    assert notifier.escalate(now=engine_now) == 0


@pytest.mark.django_db
def test_reminders_repeat_while_unacknowledged(plant, alarm, world):
    notifier.deliver_transitions(now=at(2))
    assert notifier.remind(now=at(9 * MIN)) == 0
    assert notifier.remind(now=at(10 * MIN + 2)) == 1
    assert notifier.remind(now=at(11 * MIN)) == 0
    assert notifier.remind(now=at(20 * MIN + 3)) == 1
    assert notified(world.users["ent_admin"]).count("alarm.reminder") == 2
    services.do_acknowledge_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk, now=at(21 * MIN))
    assert notifier.remind(now=at(60 * MIN)) == 0


@pytest.mark.django_db
def test_acknowledgements_and_shelving_send_nothing_but_clearing_does(plant, alarm, world):
    services.do_acknowledge_alarm(acting_user=world.users["ent_admin"], alarm_id=alarm.pk, now=at(2))
    plant.ingest([(10, "V101-LT", 5.0)], now=at(11))
    notifier.deliver_transitions(now=at(12))
    assert notified(world.users["ent_admin"]) == ["alarm.raised", "alarm.cleared"]
    assert AlarmTransition.objects.get(kind=TransitionKind.ACKNOWLEDGED).notify == NotifyState.SKIPPED


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_taken_over_without_double_notices(plant, alarm, world):
    transition = alarm.transitions.get()
    AlarmTransition.objects.filter(pk=transition.pk).update(notify=NotifyState.CLAIMED, claimed_at=at(1))
    assert notifier.deliver_transitions(now=at(2)) == 0
    assert notifier.deliver_transitions(now=at(10 * MIN)) == 1
    assert notified(world.users["ent_admin"]) == ["alarm.raised"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_notifier_workers_racing_never_send_the_same_notice_twice():
    from django.db import connection

    from ansheng.core.testing import build_world

    if connection.vendor != "postgresql":
        # The test database of SQLite is one in-memory file shared by threads, which locks whole tables instead of
        # queueing writers: it cannot host two real workers. CI runs this on PostgreSQL.
        pytest.skip("needs PostgreSQL (real concurrent transactions)")

    world = build_world()
    plant = make_plant(world)
    from ansheng.monitoring.ingest import directory

    directory.invalidate()
    # 40 alarms' transitions waiting: raise, rise and clear on the level, the gas and the SIS, over and over.
    for round_ in range(10):
        base = round_ * 40
        plant.ingest(
            [
                (base, "V101-LT", 8.5),
                (base, "GT-CL-01", 2.5),
                (base + 10, "V101-LT", 9.5),
                (base + 20, "V101-LT", 5.0),
                (base + 20, "GT-CL-01", 0.0),
            ],
            now=at(base + 21),
        )
    pending = AlarmTransition.objects.filter(notify=NotifyState.PENDING).count()
    assert pending >= 40
    barrier = threading.Barrier(2)
    handled = [0, 0]

    def work(index):
        try:
            barrier.wait()
            for _ in range(20):
                handled[index] += notifier.deliver_transitions(now=at(3600), worker=f"w{index}", batch=7)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(handled) == pending
    assert AlarmTransition.objects.filter(notify=NotifyState.DONE).count() == pending
    keys = list(Notification.objects.filter(kind__startswith="alarm.").values_list("user_id", "dedup_key"))
    assert len(keys) == len(set(keys)) == pending  # one enterprise administrator per notice, never twice
