"""Two people accept the same rectification at the same moment: one wins, the other gets a clear 409."""

from __future__ import annotations

import threading

import pytest

from ansheng.core.errors import Conflict
from ansheng.dangers.choices import State


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_acceptances_one_wins_the_other_gets_a_conflict():
    from django.db import connection, connections

    from ansheng.core.testing import build_world
    from ansheng.dangers import services
    from ansheng.dangers.tests.helpers import walk

    if connection.vendor != "postgresql":
        # SQLite's shared in-memory test database cannot host two real concurrent transactions; the sequential
        # stale-state test in test_services covers the state check there. CI runs this on PostgreSQL.
        pytest.skip("needs PostgreSQL (real concurrent transactions)")
    world = build_world()
    danger = walk(world, "submitted")
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def accept(username: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.do_accept_rectification(acting_user=world.users[username], danger_id=danger.pk)
            outcomes[username] = "accepted"
        except Conflict as exc:
            outcomes[username] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(name,)) for name in ("ent_admin", "county_b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [name for name, outcome in outcomes.items() if outcome == "accepted"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].code == "wrong_state" and losers[0].status == 409
    danger.refresh_from_db()
    assert danger.state == State.ACCEPTED and danger.accepted_by.username == winners[0]
