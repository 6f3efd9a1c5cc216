"""A post's tags are written words too: the PHI guard scans them with the rest of the post
(channels.items.post_texts, "Tags"), on create and on every edit (review finding 9)."""

from __future__ import annotations

from typing import Any

import pytest

from staffroom.accounts.models import Person
from staffroom.channels.items import TAGS, field_label, post_texts, tag_text
from staffroom.channels.models import Channel, Post
from staffroom.channels.services import posts as services
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory
from staffroom.core.models import Visibility
from staffroom.privacy.models import PrivacyHold

pytestmark = pytest.mark.django_db

PHI_TAG = "John Carter MRN 4481923"


@pytest.fixture
def channel() -> Channel:
    return ChannelFactory()


@pytest.fixture
def author(channel: Channel) -> Person:
    person: Person = ChannelEditorFactory(channel=channel).person
    return person


def write(channel: Channel, author: Person, **overrides: Any) -> Post:
    fields: dict[str, Any] = {
        "channel": channel,
        "author": author,
        "title": "Ward news",
        "summary": "",
        "body": "A busy week on the ward.",
        "tags": ["rota"],
        "action": "publish",
    }
    fields.update(overrides)
    return services.create_post(**fields)


def edit(post: Post, editor: Person, **overrides: Any) -> Post:
    fields: dict[str, Any] = {
        "post": post,
        "editor": editor,
        "title": post.title,
        "summary": post.summary,
        "body": post.body,
        "tags": [],
    }
    fields.update(overrides)
    return services.edit_post(**fields)


def open_holds(post: Post) -> int:
    return PrivacyHold.objects.filter(
        item_kind="post", item_id=post.pk, status__in=PrivacyHold.OPEN
    ).count()


def test_the_tags_are_one_of_the_texts_the_guard_scans(channel: Channel, author: Person) -> None:
    post = write(channel, author, tags=["Wards", "rota", "Beds"])
    texts = post_texts(post)
    # Sorted in Python, not by the database: a hold's findings are offsets into this text.
    assert texts[TAGS] == "Beds, rota, Wards"
    assert tag_text(["b", "A"]) == "A, b"
    assert field_label(TAGS) == "Tags"


def test_a_post_whose_only_patient_information_is_a_tag_is_held(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author, tags=["rota", PHI_TAG])
    post.refresh_from_db()
    assert post.visibility == Visibility.HELD
    assert open_holds(post) == 1
    hold = PrivacyHold.objects.get(item_kind="post", item_id=post.pk)
    assert {finding["field"] for finding in hold.findings} == {TAGS}


def test_editing_the_words_with_a_patient_tag_holds_the_post(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author)
    assert post.visibility == Visibility.VISIBLE
    edit(post, author, body="A quieter week.", tags=[PHI_TAG])
    post.refresh_from_db()
    assert post.visibility == Visibility.HELD
    assert open_holds(post) == 1


def test_changing_only_the_tags_to_a_patient_tag_holds_the_post(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author)
    edit(post, author, tags=[PHI_TAG])
    post.refresh_from_db()
    assert post.visibility == Visibility.HELD
    edit(Post.objects.get(pk=post.pk), author, tags=["rota"])
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE
    assert open_holds(post) == 0
