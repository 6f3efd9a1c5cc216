"""An exposure report on an anonymous item (an idea, or its author's comment under it) never
points at its author: the audience is the whole staff with the author in it, not "everyone
but one", on the page and in the CSV; only the audited reveal names them (decision 18)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment
from staffroom.ideas.models import Idea
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reading import record_idea_view
from staffroom.ideas.services.voting import vote
from staffroom.ideas.tests.factories import CategoryFactory
from staffroom.privacy.exposure import mark_as_phi
from staffroom.privacy.models import ExposureReport

pytestmark = pytest.mark.django_db


def _officer() -> Person:
    officer = PersonFactory()
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    return officer


def _idea(author: Person, *, anonymous: bool = True) -> Idea:
    assert author.department is not None
    return create_idea(
        author=author,
        title="Night lights along the corridor",
        problem="Staff walk the corridor in the dark.",
        proposal="Fit low lights along the skirting.",
        category=CategoryFactory(),
        department=author.department,
        is_anonymous=anonymous,
    )


def _everyone() -> set[int]:
    return set(Person.objects.values_list("pk", flat=True))


def _csv(report: ExposureReport, officer: Person) -> dict[str, set[int]]:
    client = Client()
    client.force_login(officer)
    response = client.get(reverse("privacy:exposure_csv", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]  # a streaming response
    lists: dict[str, set[int]] = {"saw": set(), "could see": set()}
    for row in rows[1:]:
        lists[row[0]].add(int(row[1]))
    return lists


def _report_page(report: ExposureReport, officer: Person) -> str:
    client = Client()
    client.force_login(officer)
    response = client.get(reverse("privacy:exposure", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _assert_names_nobody(report: ExposureReport, officer: Person, author: Person) -> None:
    """No list, stored or exported, is the whole staff but its author."""
    everyone = _everyone()
    audience = set(report.audience.values_list("person_id", flat=True))
    saw = set(report.sightings.values_list("person_id", flat=True))
    assert report.item_author_id is None
    assert author.pk in audience
    assert audience == everyone  # every member of staff could read it, its author too
    assert report.could_see_count == len(everyone)
    assert audience - {author.pk} != audience
    for listed in (audience, saw):
        assert listed != everyone - {author.pk}
    exported = _csv(report, officer)
    assert exported["could see"] == audience
    assert exported["saw"] == saw
    for listed in exported.values():
        assert listed != everyone - {author.pk}


def test_the_report_on_an_anonymous_idea_keeps_its_author_in_the_audience() -> None:
    author = PersonFactory(first_name="Zebediah", last_name="Quillfeather")
    idea = _idea(author)
    reader, voter = PersonFactory(), PersonFactory()
    PersonFactory.create_batch(3)
    record_idea_view(idea=idea, person=author)  # they open it as they post it
    record_idea_view(idea=idea, person=reader)
    vote(idea=idea, person=voter)
    officer = _officer()

    report = mark_as_phi(obj=idea, officer=officer, reason="It names a patient in full.")

    _assert_names_nobody(report, officer, author)
    saw = set(report.sightings.values_list("person_id", flat=True))
    # Their own views are no exposure, and their times would point at them.
    assert reader.pk in saw
    assert author.pk not in saw
    html = _report_page(report, officer)
    assert "Quillfeather" in html  # in the audience, as one of everyone


def test_the_report_on_an_anonymous_comment_keeps_its_author_in_the_audience() -> None:
    author = PersonFactory(first_name="Zebediah", last_name="Quillfeather")
    idea = _idea(author)
    colleague = PersonFactory()
    PersonFactory.create_batch(3)
    question = post_comment(thread=idea.thread, author=colleague, body="Which corridor?")
    comment = post_comment(
        thread=idea.thread, author=author, body="Past the sluice room.", parent=question
    )
    assert comment.is_anonymous
    officer = _officer()

    report = mark_as_phi(obj=comment, officer=officer, reason="It names a patient.")

    assert report.item_kind == "comment"
    _assert_names_nobody(report, officer, author)
    # The colleague was told of the reply: a sighting; the author has none of their own.
    assert set(report.sightings.values_list("person_id", flat=True)) == {colleague.pk}


def test_when_everyone_else_saw_an_anonymous_idea_its_author_is_among_those_who_saw() -> None:
    author = PersonFactory()
    idea = _idea(author)
    PersonFactory.create_batch(2)
    officer = _officer()
    for person in Person.objects.all():
        record_idea_view(idea=idea, person=person)

    report = mark_as_phi(obj=idea, officer=officer, reason="It names a patient.")

    # Without the author's own view the list would be everyone but exactly them.
    saw = set(report.sightings.values_list("person_id", flat=True))
    assert saw == _everyone()
    assert report.saw_count == len(_everyone())
    _assert_names_nobody(report, officer, author)


def test_a_signed_idea_or_comment_leaves_its_named_author_out_as_before() -> None:
    author = PersonFactory()
    idea = _idea(author, anonymous=False)
    PersonFactory.create_batch(2)
    record_idea_view(idea=idea, person=author)
    comment: Comment = post_comment(thread=idea.thread, author=author, body="More detail.")
    assert not comment.is_anonymous
    officer = _officer()
    for obj in (comment, idea):
        report = mark_as_phi(obj=obj, officer=officer, reason="It names a patient.")
        audience = set(report.audience.values_list("person_id", flat=True))
        assert report.item_author_id == author.pk  # named on the report itself
        assert audience == _everyone() - {author.pk}
        assert author.pk not in set(report.sightings.values_list("person_id", flat=True))
