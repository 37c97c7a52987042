"""The two audit trails: the change log of registry edits and the tamper-evident event chain."""

import pytest
from django.db import DatabaseError, connection, transaction

from ansheng.core import dbtriggers
from ansheng.core.audit import append_event, verify_chain
from ansheng.core.models import AuditEvent, ChainHead, ObjectChange
from ansheng.enterprises.services import do_update_enterprise

pytestmark = pytest.mark.django_db


def _chain(n=5, actor=None):
    return [
        append_event(actor=actor, event="test.step", object_type="test", object_id=str(i), payload={"i": i, "名": "值"})
        for i in range(n)
    ]


def test_an_untouched_chain_verifies(world):
    before = AuditEvent.objects.count()
    _chain(5)
    report = verify_chain()
    assert report.ok, report.line()
    assert report.checked == before + 5


def test_each_event_links_to_the_previous_hash(world):
    events = _chain(3)
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert ChainHead.objects.get(pk=1).hash == events[2].hash


def test_a_changed_payload_is_reported_at_its_event(world):
    events = _chain(5)
    target = events[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET payload = %s WHERE seq = %s", ['{"i":99}', target.seq])
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == target.seq
    assert "content" in report.reason


def test_a_deleted_event_is_reported(world):
    events = _chain(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [events[1].seq])
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == events[1].seq
    assert "missing" in report.reason


def test_removing_the_last_events_is_reported(world):
    events = _chain(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq >= %s", [events[-2].seq])
    report = verify_chain()
    assert not report.ok
    assert "removed" in report.reason


def test_a_rewritten_hash_breaks_the_next_link(world):
    events = _chain(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_name = 'mallory' WHERE seq = %s", [events[1].seq])
    report = verify_chain()
    assert report.broken_seq == events[1].seq


def test_the_database_refuses_updates_and_deletes(world):
    _chain(2)
    dbtriggers.install(connection)
    try:
        for statement in ("UPDATE core_auditevent SET event = 'x'", "DELETE FROM core_auditevent"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    finally:
        dbtriggers.uninstall(connection)


def test_the_cli_reports_the_first_broken_link(world, capsys):
    from ansheng.cli import cmd_audit

    events = _chain(3)
    assert cmd_audit(None) == 0
    assert "intact" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET object_id = 'forged' WHERE seq = %s", [events[0].seq])
    assert cmd_audit(None) == 1
    assert f"broken at event #{events[0].seq}" in capsys.readouterr().out


def test_registry_edits_record_who_and_before_after(world):
    user = world.users["county_b"]
    chem = world.enterprises["chem_b"]
    do_update_enterprise(acting_user=user, enterprise_id=chem.pk, changes={"employees": 321}, reason="年报更新")
    change = ObjectChange.objects.filter(object_type="enterprises.enterprise", object_id=str(chem.pk)).first()
    assert change.user == user
    assert change.action == "update"
    assert change.before["employees"] == 300
    assert change.after["employees"] == 321
    assert change.reason == "年报更新"
    assert ("employees", 300, 321) in change.diff()


def test_an_update_that_changes_nothing_is_not_logged(world):
    chem = world.enterprises["chem_b"]
    count = ObjectChange.objects.count()
    do_update_enterprise(acting_user=world.users["county_b"], enterprise_id=chem.pk, changes={"employees": 300})
    assert ObjectChange.objects.count() == count
