"""Ideas in the site-wide search: shown ideas and comments on them are found, held, hidden,
removed and merged ones are not, results never name an anonymous author, and a rebuild
makes exactly what the triggers make."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment
from staffroom.ideas.models import Idea, Status
from staffroom.ideas.similar import similar_ideas
from staffroom.ideas.tests.factories import IdeaFactory
from staffroom.search.models import SearchDocument
from staffroom.search.queries import SearchFilters, search
from staffroom.search.services import rebuild_search_index
from staffroom.search.tests.factories import make_comment, make_initiative, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer() -> Person:
    return PersonFactory()


def _plain(html: object) -> str:
    return str(html).replace("<mark>", "").replace("</mark>", "")


def _comment_on(idea: Idea, body: str) -> Comment:
    return Comment.objects.create(
        thread_id=idea.thread_id, author=PersonFactory(), body=body, body_html=f"<p>{body}</p>"
    )


def test_a_shown_idea_is_found_by_its_title_problem_or_proposal(viewer: Person) -> None:
    idea = IdeaFactory(
        title="Quieter call bells",
        problem="Bells wake patients",
        proposal="A softer chime",
        status=Status.UNDER_REVIEW,
    )
    for word in ("quieter", "wake", "chime"):
        [hit] = search(viewer=viewer, text=word).hits
        assert hit.kind == "idea"
        assert _plain(hit.title_html) == "Quieter call bells"
        assert hit.url == f"/ideas/{idea.pk}/"
        assert hit.status_label == "Under review"


def test_the_title_weighs_more_than_the_words_below_it(viewer: Person) -> None:
    IdeaFactory(title="Staff parking", problem="Nowhere to park.", proposal="More spaces.")
    IdeaFactory(title="Rota swaps", problem="Parking is also hard.", proposal="An app.")
    hits = search(viewer=viewer, text="parking").hits
    assert [_plain(h.title_html) for h in hits] == ["Staff parking", "Rota swaps"]


def test_held_hidden_removed_and_merged_ideas_are_not_found(viewer: Person) -> None:
    survivor = IdeaFactory(title="Lockers for agency staff")
    for visibility in (Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED):
        IdeaFactory(title=f"Lockers {visibility}", visibility=visibility)
    IdeaFactory(title="Lockers again", status=Status.DUPLICATE, merged_into=survivor)
    hits = search(viewer=viewer, text="lockers").hits
    assert [_plain(h.title_html) for h in hits] == ["Lockers for agency staff"]
    assert SearchDocument.objects.filter(kind="idea").count() == 1


def test_an_idea_leaves_the_index_when_held_and_returns_when_released(viewer: Person) -> None:
    idea = IdeaFactory(title="Brighter stairwells")
    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.HELD)
    assert search(viewer=viewer, text="stairwells").total == 0
    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.VISIBLE)
    assert search(viewer=viewer, text="stairwells").total == 1


def test_an_edited_idea_is_found_by_its_new_words_only(viewer: Person) -> None:
    idea = IdeaFactory(title="Blue aprons")
    Idea.objects.filter(pk=idea.pk).update(title="Green aprons")
    assert search(viewer=viewer, text="blue").total == 0
    assert search(viewer=viewer, text="green").total == 1


def test_a_vote_count_change_does_not_rewrite_the_index(viewer: Person) -> None:
    idea = IdeaFactory(title="Night lights")
    before = SearchDocument.objects.get(kind="idea", source_id=idea.pk)
    Idea.objects.filter(pk=idea.pk).update(vote_count=5, trending_score=3.0)
    after = SearchDocument.objects.get(kind="idea", source_id=idea.pk)
    assert (before.pk, before.title) == (after.pk, after.title)


def test_comments_on_shown_ideas_are_found_and_link_to_the_idea(viewer: Person) -> None:
    idea = IdeaFactory(title="Water jugs on every bay")
    comment = _comment_on(idea, "The jugs in bay four crack easily")
    [hit] = search(viewer=viewer, text="crack").hits
    assert hit.kind == "comment"
    assert str(hit.title_html) == "Comment on Water jugs on every bay"
    assert hit.url == f"/ideas/{idea.pk}/#comment-{comment.pk}"


def test_comments_on_an_idea_that_is_hidden_or_merged_are_not_found(viewer: Person) -> None:
    hidden = IdeaFactory(title="Hidden idea")
    _comment_on(hidden, "Zanzibar remark")
    merged_into = IdeaFactory(title="Survivor")
    merged = IdeaFactory(title="Merged")
    _comment_on(merged, "Xylophone remark")
    assert search(viewer=viewer, text="zanzibar").total == 1
    Idea.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    Idea.objects.filter(pk=merged.pk).update(status=Status.DUPLICATE, merged_into=merged_into)
    assert search(viewer=viewer, text="zanzibar").total == 0
    assert search(viewer=viewer, text="xylophone").total == 0


def test_the_ideas_kind_filter_finds_only_ideas(viewer: Person) -> None:
    IdeaFactory(title="Canteen hours")
    make_post(title="Canteen menu")
    hits = search(
        viewer=viewer, text="canteen", filters=SearchFilters(kinds=frozenset({"idea"}))
    ).hits
    assert [h.kind for h in hits] == ["idea"]


def test_a_deleted_idea_and_its_comments_leave_the_index(viewer: Person) -> None:
    idea = IdeaFactory(title="Short lived")
    _comment_on(idea, "Short comment")
    Comment.objects.filter(thread_id=idea.thread_id).delete()
    idea.delete()
    assert not SearchDocument.objects.filter(kind="idea").exists()
    assert search(viewer=viewer, text="short").total == 0


def test_an_inactive_person_finds_no_ideas() -> None:
    IdeaFactory(title="Quiet room")
    leaver = PersonFactory(is_active=False)
    assert search(viewer=leaver, text="quiet").total == 0


def test_the_search_page_shows_idea_results_without_an_anonymous_authors_name(
    client: Client, viewer: Person
) -> None:
    author = PersonFactory(first_name="Zebedee", last_name="Quill", username="zebedee.quill")
    idea = IdeaFactory(title="Anonymous parking idea", is_anonymous=True, author=author)
    _comment_on(idea, "Parking is worse on Mondays")
    client.force_login(viewer)
    response = client.get("/search/", {"q": "parking"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anonymous parking idea" in html
    assert f'href="/ideas/{idea.pk}/"' in html
    assert "New" in html  # its status
    for name in ("Zebedee", "Quill", "zebedee.quill"):
        assert name not in html
    assert 'value="idea"' in html  # the "Ideas" choice of the type filter


@pytest.fixture
def _no_statistics_cache() -> Iterator[None]:
    if connection.vendor == "postgresql":
        from staffroom.search.backends import postgres

        postgres._statistics.clear()
        yield
        postgres._statistics.clear()
    else:
        yield


@pytest.mark.usefixtures("_no_statistics_cache")
def test_similar_ideas_use_the_planners_statistics_once_the_database_is_analysed() -> None:
    IdeaFactory(title="Soft chime for call bells", problem="Loud bells", proposal="A chime")
    IdeaFactory.create_batch(30, title="Staff room chairs", problem="Old chairs", proposal="New")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
    found = similar_ideas(text="staff chime bells", limit=3)
    assert found[0].title == "Soft chime for call bells"


def test_a_rebuild_makes_exactly_what_the_triggers_made(viewer: Person) -> None:
    idea = IdeaFactory(title="Hand gel", is_anonymous=True)
    IdeaFactory(title="Held one", visibility=Visibility.HELD)
    survivor = IdeaFactory(title="Survivor idea")
    IdeaFactory(title="Merged idea", status=Status.DUPLICATE, merged_into=survivor)
    _comment_on(idea, "Gel dispensers run dry")
    post = make_post(title="A post")
    make_comment(on=post, body="On the post")
    initiative = make_initiative(title="An initiative")
    make_comment(on=initiative, body="On the initiative")
    columns = (
        "kind",
        "source_id",
        "post_id",
        "initiative_id",
        "idea_id",
        "channel_id",
        "dated_at",
        "title",
        "summary",
        "body",
    )
    by_triggers = sorted(SearchDocument.objects.values_list(*columns))
    rebuild_search_index()
    assert sorted(SearchDocument.objects.values_list(*columns)) == by_triggers
    assert search(viewer=viewer, text="gel").total == 2
    assert [i.title for i in similar_ideas(text="hand gel")] == ["Hand gel"]
