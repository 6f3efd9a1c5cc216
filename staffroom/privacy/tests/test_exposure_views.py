"""The privacy officers' exposure pages: who may open them, what they show and record."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import Post
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.services.sharing import make_post_public
from staffroom.channels.tests.factories import ChannelEditorFactory, PostFactory
from staffroom.core.models import Visibility
from staffroom.discussion.services import post_comment
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory
from staffroom.privacy.exposure import mark_as_phi
from staffroom.privacy.models import ExposureReport, Tombstone

SECRET = "wqxlorbtz"


@pytest.fixture
def officer(db: None) -> Person:
    person = PersonFactory(username="privacy.officer")
    RoleGrantFactory(person=person, role=Role.PRIVACY_OFFICER)
    return person


@pytest.fixture
def post(db: None) -> Post:
    return PostFactory(title=f"About {SECRET}", body=f"{SECRET} was moved")


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _mark_url(obj: Any, kind: str = "post") -> str:
    return reverse("privacy:mark_phi", kwargs={"kind": kind, "item_id": obj.pk})


def test_only_privacy_officers_and_administrators_see_any_exposure_page(
    officer: Person, post: Post
) -> None:
    report = mark_as_phi(obj=post, officer=officer, reason="Name")
    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    site_officer = PersonFactory()
    RoleGrantFactory(
        person=site_officer, role=Role.PRIVACY_OFFICER, site=site_officer.department.site
    )
    administrator = PersonFactory()
    RoleGrantFactory(person=administrator, role=Role.ADMINISTRATOR)
    gets = [
        _mark_url(PostFactory()),
        reverse("privacy:exposure_list"),
        report.get_absolute_url(),
        reverse("privacy:exposure_csv", kwargs={"pk": report.pk}),
    ]
    for person in (PersonFactory(), moderator, site_officer, post.author):
        client = _client(person)
        for url in gets:
            response = client.get(url)
            assert response.status_code == 404, (person.username, url)
            assert SECRET not in response.content.decode(errors="ignore")
        assert (
            client.post(
                reverse("privacy:purge", kwargs={"pk": report.pk}), {"confirm": "on"}
            ).status_code
            == 404
        )
    assert Client().get(reverse("privacy:exposure_list")).status_code == 302
    for url in gets[:3]:
        assert _client(administrator).get(url).status_code == 200
    assert not Tombstone.objects.exists()


def test_the_confirmation_page_says_what_and_where_and_needs_a_reason(
    officer: Person, post: Post
) -> None:
    client = _client(officer)
    page = client.get(_mark_url(post))
    assert page.status_code == 200
    html = page.content.decode()
    assert post.get_absolute_url() in html
    assert 'name="reason"' in html
    response = client.post(_mark_url(post), {"reason": "  "})
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE
    assert not ExposureReport.objects.exists()


def test_marking_takes_the_post_down_and_shows_the_report(officer: Person, post: Post) -> None:
    client = _client(officer)
    response = client.post(_mark_url(post), {"reason": "A patient's name"})
    report = ExposureReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    post.refresh_from_db()
    assert post.visibility == Visibility.REMOVED
    # Marking again leads to the same report.
    again = client.get(_mark_url(post))
    assert again.status_code == 302
    assert again["Location"] == report.get_absolute_url()


def test_a_comment_can_be_marked_from_its_page(officer: Person, post: Post) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Fine words")
    response = _client(officer).post(_mark_url(comment, "comment"), {"reason": "Name"})
    assert response.status_code == 302
    assert ExposureReport.objects.get().item_kind == "comment"


def test_an_unknown_kind_or_item_is_404(officer: Person) -> None:
    client = _client(officer)
    assert (
        client.get(reverse("privacy:mark_phi", kwargs={"kind": "idea", "item_id": 1})).status_code
        == 404
    )
    assert (
        client.get(reverse("privacy:mark_phi", kwargs={"kind": "post", "item_id": 999})).status_code
        == 404
    )
    assert client.get(reverse("privacy:exposure", kwargs={"pk": 999})).status_code == 404


def test_the_report_shows_who_saw_it_and_every_reading_is_audited(
    officer: Person, post: Post
) -> None:
    reader = PersonFactory(first_name="Rita", last_name="Reader")
    record_post_view(post=post, person=reader)
    report = mark_as_phi(obj=post, officer=officer, reason="Name")
    html = _client(officer).get(report.get_absolute_url()).content.decode()
    assert "Rita Reader" in html
    assert "Opened the page" in html
    assert "Email: Staffroom sends none yet" in html
    assert SECRET not in html  # the report names the item by its label only
    viewed = AuditEntry.objects.get(action=AuditAction.EXPOSURE_REPORT_VIEWED)
    assert viewed.actor == officer
    assert viewed.target_id == str(report.pk)


def test_the_csv_lists_sightings_then_the_audience_and_is_audited(
    officer: Person, post: Post
) -> None:
    reader = PersonFactory(username="rita")
    record_post_view(post=post, person=reader)
    report = mark_as_phi(obj=post, officer=officer, reason="Name")
    response = _client(officer).get(reverse("privacy:exposure_csv", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]  # a streaming response
    assert rows[0][0] == "list"
    saw = [row for row in rows[1:] if row[0] == "saw"]
    could = [row for row in rows[1:] if row[0] == "could see"]
    assert [row[3] for row in saw] == ["rita"]
    assert saw[0][6] == "page view"
    assert len(could) == report.could_see_count
    assert AuditEntry.objects.filter(action=AuditAction.EXPORTED, target_id=str(report.pk)).exists()


def test_purging_needs_the_box_ticked_and_then_leaves_a_tombstone(
    officer: Person, post: Post
) -> None:
    report = mark_as_phi(obj=post, officer=officer, reason="Name")
    client = _client(officer)
    url = reverse("privacy:purge", kwargs={"pk": report.pk})
    assert client.post(url, {}).status_code == 302
    assert not Tombstone.objects.exists()
    response = client.post(url, {"confirm": "on"}, follow=True)
    tombstone = Tombstone.objects.get()
    assert tombstone.content_sha256 in response.content.decode()
    post.refresh_from_db()
    assert SECRET not in post.title + post.body
    assert client.get(url).status_code == 405


def test_a_public_post_stops_being_public_when_marked(officer: Person, db: None) -> None:
    post: Post = PostFactory(title="Ward news", body=f"{SECRET} today")
    editor = PersonFactory()
    ChannelEditorFactory(channel=post.channel, person=editor)
    post = make_post_public(post=post, by=editor)
    public_url = reverse("channels:public_post", kwargs={"pk": post.pk, "slug": "ward-news"})
    assert Client().get(public_url).status_code == 200
    report = mark_as_phi(obj=post, officer=officer, reason="Name")
    assert report.was_public
    assert Client().get(public_url).status_code == 404
    assert SECRET not in Client().get(reverse("channels:public_atom")).content.decode()


def test_a_restricted_post_could_be_seen_by_its_audience_and_its_channel_editors(
    officer: Person,
) -> None:
    department = DepartmentFactory()
    members = {PersonFactory(unit=UnitFactory(department=department)).pk for _ in range(3)}
    post = PostFactory(audience_departments=[department])
    editor = PersonFactory()
    ChannelEditorFactory(channel=post.channel, person=editor)
    PersonFactory()  # someone else, outside the audience
    report = mark_as_phi(obj=post, officer=officer, reason="Name")
    assert set(report.audience.values_list("person", flat=True)) == members | {editor.pk}


def _report_with(people: int, officer: Person) -> ExposureReport:
    post = PostFactory()
    for _ in range(people):
        record_post_view(post=post, person=PersonFactory())
    return mark_as_phi(obj=post, officer=officer, reason="Name")


def test_the_report_page_costs_the_same_for_few_and_many_people(
    officer: Person, query_count: Callable[[Callable[[], object]], int]
) -> None:
    client = _client(officer)
    small = _report_with(3, officer)
    large = _report_with(60, officer)
    client.get(small.get_absolute_url())  # warm up the session and caches

    def cost(report: ExposureReport) -> int:
        return query_count(lambda: client.get(report.get_absolute_url()))

    assert cost(small) == cost(large)
    more = client.get(large.get_absolute_url()).content.decode()
    assert "?people=" in more
    assert "?seen=" in more


def test_the_next_page_of_people_comes_as_a_fragment_to_htmx(officer: Person) -> None:
    report = _report_with(60, officer)
    client = _client(officer)
    first = client.get(report.get_absolute_url())
    cursor = first.context["audience"].next_cursor
    fragment = client.get(report.get_absolute_url(), {"people": cursor}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    plain = client.get(report.get_absolute_url(), {"people": cursor})
    assert "<html" in plain.content.decode()


def test_the_report_list_costs_the_same_for_few_and_many_reports(
    officer: Person, query_count: Callable[[Callable[[], object]], int]
) -> None:
    client = _client(officer)
    url = reverse("privacy:exposure_list")
    _report_with(0, officer)
    client.get(url)
    few = query_count(lambda: client.get(url))
    for _ in range(35):
        _report_with(0, officer)
    assert query_count(lambda: client.get(url)) == few
