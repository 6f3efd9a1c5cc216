"""Where a video's files live in the default storage, and deleting all of them.

Every file of video 42 is under ``videos/42/``: the upload's chunks (``upload/000001``…), the
kept original, the two MP4s and the posters. Names are fixed by the video's id (plus a number
for posters, so a changed poster is a new address and no browser shows a stale one), which is
what lets a retried chunk overwrite its earlier attempt and lets deletion be one sweep of the
folder, on local disk and on S3-compatible storage alike.

Processing names the MP4s and the kept original after its attempt too (``720p-a3.mp4``), so a
late worker that lost its claim can never overwrite, or delete, the files a newer attempt owns.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from django.core.files.storage import FileSystemStorage, Storage, default_storage

from staffroom.media.models import Video

# A video's folder, and nothing above or beside it: what `delete_folder` agrees to sweep.
FOLDER = re.compile(r"videos/[1-9][0-9]*/")


def chunk_name(video: Video, index: int) -> str:
    """The `index`-th chunk (from 0) of the upload, in the order the bytes arrived."""
    return f"{video.folder}upload/{index:06d}"


def _attempt(attempt: int | None) -> str:
    return "" if attempt is None else f"-a{attempt}"


def original_name(video: Video, attempt: int | None = None) -> str:
    """The kept original; processing passes its attempt number (see the module's doc)."""
    return f"{video.folder}original{_attempt(attempt)}.{video.container or 'bin'}"


def rendition_name(video: Video, quality: str, attempt: int | None = None) -> str:
    """``videos/N/720p.mp4``, or ``videos/N/720p-a2.mp4`` as processing attempt 2 writes it."""
    return f"{video.folder}{quality}{_attempt(attempt)}.mp4"


def poster_name(video: Video, number: int) -> str:
    return f"{video.folder}poster-{number}.jpg"


def delete_video_files(video: Video | str, storage: Storage | None = None) -> int:
    """Delete every file under the video's folder (however it got there). Returns how many.
    `video` may be the folder itself ("videos/42/"), for when the row is already gone."""
    return delete_folder(video if isinstance(video, str) else video.folder, storage)


def delete_folder(folder: str, storage: Storage | None = None) -> int:
    """Delete every file under a video's `folder` ("videos/42/"), then, on local disk, the
    emptied folders too. Returns how many files. Refuses any other folder (ValueError)."""
    if not FOLDER.fullmatch(folder):
        raise ValueError(f"not a video's folder: {folder!r}")
    storage = storage or default_storage
    deleted = _delete_tree(storage, folder)
    if isinstance(storage, FileSystemStorage):
        _remove_empty_directories(Path(storage.path(folder)))
    return deleted


def _remove_empty_directories(root: Path) -> None:
    """Remove `root` and the folders under it that are empty (deepest first); a folder that
    still holds something (a file written meanwhile) stays."""
    if not root.is_dir():
        return
    for current, _directories, _files in os.walk(root, topdown=False):
        with contextlib.suppress(OSError):  # not empty, or gone already
            os.rmdir(current)


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
