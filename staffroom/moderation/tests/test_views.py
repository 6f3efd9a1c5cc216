from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.items import kind_of
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment
from staffroom.moderation import services
from staffroom.moderation.models import Flag, ModerationAction, Suspension
from staffroom.moderation.tests.conftest import Ward
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def flag_url(kind: str, pk: int) -> str:
    return reverse("moderation:flag", kwargs={"kind": kind, "item_id": pk})


def item_url(kind: str, pk: int) -> str:
    return reverse("moderation:item", kwargs={"kind": kind, "item_id": pk})


def act_url(kind: str, pk: int) -> str:
    return reverse("moderation:act", kwargs={"kind": kind, "item_id": pk})


# --- Flagging ---------------------------------------------------------------------------------


def test_the_flag_form_offers_the_four_reasons(ward: Ward) -> None:
    response = signed_in(ward.colleagues[0]).get(flag_url("comment", ward.comment.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for reason in ("privacy", "disrespect", "misinformation", "other"):
        assert f'value="{reason}"' in page


def test_flagging_thanks_the_person_and_returns_them_to_the_item(ward: Ward) -> None:
    client = signed_in(ward.colleagues[0])
    response = client.post(
        flag_url("comment", ward.comment.pk), {"reason": "disrespect", "note": "Personal"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{ward.comment.pk}")
    assert Flag.objects.get().note == "Personal"
    page = client.get(response["Location"]).content.decode()
    assert "a moderator will look at it" in page


def test_a_flag_without_a_reason_comes_back_with_the_note_kept(ward: Ward) -> None:
    response = signed_in(ward.colleagues[0]).post(
        flag_url("post", ward.post.pk), {"note": "Kept words"}
    )
    assert response.status_code == 400
    assert "Kept words" in response.content.decode()
    assert not Flag.objects.exists()


def test_nobody_flags_their_own_comment_or_what_they_cannot_see(ward: Ward) -> None:
    assert signed_in(ward.author).get(flag_url("comment", ward.comment.pk)).status_code == 403
    hidden_post = PostFactory(audience_departments=[DepartmentFactory()])
    outsider = signed_in(ward.colleagues[0])
    assert outsider.get(flag_url("post", hidden_post.pk)).status_code == 404
    assert outsider.post(flag_url("post", hidden_post.pk), {"reason": "other"}).status_code == 404
    assert outsider.get(flag_url("nothing", 1)).status_code == 404
    assert not Flag.objects.exists()


def test_the_post_page_offers_flag_to_colleagues_and_moderate_to_moderators(ward: Ward) -> None:
    url = ward.post.get_absolute_url()
    colleague_page = signed_in(ward.colleagues[0]).get(url).content.decode()
    assert flag_url("post", ward.post.pk) in colleague_page
    assert flag_url("comment", ward.comment.pk) in colleague_page
    assert item_url("post", ward.post.pk) not in colleague_page
    author_page = signed_in(ward.author).get(url).content.decode()
    assert flag_url("comment", ward.comment.pk) not in author_page  # their own comment
    moderator_page = signed_in(ward.moderator).get(url).content.decode()
    assert item_url("post", ward.post.pk) in moderator_page
    assert item_url("comment", ward.comment.pk) in moderator_page


def test_privacy_officers_get_a_link_to_mark_an_item_as_patient_information(ward: Ward) -> None:
    page = signed_in(ward.privacy_officer).get(ward.post.get_absolute_url()).content.decode()
    assert reverse("privacy:mark_phi", kwargs={"kind": "post", "item_id": ward.post.pk}) in page
    assert (
        reverse("privacy:mark_phi", kwargs={"kind": "comment", "item_id": ward.comment.pk}) in page
    )
    colleague = signed_in(ward.colleagues[0]).get(ward.post.get_absolute_url()).content.decode()
    assert "/privacy/mark/" not in colleague


# --- Who may moderate -------------------------------------------------------------------------


def test_people_who_are_not_moderators_cannot_open_the_queue_or_act(ward: Ward) -> None:
    services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="disrespect")
    client = signed_in(ward.colleagues[1])
    assert client.get(reverse("moderation:queue")).status_code == 403
    assert client.get(item_url("comment", ward.comment.pk)).status_code == 403
    response = client.post(
        act_url("comment", ward.comment.pk), {"action": "hide", "hide-reason": "x"}
    )
    assert response.status_code == 403
    assert Comment.objects.get(pk=ward.comment.pk).visibility == Visibility.VISIBLE
    assert not ModerationAction.objects.exists()
    assert Client().get(reverse("moderation:queue")).status_code == 302  # signed out


def test_a_department_moderator_is_not_a_moderator_of_the_queue(ward: Ward) -> None:
    from staffroom.accounts.models import Role
    from staffroom.accounts.tests.factories import RoleGrantFactory

    person = PersonFactory()
    RoleGrantFactory(person=person, role=Role.MODERATOR, department=DepartmentFactory())
    assert signed_in(person).get(reverse("moderation:queue")).status_code == 403


def test_the_queue_shows_flagged_items_with_their_context(ward: Ward) -> None:
    services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="disrespect", note="Mean")
    services.warn_person(person=ward.author, moderator=ward.moderator, reason="Earlier")
    page = signed_in(ward.moderator).get(reverse("moderation:queue")).content.decode()
    assert "The new rota is a mess." in page
    assert "Rota changes" in page  # where it is
    assert "Sam Author" in page
    assert "Mean" in page
    assert "1 earlier moderation action against the author" in page


def test_a_hidden_item_keeps_its_text_in_the_queue(ward: Ward) -> None:
    for colleague in ward.colleagues[:3]:
        services.flag_item(obj=ward.comment, by=colleague, reason="disrespect")
    page = signed_in(ward.moderator).get(reverse("moderation:queue")).content.decode()
    assert "The new rota is a mess." in page
    assert "Hidden pending review" in page


def test_held_items_are_left_out_of_the_moderation_queue(ward: Ward) -> None:
    services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="privacy")
    kind_of(ward.comment).set_visibility(ward.comment, Visibility.HELD)
    client = signed_in(ward.moderator)
    assert "The new rota is a mess." not in client.get(reverse("moderation:queue")).content.decode()
    assert client.get(item_url("comment", ward.comment.pk)).status_code == 404


def test_privacy_officers_see_items_flagged_for_privacy_only(ward: Ward) -> None:
    services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="privacy")
    services.flag_item(obj=ward.post, by=ward.colleagues[0], reason="disrespect")
    client = signed_in(ward.privacy_officer)
    page = client.get(reverse("moderation:queue")).content.decode()
    assert "The new rota is a mess." in page
    assert "Rota changes" in page  # the comment's place, not the flagged post itself
    assert item_url("post", ward.post.pk) not in page
    assert client.get(item_url("comment", ward.comment.pk)).status_code == 200
    assert client.get(item_url("post", ward.post.pk)).status_code == 403
    response = client.post(act_url("comment", ward.comment.pk), {"action": "dismiss"})
    assert response.status_code == 403


def test_the_queue_reads_the_same_number_of_queries_for_2_or_12_items(
    ward: Ward, query_count: Callable[[Callable[[], object]], int]
) -> None:
    client = signed_in(ward.moderator)
    url = reverse("moderation:queue")

    def flag_more(n: int) -> None:
        for i in range(n):
            post = PostFactory()
            comment = post_comment(thread=post.thread, author=ward.author, body=f"Words {i}")
            services.flag_item(obj=comment, by=ward.colleagues[0], reason="other")
            services.flag_item(obj=post, by=ward.colleagues[1], reason="misinformation")

    flag_more(1)
    client.get(url)
    few = query_count(lambda: client.get(url))
    flag_more(5)
    many = query_count(lambda: client.get(url))
    assert many == few


# --- Acting -----------------------------------------------------------------------------------


def test_a_moderator_restores_a_hidden_comment_from_its_page(ward: Ward) -> None:
    for colleague in ward.colleagues[:3]:
        services.flag_item(obj=ward.comment, by=colleague, reason="disrespect")
    client = signed_in(ward.moderator)
    assert client.get(item_url("comment", ward.comment.pk)).status_code == 200
    response = client.post(
        act_url("comment", ward.comment.pk), {"action": "restore", "restore-reason": "Fine."}
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=ward.comment.pk).visibility == Visibility.VISIBLE


def test_hiding_without_a_reason_shows_the_error(ward: Ward) -> None:
    client = signed_in(ward.moderator)
    response = client.post(act_url("comment", ward.comment.pk), {"action": "hide"})
    assert response.status_code == 400
    assert "the author is told it" in response.content.decode()
    assert Comment.objects.get(pk=ward.comment.pk).visibility == Visibility.VISIBLE


def test_a_moderator_suspends_the_author_for_three_days(ward: Ward) -> None:
    client = signed_in(ward.moderator)
    response = client.post(
        act_url("comment", ward.comment.pk),
        {"action": "suspend", "suspend-days": "3", "suspend-reason": "Insults"},
    )
    assert response.status_code == 302
    suspension = Suspension.objects.get(person=ward.author)
    assert timedelta(days=2, hours=23) < suspension.ends - timezone.now() <= timedelta(days=3)
    page = client.get(item_url("comment", ward.comment.pk)).content.decode()
    assert "Lift the suspension" in page
    client.post(act_url("comment", ward.comment.pk), {"action": "lift"})
    assert Suspension.objects.get().lifted_at is not None


def test_a_moderator_edits_a_post_from_its_page(ward: Ward) -> None:
    client = signed_in(ward.moderator)
    response = client.post(
        act_url("post", ward.post.pk),
        {
            "action": "edit",
            "edit-title": "Rota changes",
            "edit-summary": "",
            "edit-body": "Fixed words",
            "edit-note": "Removed a name",
        },
    )
    assert response.status_code == 302
    page = client.get(ward.post.get_absolute_url()).content.decode()
    assert "Fixed words" in page
    assert "Edited by a moderator: Removed a name" in page


def test_flagging_is_rate_limited(ward: Ward, settings: Any) -> None:
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "flag": {"per_person": "1/h", "per_ip": "off"}}
    client = signed_in(ward.colleagues[0])
    assert client.post(flag_url("comment", ward.comment.pk), {"reason": "other"}).status_code == 302
    response = client.post(flag_url("post", ward.post.pk), {"reason": "other"})
    assert response.status_code == 429
    assert Flag.objects.count() == 1


# --- What a moderator may open (review findings 2b and 8) ---------------------------------------

PHI_TITLE = "Mr John Carter MRN 4481923 fall on ward 5"


@pytest.mark.parametrize("how", ["held", "removed"])
def test_a_comment_on_a_withheld_post_never_names_the_post(ward: Ward, how: str) -> None:
    from staffroom.channels.models import Post
    from staffroom.privacy.exposure import mark_as_phi

    Post.objects.filter(pk=ward.post.pk).update(title=PHI_TITLE)
    post = Post.objects.get(pk=ward.post.pk)
    services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="privacy")
    if how == "held":
        kind_of(post).set_visibility(post, Visibility.HELD)
    else:
        mark_as_phi(obj=post, officer=ward.privacy_officer, reason="Names a patient")
    for person in (ward.moderator, ward.privacy_officer):
        client = signed_in(person)
        queue = client.get(reverse("moderation:queue")).content.decode()
        assert "The new rota is a mess." in queue  # the flagged comment is still there
        assert "4481923" not in queue
        assert "a post not shown to readers" in queue
        item = client.get(item_url("comment", ward.comment.pk))
        assert item.status_code == 200
        assert "4481923" not in item.content.decode()
        assert "a post not shown to readers" in item.content.decode()


def test_a_moderator_cannot_open_or_act_on_a_draft_by_its_id(ward: Ward) -> None:
    from staffroom.channels.models import Post

    draft = PostFactory(
        status=Post.Status.DRAFT, published_at=None, title="Restructuring", body="Ward 7 closes"
    )
    client = signed_in(ward.moderator)
    response = client.get(item_url("post", draft.pk))
    assert response.status_code == 404
    assert "Ward 7 closes" not in response.content.decode()
    response = client.post(act_url("post", draft.pk), {"action": "hide", "hide-reason": "No"})
    assert response.status_code == 404
    assert Post.objects.get(pk=draft.pk).visibility == Visibility.VISIBLE
    assert not ModerationAction.objects.exists()
    # Not even once it has been flagged (by an editor of its channel, who sees drafts).
    Flag.objects.all().delete()
    from staffroom.moderation.models import FlaggedItem

    FlaggedItem.objects.create(
        item_kind="post",
        item_id=draft.pk,
        author=draft.author,
        open_flags=1,
        opened_at=timezone.now(),
        last_flagged_at=timezone.now(),
    )
    assert client.get(item_url("post", draft.pk)).status_code == 404
    assert "Ward 7 closes" not in client.get(reverse("moderation:queue")).content.decode()


def test_a_moderator_opens_a_post_meant_for_others_only_once_flagged_or_hidden(
    ward: Ward,
) -> None:
    restricted = PostFactory(audience_departments=[DepartmentFactory()], body="For them only")
    client = signed_in(ward.moderator)
    assert client.get(item_url("post", restricted.pk)).status_code == 404
    response = client.post(act_url("post", restricted.pk), {"action": "warn", "warn-reason": "x"})
    assert response.status_code == 404
    assert not ModerationAction.objects.exists()
    # Someone in its audience flags it: now it is the moderators' to read and decide.
    reader = PersonFactory(department=restricted.audience_departments.get())
    services.flag_item(obj=restricted, by=reader, reason="misinformation")
    response = client.get(item_url("post", restricted.pk))
    assert response.status_code == 200
    assert "For them only" in response.content.decode()


def test_a_moderator_opens_what_they_can_see_where_it_is(ward: Ward) -> None:
    # The "Moderate" link next to each post and comment they read works without a flag.
    client = signed_in(ward.moderator)
    assert client.get(item_url("post", ward.post.pk)).status_code == 200
    assert client.get(item_url("comment", ward.comment.pk)).status_code == 200


def test_drafts_offer_no_flag_or_moderate_link_and_cannot_be_flagged(ward: Ward) -> None:
    from staffroom.channels.models import Post
    from staffroom.channels.tests.factories import ChannelEditorFactory

    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    ChannelEditorFactory(channel=draft.channel, person=ward.moderator)
    other_editor = ChannelEditorFactory(channel=draft.channel).person
    page = signed_in(ward.moderator).get(draft.get_absolute_url())
    assert page.status_code == 200
    assert item_url("post", draft.pk) not in page.content.decode()
    client = signed_in(other_editor)
    assert flag_url("post", draft.pk) not in client.get(draft.get_absolute_url()).content.decode()
    assert client.post(flag_url("post", draft.pk), {"reason": "other"}).status_code == 403
    assert not Flag.objects.exists()
