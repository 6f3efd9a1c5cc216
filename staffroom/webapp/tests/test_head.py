"""What every page tells the browser and the service worker (`{% webapp_head %}`)."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from pytest_django import DjangoAssertNumQueries

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.services.channels import ensure_lets_talk
from staffroom.channels.tests.factories import ChannelEditorFactory, PostFactory
from staffroom.core.models import Visibility
from staffroom.webapp.offline import viewer_key

pytestmark = pytest.mark.django_db


def _worker_pattern(client: Client, name: str) -> re.Pattern[str]:
    """The service worker's own regular expression `name`, so the test checks what it reads."""
    script = client.get("/sw.js").content.decode()
    found = re.search(rf"const {name} = /(.+)/;", script)
    assert found is not None, name
    return re.compile(found.group(1))


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_every_page_links_the_manifest_theme_colour_icon_and_worker(client: Client) -> None:
    page = _page(client, reverse("accounts:login"))

    assert (
        '<link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">' in page
    )
    assert '<meta name="theme-color" content="#0e2a3b">' in page
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in page
    assert '<meta name="staffroom-service-worker" content="/sw.js">' in page
    assert '<script src="/static/js/sw-register.js" defer></script>' in page


def test_a_page_for_a_visitor_tells_the_worker_that_nobody_is_signed_in(client: Client) -> None:
    page = _page(client, reverse("accounts:login"))

    found = _worker_pattern(client, "VIEWER_META").search(page)
    assert found is not None
    assert found.group(1) == ""
    assert not _worker_pattern(client, "KEEP_META").search(page)


def test_a_post_page_may_be_kept_offline_for_the_person_reading_it(
    client: Client, person: Person
) -> None:
    post = PostFactory(channel=ensure_lets_talk())
    client.force_login(person)

    page = _page(client, post.get_absolute_url())

    found = _worker_pattern(client, "VIEWER_META").search(page)
    assert found is not None
    assert found.group(1) == viewer_key(person)
    assert _worker_pattern(client, "KEEP_META").search(page)


def test_other_signed_in_pages_name_the_viewer_but_are_never_kept(
    client: Client, person: Person
) -> None:
    client.force_login(person)

    page = _page(client, reverse("channels:feed"))

    assert f'<meta name="staffroom-viewer" content="{viewer_key(person)}">' in page
    assert not _worker_pattern(client, "KEEP_META").search(page)


def test_a_post_held_for_privacy_review_is_never_kept_even_for_its_author(
    client: Client, person: Person
) -> None:
    post = PostFactory(channel=ensure_lets_talk(), author=person, visibility=Visibility.HELD)
    client.force_login(person)

    page = _page(client, post.get_absolute_url())

    assert "staffroom-keep-offline" not in page


def test_a_draft_is_never_kept_even_for_its_editor(client: Client, person: Person) -> None:
    channel = ensure_lets_talk()
    ChannelEditorFactory(channel=channel, person=person)
    draft = PostFactory(channel=channel, status=Post.Status.DRAFT, published_at=None)
    client.force_login(person)

    page = _page(client, draft.get_absolute_url())

    assert "staffroom-keep-offline" not in page


def test_the_viewer_key_is_stable_distinct_and_not_the_database_id() -> None:
    grace, priya = PersonFactory(), PersonFactory()

    assert viewer_key(grace) == viewer_key(grace)
    assert viewer_key(grace) != viewer_key(priya)
    assert re.fullmatch(r"[0-9a-f]{20}", viewer_key(grace))
    assert viewer_key(grace) != str(grace.pk)


def test_the_head_lines_run_no_query(
    rf: RequestFactory, person: Person, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """They read only the signed-in person and the post the page has already loaded."""
    post = PostFactory(channel=ensure_lets_talk())
    request = rf.get(post.get_absolute_url())
    request.user = person
    request.resolver_match = resolve(post.get_absolute_url())

    with django_assert_num_queries(0):
        html = Template("{% load webapp %}{% webapp_head %}").render(
            Context({"request": request, "post": post})
        )

    assert '<meta name="staffroom-keep-offline" content="post">' in html
