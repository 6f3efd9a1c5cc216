"""Comments are indexed only while others can see them (visible, not deleted): the triggers
gain the visibility condition, and the index is rebuilt so no held, hidden or removed
comment's words stay in it."""

from django.db import migrations


def reinstall(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    from staffroom.search.backends import backend_for

    backend = backend_for(schema_editor.connection)
    backend.install(schema_editor.connection)
    backend.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_word_index_and_triggers"),
        ("discussion", "0002_comment_visibility"),
    ]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
