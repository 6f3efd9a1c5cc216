"""One-click unsubscribe (RFC 8058) without signing in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.mail.unsubscribe import is_scope, kind_labels, make_token, read_token, scope_label
from staffroom.notifications.models import DeliverySettings, DigestFrequency, Notification
from staffroom.notifications.preferences import settings_for

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def url(person: Person, scope: str) -> str:
    return reverse("mail:unsubscribe", kwargs={"token": make_token(person.pk, scope)})


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def grace() -> Person:
    return PersonFactory(first_name="Grace")


def test_opening_the_link_asks_first_and_changes_nothing(client: Client, grace: Person) -> None:
    response = client.get(url(grace, "digest"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stop emails about your daily or weekly digest?" in body
    assert 'name="List-Unsubscribe" value="One-Click"' in body
    assert "/me/notifications/" in body
    assert response["Cache-Control"] == "no-store"
    assert not DeliverySettings.objects.exists()


def test_the_page_button_turns_the_digest_off(client: Client, grace: Person) -> None:
    response = client.post(url(grace, "digest"), ONE_CLICK)
    assert response.status_code == 200
    assert "get these emails any more" in response.content.decode()
    delivery = settings_for(grace)
    assert delivery.digest == DigestFrequency.OFF
    assert Notification.Kind.MENTION in delivery.email_kinds


def test_unsubscribing_from_everything_turns_off_the_digest_and_every_immediate_email(
    client: Client, grace: Person
) -> None:
    client.post(url(grace, "all"), ONE_CLICK)
    delivery = settings_for(grace)
    assert delivery.digest == DigestFrequency.OFF
    assert delivery.email_kinds == []


def test_a_second_click_is_harmless(client: Client, grace: Person) -> None:
    client.post(url(grace, "reply"), ONE_CLICK)
    response = client.post(url(grace, "reply"), ONE_CLICK)
    assert response.status_code == 200
    assert Notification.Kind.REPLY not in settings_for(grace).email_kinds


def test_a_forged_or_damaged_link_changes_nothing(client: Client, grace: Person) -> None:
    token = make_token(grace.pk, "all")
    someone_else = make_token(grace.pk + 1000, "all")
    forged = token.split(":")[0] + ":" + someone_else.split(":")[1]
    for bad in (forged, token[:-3], "nonsense", token + "x"):
        response = client.post(reverse("mail:unsubscribe", kwargs={"token": bad}), ONE_CLICK)
        assert response.status_code == 404
        assert "This unsubscribe link doesn" in response.content.decode()
    assert not DeliverySettings.objects.exists()


def test_a_token_is_bound_to_its_purpose() -> None:
    from django.core import signing

    other_purpose = signing.Signer(salt="something.else").sign_object([1, "all"])
    assert read_token(other_purpose) is None
    assert read_token(make_token(1, "mention")) is not None


def test_every_kind_of_email_a_link_can_turn_off_has_a_label_of_its_own() -> None:
    """A kind added to Notification.Kind without a label here fails this test, rather than
    the page asking "Stop emails about channel_post?"."""
    kinds = [kind for kind in Notification.Kind.values if is_scope(kind)]
    assert kinds == list(Notification.Kind.values)
    assert set(kind_labels()) == set(kinds)
    labels = [scope_label(kind) for kind in kinds]
    for kind, label in zip(kinds, labels, strict=True):
        assert label, kind
        assert label != kind
        assert label != str(Notification.Kind(kind).label)  # not just the fallback
    assert len(set(labels)) == len(labels)  # no two kinds read alike


def test_the_page_names_what_a_channel_post_link_turns_off(client: Client, grace: Person) -> None:
    page = client.get(url(grace, Notification.Kind.CHANNEL_POST)).content.decode()
    assert "new posts in channels you follow" in page
    assert "channel_post" not in page


def test_a_post_without_the_one_click_body_changes_nothing(client: Client, grace: Person) -> None:
    response = client.post(url(grace, "all"), {})
    assert response.status_code == 400
    assert not DeliverySettings.objects.exists()


def test_the_page_is_in_the_persons_language_without_signing_in(client: Client) -> None:
    lucia = PersonFactory(preferred_language="es")
    response = client.get(url(lucia, "mention"))
    assert '<html lang="es">' in response.content.decode()


def test_a_link_for_someone_no_longer_in_the_directory_says_so(client: Client) -> None:
    response = client.get(reverse("mail:unsubscribe", kwargs={"token": make_token(999_999, "all")}))
    assert response.status_code == 404


def test_the_link_is_rate_limited_when_a_limit_is_configured(
    client: Client, grace: Person, settings: object
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMITS_ENABLED = True  # type: ignore[attr-defined]
    settings.RATE_LIMITS = {  # type: ignore[attr-defined]
        **settings.RATE_LIMITS,  # type: ignore[attr-defined]
        "unsubscribe": {"per_ip": "2/m"},
    }
    assert client.get(url(grace, "all")).status_code == 200
    assert client.get(url(grace, "all")).status_code == 200
    response = client.post(url(grace, "all"), ONE_CLICK)
    assert response.status_code == 429
    assert not DeliverySettings.objects.exists()
    cache.clear()


def test_the_page_takes_the_same_queries_whoever_opens_it(
    client: Client, grace: Person, django_assert_max_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url(grace, "digest"))
    for _n in range(20):
        PersonFactory()
    other = PersonFactory()
    with CaptureQueriesContext(connection) as second:
        client.get(url(other, "digest"))
    assert len(first) == len(second) <= 3
