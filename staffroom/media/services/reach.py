"""Reach of videos: who pressed play, counted once per person ever, like posts' reach
(channels.services.reading), with stored counters per video and per department."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from staffroom.accounts.models import Person
from staffroom.media.models import Video, VideoReach, VideoView
from staffroom.media.permissions import post_of


def record_play(*, video: Video, person: Person) -> bool:
    """Count `person` as reached by `video`, once ever; return True the first time.

    Called when a player starts fetching a rendition from its first byte. Only a video of a
    post everyone in its audience sees counts (an editor previewing a draft's video, or a
    reviewer checking a held post, reaches nobody), as for posts. A repeat costs one query.
    The VideoView row's unique constraint decides who was first: a second, concurrent first
    play fails its insert inside a savepoint and counts nothing, so reach_count and the
    per-department counters stay exact.
    """
    post = post_of(video)
    if post is None or not post.is_shown:
        return False
    if VideoView.objects.filter(person_id=person.pk, video_id=video.pk).exists():
        return False
    try:
        with transaction.atomic():
            VideoView.objects.create(person_id=person.pk, video_id=video.pk)
            Video.objects.filter(pk=video.pk).update(reach_count=F("reach_count") + 1)
            _add_reach(video_id=video.pk, department_id=person.department_id)
    except IntegrityError:
        return False
    video.reach_count += 1  # what the database now holds, give or take concurrent viewers
    return True


def _add_reach(*, video_id: int, department_id: int | None) -> None:
    """Add one person to a VideoReach counter, creating the row the first time (safe under
    concurrency: the row is created or found first, then incremented with F())."""
    row, _created = VideoReach.objects.get_or_create(
        video_id=video_id, department_id=department_id, defaults={"people": 0}
    )
    VideoReach.objects.filter(pk=row.pk).update(people=F("people") + 1)
