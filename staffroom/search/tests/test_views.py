from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse, reverse_lazy

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.organisation.tests.factories import DepartmentFactory
from staffroom.search.tests.factories import make_channel, make_comment, make_post

pytestmark = pytest.mark.django_db

SEARCH = reverse_lazy("search:search")


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    make_post(title="Secret plans")
    response = client.get(SEARCH, {"q": "secret"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_empty_search_page_explains_what_to_do(signed_in: Client) -> None:
    response = signed_in.get(SEARCH)
    assert response.status_code == 200
    assert "Type one or more words" in response.content.decode()


def test_the_page_shows_highlighted_hits_and_refills_the_header_box(signed_in: Client) -> None:
    post = make_post(title="Hand hygiene week", body="Wash <em>hands</em> often")
    make_comment(on=post, body="Hygiene posters are up")
    body = signed_in.get(SEARCH, {"q": "hygiene"}).content.decode()
    assert "Hand <mark>hygiene</mark> week" in body
    assert "Comment on Hand hygiene week" in body
    assert f'href="/posts/{post.pk}/"' in body
    assert 'name="q" value="hygiene"' in body
    assert "2 results." in body


def test_html_in_content_is_shown_as_text(signed_in: Client) -> None:
    make_post(title="Beware", body="<script>alert('boo')</script> phishing")
    body = signed_in.get(SEARCH, {"q": "phishing"}).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_nothing_found_says_how_to_widen_the_search(signed_in: Client) -> None:
    body = signed_in.get(SEARCH, {"q": "zebra"}).content.decode()
    assert "Nothing found" in body
    assert "0 results." in body


def test_a_post_outside_the_viewers_audience_is_not_shown_or_counted(signed_in: Client) -> None:
    post = make_post(title="Pharmacy only memo")
    post.audience_departments.set([DepartmentFactory(name="Pharmacy")])
    Post.objects.filter(pk=post.pk).update(audience_restricted=True)
    make_comment(on=post, body="memo received")
    body = signed_in.get(SEARCH, {"q": "memo"}).content.decode()
    assert "Pharmacy only memo" not in body
    assert "0 results." in body


def test_the_type_and_channel_filters_narrow_the_results(signed_in: Client) -> None:
    radiology = make_channel("Radiology")
    post = make_post(title="MRI booking", channel=radiology)
    make_comment(on=post, body="MRI booking is faster now")
    make_post(title="MRI safety")
    body = signed_in.get(SEARCH, {"q": "mri", "type": "comment"}).content.decode()
    assert "Comment on MRI booking" in body
    assert "MRI safety" not in body
    body = signed_in.get(SEARCH, {"q": "mri", "channel": str(radiology.pk)}).content.decode()
    assert "MRI safety" not in body
    assert "2 results." in body


def test_an_invalid_date_gets_a_message_not_an_error(signed_in: Client) -> None:
    response = signed_in.get(SEARCH, {"q": "rota", "date_from": "31/31/2026"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a date like 2026-03-31." in body
    assert 'value="rota"' in body


def test_an_end_date_before_the_start_date_gets_a_message(signed_in: Client) -> None:
    response = signed_in.get(
        SEARCH, {"q": "rota", "date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_an_unknown_channel_or_type_gets_a_message(signed_in: Client) -> None:
    assert signed_in.get(SEARCH, {"q": "x", "channel": "999999"}).status_code == 400
    assert signed_in.get(SEARCH, {"q": "x", "type": "nonsense"}).status_code == 400
    assert signed_in.get(SEARCH, {"q": "x" * 500}).status_code == 400


def test_more_results_work_without_javascript_and_with_htmx(signed_in: Client) -> None:
    channel, author = make_channel(), PersonFactory()
    for i in range(25):
        make_post(title=f"Bulletin {i}", channel=channel, author=author)
    first = signed_in.get(SEARCH, {"q": "bulletin"})
    assert first.context["results"].has_next
    cursor = first.context["results"].next_cursor
    assert f"cursor={cursor}" in first.content.decode()
    plain = signed_in.get(SEARCH, {"q": "bulletin", "cursor": cursor})
    assert plain.content.decode().count('class="search-hit ') == 5
    assert "<html" in plain.content.decode()
    fragment = signed_in.get(SEARCH, {"q": "bulletin", "cursor": cursor}, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text
    assert text.count('class="search-hit ') == 5
    assert "data-focus-first" in text


def test_an_htmx_search_returns_only_the_results(signed_in: Client) -> None:
    make_post(title="Bulletin")
    response = signed_in.get(SEARCH, {"q": "bulletin"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="results"')
    assert "Bulletin" in text


def add_matching(count: int) -> None:
    """Posts that match, each with a matching comment, plus one the viewer may not see."""
    channel, author = make_channel(), PersonFactory()
    for i in range(count):
        post = make_post(title=f"Staffing update {i}", channel=channel, author=author)
        make_comment(on=post, body=f"Staffing question {i}", author=author)
    restricted = make_post(title="Staffing restricted", channel=channel, author=author)
    restricted.audience_departments.set([DepartmentFactory()])
    Post.objects.filter(pk=restricted.pk).update(audience_restricted=True)


def test_the_search_page_makes_the_same_queries_at_10_and_200_matches(
    signed_in: Client, query_count: Callable[[Callable[[], object]], int]
) -> None:
    add_matching(5)  # 10 matching documents
    signed_in.get(SEARCH, {"q": "staffing"})  # warm per-process caches
    small = query_count(lambda: signed_in.get(SEARCH, {"q": "staffing"}))
    add_matching(95)  # 200 matching documents
    large = query_count(lambda: signed_in.get(SEARCH, {"q": "staffing"}))
    assert small == large
    more = query_count(lambda: signed_in.get(SEARCH, {"q": "staffing", "type": "comment"}))
    assert more == large
