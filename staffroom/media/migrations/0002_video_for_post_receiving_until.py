"""A video knows the post it was uploaded for (attached only once the upload is complete),
and a lease for the chunk being stored (media.services.upload)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_for_post(apps: Any, schema_editor: Any) -> None:
    """Videos already attached were uploaded for their post."""
    Post = apps.get_model("staffchannels", "Post")
    Video = apps.get_model("media", "Video")
    Video.objects.filter(for_post__isnull=True).update(
        for_post=Subquery(Post.objects.filter(video=OuterRef("pk")).values("pk")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0001_initial"),
        ("staffchannels", "0006_post_video"),
    ]

    operations = [
        migrations.AddField(
            model_name="video",
            name="for_post",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="staffchannels.post",
            ),
        ),
        migrations.AddField(
            model_name="video",
            name="receiving_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # Reversing drops the column, so there is nothing to undo.
        migrations.RunPython(fill_for_post, migrations.RunPython.noop),
    ]
