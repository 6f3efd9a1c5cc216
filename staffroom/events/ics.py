"""Events as iCalendar (RFC 5545): one event's .ics file, and a person's calendar feed.

Times are written in the organisation's time zone (settings.TIME_ZONE) as
DTSTART;TZID=…, with a VTIMEZONE for that zone made by icalendar from the time-zone
database (only the years the calendar spans), so a calendar shows a 9 am town hall at
9 am local time on either side of a daylight-saving change. The one local time that can't
be written with a TZID is the repeated hour when clocks go back (01:30 happens twice; a
TZID time means the first): such a time is written in UTC instead. All-day entries
(initiative milestones, all-day events) are DATE values. Text is escaped by icalendar.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import unescape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from staffroom.channels.syndication import absolute_url, public_site_name
from staffroom.events.models import Event, site_host
from staffroom.events.services import organisation_zone
from staffroom.ideas.models import Campaign
from staffroom.strategy.models import Initiative

PRODID = "-//Staffroom//Staffroom events//EN"
# How often subscribed calendars should fetch the feed again (a hint; Outlook, Apple and
# Google each decide for themselves).
REFRESH = datetime.timedelta(hours=1)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _local(moment: datetime.datetime) -> datetime.datetime:
    """`moment` in the organisation's zone, or in UTC for a repeated (ambiguous) local hour."""
    local = moment.astimezone(organisation_zone())
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(datetime.UTC)
    return local


def _finish(calendar: Calendar, moments: Iterable[datetime.date]) -> bytes:
    """Add the VTIMEZONE components the entries use (for the years they span) and encode."""
    days = [m.date() if isinstance(m, datetime.datetime) else m for m in moments]
    if days:
        calendar.add_missing_timezones(
            first_date=min(days) - datetime.timedelta(days=366),
            last_date=max(days) + datetime.timedelta(days=366),
        )
    return bytes(calendar.to_ical())


def _plain(html: str) -> str:
    return unescape(strip_tags(html)).strip()


def _event_component(event: Event, *, stamp: datetime.datetime) -> VEvent:
    entry = VEvent()
    entry.add("uid", event.uid)
    entry.add("dtstamp", stamp)
    entry.add("sequence", event.sequence)
    entry.add("created", event.created_at)
    entry.add("last-modified", event.updated_at)
    entry.add("summary", event.title)
    if event.all_day:
        zone = organisation_zone()
        entry.add("dtstart", event.starts_at.astimezone(zone).date())
        entry.add("dtend", event.ends_at.astimezone(zone).date())
    else:
        entry.add("dtstart", _local(event.starts_at))
        entry.add("dtend", _local(event.ends_at))
    link = absolute_url(event.get_absolute_url())
    details = [_plain(event.description_html)] if event.description_html else []
    if event.online_url:
        details.append(_("Join online: %(url)s") % {"url": event.online_url})
    details.append(_("Details: %(url)s") % {"url": link})
    entry.add("description", "\n\n".join(details))
    entry.add("url", link)
    if event.location:
        entry.add("location", event.location)
    elif event.online_url:
        entry.add("location", event.online_url)
    entry.add("categories", [event.get_kind_display()])
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    entry.add("transp", "TRANSPARENT" if event.all_day else "OPAQUE")
    return entry


def _campaign_component(campaign: Campaign, *, stamp: datetime.datetime) -> VEvent:
    """A campaign's closing time: an instant (no DTEND), the deadline for ideas."""
    entry = VEvent()
    entry.add("uid", f"campaign-{campaign.pk}-closes@{site_host()}")
    entry.add("dtstamp", stamp)
    entry.add("sequence", 0)
    entry.add("last-modified", campaign.updated_at)
    entry.add("summary", _("Ideas close: %(title)s") % {"title": campaign.title})
    entry.add("dtstart", _local(campaign.closes_at))
    link = absolute_url(campaign.get_absolute_url())
    entry.add(
        "description",
        _("Last moment to send an idea to the campaign “%(title)s”: %(url)s")
        % {"title": campaign.title, "url": link},
    )
    entry.add("url", link)
    entry.add("status", "CONFIRMED")
    entry.add("transp", "TRANSPARENT")
    return entry


def _initiative_component(initiative: Initiative, *, stamp: datetime.datetime) -> VEvent:
    """An initiative's target date: an all-day milestone."""
    assert initiative.target_date is not None
    entry = VEvent()
    entry.add("uid", f"initiative-{initiative.pk}-target@{site_host()}")
    entry.add("dtstamp", stamp)
    entry.add("sequence", initiative.version)
    entry.add("last-modified", initiative.updated_at)
    entry.add("summary", _("Target date: %(title)s") % {"title": initiative.title})
    entry.add("dtstart", initiative.target_date)
    entry.add("dtend", initiative.target_date + datetime.timedelta(days=1))
    link = absolute_url(initiative.get_absolute_url())
    entry.add("description", f"{initiative.goal}\n\n{link}" if initiative.goal else link)
    entry.add("url", link)
    entry.add("status", "CONFIRMED")
    entry.add("transp", "TRANSPARENT")
    return entry


def event_ics(event: Event) -> bytes:
    """One event as a calendar file to download and open."""
    calendar = _calendar(event.title)
    calendar.add_component(_event_component(event, stamp=timezone.now()))
    return _finish(calendar, [event.starts_at, event.ends_at])


def personal_calendar_ics(
    *, events: list[Event], campaigns: list[Campaign], initiatives: list[Initiative]
) -> bytes:
    """A person's calendar feed (what calendar_contents() found for them)."""
    stamp = timezone.now()
    calendar = _calendar(_("%(organisation)s · Staffroom") % {"organisation": public_site_name()})
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    moments: list[datetime.date] = []
    for event in events:
        calendar.add_component(_event_component(event, stamp=stamp))
        moments += [event.starts_at, event.ends_at]
    for campaign in campaigns:
        calendar.add_component(_campaign_component(campaign, stamp=stamp))
        moments.append(campaign.closes_at)
    for initiative in initiatives:
        calendar.add_component(_initiative_component(initiative, stamp=stamp))
    return _finish(calendar, moments)


def calendar_feed_path(token: str) -> str:
    return reverse("events:calendar_feed", kwargs={"token": token})


def calendar_feed_url(token: str) -> str:
    """The https (or http, in development) address of a person's calendar feed."""
    return absolute_url(calendar_feed_path(token))


def webcal_url(token: str) -> str:
    """The same address as webcal://, which opens the subscribe dialogue of calendar apps."""
    https_url = calendar_feed_url(token)
    return "webcal://" + https_url.split("://", 1)[1]
