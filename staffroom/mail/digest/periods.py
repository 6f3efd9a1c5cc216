"""The periods a digest covers, in the organisation's time zone (settings.TIME_ZONE).

A daily digest covers one calendar day, midnight to midnight, and is sent at 07:00 the next
morning; a weekly digest covers Monday to Sunday and is sent on Monday at 07:00. Midnights
and 07:00 are local wall-clock times, so a day with a daylight-saving change is 23 or 25
hours long and the digest still goes out at 07:00 (decision 0027).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from staffroom.notifications.models import DigestFrequency

SEND_AT = time(7, 0)
LENGTH_IN_DAYS = {DigestFrequency.DAILY: 1, DigestFrequency.WEEKLY: 7}


def organisation_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local_moment(day: date, at: time) -> datetime:
    """`at` on `day` in the organisation's zone, as an aware datetime. Zoneinfo resolves a
    time skipped by a daylight-saving change to the instant just after it."""
    return datetime.combine(day, at, tzinfo=organisation_zone())


@dataclass(frozen=True)
class Period:
    frequency: str  # DigestFrequency.DAILY or WEEKLY
    start: date  # the first day covered (a Monday for weekly digests)

    @property
    def end(self) -> date:
        """The day after the last day covered."""
        return self.start + timedelta(days=LENGTH_IN_DAYS[DigestFrequency(self.frequency)])

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        return _local_moment(self.start, time(0, 0))

    @property
    def ends_at(self) -> datetime:
        return _local_moment(self.end, time(0, 0))

    @property
    def send_at(self) -> datetime:
        return _local_moment(self.end, SEND_AT)

    @property
    def is_weekly(self) -> bool:
        return self.frequency == DigestFrequency.WEEKLY

    def key_for(self, person_id: int) -> str:
        """The outbox key of this period's digest for one person: unique, so queueing the
        same period twice makes one email."""
        return f"digest:{self.frequency}:{self.start.isoformat()}:{person_id}"

    def key_prefix(self) -> str:
        return f"digest:{self.frequency}:{self.start.isoformat()}:"


def period_of_key(key: str) -> Period | None:
    """The period an outbox key names (see `Period.key_for`), or None if it isn't one."""
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != "digest" or parts[1] not in LENGTH_IN_DAYS:
        return None
    try:
        return Period(frequency=parts[1], start=date.fromisoformat(parts[2]))
    except ValueError:
        return None


def latest_due(frequency: str, now: datetime | None = None) -> Period:
    """The most recent period of `frequency` whose send time has come at `now`."""
    local = (now or timezone.now()).astimezone(organisation_zone())
    today = local.date()
    if frequency == DigestFrequency.DAILY:
        period = Period(frequency=frequency, start=today - timedelta(days=1))
        if local < period.send_at:
            period = Period(frequency=frequency, start=today - timedelta(days=2))
        return period
    if frequency != DigestFrequency.WEEKLY:
        raise ValueError(f"No digest period for {frequency!r}")
    this_monday = today - timedelta(days=today.weekday())
    period = Period(frequency=frequency, start=this_monday - timedelta(days=7))
    if local < period.send_at:
        period = Period(frequency=frequency, start=this_monday - timedelta(days=14))
    return period


def current_period(frequency: str, now: datetime | None = None) -> Period:
    """The period under way at `now` (what the preview shows: the digest so far)."""
    today = (now or timezone.now()).astimezone(organisation_zone()).date()
    if frequency == DigestFrequency.WEEKLY:
        return Period(frequency=frequency, start=today - timedelta(days=today.weekday()))
    return Period(frequency=frequency, start=today)
