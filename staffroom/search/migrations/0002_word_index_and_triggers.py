"""The word index (FTS5 table or tsvector column + GIN) and the triggers that fill it.

The SQL depends on the database (connection.vendor) and lives in search.backends, which
also re-runs `install` after every `migrate` (SQLite drops a table's triggers when a later
migration rebuilds that table). Existing posts, comments and initiatives are indexed here.
"""

from django.db import migrations


def install(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    from staffroom.search.backends import backend_for

    backend = backend_for(schema_editor.connection)
    backend.install(schema_editor.connection)
    backend.rebuild(schema_editor.connection)


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    from staffroom.search.backends import backend_for

    backend_for(schema_editor.connection).uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_documents")]

    operations = [migrations.RunPython(install, uninstall)]
