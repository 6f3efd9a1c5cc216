"""The safety layer on ideas: held ideas (the author's banner, the privacy queue, sending for
review, deleting), flags and moderation, the reveal, exposure reports and purges, erasure and
the personal data export."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from staffroom.accounts.data_export import build_personal_data_export
from staffroom.accounts.erasure import ErasureReason, erase_person
from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.core.models import Visibility
from staffroom.ideas.models import Follow, Idea
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.voting import vote
from staffroom.ideas.tests.factories import CategoryFactory, IdeaFactory
from staffroom.moderation.models import FlaggedItem
from staffroom.moderation.services import flag_item, hide_item, restore_item
from staffroom.privacy.exposure import mark_as_phi, purge_item
from staffroom.privacy.models import AuthorReveal, ExposureReport, PrivacyHold

pytestmark = pytest.mark.django_db

PHI = "Mr John Carter in bed 4, MRN 4481923, keeps falling at night"


def _officer() -> Person:
    officer = PersonFactory()
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    return officer


def _moderator() -> Person:
    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    return moderator


def _propose(author: Person, **overrides: Any) -> Idea:
    fields: dict[str, Any] = {
        "author": author,
        "title": "Bed alarms on every ward",
        "problem": "Patients who fall at night are found too late.",
        "proposal": "Fit pressure alarms to the beds of patients at risk.",
        "category": CategoryFactory(),
        "department": author.department,
    }
    fields.update(overrides)
    return create_idea(**fields)


def _render(template: str, idea: Idea, viewer: Person) -> str:
    request = RequestFactory().get(idea.get_absolute_url())
    request.user = viewer
    return render_to_string(template, {"idea": idea}, request=request)


# --- Held ideas -------------------------------------------------------------------------------


def test_a_held_idea_shows_its_author_the_findings_in_their_fields_and_the_three_choices() -> None:
    author = PersonFactory()
    idea = _propose(author, problem=PHI)
    assert idea.visibility == Visibility.HELD
    hold = PrivacyHold.objects.get(item_kind="idea", item_id=idea.pk)

    html = _render("ideas/_held_idea.html", idea, author)

    assert "only you and the privacy officers can see this" in html
    assert "The problem" in html  # ideas.items.field_label, not the stored key
    assert '<mark class="phi-finding"' in html
    assert "4481923" in html  # the author reads their own words, highlighted
    assert reverse("privacy:send_for_review", kwargs={"hold_id": hold.pk}) in html
    assert reverse("privacy:delete_held", kwargs={"hold_id": hold.pk}) in html


def test_a_held_idea_shows_nothing_to_colleagues_and_is_audited_for_privacy_officers() -> None:
    author = PersonFactory()
    idea = _propose(author, problem=PHI)
    assert _render("ideas/_held_idea.html", idea, PersonFactory()).strip() == ""

    officer = _officer()
    html = _render("ideas/_held_idea.html", idea, officer)
    assert "only its author and the privacy officers can see this" in html
    assert "Review it in the privacy queue" in html
    assert AuditEntry.objects.filter(action=AuditAction.HELD_CONTENT_VIEWED, actor=officer).exists()


def test_a_visible_idea_has_no_held_banner() -> None:
    author = PersonFactory()
    idea = _propose(author)
    assert idea.visibility == Visibility.VISIBLE
    assert _render("ideas/_held_idea.html", idea, author).strip() == ""


def test_the_author_sends_a_held_idea_for_review_with_a_note(client) -> None:
    author = PersonFactory()
    idea = _propose(author, problem=PHI)
    hold = PrivacyHold.objects.get(item_kind="idea", item_id=idea.pk)
    client.force_login(author)

    response = client.post(
        reverse("privacy:send_for_review", kwargs={"hold_id": hold.pk}),
        {"note": "Made-up example from training.", "next": idea.get_absolute_url()},
    )

    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.status == PrivacyHold.Status.IN_REVIEW
    assert hold.author_note == "Made-up example from training."


def test_the_author_deletes_a_held_idea_its_words_go_and_nobody_else_can_delete_it(
    client,
) -> None:
    author = PersonFactory()
    idea = _propose(author, problem=PHI)
    hold = PrivacyHold.objects.get(item_kind="idea", item_id=idea.pk)
    url = reverse("privacy:delete_held", kwargs={"hold_id": hold.pk})

    client.force_login(PersonFactory())
    assert client.post(url).status_code == 404
    hold.refresh_from_db()
    assert hold.is_open

    client.force_login(author)
    response = client.post(url)
    assert response.status_code == 302
    hold.refresh_from_db()
    idea.refresh_from_db()
    assert hold.status == PrivacyHold.Status.WITHDRAWN
    assert idea.visibility == Visibility.REMOVED
    assert "4481923" not in idea.problem


def test_the_privacy_queue_lists_held_ideas_and_the_hold_page_labels_their_fields(client) -> None:
    author = PersonFactory(first_name="Zebediah", last_name="Quillfeather", username="zquill")
    idea = _propose(author, problem=PHI, is_anonymous=True)
    hold = PrivacyHold.objects.get(item_kind="idea", item_id=idea.pk)
    client.force_login(_officer())

    queue = client.get(reverse("privacy:queue"), {"tab": "author"}).content.decode()
    assert reverse("privacy:hold", kwargs={"hold_id": hold.pk}) in queue
    assert "Posted anonymously" in queue
    assert "Quillfeather" not in queue

    page = client.get(reverse("privacy:hold", kwargs={"hold_id": hold.pk})).content.decode()
    assert "The problem" in page
    assert "Quillfeather" not in page
    assert reverse("privacy:reveal", kwargs={"kind": "idea", "item_id": idea.pk}) in page


def test_a_signed_held_idea_names_its_author_to_privacy_officers(client) -> None:
    author = PersonFactory(first_name="Ottoline", last_name="Brackenbury")
    idea = _propose(author, problem=PHI)
    hold = PrivacyHold.objects.get(item_kind="idea", item_id=idea.pk)
    client.force_login(_officer())
    page = client.get(reverse("privacy:hold", kwargs={"hold_id": hold.pk})).content.decode()
    assert "Brackenbury" in page


def test_hold_audit_entries_of_an_anonymous_idea_name_nobody() -> None:
    author = PersonFactory()
    idea = _propose(author, problem=PHI, is_anonymous=True)
    entries = AuditEntry.objects.filter(target_type="privacy.privacyhold")
    assert entries.exists()
    for entry in entries:
        assert entry.actor_id is None
        assert "author" not in entry.data
    # A signed idea's hold keeps its author on the trail, as posts' and comments' do.
    signed = _propose(PersonFactory(), problem=PHI)
    signed_hold = PrivacyHold.objects.get(item_kind="idea", item_id=signed.pk)
    assert AuditEntry.objects.filter(
        target_type="privacy.privacyhold", target_id=str(signed_hold.pk), actor=signed.author
    ).exists()
    assert idea.author_id == author.pk


# --- Flags and moderation ---------------------------------------------------------------------


def test_a_colleague_flags_an_idea_through_the_flag_page(client) -> None:
    idea = _propose(PersonFactory())
    client.force_login(PersonFactory())
    url = reverse("moderation:flag", kwargs={"kind": "idea", "item_id": idea.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "disrespect", "note": ""})
    assert response.status_code == 302
    assert FlaggedItem.objects.get(item_kind="idea", item_id=idea.pk).open_flags == 1


def test_the_author_can_not_flag_their_own_idea(client) -> None:
    author = PersonFactory()
    idea = _propose(author)
    client.force_login(author)
    url = reverse("moderation:flag", kwargs={"kind": "idea", "item_id": idea.pk})
    assert client.post(url, {"reason": "other"}).status_code == 403


def test_enough_flags_hide_an_idea_and_a_moderator_restores_it() -> None:
    idea = _propose(PersonFactory())
    for _n in range(int(getattr(settings, "MODERATION_AUTO_HIDE_FLAGS", 3))):
        flag_item(obj=idea, by=PersonFactory(), reason="misinformation")
    idea.refresh_from_db()
    assert idea.visibility == Visibility.HIDDEN
    assert not Idea.objects.shown().filter(pk=idea.pk).exists()

    restore_item(obj=idea, moderator=_moderator(), reason="Checked: it is fine.")
    idea.refresh_from_db()
    assert idea.visibility == Visibility.VISIBLE


def test_a_moderator_hides_an_idea() -> None:
    idea = _propose(PersonFactory())
    hide_item(obj=idea, moderator=_moderator(), reason="Rude about a named colleague.")
    idea.refresh_from_db()
    assert idea.visibility == Visibility.HIDDEN


def test_safety_links_offer_flag_to_all_and_reveal_to_officers_on_anonymous_ideas() -> None:
    anonymous = _propose(PersonFactory(), is_anonymous=True)
    signed = _propose(PersonFactory())
    flag_url = reverse("moderation:flag", kwargs={"kind": "idea", "item_id": anonymous.pk})
    reveal_url = reverse("privacy:reveal", kwargs={"kind": "idea", "item_id": anonymous.pk})

    colleague_html = _render("ideas/_safety_links.html", anonymous, PersonFactory())
    assert flag_url in colleague_html
    assert reveal_url not in colleague_html

    officer = _officer()
    assert reveal_url in _render("ideas/_safety_links.html", anonymous, officer)
    assert "/privacy/reveal/" not in _render("ideas/_safety_links.html", signed, officer)
    assert flag_url not in _render("ideas/_safety_links.html", anonymous, anonymous.author)


# --- Reveal, exposure and purge ---------------------------------------------------------------


def test_a_privacy_officer_reveals_the_author_of_an_anonymous_idea(client) -> None:
    author = PersonFactory(first_name="Zebediah", last_name="Quillfeather")
    idea = _propose(author, is_anonymous=True)
    client.force_login(_officer())
    url = reverse("privacy:reveal", kwargs={"kind": "idea", "item_id": idea.pk})
    assert "Quillfeather" not in client.get(url).content.decode()
    response = client.post(url, {"reason": "Threats in the idea: we must speak to them."})
    assert "Quillfeather" in response.content.decode()
    assert AuthorReveal.objects.count() == 1


def test_an_exposure_report_on_an_idea_and_its_purge() -> None:
    author = PersonFactory()
    idea = _propose(author, is_anonymous=True)
    reader = PersonFactory()
    vote(idea=idea, person=reader)
    officer = _officer()

    report = mark_as_phi(obj=idea, officer=officer, reason="It names a patient in full.")

    idea.refresh_from_db()
    assert idea.visibility == Visibility.REMOVED
    assert report.item_kind == "idea"
    assert report.item_author_id is None  # anonymous: the report names nobody
    assert report.could_see_count >= 1
    assert report.audience.filter(person=reader).exists()
    # Anonymous: its author is one of everyone who could see it, not the one left out
    # (privacy/tests/test_exposure_anonymous.py).
    assert report.audience.filter(person=author).exists()

    purge_item(report=report, officer=officer)
    idea.refresh_from_db()
    assert idea.problem == ""
    assert idea.proposal == ""
    assert ExposureReport.objects.get(pk=report.pk).is_purged


def _withheld_readings(idea: Idea) -> int:
    return AuditEntry.objects.filter(
        action=AuditAction.HELD_CONTENT_VIEWED, target_id=str(idea.pk)
    ).count()


def test_reading_a_removed_idea_on_its_page_is_audited_for_all_but_its_author(client) -> None:
    author = PersonFactory()
    idea = _propose(author, is_anonymous=True)
    officer = _officer()
    mark_as_phi(obj=idea, officer=officer, reason="It names a patient in full.")
    idea.refresh_from_db()
    assert idea.visibility == Visibility.REMOVED

    client.force_login(officer)
    response = client.get(idea.get_absolute_url())
    assert response.status_code == 200
    assert "Fit pressure alarms" in response.content.decode()  # the words are on the page
    entry = AuditEntry.objects.get(action=AuditAction.HELD_CONTENT_VIEWED)
    assert entry.actor == officer
    assert entry.target_id == str(idea.pk)
    assert entry.data == {"kind": "idea", "item": idea.pk, "visibility": Visibility.REMOVED}
    assert "Fit pressure alarms" not in entry.summary  # ids only, never the words

    client.force_login(author)
    assert client.get(idea.get_absolute_url()).status_code == 200
    assert _withheld_readings(idea) == 1  # its author reading their own words: not audited


def test_reading_a_held_idea_on_its_page_is_audited_once(client) -> None:
    idea = _propose(PersonFactory(), problem=PHI)
    assert idea.visibility == Visibility.HELD
    officer = _officer()
    client.force_login(officer)
    assert client.get(idea.get_absolute_url()).status_code == 200
    # Through its open hold, by the held banner; the page adds no second entry.
    [entry] = AuditEntry.objects.filter(action=AuditAction.HELD_CONTENT_VIEWED)
    assert entry.actor == officer
    assert entry.data["hold"] == PrivacyHold.objects.get(item_kind="idea", item_id=idea.pk).pk


def test_reading_a_shown_idea_is_not_audited(client) -> None:
    idea = _propose(PersonFactory())
    client.force_login(_officer())
    assert client.get(idea.get_absolute_url()).status_code == 200
    assert _withheld_readings(idea) == 0


# --- Erasure and the data export --------------------------------------------------------------


def test_erasing_an_idea_author_keeps_their_ideas_and_drops_their_follows_and_roles() -> None:
    author = PersonFactory()
    idea = _propose(author, is_anonymous=True)
    other = IdeaFactory()
    Follow.objects.create(idea=other, person=author)
    vote(idea=other, person=author)
    category = CategoryFactory()
    category.reviewers.add(author)

    erase_person(person=author, by=_administrator(), reason=ErasureReason.PERSON_ASKED)

    idea.refresh_from_db()
    assert idea.author_id == author.pk
    assert idea.is_anonymous
    assert not Follow.objects.filter(person=author).exists()
    assert other.votes.filter(person=author).exists()  # counts stay true
    assert not category.reviewers.filter(pk=author.pk).exists()


def _administrator() -> Person:
    admin = PersonFactory()
    RoleGrantFactory(person=admin, role=Role.ADMINISTRATOR)
    return admin


def _export(person: Person) -> dict[str, Any]:
    archive = zipfile.ZipFile(io.BytesIO(build_personal_data_export(person=person).read()))
    return {
        name: json.loads(archive.read(name)) for name in archive.namelist() if name.endswith("json")
    }


def test_the_export_holds_my_ideas_anonymous_ones_too_and_my_votes_follows() -> None:
    me = PersonFactory()
    mine = _propose(me, is_anonymous=True, title="Quiet hours on the ward")
    theirs = _propose(PersonFactory(), title="Better handover sheets")
    vote(idea=theirs, person=me)
    Follow.objects.create(idea=theirs, person=me)

    files = _export(me)
    ideas = files["ideas.json"]
    assert [row["id"] for row in ideas] == [mine.pk]
    assert ideas[0]["anonymous"] is True
    assert files["idea_votes.json"][0]["idea_id"] == theirs.pk
    assert files["idea_follows.json"][0]["idea_title"] == "Better handover sheets"


def test_another_persons_export_never_names_the_anonymous_author() -> None:
    author = PersonFactory(
        first_name="Zebediah", last_name="Quillfeather", username="zquill", employee_id="E990001"
    )
    idea = _propose(author, is_anonymous=True)
    voter = PersonFactory()
    vote(idea=idea, person=voter)
    Follow.objects.create(idea=idea, person=voter)

    dumped = json.dumps(_export(voter))
    assert idea.title in dumped
    for identity in ("Zebediah", "Quillfeather", "zquill", "E990001"):
        assert identity not in dumped
