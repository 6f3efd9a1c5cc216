"""Background tasks of notifications (run by `manage.py worker`)."""

from __future__ import annotations

from django_tasks import task

from staffroom.notifications.channel_posts import fan_out


@task()
def fan_out_channel_post(post_id: int) -> int:
    """Tell the followers of a post that went live (notifications.channel_posts)."""
    return fan_out(post_id)
