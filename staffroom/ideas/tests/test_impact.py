"""Impact: a reviewer in scope records what an implemented idea changed, measured before and
after, and who is credited; the idea page shows it; bad input and patient information are
refused with the words kept; anonymous authors stay anonymous."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.ideas.forms_campaigns import parse_credits, parse_usernames
from staffroom.ideas.models import Contributor, Idea, Impact, Status
from staffroom.ideas.services.impact import (
    credit_contributors,
    record_impact,
    summarise_impact,
)
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.tests.factories import CategoryFactory
from staffroom.notifications.models import Notification

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]
WHAT_CHANGED = "Call lights now ring on the *charge nurse's* pager as well."
PHI_TEXT = "Mrs Jane Doe, MRN 12345678, waited longest in bay 3."


@pytest.fixture
def reviewer() -> Person:
    return PersonFactory(username="rita.reviewer")


def _idea_for(reviewer: Person, **fields: Any) -> Idea:
    """A new idea through the proposing service (counted, as in the running system)."""
    author = fields.pop("author", None) or PersonFactory()
    idea = create_idea(
        author=author,
        title="Call lights that reach the charge nurse",
        problem="Call lights ring at the desk while everyone is in the bays.",
        proposal="Send every call light to the charge nurse's pager too.",
        category=CategoryFactory(),
        department=author.department,
        **fields,
    )
    RoleGrant.objects.get_or_create(
        person=reviewer, role=Role.IDEA_REVIEWER, department=idea.department
    )
    return idea


def _implemented(reviewer: Person, **fields: Any) -> Idea:
    idea = _idea_for(reviewer, **fields)
    respond(idea=idea, reviewer=reviewer, message="Done on Ward 7.", status=Status.IMPLEMENTED)
    idea.refresh_from_db()
    return idea


def _values(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "what_changed": WHAT_CHANGED,
        "measure": "call-light response",
        "unit": "minutes",
        "before_value": Decimal("6.5"),
        "before_on": today - timedelta(days=60),
        "after_value": Decimal("3.2"),
        "after_on": today - timedelta(days=2),
        "lower_is_better": True,
        "hours_saved_per_year": Decimal(120),
        "money_saved_per_year": Decimal(4500),
    }
    values.update(overrides)
    return values


def _post_data(**overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "what_changed": WHAT_CHANGED,
        "measure": "call-light response",
        "unit": "minutes",
        "before_value": "6.5",
        "before_on": (today - timedelta(days=60)).isoformat(),
        "after_value": "3.2",
        "after_on": (today - timedelta(days=2)).isoformat(),
        "lower_is_better": "1",
        "hours_saved_per_year": "120",
        "money_saved_per_year": "4500",
        "contributors": "",
    }
    data.update(overrides)
    return data


# --- The service ----------------------------------------------------------------------------


def test_a_reviewer_records_measured_impact_credits_and_tells_the_people_concerned(
    reviewer: Person,
) -> None:
    idea = _implemented(reviewer)
    version = idea.version
    helper = PersonFactory(username="tom.baker")
    Notification.objects.all().delete()

    impact = record_impact(
        idea=idea, recorder=reviewer, contributors=[(helper, "ran the trial")], **_values()
    )

    assert impact.before_value == Decimal("6.5")
    assert impact.after_value == Decimal("3.2")
    assert "<em>charge nurse's</em>" in impact.what_changed_html
    assert impact.recorded_by == reviewer
    credit = Contributor.objects.get(idea=idea)
    assert (credit.person, credit.contribution) == (helper, "ran the trial")
    idea.refresh_from_db()
    assert idea.version == version + 1
    told = dict(
        Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).values_list(
            "recipient_id", "message"
        )
    )
    headline = "Impact recorded: call-light response 6.5 → 3.2 minutes"
    assert told == {idea.author_id: headline, helper.pk: headline}
    entry = AuditEntry.objects.get(action=AuditAction.IDEA_IMPACT_RECORDED)
    assert entry.actor_id == reviewer.pk
    assert entry.data["contributors"] == [helper.pk]
    # Ids only: none of the written words.
    assert "call-light" not in str(entry.data) + entry.summary


def test_recording_again_corrects_the_one_impact_and_replaces_the_credits(
    reviewer: Person,
) -> None:
    idea = _implemented(reviewer)
    first, second = PersonFactory(), PersonFactory()
    record_impact(idea=idea, recorder=reviewer, contributors=[(first, "")], **_values())

    record_impact(
        idea=idea,
        recorder=reviewer,
        contributors=[(second, "audit")],
        **_values(after_value=Decimal("2.9")),
    )

    assert Impact.objects.filter(idea=idea).count() == 1
    assert Impact.objects.get(idea=idea).after_value == Decimal("2.9")
    assert list(Contributor.objects.filter(idea=idea).values_list("person_id", flat=True)) == [
        second.pk
    ]


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.IN_PROGRESS, Status.NOT_PLANNED])
def test_impact_is_refused_on_an_idea_that_is_not_implemented(
    reviewer: Person, status: str
) -> None:
    idea = _idea_for(reviewer)
    respond(idea=idea, reviewer=reviewer, message="Moving on.", status=status)

    with pytest.raises(ValidationError, match="only once an idea is implemented"):
        record_impact(idea=idea, recorder=reviewer, **_values())
    with pytest.raises(ValidationError, match="only once an idea is implemented"):
        credit_contributors(idea=idea, recorder=reviewer, people_with_notes=[])
    assert not Impact.objects.exists()


def test_a_reviewer_outside_the_scope_cannot_record_impact(reviewer: Person) -> None:
    idea = _implemented(reviewer)
    elsewhere = PersonFactory()
    RoleGrantFactory(person=elsewhere, role=Role.IDEA_REVIEWER, department=elsewhere.department)

    with pytest.raises(PermissionDenied):
        record_impact(idea=idea, recorder=elsewhere, **_values())
    assert not Impact.objects.exists()


def test_bad_values_are_all_reported_at_once_and_nothing_changes(reviewer: Person) -> None:
    idea = _implemented(reviewer)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        record_impact(
            idea=idea,
            recorder=reviewer,
            **_values(
                what_changed=" ",
                unit="",
                before_on=today,
                after_on=today - timedelta(days=1),
                hours_saved_per_year=Decimal(-3),
            ),
        )
    assert set(error.value.message_dict) == {
        "what_changed",
        "unit",
        "after_on",
        "hours_saved_per_year",
    }
    assert not Impact.objects.exists()


def test_patient_information_in_the_words_or_the_credits_is_refused(reviewer: Person) -> None:
    idea = _implemented(reviewer)
    with pytest.raises(ValidationError) as error:
        record_impact(idea=idea, recorder=reviewer, **_values(what_changed=PHI_TEXT))
    assert "patient information" in str(error.value.message_dict["what_changed"])
    with pytest.raises(ValidationError) as error:
        record_impact(
            idea=idea, recorder=reviewer, contributors=[(PersonFactory(), PHI_TEXT)], **_values()
        )
    assert "contributors" in error.value.message_dict
    assert not Impact.objects.exists()
    assert not Contributor.objects.exists()


def test_a_named_author_is_not_credited_twice_but_an_anonymous_one_gets_no_telling_answer(
    reviewer: Person,
) -> None:
    named = _implemented(reviewer)
    with pytest.raises(ValidationError, match="credited as its author"):
        credit_contributors(idea=named, recorder=reviewer, people_with_notes=[(named.author, "")])

    # (The same department: the reviewer's roles are read once per person object.)
    anonymous = _implemented(
        reviewer, author=PersonFactory(unit=named.author.unit), is_anonymous=True
    )
    credited = credit_contributors(
        idea=anonymous, recorder=reviewer, people_with_notes=[(anonymous.author, "")]
    )
    assert [c.person_id for c in credited] == [anonymous.author_id]


def test_people_who_have_left_cannot_be_credited(reviewer: Person) -> None:
    idea = _implemented(reviewer)
    leaver = PersonFactory(is_active=False)
    with pytest.raises(ValidationError, match="no longer works here"):
        credit_contributors(idea=idea, recorder=reviewer, people_with_notes=[(leaver, "")])
    assert not Contributor.objects.exists()


def test_the_summary_says_whether_the_change_is_for_the_better() -> None:
    lower = Impact(
        before_value=Decimal("6.50"),
        after_value=Decimal("3.20"),
        unit="minutes",
        lower_is_better=True,
        money_saved_per_year=Decimal("4500.00"),
    )
    summary = summarise_impact(lower)
    assert (summary.before, summary.after, summary.change_percent) == ("6.5", "3.2", 51)
    assert summary.improved
    assert summary.went_down
    assert summary.money_saved == "4,500"

    higher = Impact(
        before_value=Decimal(0), after_value=Decimal(12), unit="patients", lower_is_better=True
    )
    summary = summarise_impact(higher)
    assert summary.direction == "worsened"
    assert summary.change_percent is None  # no per cent of nothing


def test_credits_are_parsed_one_person_a_line_with_an_optional_note() -> None:
    text = "@Grace.Okafor: ran the trial on Ward 7\n\n@tom.baker, @priya\nnina — audit"
    assert parse_credits(text) == [
        ("grace.okafor", "ran the trial on Ward 7"),
        ("tom.baker", ""),
        ("priya", ""),
        ("nina", "audit"),
    ]
    assert parse_usernames("@ana, @ben.c  carla, @ana") == ["ana", "ben.c", "carla"]
    with pytest.raises(ValidationError, match="isn't a username"):
        parse_usernames("@ana, <b>")


# --- The pages ------------------------------------------------------------------------------


def test_the_impact_page_is_for_reviewers_in_scope_only(client: Client, reviewer: Person) -> None:
    idea = _implemented(reviewer)
    url = reverse("ideas:impact", args=[idea.pk])

    client.force_login(idea.author)
    assert client.get(url).status_code == 403
    assert client.post(url, _post_data()).status_code == 403
    client.force_login(PersonFactory())
    assert client.post(url, _post_data()).status_code == 403
    assert not Impact.objects.exists()

    client.force_login(reviewer)
    assert client.get(url).status_code == 200


def test_the_impact_page_of_an_idea_not_yet_implemented_says_so_and_changes_nothing(
    client: Client, reviewer: Person
) -> None:
    idea = _idea_for(reviewer)
    client.force_login(reviewer)
    url = reverse("ideas:impact", args=[idea.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "only once an idea is implemented" in page.content.decode()
    assert client.post(url, _post_data()).status_code == 409
    assert not Impact.objects.exists()


def test_a_reviewer_records_impact_and_the_idea_page_shows_it(
    client: Client, reviewer: Person
) -> None:
    idea = _implemented(reviewer)
    helper = PersonFactory(username="tom.baker", first_name="Tom", last_name="Baker")
    client.force_login(reviewer)

    response = client.post(
        reverse("ideas:impact", args=[idea.pk]),
        _post_data(contributors="@tom.baker: ran the trial"),
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"/ideas/{idea.pk}/#impact")
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "6.5 → 3.2 minutes" in page
    assert "51% lower" in page
    assert "Improved" in page
    assert helper.get_absolute_url() in page
    assert "ran the trial" in page
    assert idea.author.get_absolute_url() in page
    assert "120" in page
    assert "4,500" in page

    # Opening the form again shows what is stored, ready to correct.
    form = client.get(reverse("ideas:impact", args=[idea.pk])).content.decode()
    assert "@tom.baker: ran the trial" in form
    assert 'value="6.5"' in form


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"after_on": "2020-01-01", "before_on": "2020-02-01"},
            "can&#x27;t be dated before",
        ),
        ({"contributors": "@nobody.here: helped"}, "@nobody.here"),
        ({"before_value": "six"}, "Enter a number"),
        ({"what_changed": PHI_TEXT}, "patient information"),
    ],
)
def test_bad_input_comes_back_with_the_words_kept_and_nothing_saved(
    client: Client, reviewer: Person, changes: dict[str, str], message: str
) -> None:
    idea = _implemented(reviewer)
    client.force_login(reviewer)
    version = idea.version
    data = _post_data(measure="call-light response on Ward 7", **changes)

    response = client.post(reverse("ideas:impact", args=[idea.pk]), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="call-light response on Ward 7"' in page
    assert not Impact.objects.exists()
    idea.refresh_from_db()
    assert idea.version == version


def test_an_anonymous_author_is_credited_as_an_anonymous_colleague_and_never_named(
    client: Client, reviewer: Person
) -> None:
    author = PersonFactory(first_name="Zebedee", last_name="Quartermaine")
    idea = _implemented(reviewer, author=author, is_anonymous=True)
    record_impact(idea=idea, recorder=reviewer, **_values())

    client.force_login(PersonFactory())
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "An anonymous colleague" in page
    assert "Quartermaine" not in page
    assert author.get_absolute_url() not in page
    client.force_login(reviewer)
    form = client.get(reverse("ideas:impact", args=[idea.pk])).content.decode()
    assert "Quartermaine" not in form
    # The author is still told, by a notification to them that names the reviewer only.
    told = Notification.objects.get(
        recipient=author,
        kind=Notification.Kind.IDEA_UPDATE,
        message__startswith="Impact recorded",
    )
    assert told.actor_id == reviewer.pk


def test_the_impact_page_makes_the_same_number_of_queries_for_1_and_12_contributors(
    client: Client, reviewer: Person, query_count: QueryCount
) -> None:
    idea = _implemented(reviewer)
    client.force_login(reviewer)
    url = reverse("ideas:impact", args=[idea.pk])
    client.get(url)

    credit_contributors(idea=idea, recorder=reviewer, people_with_notes=[(PersonFactory(), "")])
    small = query_count(lambda: client.get(url))
    credit_contributors(
        idea=idea,
        recorder=reviewer,
        people_with_notes=[(PersonFactory(), f"step {n}") for n in range(12)],
    )
    large = query_count(lambda: client.get(url))
    assert small == large


def test_dates_in_the_future_are_refused(reviewer: Person) -> None:
    idea = _implemented(reviewer)
    with pytest.raises(ValidationError) as error:
        record_impact(
            idea=idea,
            recorder=reviewer,
            **_values(after_on=timezone.localdate() + timedelta(days=30)),
        )
    assert "after_on" in error.value.message_dict
