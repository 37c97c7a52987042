"""On PostgreSQL, a trigram index makes substring search of names and codes use an index (pg_trgm handles CJK).

Creating the extension needs a privileged role; without it the index is skipped with a warning and search keeps
working (by scanning the narrow search index instead).
"""

import warnings

from django.db import migrations, transaction
from django.db.utils import DatabaseError


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS enterprise_search_trgm ON enterprises_enterprise "
                "USING gin (search_text gin_trgm_ops)"
            )
    except DatabaseError as exc:
        warnings.warn(f"trigram index not created ({exc}); enterprise search will scan", stacklevel=1)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_search_index")]
    operations = [migrations.RunPython(create, drop)]
