"""A character XML can't carry (pasted from another program) must not break a feed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.channels.models import Post
from staffroom.channels.services.sharing import make_post_public
from staffroom.channels.tests.factories import ChannelFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_control_characters_in_a_public_post_leave_the_atom_feed_working(
    client: Client, administrator: Person
) -> None:
    channel = ChannelFactory(name="Ward\x0bnews")
    post: Post = PostFactory(
        channel=channel,
        author=administrator,
        title="Rota\x0b changes\x0c",
        summary="Bring\x01 your badge",
        body="New\x1f rota",
    )
    make_post_public(post=post, by=administrator)
    response = client.get(reverse("channels:public_atom"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rota changes" in body
    # (NUL never gets this far: every form field refuses it, and PostgreSQL can't store it.)
    for control in ("\x01", "\x0b", "\x0c", "\x1f"):
        assert control not in body
