"""How each person wants to hear from Staffroom: read by the email job, the digest and the
channel-post fan-out; written by the settings page and one-click unsubscribe."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.notifications.models import DeliverySettings, DigestFrequency, Notification

# What one-click unsubscribe can turn off: the digest, one kind of immediate email, or all.
UNSUBSCRIBE_DIGEST = "digest"
UNSUBSCRIBE_ALL = "all"


def settings_for(person: Person) -> DeliverySettings:
    """The person's settings, or an unsaved row holding the defaults."""
    found = DeliverySettings.objects.filter(person=person).first()
    return found or DeliverySettings(person=person)


def settings_for_many(person_ids: Iterable[int]) -> dict[int, DeliverySettings]:
    """Settings for many people in one query; everyone missing gets the defaults."""
    ids = list(person_ids)
    stored = {s.person_id: s for s in DeliverySettings.objects.filter(person_id__in=ids)}
    return {pk: stored.get(pk) or DeliverySettings(person_id=pk) for pk in ids}


def wants_email_now(delivery: DeliverySettings, kind: str) -> bool:
    return kind in delivery.email_kinds


@transaction.atomic
def unsubscribe(*, person: Person, scope: str) -> DeliverySettings:
    """Turn off the digest (UNSUBSCRIBE_DIGEST), one Notification.Kind of immediate email,
    or every email (UNSUBSCRIBE_ALL). In-app notifications are not affected."""
    delivery, _created = DeliverySettings.objects.select_for_update().get_or_create(person=person)
    if scope in (UNSUBSCRIBE_DIGEST, UNSUBSCRIBE_ALL):
        delivery.digest = DigestFrequency.OFF
    if scope == UNSUBSCRIBE_ALL:
        delivery.email_kinds = []
    elif scope != UNSUBSCRIBE_DIGEST:
        delivery.email_kinds = [kind for kind in delivery.email_kinds if kind != scope]
    delivery.save()
    return delivery


@transaction.atomic
def update_delivery_settings(
    *,
    person: Person,
    channel_posts: bool,
    emailed: Collection[str],
    offered: Collection[str],
    digest: str,
) -> DeliverySettings:
    """Save what the settings page chose. `emailed`: the Notification.Kind values to email
    at once, among `offered` (the kinds the page showed this person); kinds it didn't show
    (a reviewer's queue to someone who reviews nothing now, a privacy officer's reveals)
    keep their stored choice."""
    known = set(Notification.Kind.values)
    if digest not in DigestFrequency.values:
        raise ValidationError(_("Choose how often to get the digest."))
    if not set(emailed) <= set(offered) or not set(offered) <= known:
        raise ValidationError(_("Choose among the kinds of email offered."))
    delivery, _created = DeliverySettings.objects.select_for_update().get_or_create(person=person)
    chosen = {kind for kind in delivery.email_kinds if kind not in offered} | set(emailed)
    # Stored in the order of Notification.Kind, so the same choice is always the same list.
    delivery.email_kinds = [kind for kind in Notification.Kind.values if kind in chosen]
    delivery.channel_posts = channel_posts
    delivery.digest = digest
    delivery.save()
    return delivery
