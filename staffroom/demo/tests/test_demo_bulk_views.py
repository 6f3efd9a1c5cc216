"""The large size's bulk post views, at a small volume: exact numbers, each person at most
once per post, readers in the post's audience (mostly its department), times in order,
reach counters equal to a recount, nothing added by a second build, and views added to a
database whose bulk posts were built before them.

The hospital (organisation, people, channels: no written content) is built once for this
module inside a transaction rolled back at the end; each test runs in a savepoint in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from statistics import mean
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.channels.models import Channel, Post, PostReach, PostView
from staffroom.channels.services.reading import record_post_view, recount_post_reach
from staffroom.demo import services
from staffroom.demo.content import bulk, bulk_views
from staffroom.demo.content.common import demo_key
from staffroom.demo.hospital import DEMO_ACCOUNTS, SIZES
from staffroom.demo.services import DemoBuild, DemoReport, build_demo_hospital

TODAY = date(2025, 6, 2)
DEMO = SIZES["demo"]
SEED = 5
POSTS, COMMENTS, VIEWS = 300, 600, 1_500
CHUNK = 100
# Just what the bulk steps need: the organisation, its people and the department channels.
STEPS = [
    "staffroom.demo.services.build_organisation",
    "staffroom.demo.services.build_people",
    "staffroom.demo.services.build_demo_accounts",
    "staffroom.demo.content.channels.build_channels",
]


@pytest.fixture(scope="module")
def hospital(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoReport]:
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(services, "DEMO_STEPS", STEPS)
        report = build_demo_hospital(size=DEMO, today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def small(hospital: DemoReport, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk step at a small volume for the demo size, in chunks of CHUNK posts; the
    posts are there, without their views (a large build made before the views step)."""
    monkeypatch.setattr(bulk, "BULK_VOLUMES", {"demo": (POSTS, COMMENTS)})
    monkeypatch.setattr(bulk, "CHUNK_POSTS", CHUNK)
    monkeypatch.setattr(bulk_views, "BULK_VIEW_VOLUMES", {})
    bulk.build_bulk_content(new_build())
    assert not PostView.objects.exists()
    monkeypatch.setattr(bulk_views, "BULK_VIEW_VOLUMES", {"demo": VIEWS})


def new_build() -> DemoBuild:
    return DemoBuild(size=DEMO, seed=SEED, plan=None)  # type: ignore[arg-type]  # not used


def bulk_posts() -> list[Post]:
    keys = [demo_key("bulk-post", SEED, n) for n in range(POSTS)]
    posts = list(Post.objects.filter(submission_key__in=keys).order_by("pk"))
    assert len(posts) == POSTS
    return posts


def reach_snapshot() -> tuple[dict[int, int], set[tuple[int, int | None, int]]]:
    return (
        dict(Post.objects.values_list("pk", "reach_count")),
        set(PostReach.objects.values_list("post_id", "department_id", "people")),
    )


def assert_reach_is_what_a_recount_finds() -> None:
    before = reach_snapshot()
    recount_post_reach()
    assert reach_snapshot() == before


def test_the_bulk_views_are_exact_believable_and_counted(small: None) -> None:
    build = new_build()
    bulk.build_bulk_content(build)
    assert build.created == {"bulk posts": 0, "bulk comments": 0, "bulk post views": VIEWS}
    posts = bulk_posts()
    views = list(
        PostView.objects.values_list("person_id", "post_id", "viewed_at", "last_viewed_at")
    )
    assert len(views) == VIEWS
    assert len({(person, post) for person, post, *_ in views}) == VIEWS
    assert {post for _, post, *_ in views} <= {p.pk for p in posts}

    # Readers: active people in the post's audience, not its author, no demo account;
    # mostly people of the post's department.
    people = {p.pk: p for p in Person.objects.filter(pk__in={v[0] for v in views})}
    assert all(p.is_active for p in people.values())
    assert not {p.username for p in people.values()} & {a.username for a in DEMO_ACCOUNTS}
    by_pk = {p.pk: p for p in posts}
    published = {p.pk: p.published_at for p in posts if p.published_at}
    assert all(by_pk[post].author_id != person for person, post, *_ in views)
    for reader in people.values():
        visible = set(Post.objects.visible_to(reader).values_list("pk", flat=True))
        assert {post for viewer, post, *_ in views if viewer == reader.pk} <= visible
    department_of_channel = dict(Channel.objects.values_list("pk", "department_id"))
    sizes = dict(
        Person.objects.values_list("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    size_of = {p.pk: sizes.get(department_of_channel[p.channel_id], 0) for p in posts}
    counted = {p.pk: 0 for p in posts}
    own = {p.pk: 0 for p in posts}
    for person, post, *_ in views:
        counted[post] += 1
        own[post] += people[person].department_id == department_of_channel[by_pk[post].channel_id]
    # Where the department has people enough, nine in ten readers are its own.
    roomy = [pk for pk in counted if size_of[pk] > 2 * counted[pk]]
    assert len(roomy) > POSTS // 4
    assert sum(own[pk] for pk in roomy) / sum(counted[pk] for pk in roomy) > 0.85

    # Times: after publication, last view not before the first, none in the future; some
    # people came back later.
    now = timezone.now()
    for _, post, viewed, last in views:
        assert published[post] <= viewed <= last <= now
    assert 0.1 < sum(last > viewed for *_, viewed, last in views) / VIEWS < 0.5
    assert not PostView.objects.filter(viewed_at__lt=F("post__published_at")).exists()

    # Newer posts and bigger departments are read more.
    by_age = sorted(posts, key=lambda p: published[p.pk], reverse=True)
    half = len(by_age) // 2
    assert mean(counted[p.pk] for p in by_age[:half]) > mean(counted[p.pk] for p in by_age[half:])
    by_size = sorted(posts, key=lambda p: size_of[p.pk], reverse=True)
    assert mean(counted[p.pk] for p in by_size[:half]) > mean(counted[p.pk] for p in by_size[half:])

    # The stored counters are what a recount from the views finds.
    assert sum(p.reach_count for p in posts) == VIEWS
    assert_reach_is_what_a_recount_finds()

    # A second build adds nothing.
    again = new_build()
    bulk.build_bulk_content(again)
    assert again.created == {"bulk posts": 0, "bulk comments": 0, "bulk post views": 0}
    assert PostView.objects.count() == VIEWS


def test_a_chunk_without_its_views_gets_them_beside_views_people_made(small: None) -> None:
    bulk.build_bulk_content(new_build())
    posts = bulk_posts()
    second_chunk = [p.pk for p in posts[CHUNK : 2 * CHUNK]]
    missing = PostView.objects.filter(post_id__in=second_chunk)
    removed = missing.count()
    assert removed > 0
    missing.delete()
    recount_post_reach()
    # Someone opens one of those posts before the next build: its author, whom the bulk
    # views never include, so the numbers below are exact.
    opened = Post.objects.get(pk=second_chunk[0])
    assert record_post_view(post=opened, person=opened.author)

    build = new_build()
    bulk.build_bulk_content(build)
    assert build.created["bulk post views"] == removed
    assert PostView.objects.count() == VIEWS + 1
    assert PostView.objects.filter(post=opened, person=opened.author).exists()
    assert_reach_is_what_a_recount_finds()
