"""Voting and following from the page: with and without JavaScript, refusals in words that
change nothing, a second vote counted once, merged ideas and the rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.core.models import Visibility
from staffroom.ideas.models import Follow, Idea, Status, Vote
from staffroom.ideas.tally import live_vote_counts
from staffroom.ideas.tests.factories import CampaignFactory, IdeaFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def vote_url(idea: Idea) -> str:
    return reverse("ideas:vote", kwargs={"pk": idea.pk})


def follow_url(idea: Idea) -> str:
    return reverse("ideas:follow", kwargs={"pk": idea.pk})


def _messages(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_voting_without_javascript_counts_it_and_returns_to_the_idea(
    signed_in: Client, person: Person
) -> None:
    idea = IdeaFactory()
    response = signed_in.post(vote_url(idea), {"action": "vote"})
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert _messages(response) == ["Thank you: your vote is counted."]
    assert live_vote_counts([idea.pk]) == {idea.pk: 1}
    assert Vote.objects.filter(idea=idea, person=person).exists()


def test_voting_returns_to_a_safe_next_address_only(signed_in: Client) -> None:
    idea = IdeaFactory()
    back = signed_in.post(vote_url(idea), {"action": "vote", "next": "/ideas/?sort=newest"})
    assert back["Location"] == "/ideas/?sort=newest"
    away = signed_in.post(vote_url(idea), {"action": "withdraw", "next": "https://evil.example/"})
    assert away["Location"] == idea.get_absolute_url()


def test_voting_with_htmx_swaps_the_button_with_the_new_count(signed_in: Client) -> None:
    idea = IdeaFactory()
    response = signed_in.post(vote_url(idea), {"action": "vote"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(
        f'<div class="vote-box vote-box--voted" id="vote-box-{idea.pk}"'
    )
    assert '<strong class="vote-box__number">1</strong> vote' in body
    assert "Take back my vote" in body
    assert "Your vote is counted." in body

    response = signed_in.post(vote_url(idea), {"action": "withdraw"}, headers=HTMX)
    body = response.content.decode()
    assert '<strong class="vote-box__number">0</strong> votes' in body
    assert 'name="action" value="vote"' in body
    assert "Your vote is taken back." in body
    assert live_vote_counts([idea.pk]) == {idea.pk: 0}


def test_a_second_vote_from_the_same_person_is_counted_once(signed_in: Client) -> None:
    idea = IdeaFactory()
    signed_in.post(vote_url(idea), {"action": "vote"})
    signed_in.post(vote_url(idea), {"action": "vote"}, headers=HTMX)
    assert live_vote_counts([idea.pk])[idea.pk] == 1 == Vote.objects.filter(idea=idea).count()


def test_withdrawing_a_vote_never_cast_changes_nothing(signed_in: Client) -> None:
    idea = IdeaFactory()
    Vote.objects.create(idea=idea, person=PersonFactory())
    Idea.objects.filter(pk=idea.pk).update(vote_count=1)
    signed_in.post(vote_url(idea), {"action": "withdraw"})
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


@pytest.mark.parametrize("status", [Status.IMPLEMENTED, Status.NOT_PLANNED])
def test_a_vote_on_a_decided_idea_is_refused_with_the_reason_and_changes_nothing(
    signed_in: Client, status: str
) -> None:
    idea = IdeaFactory(status=status)
    response = signed_in.post(vote_url(idea), {"action": "vote"})
    assert response.status_code == 302
    [message] = _messages(response)
    assert "votes are closed" in message
    response = signed_in.post(vote_url(idea), {"action": "vote"}, headers=HTMX)
    assert "votes are closed" in response.content.decode()
    assert not Vote.objects.filter(idea=idea).exists()
    assert Idea.objects.get(pk=idea.pk).vote_count == 0


def test_a_vote_on_a_closed_campaigns_idea_is_refused_with_the_reason(signed_in: Client) -> None:
    campaign = CampaignFactory(
        title="Winter pressures",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
    )
    idea = IdeaFactory(campaign=campaign)
    response = signed_in.post(vote_url(idea), {"action": "vote"}, headers=HTMX)
    body = response.content.decode()
    assert "The campaign “Winter pressures” closed on" in body
    assert 'class="field-error"' in body
    assert not Vote.objects.filter(idea=idea).exists()


def test_a_vote_on_a_merged_idea_counts_on_the_surviving_one(
    signed_in: Client, person: Person
) -> None:
    survivor = IdeaFactory()
    duplicate = IdeaFactory(merged_into=survivor, status=Status.DUPLICATE)
    response = signed_in.post(vote_url(duplicate), {"action": "vote"})
    assert response["Location"] == survivor.get_absolute_url()
    assert Vote.objects.filter(idea=survivor, person=person).exists()
    assert not Vote.objects.filter(idea=duplicate).exists()
    assert live_vote_counts([survivor.pk, duplicate.pk]) == {survivor.pk: 1, duplicate.pk: 0}


@pytest.mark.parametrize("visibility", [Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED])
def test_a_refused_vote_never_shows_a_survivor_the_person_cannot_see(
    signed_in: Client, person: Person, visibility: str
) -> None:
    survivor = IdeaFactory(title="Survivor nobody else may see", vote_count=4321)
    duplicate = IdeaFactory(title="The duplicate", merged_into=survivor, status=Status.DUPLICATE)
    Idea.objects.filter(pk=survivor.pk).update(visibility=visibility)

    response = signed_in.post(vote_url(duplicate), {"action": "vote"}, headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "isn&#x27;t open for votes" in body  # the reason, in words
    assert f'id="vote-box-{duplicate.pk}"' in body  # the idea they asked about
    assert f"/ideas/{survivor.pk}/" not in body
    assert f"-{survivor.pk}" not in body
    assert "Survivor nobody else may see" not in body
    assert "4321" not in body  # the survivor's count
    assert '<strong class="vote-box__number">0</strong>' in body  # the duplicate's
    assert not Vote.objects.exists()
    # Without JavaScript: told why, and sent to the board (the duplicate's page leads only to
    # the survivor, which they can't open).
    response = signed_in.post(vote_url(duplicate), {"action": "vote"})
    assert response["Location"] == reverse("ideas:board")
    assert _messages(response) == ["This idea isn't open for votes."]


def test_a_refused_vote_shows_a_survivor_the_person_can_see(
    signed_in: Client, person: Person
) -> None:
    survivor = IdeaFactory(status=Status.NOT_PLANNED)
    duplicate = IdeaFactory(merged_into=survivor, status=Status.DUPLICATE)
    response = signed_in.post(vote_url(duplicate), {"action": "vote"}, headers=HTMX)
    body = response.content.decode()
    assert f'id="vote-box-{survivor.pk}"' in body
    assert "votes are closed" in body
    assert not Vote.objects.exists()


def test_a_held_idea_cannot_be_voted_on_by_others_or_its_author(client: Client) -> None:
    idea = IdeaFactory(visibility=Visibility.HELD)
    client.force_login(PersonFactory())
    assert client.post(vote_url(idea), {"action": "vote"}).status_code == 404
    client.force_login(idea.author)
    response = client.post(vote_url(idea), {"action": "vote"})
    assert _messages(response) == ["This idea isn't open for votes."]
    assert not Vote.objects.filter(idea=idea).exists()


def test_a_vote_needs_a_post_a_known_action_and_a_signed_in_person(
    client: Client, person: Person
) -> None:
    idea = IdeaFactory()
    assert client.post(vote_url(idea), {"action": "vote"}).status_code == 302  # to sign in
    client.force_login(person)
    assert client.get(vote_url(idea)).status_code == 405
    assert client.post(vote_url(idea), {"action": "boost"}).status_code == 400
    assert not Vote.objects.exists()


def test_a_vote_needs_the_csrf_token(person: Person) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    idea = IdeaFactory()
    assert client.post(vote_url(idea), {"action": "vote"}).status_code == 403
    assert not Vote.objects.exists()


@override_settings(
    RATE_LIMITS_ENABLED=True, RATE_LIMITS={"vote": {"per_person": "2/m", "per_ip": "off"}}
)
def test_votes_are_rate_limited_like_other_actions(signed_in: Client) -> None:
    idea = IdeaFactory()
    for action in ("vote", "withdraw"):
        assert signed_in.post(vote_url(idea), {"action": action}).status_code == 302
    limited = signed_in.post(vote_url(idea), {"action": "vote"})
    assert limited.status_code == 429
    assert not Vote.objects.filter(idea=idea).exists()


# --- Following ---------------------------------------------------------------------------


def test_following_and_unfollowing_without_javascript(signed_in: Client, person: Person) -> None:
    idea = IdeaFactory()
    response = signed_in.post(follow_url(idea), {"action": "follow"})
    assert response["Location"] == idea.get_absolute_url()
    assert "You follow this idea" in _messages(response)[0]
    assert Follow.objects.filter(idea=idea, person=person).exists()
    signed_in.post(follow_url(idea), {"action": "unfollow"})
    assert not Follow.objects.filter(idea=idea, person=person).exists()


def test_following_with_htmx_swaps_the_button(signed_in: Client, person: Person) -> None:
    idea = IdeaFactory()
    body = signed_in.post(follow_url(idea), {"action": "follow"}, headers=HTMX).content.decode()
    assert f'id="follow-box-{idea.pk}"' in body
    assert "Stop following" in body
    body = signed_in.post(follow_url(idea), {"action": "unfollow"}, headers=HTMX).content.decode()
    assert 'name="action" value="follow"' in body
    assert not Follow.objects.filter(idea=idea, person=person).exists()


def test_following_twice_is_one_follow(signed_in: Client) -> None:
    idea = IdeaFactory()
    signed_in.post(follow_url(idea), {"action": "follow"})
    signed_in.post(follow_url(idea), {"action": "follow"})
    assert Follow.objects.filter(idea=idea).count() == 1


def test_a_held_idea_cannot_be_followed_by_others_and_its_author_is_told_why(
    client: Client,
) -> None:
    idea = IdeaFactory(visibility=Visibility.HELD)
    client.force_login(PersonFactory())
    assert client.post(follow_url(idea), {"action": "follow"}).status_code == 404
    client.force_login(idea.author)
    body = client.post(follow_url(idea), {"action": "follow"}, headers=HTMX).content.decode()
    assert "once it is on the board" in body
    assert not Follow.objects.exists()


def test_a_follow_needs_a_known_action(signed_in: Client) -> None:
    idea = IdeaFactory()
    assert signed_in.post(follow_url(idea), {"action": "stalk"}).status_code == 400
