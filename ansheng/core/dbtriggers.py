"""Database triggers that make the audit event log append-only (UPDATE, DELETE and TRUNCATE are refused).

Installed by migration core.0003. The test settings turn them off (`AUDIT_TRIGGERS = False`) because test
databases are emptied between tests; the tests that check them install them inside their own transaction.
"""

from typing import Any

SQL = {
    "sqlite": (
        [
            """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
               BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END""",
            """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
               BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END""",
        ],
        [
            "DROP TRIGGER IF EXISTS core_auditevent_no_update",
            "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
        ],
    ),
    "postgresql": (
        [
            """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'core_auditevent is append-only'; END; $$ LANGUAGE plpgsql""",
            "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent",
            """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
               FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
            "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
            """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
               FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only()""",
        ],
        [
            "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent",
            "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
            "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
        ],
    ),
}


def install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in SQL.get(connection.vendor, ([], []))[0]:
            cursor.execute(statement)


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in SQL.get(connection.vendor, ([], []))[1]:
            cursor.execute(statement)
