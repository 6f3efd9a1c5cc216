"""Ideas join the index: shown ideas (visible, not merged) get a document, comments on ideas
carry their idea, and a word index of idea documents alone serves the similar-ideas lookup
(SQLite: `search_idea_fts`; PostgreSQL: a partial GIN index). The triggers are installed
again and the index rebuilt, so ideas written before this migration are found too."""

from django.db import migrations


def reinstall(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    from staffroom.search.backends import backend_for

    backend = backend_for(schema_editor.connection)
    backend.install(schema_editor.connection)
    backend.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0002_default_categories"),
        ("search", "0004_idea_documents"),
    ]

    operations = [
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
