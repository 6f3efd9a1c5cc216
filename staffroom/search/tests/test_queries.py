"""The index follows every write (through the database triggers) and search obeys the live
audience rule. Rows are written directly, as bulk loads and the admin would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.discussion.models import Comment
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory
from staffroom.search.models import SearchDocument
from staffroom.search.queries import CANDIDATE_LIMIT, SearchFilters, search
from staffroom.search.tests.factories import (
    make_channel,
    make_comment,
    make_initiative,
    make_post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer() -> Person:
    return PersonFactory()


def titles(viewer: Person, text: str, **filters: object) -> list[str]:
    results = search(viewer=viewer, text=text, filters=SearchFilters(**filters))  # type: ignore[arg-type]
    return [
        str(hit.title_html).replace("<mark>", "").replace("</mark>", "") for hit in results.hits
    ]


def test_a_new_post_is_found_by_a_word_of_its_title_summary_or_body(viewer: Person) -> None:
    make_post(title="Parking at Northgate", summary="New permits", body="The east car park")
    assert titles(viewer, "parking") == ["Parking at Northgate"]
    assert titles(viewer, "permits") == ["Parking at Northgate"]
    assert titles(viewer, "east car") == ["Parking at Northgate"]


def test_an_edited_post_is_found_by_its_new_words_and_not_its_old_ones(viewer: Person) -> None:
    post = make_post(title="Flu clinic", body="Tuesday mornings")
    post.body = "Thursday evenings"
    post.save()
    assert titles(viewer, "tuesday") == []
    assert titles(viewer, "thursday") == ["Flu clinic"]


def test_a_deleted_post_and_its_comments_leave_the_index(viewer: Person) -> None:
    post = make_post(title="Canteen menu", body="Soup")
    make_comment(on=post, body="More soup please")
    Comment.objects.filter(thread_id=post.thread_id).delete()
    post.delete()
    assert titles(viewer, "soup") == []
    assert not SearchDocument.objects.exists()


def test_comments_are_found_and_linked_to_their_post(viewer: Person) -> None:
    post = make_post(title="Night shift parking")
    comment = make_comment(on=post, body="The barrier is broken again")
    results = search(viewer=viewer, text="barrier")
    [hit] = results.hits
    assert hit.kind == "comment"
    assert str(hit.title_html) == "Comment on Night shift parking"
    assert hit.url == f"/posts/{post.pk}/#comment-{comment.pk}"
    assert "<mark>barrier</mark>" in hit.snippet_html


def test_an_edited_comment_is_found_by_its_new_words(viewer: Person) -> None:
    comment = make_comment(on=make_post(), body="Typo in the rota")
    comment.body = "Mistake in the rota"
    comment.save()
    assert titles(viewer, "typo") == []
    assert len(titles(viewer, "mistake")) == 1


def test_a_removed_comment_is_not_found_and_a_restored_one_is_again(viewer: Person) -> None:
    comment = make_comment(on=make_post(), body="Something regrettable")
    comment.deleted_at = timezone.now()
    comment.save()
    assert titles(viewer, "regrettable") == []
    comment.deleted_at = None
    comment.save()
    assert len(titles(viewer, "regrettable")) == 1


def test_initiatives_and_their_comments_are_found_by_everyone(viewer: Person) -> None:
    initiative = make_initiative(title="Faster discharge", goal="Home before noon")
    make_comment(on=initiative, body="Pharmacy needs to be involved before noon")
    results = search(viewer=viewer, text="noon")
    assert {hit.kind for hit in results.hits} == {"initiative", "comment"}
    urls = {hit.url for hit in results.hits}
    assert f"/initiatives/{initiative.slug}/" in urls


def test_an_edited_and_a_deleted_initiative_follow_in_the_index(viewer: Person) -> None:
    initiative = make_initiative(title="Green theatres", goal="Less anaesthetic gas")
    initiative.goal = "Reusable gowns"
    initiative.save()
    assert titles(viewer, "anaesthetic") == []
    assert titles(viewer, "gowns") == ["Green theatres"]
    initiative.delete()
    assert titles(viewer, "gowns") == []


def test_drafts_archived_and_future_scheduled_posts_are_not_found(viewer: Person) -> None:
    make_post(title="Draft budget", status=Post.Status.DRAFT, published_at=None)
    make_post(title="Archived budget", status=Post.Status.ARCHIVED)
    make_post(
        title="Scheduled budget",
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    make_post(title="Published budget")
    assert titles(viewer, "budget") == ["Published budget"]


def test_comments_on_a_draft_post_are_not_found(viewer: Person) -> None:
    draft = make_post(title="Draft", status=Post.Status.DRAFT, published_at=None)
    make_comment(on=draft, body="Early feedback")
    assert titles(viewer, "feedback") == []


def test_someone_outside_the_audience_never_sees_the_post_or_its_comments() -> None:
    pharmacy = DepartmentFactory(name="Pharmacy")
    insider = PersonFactory(unit=UnitFactory(department=pharmacy))
    outsider = PersonFactory()
    post = make_post(title="Controlled drugs audit", body="Audit on Friday")
    post.audience_departments.set([pharmacy])
    Post.objects.filter(pk=post.pk).update(audience_restricted=True)
    make_comment(on=post, body="Which audit forms?")
    assert len(search(viewer=insider, text="audit").hits) == 2
    outsider_results = search(viewer=outsider, text="audit")
    assert outsider_results.hits == []
    assert outsider_results.total == 0


def test_a_change_of_audience_applies_to_search_at_once() -> None:
    pharmacy = DepartmentFactory(name="Pharmacy")
    outsider = PersonFactory()
    post = make_post(title="Rota changes")
    assert titles(outsider, "rota") == ["Rota changes"]
    post.audience_departments.set([pharmacy])
    Post.objects.filter(pk=post.pk).update(audience_restricted=True)
    assert titles(outsider, "rota") == []
    post.audience_departments.clear()
    Post.objects.filter(pk=post.pk).update(audience_restricted=False)
    assert titles(outsider, "rota") == ["Rota changes"]


def test_archiving_a_post_removes_it_from_results_at_once(viewer: Person) -> None:
    post = make_post(title="Old news")
    Post.objects.filter(pk=post.pk).update(status=Post.Status.ARCHIVED)
    assert titles(viewer, "news") == []


def test_a_phrase_in_quotes_finds_the_words_together(viewer: Person) -> None:
    make_post(title="Hand hygiene", body="Clean hands save lives")
    make_post(title="Hygiene of the hand dryer", body="The dryer is noisy")
    assert titles(viewer, '"hand hygiene"') == ["Hand hygiene"]
    assert len(titles(viewer, "hand hygiene")) == 2


def test_a_trailing_partial_word_matches_words_starting_with_it(viewer: Person) -> None:
    make_post(title="Vaccination drive")
    assert titles(viewer, "vacc") == ["Vaccination drive"]


def test_every_word_must_match(viewer: Person) -> None:
    make_post(title="Car park", body="Parking permits")
    make_post(title="Car share", body="Lift to work")
    assert titles(viewer, "car permits") == ["Car park"]


def test_accents_are_ignored_both_ways(viewer: Person) -> None:
    make_post(title="Información para el personal", body="Cafetería abierta")
    assert titles(viewer, "informacion") == ["Información para el personal"]
    assert titles(viewer, "CAFÉTERIA") == ["Información para el personal"]
    [hit] = search(viewer=viewer, text="cafeteria").hits
    assert "<mark>Cafetería</mark>" in hit.snippet_html


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        "*",
        "-",
        "NEAR",
        "NEAR(a b)",
        "(",
        ")",
        ":",
        "title:x",
        "a OR",
        "AND",
        "NOT",
        "^",
        "'",
        "'; DROP TABLE x; --",
        "a & b | !c",
        "<->",
        "x:*",
        "\\",
        "%",
        "_",
        "…",
        "🙂",
    ],
)
def test_search_syntax_characters_never_cause_an_error(viewer: Person, text: str) -> None:
    make_post(title="Near the ward", body="A title: x and NOT much more")
    search(viewer=viewer, text=text)
    search(viewer=viewer, text=f"ward {text}")


def test_words_that_are_search_operators_are_searched_as_words(viewer: Person) -> None:
    make_post(title="Parking near the entrance")
    assert titles(viewer, "NEAR entrance") == ["Parking near the entrance"]


def test_html_in_a_post_is_escaped_in_the_highlighted_snippet(viewer: Person) -> None:
    make_post(title="Safety <b>alert</b>", body="Do not run <script>alert('x')</script> here")
    [hit] = search(viewer=viewer, text="alert").hits
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;<mark>alert</mark>(&#x27;x&#x27;)&lt;/script&gt;" in hit.snippet_html
    assert str(hit.title_html) == "Safety &lt;b&gt;<mark>alert</mark>&lt;/b&gt;"


def test_a_long_body_is_cut_to_a_snippet_around_the_first_match(viewer: Person) -> None:
    body = " ".join(["filler"] * 200) + " the defibrillator moved " + " ".join(["more"] * 200)
    make_post(title="Equipment", body=body)
    [hit] = search(viewer=viewer, text="defibrillator").hits
    assert "<mark>defibrillator</mark>" in hit.snippet_html
    assert hit.snippet_html.startswith("…")
    assert hit.snippet_html.endswith("…")
    assert len(hit.snippet_html) < 400


def test_title_matches_rank_above_body_matches(viewer: Person) -> None:
    make_post(title="Weekly update", body="A note about sepsis screening")
    make_post(title="Sepsis screening", body="The new pathway")
    assert titles(viewer, "sepsis")[0] == "Sepsis screening"


def test_results_can_be_narrowed_by_type(viewer: Person) -> None:
    post = make_post(title="Theatre lists")
    make_comment(on=post, body="Theatre lists are late")
    make_initiative(title="Theatre efficiency")
    kinds = {
        kind: [
            hit.kind
            for hit in search(
                viewer=viewer, text="theatre", filters=SearchFilters(kinds=frozenset([kind]))
            ).hits
        ]
        for kind in ("post", "comment", "initiative")
    }
    assert kinds == {"post": ["post"], "comment": ["comment"], "initiative": ["initiative"]}


def test_results_can_be_narrowed_by_channel(viewer: Person) -> None:
    radiology = make_channel("Radiology")
    post = make_post(title="Scanner downtime", channel=radiology)
    make_comment(on=post, body="Scanner is back")
    make_post(title="Scanner in ED")
    found = search(viewer=viewer, text="scanner", filters=SearchFilters(channel_id=radiology.pk))
    assert {hit.kind for hit in found.hits} == {"post", "comment"}
    assert all(hit.channel == radiology for hit in found.hits)


def test_moving_a_post_to_another_channel_moves_its_comments_in_search(viewer: Person) -> None:
    post = make_post(title="Lost property")
    make_comment(on=post, body="Lost property office hours")
    other = make_channel("Facilities")
    post.channel = other
    post.save()
    found = search(viewer=viewer, text="property", filters=SearchFilters(channel_id=other.pk))
    assert len(found.hits) == 2


def test_results_can_be_narrowed_by_date(viewer: Person) -> None:
    today = timezone.localdate()
    make_post(title="Old rota", published_at=timezone.now() - timedelta(days=40))
    make_post(title="New rota")
    assert titles(viewer, "rota", date_from=today - timedelta(days=7)) == ["New rota"]
    assert titles(viewer, "rota", date_to=today - timedelta(days=30)) == ["Old rota"]
    assert titles(viewer, "rota", date_from=date(2000, 1, 1), date_to=date(2000, 1, 2)) == []


def test_more_results_continue_after_the_first_page_without_repeating(viewer: Person) -> None:
    for i in range(25):
        make_post(title=f"Bulletin {i}")
    first = search(viewer=viewer, text="bulletin", limit=20)
    assert first.total == 25
    assert len(first.hits) == 20
    assert first.next_cursor
    second = search(viewer=viewer, text="bulletin", limit=20, cursor=first.next_cursor)
    assert len(second.hits) == 5
    assert second.next_cursor is None
    assert not {h.url for h in first.hits} & {h.url for h in second.hits}


def test_a_tampered_cursor_starts_from_the_top(viewer: Person) -> None:
    make_post(title="Bulletin")
    for cursor in ("nonsense", "WzEsMl0", "WyJhIiwiYiJd", "W251bGwsIG51bGxd"):
        assert len(search(viewer=viewer, text="bulletin", cursor=cursor).hits) == 1


def test_more_matches_than_the_candidate_limit_are_reported_as_capped(viewer: Person) -> None:
    channel = make_channel()
    author = PersonFactory()
    for i in range(CANDIDATE_LIMIT + 5):
        make_post(title=f"Notice {i}", channel=channel, author=author)
    results = search(viewer=viewer, text="notice")
    assert results.is_capped
    assert results.total == CANDIDATE_LIMIT


def test_invisible_matches_do_not_use_up_the_candidate_limit() -> None:
    pharmacy = DepartmentFactory(name="Pharmacy")
    outsider = PersonFactory()
    visible = make_post(title="Notice for everyone")
    channel = make_channel()
    author = PersonFactory()
    for i in range(CANDIDATE_LIMIT + 5):
        hidden = make_post(title=f"Notice {i}", channel=channel, author=author)
        hidden.audience_departments.set([pharmacy])
    Post.objects.exclude(pk=visible.pk).update(audience_restricted=True)
    results = search(viewer=outsider, text="notice")
    assert [hit.url for hit in results.hits] == [f"/posts/{visible.pk}/"]
    assert results.total == 1
    assert not results.is_capped


def test_an_empty_query_searches_nothing(
    viewer: Person, query_count: Callable[[Callable[[], object]], int]
) -> None:
    make_post(title="Anything")
    assert query_count(lambda: search(viewer=viewer, text="  ")) == 0
    assert search(viewer=viewer, text='"" -').hits == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's recent window")
def test_postgresql_finds_older_documents_when_recent_ones_are_not_enough(
    viewer: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from staffroom.search.backends.postgres import PostgresBackend

    monkeypatch.setattr(PostgresBackend, "recent_window", 2)
    make_post(title="Old lanyard policy")
    for i in range(5):
        make_post(title=f"Recent news {i}")
    make_post(title="New lanyard colours")
    assert sorted(titles(viewer, "lanyard")) == ["New lanyard colours", "Old lanyard policy"]
    assert len(titles(viewer, "news")) == 5
