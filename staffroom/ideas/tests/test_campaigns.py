"""Campaigns: communications admins pose a challenge (a question, an audience, dates,
reviewers); staff see the ones that ask them first and propose to them while open; each has
its own board and, once closed, results grouped by decision. Bad input and patient
information are refused with the words kept; every page's query count is fixed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.ideas.forms_campaigns import CampaignForm, ImpactForm
from staffroom.ideas.models import Campaign, Status
from staffroom.ideas.queries_campaigns import campaign_results
from staffroom.ideas.services.campaigns import save_campaign
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.services.voting import vote
from staffroom.ideas.tests.factories import CampaignFactory, CategoryFactory
from staffroom.organisation.tests.factories import DepartmentFactory
from staffroom.strategy.tests.factories import initiative as new_initiative

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]
PHI_TEXT = "Ask Mrs Jane Doe, MRN 12345678, about her wait in bay 3."
FORMAT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def leader() -> Person:
    person = PersonFactory(username="comms.lead")
    RoleGrantFactory(person=person, role=Role.COMMUNICATIONS_ADMIN)
    return person


def _when(days: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime(FORMAT)


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Cutting waits in the ED",
        "question": "How could we **cut waiting times** in the emergency department?",
        "opens_at": _when(-1),
        "closes_at": _when(30),
        "reviewers": "",
        "initiative": "",
    }
    data.update(overrides)
    return data


def _campaign(leader: Person, **overrides: Any) -> Campaign:
    fields: dict[str, Any] = {
        "editor": leader,
        "title": "Safer night shifts",
        "question": "How could we make night shifts safer?",
        "opens_at": timezone.now() - timedelta(days=1),
        "closes_at": timezone.now() + timedelta(days=30),
    }
    fields.update(overrides)
    return save_campaign(**fields)


def _close(campaign: Campaign) -> None:
    """Time passes: the campaign's closing moment is behind us (ideas were taken while open)."""
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=timezone.now() - timedelta(days=40), closes_at=timezone.now() - timedelta(days=1)
    )
    campaign.refresh_from_db()


def _propose(author: Person, campaign: Campaign | None, title: str = "An idea") -> Any:
    return create_idea(
        author=author,
        title=title,
        problem="Patients wait on trolleys in the corridor.",
        proposal="A triage nurse at the door, every hour of the day.",
        category=CategoryFactory(slug="efficiency"),
        department=author.department,  # type: ignore[arg-type]  # factory people have one
        campaign=campaign,
    )


# --- Setting up campaigns -------------------------------------------------------------------


def test_only_communications_admins_may_set_up_or_edit_campaigns(
    client: Client, leader: Person
) -> None:
    campaign = _campaign(leader)
    nurse = PersonFactory()
    reviewer = PersonFactory()
    RoleGrantFactory(person=reviewer, role=Role.IDEA_REVIEWER)
    for person in (nurse, reviewer):
        client.force_login(person)
        assert client.get(reverse("ideas:campaign_new")).status_code == 403
        assert client.post(reverse("ideas:campaign_new"), _form()).status_code == 403
        edit = reverse("ideas:campaign_edit", args=[campaign.slug])
        assert client.post(edit, _form(title="Changed")).status_code == 403
    assert Campaign.objects.count() == 1
    assert Campaign.objects.get().title == "Safer night shifts"
    with pytest.raises(PermissionDenied):
        _campaign(nurse)
    list_page = client.get(reverse("ideas:campaign_list")).content.decode()
    assert reverse("ideas:campaign_new") not in list_page


def test_a_communications_admin_sets_up_a_campaign_for_one_department(
    client: Client, leader: Person
) -> None:
    department = DepartmentFactory(name="Emergency Medicine")
    reviewer = PersonFactory(username="priya.ramanathan")
    plan_item = new_initiative(title="Shorter waits")
    client.force_login(leader)
    assert client.get(reverse("ideas:campaign_new")).status_code == 200

    response = client.post(
        reverse("ideas:campaign_new"),
        _form(
            audience_departments=[str(department.pk)],
            reviewers="@Priya.Ramanathan",
            initiative=str(plan_item.pk),
        ),
    )

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()
    assert campaign.slug == "cutting-waits-in-the-ed"
    assert campaign.audience_restricted
    assert list(campaign.audience_departments.all()) == [department]
    assert list(campaign.reviewers.all()) == [reviewer]
    assert campaign.initiative == plan_item
    assert "<strong>cut waiting times</strong>" in campaign.question_html
    entry = AuditEntry.objects.get(action=AuditAction.CAMPAIGN_SAVED)
    assert entry.actor_id == leader.pk
    assert entry.data["departments"] == [department.pk]
    assert "waiting" not in str(entry.data) + entry.summary


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": _when(-2)}, "must close after it opens"),
        ({"reviewers": "@priya, @nobody.here"}, "@nobody.here"),
        ({"question": PHI_TEXT}, "patient information"),
        ({"title": "Bed 4: Mrs Jane Doe, MRN 12345678"}, "patient information"),
        ({"opens_at": "next week"}, "Enter a valid date/time"),
        ({"closes_at": "9999-12-31T23:59"}, "between the years 2000 and 2100"),
        ({"closes_at": "2101-01-01T00:00"}, "between the years 2000 and 2100"),
        ({"opens_at": "1999-12-31T23:59"}, "between the years 2000 and 2100"),
        ({"opens_at": "0001-01-01T00:00"}, "between the years 2000 and 2100"),
    ],
)
def test_bad_input_comes_back_with_the_words_kept_and_nothing_saved(
    client: Client, leader: Person, changes: dict[str, str], message: str
) -> None:
    PersonFactory(username="priya")
    client.force_login(leader)
    data = _form(**changes)
    response = client.post(reverse("ideas:campaign_new"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "cut waiting times" in page or "MRN 12345678" in page
    assert 'value="' + (changes.get("title") or "Cutting waits in the ED") + '"' in page
    assert not Campaign.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CAMPAIGN_SAVED).exists()


def test_a_date_far_in_the_future_is_refused_on_edit_with_the_typed_date_kept(
    client: Client, leader: Person
) -> None:
    campaign = _campaign(leader)
    closes_at = campaign.closes_at
    client.force_login(leader)
    edit = reverse("ideas:campaign_edit", args=[campaign.slug])

    response = client.post(edit, _form(title="Changed", closes_at="9999-12-31T23:59"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "between the years 2000 and 2100" in page
    assert 'value="9999-12-31T23:59"' in page
    assert 'value="Changed"' in page
    campaign.refresh_from_db()
    assert (campaign.title, campaign.closes_at) == ("Safer night shifts", closes_at)


def test_the_service_refuses_dates_outside_the_allowed_years_before_converting_them(
    leader: Person,
) -> None:
    far = timezone.localtime(timezone.now()).replace(year=9999, month=12, day=31, hour=23)
    with pytest.raises(ValidationError) as error:
        _campaign(leader, closes_at=far)
    assert error.value.message_dict == {
        "closes_at": ["Choose a date between the years 2000 and 2100."]
    }
    assert not Campaign.objects.exists()


def test_the_first_and_last_years_allowed_are_accepted(leader: Person) -> None:
    form = CampaignForm(
        _form(opens_at="2000-01-01T00:00", closes_at="2100-12-31T23:59"), campaign=None
    )
    assert form.is_valid(), form.errors
    campaign = save_campaign(editor=leader, **form.campaign_fields())
    assert timezone.localtime(campaign.closes_at).year == 2100


@pytest.mark.parametrize("field", ["before_on", "after_on"])
@pytest.mark.parametrize("day", ["9999-12-31", "1999-12-31", "0001-01-01"])
def test_impact_measured_on_a_date_outside_the_allowed_years_is_refused(
    field: str, day: str
) -> None:
    today = timezone.localdate()
    data = {
        "what_changed": "Call lights ring on the charge nurse's pager.",
        "measure": "call-light response",
        "unit": "minutes",
        "before_value": "6.5",
        "before_on": (today - timedelta(days=60)).isoformat(),
        "after_value": "3.2",
        "after_on": (today - timedelta(days=2)).isoformat(),
        "lower_is_better": "1",
        field: day,
    }
    form = ImpactForm(data)
    assert not form.is_valid()
    assert form.errors[field] == ["Choose a date between the years 2000 and 2100."]
    assert ImpactForm({**data, field: (today - timedelta(days=30)).isoformat()}).is_valid()


def test_editing_keeps_the_address_and_the_summary_waits_for_the_close(
    client: Client, leader: Person
) -> None:
    campaign = _campaign(leader)
    client.force_login(leader)
    edit = reverse("ideas:campaign_edit", args=[campaign.slug])
    form = client.get(edit).content.decode()
    assert 'name="results_summary"' not in form  # not yet closed
    with pytest.raises(ValidationError, match="once the campaign has closed"):
        _campaign(leader, campaign=campaign, results_summary="We chose three ideas.")

    response = client.post(edit, _form(title="Safer nights for everyone"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.slug, campaign.title) == ("safer-night-shifts", "Safer nights for everyone")

    _close(campaign)
    assert 'name="results_summary"' in client.get(edit).content.decode()
    response = client.post(
        edit,
        _form(
            opens_at=_when(-40),
            closes_at=_when(-1),
            results_summary="We chose **three** ideas to try.",
        ),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert "<strong>three</strong>" in campaign.results_summary_html


def test_addresses_are_unique_and_never_the_new_campaign_page(leader: Person) -> None:
    first = _campaign(leader, title="New")
    second = _campaign(leader, title="New")
    assert first.slug != "new"
    assert second.slug not in ("new", first.slug)


# --- The list ------------------------------------------------------------------------------


def test_the_list_puts_open_campaigns_asking_me_first_then_others_upcoming_and_closed(
    client: Client, leader: Person
) -> None:
    nurse = PersonFactory()
    elsewhere = DepartmentFactory()
    mine = _campaign(leader, title="Asks me", audience_departments=[nurse.department])
    others = _campaign(leader, title="Asks radiology", audience_departments=[elsewhere])
    upcoming = _campaign(
        leader,
        title="Later this year",
        opens_at=timezone.now() + timedelta(days=10),
        closes_at=timezone.now() + timedelta(days=40),
    )
    closed = _campaign(leader, title="Last winter")
    _close(closed)
    client.force_login(nurse)

    page = client.get(reverse("ideas:campaign_list")).content.decode()

    positions = [page.index(c.title) for c in (mine, others, upcoming, closed)]
    assert positions == sorted(positions)
    assert "Open now, asking you" in page
    assert "Open now, asking other teams" in page


def test_the_list_makes_the_same_number_of_queries_for_3_and_30_campaigns(
    client: Client, leader: Person, query_count: QueryCount
) -> None:
    client.force_login(PersonFactory())
    url = reverse("ideas:campaign_list")
    client.get(url)

    def make(n: int) -> None:
        for _ in range(n):
            CampaignFactory()
            _close(CampaignFactory())
            CampaignFactory(
                opens_at=timezone.now() + timedelta(days=3),
                closes_at=timezone.now() + timedelta(days=9),
            )

    make(1)
    small = query_count(lambda: client.get(url))
    make(10)
    large = query_count(lambda: client.get(url))
    assert small == large


def test_closed_campaigns_come_a_page_at_a_time_with_and_without_javascript(
    client: Client,
) -> None:
    campaigns = [CampaignFactory(title=f"Closed campaign {n:02d}") for n in range(23)]
    for campaign in campaigns:
        _close(campaign)
    client.force_login(PersonFactory())
    url = reverse("ideas:campaign_list")

    page = client.get(url).content.decode()
    assert page.count("Closed campaign") == 20
    cursor = page.split("?cursor=")[1].split('"')[0]
    rest = client.get(url, {"cursor": cursor}).content.decode()
    assert rest.count("Closed campaign") == 3
    fragment = client.get(url, {"cursor": cursor}, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert text.count("Closed campaign") == 3
    assert "<html" not in text


# --- One campaign: its page, its board ---------------------------------------------------------


def test_the_campaign_page_invites_the_staff_it_asks_while_it_is_open(
    client: Client, leader: Person
) -> None:
    nurse = PersonFactory()
    other = PersonFactory()
    campaign = _campaign(leader, audience_departments=[nurse.department])
    propose = f"{reverse('ideas:propose')}?campaign={campaign.slug}"

    client.force_login(nurse)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "How could we make night shifts safer?" in page
    assert propose in page
    client.force_login(other)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert propose not in page
    assert "asks other staff" in page

    _close(campaign)
    client.force_login(nurse)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert propose not in page
    assert reverse("ideas:campaign_results", args=[campaign.slug]) in page


def test_the_campaign_board_shows_only_its_own_ideas_and_filters_by_status(
    client: Client, leader: Person
) -> None:
    nurse = PersonFactory()
    campaign = _campaign(leader)
    inside = _propose(nurse, campaign, "Triage at the door")
    _propose(nurse, None, "Outside the campaign")
    client.force_login(nurse)

    page = client.get(campaign.get_absolute_url()).content.decode()
    assert inside.title in page
    assert "Outside the campaign" not in page
    page = client.get(campaign.get_absolute_url(), {"status": "implemented"}).content.decode()
    assert inside.title not in page


def test_the_campaign_page_makes_the_same_number_of_queries_for_3_and_30_ideas(
    client: Client, leader: Person, query_count: QueryCount
) -> None:
    from django.core.cache import cache

    nurse = PersonFactory()
    campaign = _campaign(
        leader, audience_departments=[nurse.department], audience_job_families=[nurse.job_family]
    )
    client.force_login(nurse)
    url = campaign.get_absolute_url()
    client.get(url)

    def measure() -> int:
        cache.clear()
        return query_count(lambda: client.get(url))

    for n in range(3):
        _propose(nurse, campaign, f"Idea {n}")
    small = measure()
    for n in range(27):
        _propose(PersonFactory(unit=nurse.unit), campaign, f"More {n}")
    large = measure()
    assert small == large
    htmx = client.get(url, {"cursor": "x"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200


# --- Results -----------------------------------------------------------------------------------


def test_results_wait_for_the_close(client: Client, leader: Person) -> None:
    campaign = _campaign(leader)
    _propose(PersonFactory(), campaign, "Triage at the door")
    client.force_login(PersonFactory())
    page = client.get(reverse("ideas:campaign_results", args=[campaign.slug])).content.decode()
    assert "results are published here after it closes" in page
    assert "Triage at the door" not in page


def test_results_group_the_ideas_by_decision_with_the_latest_answer_and_votes(
    client: Client, leader: Person
) -> None:
    reviewer = PersonFactory(first_name="Rita", last_name="Reviewer")
    campaign = _campaign(leader, reviewers=[reviewer])
    nurse = PersonFactory()
    done = _propose(nurse, campaign, "Triage at the door")
    declined = _propose(nurse, campaign, "A second waiting room")
    waiting = _propose(nurse, campaign, "Text patients their place in the queue")
    for voter in (PersonFactory(), PersonFactory()):
        vote(idea=done, person=voter)
    respond(idea=done, reviewer=reviewer, message="We will try it.", status=Status.ACCEPTED)
    respond(
        idea=done,
        reviewer=reviewer,
        message="Running every day since May.",
        status=Status.IMPLEMENTED,
    )
    respond(
        idea=declined, reviewer=reviewer, message="No space this year.", status=Status.NOT_PLANNED
    )
    _close(campaign)
    _campaign(
        leader,
        campaign=campaign,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        results_summary="Three ideas, one **running** already.",
    )
    client.force_login(nurse)

    page = client.get(reverse("ideas:campaign_results", args=[campaign.slug])).content.decode()

    order = [page.index(words) for words in ("Implemented", "Not planned", "Not yet answered")]
    assert order == sorted(order)
    assert page.index(done.title) < page.index(declined.title) < page.index(waiting.title)
    assert "Running every day since May." in page
    assert "We will try it." not in page  # only the latest answer
    assert "2 votes" in page
    assert "<strong>running</strong>" in page


def test_results_put_ideas_answered_without_a_decision_apart_from_those_not_yet_answered(
    client: Client, leader: Person
) -> None:
    reviewer = PersonFactory(first_name="Rita", last_name="Reviewer")
    campaign = _campaign(leader, reviewers=[reviewer])
    nurse = PersonFactory()
    answered = _propose(nurse, campaign, "Text patients their place in the queue")
    waiting = _propose(nurse, campaign, "A water cooler in the waiting room")
    reviewing = _propose(nurse, campaign, "A second triage nurse at night")
    respond(idea=answered, reviewer=reviewer, message="Thank you: we are asking IT about texts.")
    respond(
        idea=reviewing,
        reviewer=reviewer,
        message="The board looks at it in June.",
        status=Status.UNDER_REVIEW,
    )
    _close(campaign)

    groups = campaign_results(campaign=campaign)

    assert [(g.key, g.status, g.total, [i.title for i in g.ideas]) for g in groups] == [
        ("under-review", Status.UNDER_REVIEW, 1, [reviewing.title]),
        ("answered", Status.NEW, 1, [answered.title]),
        ("unanswered", Status.NEW, 1, [waiting.title]),
    ]
    assert [str(g.label) for g in groups] == [
        "Under review",
        "Answered, no decision yet",
        "Not yet answered",
    ]
    client.force_login(nurse)
    page = client.get(reverse("ideas:campaign_results", args=[campaign.slug])).content.decode()
    answered_at = page.index("Answered, no decision yet")
    waiting_at = page.index("Not yet answered")
    assert answered_at < page.index(answered.title) < waiting_at < page.index(waiting.title)
    assert "we are asking IT about texts" in page
    assert 'id="group-answered-heading"' in page
    assert 'id="group-unanswered-heading"' in page
    # Only the idea nobody answered says so.
    assert page.count("No answer yet.") == 1
    assert page.index("No answer yet.") > waiting_at


def test_results_make_the_same_number_of_queries_for_few_and_many_ideas(
    client: Client, leader: Person, query_count: QueryCount
) -> None:
    reviewer = PersonFactory()
    campaign = _campaign(leader, reviewers=[reviewer])
    client.force_login(PersonFactory())
    url = reverse("ideas:campaign_results", args=[campaign.slug])
    statuses = [
        Status.IMPLEMENTED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.UNDER_REVIEW,
        Status.NOT_PLANNED,
    ]

    def make(n: int) -> None:
        Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() + timedelta(days=1))
        campaign.refresh_from_db()
        for i in range(n):
            idea = _propose(PersonFactory(), campaign, f"Idea {i}")
            status = statuses[i % len(statuses)]
            respond(idea=idea, reviewer=reviewer, message=f"Answer {i}.", status=status)
            respond(idea=idea, reviewer=reviewer, message=f"More on {i}.")
            answered = _propose(PersonFactory(), campaign, f"Answered, still new {i}")
            respond(idea=answered, reviewer=reviewer, message=f"Looking at {i}.")
            _propose(PersonFactory(), campaign, f"Nobody answered {i}")
        _close(campaign)

    make(5)
    client.get(url)
    small = query_count(lambda: client.get(url))
    make(25)
    large = query_count(lambda: client.get(url))
    assert small == large
    page = client.get(url).content.decode()
    assert "Answered, no decision yet" in page
    assert "Not yet answered" in page
    assert "more: see all the ideas still marked New" in page  # 30 in each, 20 shown
