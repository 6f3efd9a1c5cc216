"""Other apps write to the trail: sign-ins, role changes, posts and comments."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PASSWORD, PersonFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.audit.services import verify_chain
from staffroom.channels.models import Post
from staffroom.channels.services.posts import (
    archive_post,
    create_post,
    edit_post,
    pin_post,
    publish_post,
    restore_post,
    unpin_post,
    unpublish_post,
)
from staffroom.channels.services.sharing import make_post_internal, make_post_public
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory
from staffroom.discussion.services import delete_comment, edit_comment, post_comment
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
MRN = "MRN 84736251"
PATIENT = "Mrs Eleanor Whitfield"


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def last() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()  # type: ignore[return-value]


# --- Sign-in ----------------------------------------------------------------------------


def test_a_sign_in_is_recorded_with_the_person_and_address(client: Client) -> None:
    nurse = PersonFactory(username="grace.okafor")
    client.post(LOGIN, {"username": "Grace.Okafor", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    entry = last()
    assert (entry.action, entry.actor, entry.ip) == (AuditAction.SIGNED_IN, nurse, "10.1.2.3")
    assert entry.target_id == str(nurse.pk)


def test_a_failed_sign_in_to_a_known_account_names_it_but_never_the_password(
    client: Client,
) -> None:
    nurse = PersonFactory(username="grace.okafor")
    client.post(LOGIN, {"username": "grace.okafor", "password": "Secret-guess-42"})
    entry = last()
    assert entry.action == AuditAction.SIGN_IN_FAILED
    assert entry.actor is None
    assert entry.target_id == str(nurse.pk)
    assert "Secret-guess-42" not in f"{entry.summary}{entry.data}"


def test_a_failed_sign_in_with_an_unknown_name_records_nothing_typed(client: Client) -> None:
    client.post(LOGIN, {"username": "my-password-by-mistake", "password": "x"})
    entry = last()
    assert entry.action == AuditAction.SIGN_IN_FAILED
    assert (entry.target_type, entry.target_id) == ("", "")
    assert entry.data == {"known_account": False}
    assert "my-password-by-mistake" not in f"{entry.summary}{entry.data}"


def test_signing_out_is_recorded(client: Client) -> None:
    nurse = PersonFactory()
    client.force_login(nurse)
    client.post(reverse("accounts:logout"))
    assert last().action == AuditAction.SIGNED_OUT
    assert last().actor == nurse


# --- Role changes in the technical admin --------------------------------------------------


def _person_form(nurse: Person, **grants: str) -> dict[str, object]:
    return {
        "username": nurse.username,
        "first_name": nurse.first_name,
        "last_name": nurse.last_name,
        "preferred_name": "",
        "email": nurse.email,
        "employee_id": nurse.employee_id,
        "job_title": nurse.job_title,
        "job_family": nurse.job_family_id,
        "unit": nurse.unit_id,
        "manager": "",
        "shift_pattern": "",
        "preferred_language": "en",
        "is_active": "on",
        "left_on": "",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
        **grants,
    }


def test_granting_and_revoking_a_role_in_the_admin_are_recorded(client: Client) -> None:
    it_admin = PersonFactory(is_staff=True, is_superuser=True)
    nurse = PersonFactory()
    department = DepartmentFactory()
    client.force_login(it_admin)
    url = reverse("admin:accounts_person_change", args=[nurse.pk])
    response = client.post(
        url,
        _person_form(
            nurse,
            **{
                "role_grants-TOTAL_FORMS": "1",
                "role_grants-INITIAL_FORMS": "0",
                "role_grants-0-role": Role.MODERATOR,
                "role_grants-0-site": "",
                "role_grants-0-department": str(department.pk),
                "role_grants-0-person": str(nurse.pk),
            },
        ),
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(person=nurse)
    granted = last()
    assert (granted.action, granted.actor) == (AuditAction.ROLE_GRANTED, it_admin)
    assert granted.target_id == str(nurse.pk)
    assert granted.data["role"] == "moderator"
    assert granted.data["department"] == department.pk

    response = client.post(
        url,
        _person_form(
            nurse,
            **{
                "role_grants-TOTAL_FORMS": "1",
                "role_grants-INITIAL_FORMS": "1",
                "role_grants-0-id": str(grant.pk),
                "role_grants-0-role": Role.MODERATOR,
                "role_grants-0-site": "",
                "role_grants-0-department": str(department.pk),
                "role_grants-0-person": str(nurse.pk),
                "role_grants-0-DELETE": "on",
            },
        ),
    )
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(person=nurse).exists()
    revoked = last()
    assert (revoked.action, revoked.data["grant"]) == (AuditAction.ROLE_REVOKED, grant.pk)


# --- Posts --------------------------------------------------------------------------------


@pytest.fixture
def editor() -> Person:
    return PersonFactory()


@pytest.fixture
def channel(editor: Person):
    channel = ChannelFactory()
    ChannelEditorFactory(channel=channel, person=editor)
    return channel


def test_each_post_service_leaves_one_entry_naming_the_post(editor: Person, channel) -> None:
    start = AuditEntry.objects.count()
    post = create_post(
        channel=channel, author=editor, title="Rota", summary="", body="Words", tags=[]
    )
    edit_post(post=post, editor=editor, title="Rota v2", summary="", body="Words", tags=[])
    publish_post(post=post, editor=editor)
    pin_post(post=post, editor=editor)
    unpin_post(post=post, editor=editor)
    make_post_public(post=post, by=editor)
    make_post_internal(post=post, by=editor)
    unpublish_post(post=post, editor=editor)
    archive_post(post=post, editor=editor)
    restore_post(post=post, editor=editor)
    assert actions()[start:] == [
        "post_created",
        "post_changed",
        "post_published",
        "post_pinned",
        "post_unpinned",
        "post_made_public",
        "post_made_internal",
        "post_unpublished",
        "post_archived",
        "post_restored",
    ]
    entries = AuditEntry.objects.filter(target_type="staffchannels.post")
    assert {e.target_id for e in entries} == {str(post.pk)}
    assert {e.actor_id for e in entries} == {editor.pk}
    changed = entries.get(action="post_changed")
    assert changed.data["fields"] == ["title"]
    assert changed.summary == f"Post {post.pk} edited: title"
    published = entries.get(action="post_published")
    assert published.data["from_status"] == Post.Status.DRAFT
    assert verify_chain().ok


def test_a_refused_post_change_leaves_no_entry(editor: Person, channel) -> None:
    post = create_post(
        channel=channel, author=editor, title="Rota", summary="", body="Words", tags=[]
    )
    before = AuditEntry.objects.count()
    archive_post(post=post, editor=editor)
    with pytest.raises(Exception, match="already archived"):
        archive_post(post=post, editor=editor)
    assert AuditEntry.objects.count() == before + 1


# --- Comments, and no PHI anywhere ----------------------------------------------------------


def test_comment_entries_reference_ids_only_never_the_words_written(
    editor: Person, channel, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    post = create_post(
        channel=channel,
        author=editor,
        title=f"About {PATIENT}",
        summary="",
        body=f"{PATIENT}, {MRN}",
        tags=[],
        action="publish",
    )
    nurse = PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body=f"Bed 4 is {PATIENT}, {MRN}")
    edit_comment(comment=comment, editor=nurse, body=f"{MRN} again, {PATIENT}")
    delete_comment(comment=comment, by=editor)
    entries = list(AuditEntry.objects.order_by("seq"))
    comment_actions = [e.action for e in entries if e.target_type == "discussion.comment"]
    assert comment_actions == ["comment_created", "comment_changed", "comment_deleted"]
    for entry in entries:
        written = f"{entry.summary} {entry.data} {entry.target_id}"
        assert "84736251" not in written
        assert "Whitfield" not in written
    assert "84736251" not in caplog.text
    assert "Whitfield" not in caplog.text
    deleted = entries[-1]
    assert deleted.data == {"thread": post.thread_id, "by_author": False}
    assert "by a moderator" in deleted.summary
