"""The idea page: what it shows, who may open it, the merged redirect, the anonymous author
nowhere, its files, the views it records and a query count that doesn't grow."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.core.models import Visibility
from staffroom.core.richtext import render_markdown
from staffroom.discussion.services import post_comment
from staffroom.ideas.models import Contributor, Follow, Idea, IdeaView, Response, Status, Vote
from staffroom.ideas.tests.factories import CampaignFactory, CategoryFactory, IdeaFactory
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def _respond(idea: Idea, to_status: str, message: str, reviewer: Person | None = None) -> Response:
    """A timeline entry as the review service leaves it (status moved, words rendered)."""
    response = Response.objects.create(
        idea=idea,
        responder=reviewer or PersonFactory(),
        from_status=idea.status,
        to_status=to_status,
        message=message,
        message_html=render_markdown(message).html,
    )
    Idea.objects.filter(pk=idea.pk).update(status=to_status)
    idea.status = to_status
    return response


def test_the_page_shows_the_idea_its_place_and_its_links(signed_in: Client) -> None:
    from staffroom.strategy.tests.factories import PillarFactory, PlanFactory, initiative

    department = DepartmentFactory(name="Cardiology")
    plan = PlanFactory(is_current=True)
    linked = initiative(pillar=PillarFactory(plan=plan), title="Safer nights for all")
    idea = IdeaFactory(
        title="Quieter night rounds",
        category=CategoryFactory(name="Patient care"),
        department=department,
        unit=UnitFactory(department=department, name="Ward 7"),
        campaign=CampaignFactory(title="Better nights"),
        initiative=linked,
        problem="Rounds **wake** patients.",
        problem_html=render_markdown("Rounds **wake** patients.").html,
    )
    body = signed_in.get(idea.get_absolute_url()).content.decode()
    assert '<h1 id="idea-title">Quieter night rounds</h1>' in body
    assert "idea-status--new" in body
    assert "Patient care" in body
    assert "Cardiology" in body
    assert "Ward 7" in body
    assert "Better nights" in body
    assert reverse("strategy:initiative", kwargs={"slug": linked.slug}) in body
    assert "<strong>wake</strong>" in body
    assert idea.author.display_name in body
    assert "Proposed by" in body
    # The discussion is the same one posts have.
    assert 'id="comments"' in body or "discussion" in body


def test_an_anonymous_idea_names_its_author_nowhere_in_the_page(client: Client) -> None:
    author = PersonFactory(
        first_name="Zebedee", last_name="Quartermaine", username="zebedee.q", employee_id="E99887"
    )
    idea = IdeaFactory(is_anonymous=True, author=author)
    _respond(idea, Status.UNDER_REVIEW, "We are looking at it.")
    Vote.objects.create(idea=idea, person=PersonFactory())
    reader = PersonFactory()
    client.force_login(reader)

    body = client.get(idea.get_absolute_url()).content.decode()

    assert "Anonymous" in body
    assert "Proposed anonymously" in body
    for secret in ("Zebedee", "Quartermaine", "zebedee.q", "E99887", author.get_absolute_url()):
        assert secret not in body


def test_the_anonymous_author_is_told_only_they_see_their_name(client: Client) -> None:
    idea = IdeaFactory(is_anonymous=True)
    client.force_login(idea.author)
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "You proposed this anonymously: nobody else sees your name." in body


def test_a_held_idea_is_found_only_by_its_author_and_privacy_officers(client: Client) -> None:
    idea = IdeaFactory(visibility=Visibility.HELD)
    client.force_login(PersonFactory())
    assert client.get(idea.get_absolute_url()).status_code == 404
    client.force_login(idea.author)
    assert client.get(idea.get_absolute_url()).status_code == 200
    officer = PersonFactory()
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    client.force_login(officer)
    assert client.get(idea.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.REMOVED])
def test_a_hidden_or_removed_idea_is_not_found_by_other_staff(
    signed_in: Client, visibility: str
) -> None:
    idea = IdeaFactory(visibility=visibility)
    assert signed_in.get(idea.get_absolute_url()).status_code == 404


def test_a_missing_idea_is_not_found(signed_in: Client) -> None:
    assert signed_in.get(reverse("ideas:idea", kwargs={"pk": 999999})).status_code == 404


def test_a_merged_duplicate_redirects_to_its_survivor_at_its_own_anchor(signed_in: Client) -> None:
    survivor = IdeaFactory(title="The original")
    duplicate = IdeaFactory(title="The same again", merged_into=survivor, status=Status.DUPLICATE)
    response = signed_in.get(duplicate.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{survivor.get_absolute_url()}#merged-{duplicate.pk}"

    body = signed_in.get(survivor.get_absolute_url()).content.decode()
    assert f'id="merged-{duplicate.pk}"' in body
    assert "The same again" in body


def test_a_merged_duplicate_that_is_held_is_not_found_by_others(signed_in: Client) -> None:
    survivor = IdeaFactory()
    duplicate = IdeaFactory(
        merged_into=survivor, status=Status.DUPLICATE, visibility=Visibility.HELD
    )
    assert signed_in.get(duplicate.get_absolute_url()).status_code == 404


def test_the_timeline_shows_the_proposal_then_each_response_in_order(signed_in: Client) -> None:
    reviewer = PersonFactory(first_name="Ruth", last_name="Reviewer")
    idea = IdeaFactory()
    _respond(idea, Status.UNDER_REVIEW, "We are *looking* at it.", reviewer)
    _respond(idea, Status.UNDER_REVIEW, "Still looking: the trial starts Monday.", reviewer)
    _respond(idea, Status.ACCEPTED, "Yes, we will do it.", reviewer)
    body = signed_in.get(idea.get_absolute_url()).content.decode()
    timeline = body[body.index('id="timeline"') :]
    assert timeline.index("Proposed by") < timeline.index("<em>looking</em>")
    assert timeline.index("<em>looking</em>") < timeline.index("the trial starts Monday")
    assert timeline.index("the trial starts Monday") < timeline.index("Yes, we will do it.")
    assert "Status: New → Under review" in timeline
    assert "Status: Under review → Accepted" in timeline
    assert timeline.count("Ruth Reviewer answered") == 3


def test_opening_an_idea_records_one_view_per_person_with_first_and_latest_times(
    signed_in: Client, person: Person
) -> None:
    idea = IdeaFactory()
    signed_in.get(idea.get_absolute_url())
    first = IdeaView.objects.get(idea=idea, person=person)
    signed_in.get(idea.get_absolute_url())
    again = IdeaView.objects.get(idea=idea, person=person)
    assert IdeaView.objects.filter(idea=idea).count() == 1
    assert again.viewed_at == first.viewed_at
    assert again.last_viewed_at >= first.last_viewed_at


def test_a_held_idea_read_by_its_author_records_no_view(client: Client) -> None:
    idea = IdeaFactory(visibility=Visibility.HELD)
    client.force_login(idea.author)
    client.get(idea.get_absolute_url())
    assert not IdeaView.objects.filter(idea=idea).exists()


def test_the_page_shows_the_viewers_vote_and_follow(signed_in: Client, person: Person) -> None:
    idea = IdeaFactory(vote_count=1)
    Vote.objects.create(idea=idea, person=person)
    Follow.objects.create(idea=idea, person=person)
    body = signed_in.get(idea.get_absolute_url()).content.decode()
    assert "Take back my vote" in body
    assert "Stop following" in body


def test_a_decided_idea_says_why_votes_are_closed(signed_in: Client) -> None:
    idea = IdeaFactory(status=Status.NOT_PLANNED)
    body = signed_in.get(idea.get_absolute_url()).content.decode()
    assert "votes are closed" in body
    assert 'name="action" value="vote"' not in body


def test_reviewers_in_scope_get_the_reviewer_panel_others_do_not(client: Client) -> None:
    idea = IdeaFactory()
    reviewer = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=idea.department).person
    client.force_login(reviewer)
    assert (
        reverse("ideas:review", kwargs={"pk": idea.pk})
        in client.get(idea.get_absolute_url()).content.decode()
    )
    client.force_login(PersonFactory())
    assert (
        reverse("ideas:review", kwargs={"pk": idea.pk})
        not in client.get(idea.get_absolute_url()).content.decode()
    )


# --- Files -----------------------------------------------------------------------------


def _jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 3), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def _with_files(idea: Idea) -> Idea:
    idea.photo.save("ward.jpg", ContentFile(_jpeg()), save=False)
    idea.photo_width, idea.photo_height = 4, 3
    idea.photo_alt_text = "The nurses' station at night"
    idea.attachment.save("rota.pdf", ContentFile(b"%PDF-1.4 rota"), save=False)
    idea.attachment_name = "rota.pdf"
    idea.attachment_content_type = "application/pdf"
    idea.attachment_size_bytes = 13
    idea.save()
    return idea


def test_the_photo_and_attachment_are_shown_and_served_to_those_who_may_see_the_idea(
    signed_in: Client,
) -> None:
    idea = _with_files(IdeaFactory())
    body = signed_in.get(idea.get_absolute_url()).content.decode()
    assert f'src="{reverse("ideas:photo", kwargs={"pk": idea.pk})}"' in body
    assert 'alt="The nurses&#x27; station at night"' in body
    assert reverse("ideas:attachment", kwargs={"pk": idea.pk}) in body

    photo = signed_in.get(reverse("ideas:photo", kwargs={"pk": idea.pk}))
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["Cache-Control"] == "private, max-age=3600"
    file = signed_in.get(reverse("ideas:attachment", kwargs={"pk": idea.pk}))
    assert file.status_code == 200
    assert file["Content-Disposition"].startswith("attachment")
    assert file.getvalue() == b"%PDF-1.4 rota"


def test_a_held_ideas_files_are_not_found_by_others(signed_in: Client) -> None:
    idea = _with_files(IdeaFactory(visibility=Visibility.HELD))
    assert signed_in.get(reverse("ideas:photo", kwargs={"pk": idea.pk})).status_code == 404
    assert signed_in.get(reverse("ideas:attachment", kwargs={"pk": idea.pk})).status_code == 404


def test_an_idea_without_files_has_no_file_addresses(signed_in: Client) -> None:
    idea = IdeaFactory()
    assert signed_in.get(reverse("ideas:photo", kwargs={"pk": idea.pk})).status_code == 404
    assert signed_in.get(reverse("ideas:attachment", kwargs={"pk": idea.pk})).status_code == 404


# --- Query count -------------------------------------------------------------------------


def test_the_idea_page_makes_the_same_number_of_queries_with_3_and_30_of_everything(
    client: Client, person: Person, query_count: QueryCount
) -> None:
    idea = IdeaFactory()
    reviewer = PersonFactory()
    client.force_login(person)

    def add(n: int) -> None:
        for i in range(n):
            voter = PersonFactory()
            Vote.objects.create(idea=idea, person=voter)
            post_comment(thread=idea.thread, author=voter, body=f"Good idea, number {i}.")
            _respond(idea, Status.UNDER_REVIEW, f"Response {i}", reviewer)
            Contributor.objects.create(idea=idea, person=voter, contribution="helped")
            IdeaFactory(merged_into=idea, status=Status.DUPLICATE)

    def measure() -> int:
        from django.core.cache import cache

        cache.clear()
        return query_count(lambda: client.get(idea.get_absolute_url()))

    client.get(idea.get_absolute_url())  # the first view records it; later ones update it
    add(3)
    small = measure()
    add(27)
    large = measure()
    assert small == large
