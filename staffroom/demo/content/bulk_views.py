"""Demo step for the `large` size: 5,000,000 post views over the bulk posts, in bulk.

Who reads a department post: mostly people of that department (it is in their feed), and
a tenth from anywhere else (search, links, the channel page). How many: a share of the
total in proportion to the size of the department, higher for newer posts, with a
log-normal spread between posts; never more than the people there are. When: most people
open a post within a day or two of its publication, some much later; about a third open it
again later (last_viewed_at). Every time lies between the publication and the build.
Nobody reads their own post, and the demo accounts read only what the written content
says they read (posts.py), so their unread markers stay as the demo tells them.

Work goes in the chunks of the bulk posts (bulk.CHUNK_POSTS posts, found by their keys), as
tuples sorted by person (two of PostView's three indexes lead with the person, so each
chunk walks them in order), written with COPY on PostgreSQL and multi-row INSERTs
elsewhere (bulk._Rows). Each chunk's PostReach rows and reach_count are then set from every
view of its posts (those there before included), which is what `recount_post_reach` finds.

A chunk whose posts already hold at least half of its share of the views is done; a
database built before this step (posts and comments, no bulk views) gets them by building
again. A chunk being done is decided by a count, not by one marker row, so the few views
people add by opening bulk posts (benchmarks do) neither pass for the bulk views nor collide
with them: planned views that already exist are left out.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from staffroom.channels.models import Channel, Post, PostReach, PostView
from staffroom.core.models import Visibility
from staffroom.demo.content import bulk
from staffroom.demo.content.bulk import _moment, _Rows
from staffroom.demo.content.cast import Cast
from staffroom.demo.content.common import demo_key
from staffroom.demo.hospital import DEMO_ACCOUNTS

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

# Post views added per size (over the bulk posts of bulk.BULK_VOLUMES); others add none.
BULK_VIEW_VOLUMES: dict[str, int] = {"large": 5_000_000}
# Of a department post's readers, this share are people of that department.
DEPARTMENT_SHARE = 0.9
# Newer posts are read more: a post's weight falls by e over this many days, to a floor.
RECENCY_DAYS = 365.0
RECENCY_FLOOR = 0.2
# Most first views come within this mean delay of publication; the rest any time since.
PROMPT_SHARE = 0.8
PROMPT_MEAN_HOURS = 30.0
REOPEN_SHARE = 0.3
# A chunk holding at least this share of its views is taken as done.
DONE_SHARE = 0.5


def build_bulk_views(build: DemoBuild) -> None:
    """The large size's 5,000,000 views of its bulk posts (nothing for other sizes)."""
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    views = BULK_VIEW_VOLUMES.get(build.size.name)
    posts = bulk.BULK_VOLUMES.get(build.size.name, (0, 0))[0]
    if not views or not posts:
        return
    add_bulk_views(build, posts=posts, views=views)


def add_bulk_views(build: DemoBuild, *, posts: int, views: int) -> None:
    """`views` views over the `posts` bulk posts of this seed (those that exist)."""
    readers: _Readers | None = None  # read once a chunk needs its views
    now = timezone.now() - timedelta(minutes=1)
    added = 0
    step = bulk.CHUNK_POSTS  # the bulk posts' own chunks
    for first in range(0, posts, step):
        numbers = range(first, min(first + step, posts))
        # The views of a chunk are its exact share of the total, so the sum is exact.
        share = views * numbers.stop // posts - views * numbers.start // posts
        keys = [demo_key("bulk-post", build.seed, n) for n in numbers]
        rows = list(
            Post.objects.filter(
                submission_key__in=keys,
                status=Post.Status.PUBLISHED,
                visibility=Visibility.VISIBLE,
                published_at__lte=now,
            )
            .order_by("pk")
            .values_list("pk", "channel_id", "author_id", "published_at")
        )
        ids = [pk for pk, *_ in rows]
        if not rows or PostView.objects.filter(post_id__in=ids).count() >= share * DONE_SHARE:
            continue
        readers = readers or _Readers(Cast())
        if not readers.everyone:
            break
        # Who reads what depends on the seed and the posts only (not on the day of the
        # build), so a chunk built again picks the same people; when they read has its own.
        who = random.Random(f"riverside-health:{build.seed}:bulk-views:{first}")
        when = random.Random(f"riverside-health:{build.seed}:bulk-view-times:{first}")
        found = [_Post(pk, c, a, t) for pk, c, a, t in rows if t]
        chunk = _Chunk(who, when, readers, now, found)
        if chunk.plan(share):
            added += chunk.write()
    build.count("bulk post views", added)


class _Post:
    __slots__ = ("author_id", "channel_id", "count", "pk", "published")

    def __init__(self, pk: int, channel_id: int, author_id: int, published: datetime) -> None:
        self.pk, self.channel_id, self.author_id, self.published = (
            pk,
            channel_id,
            author_id,
            published,
        )
        self.count = 0


class _Readers:
    """Who may read what: people by department, everyone, and each person's department."""

    def __init__(self, cast: Cast) -> None:
        demo = {a.username for a in DEMO_ACCOUNTS}
        members = [m for m in cast.members if m.username not in demo]
        self.everyone: list[int] = [m.pk for m in members]
        self.department_of: dict[int, int | None] = {m.pk: m.department_id for m in members}
        self.by_department: dict[int, list[int]] = {}
        for m in members:
            if m.department_id is not None:
                self.by_department.setdefault(m.department_id, []).append(m.pk)
        self.department_sets = {d: frozenset(people) for d, people in self.by_department.items()}
        self.channel_department: dict[int, int | None] = dict(
            Channel.objects.values_list("pk", "department_id")
        )

    def department(self, channel_id: int) -> tuple[list[int], frozenset[int]]:
        """The people of the channel's department, as a list and as a set."""
        department_id = self.channel_department.get(channel_id)
        if department_id is None or department_id not in self.by_department:
            return [], frozenset()
        return self.by_department[department_id], self.department_sets[department_id]


class _Chunk:
    def __init__(
        self,
        rng: random.Random,
        clock: random.Random,
        readers: _Readers,
        now: datetime,
        posts: list[_Post],
    ) -> None:
        self.rng, self.clock, self.readers, self.now, self.posts = rng, clock, readers, now, posts

    def plan(self, total: int) -> int:
        """Set each post's number of readers, `total` among them (or all there are)."""
        rng = self.rng
        newest = max(post.published for post in self.posts)
        caps, weights = [], []
        for post in self.posts:
            inside, _ = self.readers.department(post.channel_id)
            caps.append(len(self.readers.everyone) - 1)
            age_days = (newest - post.published).total_seconds() / 86400
            recency = RECENCY_FLOOR + math.exp(-age_days / RECENCY_DAYS)
            weights.append(max(len(inside), 1) * recency * rng.lognormvariate(0.0, 0.5))
        whole = sum(weights) or 1.0
        counts = [min(cap, int(total * w / whole)) for cap, w in zip(caps, weights, strict=True)]
        short = min(total, sum(caps)) - sum(counts)
        while short > 0:  # hand out what rounding (or a ceiling) left, one at a time
            i = rng.randrange(len(counts))
            if counts[i] < caps[i]:
                counts[i] += 1
                short -= 1
        for post, count in zip(self.posts, counts, strict=True):
            post.count = count
        return sum(counts)

    def write(self) -> int:
        """Insert the planned views not already there; set the chunk's reach from all views."""
        ids = [p.pk for p in self.posts]
        seen: set[tuple[int, int]] = set()
        reach: dict[int, Counter[int | None]] = {pk: Counter() for pk in ids}
        for person_id, post_id, department_id in PostView.objects.filter(
            post_id__in=ids
        ).values_list("person_id", "post_id", "person__department_id"):
            seen.add((person_id, post_id))
            reach[post_id][department_id] += 1
        views = _Rows(PostView, with_pk=False)
        assert views.columns == ["person_id", "post_id", "viewed_at", "last_viewed_at"]
        stamp = _stamper()
        department_of = self.readers.department_of
        rows: list[tuple[int, int, Any, Any]] = []
        for post in self.posts:
            counter = reach[post.pk]
            for person_id, viewed, last in self._views(post, stamp):
                if (person_id, post.pk) in seen:
                    continue
                rows.append((person_id, post.pk, viewed, last))
                counter[department_of[person_id]] += 1
        rows.sort()  # by person, then post: the order of the person-first indexes
        views.rows.extend(rows)
        added = views.insert()
        _set_reach(reach)
        return added

    def _views(
        self, post: _Post, stamp: Callable[[datetime, float], Any]
    ) -> list[tuple[int, Any, Any]]:
        """(person, viewed_at, last_viewed_at) of the post's readers, as database values."""
        rng = self.rng
        inside, inside_set = self.readers.department(post.channel_id)
        want_inside = min(round(post.count * DEPARTMENT_SHARE), len(inside))
        chosen = [
            pk
            for pk in rng.sample(inside, min(want_inside + 1, len(inside)))
            if pk != post.author_id
        ][:want_inside]
        taken = set(chosen)
        taken.add(post.author_id)
        everyone = self.readers.everyone
        author_outside = post.author_id in self.readers.department_of and (
            post.author_id not in inside_set
        )
        room = len(everyone) - len(inside) - author_outside
        outside = min(post.count - len(chosen), room)
        while outside > 0:
            pk = everyone[rng.randrange(len(everyone))]
            if pk in taken or pk in inside_set:
                continue
            taken.add(pk)
            chosen.append(pk)
            outside -= 1
        rng = self.clock
        age = max((self.now - post.published).total_seconds(), 0.0)
        prompt = PROMPT_MEAN_HOURS * 3600
        out = []
        for pk in chosen:
            delay = rng.expovariate(1 / prompt) if rng.random() < PROMPT_SHARE else age
            if delay >= age:
                delay = age * rng.random()
            viewed = stamp(post.published, delay)
            if rng.random() < REOPEN_SHARE:
                last = stamp(post.published, delay + (age - delay) * rng.random() ** 3)
            else:
                last = viewed
            out.append((pk, viewed, last))
        return out


def _stamper() -> Callable[[datetime, float], Any]:
    """(published, seconds after) → the database value of that moment.

    On SQLite that is the naive UTC text Django stores, made directly: converting ten
    million datetimes through the backend's adapter costs more than writing them.
    """
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return lambda base, seconds: _moment(base + timedelta(seconds=seconds))
    cache: dict[datetime, datetime] = {}

    def stamp(base: datetime, seconds: float) -> str:
        naive = cache.get(base)
        if naive is None:
            naive = cache[base] = timezone.make_naive(base, connection.timezone)
        return str(naive + timedelta(seconds=seconds))

    return stamp


def _set_reach(reach: dict[int, Counter[int | None]]) -> None:
    """PostReach rows and reach_count of these posts, from their views (recount's numbers)."""
    ids = list(reach)
    PostReach.objects.filter(post_id__in=ids).delete()
    rows = _Rows(PostReach, with_pk=False)
    for post_id, counter in reach.items():
        for department_id, people in counter.items():
            rows.add(post_id=post_id, department_id=department_id, people=people)
    rows.insert()
    quote = connection.ops.quote_name
    table, column = quote(Post._meta.db_table), quote("reach_count")
    with connection.cursor() as wrapper:
        wrapper.cursor.executemany(
            f"UPDATE {table} SET {column} = %s WHERE {quote('id')} = %s",  # noqa: S608  # names from the model
            [(sum(counter.values()), post_id) for post_id, counter in reach.items()],
        )
