"""The six categories every idea box starts with; administrators edit the list afterwards."""

from django.db import migrations

from staffroom.ideas.defaults import DEFAULT_CATEGORIES


def add_categories(apps, schema_editor):
    Category = apps.get_model("ideas", "Category")
    for position, (slug, name, description) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
