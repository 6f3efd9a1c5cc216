"""The review pages: the reviewers' queue, answering and merging through the forms (with
and without htmx), who may open them, what they cost, and how the updates read in the
notification centre."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.core.models import Visibility
from staffroom.ideas.models import Idea, Response, Status, Vote
from staffroom.ideas.services.proposing import set_idea_visibility
from staffroom.ideas.services.reviewing import merge_ideas, respond
from staffroom.ideas.services.voting import vote
from staffroom.ideas.tests.factories import CategoryFactory
from staffroom.ideas.tests.test_review_services import propose, reviewer_for
from staffroom.notifications.models import Notification

pytestmark = pytest.mark.django_db


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def query_count(request: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as context:
        response = request()
    assert response.status_code == 200
    return len(context.captured_queries)


def make_overdue(idea: Idea, days: int) -> None:
    Idea.objects.filter(pk=idea.pk).update(
        created_at=timezone.now() - timedelta(days=14 + days),
        response_due_at=timezone.now() - timedelta(days=days, hours=1),
    )


# --- The queue ----------------------------------------------------------------------------------


def test_people_who_review_nothing_get_a_clear_403():
    response = signed_in(PersonFactory()).get(reverse("ideas:review_queue"))
    assert response.status_code == 403
    assert "Only idea reviewers can open the review queue" in response.content.decode()


def test_the_queue_lists_only_ideas_in_scope_oldest_due_first_with_overdue_marked():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    late = propose(author, title="Brighter corridor lights")
    make_overdue(late, 3)
    fresh = propose(author, title="Water jugs at every bed")
    elsewhere = propose(PersonFactory(), title="Radiology parking permits")
    answered = propose(author, title="Answered already")
    respond(idea=answered, reviewer=reviewer, message="Yes.", status="accepted")

    page = signed_in(reviewer).get(reverse("ideas:review_queue")).content.decode()

    assert late.title in page
    assert fresh.title in page
    assert page.index(late.title) < page.index(fresh.title)
    assert elsewhere.title not in page
    assert answered.title not in page
    assert "Overdue by 3 days" in page
    assert author.department.name in page

    overdue = signed_in(reviewer).get(reverse("ideas:review_queue"), {"tab": "overdue"})
    text = overdue.content.decode()
    assert late.title in text
    assert fresh.title not in text

    open_tab = signed_in(reviewer).get(reverse("ideas:review_queue"), {"tab": "open"})
    assert answered.title in open_tab.content.decode()
    assert late.title not in open_tab.content.decode()


def test_a_category_reviewer_sees_each_idea_once_however_many_reviewers_the_category_has():
    category = CategoryFactory()
    specialist = PersonFactory()
    category.reviewers.add(specialist, *PersonFactory.create_batch(3))
    idea = propose(PersonFactory(), category=category, title="Falls sensors on every bed")
    page = signed_in(specialist).get(reverse("ideas:review_queue")).content.decode()
    assert page.count(f'id="queue-idea-{idea.pk}"') == 1


def test_show_more_pages_the_queue_without_repeating_an_idea():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    category = CategoryFactory()
    ideas = [propose(author, title=f"Idea number {n}", category=category) for n in range(30)]
    client = signed_in(reviewer)
    first = client.get(reverse("ideas:review_queue"))
    cursor = first.context["page"].next_cursor
    assert cursor
    rest = client.get(reverse("ideas:review_queue"), {"cursor": cursor}, HTTP_HX_REQUEST="true")
    text = rest.content.decode()
    assert "<html" not in text
    shown = [int(pk) for pk in re.findall(r'id="queue-idea-(\d+)"', first.content.decode() + text)]
    assert sorted(shown) == sorted(i.pk for i in ideas)
    assert 'id="queue-more"' not in text


@pytest.mark.parametrize("tab", ["waiting", "overdue", "open"])
def test_the_queue_costs_the_same_with_few_and_many_ideas(tab):
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    category = CategoryFactory()
    client = signed_in(reviewer)

    def make(n: int) -> None:
        for _ in range(n):
            idea = propose(PersonFactory(unit=author.unit), category=category)
            make_overdue(idea, 2)
            if tab == "open":
                respond(idea=idea, reviewer=reviewer, message="Yes.", status="accepted")

    make(2)
    client.get(reverse("ideas:review_queue"), {"tab": tab})
    few = query_count(lambda: client.get(reverse("ideas:review_queue"), {"tab": tab}))
    make(30)
    many = query_count(lambda: client.get(reverse("ideas:review_queue"), {"tab": tab}))
    assert few == many


# --- Answering -----------------------------------------------------------------------------------


@pytest.fixture
def idea_and_reviewer() -> tuple[Idea, Person]:
    author = PersonFactory()
    return propose(author, title="Quieter night rounds"), reviewer_for(author.department)


def test_the_review_page_shows_the_idea_and_the_statuses_to_choose(idea_and_reviewer):
    idea, reviewer = idea_and_reviewer
    page = signed_in(reviewer).get(reverse("ideas:review", args=[idea.pk])).content.decode()
    assert idea.title in page
    assert 'value="accepted"' in page
    assert 'value="not_planned"' in page
    assert 'value="duplicate"' not in page
    assert 'value="new"' not in page  # the current status is "keep"
    assert "Merge as a duplicate" in page


def test_reviewers_outside_the_scope_get_a_403_on_every_review_page(idea_and_reviewer):
    idea, _reviewer = idea_and_reviewer
    stranger = signed_in(reviewer_for(PersonFactory().department))
    for name in ("ideas:review", "ideas:merge"):
        assert stranger.get(reverse(name, args=[idea.pk])).status_code == 403
        refused = stranger.post(reverse(name, args=[idea.pk]), {"message": "Hi", "status": ""})
        assert refused.status_code == 403
    assert not Response.objects.exists()


def test_a_held_idea_is_a_404_to_its_reviewer():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author, problem="Mrs Jane Doe, MRN 12345678, fell in bay 3 last night.")
    assert signed_in(reviewer).get(reverse("ideas:review", args=[idea.pk])).status_code == 404


def test_answering_through_the_form_accepts_the_idea_and_goes_to_its_page(idea_and_reviewer):
    idea, reviewer = idea_and_reviewer
    response = signed_in(reviewer).post(
        reverse("ideas:review", args=[idea.pk]),
        {"message": "Yes, from Monday.", "status": "accepted"},
    )
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    idea.refresh_from_db()
    assert idea.status == Status.ACCEPTED


def test_with_htmx_a_good_answer_redirects_the_page(idea_and_reviewer):
    idea, reviewer = idea_and_reviewer
    response = signed_in(reviewer).post(
        reverse("ideas:review", args=[idea.pk]),
        {"message": "Looking into it.", "status": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Redirect"] == idea.get_absolute_url()
    assert Response.objects.filter(idea=idea, to_status="new").exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_answer_keeps_the_words_and_says_why(idea_and_reviewer, htmx):
    idea, reviewer = idea_and_reviewer
    words = "We called Mrs Jane Doe, MRN 12345678, about her fall"
    extra: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = signed_in(reviewer).post(
        reverse("ideas:review", args=[idea.pk]), {"message": words, "status": "accepted"}, **extra
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "patient information" in text
    assert "MRN 12345678, about her fall</textarea>" in text
    assert re.search(r'value="accepted"[^>]*checked', text)
    assert ("<html" in text) is not htmx
    assert not Response.objects.exists()


def test_an_empty_answer_or_a_duplicate_status_is_refused(idea_and_reviewer):
    idea, reviewer = idea_and_reviewer
    client = signed_in(reviewer)
    empty = client.post(reverse("ideas:review", args=[idea.pk]), {"message": " ", "status": ""})
    assert "Write a response" in empty.content.decode()
    duplicate = client.post(
        reverse("ideas:review", args=[idea.pk]), {"message": "Dup", "status": "duplicate"}
    )
    assert "Choose one of the listed statuses" in duplicate.content.decode()
    assert not Response.objects.exists()


def test_a_hidden_idea_shows_why_it_cannot_be_answered_to_a_moderator_reviewer():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    RoleGrantFactory(person=reviewer, role=Role.MODERATOR)
    idea = propose(author)
    set_idea_visibility(idea=idea, visibility=Visibility.HIDDEN)
    page = signed_in(reviewer).get(reverse("ideas:review", args=[idea.pk])).content.decode()
    assert "isn't shown to staff at the moment" in page
    assert "Send the response" not in page


def test_the_review_page_costs_the_same_with_few_and_many_responses(idea_and_reviewer):
    idea, reviewer = idea_and_reviewer
    client = signed_in(reviewer)
    respond(idea=idea, reviewer=reviewer, message="One.")
    client.get(reverse("ideas:review", args=[idea.pk]))
    few = query_count(lambda: client.get(reverse("ideas:review", args=[idea.pk])))
    for n in range(10):
        respond(idea=idea, reviewer=reviewer_for(idea.department), message=f"More {n}.")
    many = query_count(lambda: client.get(reverse("ideas:review", args=[idea.pk])))
    assert few == many


# --- Merging ------------------------------------------------------------------------------------


def test_merging_through_the_pages_search_choose_confirm(idea_and_reviewer):
    duplicate, reviewer = idea_and_reviewer
    survivor = propose(duplicate.author, title="Group the 2am observations")
    other = propose(PersonFactory(), title="Group the 2am observations elsewhere")
    voter = PersonFactory()
    vote(idea=duplicate, person=voter)
    client = signed_in(reviewer)
    url = reverse("ideas:merge", args=[duplicate.pk])

    found = client.get(url, {"q": "2am observations"}).content.decode()
    assert survivor.title in found
    assert other.title not in found  # not in this reviewer's scope
    by_number = client.get(url, {"q": f"#{survivor.pk}"}, HTTP_HX_REQUEST="true")
    assert survivor.title in by_number.content.decode()
    assert "<html" not in by_number.content.decode()

    confirm = client.get(url, {"survivor": survivor.pk}).content.decode()
    assert "Check both ideas" in confirm
    assert duplicate.title in confirm
    assert survivor.title in confirm

    missing_note = client.post(url, {"merge-survivor": survivor.pk, "merge-message": ""})
    assert "Write a short note" in missing_note.content.decode()

    done = client.post(url, {"merge-survivor": survivor.pk, "merge-message": "Same idea."})
    assert done.status_code == 302
    assert done["Location"] == survivor.get_absolute_url()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    assert Vote.objects.get(person=voter).idea_id == survivor.pk


def test_merging_into_an_idea_outside_the_scope_is_refused_with_the_words_kept(
    idea_and_reviewer,
):
    duplicate, reviewer = idea_and_reviewer
    elsewhere = propose(PersonFactory())
    url = reverse("ideas:merge", args=[duplicate.pk])
    response = signed_in(reviewer).post(
        url, {"merge-survivor": elsewhere.pk, "merge-message": "My careful note."}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "can&#x27;t be chosen" in text or "can't be chosen" in text
    assert "My careful note.</textarea>" in text
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id is None


def test_the_review_page_of_a_merged_idea_leads_to_the_survivor(idea_and_reviewer):
    duplicate, reviewer = idea_and_reviewer
    survivor = propose(duplicate.author)
    client = signed_in(reviewer)
    client.post(
        reverse("ideas:merge", args=[duplicate.pk]),
        {"merge-survivor": survivor.pk, "merge-message": "Same."},
    )
    response = client.get(reverse("ideas:review", args=[duplicate.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("ideas:review", args=[survivor.pk])


# --- The reviewer panel and notifications ------------------------------------------------------


def test_the_reviewer_panel_shows_links_only_to_reviewers(idea_and_reviewer):
    idea, _reviewer = idea_and_reviewer
    shown = render_to_string("ideas/_reviewer_panel.html", {"idea": idea, "can_review": True})
    assert reverse("ideas:review", args=[idea.pk]) in shown
    assert reverse("ideas:merge", args=[idea.pk]) in shown
    hidden = render_to_string("ideas/_reviewer_panel.html", {"idea": idea, "can_review": False})
    assert "ideas/" not in hidden


def test_the_notification_centre_says_who_answered_and_which_idea():
    author = PersonFactory(first_name="Zebedee", last_name="Quartermaine")
    reviewer = reviewer_for(author.department)
    reviewer.first_name, reviewer.last_name = "Rhiannon", "Price"
    reviewer.save()
    idea = propose(author, is_anonymous=True, title="Quieter night rounds")
    voter = PersonFactory()
    vote(idea=idea, person=voter)
    respond(idea=idea, reviewer=reviewer, message="We will try it on Ward 7.", status="accepted")

    for person in (author, voter):
        page = signed_in(person).get(reverse("notifications:list")).content.decode()
        assert "answered the idea" in page
        assert "Rhiannon" in page
        assert "Quieter night rounds" in page
        assert "We will try it on Ward 7." in page
    voter_page = signed_in(voter).get(reverse("notifications:list")).content.decode()
    assert "Zebedee" not in voter_page
    assert "Quartermaine" not in voter_page

    told = signed_in(reviewer).get(reverse("notifications:list")).content.decode()
    assert "A new idea waits for your review" in told
    assert "Zebedee" not in told
    assert "Quartermaine" not in told


# --- Bad numbers, double clicks, the merge search -----------------------------------------------


@pytest.mark.parametrize("typed", ["²", "#²", "١٢", "12²", "9" * 40])
def test_numbers_that_are_not_plain_digits_are_refused_not_a_500(idea_and_reviewer, typed):
    idea, reviewer = idea_and_reviewer
    client = signed_in(reviewer)
    url = reverse("ideas:merge", args=[idea.pk])
    assert client.get(url, {"survivor": typed}).status_code == 200
    assert client.get(url, {"q": typed}).status_code == 200
    assert client.get(url, {"q": typed}, HTTP_HX_REQUEST="true").status_code == 200
    posted = client.post(url, {"merge-survivor": typed, "merge-message": "My note."})
    assert posted.status_code == 200
    assert "My note.</textarea>" in posted.content.decode()
    assert Idea.objects.get(pk=idea.pk).merged_into_id is None


def test_both_review_forms_are_sent_once(idea_and_reviewer):
    idea, reviewer = idea_and_reviewer
    survivor = propose(idea.author)
    client = signed_in(reviewer)
    page = client.get(reverse("ideas:review", args=[idea.pk])).content.decode()
    assert re.search(r'<form method="post" action="[^"]*/review/"[^>]*data-submit-once', page)
    merge = client.get(reverse("ideas:merge", args=[idea.pk]), {"survivor": survivor.pk})
    assert re.search(
        r'<form method="post" action="[^"]*/merge/"[^>]*data-submit-once', merge.content.decode()
    )


@pytest.mark.parametrize("status", ["", "accepted"])
def test_a_double_click_on_send_answers_once_and_both_clicks_succeed(idea_and_reviewer, status):
    idea, reviewer = idea_and_reviewer
    voter = PersonFactory()
    vote(idea=idea, person=voter)
    client = signed_in(reviewer)
    url = reverse("ideas:review", args=[idea.pk])
    form = {"message": "Yes, from Monday.", "status": status}
    first = client.post(url, form)
    second = client.post(url, form, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain == [(idea.get_absolute_url(), 302)]
    assert "Your response is" in second.content.decode()
    assert Response.objects.filter(idea=idea).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).count() == 2


def test_a_merge_sent_twice_lands_on_the_survivor_both_times(idea_and_reviewer):
    duplicate, reviewer = idea_and_reviewer
    survivor = propose(duplicate.author)
    client = signed_in(reviewer)
    url = reverse("ideas:merge", args=[duplicate.pk])
    form = {"merge-survivor": survivor.pk, "merge-message": "Same idea."}
    assert client.post(url, form)["Location"] == survivor.get_absolute_url()
    again = client.post(url, form)
    assert again.status_code == 302
    assert again["Location"] == survivor.get_absolute_url()
    htmx = client.post(url, form, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == survivor.get_absolute_url()
    assert Response.objects.count() == 2


def test_the_merge_search_reads_the_word_index_within_the_scope(idea_and_reviewer):
    duplicate, reviewer = idea_and_reviewer
    by_problem = propose(
        duplicate.author,
        title="Group the checks",
        problem="Observations at 2am wake everyone in the bay.",
    )
    elsewhere = propose(PersonFactory(), title="Observations at 2am, elsewhere")
    merged_away = propose(duplicate.author, title="Observations at 2am again")
    unrelated = propose(duplicate.author, title="Something else entirely")
    merge_ideas(duplicate=merged_away, survivor=unrelated, reviewer=reviewer, message="Same.")
    client = signed_in(reviewer)
    url = reverse("ideas:merge", args=[duplicate.pk])
    page = client.get(url, {"q": "observations 2am"}).content.decode()
    assert by_problem.title in page  # found by the words of its problem
    assert elsewhere.title not in page  # outside this reviewer's scope
    assert merged_away.title not in page  # a duplicate: merges never chain
    # By number: only ideas that can be chosen.
    assert merged_away.title not in client.get(url, {"q": f"#{merged_away.pk}"}).content.decode()
    assert by_problem.title in client.get(url, {"q": str(by_problem.pk)}).content.decode()


def test_the_merge_search_costs_the_same_with_few_and_many_ideas(idea_and_reviewer):
    duplicate, reviewer = idea_and_reviewer
    client = signed_in(reviewer)
    url = reverse("ideas:merge", args=[duplicate.pk])

    def make(n: int) -> None:
        for i in range(n):
            propose(PersonFactory(unit=duplicate.author.unit), title=f"Night observations {i}")
            propose(PersonFactory(), title=f"Night observations elsewhere {i}")

    make(2)
    client.get(url, {"q": "night observations"}, HTTP_HX_REQUEST="true")
    few = query_count(lambda: client.get(url, {"q": "night observations"}, HTTP_HX_REQUEST="true"))
    make(30)
    many = query_count(lambda: client.get(url, {"q": "night observations"}, HTTP_HX_REQUEST="true"))
    assert few == many


def test_choosing_the_status_the_idea_already_has_says_so_with_the_words_kept(
    idea_and_reviewer,
):
    idea, reviewer = idea_and_reviewer
    respond(idea=idea, reviewer=reviewer, message="Yes.", status="accepted")
    response = signed_in(reviewer).post(
        reverse("ideas:review", args=[idea.pk]),
        {"message": "Something new to say.", "status": "accepted"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "already “Accepted”" in text
    assert "Something new to say.</textarea>" in text
    assert Response.objects.filter(idea=idea).count() == 1
