"""Demo step for the `large` size: 100,000 department posts and 1,000,000 comments, in bulk.

Benchmarks need volume, not prose: posts are made from templates with a seeded random
stream, spread over every department channel and the last three years, and each gets its
share of comments (top-level, replies and replies to replies). Work goes in chunks of
CHUNK_POSTS posts, each its own few INSERTs, so memory stays flat.

Bodies are short plain text, so their HTML is made here (escaped paragraphs) instead of
running the Markdown renderer a million times; that is the one liberty taken, and the HTML
is what the renderer would make of such text. Counters (comment_count, reply_count) are
set from the planned rows before they are inserted, so they are exact. Each chunk's posts
carry keys made from the seed and their number, so a second build adds nothing.

The posts' 5,000,000 views are the next part of this step (bulk_views.py), chunk by chunk
over the same keys, so a database built before them gets them from the next build.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.html import escape

from staffroom.channels.models import Channel, ChannelEditor, Post, Tag
from staffroom.demo.content import comment_texts
from staffroom.demo.content.cast import Cast, Member
from staffroom.demo.content.channels import TAGS
from staffroom.demo.content.common import demo_key
from staffroom.demo.content.posts import count_channel_posts
from staffroom.discussion.models import Comment, Thread

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

# Posts and comments added per size; sizes not listed add none.
BULK_VOLUMES: dict[str, tuple[int, int]] = {"large": (100_000, 1_000_000)}
CHUNK_POSTS = 2_000
INSERT_BATCH = 2_000
SPREAD_DAYS = 3 * 365
# Of a post's comments: this share top-level, then replies, then replies to replies.
TOP_LEVEL_SHARE = 0.6
SECOND_LEVEL_SHARE = 0.3

TITLES = (
    "{unit}: this week's update",
    "Welcome to our new starters in {unit}",
    "Thank you to the {unit} night team",
    "Changes to the {department} rota from {month}",
    "{department} huddle notes, {month}",
    "Training dates for {month}",
    "Safety update from {unit}",
    "Our {department} values award winners",
    "Reminder: mandatory training due by the end of {month}",
    "New equipment arriving in {unit}",
    "Patient feedback we're proud of",
    "Infection prevention: what we learned this month",
    "Parking and access changes for {department} staff",
    "Celebrating {number} years of service in {unit}",
    "Flu vaccination clinic for {department}",
    "Quality results for {month}",
    "Recruitment: {number} posts open in {department}",
    "Welcome back from the refurbishment, {unit}",
    "Staff survey results for {department}",
    "Holiday requests for {month}",
)
SENTENCES = (
    "Thank you to everyone who made this possible.",
    "Please read this before your next shift.",
    "The details are on the board in the staff room.",
    "Questions are welcome in the comments below.",
    "This change starts on the first Monday of the month.",
    "We'll review how it's going after six weeks.",
    "Our patients noticed the difference straight away.",
    "Sessions run on all three shifts so everyone can attend.",
    "The team worked through a very busy month and still found time to help each other.",
    "Please let your manager know if this affects your childcare or travel.",
    "Falls, pressure injuries and infections were all down on last month.",
    "We had {number} compliments from patients and families this month.",
    "Agency use fell again, thanks to the float pool and to colleagues picking up shifts.",
    "The new process was suggested by staff on our own unit.",
    "Training takes about forty minutes and counts as paid time.",
    "Cake and coffee in the break room on Friday afternoon.",
    "Remember to take your breaks: the rest room on this floor is open day and night.",
    "Our next department meeting is on the second Tuesday, with a link for night staff.",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def build_bulk_content(build: DemoBuild) -> None:
    """The large size's 100,000 posts and 1,000,000 comments (nothing for other sizes), then
    their 5,000,000 views (bulk_views.py; a database built before those gets them now)."""
    from staffroom.demo.content.bulk_views import build_bulk_views
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    volume = BULK_VOLUMES.get(build.size.name)
    if volume is None:
        return
    add_bulk_posts(build, posts=volume[0], comments=volume[1])
    build_bulk_views(build)


def add_bulk_posts(build: DemoBuild, *, posts: int, comments: int) -> None:
    """`posts` posts over the department channels with `comments` comments among them."""
    cast = Cast()
    channels = _department_channels(cast)
    if not channels:
        return
    _name_authors_editors(channels)
    tag_ids = list(Tag.objects.filter(slug__in=TAGS).values_list("pk", flat=True))
    ids = _Ids()
    added_posts = added_comments = 0
    for first in range(0, posts, CHUNK_POSTS):
        numbers = range(first, min(first + CHUNK_POSTS, posts))
        # The comments of a chunk are its exact share of the total, so the sum is exact.
        share = comments * numbers.stop // posts - comments * numbers.start // posts
        rng = random.Random(f"riverside-health:{build.seed}:bulk:{first}")
        keys = [demo_key("bulk-post", build.seed, n) for n in numbers]
        if Post.objects.filter(submission_key__in=keys).exists():
            continue
        made = _add_chunk(rng, keys, share, channels, cast, tag_ids, ids)
        added_posts += len(keys)
        added_comments += made
    if added_posts:
        _Ids.reset_sequences()
    build.count("bulk posts", added_posts)
    build.count("bulk comments", added_comments)
    count_channel_posts()


class _Channel:
    def __init__(self, pk: int, name: str, author: Member, people: list[Member]) -> None:
        self.pk, self.name, self.author, self.people = pk, name, author, people


def _department_channels(cast: Cast) -> list[_Channel]:
    code_of = {pk: code for code, pk in cast.department_ids.items()}
    out = []
    for pk, name, department_id in Channel.objects.filter(
        kind=Channel.Kind.DEPARTMENT, is_archived=False
    ).values_list("pk", "name", "department_id"):
        people = cast.by_department.get(department_id, [])
        if not people:
            continue
        out.append(_Channel(pk, name, cast.director(code_of[department_id]), people))
    return sorted(out, key=lambda c: c.pk)


def _name_authors_editors(channels: list[_Channel]) -> None:
    """Whoever writes a channel's posts is one of its editors."""
    existing = set(ChannelEditor.objects.values_list("channel_id", "person_id"))
    ChannelEditor.objects.bulk_create(
        [
            ChannelEditor(channel_id=c.pk, person_id=c.author.pk)
            for c in channels
            if (c.pk, c.author.pk) not in existing
        ]
    )


def _paragraphs(parts: list[str]) -> tuple[str, str]:
    return "\n\n".join(parts), "".join(f"<p>{escape(p)}</p>" for p in parts)


class _Rows:
    """Rows for one table, inserted with executemany: no model instance per row.

    A million Comment instances cost more than the database's own work, so the large build
    writes tuples. Each column starts from its field's default, prepared for the database
    once; a row overrides what it sets. Keys are given by the build (see _next_id).
    """

    def __init__(self, model: type[Model], *, with_pk: bool = True) -> None:
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.position = {f.attname: i for i, f in enumerate(fields)}
        self.defaults = [
            None if f.primary_key else f.get_db_prep_save(f.get_default(), connection)
            for f in fields
        ]
        # Lists from add(), or tuples in column order from a step that makes them itself.
        self.rows: list[Sequence[Any]] = []

    def add(self, **values: Any) -> None:
        row = list(self.defaults)
        for name, value in values.items():
            row[self.position[name]] = value
        self.rows.append(row)

    def insert(self) -> int:
        """Write the rows: COPY on PostgreSQL, multi-row INSERTs elsewhere.

        Either way it is one statement per batch, not per row, so statement-level triggers
        (search, on PostgreSQL) work a batch at a time. The backend's own cursor is used
        (same %s placeholders): demo mode runs with DEBUG on, and Django's debug cursor would
        format and keep the text of every statement.
        """
        rows, self.rows = self.rows, []
        quote = connection.ops.quote_name
        # Table and column names come from the model, quoted; the values are parameters.
        table = f"{quote(self.table)} ({', '.join(quote(c) for c in self.columns)})"
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            if connection.vendor == "postgresql":
                # No SQL text to build and no parameters to quote: psycopg's client-side
                # binding would quote twenty million of them.
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return len(rows)
            width = len(self.columns)
            limit = connection.features.max_query_params or 65_000
            per_statement = max(1, min(INSERT_BATCH, limit // width))
            one_row = f"({', '.join(['%s'] * width)})"
            for start in range(0, len(rows), per_statement):
                batch = rows[start : start + per_statement]
                sql = f"INSERT INTO {table} VALUES {', '.join([one_row] * len(batch))}"  # noqa: S608
                cursor.execute(sql, [value for row in batch for value in row])
        return len(rows)


def _next_id(model: type[Model]) -> int:
    top = model._default_manager.aggregate(top=Max("pk"))["top"]
    return int(top or 0) + 1


def _moment(value: datetime) -> object:
    return connection.ops.adapt_datetimefield_value(value)


class _Ids:
    """The next free keys, and the sequences set past them at the end (PostgreSQL)."""

    def __init__(self) -> None:
        self.thread = _next_id(Thread)
        self.post = _next_id(Post)
        self.comment = _next_id(Comment)

    @staticmethod
    def reset_sequences() -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [Thread, Post, Comment])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _add_chunk(  # noqa: PLR0917  # private, called once
    rng: random.Random,
    keys: list[uuid.UUID],
    comment_total: int,
    channels: list[_Channel],
    cast: Cast,
    tag_ids: list[int],
    ids: _Ids,
) -> int:
    now = timezone.now()
    weights = [rng.random() ** 3 for _ in keys]  # most posts get a few comments, some many
    whole = sum(weights) or 1.0
    counts = [int(comment_total * w / whole) for w in weights]
    for i in rng.sample(range(len(keys)), comment_total - sum(counts)):
        counts[i] += 1
    threads, posts, tags = _Rows(Thread), _Rows(Post), _Rows(Post.tags.through, with_pk=False)
    comments = _Rows(Comment)
    writer = _CommentWriter(rng, comments, ids, cast.members, now)
    key_field = Post._meta.get_field("submission_key")
    for key, count in zip(keys, counts, strict=True):
        channel = rng.choice(channels)
        published = now - timedelta(
            days=SPREAD_DAYS * rng.random() ** 1.5, hours=1 + rng.random() * 12
        )
        title = _fill(rng.choice(TITLES), rng, channel, published)
        parts = [
            " ".join(
                _fill(rng.choice(SENTENCES), rng, channel, published)
                for _ in range(rng.randint(2, 3))
            )
            for _ in range(rng.randint(1, 3))
        ]
        body, html = _paragraphs(parts)
        when = _moment(published)
        thread_id, post_id = ids.thread, ids.post
        ids.thread += 1
        ids.post += 1
        # Every bulk comment stays (none is deleted), so the thread counts them all.
        threads.add(
            id=thread_id,
            kind=Thread.Kind.POST.value,
            comment_count=count,
            created_at=when,
            updated_at=when,
        )
        posts.add(
            id=post_id,
            channel_id=channel.pk,
            author_id=channel.author.pk,
            title=title[:200],
            summary=parts[0][:300],
            body=body,
            body_html=html,
            status=Post.Status.PUBLISHED.value,
            published_at=when,
            thread_id=thread_id,
            submission_key=key_field.get_db_prep_save(key, connection),
            created_at=when,
            updated_at=when,
        )
        if tag_ids and rng.random() < 0.2:
            tags.add(post_id=post_id, tag_id=rng.choice(tag_ids))
        if count:
            writer.post(thread_id=thread_id, published=published, count=count, channel=channel)
    threads.insert()
    posts.insert()
    tags.insert()
    return comments.insert()


@dataclass
class _CommentWriter:
    """Plans the comments of one chunk's posts as rows, with keys given in order."""

    rng: random.Random
    rows: _Rows
    ids: _Ids
    everyone: list[Member]
    now: datetime

    def post(self, *, thread_id: int, published: datetime, count: int, channel: _Channel) -> None:
        """One post's comments: top-level ones, replies, and replies to the busiest reply."""
        rng = self.rng
        n_top = max(1, round(count * TOP_LEVEL_SHARE))
        n_second = min(count - n_top, round(count * SECOND_LEVEL_SHARE))
        n_third = count - n_top - n_second
        if n_third and not n_second:
            n_second, n_third = 1, n_third - 1
        span = min(max((self.now - published).total_seconds(), 120.0), 14 * 86400)
        # Replies cluster under the earliest comments, as they do in real threads.
        seconds_for = _spread(rng, n_second, n_top)
        busiest = max(range(n_top), key=lambda i: seconds_for[i])
        for offset in range(n_top):
            replies = seconds_for[offset]
            thirds = n_third if offset == busiest else 0
            # Stored counters count the rows planned right here, so they are exact.
            top = self.comment(
                thread_id=thread_id,
                channel=channel,
                parent=None,
                when=published + timedelta(seconds=span * rng.random()),
                reply_count=replies,
            )
            for k in range(replies):
                under = thirds if k == 0 else 0
                second = self.comment(
                    thread_id=thread_id, channel=channel, parent=top, reply_count=under
                )
                for _ in range(under):
                    self.comment(thread_id=thread_id, channel=channel, parent=second)

    def comment(
        self,
        *,
        thread_id: int,
        channel: _Channel,
        parent: tuple[int, int, int, datetime] | None,
        when: datetime | None = None,
        reply_count: int = 0,
    ) -> tuple[int, int, int, datetime]:
        """Add a comment row; returns (id, depth, root id, time) for its replies."""
        rng = self.rng
        pk = self.ids.comment
        self.ids.comment += 1
        if parent is None:
            depth, parent_id, root_id = 0, None, None
            assert when is not None
        else:
            parent_id, parent_depth, parent_root, parent_when = parent
            depth, root_id = parent_depth + 1, parent_root if parent_depth else parent_id
            when = min(parent_when + timedelta(hours=rng.uniform(0.2, 24)), self.now)
        author = rng.choice(channel.people) if rng.random() < 0.7 else rng.choice(self.everyone)
        if author.language == "es" and rng.random() < 0.6:
            body = rng.choice(comment_texts.SPANISH_REPLIES if depth else comment_texts.SPANISH)
        else:
            body = rng.choice(comment_texts.REPLIES if depth else comment_texts.GENERAL)
        moment = _moment(when)
        self.rows.add(
            id=pk,
            thread_id=thread_id,
            author_id=author.pk,
            parent_id=parent_id,
            root_id=root_id,
            depth=depth,
            body=body,
            body_html=_HTML[body],
            reply_count=reply_count,
            created_at=moment,
            updated_at=moment,
        )
        return pk, depth, root_id or pk, when


_HTML = {
    line: f"<p>{escape(line)}</p>"
    for pool in (
        comment_texts.GENERAL,
        comment_texts.REPLIES,
        comment_texts.SPANISH,
        comment_texts.SPANISH_REPLIES,
    )
    for line in pool
}


def _spread(rng: random.Random, total: int, slots: int) -> list[int]:
    out = [0] * slots
    for _ in range(total):
        out[min(int(rng.random() ** 2 * slots), slots - 1)] += 1
    return out


def _fill(template: str, rng: random.Random, channel: _Channel, when: datetime) -> str:
    return template.format(
        unit=channel.name,
        department=channel.name,
        month=MONTHS[(when.month) % 12],
        number=rng.randint(2, 40),
    )
