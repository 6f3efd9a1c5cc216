"""The board: every sort and filter, keyset "Show more", the htmx and no-JS paths, what it
never shows, and a query count that doesn't grow with the ideas."""

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
from staffroom.core.models import Visibility
from staffroom.ideas.models import Follow, Idea, Status, Vote
from staffroom.ideas.queries import SORTS, BoardFilters, board_page, voted_ids
from staffroom.ideas.tests.factories import CampaignFactory, CategoryFactory, IdeaFactory
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
QueryCount = Callable[[Callable[[], object]], int]


def _titles(page: Any) -> list[str]:
    return [idea.title for idea in page.items]


def _idea(title: str, **fields: Any) -> Idea:
    """An idea whose stored sort columns are set directly: the sorts read only them."""
    stored = {
        key: fields.pop(key)
        for key in ("vote_count", "trending_score", "created_at", "last_activity_at")
        if key in fields
    }
    idea = IdeaFactory(title=title, **fields)
    if stored:
        Idea.objects.filter(pk=idea.pk).update(**stored)
    return idea


def _page(viewer: Person, sort: str = "top", **filters: Any) -> Any:
    return board_page(viewer=viewer, sort=sort, filters=BoardFilters(**filters), cursor=None)


@pytest.fixture
def three(db: None) -> list[Idea]:
    now = timezone.now()
    return [
        _idea(
            "Alpha",
            vote_count=5,
            trending_score=1.0,
            created_at=now - timedelta(days=3),
            last_activity_at=now - timedelta(hours=1),
        ),
        _idea(
            "Bravo",
            vote_count=9,
            trending_score=0.5,
            created_at=now - timedelta(days=2),
            last_activity_at=now - timedelta(hours=3),
        ),
        _idea(
            "Charlie",
            vote_count=1,
            trending_score=7.0,
            created_at=now - timedelta(days=1),
            last_activity_at=now - timedelta(hours=2),
        ),
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("top", ["Bravo", "Alpha", "Charlie"]),
        ("trending", ["Charlie", "Alpha", "Bravo"]),
        ("newest", ["Charlie", "Bravo", "Alpha"]),
        ("updated", ["Alpha", "Charlie", "Bravo"]),
        ("nonsense", ["Bravo", "Alpha", "Charlie"]),  # an unknown sort is "top"
    ],
)
def test_each_sort_orders_the_ideas_by_its_stored_column(
    person: Person, three: list[Idea], sort: str, expected: list[str]
) -> None:
    assert _titles(_page(person, sort)) == expected


def test_ties_are_broken_by_the_newest_id_so_every_idea_has_one_place(person: Person) -> None:
    first, second = _idea("First", vote_count=3), _idea("Second", vote_count=3)
    assert [i.pk for i in _page(person).items] == [second.pk, first.pk]


@pytest.mark.parametrize("sort", SORTS)
def test_show_more_walks_every_idea_once_in_order(person: Person, sort: str) -> None:
    now = timezone.now()
    for n in range(7):
        _idea(
            f"Idea {n}",
            vote_count=n % 3,  # ties on purpose
            trending_score=float(n % 2),
            created_at=now - timedelta(minutes=n % 4),
            last_activity_at=now - timedelta(minutes=n % 3),
        )
    whole = board_page(viewer=person, sort=sort, filters=BoardFilters(), cursor=None, limit=50)
    seen: list[int] = []
    cursor = None
    while True:
        page = board_page(viewer=person, sort=sort, filters=BoardFilters(), cursor=cursor, limit=3)
        seen.extend(idea.pk for idea in page.items)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == [idea.pk for idea in whole.items]
    assert len(seen) == 7


def test_a_malformed_cursor_means_the_first_page(person: Person, three: list[Idea]) -> None:
    page = board_page(viewer=person, sort="top", filters=BoardFilters(), cursor="!!nonsense")
    assert _titles(page) == ["Bravo", "Alpha", "Charlie"]


def test_filters_by_status_category_department_and_campaign(person: Person) -> None:
    category, department, campaign = CategoryFactory(), DepartmentFactory(), CampaignFactory()
    accepted = _idea("Accepted one", status=Status.ACCEPTED)
    in_category = _idea("In the category", category=category)
    in_department = _idea("In the department", department=department)
    in_campaign = _idea("In the campaign", campaign=campaign)
    _idea("Unrelated")

    assert _titles(_page(person, status=Status.ACCEPTED)) == [accepted.title]
    assert _titles(_page(person, category_id=category.pk)) == [in_category.title]
    assert _titles(_page(person, department_id=department.pk)) == [in_department.title]
    assert _titles(_page(person, campaign_id=campaign.pk)) == [in_campaign.title]
    assert _page(person, status=Status.IMPLEMENTED).items == []


def test_mine_lists_my_ideas_anonymous_and_held_ones_too(person: Person) -> None:
    signed = _idea("Signed", author=person)
    anonymous = _idea("Anonymous", author=person, is_anonymous=True)
    held = _idea("Held", author=person, visibility=Visibility.HELD)
    _idea("Someone else's")
    _idea("Someone else's held", visibility=Visibility.HELD)

    assert set(_titles(_page(person, "newest", mine=True))) == {
        signed.title,
        anonymous.title,
        held.title,
    }
    # Nobody else sees the held one, on any board.
    assert held.title not in _titles(_page(PersonFactory()))


def test_following_lists_ideas_i_follow_or_voted_for_once_each(person: Person) -> None:
    voted, followed, both = _idea("Voted"), _idea("Followed"), _idea("Both")
    _idea("Neither")
    other = PersonFactory()
    Vote.objects.create(idea=voted, person=person)
    Vote.objects.create(idea=both, person=person)
    Vote.objects.create(idea=followed, person=other)  # someone else's vote doesn't count
    Follow.objects.create(idea=followed, person=person)
    Follow.objects.create(idea=both, person=person)

    titles = _titles(_page(person, "newest", following=True))
    assert sorted(titles) == ["Both", "Followed", "Voted"]


def test_the_board_never_shows_held_hidden_removed_or_merged_ideas(person: Person) -> None:
    survivor = _idea("Survivor")
    _idea("Merged", merged_into=survivor, status=Status.DUPLICATE)
    for visibility in (Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED):
        _idea(f"Not shown: {visibility}", visibility=visibility)
    assert _titles(_page(person)) == ["Survivor"]


def test_voted_ids_says_which_ideas_the_viewer_voted_for_in_one_query(
    person: Person, three: list[Idea], query_count: QueryCount
) -> None:
    Vote.objects.create(idea=three[1], person=person)
    Vote.objects.create(idea=three[2], person=PersonFactory())
    assert voted_ids(person, three) == {three[1].pk}
    assert query_count(lambda: voted_ids(person, three)) == 1
    assert voted_ids(person, []) == set()


# --- The page ------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def test_the_board_without_javascript_is_a_whole_page_with_links_and_a_get_form(
    signed_in: Client, three: list[Idea]
) -> None:
    response = signed_in.get(reverse("ideas:board"), {"sort": "newest", "status": "new"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert body.index("Charlie") < body.index("Bravo") < body.index("Alpha")
    assert '<form method="get" action="/ideas/"' in body
    # Sort links keep the filters; the current sort is marked for screen readers.
    assert 'href="?status=new&amp;sort=top"' in body
    assert 'href="?status=new&amp;sort=newest" hx-get' in body
    assert 'aria-current="true">Newest' in body
    # The search box goes to the site-wide search, ideas chosen.
    assert 'action="/search/"' in body
    assert 'name="type" value="idea"' in body
    assert response["Vary"]
    assert "HX-Request" in response["Vary"]


def test_htmx_gets_only_the_results_when_sorting_or_filtering(
    signed_in: Client, three: list[Idea]
) -> None:
    response = signed_in.get(
        reverse("ideas:board"), {"sort": "trending"}, headers={**HTMX, "HX-Target": "idea-results"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="idea-results"' in body
    # The form's hidden sort follows the new sort (an out-of-band swap).
    assert 'id="board-sort" hx-swap-oob="true"' in body
    assert 'value="trending"' in body
    assert body.index("Charlie") < body.index("Alpha") < body.index("Bravo")


def test_show_more_appends_the_next_cards_with_htmx_and_is_a_link_without(
    signed_in: Client, person: Person
) -> None:
    for n in range(26):
        _idea(f"Numbered idea {n:02d}", vote_count=n)
    first = signed_in.get(reverse("ideas:board")).content.decode()
    assert "Numbered idea 25" in first
    assert "Numbered idea 01" not in first
    page = board_page(viewer=person, sort="top", filters=BoardFilters(), cursor=None)
    assert page.next_cursor is not None
    assert f'href="?sort=top&amp;cursor={page.next_cursor}"' in first

    more = signed_in.get(reverse("ideas:board"), {"cursor": page.next_cursor}, headers=HTMX)
    body = more.content.decode()
    assert "<html" not in body
    assert 'id="idea-results"' not in body
    assert "Numbered idea 01" in body
    assert "Numbered idea 00" in body
    assert "Numbered idea 25" not in body
    assert "data-focus-first" in body

    plain = signed_in.get(reverse("ideas:board"), {"cursor": page.next_cursor})
    assert "<html" in plain.content.decode()


def test_unknown_filter_values_are_ignored_not_an_error(
    signed_in: Client, three: list[Idea]
) -> None:
    response = signed_in.get(
        reverse("ideas:board"), {"status": "bogus", "category": "x", "sort": "bogus"}
    )
    assert response.status_code == 200
    assert "Alpha" in response.content.decode()


def test_a_card_shows_status_category_department_votes_comments_and_campaign(
    signed_in: Client,
) -> None:
    campaign = CampaignFactory(title="Safer nights")
    idea = _idea(
        "Quieter nights",
        vote_count=4,
        status=Status.UNDER_REVIEW,
        campaign=campaign,
        category=CategoryFactory(name="Patient care"),
        department=DepartmentFactory(name="Cardiology"),
    )
    idea.thread.comment_count = 3
    idea.thread.save(update_fields=["comment_count"])
    body = signed_in.get(reverse("ideas:board")).content.decode()
    assert "idea-status--under_review" in body
    assert "Under review" in body
    assert "Patient care · Cardiology" in body
    assert '<strong class="vote-box__number">4</strong> votes' in body
    assert "3 comments" in body
    assert "Safer nights" in body
    assert idea.author.display_name in body


def test_an_anonymous_idea_on_the_board_shows_no_name(signed_in: Client) -> None:
    author = PersonFactory(first_name="Zebedee", last_name="Quartermaine")
    _idea("A secret idea", author=author, is_anonymous=True)
    body = signed_in.get(reverse("ideas:board")).content.decode()
    assert "A secret idea" in body
    assert "Anonymous" in body
    assert "Zebedee" not in body
    assert "Quartermaine" not in body
    assert author.username not in body


def test_the_board_needs_signing_in(client: Client) -> None:
    response = client.get(reverse("ideas:board"))
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


# --- Query counts --------------------------------------------------------------------------


def _make_ideas(n: int, viewer: Person) -> None:
    campaign = CampaignFactory()
    category = CategoryFactory()
    for i in range(n):
        idea = IdeaFactory(
            category=category,
            campaign=campaign if i % 2 else None,
            is_anonymous=bool(i % 3 == 0),
            vote_count=i,
        )
        if i % 4 == 0:
            Vote.objects.create(idea=idea, person=viewer)


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "top"},
        {"sort": "trending"},
        {"sort": "newest"},
        {"sort": "updated"},
        {"sort": "top", "status": "new", "following": "on"},
        {"sort": "newest", "mine": "on"},
    ],
)
def test_the_board_makes_the_same_number_of_queries_for_3_and_30_ideas(
    client: Client, person: Person, query_count: QueryCount, params: dict[str, str]
) -> None:
    from django.core.cache import cache

    client.force_login(person)

    def measure() -> int:
        cache.clear()  # render every card: the slow path is the one that must not grow
        return query_count(lambda: client.get(reverse("ideas:board"), params))

    client.get(reverse("ideas:board"))  # the session's first request does its own writes
    _make_ideas(3, person)
    small = measure()
    _make_ideas(27, person)
    large = measure()
    assert small == large
