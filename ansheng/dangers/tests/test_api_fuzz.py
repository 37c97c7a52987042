"""A fuzz of the hidden-danger operations with dangers in every state present: no request gets a 5xx.

The platform-wide fuzz (tests/test_api_fuzz.py) runs on an empty register, where every path id is a 404; here the
ids 1…n exist, in every state, so the transitions' guards and inputs are reached."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


def test_no_hidden_danger_operation_answers_with_a_server_error(world):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from ansheng.config.wsgi import application
    from ansheng.core.services import do_create_token
    from ansheng.dangers.tests.helpers import walk

    for state in ("reported", "graded", "assigned", "rectifying", "submitted", "accepted", "closed"):
        walk(world, state)
    walk(world, "reviewing", grade="major")
    from ansheng.dangers.models import DangerPhoto, HiddenDanger

    # Real ids (sequences are not reset between tests on PostgreSQL), plus one that exists nowhere.
    ids = {
        "danger_id": [*HiddenDanger.objects.values_list("pk", flat=True), 10**9],
        "photo_id": [*DangerPhoto.objects.values_list("pk", flat=True), 10**9],
        "extension_id": [10**9],
    }
    tokens = [do_create_token(acting_user=world.users[name], name="fuzz")[1] for name in ("ent_admin", "county_b")]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    failures: list[str] = []
    statuses: list[int] = []
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        operations = [
            result.ok()
            for result in schema.get_all_operations()
            if result.ok().path.startswith("/api/v1/hidden-dangers")
        ]
        assert len(operations) >= 15
        for operation in operations:
            for token in tokens:
                _fuzz(operation, token, failures, statuses, ids)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert failures == []
    # The fuzz reached the records and their guards, not only 404s and schema refusals.
    assert {200, 409} <= set(statuses), sorted(set(statuses))


def _fuzz(operation, token, failures, statuses, ids):
    @given(case=operation.as_strategy(), pick=st.integers(min_value=0, max_value=50))
    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, pick):
        for name, choices in ids.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = choices[pick % len(choices)]
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        statuses.append(response.status_code)
        if response.status_code >= 500:
            failures.append(
                f"{operation.method.upper()} {case.formatted_path} → {response.status_code}: {response.text[:200]}"
            )

    run()
