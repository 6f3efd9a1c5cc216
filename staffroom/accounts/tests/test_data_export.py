"""A person downloads everything they wrote and everything stored about them."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staffroom.accounts.data_export import build_personal_data_export
from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.audit.services import record_audit
from staffroom.channels.models import ChannelFollow, PostView
from staffroom.channels.services.posts import edit_post
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.discussion.services import edit_comment, post_comment, react
from staffroom.notifications.models import Notification
from staffroom.organisation.tests.factories import SiteFactory
from staffroom.strategy.services import answer_initiative
from staffroom.strategy.tests.factories import initiative

pytestmark = pytest.mark.django_db

URL = "/account/my-data/"


def _open(person: Person) -> zipfile.ZipFile:
    with build_personal_data_export(person=person) as archive:
        return zipfile.ZipFile(io.BytesIO(archive.read()))


def _json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name).decode("utf-8"))


@pytest.fixture
def nurse() -> Person:
    return PersonFactory(username="grace", first_name="Grace", last_name="Okafor")


def test_the_page_has_its_address() -> None:
    assert reverse("accounts:my_data") == URL


def test_the_export_holds_everything_the_person_wrote_and_everything_about_them(
    nurse: Person,
) -> None:
    RoleGrantFactory(person=nurse, role=Role.MODERATOR)
    post = PostFactory(author=nurse, title="Handover checklist")
    edit_post(
        post=post, editor=nurse, title="Handover checklist v2", summary="s", body="New", tags=[]
    )
    comment = post_comment(thread=post.thread, author=nurse, body="First words")
    edit_comment(comment=comment, editor=nurse, body="Second words")
    react(person=nurse, thread=post.thread, kind="thanks")
    answer_initiative(initiative=initiative(), person=nurse, understanding=4, support=5)
    channel = ChannelFactory(name="Theatres")
    ChannelFollow.objects.create(person=nurse, channel=channel, following=True)
    Notification.objects.create(recipient=nurse, kind=Notification.Kind.REPLY, thread=post.thread)
    PostView.objects.create(person=nurse, post=post)
    _played(nurse, post)
    record_audit(actor=nurse, action=AuditAction.SIGNED_IN, target=nurse)

    archive = _open(nurse)

    names = set(archive.namelist())
    for section in (
        "profile",
        "posts",
        "post_edits",
        "comments",
        "reactions",
        "initiative_answers",
        "follows",
        "notifications",
        "reads",
        "videos_played",
        "sign_in_history",
    ):
        assert {f"{section}.json", f"{section}.html"} <= names
    assert "README.html" in names
    assert not any("feed" in name for name in names)

    [profile] = _json(archive, "profile.json")
    assert profile["username"] == "grace"
    assert profile["email"] == nurse.email
    assert [r["role"] for r in profile["roles"]] == ["Moderator"]

    [exported_post] = _json(archive, "posts.json")
    assert exported_post["title"] == "Handover checklist v2"
    assert exported_post["body_markdown"] == "New"
    assert [r["title"] for r in exported_post["revisions"]] == ["Handover checklist"]

    [exported_comment] = _json(archive, "comments.json")
    assert exported_comment["body_markdown"] == "Second words"
    assert exported_comment["subject_title"] == "Handover checklist v2"
    assert [r["body_markdown"] for r in exported_comment["revisions"]] == ["First words"]

    assert [r["kind"] for r in _json(archive, "reactions.json")] == ["thanks"]
    [answer] = _json(archive, "initiative_answers.json")
    assert (answer["understanding"], answer["support"]) == (4, 5)
    assert _json(archive, "follows.json")[0]["channel"] == "Theatres"
    assert _json(archive, "notifications.json")[0]["kind"] == "reply"
    assert _json(archive, "reads.json")[0]["post_id"] == post.pk
    [played] = _json(archive, "videos_played.json")
    assert played["post_id"] == post.pk
    assert played["played_at"]
    assert "signed_in" in [e["action"] for e in _json(archive, "sign_in_history.json")]

    readme = archive.read("README.html").decode("utf-8")
    assert 'href="comments.html"' in readme
    assert "feed token" in readme


def test_the_export_holds_the_safety_records_about_the_person(nurse: Person) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from staffroom.channels.models import FeedDelivery
    from staffroom.moderation.services import flag_item, hide_item, suspend_person

    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    post = PostFactory(title="Rota swaps")
    theirs = post_comment(thread=post.thread, author=PersonFactory(), body="Swap my Friday?")
    flag_item(obj=theirs, by=nurse, reason="other", note="Wrong thread")
    mine = post_comment(thread=post.thread, author=nurse, body="Nights are a shambles")
    hide_item(obj=mine, moderator=moderator, reason="Please keep it constructive.")
    suspend_person(
        person=nurse,
        moderator=moderator,
        until=timezone.now() + timedelta(days=1),
        reason="A day to cool off.",
    )
    post_comment(thread=post.thread, author=nurse, body="Mr John Carter, MRN 4481923, bed 4")
    FeedDelivery.objects.create(person=nurse, post=post)

    archive = _open(nurse)

    [flag] = _json(archive, "flags.json")
    assert (flag["item"], flag["note"]) == (f"comment:{theirs.pk}", "Wrong thread")
    reasons = [row["reason"] for row in _json(archive, "moderation.json")]
    assert "Please keep it constructive." in reasons
    assert "A day to cool off." in reasons
    assert moderator.username not in archive.read("moderation.json").decode()
    [hold] = _json(archive, "privacy_holds.json")
    assert "mrn" in hold["found"]
    assert _json(archive, "posts_sent_to_you.json")[0]["post_id"] == post.pk


def test_another_persons_words_and_posts_the_person_cannot_see_are_left_out(
    nurse: Person,
) -> None:
    colleague = PersonFactory()
    open_post = PostFactory()
    post_comment(thread=open_post.thread, author=nurse, body="Mine on the open post")
    post_comment(thread=open_post.thread, author=colleague, body="Colleague's private thought")
    restricted = PostFactory(title="Board only: restructure", audience_sites=[SiteFactory()])
    post_comment(thread=restricted.thread, author=nurse, body="Mine on the restricted post")

    archive = _open(nurse)

    everything = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert "Colleague's private thought" not in everything
    assert "Colleague" not in everything
    assert "Board only" not in everything
    comments = {c["body_markdown"]: c for c in _json(archive, "comments.json")}
    assert comments["Mine on the restricted post"]["subject_title"] == (
        "an item you can no longer see"
    )
    assert comments["Mine on the restricted post"]["subject_url"] is None
    assert comments["Mine on the open post"]["subject_title"] == open_post.title


def test_a_script_in_a_comment_is_escaped_in_the_html(nurse: Person) -> None:
    post_comment(thread=PostFactory().thread, author=nurse, body="<script>alert(1)</script>")

    archive = _open(nurse)

    html = archive.read("comments.html").decode("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert json.loads(archive.read("comments.json"))[0]["body_markdown"] == (
        "<script>alert(1)</script>"
    )


def test_the_overview_is_in_the_persons_language() -> None:
    person = PersonFactory(preferred_language="es")

    readme = _open(person).read("README.html").decode("utf-8")

    assert '<html lang="es">' in readme


def test_opening_the_page_explains_and_does_not_download(client: Client, nurse: Person) -> None:
    client.force_login(nurse)

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Download my data" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORTED).exists()


def test_downloading_streams_a_zip_and_records_it_in_the_audit_trail(
    client: Client, nurse: Person
) -> None:
    client.force_login(nurse)

    response = client.post(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert _json(archive, "profile.json")[0]["username"] == "grace"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORTED)
    assert entry.actor_id == nurse.pk
    assert (entry.target_type, entry.target_id) == ("accounts.person", str(nurse.pk))
    assert entry.summary == "personal data export"


def test_downloading_needs_the_csrf_token(nurse: Person) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)

    response = client.post(URL)

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORTED).exists()


def test_someone_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    for response in (client.get(URL), client.post(URL)):
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in/")


def test_other_methods_are_refused(client: Client, nurse: Person) -> None:
    client.force_login(nurse)

    assert client.put(URL).status_code == 405


def test_the_download_is_limited_per_person(client: Client, nurse: Person, settings: Any) -> None:
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": {"per_person": "2/h"}}
    client.force_login(nurse)

    statuses = [client.post(URL).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def _played(person: Person, post: Any) -> None:
    """`person` pressed play on a video of `post` (video, issue 7)."""
    from staffroom.media.models import Video, VideoView

    video = Video.objects.create(original_name="ward-tour.mp4", original_size=1)
    type(post).objects.filter(pk=post.pk).update(video=video)
    VideoView.objects.create(person=person, video=video)


def _make_activity(person: Person, rows: int) -> None:
    for n in range(rows):
        post = PostFactory(author=person, tags=[], audience_sites=[SiteFactory()])
        comment = post_comment(thread=post.thread, author=person, body=f"Comment {n}")
        edit_comment(comment=comment, editor=person, body=f"Comment {n} edited")
        react(person=person, thread=post.thread, kind="like")
        PostView.objects.create(person=person, post=post)
        _played(person, post)
        Notification.objects.create(recipient=person, kind="reply", thread=post.thread)


def _queries_for_export(person: Person) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _open(person)
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows() -> None:
    few, many = PersonFactory(), PersonFactory()
    _make_activity(few, 2)
    _make_activity(many, 12)

    assert _queries_for_export(few) == _queries_for_export(many)
