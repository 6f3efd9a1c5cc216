"""Demo step: comments, replies, reactions, @mentions, notifications and backlinks.

Every demo post and initiative gets its scripted conversation (specs.Said) and then enough
comments from the people it is for to reach its `talk`: new comments, replies, and replies to
replies stored as the depth rules of discussion.models.Comment say. Everything is planned in
memory first, so the stored counters (comments, replies, reactions) are counted from exactly
the rows that are then inserted. A thread that already has comments is left alone, which is
what makes a second build add nothing.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from staffroom.channels.models import Post, PostView
from staffroom.core.richtext import find_mentions, render_markdown
from staffroom.demo.content import comment_texts
from staffroom.demo.content.cast import Cast, Member, pick
from staffroom.demo.content.common import (
    demo_key,
    fill_in,
    given_timestamps,
    unwrap,
)
from staffroom.demo.content.plan_texts import INITIATIVES
from staffroom.demo.content.posts import POST_TEXTS, audience_of, post_key, text_filler
from staffroom.demo.content.specs import Said
from staffroom.demo.content.strategy import launch_moment
from staffroom.discussion.models import (
    Backlink,
    Comment,
    CommentRevision,
    Mention,
    Reaction,
    Thread,
)
from staffroom.notifications.models import Notification
from staffroom.strategy.models import Initiative

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

INTERNAL_POST_LINK = re.compile(r"(/posts/(\d+)/)")
# Notifications older than this have been read; the demo nurse has read nothing from the
# last two weeks, so her bell shows a few.
READ_AFTER_DAYS = 3
NURSE_UNREAD_DAYS = 14
NURSE = "nurse"

# Reaction kinds by the mood of what is reacted to (kinds repeat to weigh them).
REACTION_MIX = {
    "recognition": ["celebrate", "celebrate", "thanks", "like", "support"],
    "plan": ["like", "support", "insightful", "like", "thanks"],
    "general": ["like", "like", "thanks", "insightful", "support"],
}


@dataclass
class Subject:
    """A post or initiative being discussed, as the generator needs it."""

    key: str
    thread_id: int
    author_id: int
    start: datetime
    mood: str  # "recognition", "plan" or "general"
    department_code: str | None
    audience: list[Member]
    said: tuple[Said, ...]
    talk: int
    readers: list[int] = field(default_factory=list)
    subject_reaction_share: float = 0.25


@dataclass
class Planned:
    comment: Comment
    author: Member
    parent: Planned | None = None
    reply_to: Planned | None = None
    removed: bool = False
    edited_from: str = ""
    replies: list[Planned] = field(default_factory=list)
    # What the renderer found in the body: @usernames and links to this Staffroom.
    mentions: frozenset[str] = frozenset()
    internal_paths: tuple[str, ...] = ()

    @property
    def wave(self) -> int:
        # Inserted in waves so every parent and reply_to has its id before it is needed.
        return self.comment.depth + (self.reply_to.wave if self.reply_to is not None else 0)


def build_discussion(build: DemoBuild) -> None:
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    cast = Cast()
    subjects = _subjects(cast)
    discussed = set(
        Comment.objects.filter(thread_id__in=[s.thread_id for s in subjects])
        .values_list("thread_id", flat=True)
        .distinct()
    )
    reacted = set(
        Reaction.objects.filter(thread_id__in=[s.thread_id for s in subjects], comment=None)
        .values_list("thread_id", flat=True)
        .distinct()
    )
    subjects = [s for s in subjects if s.thread_id not in discussed | reacted]
    if not subjects:
        return
    post_paths = {
        key: reverse("channels:post", kwargs={"pk": pk})
        for key, pk in Post.objects.filter(
            submission_key__in=[post_key(t) for t in POST_TEXTS]
        ).values_list("submission_key", "pk")
    }
    path_of_text = {t.key: post_paths[post_key(t)] for t in POST_TEXTS if post_key(t) in post_paths}
    values = text_filler(cast)
    now = timezone.now()
    planned: list[Planned] = []
    subject_reactions: list[Reaction] = []
    threads: dict[int, Subject] = {s.thread_id: s for s in subjects}
    for subject in subjects:
        rng = random.Random(f"riverside-health:{build.seed}:talk:{subject.key}")

        def lookup(name: str) -> str:
            if name.startswith("post:"):
                return path_of_text[name.removeprefix("post:")]
            return values[name]

        planned += _Conversation(subject, cast, rng, now, lookup).run()
        subject_reactions += _subject_reactions(subject, rng, now)
    _count(planned, threads, build.seed)
    with given_timestamps(Comment, CommentRevision, Reaction, Mention, Notification, Backlink):
        for wave in sorted({p.wave for p in planned}):
            Comment.objects.bulk_create(
                [p.comment for p in planned if p.wave == wave], batch_size=1000
            )
        build.count("comments", len(planned))
        comment_reactions = _comment_reactions(planned, threads, build.seed, now)
        Reaction.objects.bulk_create(subject_reactions + comment_reactions, batch_size=2000)
        build.count("reactions", len(subject_reactions) + len(comment_reactions))
        _revisions(planned)
        _mentions_and_notifications(build, planned, cast, now)
        _backlinks(build, planned)
    _store_thread_counters(threads, planned, subject_reactions)


def _subjects(cast: Cast) -> list[Subject]:
    subjects: list[Subject] = []
    now = timezone.now()
    posts = {
        p.submission_key: p
        for p in Post.objects.filter(submission_key__in=[post_key(t) for t in POST_TEXTS])
    }
    live = {k: p for k, p in posts.items() if p.published_at is not None and p.published_at <= now}
    readers: dict[int, list[int]] = {}
    for post_id, person_id in PostView.objects.filter(
        post_id__in=[p.pk for p in live.values()]
    ).values_list("post_id", "person_id"):
        readers.setdefault(post_id, []).append(person_id)
    for text in POST_TEXTS:
        post = live.get(post_key(text))
        if post is None or text.talk == 0:
            continue
        assert post.published_at is not None
        mood = (
            "recognition"
            if "recognition" in text.tags
            else "plan"
            if text.channel == "lets-talk" or text.initiative
            else "general"
        )
        subjects.append(
            Subject(
                key=f"post:{text.key}",
                thread_id=post.thread_id,
                author_id=post.author_id,
                start=post.published_at,
                mood=mood,
                department_code=text.channel if text.channel in cast.department_ids else None,
                audience=audience_of(post, text, cast),
                said=text.said,
                talk=text.talk,
                readers=sorted(readers.get(post.pk, [])),
                subject_reaction_share=0.45 if mood == "recognition" else 0.25,
            )
        )
    initiatives = {
        i.slug: i for i in Initiative.objects.filter(slug__in=[t.slug for t in INITIATIVES])
    }
    launched = launch_moment()
    for initiative_text in INITIATIVES:
        initiative = initiatives.get(initiative_text.slug)
        if initiative is None:
            continue
        subjects.append(
            Subject(
                key=f"initiative:{initiative_text.slug}",
                thread_id=initiative.thread_id,
                author_id=initiative.owner_id,
                start=launched + timedelta(hours=2),
                mood="plan",
                department_code=None,
                audience=cast.core,
                said=initiative_text.said,
                talk=initiative_text.talk,
                readers=[m.pk for m in cast.core],
                subject_reaction_share=0.06,
            )
        )
    return subjects


class _Conversation:
    """One subject's comments: its script first, then generated talk up to `talk`."""

    def __init__(
        self,
        subject: Subject,
        cast: Cast,
        rng: random.Random,
        now: datetime,
        lookup: Callable[[str], str],
    ) -> None:
        self.subject, self.cast, self.rng, self.lookup = subject, cast, rng, lookup
        self.latest = now - timedelta(minutes=2)
        audience = set(subject.audience)
        department = subject.department_code
        self.colleagues = [
            m for m in (cast.colleagues(department) if department else []) if m in audience
        ] or subject.audience
        self.used: set[str] = set()
        self.out: list[Planned] = []

    def run(self) -> list[Planned]:
        for said in self.subject.said:
            self.script(said, None, self.subject.start)
        while len(self.out) < self.subject.talk:
            self.talk()
        return self.out

    def who(self, role: str, avoid: set[int]) -> Member:
        if role == "staff":  # the demo nurse speaks only where the script says so
            return pick(self.rng, self.subject.audience, avoid | {self.cast.role(NURSE).pk})
        if role == "colleague":
            return pick(self.rng, self.colleagues, avoid)
        if role in ("director", "deputy") and self.subject.department_code:
            return self.cast.role(f"{role}:{self.subject.department_code}")
        return self.cast.role(role)

    def script(self, said: Said, parent: Planned | None, after: datetime) -> None:
        node = self.make(
            self.who(said.by, {parent.author.pk} if parent else set()),
            fill_in(said.body, self.lookup),
            after + timedelta(days=said.days_after),
            parent,
            None,
            removed=said.removed,
            edited_from=fill_in(said.edited_from, self.lookup),
        )
        for reply in said.replies:
            self.script(reply, node, node.comment.created_at)

    def talk(self) -> None:
        """A new comment, a reply, or a reply to a reply, from someone the post is for."""
        rng, out = self.rng, self.out
        roll = rng.random()
        parent: Planned | None = None
        reply_to: Planned | None = None
        standing = [p for p in out if not p.removed]
        tops = [p for p in standing if p.comment.depth == 0]
        firsts = [p for p in standing if p.comment.depth == 1]
        seconds = [p for p in standing if p.comment.depth == 2]
        if roll < 0.3 and tops:
            parent = rng.choice(tops)
        elif roll < 0.42 and firsts:
            parent = rng.choice(firsts)
        elif roll < 0.48 and seconds:
            reply_to = rng.choice(seconds)
            parent = reply_to.parent
        answered = reply_to or parent
        avoid = {answered.author.pk} if answered else {self.subject.author_id}
        pool = self.colleagues if rng.random() < 0.6 else self.subject.audience
        author = pick(rng, pool, avoid)
        body = _line(rng, self.subject.mood, author, reply=parent is not None, used=self.used)
        if answered is None:
            age = max((self.latest - self.subject.start).total_seconds(), 60.0)
            when = self.subject.start + timedelta(seconds=age * rng.random() ** 1.8)
        else:
            when = answered.comment.created_at + timedelta(hours=rng.uniform(0.5, 30))
        if reply_to is not None and rng.random() < 0.5:
            body = f"@{reply_to.author.username} {body}"
        elif parent is None and author.language != "es" and rng.random() < 0.12:
            # Bringing a colleague into the conversation.
            colleague = pick(rng, self.colleagues, {author.pk})
            body = f"{body} @{colleague.username}, worth a look."
        self.make(author, body, when, parent, reply_to)

    def make(  # private
        self,
        author: Member,
        body: str,
        when: datetime,
        parent: Planned | None,
        reply_to: Planned | None,
        *,
        removed: bool = False,
        edited_from: str = "",
    ) -> Planned:
        when = min(when, self.latest)
        body = unwrap(body)
        rendered = render_markdown(body, people=self.cast.mention_people(find_mentions(body)))
        comment = Comment(
            thread_id=self.subject.thread_id,
            author_id=author.pk,
            depth=0 if parent is None else parent.comment.depth + 1,
            body="" if removed else body,
            body_html="" if removed else rendered.html,
            submission_key=demo_key("comment", self.subject.key, len(self.out)),
            created_at=when,
            updated_at=when,
        )
        node = Planned(comment, author, parent, reply_to, removed, edited_from)
        if not removed:
            node.mentions, node.internal_paths = rendered.mentions, rendered.internal_paths
        if parent is not None:
            comment.parent = parent.comment
            comment.root = parent.comment if parent.comment.depth == 0 else parent.comment.root
            parent.replies.append(node)
        if reply_to is not None:
            comment.reply_to = reply_to.comment
        if removed:  # removed by its author: "comment removed", replies keep their place
            comment.deleted_at = min(when + timedelta(hours=1), self.latest)
            comment.deleted_by_id = author.pk
        if edited_from:
            comment.edited_at = comment.updated_at = min(when + timedelta(hours=2), self.latest)
        self.out.append(node)
        return node


def _line(rng: random.Random, mood: str, author: Member, *, reply: bool, used: set[str]) -> str:
    if author.language == "es" and rng.random() < 0.7:
        pool = comment_texts.SPANISH_REPLIES if reply else comment_texts.SPANISH
    elif reply:
        pool = comment_texts.REPLIES
    else:
        pool = {
            "recognition": comment_texts.RECOGNITION,
            "plan": comment_texts.PLAN,
        }.get(mood, comment_texts.GENERAL)
    fresh = [line for line in pool if line not in used] or list(pool)
    line = rng.choice(fresh)
    used.add(line)
    return line


def _subject_reactions(subject: Subject, rng: random.Random, now: datetime) -> list[Reaction]:
    mix = REACTION_MIX[subject.mood]
    reactions = []
    span = max((now - subject.start).total_seconds(), 60.0)
    for person_id in subject.readers:
        if person_id == subject.author_id or rng.random() >= subject.subject_reaction_share:
            continue
        when = min(subject.start + timedelta(seconds=span * rng.random() ** 2), now)
        reactions.append(
            Reaction(
                person_id=person_id,
                thread_id=subject.thread_id,
                kind=rng.choice(mix),
                created_at=when,
                updated_at=when,
            )
        )
    return reactions


def _comment_reactions(
    planned: list[Planned], threads: dict[int, Subject], seed: int, now: datetime
) -> list[Reaction]:
    """Reactions to comments; their counts were already set by _count from the same draw."""
    reactions = []
    for node in planned:
        for person_id, kind in _comment_reaction_draw(node, threads, seed):
            when = min(node.comment.created_at + timedelta(hours=3), now)
            reactions.append(
                Reaction(
                    person_id=person_id,
                    thread_id=node.comment.thread_id,
                    comment=node.comment,
                    kind=kind,
                    created_at=when,
                    updated_at=when,
                )
            )
    return reactions


def _comment_reaction_draw(
    node: Planned, threads: dict[int, Subject], seed: int
) -> list[tuple[int, str]]:
    if node.removed:
        return []
    subject = threads[node.comment.thread_id]
    rng = random.Random(f"riverside-health:{seed}:react:{node.comment.submission_key}")
    wanted = min(int(rng.expovariate(0.45)), 12, len(subject.audience) - 1)
    people: dict[int, str] = {}
    mix = REACTION_MIX[subject.mood]
    for _ in range(wanted * 3):
        if len(people) >= wanted:
            break
        m = rng.choice(subject.audience)
        if m.pk != node.author.pk and m.pk not in people:
            people[m.pk] = rng.choice(mix)
    return sorted(people.items())


def _count(planned: list[Planned], threads: dict[int, Subject], seed: int) -> None:
    """Set each comment's stored counters from the rows about to be inserted."""
    for node in planned:
        node.comment.reply_count = sum(1 for r in node.replies if not r.removed)
        kinds = Counter(kind for _, kind in _comment_reaction_draw(node, threads, seed))
        node.comment.reaction_counts = dict(sorted(kinds.items()))
        node.comment.reaction_total = sum(kinds.values())


def _revisions(planned: list[Planned]) -> None:
    revisions = [
        CommentRevision(
            comment=node.comment,
            body=node.edited_from,
            editor_id=node.author.pk,
            created_at=node.comment.updated_at,
        )
        for node in planned
        if node.edited_from
    ]
    CommentRevision.objects.bulk_create(revisions)


def _mentions_and_notifications(
    build: DemoBuild, planned: list[Planned], cast: Cast, now: datetime
) -> None:
    nurse = cast.role(NURSE)
    mentions: list[Mention] = []
    notifications: list[Notification] = []

    def notify(recipient: int, kind: str, node: Planned) -> None:
        when = node.comment.created_at
        fresh_for = NURSE_UNREAD_DAYS if recipient == nurse.pk else READ_AFTER_DAYS
        read = when + timedelta(hours=20) if now - when > timedelta(days=fresh_for) else None
        notifications.append(
            Notification(
                recipient_id=recipient,
                kind=kind,
                actor_id=node.author.pk,
                thread_id=node.comment.thread_id,
                comment=node.comment,
                read_at=read,
                created_at=when,
                updated_at=when,
                email_pending=False,  # history: never emailed when the worker starts
            )
        )

    for node in planned:
        if node.removed:
            continue
        mentioned: set[int] = set()
        for username in sorted(node.mentions):
            person = cast.by_username.get(username)
            if person is None or person.pk in mentioned:
                continue
            mentioned.add(person.pk)
            mentions.append(
                Mention(
                    thread_id=node.comment.thread_id,
                    comment=node.comment,
                    person_id=person.pk,
                    author_id=node.author.pk,
                    created_at=node.comment.created_at,
                    updated_at=node.comment.created_at,
                )
            )
            if person.pk != node.author.pk:
                notify(person.pk, Notification.Kind.MENTION, node)
        answered = node.reply_to or node.parent
        if answered is not None and answered.author.pk not in mentioned | {node.author.pk}:
            notify(answered.author.pk, Notification.Kind.REPLY, node)
    Mention.objects.bulk_create(mentions)
    Notification.objects.bulk_create(notifications)
    build.count("mentions", len(mentions))
    build.count("notifications", len(notifications))


def _backlinks(build: DemoBuild, planned: list[Planned]) -> None:
    linked = {
        node.comment.pk: [
            int(m[2]) for m in map(INTERNAL_POST_LINK.fullmatch, node.internal_paths) if m
        ]
        for node in planned
    }
    thread_of_post = dict(
        Post.objects.filter(pk__in={pk for pks in linked.values() for pk in pks}).values_list(
            "pk", "thread_id"
        )
    )
    links = []
    for node in planned:
        for post_id in linked[node.comment.pk]:
            target = thread_of_post.get(post_id)
            if target is not None and target != node.comment.thread_id:
                links.append(
                    Backlink(
                        target_id=target,
                        source_id=node.comment.thread_id,
                        source_comment=node.comment,
                        created_at=node.comment.created_at,
                        updated_at=node.comment.created_at,
                    )
                )
    Backlink.objects.bulk_create(links)
    build.count("backlinks", len(links))


def _store_thread_counters(
    threads: dict[int, Subject], planned: list[Planned], subject_reactions: list[Reaction]
) -> None:
    comments = Counter(n.comment.thread_id for n in planned if not n.removed)
    kinds: dict[int, Counter[str]] = {pk: Counter() for pk in threads}
    for reaction in subject_reactions:
        kinds[reaction.thread_id][reaction.kind] += 1
    Thread.objects.bulk_update(
        [
            Thread(
                pk=pk,
                comment_count=comments[pk],
                reaction_counts=dict(sorted(kinds[pk].items())),
                reaction_total=sum(kinds[pk].values()),
            )
            for pk in threads
        ],
        ["comment_count", "reaction_counts", "reaction_total"],
        batch_size=500,
    )
