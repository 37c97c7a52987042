"""The audit event log is append-only: the database itself refuses UPDATE and DELETE of its rows."""

from django.conf import settings
from django.db import migrations

from ansheng.core import dbtriggers


def install(apps, schema_editor):
    if getattr(settings, "AUDIT_TRIGGERS", True):
        dbtriggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    dbtriggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(install, uninstall)]
