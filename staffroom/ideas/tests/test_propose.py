"""Proposing an idea through the form: what is needed, what is refused and why (with the
person's words kept), anonymity, files, campaigns, double clicks, the PHI guard, similar
ideas without JavaScript and with htmx, and the author's edits."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.core.models import Visibility
from staffroom.ideas.models import Idea, Status, Vote
from staffroom.ideas.services.proposing import create_idea, edit_idea
from staffroom.ideas.tests.factories import CampaignFactory, CategoryFactory, IdeaFactory
from staffroom.notifications.models import Notification
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

PROPOSE = "/ideas/new/"


@pytest.fixture
def nurse() -> Person:
    return PersonFactory(first_name="Grace", last_name="Okafor", unit=UnitFactory())


@pytest.fixture
def client_for(client: Client, nurse: Person) -> Client:
    client.force_login(nurse)
    return client


def _data(nurse: Person, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Quieter call bells at night",
        "problem": "Call bells ring loudly all night and wake every patient on the ward.",
        "proposal": "Switch the bells to a soft chime after 10pm.",
        "category": str(CategoryFactory(slug="patient-care", name="Patient care").pk),
        "department": str(nurse.department_id),
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def _png(name: str = "ward.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_the_form_offers_active_categories_and_defaults_to_the_persons_department(
    client_for: Client, nurse: Person
) -> None:
    CategoryFactory(name="Technology")
    CategoryFactory(name="Retired topic", is_active=False)
    response = client_for.get(PROPOSE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Technology" in html
    assert "Retired topic" not in html
    assert f'<option value="{nurse.department_id}" selected>' in html
    assert 'name="submission_key"' in html
    assert "name is hidden from everyone" in html
    assert "every time that happens it is recorded" in html.lower()


def test_a_valid_idea_is_created_and_the_author_lands_on_its_page(
    client_for: Client, nurse: Person
) -> None:
    response = client_for.post(PROPOSE, _data(nurse))
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ideas/{idea.pk}/"
    assert idea.author == nurse
    assert idea.title == "Quieter call bells at night"
    assert idea.visibility == Visibility.VISIBLE
    assert idea.status == Status.NEW
    assert not idea.is_anonymous


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Give your idea a short title."),
        ("title", "x" * 151, "keep it to 150 or fewer"),
        ("problem", "  ", "Say what problem you see."),
        ("proposal", "", "Say what you would change."),
        ("category", "", "Choose what your idea is about."),
        ("department", "", "Choose the department your idea concerns."),
    ],
)
def test_each_invalid_field_is_named_and_the_words_are_kept(
    client_for: Client, nurse: Person, field: str, value: str, message: str
) -> None:
    data = _data(nurse, **{field: value})
    response = client_for.post(PROPOSE, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert not Idea.objects.exists()
    assert message in html
    assert 'class="field-error"' in html
    for kept in ("problem", "proposal"):
        if kept != field:
            assert data[kept] in html


def test_a_unit_of_another_department_is_refused_with_the_reason(
    client_for: Client, nurse: Person
) -> None:
    elsewhere = UnitFactory(name="CT Scanning")
    response = client_for.post(PROPOSE, _data(nurse, unit=str(elsewhere.pk)))
    assert response.status_code == 400
    assert "This unit belongs to another department" in response.content.decode()
    assert not Idea.objects.exists()


def test_a_unit_of_the_chosen_department_is_kept(client_for: Client, nurse: Person) -> None:
    client_for.post(PROPOSE, _data(nurse, unit=str(nurse.unit_id)))
    assert Idea.objects.get().unit_id == nurse.unit_id


def test_another_department_can_be_chosen(client_for: Client, nurse: Person) -> None:
    radiology = DepartmentFactory(name="Radiology")
    client_for.post(PROPOSE, _data(nurse, department=str(radiology.pk)))
    assert Idea.objects.get().department == radiology


def test_a_closed_campaign_is_refused_with_its_closing_date(
    client_for: Client, nurse: Person
) -> None:
    closed = CampaignFactory(
        title="Winter pressures",
        opens_at=timezone.now() - timedelta(days=40),
        closes_at=timezone.now() - timedelta(days=10),
    )
    response = client_for.post(PROPOSE, _data(nurse, campaign=str(closed.pk)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This campaign closed on" in html
    assert "it takes no more ideas" in html
    assert "Call bells ring loudly all night" in html
    assert not Idea.objects.exists()


def test_open_campaigns_that_ask_the_person_are_offered_and_preselected_by_address(
    client_for: Client, nurse: Person
) -> None:
    open_one = CampaignFactory(slug="safer-nights", title="Safer nights")
    CampaignFactory(
        slug="old",
        title="Old question",
        opens_at=timezone.now() - timedelta(days=40),
        closes_at=timezone.now() - timedelta(days=10),
    )
    other = CampaignFactory(slug="radiology-only", title="Only for radiology")
    other.audience_departments.add(DepartmentFactory())
    other.audience_restricted = True
    other.save()
    html = client_for.get(PROPOSE + "?campaign=safer-nights").content.decode()
    assert f'<option value="{open_one.pk}" selected>Safer nights</option>' in html
    assert "Old question" not in html
    assert "Only for radiology" not in html
    notice = client_for.get(PROPOSE + "?campaign=old").content.decode()
    assert "closed on" in notice
    assert "you can still propose yours on its own" in notice


def test_an_idea_submitted_to_an_open_campaign_belongs_to_it(
    client_for: Client, nurse: Person
) -> None:
    campaign = CampaignFactory()
    client_for.post(PROPOSE, _data(nurse, campaign=str(campaign.pk)))
    assert Idea.objects.get().campaign == campaign


def test_an_anonymous_idea_keeps_its_author_for_moderation_and_shows_no_name(
    client_for: Client, nurse: Person
) -> None:
    response = client_for.post(PROPOSE, _data(nurse, is_anonymous="on"), follow=True)
    idea = Idea.objects.get()
    assert idea.is_anonymous
    assert idea.author == nurse
    assert idea.shown_author is None
    assert "Your name is hidden from everyone." in response.content.decode()


def test_a_double_click_makes_one_idea(client_for: Client, nurse: Person) -> None:
    data = _data(nurse)
    first = client_for.post(PROPOSE, data)
    second = client_for.post(PROPOSE, data)
    assert Idea.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_patient_information_holds_the_idea_and_tells_the_author(
    client_for: Client, nurse: Person
) -> None:
    data = _data(nurse, problem="Mrs Jane Doe, MRN 12345678, fell in bay 3 last night.")
    response = client_for.post(PROPOSE, data, follow=True)
    idea = Idea.objects.get()
    assert idea.visibility == Visibility.HELD
    assert "held for privacy review" in response.content.decode()


def test_a_photo_with_its_description_and_a_file_are_kept(
    client_for: Client, nurse: Person
) -> None:
    attachment = SimpleUploadedFile("rota.txt", b"Week 1: early, late, night\n", "text/plain")
    data = _data(
        nurse, photo=_png(), photo_alt_text="The empty call bell panel", attachment=attachment
    )
    response = client_for.post(PROPOSE, data)
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.photo
    assert idea.photo_alt_text == "The empty call bell panel"
    assert idea.attachment_name.endswith(".txt")


def test_a_photo_without_a_description_is_refused_and_the_words_are_kept(
    client_for: Client, nurse: Person
) -> None:
    response = client_for.post(PROPOSE, _data(nurse, photo=_png()))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Describe what the photo shows" in html
    assert "choose the image or file again" in html
    assert "Switch the bells to a soft chime after 10pm." in html
    assert not Idea.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused_as_a_photo(
    client_for: Client, nurse: Person
) -> None:
    fake = SimpleUploadedFile("ward.png", b"not a picture at all", content_type="image/png")
    response = client_for.post(PROPOSE, _data(nurse, photo=fake, photo_alt_text="Ward"))
    assert response.status_code == 400
    assert 'id="id_photo_error"' in response.content.decode()
    assert not Idea.objects.exists()


def test_a_program_is_refused_as_an_attachment(client_for: Client, nurse: Person) -> None:
    program = SimpleUploadedFile("rota.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    response = client_for.post(PROPOSE, _data(nurse, attachment=program))
    assert response.status_code == 400
    assert 'id="id_attachment_error"' in response.content.decode()
    assert not Idea.objects.exists()


# --- Similar ideas on the form -------------------------------------------------------------


def test_without_javascript_checking_for_similar_ideas_keeps_the_words_and_saves_nothing(
    client_for: Client, nurse: Person
) -> None:
    existing = IdeaFactory(title="Softer call bells on night shifts", vote_count=7)
    data = _data(nurse, check="similar", title="Call bells", proposal="My own words here")
    response = client_for.post(PROPOSE, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Idea.objects.exclude(pk=existing.pk).exists()
    assert "1 similar idea — vote or comment instead of repeating it" in html
    assert "Softer call bells on night shifts" in html
    assert "7 votes" in html
    assert "My own words here" in html
    assert "field-error" not in html
    assert f'action="/ideas/{existing.pk}/vote/"' in html
    assert f'form="similar-vote-{existing.pk}"' in html


def test_htmx_gets_the_similar_ideas_fragment_with_status_votes_and_a_vote_button(
    client_for: Client, nurse: Person
) -> None:
    idea = IdeaFactory(title="Softer call bells", status=Status.UNDER_REVIEW, vote_count=3)
    IdeaFactory(title="Parking permits", problem="No spaces after 8am.", proposal="More permits.")
    response = client_for.get(
        reverse("ideas:similar"),
        {"title": "call bells", "problem": "too loud at night"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "1 similar idea" in html
    assert f'href="/ideas/{idea.pk}/"' in html
    assert "Under review" in html
    assert "3 votes" in html
    assert "Parking permits" not in html
    assert 'hx-swap-oob="true"' in html
    assert (
        f'<form id="similar-vote-{idea.pk}" method="post" action="/ideas/{idea.pk}/vote/">' in html
    )


def test_ideas_already_voted_for_or_decided_offer_no_vote_button(
    client_for: Client, nurse: Person
) -> None:
    voted = IdeaFactory(title="Hand gel at every bed")
    Vote.objects.create(idea=voted, person=nurse)
    decided = IdeaFactory(title="Hand gel refills", status=Status.IMPLEMENTED)
    html = client_for.get(reverse("ideas:similar"), {"title": "hand gel"}).content.decode()
    assert "You voted for this idea." in html
    assert "votes are closed" in html
    assert f'form="similar-vote-{voted.pk}"' not in html
    assert f'form="similar-vote-{decided.pk}"' not in html


def test_the_similar_fragment_hides_held_ideas_and_names_no_author(
    client_for: Client, nurse: Person
) -> None:
    IdeaFactory(title="Night lights in corridors", visibility=Visibility.HELD)
    shown = IdeaFactory(
        title="Night lights for bays",
        is_anonymous=True,
        author=PersonFactory(first_name="Zebedee", last_name="Quill"),
    )
    html = client_for.get(reverse("ideas:similar"), {"title": "night lights"}).content.decode()
    assert "Night lights for bays" in html
    assert "corridors" not in html
    assert "Zebedee" not in html
    assert "Quill" not in html
    assert shown.author.username not in html


@pytest.mark.parametrize("exclude", ["²", "٣", "1²", "99999999999999999999", "-1", "4a", " "])
def test_an_exclude_that_is_not_an_idea_number_is_ignored(
    client_for: Client, nurse: Person, exclude: str
) -> None:
    IdeaFactory(title="Quieter pumps on the ward")
    response = client_for.get(reverse("ideas:similar"), {"title": "pumps", "exclude": exclude})
    assert response.status_code == 200
    assert "Quieter pumps on the ward" in response.content.decode()


def test_an_exclude_with_an_idea_number_leaves_that_idea_out(
    client_for: Client, nurse: Person
) -> None:
    mine = IdeaFactory(author=nurse, title="Quieter pumps on the ward")
    other = IdeaFactory(title="Quieter pumps in theatre")
    html = client_for.get(
        reverse("ideas:similar"), {"title": "pumps", "exclude": str(mine.pk)}
    ).content.decode()
    assert other.title in html
    assert mine.title not in html


@pytest.mark.parametrize("field", ["unit", "campaign", "department", "category"])
@pytest.mark.parametrize("value", ["²", "١٢٣٤٥٦٧٨٩", "99999999999999999999", "1e3"])
def test_a_choice_that_is_not_a_number_is_refused_with_the_words_kept(
    client_for: Client, nurse: Person, field: str, value: str
) -> None:
    data = _data(nurse, **{field: value})
    response = client_for.post(PROPOSE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field-error"' in html
    assert data["problem"] in html
    assert not Idea.objects.exists()


def test_the_similar_lookup_asks_the_same_queries_with_few_or_many_ideas(
    client_for: Client, nurse: Person
) -> None:
    IdeaFactory(title="Night lights in corridors")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client_for.get(reverse("ideas:similar"), {"title": "night lights"})
        return len(queries)

    count()  # the first request of a session does more (sign-in bookkeeping)
    few = count()
    IdeaFactory.create_batch(20, title="Night lights on the wards")
    assert count() == few


def test_the_proposal_page_asks_the_same_queries_with_few_or_many_campaigns_and_units(
    client_for: Client, nurse: Person
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client_for.get(PROPOSE)
        return len(queries)

    count()  # the first request of a session does more (sign-in bookkeeping)
    few = count()
    CampaignFactory.create_batch(5)
    UnitFactory.create_batch(5, department=nurse.department)
    CategoryFactory.create_batch(5)
    assert count() == few


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    for path in (PROPOSE, reverse("ideas:similar")):
        response = client.get(path)
        assert response.status_code == 302
        assert "/account/sign-in/" in response["Location"]


# --- Editing -------------------------------------------------------------------------------


def test_the_author_edits_their_idea_until_it_is_answered(
    client_for: Client, nurse: Person
) -> None:
    idea = IdeaFactory(author=nurse, department=nurse.department, title="Old title")
    page = client_for.get(f"/ideas/{idea.pk}/edit/")
    assert page.status_code == 200
    assert "Old title" in page.content.decode()
    data = _data(nurse, title="New title", category=str(idea.category_id))
    response = client_for.post(f"/ideas/{idea.pk}/edit/", data)
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "New title"
    assert idea.edited_at is not None


def test_an_invalid_edit_keeps_the_words_and_changes_nothing(
    client_for: Client, nurse: Person
) -> None:
    idea = IdeaFactory(author=nurse, department=nurse.department, title="Old title")
    data = _data(nurse, title="", problem="My new problem words", category=str(idea.category_id))
    response = client_for.post(f"/ideas/{idea.pk}/edit/", data)
    assert response.status_code == 400
    assert "My new problem words" in response.content.decode()
    idea.refresh_from_db()
    assert idea.title == "Old title"


def test_someone_else_may_not_edit_an_idea(client: Client, nurse: Person) -> None:
    idea = IdeaFactory(author=nurse, department=nurse.department)
    client.force_login(PersonFactory())
    assert client.get(f"/ideas/{idea.pk}/edit/").status_code == 403
    response = client.post(f"/ideas/{idea.pk}/edit/", _data(nurse, title="Taken over"))
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.title != "Taken over"


def test_an_answered_idea_can_no_longer_be_edited(client_for: Client, nurse: Person) -> None:
    idea = IdeaFactory(author=nurse, department=nurse.department, first_response_at=timezone.now())
    assert client_for.get(f"/ideas/{idea.pk}/edit/").status_code == 403


def test_a_held_idea_of_someone_else_is_not_found(client: Client, nurse: Person) -> None:
    idea = IdeaFactory(author=nurse, visibility=Visibility.HELD)
    client.force_login(PersonFactory())
    assert client.get(f"/ideas/{idea.pk}/edit/").status_code == 404


def _told_to_review() -> list[int]:
    return sorted(
        Notification.objects.filter(kind=Notification.Kind.IDEA_TO_REVIEW).values_list(
            "recipient_id", flat=True
        )
    )


def _proposed(nurse: Person, problem: str = "Call bells wake every patient on the ward.") -> Idea:
    assert nurse.department is not None
    return create_idea(
        author=nurse,
        title="Quieter call bells at night",
        problem=problem,
        proposal="Switch the bells to a soft chime after 10pm.",
        category=CategoryFactory(),
        department=nurse.department,
    )


def test_moving_an_idea_tells_the_reviewers_of_its_new_department_and_category_once(
    client_for: Client, nurse: Person
) -> None:
    here = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=nurse.department).person
    radiology = DepartmentFactory(name="Radiology")
    there = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=radiology).person
    technology = CategoryFactory(name="Technology")
    tech_reviewer = PersonFactory()
    tech_reviewer.idea_categories_reviewed.add(technology)
    idea = _proposed(nurse)
    assert _told_to_review() == [here.pk]

    edit_url = f"/ideas/{idea.pk}/edit/"
    data = _data(nurse, department=str(radiology.pk), category=str(idea.category_id))
    assert client_for.post(edit_url, data).status_code == 302
    assert _told_to_review() == sorted([here.pk, there.pk])

    data = _data(nurse, department=str(radiology.pk), category=str(technology.pk))
    assert client_for.post(edit_url, data).status_code == 302
    assert _told_to_review() == sorted([here.pk, there.pk, tech_reviewer.pk])

    # Moving back tells nobody twice.
    data = _data(nurse, department=str(nurse.department_id), category=str(idea.category_id))
    assert client_for.post(edit_url, data).status_code == 302
    assert _told_to_review() == sorted([here.pk, there.pk, tech_reviewer.pk])
    notice = Notification.objects.get(recipient=there, kind=Notification.Kind.IDEA_TO_REVIEW)
    assert notice.actor_id is None
    assert notice.thread_id == idea.thread_id


def test_a_held_idea_moved_elsewhere_tells_nobody_until_it_is_shown(nurse: Person) -> None:
    radiology = DepartmentFactory(name="Radiology")
    there = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=radiology).person
    phi = "Mrs Jane Doe, MRN 12345678, fell in bay 3 last night."
    idea = _proposed(nurse, problem=phi)
    assert idea.visibility == Visibility.HELD

    fields: dict[str, Any] = {
        "title": idea.title,
        "proposal": idea.proposal,
        "category": idea.category,
        "department": radiology,
    }
    idea = edit_idea(idea=idea, editor=nurse, problem=phi, **fields)
    assert idea.visibility == Visibility.HELD
    assert _told_to_review() == []

    clean = "Night rounds wake patients who have only just fallen asleep."
    idea = edit_idea(idea=idea, editor=nurse, problem=clean, **fields)
    assert idea.visibility == Visibility.VISIBLE
    assert _told_to_review() == [there.pk]
