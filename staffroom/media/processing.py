"""Processing a complete upload with ffmpeg (placeholder until the processing work lands)."""

from __future__ import annotations


def process(video_id: int) -> str:
    raise NotImplementedError
