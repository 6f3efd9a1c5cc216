"""Background work on videos, on their own queue ("video") so a long encode never holds up
email or chat deliveries. MediaConfig.ready() imports this module, so the workers' clock
sees the periodic job."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django_tasks import task

from staffroom.jobs import schedule
from staffroom.media import ffmpeg, processing, storage
from staffroom.media.models import Video, VideoRendition

logger = logging.getLogger(__name__)


@task(queue_name="video")
def process_video(video_id: int) -> str:
    """Turn a complete upload into the MP4s, poster and duration players need."""
    return processing.process(video_id)


@task(queue_name="video")
def take_poster_frame(video_id: int, at_seconds: float) -> str:
    """Make the frame at `at_seconds` of the 720p file the video's poster.

    The MP4 is fed to ffmpeg from the storage through a pipe (its index is at the front), so
    only the part up to that moment is read, wherever the file is kept."""
    from staffroom.media.services.processing import replace_poster, report_poster_problem

    video = Video.objects.filter(pk=video_id, status=Video.Status.READY).first()
    if video is None:
        return "skipped: the video is gone or not ready"
    name = (
        VideoRendition.objects.filter(video=video, quality=VideoRendition.Quality.HD)
        .values_list("file", flat=True)
        .first()
    ) or storage.rendition_name(video, VideoRendition.Quality.HD)
    with tempfile.TemporaryDirectory(prefix=f"staffroom-poster-{video_id}-") as folder:
        dest = Path(folder) / "poster.jpg"
        try:
            with default_storage.open(name, "rb") as source:
                ffmpeg.extract_frame(source, at_seconds, dest, container="mp4")
        except (ffmpeg.FFmpegError, FileNotFoundError) as error:
            logger.warning("video %s: no poster frame at %s s: %r", video_id, at_seconds, error)
            report_poster_problem(video=video, at_seconds=at_seconds)
            return "failed"
        with dest.open("rb") as handle:
            replace_poster(
                video=video, content=File(handle, name="poster.jpg"), at_seconds=at_seconds
            )
    return "changed"


# On the video queue, so it runs on a machine that processes videos: the work folders it
# removes are in that machine's temporary folder. Queuing a stalled video again can wait
# behind a running encode: it needs a free video worker anyway.
@schedule.every(timedelta(minutes=5), name="requeue_stalled_videos")
@task(queue_name="video")
def requeue_stalled_videos() -> str:
    """Queue again (or, after processing.MAX_ATTEMPTS, fail) the videos whose processing
    heartbeat stopped for VIDEO_STALL_SECONDS: their worker was killed. Then remove the work
    folders killed workers left here."""
    counts = processing.requeue_stalled()
    removed = processing.sweep_work_folders()
    return (
        f"{counts['requeued']} queued again, {counts['failed']} failed, "
        f"{removed} work folders removed"
    )


@task()
def delete_video_files_task(folder: str) -> str:
    """Delete every file of a deleted video (its folder, "videos/42/": the row is gone)."""
    return f"{storage.delete_folder(folder)} files deleted"


# On the default queue: a quick sweep that needn't wait behind long encodes.
@schedule.every(timedelta(hours=1), name="expire_video_uploads")
@task()
def expire_video_uploads() -> str:
    """Delete uploads nobody finished within VIDEO_UPLOAD_EXPIRY_HOURS (files and row)."""
    from staffroom.media.services.processing import expire_uploads

    return f"{expire_uploads()} expired"
