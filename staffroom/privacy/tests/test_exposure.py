"""Marking a published item as patient information, its exposure report, and purging it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import FeedDelivery, Post, PostRevision, PostView
from staffroom.channels.services.posts import add_post_attachment
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.services.sharing import regenerate_feed_token
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.items import kind_of
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment, CommentRevision
from staffroom.discussion.services import edit_comment, post_comment
from staffroom.moderation.services import flag_item
from staffroom.notifications.models import Notification
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory
from staffroom.privacy.exposure import content_hash, mark_as_phi, purge_item
from staffroom.privacy.models import ExposureAudience, ExposureSighting, Tombstone
from staffroom.search.backends import current_backend
from staffroom.search.models import SearchDocument
from staffroom.search.queries import search
from staffroom.search.text import parse_query

# A word no detector flags and no stemmer changes: it stands for the patient information.
SECRET = "wqxlorbtz"
# Words the PHI guard holds as they are written.
PHI = "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed"


@dataclass
class Ward:
    officer: Person
    author: Person
    readers: list[Person]
    outsider: Person
    post: Post


@pytest.fixture
def ward(db: None) -> Ward:
    """A post for one department's five people, written by someone outside it."""
    department = DepartmentFactory()
    readers: list[Person] = [
        PersonFactory(unit=UnitFactory(department=department)) for _ in range(5)
    ]
    officer = PersonFactory(username="privacy.officer")
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    author = PersonFactory(username="ward.manager")
    post = PostFactory(
        author=author,
        title=f"Update on {SECRET}",
        summary=f"About {SECRET} in bed 4",
        body=f"The patient {SECRET} was moved.",
        audience_departments=[department],
    )
    return Ward(
        officer=officer, author=author, readers=readers, outsider=PersonFactory(), post=post
    )


def _feed(person: Person, post: Post) -> str:
    token = regenerate_feed_token(person=person).token
    url = reverse("channels:channel_atom", kwargs={"token": token, "slug": post.channel.slug})
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def _signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_report_lists_exactly_who_could_see_and_who_saw_how_and_when(ward: Ward) -> None:
    first, second, subscriber, mentioned, _unseen = ward.readers
    record_post_view(post=ward.post, person=first)
    _signed_in(second).get(ward.post.get_absolute_url())
    assert SECRET in _feed(subscriber, ward.post)
    post_comment(thread=ward.post.thread, author=ward.author, body=f"@{mentioned.username} see")
    Notification.objects.filter(recipient=mentioned).update(read_at=None)

    report = mark_as_phi(obj=ward.post, officer=ward.officer, reason="A patient's name")

    could_see = set(ExposureAudience.objects.filter(report=report).values_list("person", flat=True))
    assert could_see == {p.pk for p in ward.readers}
    assert report.could_see_count == 5
    views = {v.person_id: v.viewed_at for v in PostView.objects.filter(post=ward.post)}
    delivery = FeedDelivery.objects.get(post=ward.post, person=subscriber)
    notification = Notification.objects.get(recipient=mentioned, thread=ward.post.thread)
    sightings = set(
        ExposureSighting.objects.filter(report=report).values_list("person", "how", "at")
    )
    assert sightings == {
        (first.pk, "page view", views[first.pk]),
        (second.pk, "page view", views[second.pk]),
        (subscriber.pk, "feed", delivery.delivered_at),
        (mentioned.pk, "notification", notification.created_at),
    }
    assert report.saw_count == 4
    assert report.was_shown
    assert report.item_first_visible_at == ward.post.published_at
    entry = AuditEntry.objects.get(action=AuditAction.MARKED_PHI)
    assert SECRET not in f"{entry.summary} {entry.data}"
    assert SECRET not in report.item_label


def test_a_second_view_and_a_read_notification_are_sightings_too(ward: Ward) -> None:
    reader = ward.readers[0]
    record_post_view(post=ward.post, person=reader)
    PostView.objects.filter(person=reader).update(
        viewed_at=ward.post.published_at, last_viewed_at=ward.post.published_at
    )
    record_post_view(post=ward.post, person=reader)
    view = PostView.objects.get(person=reader)
    assert view.last_viewed_at > view.viewed_at
    report = mark_as_phi(obj=ward.post, officer=ward.officer, reason="Name")
    times = sorted(
        ExposureSighting.objects.filter(report=report, person=reader).values_list("at", flat=True)
    )
    assert times == [view.viewed_at, view.last_viewed_at]
    assert report.saw_count == 1


def test_an_unrestricted_post_could_be_seen_by_everyone_there_then_but_its_author(
    db: None,
) -> None:
    officer = PersonFactory()
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    post = PostFactory(published_at=timezone.now() - timedelta(days=10))
    # Left since it appeared: could have seen it before leaving, so counted (finding 14).
    left_since = PersonFactory(is_active=False, left_on=timezone.localdate() - timedelta(days=2))
    deactivated = PersonFactory(is_active=False)
    # Had left before it appeared: could not have.
    gone_before = PersonFactory(is_active=False, left_on=timezone.localdate() - timedelta(days=30))
    report = mark_as_phi(obj=post, officer=officer, reason="Name")
    expected = set(
        Person.objects.exclude(pk__in=[post.author_id, gone_before.pk]).values_list("pk", flat=True)
    )
    audience = set(report.audience.values_list("person", flat=True))
    assert audience == expected
    assert {left_since.pk, deactivated.pk} <= audience
    assert report.could_see_count == len(expected)


def test_a_comment_was_seen_by_those_who_opened_the_page_after_it_appeared(ward: Ward) -> None:
    before, after, *_rest = ward.readers
    record_post_view(post=ward.post, person=before)
    commenter = ward.readers[4]
    comment = post_comment(thread=ward.post.thread, author=commenter, body=f"Poor {SECRET}")
    PostView.objects.filter(person=before).update(
        viewed_at=comment.created_at - timedelta(minutes=5),
        last_viewed_at=comment.created_at - timedelta(minutes=5),
    )
    record_post_view(post=ward.post, person=after)

    report = mark_as_phi(obj=comment, officer=ward.officer, reason="Name")

    could_see = set(report.audience.values_list("person", flat=True))
    assert could_see == {p.pk for p in ward.readers[:4]} | {ward.author.pk}
    seen = list(report.sightings.values_list("person", "how", "at"))
    assert seen == [
        (after.pk, "page view", PostView.objects.get(person=after).last_viewed_at),
    ]
    assert report.item_first_visible_at == comment.created_at
    comment.refresh_from_db()
    assert comment.visibility == Visibility.REMOVED


def test_after_marking_nobody_else_finds_the_post_anywhere(ward: Ward) -> None:
    reader, mentioned = ward.readers[0], ward.readers[1]
    post_comment(thread=ward.post.thread, author=ward.author, body=f"@{mentioned.username} see")
    assert search(viewer=reader, text=SECRET).hits

    mark_as_phi(obj=ward.post, officer=ward.officer, reason="Name")

    assert _signed_in(reader).get(ward.post.get_absolute_url()).status_code == 404
    assert SECRET not in _feed(reader, ward.post)
    assert not search(viewer=reader, text=SECRET).hits
    inbox = _signed_in(mentioned).get(reverse("notifications:list")).content.decode()
    assert SECRET not in inbox
    assert ward.post.get_absolute_url() not in inbox
    feed = _signed_in(reader).get(reverse("channels:feed")).content.decode()
    assert SECRET not in feed


def test_marking_twice_returns_the_first_report(ward: Ward) -> None:
    first = mark_as_phi(obj=ward.post, officer=ward.officer, reason="Name")
    again = mark_as_phi(obj=ward.post, officer=ward.officer, reason="Again")
    assert again.pk == first.pk
    assert AuditEntry.objects.filter(action=AuditAction.MARKED_PHI).count() == 1


def test_a_reason_is_required(ward: Ward) -> None:
    with pytest.raises(ValidationError):
        mark_as_phi(obj=ward.post, officer=ward.officer, reason="   ")
    ward.post.refresh_from_db()
    assert ward.post.visibility == Visibility.VISIBLE


def _text_columns_holding(secret: str) -> list[str]:
    """Every column of every table whose text holds `secret` (lower-cased), FTS shadow
    tables aside (their blocks are prefix-compressed: the search below checks them)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith("search_fts"):
                continue
            for column in connection.introspection.get_table_description(cursor, table):
                quoted_table = connection.ops.quote_name(table)
                quoted = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT 1 FROM {quoted_table} WHERE LOWER(CAST({quoted} AS TEXT)) LIKE %s",  # noqa: S608  # names from introspection
                    [f"%{secret}%"],
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column.name}")
    return found


def _index_finds(secret: str) -> bool:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [secret])
            if cursor.fetchall():
                return True
    matching: Any = current_backend().matching(SearchDocument.objects.all(), parse_query(secret))
    return bool(matching.exists())


def test_after_purging_the_words_are_nowhere_in_the_database(
    ward: Ward, django_capture_on_commit_callbacks: Any
) -> None:
    post = ward.post
    mentioned = ward.readers[1]
    attachment = add_post_attachment(
        post=post,
        editor=ward.author,
        upload=SimpleUploadedFile(
            f"{SECRET}.csv", b"day,nurse\nmon,Ana\n", content_type="text/csv"
        ),
    )
    PostRevision.objects.create(post=post, number=1, title=SECRET, body=SECRET, editor=ward.author)
    comment = post_comment(thread=post.thread, author=ward.author, body=f"@{mentioned.username} hi")
    reply = post_comment(
        thread=post.thread, author=mentioned, body=f"About {SECRET}", parent=comment
    )
    edit_comment(comment=reply, editor=mentioned, body=f"About {SECRET} again")
    assert CommentRevision.objects.filter(comment=reply).exists()
    record_post_view(post=post, person=mentioned)
    flag_item(obj=reply, by=ward.readers[2], reason="privacy", note=f"names {SECRET}")
    assert _text_columns_holding(SECRET)
    assert _index_finds(SECRET)
    file_name = attachment.file.name
    assert default_storage.exists(file_name)
    post_texts = kind_of(post).texts(Post.objects.get(pk=post.pk))
    reply_texts = kind_of(reply).texts(Comment.objects.get(pk=reply.pk))

    with django_capture_on_commit_callbacks(execute=True):
        post_report = mark_as_phi(obj=post, officer=ward.officer, reason="Name")
        post_tombstone = purge_item(report=post_report, officer=ward.officer)
    with django_capture_on_commit_callbacks(execute=True):
        reply_report = mark_as_phi(obj=reply, officer=ward.officer, reason="Name")
        reply_tombstone = purge_item(report=reply_report, officer=ward.officer)

    assert _text_columns_holding(SECRET) == []
    assert not _index_finds(SECRET)
    assert not default_storage.exists(file_name)
    assert post_tombstone.content_sha256 == content_hash(post_texts)
    assert reply_tombstone.content_sha256 == content_hash(reply_texts)
    assert Tombstone.objects.filter(item_kind="post", item_id=post.pk).count() == 1
    assert not Notification.objects.filter(comment=reply).exists()
    # The rows stay, so the discussion keeps its shape.
    assert Post.objects.filter(pk=post.pk).exists()
    assert Comment.objects.filter(pk=reply.pk, parent=comment).exists()
    post_report.refresh_from_db()
    assert post_report.purged_by == ward.officer
    assert AuditEntry.objects.filter(action=AuditAction.PURGED).count() == 2


def test_an_item_can_be_purged_only_once(ward: Ward) -> None:
    report = mark_as_phi(obj=ward.post, officer=ward.officer, reason="Name")
    purge_item(report=report, officer=ward.officer)
    with pytest.raises(ValidationError):
        purge_item(report=report, officer=ward.officer)


def test_a_held_comment_was_shown_to_nobody_and_can_still_be_purged(ward: Ward) -> None:
    comment = post_comment(thread=ward.post.thread, author=ward.readers[0], body=PHI)
    assert comment.visibility == Visibility.HELD  # held as it was written
    record_post_view(post=ward.post, person=ward.readers[1])
    report = mark_as_phi(obj=comment, officer=ward.officer, reason="Held")
    assert not report.was_shown
    assert report.could_see_count == 0
    assert report.saw_count == 0
    purge_item(report=report, officer=ward.officer)
    comment.refresh_from_db()
    assert "4481923" not in comment.body


def _cached_values_holding(secret: str) -> list[str]:
    from django.core.cache import cache

    store: Any = cache
    return [key for key, value in store._cache.items() if secret.encode() in value]


def test_purging_forgets_cached_cards_and_comment_lists(ward: Ward) -> None:
    from staffroom.channels.queries import attach_card_html

    reader = ward.readers[0]
    post_comment(thread=ward.post.thread, author=reader, body=f"Poor {SECRET}")
    attach_card_html(
        [Post.objects.select_related("channel", "author", "thread").get(pk=ward.post.pk)]
    )
    _signed_in(reader).get(ward.post.get_absolute_url())
    assert _cached_values_holding(SECRET)

    report = mark_as_phi(obj=ward.post, officer=ward.officer, reason="Name")
    purge_item(report=report, officer=ward.officer)
    comment = Comment.objects.get(thread=ward.post.thread)
    purge_item(
        report=mark_as_phi(obj=comment, officer=ward.officer, reason="Name"), officer=ward.officer
    )

    assert _cached_values_holding(SECRET) == []


def test_the_database_cache_forgets_by_prefix_too(db: None, settings: Any) -> None:
    from django.core.cache import caches
    from django.core.management import call_command

    from staffroom.privacy import caching

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "exposure_test_cache",
        }
    }
    call_command("createcachetable", "exposure_test_cache", verbosity=0)
    database_cache = caches["default"]
    database_cache.set("post_card:40:3", SECRET)
    database_cache.set("post_card:400:3", "another post")
    database_cache.set("postXcard:40:3", "not a card")
    caching.forget_cached(["post_card:40:"])
    assert database_cache.get("post_card:40:3") is None
    assert database_cache.get("post_card:400:3") == "another post"
    assert database_cache.get("postXcard:40:3") == "not a card"


def test_purging_a_post_deletes_its_video_with_captions_transcript_and_files(
    ward: Ward, django_capture_on_commit_callbacks: Any
) -> None:
    from staffroom.jobs.testing import run_jobs
    from staffroom.media.models import Caption, Video
    from staffroom.media.tests.ready import ready_video

    post = ward.post
    captions = (("en", "English", f"WEBVTT\n\n00:00.000 --> 00:02.000\n{SECRET}\n".encode()),)
    video = ready_video(post, captions=captions, transcript=f"We met {SECRET} today.")
    names = [r.file.name for r in video.renditions.all()] + [video.poster.name]
    assert all(default_storage.exists(name) for name in names)
    assert _text_columns_holding(SECRET)

    with django_capture_on_commit_callbacks(execute=True):
        report = mark_as_phi(obj=post, officer=ward.officer, reason="Name")
        purge_item(report=report, officer=ward.officer)
    run_jobs()  # the files go in a background job

    assert _text_columns_holding(SECRET) == []
    assert not Video.objects.filter(pk=video.pk).exists()
    assert not Caption.objects.filter(video_id=video.pk).exists()
    assert not any(default_storage.exists(name) for name in names)
    post.refresh_from_db()
    assert post.video_id is None
