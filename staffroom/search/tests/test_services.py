from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.discussion.models import Thread
from staffroom.search.backends import current_backend
from staffroom.search.models import SearchDocument
from staffroom.search.queries import search
from staffroom.search.services import ensure_search_index, rebuild_search_index
from staffroom.search.tests.factories import make_channel, make_comment, make_initiative, make_post

pytestmark = pytest.mark.django_db


def test_posts_inserted_in_bulk_are_indexed_by_the_triggers() -> None:
    channel, author = make_channel(), PersonFactory()
    threads = Thread.objects.bulk_create(Thread(kind="post") for _ in range(3))
    Post.objects.bulk_create(
        Post(
            channel=channel,
            author=author,
            title=f"Bulk notice {i}",
            body="Loaded in bulk",
            body_html="<p>Loaded in bulk</p>",
            status=Post.Status.PUBLISHED,
            published_at=timezone.now(),
            thread=thread,
        )
        for i, thread in enumerate(threads)
    )
    assert search(viewer=PersonFactory(), text="bulk").total == 3


def test_the_rebuild_command_indexes_what_was_written_while_triggers_were_missing() -> None:
    kept = make_post(title="Indexed before")
    current_backend().uninstall(connection)
    SearchDocument.objects.all().delete()
    make_post(title="Written without triggers")
    make_comment(on=kept, body="A comment written without triggers")
    make_initiative(title="Initiative written without triggers")
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "4 documents" in out.getvalue()
    results = search(viewer=PersonFactory(), text="triggers")
    assert {hit.kind for hit in results.hits} == {"post", "comment", "initiative"}
    assert search(viewer=PersonFactory(), text="indexed").total == 1
    # The triggers are back too.
    make_post(title="Written after the rebuild")
    assert search(viewer=PersonFactory(), text="after rebuild").total == 1


def test_a_rebuild_leaves_removed_comments_out() -> None:
    comment = make_comment(on=make_post(), body="Withdrawn remark")
    comment.deleted_at = timezone.now()
    comment.save()
    rebuild_search_index()
    assert search(viewer=PersonFactory(), text="withdrawn").total == 0


def test_ensuring_the_index_puts_back_triggers_a_migration_dropped() -> None:
    make_post(title="Found before")
    current_backend().uninstall(connection)
    ensure_search_index()
    make_post(title="Found again")
    assert search(viewer=PersonFactory(), text="found").total == 2


def test_ensuring_an_intact_index_changes_nothing() -> None:
    make_post(title="Steady")
    before = list(SearchDocument.objects.values_list("id", flat=True))
    ensure_search_index()
    assert list(SearchDocument.objects.values_list("id", flat=True)) == before
    assert search(viewer=PersonFactory(), text="steady").total == 1


def test_after_every_migrate_a_dropped_source_trigger_is_put_back() -> None:
    from staffroom.search.apps import _ensure_index

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER search_post_ai")
        else:
            cursor.execute("DROP TRIGGER search_posts_inserted ON staffchannels_post")
    make_post(title="Lost while the trigger was missing")
    _ensure_index(using="default")
    make_post(title="Lost no more")
    assert search(viewer=PersonFactory(), text="lost").total == 1
