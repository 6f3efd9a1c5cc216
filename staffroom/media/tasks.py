"""Background work on videos, on their own queue ("video") so a long encode never holds up
email or chat deliveries."""

from __future__ import annotations

from django_tasks import task

from staffroom.media import processing


@task(queue_name="video")
def process_video(video_id: int) -> str:
    """Turn a complete upload into the MP4s, poster and duration players need."""
    return processing.process(video_id)
