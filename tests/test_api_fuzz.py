"""A property-based fuzz of the OpenAPI document: no request, however odd, gets a 5xx.

Schemathesis generates requests for every operation from `/api/v1/openapi.json` and sends them in-process to the
WSGI application with a city administrator's token (the widest jurisdiction), bounded in examples per operation
(ANSHENG_FUZZ_EXAMPLES, default 12). Hypothesis drives the examples directly (the schemathesis pytest plugin does
not support pytest 9 yet).
"""

import os

import pytest
import schemathesis
from django.db import DatabaseError, transaction
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ANSHENG_FUZZ_EXAMPLES", "12"))
SKIP = {("DELETE", "/api/v1/auth/tokens/{token_id}")}  # it would revoke the fuzzer's own token


def _fuzz(operation, token, failures):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case):
        # Each request in a savepoint, as each request is its own transaction in service: on PostgreSQL a statement
        # the database refuses (a bigint out of range, answered 422) aborts the enclosing transaction, which would
        # otherwise fail every later request of the test.
        savepoint = transaction.savepoint()
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        try:
            transaction.savepoint_commit(savepoint)
        except DatabaseError:
            transaction.savepoint_rollback(savepoint)
        if response.status_code >= 500:
            failures.append(
                f"{operation.method.upper()} {case.formatted_path} → {response.status_code}: {response.text[:200]}"
            )

    run()


def test_no_operation_answers_with_a_server_error(world):
    # In-process WSGI calls fire request_finished, which would close the test's database connection (and with it
    # the test transaction on PostgreSQL); keep it open for the duration of the fuzz.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz_all(world)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz_all(world):
    from ansheng.config.wsgi import application
    from ansheng.core.services import do_create_token

    token = do_create_token(acting_user=world.users["city_admin"], name="fuzz")[1]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        operations += 1
        _fuzz(operation, token, failures)
    assert operations >= 8
    assert failures == []
