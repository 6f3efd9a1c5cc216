"""Read tracking: who has opened which post (and was sent which in a private feed), and the
stored reach counters built from it."""

from __future__ import annotations

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.channels.models import FeedDelivery, Post, PostReach, PostView


def record_post_view(*, post: Post, person: Person) -> bool:
    """Count `person` as reached by `post`, once ever; return True the first time.

    Every view also stamps `last_viewed_at` (privacy.exposure: who saw which comments).
    Only posts everyone in their audience sees count (an editor checking a draft, or a
    reviewer reading a held or removed post, reaches nobody). The PostView row's
    unique constraint decides who was first: a second, concurrent first view fails its
    insert and counts nothing, so reach_count and the per-department counters stay exact.
    """
    if not post.is_shown:
        return False
    # A repeat view moves the last-seen time (for the exposure report): still one query.
    seen = PostView.objects.filter(person_id=person.pk, post_id=post.pk)
    if seen.update(last_viewed_at=timezone.now()):
        return False
    try:
        with transaction.atomic():
            now = timezone.now()
            PostView.objects.create(
                person_id=person.pk, post_id=post.pk, viewed_at=now, last_viewed_at=now
            )
            Post.objects.filter(pk=post.pk).update(reach_count=F("reach_count") + 1)
            _add_reach(post_id=post.pk, department_id=person.department_id, people=1)
    except IntegrityError:
        return False
    post.reach_count += 1  # what the database now holds, give or take concurrent readers
    return True


def record_feed_deliveries(*, person: Person, posts: list[Post]) -> None:
    """Note that these posts went out in `person`'s private feed (first time each): one
    insert, rows already there left as they are (privacy.exposure lists them)."""
    if not posts:
        return
    now = timezone.now()
    FeedDelivery.objects.bulk_create(
        [FeedDelivery(person_id=person.pk, post_id=post.pk, delivered_at=now) for post in posts],
        ignore_conflicts=True,
    )


def _add_reach(*, post_id: int, department_id: int | None, people: int) -> None:
    """Add to a PostReach counter, creating the row the first time (safe under concurrency:
    the row is created or found first, then incremented in the database with F())."""
    row, _created = PostReach.objects.get_or_create(
        post_id=post_id, department_id=department_id, defaults={"people": 0}
    )
    PostReach.objects.filter(pk=row.pk).update(people=F("people") + people)


RECOUNT_BATCH = 500


@transaction.atomic
def recount_post_reach(*, post: Post | None = None) -> int:
    """Rebuild reach_count and the PostReach rows from PostView; return the posts recounted.

    Works in batches of posts with one grouped count per batch. A person counts in the
    department they belong to now (reach answers "who in this department has read it").
    """
    posts = Post.objects.all() if post is None else Post.objects.filter(pk=post.pk)
    post_ids = list(posts.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(post_ids), RECOUNT_BATCH):
        batch = post_ids[start : start + RECOUNT_BATCH]
        grouped = (
            PostView.objects.filter(post_id__in=batch)
            .values_list("post_id", "person__department_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        totals: Counter[int] = Counter()
        rows = []
        for post_id, department_id, people in grouped:
            totals[post_id] += people
            rows.append(PostReach(post_id=post_id, department_id=department_id, people=people))
        PostReach.objects.filter(post_id__in=batch).delete()
        PostReach.objects.bulk_create(rows, batch_size=RECOUNT_BATCH)
        changed = [Post(pk=post_id, reach_count=totals.get(post_id, 0)) for post_id in batch]
        Post.objects.bulk_update(changed, ["reach_count"], batch_size=RECOUNT_BATCH)
    return len(post_ids)
