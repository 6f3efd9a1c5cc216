"""Background jobs of the mail app."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from staffroom.jobs import schedule
from staffroom.mail import services


@schedule.every(timedelta(minutes=1), name="email_notifications")
@task()
def email_notifications() -> int:
    """Email the notifications created since the last run to those who want them at once."""
    return services.queue_notification_emails()
