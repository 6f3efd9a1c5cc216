"""Campaigns: leadership poses a challenge — a question, who it asks, when, and who
reviews the ideas it brings (capability 5).

Only communications admins (and administrators) set them up. The title, the question and
leadership's summary of the results are read by everyone, so the PHI guard reads them
first and refuses anything that looks like patient information (the words stay in the
form). The audit trail records ids and dates, never the words.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from staffroom.accounts.forms import refuse_patient_information
from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.richtext import render_markdown
from staffroom.ideas.models import Campaign
from staffroom.ideas.permissions import check_manage_campaigns
from staffroom.organisation.models import Department, JobFamily, Site
from staffroom.strategy.models import Initiative

TITLE_MAX_LENGTH = 160
QUESTION_MAX_LENGTH = 5000
SUMMARY_MAX_LENGTH = 10000
SLUG_MAX_LENGTH = 80
# The years a campaign's dates (and an impact's measurement dates) may fall in. Anything else
# is a slip of the keyboard, and a year like 9999 can't even be turned into UTC.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_error(value: datetime.date) -> str:
    """The reason a date is refused, or "" if its year is allowed (checked as given, before
    any conversion to UTC)."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return ""
    return _("Choose a date between the years %(first)d and %(last)d.") % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def _unique_slug(title: str) -> str:
    base = (slugify(title) or "campaign")[: SLUG_MAX_LENGTH - 8].strip("-") or "campaign"
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken.add("new")  # the address of the "new campaign" page
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _check_words(
    *, title: str, question: str, results_summary: str, closes_at: datetime.datetime
) -> None:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the campaign a short title.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("Keep the title to %(max)d characters.") % {"max": TITLE_MAX_LENGTH}
    if not question:
        errors["question"] = _("Write the question you are asking staff.")
    elif len(question) > QUESTION_MAX_LENGTH:
        errors["question"] = _("Keep the question to %(max)s characters.") % {
            "max": f"{QUESTION_MAX_LENGTH:,}"
        }
    if results_summary:
        if closes_at > timezone.now():
            errors["results_summary"] = _("Say what was decided once the campaign has closed.")
        elif len(results_summary) > SUMMARY_MAX_LENGTH:
            errors["results_summary"] = _("Keep the summary to %(max)s characters.") % {
                "max": f"{SUMMARY_MAX_LENGTH:,}"
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_campaign(
    *,
    editor: Person,
    campaign: Campaign | None = None,
    title: str,
    question: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    audience_sites: Sequence[Site] = (),
    audience_departments: Sequence[Department] = (),
    audience_job_families: Sequence[JobFamily] = (),
    reviewers: Sequence[Person] = (),
    initiative: Initiative | None = None,
    results_summary: str | None = None,
) -> Campaign:
    """Create a campaign (`campaign` None) or change one, all or nothing.

    Lists left empty don't narrow the audience (the same rule as posts); reviewers must be
    active people. `results_summary` None leaves it as it was. Its address (slug) is made
    from the first title and never changes, so links keep working."""
    check_manage_campaigns(editor)
    title = (title or "").strip()
    question = (question or "").strip()
    summary = (results_summary or "").strip() if results_summary is not None else None
    errors: dict[str, str] = {}
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        reason = year_error(value)
        if reason:
            errors[name] = reason
    if errors:  # before comparing: a year like 9999 can't be compared across time zones
        raise ValidationError(errors)
    if closes_at <= opens_at:
        errors["closes_at"] = _("A campaign must close after it opens.")
    inactive = [p.username for p in reviewers if not p.is_active]
    if inactive:
        errors["reviewers"] = _("%(names)s no longer work here and can't review.") % {
            "names": ", ".join(f"@{name}" for name in inactive)
        }
    if errors:
        raise ValidationError(errors)
    _check_words(title=title, question=question, results_summary=summary or "", closes_at=closes_at)
    texts = {"title": title, "question": question}
    if summary:
        texts["results_summary"] = summary
    refuse_patient_information(texts)

    created = campaign is None
    if campaign is None:
        campaign = Campaign(slug=_unique_slug(title), created_by=editor)
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.title, campaign.question = title, question
    campaign.question_html = render_markdown(question).html
    campaign.opens_at, campaign.closes_at = opens_at, closes_at
    campaign.initiative = initiative
    if summary is not None:
        campaign.results_summary = summary
        campaign.results_summary_html = render_markdown(summary).html if summary else ""
    sites, departments, families = (
        list(audience_sites),
        list(audience_departments),
        list(audience_job_families),
    )
    campaign.audience_restricted = bool(sites or departments or families)
    campaign.save()
    campaign.audience_sites.set(sites)
    campaign.audience_departments.set(departments)
    campaign.audience_job_families.set(families)
    campaign.reviewers.set(list(reviewers))
    record_audit(
        actor=editor,
        action=AuditAction.CAMPAIGN_SAVED,
        target=campaign,
        summary=f"Campaign {campaign.pk} {'created' if created else 'changed'}",
        data={
            "campaign": campaign.pk,
            "created": created,
            "opens_at": campaign.opens_at.isoformat(),
            "closes_at": campaign.closes_at.isoformat(),
            "sites": sorted(s.pk for s in sites),
            "departments": sorted(d.pk for d in departments),
            "job_families": sorted(f.pk for f in families),
            "reviewers": sorted(p.pk for p in reviewers),
            "initiative": initiative.pk if initiative is not None else None,
        },
    )
    return campaign
