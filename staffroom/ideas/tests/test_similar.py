"""Similar ideas while typing: ranked by the search index, shown ideas only, bounded cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffroom.core.models import Visibility
from staffroom.ideas.models import Idea, Status
from staffroom.ideas.similar import choose_words, significant_words, similar_ideas
from staffroom.ideas.tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _titles(ideas: list[Idea]) -> list[str]:
    return [idea.title for idea in ideas]


def test_the_most_similar_idea_comes_first() -> None:
    IdeaFactory(
        title="Quieter call bells at night",
        problem="Call bells ring loudly all night and wake every patient on the ward.",
        proposal="Switch the bells to a soft chime after 10pm.",
    )
    IdeaFactory(
        title="Better coffee in the staff room",
        problem="The coffee machine is always broken at night.",
        proposal="Buy a new machine.",
    )
    IdeaFactory(
        title="Call bell batteries",
        problem="Handsets run out of battery.",
        proposal="Keep spare batteries at the nurses' station.",
    )
    found = similar_ideas(
        text="Call bells too loud\nThe call bells wake patients at night",
        title="Call bells too loud",
    )
    assert found[0].title == "Quieter call bells at night"
    assert "Better coffee in the staff room" in _titles(found)  # "night" is shared, ranked last
    assert _titles(found)[-1] == "Better coffee in the staff room"


def test_each_idea_comes_with_its_status_and_vote_count() -> None:
    IdeaFactory(title="Hand gel at every bed", status=Status.ACCEPTED, vote_count=12)
    [idea] = similar_ideas(text="hand gel")
    assert idea.get_status_display() == "Accepted"
    assert idea.vote_count == 12


def test_held_hidden_removed_and_merged_ideas_are_never_suggested() -> None:
    survivor = IdeaFactory(title="Parking permits for night staff")
    for visibility in (Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED):
        IdeaFactory(title=f"Parking permits ({visibility})", visibility=visibility)
    IdeaFactory(title="Parking permits again", status=Status.DUPLICATE, merged_into=survivor)
    assert _titles(similar_ideas(text="parking permits")) == ["Parking permits for night staff"]


def test_an_idea_stops_being_suggested_when_it_is_held_and_returns_when_released() -> None:
    idea = IdeaFactory(title="Lockers for agency nurses")
    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.HELD)
    assert similar_ideas(text="lockers") == []
    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.VISIBLE)
    assert _titles(similar_ideas(text="lockers")) == ["Lockers for agency nurses"]


def test_an_edited_idea_is_found_by_its_new_words() -> None:
    idea = IdeaFactory(title="Rota app", problem="Swaps are done on paper.")
    Idea.objects.filter(pk=idea.pk).update(problem="Swaps are done by text message.")
    assert similar_ideas(text="paper") == []
    assert _titles(similar_ideas(text="message")) == ["Rota app"]


def test_the_idea_being_edited_is_left_out() -> None:
    idea = IdeaFactory(title="Water jugs on every bay")
    other = IdeaFactory(title="Water jugs refilled twice a day")
    assert _titles(similar_ideas(text="water jugs", exclude_id=idea.pk)) == [other.title]


def test_stop_words_and_short_words_ask_nothing() -> None:
    IdeaFactory(title="The idea of the day")
    assert significant_words("The idea of a day, the DAY!") == ["day"]
    assert similar_ideas(text="the of and to a") == []
    assert similar_ideas(text="   ") == []


def test_accents_and_case_are_folded_as_the_index_folds_them() -> None:
    IdeaFactory(title="Cafetería abierta de noche")
    assert _titles(similar_ideas(text="CAFETERIA noche")) == ["Cafetería abierta de noche"]


def test_the_rarest_words_are_kept_within_the_budget() -> None:
    counts = {"night": 1900, "bells": 40, "chime": 2, "ward": 1500}
    assert choose_words(counts, ["night", "bells", "chime", "ward"]) == ["chime", "bells", "ward"]
    # A word held by no idea is never asked for; the rarest is kept even over the budget.
    assert choose_words({"rare": 0, "common": 9000}, ["rare", "common"]) == ["common"]


def test_symbols_in_what_is_typed_are_only_word_breaks() -> None:
    IdeaFactory(title="Fix the bay 3 door")
    assert _titles(similar_ideas(text='door" OR * NEAR( -bay:')) == ["Fix the bay 3 door"]


def test_the_lookup_costs_the_same_queries_with_few_or_many_ideas() -> None:
    IdeaFactory(title="Night lights in corridors")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            similar_ideas(text="night lights corridors", limit=5)
        return len(queries)

    count()  # PostgreSQL reads the planner's word statistics once every few minutes
    few = count()
    IdeaFactory.create_batch(30, title="Night lights in the corridors and bays")
    assert count() == few <= 3
