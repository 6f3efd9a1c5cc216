"""The digest email: rendered for one OutboundEmail at delivery, in the recipient's language
(staffroom.mail.delivery wraps the renderer in `translation.override`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from staffroom.mail.digest.content import PERSON_ID, Digest, build_digest, prepare
from staffroom.mail.digest.periods import Period, period_of_key
from staffroom.mail.models import EmailKind, OutboundEmail
from staffroom.mail.rendering import RenderedEmail, renderer
from staffroom.mail.templating import render_parts
from staffroom.notifications.models import DeliverySettings, DigestFrequency
from staffroom.notifications.preferences import UNSUBSCRIBE_DIGEST

if TYPE_CHECKING:
    from staffroom.accounts.models import Person


def _setting_query() -> QuerySet[DeliverySettings, tuple[str]]:
    return DeliverySettings.objects.filter(person_id=PERSON_ID).values_list("digest")


def wanted_frequency(person: Person, period: Period) -> str:
    """How often the person wants the digest now (one query; no row: the default)."""
    rows = prepare("digest_setting", period, _setting_query).rows(person.pk)
    return str(rows[0][0]) if rows else DigestFrequency.WEEKLY


def digest_subject(digest: Digest) -> str:
    organisation = settings.ORGANISATION_NAME or gettext("our organisation")
    parts = []
    if digest.news_count:
        parts.append(
            ngettext("%(count)d post", "%(count)d posts", digest.news_count)
            % {"count": digest.news_count}
        )
    if digest.idea_updates:
        count = len(digest.idea_updates)
        parts.append(
            ngettext("%(count)d idea update", "%(count)d idea updates", count) % {"count": count}
        )
    if digest.new_campaigns:
        count = len(digest.new_campaigns)
        parts.append(
            ngettext("%(count)d new campaign", "%(count)d new campaigns", count) % {"count": count}
        )
    if digest.period.is_weekly:
        opening = gettext("Your week at %(organisation)s") % {"organisation": organisation}
    else:
        opening = gettext("Your day at %(organisation)s") % {"organisation": organisation}
    return f"{opening}: {', '.join(parts)}" if parts else opening


def period_words(period: Period) -> str:
    # Date formats are translated: Spanish says "lunes 16 de noviembre".
    day = pgettext("digest period: weekday, day and month", "l j F")
    if period.is_weekly:
        return gettext("The week from %(start)s to %(end)s") % {
            "start": date_format(period.start, day),
            "end": date_format(period.last_day, day),
        }
    return date_format(period.start, pgettext("digest period: full date", "l j F Y"))


@dataclass(frozen=True)
class Pieces:
    """A digest's rendered items, for one of its two parts."""

    lets_talk: list[str]
    news: list[str]
    idea_updates: list[str]
    campaigns: list[str]


def _piece(
    digest: Digest, name: str, key: tuple[object, ...], context: dict[str, object]
) -> tuple[str, str]:
    """(text, HTML) of one item, rendered once per language in this process: every digest
    showing the item shows the same words (decision 0027, "Speed")."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    full_key = (name, *key, language)
    found = digest.fragments.get(full_key)
    if found is None:
        text = get_template(f"mail/digest.txt#{name}").render(context)
        html = get_template(f"mail/digest.html#{name}").render(context)
        found = (text, mark_safe(html))  # noqa: S308  # our template's escaped output
        digest.fragments[full_key] = found
    return found


def digest_pieces(digest: Digest) -> tuple[Pieces, Pieces]:
    """The rendered items of the plain-text and the HTML part."""
    # Keyed by the row's edit too: a fragment never outlives the words it was rendered from.
    lets_talk = [
        _piece(digest, "news-item", (i.pk, i.edited), {"item": i}) for i in digest.lets_talk
    ]
    news = [_piece(digest, "news-item", (i.pk, i.edited), {"item": i}) for i in digest.news]
    updates = [
        _piece(
            digest,
            "idea-update",
            (u.update.idea_id, u.update.edited, u.relation),
            {"entry": u},
        )
        for u in digest.idea_updates
    ]
    campaigns = [_piece(digest, "campaign", (c.pk,), {"campaign": c}) for c in digest.campaigns]
    text, html = (
        Pieces(
            lets_talk=[p[which] for p in lets_talk],
            news=[p[which] for p in news],
            idea_updates=[p[which] for p in updates],
            campaigns=[p[which] for p in campaigns],
        )
        for which in (0, 1)
    )
    return text, html


def digest_context(digest: Digest) -> dict[str, object]:
    text_pieces, html_pieces = digest_pieces(digest)
    return {
        "digest": digest,
        "subject": digest_subject(digest),
        "period": digest.period,
        "period_words": period_words(digest.period),
        # Each part reads its own: pieces of plain text, and pieces of HTML.
        "text_pieces": text_pieces,
        "html_pieces": html_pieces,
    }


@renderer(EmailKind.DIGEST)
def render_digest(email: OutboundEmail) -> RenderedEmail | None:
    """The digest of the period the row's key names, or None (cancelled) when the person
    no longer wants this digest or there is nothing new to tell them."""
    period: Period | None = period_of_key(email.key)
    if period is None:
        return None
    person = email.recipient
    if wanted_frequency(person, period) != period.frequency:
        return None  # turned off, or switched to the other frequency, since it was queued
    digest = build_digest(person, period)
    if digest.is_empty:
        return None
    context = digest_context(digest)
    text, html = render_parts("mail/digest", email=email, scope=UNSUBSCRIBE_DIGEST, context=context)
    return RenderedEmail(
        subject=str(context["subject"]),
        text=text,
        html=html,
        unsubscribe_scope=UNSUBSCRIBE_DIGEST,
    )
