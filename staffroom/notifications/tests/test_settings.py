"""The "Notifications and email" page: channel posts opt-in, what is emailed right away, the
digest; without JavaScript, with a message, and only the person's own settings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.notifications.models import DeliverySettings, Notification, default_email_kinds
from staffroom.notifications.preferences import settings_for, unsubscribe

pytestmark = pytest.mark.django_db

URL = "/me/notifications/"
Kind = Notification.Kind


@pytest.fixture
def ana(client: Client) -> Person:
    person: Person = PersonFactory(username="ana.lopez")
    client.force_login(person)
    return person


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"emailed": ["mention", "reply"], "digest": "daily"}
    data.update(overrides)
    return data


def test_the_page_shows_the_defaults_in_plain_words(client: Client, ana: Person) -> None:
    body = client.get(URL).content.decode()
    assert "Notifications and email" in body
    assert "Tell me about new posts in channels I follow" in body
    for words in (
        "Someone mentions me",
        "Someone replies to me",
        "Reactions to what I wrote",
        "Updates on ideas I proposed, voted for or follow",
        "Moderation and privacy decisions about what I wrote",
        "New posts in channels I follow",
    ):
        assert words in body
    assert "Ideas waiting for my review" not in body  # not a reviewer
    assert re.search(r'value="mention"[^>]*checked', body)
    assert not re.search(r'value="reaction"[^>]*checked', body)
    response = client.get(URL)
    initial = response.context["form"].initial
    assert initial["channel_posts"] is False
    assert set(initial["emailed"]) == {"mention", "reply", "idea_update", "moderation"}
    assert initial["digest"] == "weekly"


def test_reviewers_are_offered_the_ideas_waiting_for_them(client: Client, ana: Person) -> None:
    RoleGrantFactory(person=ana, role=Role.IDEA_REVIEWER)
    assert "Ideas waiting for my review" in client.get(URL).content.decode()


def test_saving_without_javascript_stores_the_choices_and_says_so(
    client: Client, ana: Person
) -> None:
    response = client.post(
        URL, form(channel_posts="on", emailed=["reaction", "channel_post"]), follow=True
    )
    assert response.redirect_chain == [(URL, 302)]
    assert "Your notification and email settings are saved." in response.content.decode()
    stored = DeliverySettings.objects.get(person=ana)
    assert stored.channel_posts is True
    assert stored.digest == "daily"
    # Unticked kinds are no longer emailed; the review queue and paused chat rooms, not
    # offered to her, keep their default.
    assert stored.email_kinds == [
        Kind.REACTION,
        Kind.IDEA_TO_REVIEW,
        Kind.CHANNEL_POST,
        Kind.CHAT_HOOK_PAUSED,
    ]


def test_one_box_stands_for_moderation_and_privacy_decisions(client: Client, ana: Person) -> None:
    client.post(URL, form(emailed=["moderation"]))
    assert set(settings_for(ana).email_kinds) >= {Kind.MODERATION, Kind.PRIVACY}
    client.post(URL, form(emailed=[]))
    assert not {Kind.MODERATION, Kind.PRIVACY} & set(settings_for(ana).email_kinds)


def test_kinds_not_offered_keep_their_stored_choice(client: Client, ana: Person) -> None:
    DeliverySettings.objects.create(person=ana, email_kinds=[Kind.REVEAL, Kind.MENTION])
    client.post(URL, form(emailed=["reply"]))
    assert settings_for(ana).email_kinds == [Kind.REPLY, Kind.REVEAL]


def test_a_bad_digest_comes_back_with_a_message_and_nothing_changed(
    client: Client, ana: Person
) -> None:
    response = client.post(URL, form(channel_posts="on", digest="hourly"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the highlighted fields." in body
    assert not DeliverySettings.objects.filter(person=ana).exists()
    assert response.context["form"]["channel_posts"].value() is True  # the choice is kept


def test_an_unknown_kind_of_email_is_refused(client: Client, ana: Person) -> None:
    response = client.post(URL, form(emailed=["idea_to_review"]))  # not a reviewer
    assert response.status_code == 400
    assert not DeliverySettings.objects.filter(person=ana).exists()


def test_a_saved_page_shows_what_was_saved(client: Client, ana: Person) -> None:
    client.post(URL, form(channel_posts="on", digest="off", emailed=["reply"]))
    initial = client.get(URL).context["form"].initial
    assert initial == {"channel_posts": True, "emailed": ["reply"], "digest": "off"}


def test_one_click_unsubscribe_still_works_on_settings_saved_here(
    client: Client, ana: Person
) -> None:
    client.post(URL, form(emailed=["mention", "reply"]))
    unsubscribe(person=ana, scope=Kind.REPLY)
    assert settings_for(ana).email_kinds == [
        Kind.MENTION,
        Kind.IDEA_TO_REVIEW,
        Kind.CHAT_HOOK_PAUSED,
    ]


def test_the_page_needs_signing_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_everyone_saves_their_own_settings_only(client: Client, ana: Person) -> None:
    other = PersonFactory()
    client.post(URL, form(channel_posts="on", person=other.pk))
    assert not DeliverySettings.objects.filter(person=other).exists()
    assert settings_for(ana).channel_posts is True


def test_the_profile_page_links_here(client: Client, ana: Person) -> None:
    assert f'href="{URL}"' in client.get("/me/").content.decode()


def test_the_defaults_match_the_model(ana: Person) -> None:
    assert settings_for(ana).email_kinds == default_email_kinds()
