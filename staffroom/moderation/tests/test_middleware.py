"""Suspended people can read but not write."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.discussion.models import Comment, Reaction, ReactionKind
from staffroom.moderation import services
from staffroom.moderation.models import Flag, Suspension
from staffroom.moderation.tests.conftest import Ward

pytestmark = pytest.mark.django_db


def suspend(ward: Ward, person: Person, days: int = 3) -> None:
    services.suspend_person(
        person=person,
        moderator=ward.moderator,
        until=timezone.now() + timedelta(days=days),
        reason="Repeated insults in comments.",
    )


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_a_suspended_person_cannot_comment_react_or_flag_and_nothing_is_written(
    ward: Ward,
) -> None:
    suspend(ward, ward.author)
    client = client_for(ward.author)
    thread = ward.post.thread
    comments_before = Comment.objects.count()

    comment = client.post(
        reverse("discussion:comment", kwargs={"thread_id": thread.pk}),
        {"body": "Still here", "submission_key": str(uuid.uuid4())},
    )
    react = client.post(
        reverse("discussion:react", kwargs={"thread_id": thread.pk}),
        {"kind": ReactionKind.values[0]},
    )
    other = Comment.objects.create(
        thread=thread, author=ward.colleagues[0], body="Hello", body_html="<p>Hello</p>"
    )
    flag = client.post(
        reverse("moderation:flag", kwargs={"kind": "comment", "item_id": other.pk}),
        {"reason": "other"},
    )
    post = client.post(
        reverse("channels:post_create", kwargs={"slug": ward.post.channel.slug}),
        {"title": "New", "body": "Words", "action": "publish"},
    )

    for response in (comment, react, flag, post):
        assert response.status_code == 403
        assert "Repeated insults in comments." in response.content.decode()
    assert Comment.objects.count() == comments_before + 1  # only the one made above
    assert not Reaction.objects.filter(person=ward.author).exists()
    assert not Flag.objects.exists()


def test_a_suspended_person_can_still_read_and_sign_out(ward: Ward) -> None:
    suspend(ward, ward.author)
    client = client_for(ward.author)
    page = client.get(ward.post.get_absolute_url())
    assert page.status_code == 200
    assert "The new rota is a mess." in page.content.decode()
    assert client.post(reverse("notifications:mark_read"), {"all": "1"}).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_htmx_requests_of_a_suspended_person_are_sent_to_the_explanation(ward: Ward) -> None:
    suspend(ward, ward.author)
    response = client_for(ward.author).post(
        reverse("discussion:comment", kwargs={"thread_id": ward.post.thread.pk}),
        {"body": "Still here", "submission_key": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    assert response["HX-Redirect"] == reverse("moderation:suspended")
    page = client_for(ward.author).get(reverse("moderation:suspended"))
    assert "Repeated insults in comments." in page.content.decode()


def test_when_the_suspension_ends_the_person_can_write_again(ward: Ward) -> None:
    now = timezone.now()
    Suspension.objects.create(
        person=ward.author,
        starts=now - timedelta(days=3),
        ends=now - timedelta(minutes=1),
        reason="Over",
    )
    response = client_for(ward.author).post(
        reverse("discussion:comment", kwargs={"thread_id": ward.post.thread.pk}),
        {"body": "Back again", "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Back again").exists()


def test_others_are_not_affected_by_someone_elses_suspension(ward: Ward) -> None:
    suspend(ward, ward.author)
    response = client_for(ward.colleagues[0]).post(
        reverse("discussion:comment", kwargs={"thread_id": ward.post.thread.pk}),
        {"body": "Carry on", "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302


def test_a_suspended_person_sees_a_notice_instead_of_the_comment_form(ward: Ward) -> None:
    suspend(ward, ward.author)
    page = client_for(ward.author).get(ward.post.get_absolute_url()).content.decode()
    assert "You are suspended until" in page
    assert "Post comment" not in page  # the reply forms are in the list everyone shares
    other = client_for(ward.colleagues[0]).get(ward.post.get_absolute_url()).content.decode()
    assert "You are suspended until" not in other
    assert "Post comment" in other
