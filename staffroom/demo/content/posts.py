"""Demo step: the written posts of Let's Talk, departments and topic channels.

Each post gets its thread, tags, audience, illustrations (drawn by images.py and saved
through the same storage as uploads) and the reads of a share of its audience. Reach
counters are counted from those reads; channel post counts from the live posts.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from staffroom.channels.models import Channel, Post, PostImage, PostReach, PostView, Tag
from staffroom.core.richtext import render_markdown
from staffroom.demo.content.cast import Cast, Member
from staffroom.demo.content.channels import author_role, channel_ids_by_key
from staffroom.demo.content.common import days, demo_key, fill_in, given_timestamps, unwrap
from staffroom.demo.content.department_texts import DEPARTMENT_POSTS
from staffroom.demo.content.images import HEIGHT, WIDTH, draw_illustration
from staffroom.demo.content.lets_talk_texts import LETS_TALK_POSTS
from staffroom.demo.content.specs import PostText
from staffroom.discussion.models import Thread
from staffroom.strategy.models import Initiative

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

POST_TEXTS: tuple[PostText, ...] = (*LETS_TALK_POSTS, *DEPARTMENT_POSTS)
NURSE = "nurse"
# The demo nurse has read what is older than this in the channels she follows, so the
# newest posts show as unread when she signs in.
NURSE_UNREAD_DAYS = 10


def post_key(text: PostText) -> uuid.UUID:
    return demo_key("post", text.key)


def text_filler(cast: Cast) -> dict[str, str]:
    """Values for the {placeholders} of written content (see specs.py)."""
    values: dict[str, str] = {}
    for role in ("ceo", "cno", "nurse", "evs", "manager", "editor", "comms"):
        m = cast.role(role)
        values[role] = m.username
        values[f"{role}_name"] = m.name
        values[f"{role}_first"] = m.first_name
    return values


def build_posts(build: DemoBuild) -> None:
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    cast = Cast()
    now = timezone.now()
    keys = {post_key(t): t for t in POST_TEXTS}
    existing = set(
        Post.objects.filter(submission_key__in=keys).values_list("submission_key", flat=True)
    )
    missing = [t for t in POST_TEXTS if post_key(t) not in existing]
    if not missing:
        count_channel_posts()
        return
    channel_ids = channel_ids_by_key(cast)
    initiative_ids = dict(Initiative.objects.values_list("slug", "pk"))
    tag_ids = dict(Tag.objects.values_list("slug", "pk"))
    values = text_filler(cast)

    def publish_time(text: PostText) -> datetime:
        # Working hours, so the feed doesn't look like it was written by a cron job.
        moment = (now - days(text.days_ago)).replace(minute=(len(text.key) * 7) % 60)
        return min(moment, now - timedelta(minutes=5)) if text.days_ago >= 0 else moment

    threads: list[Thread] = []
    posts: list[Post] = []
    for text in missing:
        published = publish_time(text)
        created = published - timedelta(hours=3)
        body = unwrap(fill_in(text.body, values.__getitem__))
        thread = Thread(kind=Thread.Kind.POST, created_at=created, updated_at=created)
        threads.append(thread)
        restricted = bool(
            text.audience.sites or text.audience.departments or text.audience.job_families
        )
        posts.append(
            Post(
                channel_id=channel_ids[text.channel],
                author_id=cast.role(author_role(text)).pk,
                title=text.title,
                summary=text.summary,
                body=body,
                body_html=render_markdown(body).html,
                status=text.status,
                published_at=None if text.status == Post.Status.DRAFT else published,
                pinned_at=published if text.pinned else None,
                is_public=text.public,
                initiative_id=initiative_ids.get(text.initiative) if text.initiative else None,
                thread=thread,
                audience_restricted=restricted,
                submission_key=post_key(text),
                created_at=created,
                updated_at=published if text.status != Post.Status.DRAFT else created,
            )
        )
    with given_timestamps(Thread, Post, PostImage):
        Thread.objects.bulk_create(threads)
        for post, thread in zip(posts, threads, strict=True):
            post.thread = thread
        Post.objects.bulk_create(posts)
        build.count("posts", len(posts))
        _add_relations(missing, posts, cast, tag_ids)
        _add_images(build, missing, posts)
    _add_reads(build, missing, posts, cast)
    count_channel_posts()


def _add_relations(
    texts: list[PostText], posts: list[Post], cast: Cast, tag_ids: dict[str, int]
) -> None:
    tags, sites, departments, families = [], [], [], []
    for text, post in zip(texts, posts, strict=True):
        tags += [Post.tags.through(post_id=post.pk, tag_id=tag_ids[t]) for t in text.tags]
        sites += [
            Post.audience_sites.through(post_id=post.pk, site_id=cast.site_ids[c])
            for c in text.audience.sites
        ]
        departments += [
            Post.audience_departments.through(post_id=post.pk, department_id=cast.department_ids[c])
            for c in text.audience.departments
        ]
        families += [
            Post.audience_job_families.through(post_id=post.pk, jobfamily_id=cast.job_family_ids[c])
            for c in text.audience.job_families
        ]
    Post.tags.through.objects.bulk_create(tags)
    Post.audience_sites.through.objects.bulk_create(sites)
    Post.audience_departments.through.objects.bulk_create(departments)
    Post.audience_job_families.through.objects.bulk_create(families)


def _add_images(build: DemoBuild, texts: list[PostText], posts: list[Post]) -> None:
    images: list[PostImage] = []
    for text, post in zip(texts, posts, strict=True):
        for position, spec in enumerate(text.images):
            image = PostImage(
                post=post,
                alt_text=spec.alt_text,
                position=position,
                uploaded_by_id=post.author_id,
                created_at=post.created_at,
                updated_at=post.created_at,
            )
            # Saved through the field, so the file lands where uploads do (default storage).
            image.image.save(
                f"{text.key}-{position + 1}.jpg", ContentFile(draw_illustration(spec)), save=False
            )
            image.width, image.height = WIDTH, HEIGHT  # saving the file reset them
            images.append(image)
    PostImage.objects.bulk_create(images)
    build.count("post images", len(images))


def audience_of(post: Post, text: PostText, cast: Cast) -> list[Member]:
    return cast.in_audience(
        [cast.site_ids[c] for c in text.audience.sites],
        [cast.department_ids[c] for c in text.audience.departments],
        [cast.job_family_ids[c] for c in text.audience.job_families],
    )


def _add_reads(build: DemoBuild, texts: list[PostText], posts: list[Post], cast: Cast) -> None:
    """PostView rows for a share of each live post's audience, and reach counted from them."""
    now = timezone.now()
    nurse = cast.role(NURSE)
    channel_info = dict(Channel.objects.values_list("pk", "department_id"))
    views: list[PostView] = []
    reach: list[PostReach] = []
    for text, post in zip(texts, posts, strict=True):
        if post.published_at is None or post.published_at > now:
            continue
        rng = random.Random(f"riverside-health:{build.seed}:reads:{text.key}")
        age = (now - post.published_at).total_seconds()
        readers = []
        for m in audience_of(post, text, cast):
            reads = rng.random() < text.reach
            if m.pk == nurse.pk:
                channel_department = channel_info.get(post.channel_id)
                follows = text.channel == "lets-talk" or channel_department == nurse.department_id
                reads = follows and text.days_ago >= NURSE_UNREAD_DAYS
            if reads and m.pk != post.author_id:
                readers.append(m)
        per_department: Counter[int | None] = Counter()
        for m in readers:
            when = post.published_at + timedelta(seconds=age * rng.random() ** 2.5)
            views.append(PostView(person_id=m.pk, post_id=post.pk, viewed_at=when))
            per_department[m.department_id] += 1
        reach += [
            PostReach(post_id=post.pk, department_id=d, people=n) for d, n in per_department.items()
        ]
        post.reach_count = len(readers)
    PostView.objects.bulk_create(views, batch_size=2000)
    PostReach.objects.bulk_create(reach, batch_size=2000)
    Post.objects.bulk_update(posts, ["reach_count"], batch_size=500)
    build.count("post reads", len(views))


def count_channel_posts() -> None:
    """Channel.post_count from the live posts, for every channel."""
    live = dict(
        Post.objects.live()
        .values_list("channel_id")
        .annotate(n=Count("id"))
        .values_list("channel_id", "n")
    )
    channels = list(Channel.objects.only("pk", "post_count"))
    changed = [c for c in channels if c.post_count != live.get(c.pk, 0)]
    for c in changed:
        c.post_count = live.get(c.pk, 0)
    Channel.objects.bulk_update(changed, ["post_count"], batch_size=500)
