"""Where a video's files live in the default storage, and deleting all of them.

Every file of video 42 is under ``videos/42/``: the upload's chunks (``upload/000001``…), the
kept original, the two MP4s and the posters. Names are fixed by the video's id (plus a number
for posters, so a changed poster is a new address and no browser shows a stale one), which is
what lets a retried chunk overwrite its earlier attempt and lets deletion be one sweep of the
folder, on local disk and on S3-compatible storage alike.
"""

from __future__ import annotations

from django.core.files.storage import Storage, default_storage

from staffroom.media.models import Video


def chunk_name(video: Video, index: int) -> str:
    """The `index`-th chunk (from 0) of the upload, in the order the bytes arrived."""
    return f"{video.folder}upload/{index:06d}"


def original_name(video: Video) -> str:
    return f"{video.folder}original.{video.container or 'bin'}"


def rendition_name(video: Video, quality: str) -> str:
    return f"{video.folder}{quality}.mp4"


def poster_name(video: Video, number: int) -> str:
    return f"{video.folder}poster-{number}.jpg"


def delete_video_files(video: Video, storage: Storage | None = None) -> int:
    """Delete every file under the video's folder (however it got there). Returns how many."""
    storage = storage or default_storage
    return _delete_tree(storage, video.folder)


def _delete_tree(storage: Storage, folder: str) -> int:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in files:
        storage.delete(f"{folder}{name}")
        deleted += 1
    for directory in directories:
        deleted += _delete_tree(storage, f"{folder}{directory}/")
    return deleted
