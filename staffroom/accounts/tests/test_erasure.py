"""An administrator erases a person: their personal data goes, what they wrote stays under
"Former employee", threads and counts stay true, and the trail records it (issue 4,
personal data)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from PIL import Image

from staffroom.accounts.erasure import LINKS, ErasureReason, erase_person, link_label, person_links
from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PASSWORD, PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import ChannelEditor, ChannelFollow, FeedToken, Post, PostView
from staffroom.channels.services.channels import follow_channel
from staffroom.channels.services.sharing import regenerate_feed_token
from staffroom.channels.tests.factories import ChannelEditorFactory, PostFactory
from staffroom.discussion.models import Comment, Mention, Reaction, Thread
from staffroom.discussion.services import post_comment, react
from staffroom.notifications.models import Notification
from staffroom.organisation.services.directory_import import apply_directory_file
from staffroom.organisation.tests.factories import JobFamilyFactory, UnitFactory

pytestmark = pytest.mark.django_db

HOME = "/"
LOGIN = "/account/sign-in/"


def erase_url(person: Person) -> str:
    return reverse("accounts:erase_person", kwargs={"pk": person.pk})


def photo_file() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("mei-lin.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def leaver() -> Person:
    person = PersonFactory(
        username="mei.lin.chen",
        first_name="Meilin",
        last_name="Chenowethsky",
        preferred_name="Mimi",
        email="mei.lin.chen@riverside.example",
        employee_id="H04711",
        job_title="Charge Nurse, Ward Nightingale",
        shift_pattern="nights",
        preferred_language="es",
    )
    person.photo.save("mei-lin.png", photo_file(), save=True)
    return person


@pytest.fixture
def colleague() -> Person:
    return PersonFactory(username="sam.okoro", first_name="Sam", last_name="Okoro")


@pytest.fixture
def post() -> Post:
    return PostFactory(title="Handover at 7")


def old_words(person: Person) -> list[str]:
    return [
        person.first_name,
        person.last_name,
        person.preferred_name,
        person.email,
        person.username,
        person.employee_id or "",
        person.job_title,
    ]


def text_of_row(person: Person) -> str:
    """Every text column of the person's row, as stored."""
    names = [
        field.attname
        for field in Person._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.FileField)
    ]
    row = Person.objects.filter(pk=person.pk).values(*names).get()
    return " ".join(str(value) for value in row.values()).lower()


# --- The service ------------------------------------------------------------------------------


def test_every_personal_field_is_gone_and_the_comments_stay_with_their_threads(
    leaver: Person, colleague: Person, administrator: Person, post: Post
) -> None:
    first = post_comment(thread=post.thread, author=leaver, body="Beds are ready on 4 West.")
    reply = post_comment(thread=post.thread, author=colleague, body="Thanks!", parent=first)
    own = post_comment(thread=post.thread, author=leaver, body="Happy to help.", parent=first)
    react(person=leaver, thread=post.thread, kind="like")
    words = old_words(leaver)
    thread = Thread.objects.get(pk=post.thread.pk)
    before = (thread.comment_count, thread.reaction_total, thread.reaction_counts)

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    stored = text_of_row(leaver)
    for word in words:
        assert word.lower() not in stored, f"{word!r} is still stored"
    leaver.refresh_from_db()
    assert leaver.display_name == "Former employee"
    assert leaver.username.startswith("erased-")
    assert len(leaver.username) > 20
    assert leaver.employee_id is None
    assert not leaver.photo
    assert leaver.unit is None
    assert leaver.job_family is None
    assert leaver.manager is None
    assert not leaver.is_active
    assert not leaver.has_usable_password()
    assert leaver.erased_at is not None
    assert leaver.is_erased
    # Their comments keep their ids, places and words; the thread's counts don't move.
    assert set(Comment.objects.filter(author=leaver).values_list("pk", flat=True)) == {
        first.pk,
        own.pk,
    }
    assert Comment.objects.get(pk=reply.pk).parent_id == first.pk
    thread.refresh_from_db()
    assert (thread.comment_count, thread.reaction_total, thread.reaction_counts) == before
    assert Reaction.objects.filter(person=leaver).count() == 1


def test_the_photo_file_is_deleted_once_the_erasure_commits(
    leaver: Person, administrator: Person, django_capture_on_commit_callbacks: Any
) -> None:
    name = leaver.photo.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(person=leaver, by=administrator, reason=ErasureReason.LEGAL)
    assert not default_storage.exists(name)


def test_rows_that_only_describe_the_person_are_deleted_and_the_rest_kept(
    leaver: Person, colleague: Person, administrator: Person, post: Post
) -> None:
    RoleGrantFactory(person=leaver, role=Role.MODERATOR)
    RoleGrantFactory(person=colleague, role=Role.ANALYST, granted_by=leaver)
    ChannelEditorFactory(person=leaver, channel=post.channel)
    follow_channel(person=leaver, channel=post.channel)
    regenerate_feed_token(person=leaver)
    PostView.objects.create(person=leaver, post=post)
    post_comment(thread=post.thread, author=colleague, body="Ask @mei.lin.chen about it.")
    own = post_comment(thread=post.thread, author=leaver, body="I can help, @sam.okoro.")
    colleague.manager = leaver
    colleague.save()
    assert Mention.objects.filter(person=leaver).exists()
    assert Notification.objects.filter(recipient=leaver).exists()
    assert Notification.objects.filter(actor=leaver).exists()

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    assert not RoleGrant.objects.filter(person=leaver).exists()
    assert RoleGrant.objects.filter(person=colleague, granted_by=leaver).exists()
    assert not ChannelEditor.objects.filter(person=leaver).exists()
    assert not ChannelFollow.objects.filter(person=leaver).exists()
    assert not FeedToken.objects.filter(person=leaver).exists()
    assert not Mention.objects.filter(person=leaver).exists()
    assert not Notification.objects.filter(recipient=leaver).exists()
    # Kept: what others received from them, what they read (reach, exposure), what they wrote.
    assert Notification.objects.filter(actor=leaver, recipient=colleague).exists()
    assert PostView.objects.filter(person=leaver, post=post).exists()
    assert Mention.objects.filter(author=leaver, comment=own).exists()
    colleague.refresh_from_db()
    assert colleague.manager_id is None


def test_the_videos_they_played_are_forgotten_and_the_reach_counts_stay(
    leaver: Person, colleague: Person, administrator: Person, post: Post
) -> None:
    # Video (issue 7): which videos they played only describes them; how many people a video
    # reached is an aggregate and stays true. What they added to a post (its video, captions)
    # and a rule they set stay, as a post's images do, under "Former employee".
    from staffroom.media.models import Caption, MediaPolicy, Video, VideoReach, VideoView
    from staffroom.media.services.accessibility import set_captions_required
    from staffroom.media.services.reach import record_play

    video = Video.objects.create(original_name="ward-tour.mp4", original_size=1, uploaded_by=leaver)
    Post.objects.filter(pk=post.pk).update(video=video)
    caption = Caption.objects.create(
        video=video, language="en", label="English", vtt="WEBVTT\n", uploaded_by=leaver
    )
    assert record_play(video=video, person=leaver)
    assert record_play(video=video, person=colleague)
    set_captions_required(admin=leaver, required=False)
    reached = sum(VideoReach.objects.filter(video=video).values_list("people", flat=True))

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    assert not VideoView.objects.filter(person=leaver).exists()
    assert VideoView.objects.filter(person=colleague, video=video).exists()
    video.refresh_from_db()
    assert video.reach_count == 2
    assert sum(VideoReach.objects.filter(video=video).values_list("people", flat=True)) == reached
    assert reached == 2
    assert video.uploaded_by_id == leaver.pk
    assert Caption.objects.get(pk=caption.pk).uploaded_by_id == leaver.pk
    assert MediaPolicy.current().changed_by_id == leaver.pk


def test_every_link_to_a_person_has_an_erasure_decision() -> None:
    # A new table pointing at Person must say what erasure does with its rows: add it to
    # accounts.erasure.LINKS (keep, delete or unlink) with the reason.
    labels = {link_label(field) for field in person_links()}
    assert sorted(labels - LINKS.keys()) == []


def test_their_email_and_settings_go_and_what_they_set_up_for_others_stays(
    leaver: Person, colleague: Person, administrator: Person, post: Post
) -> None:
    # Issue 6's links: emails to them and their choices only describe them; a chat room they
    # connected and a break-room screen they set up serve everyone and stay.
    from staffroom.chat.models import ChatHook
    from staffroom.kiosk.models import Screen
    from staffroom.kiosk.services import create_screen
    from staffroom.mail.models import EmailKind, OutboundEmail
    from staffroom.notifications.models import DeliverySettings, DigestFrequency

    DeliverySettings.objects.create(person=leaver, digest=DigestFrequency.OFF)
    DeliverySettings.objects.create(person=colleague)
    mine = OutboundEmail.objects.create(
        key="digest:leaver", recipient=leaver, kind=EmailKind.DIGEST, to_address=leaver.email
    )
    theirs = OutboundEmail.objects.create(
        key="digest:colleague", recipient=colleague, kind=EmailKind.DIGEST
    )
    hook = ChatHook.objects.create(
        channel=post.channel,
        kind="slack",
        name="#ward",
        url="https://hooks.slack.com/services/T0/B0/x",
        created_by=leaver,
    )
    screen, _secret = create_screen(creator=leaver, name="Ward 3 break room")

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    assert not DeliverySettings.objects.filter(person=leaver).exists()
    assert not OutboundEmail.objects.filter(pk=mine.pk).exists()
    assert DeliverySettings.objects.filter(person=colleague).exists()
    assert OutboundEmail.objects.filter(pk=theirs.pk).exists()
    assert ChatHook.objects.get(pk=hook.pk).created_by_id == leaver.pk
    assert Screen.objects.get(pk=screen.pk).created_by_id == leaver.pk


def test_a_colleague_s_mention_of_them_no_longer_links_to_or_names_them(
    leaver: Person, colleague: Person, administrator: Person, post: Post
) -> None:
    profile = leaver.get_absolute_url()
    PersonFactory(username="mei.lin.chenko")  # a longer username: not a mention of the leaver
    body = "Ask @mei.lin.chen today. Cc @Mei.Lin.Chen. Not @mei.lin.chenko or x@mei.lin.chen"
    comment = post_comment(thread=post.thread, author=colleague, body=body)
    assert f'href="{profile}"' in comment.body_html
    version = Thread.objects.get(pk=post.thread.pk).version

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    comment.refresh_from_db()
    assert f'href="{profile}"' not in comment.body_html
    assert "Mimi" not in comment.body_html
    assert "Chenowethsky" not in comment.body_html
    assert "Ask Former employee today" in comment.body_html
    # The Markdown too (the edit form and the search index read it); nothing else changes.
    assert comment.body == (
        "Ask Former employee today. Cc Former employee. Not @mei.lin.chenko or x@mei.lin.chen"
    )
    assert Thread.objects.get(pk=post.thread.pk).version > version  # cached lists refresh


def test_their_own_posts_are_kept_and_refreshed(leaver: Person, administrator: Person) -> None:
    post = PostFactory(author=leaver)
    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)
    kept = Post.objects.get(pk=post.pk)
    assert kept.author_id == leaver.pk
    assert kept.version == post.version + 1  # cached fragments with the old name expire


def test_they_are_signed_out_everywhere(leaver: Person, administrator: Person) -> None:
    leaver.set_password(PASSWORD)
    leaver.save()
    browser = Client()
    assert (
        browser.post(LOGIN, {"username": leaver.username, "password": PASSWORD}).status_code == 302
    )
    assert browser.get(HOME).status_code == 200
    sessions_before = Session.objects.count()

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    response = browser.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert Session.objects.count() == sessions_before - 1


def test_sign_in_attempts_and_admin_history_no_longer_name_them(
    leaver: Person, administrator: Person
) -> None:
    AccessAttempt.objects.create(
        username=leaver.username,
        ip_address="10.0.0.9",
        user_agent="test",
        failures_since_start=2,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )
    LogEntry.objects.log_actions(
        user_id=administrator.pk, queryset=[leaver], action_flag=CHANGE, single_object=True
    )
    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)
    assert not AccessAttempt.objects.exists()
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(leaver.pk)
    )
    assert entry.object_repr == "Former employee"


def test_the_erasure_is_audited_with_ids_and_no_name(leaver: Person, administrator: Person) -> None:
    words = old_words(leaver)
    erase_person(person=leaver, by=administrator, reason=ErasureReason.RETENTION)
    entry = AuditEntry.objects.get(action=AuditAction.ERASED)
    assert entry.actor_id == administrator.pk
    assert entry.target_id == str(leaver.pk)
    assert entry.data["reason"] == "retention"
    trail = " ".join(
        f"{e.summary} {e.data} {e.target_type} {e.target_id}" for e in AuditEntry.objects.all()
    ).lower()
    for word in words:
        assert word.lower() not in trail


def test_erasing_someone_twice_is_refused_clearly(leaver: Person, administrator: Person) -> None:
    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)
    with pytest.raises(ValidationError, match="already been erased"):
        erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)
    assert AuditEntry.objects.filter(action=AuditAction.ERASED).count() == 1


def test_nobody_can_erase_themselves(administrator: Person) -> None:
    RoleGrantFactory(role=Role.ADMINISTRATOR)  # not the last administrator
    with pytest.raises(ValidationError, match="yourself"):
        erase_person(person=administrator, by=administrator, reason=ErasureReason.PERSON_ASKED)
    administrator.refresh_from_db()
    assert administrator.is_active
    assert not administrator.is_erased


def test_the_last_administrator_cannot_be_erased(administrator: Person) -> None:
    # The only other organisation-wide grant belongs to someone already gone.
    other = RoleGrantFactory(role=Role.ADMINISTRATOR).person
    Person.objects.filter(pk=other.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="last administrator"):
        erase_person(person=administrator, by=other, reason=ErasureReason.PERSON_ASKED)
    second = RoleGrantFactory(role=Role.ADMINISTRATOR).person
    erase_person(person=administrator, by=second, reason=ErasureReason.PERSON_ASKED)
    assert Person.objects.get(pk=administrator.pk).is_erased


def test_the_directory_import_does_not_bring_them_back(
    leaver: Person, administrator: Person, post: Post
) -> None:
    JobFamilyFactory(code="nursing")
    unit = UnitFactory(code="4-west")
    comment = post_comment(thread=post.thread, author=leaver, body="Beds are ready.")
    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    # The HR file still lists them: the import makes a new, separate record.
    hr_file = (
        "employee_id,first_name,last_name,email,job_title,job_family,unit,status,username\r\n"
        f"H04711,Meilin,Chenowethsky,mei.lin.chen@riverside.example,Nurse,nursing,{unit.code},"
        "left,mei.lin.chen\r\n"
    )
    apply_directory_file(data=hr_file.encode(), full_snapshot=False, actor=None)

    fresh = Person.objects.get(employee_id="H04711")
    assert fresh.pk != leaver.pk
    leaver.refresh_from_db()
    assert leaver.is_erased
    assert leaver.display_name == "Former employee"
    assert Comment.objects.get(pk=comment.pk).author_id == leaver.pk


# --- What others see ----------------------------------------------------------------------------


def test_an_erased_person_has_no_profile_and_is_in_no_list(
    client: Client, leaver: Person, colleague: Person, administrator: Person
) -> None:
    client.force_login(colleague)
    profile = reverse("organisation:person", kwargs={"pk": leaver.pk})
    photo = reverse("organisation:person_photo", kwargs={"pk": leaver.pk})
    assert client.get(profile).status_code == 200

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    assert client.get(profile).status_code == 404
    assert client.get(photo).status_code == 404
    directory = client.get(reverse("organisation:directory")).content.decode()
    assert "Former employee" not in directory
    assert "Chenowethsky" not in directory
    suggestions = client.get(
        reverse("discussion:mention_suggestions"), {"q": "erased"}, HTTP_HX_REQUEST="true"
    )
    assert "Former employee" not in suggestions.content.decode()


def test_their_comments_and_posts_show_former_employee_with_no_link(
    client: Client, leaver: Person, colleague: Person, administrator: Person, post: Post
) -> None:
    own_post = PostFactory(author=leaver, channel=post.channel, title="Night shift notes")
    post_comment(thread=post.thread, author=leaver, body="Beds are ready on 4 West.")
    client.force_login(colleague)
    client.get(post.get_absolute_url())  # the comment list is cached with the old name

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    profile = reverse("organisation:person", kwargs={"pk": leaver.pk})
    for page in (post.get_absolute_url(), own_post.get_absolute_url()):
        html = client.get(page).content.decode()
        assert "Former employee" in html
        assert f'href="{profile}"' not in html
        assert "Chenowethsky" not in html
        assert "Mimi" not in html


# --- The page -----------------------------------------------------------------------------------


def test_only_administrators_may_open_the_erasure_page(
    client: Client, leaver: Person, colleague: Person
) -> None:
    assert client.get(erase_url(leaver)).status_code == 302  # signed out: to sign in
    client.force_login(colleague)
    assert client.get(erase_url(leaver)).status_code == 403
    response = client.post(
        erase_url(leaver), {"reason": "person_asked", "confirm_username": leaver.username}
    )
    assert response.status_code == 403
    assert "Chenowethsky" not in response.content.decode()
    leaver.refresh_from_db()
    assert not leaver.is_erased
    RoleGrantFactory(person=colleague, role=Role.MODERATOR)
    RoleGrantFactory(person=colleague, role=Role.ADMINISTRATOR, department=leaver.department)
    assert client.get(erase_url(leaver)).status_code == 403  # a department admin isn't enough


def test_the_page_explains_and_erases_after_the_username_is_typed(
    client: Client, leaver: Person, administrator: Person
) -> None:
    client.force_login(administrator)
    page = client.get(erase_url(leaver))
    assert page.status_code == 200
    html = page.content.decode()
    assert "mei.lin.chen" in html
    assert "This can't be undone." in html

    response = client.post(
        erase_url(leaver), {"reason": "person_asked", "confirm_username": " Mei.Lin.Chen "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation:directory")
    leaver.refresh_from_db()
    assert leaver.is_erased


def test_a_mistyped_username_changes_nothing(
    client: Client, leaver: Person, administrator: Person
) -> None:
    client.force_login(administrator)
    response = client.post(
        erase_url(leaver), {"reason": "person_asked", "confirm_username": "mei.lin"}
    )
    assert response.status_code == 400
    assert "their username. Type" in response.content.decode()
    leaver.refresh_from_db()
    assert not leaver.is_erased
    assert leaver.last_name == "Chenowethsky"
    assert not AuditEntry.objects.filter(action=AuditAction.ERASED).exists()


def test_a_reason_is_required(client: Client, leaver: Person, administrator: Person) -> None:
    client.force_login(administrator)
    response = client.post(erase_url(leaver), {"confirm_username": leaver.username})
    assert response.status_code == 400
    assert not Person.objects.get(pk=leaver.pk).is_erased


def test_the_page_says_when_someone_is_already_erased(
    client: Client, leaver: Person, administrator: Person
) -> None:
    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)
    client.force_login(administrator)
    page = client.get(erase_url(leaver))
    assert page.status_code == 200
    assert "already been erased" in page.content.decode()
    again = client.post(
        erase_url(leaver), {"reason": "person_asked", "confirm_username": leaver.username}
    )
    assert again.status_code == 400
    assert AuditEntry.objects.filter(action=AuditAction.ERASED).count() == 1


def test_an_administrator_erasing_themselves_on_the_page_is_told_why_not(
    client: Client, administrator: Person
) -> None:
    RoleGrantFactory(role=Role.ADMINISTRATOR)
    client.force_login(administrator)
    response = client.post(
        erase_url(administrator),
        {"reason": "person_asked", "confirm_username": administrator.username},
    )
    assert response.status_code == 400
    assert "erase yourself" in response.content.decode()


def test_the_profile_links_to_the_page_for_administrators_only(
    client: Client, leaver: Person, colleague: Person, administrator: Person
) -> None:
    profile = reverse("organisation:person", kwargs={"pk": leaver.pk})
    client.force_login(colleague)
    assert erase_url(leaver) not in client.get(profile).content.decode()
    client.force_login(administrator)
    assert erase_url(leaver) in client.get(profile).content.decode()
    own = reverse("organisation:person", kwargs={"pk": administrator.pk})
    assert erase_url(administrator) not in client.get(own).content.decode()


# --- Text others' records keep about them (review findings 11 and 17) -------------------------

DIRECTORY_HEADER = "employee_id,first_name,last_name,email,job_title,manager_employee_id,username"


def directory_file(*rows: str) -> bytes:
    return ("\r\n".join([DIRECTORY_HEADER, *rows]) + "\r\n").encode()


def test_stored_directory_imports_no_longer_name_them(
    leaver: Person,
    colleague: Person,
    administrator: Person,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from staffroom.organisation.models import DirectoryImport
    from staffroom.organisation.services.directory_import import create_directory_import

    Person.objects.filter(pk=colleague.pk).update(employee_id="H05000")
    listing_them = create_directory_import(
        file_name="hr.csv",
        data=directory_file(
            "H04711,Meilin,Chenowethsky,mei.lin.chen@riverside.example,Ward manager,,mei.lin.chen",
            "H05000,Sam,Okoro,sam@riverside.example,Nurse,H04711,sam.okoro",
        ),
        full_snapshot=False,
        uploaded_by=administrator,
    )
    not_listing_them = create_directory_import(
        file_name="new-starter.csv",
        data=directory_file("H07777,Ada,Newman,ada@riverside.example,Porter,,ada.newman"),
        full_snapshot=False,
        uploaded_by=administrator,
    )
    rejected = create_directory_import(
        file_name="clash.csv",
        data=directory_file("H08888,Other,Person,other@riverside.example,Porter,,mei.lin.chen"),
        full_snapshot=False,
        uploaded_by=administrator,
    )
    assert listing_them.status == DirectoryImport.Status.PREVIEWED
    assert not_listing_them.status == DirectoryImport.Status.PREVIEWED
    assert rejected.status == DirectoryImport.Status.REJECTED
    assert "mei.lin.chen" in str(rejected.errors)
    assert "H04711" in str(listing_them.preview)
    stored = listing_them.file.name
    words = [word for word in old_words(leaver) if word]

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    for record in DirectoryImport.objects.all():
        kept = f"{record.preview} {record.errors}".lower()
        for word in words:
            assert word.lower() not in kept, f"{word!r} is still in import {record.pk}"
    listing_them.refresh_from_db()
    # Their own entry is gone; a colleague's entry names them neutrally as their manager.
    changes = listing_them.preview["changes"]
    assert [c["employee_id"] for c in changes] == ["H05000"]
    manager = [f for f in changes[0]["fields"] if f["column"] == "manager_employee_id"]
    assert manager == [{"column": "manager_employee_id", "old": "", "new": "Former employee"}]
    # The stored file that lists them is deleted and can no longer be applied; another stays.
    assert not listing_them.file
    assert listing_them.file_deleted_at is not None
    assert listing_them.status == DirectoryImport.Status.EXPIRED
    assert not default_storage.exists(stored)
    not_listing_them.refresh_from_db()
    assert not_listing_them.file
    assert not_listing_them.status == DirectoryImport.Status.PREVIEWED
    # A row error keeps its line, without their username.
    rejected.refresh_from_db()
    assert rejected.errors[0]["line"] == 2
    assert "Former employee" in rejected.errors[0]["message"]


def test_the_search_index_forgets_their_old_username(
    leaver: Person, colleague: Person, administrator: Person, post: Post
) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps the words in the index row, which the update replaces")

    def index_bytes() -> bytes:
        with connection.cursor() as cursor:
            cursor.execute("SELECT block FROM search_fts_data")
            return b"".join(bytes(row[0]) for row in cursor.fetchall() if row[0] is not None)

    Person.objects.filter(pk=leaver.pk).update(username="qzxwmeilin")
    leaver.refresh_from_db()
    post_comment(thread=post.thread, author=colleague, body="Ask @qzxwmeilin about the beds.")
    assert b"qzxwmeilin" in index_bytes()

    erase_person(person=leaver, by=administrator, reason=ErasureReason.PERSON_ASKED)

    # FTS5 keeps replaced words in its segments until they are merged: erasure merges them.
    assert b"qzxwmeilin" not in index_bytes()
