"""Reads for showing a video: everything the player needs, ready for the template.

`player(video, viewer=, language=)` answers with the same query count whatever the video
holds: the sources, caption tracks and transcript lines (which need the renditions, the
captions and a parse of one caption file) are cached together, keyed by the video's
`version` (bumped by every change readers can see) and the reader's language. The rest comes
from the video row, which the page's own query loads with the post (`select_related("video")`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.urls import reverse

from staffroom.media.models import Caption, Video, VideoRendition
from staffroom.media.permissions import can_manage_video, post_of
from staffroom.media.services.accessibility import cues_for_transcript

PLAYER_CACHE_SECONDS = 60 * 60 * 24
# The larger picture is offered to screens at least this wide; smaller ones (phones on ward
# Wi-Fi) get the 360p file. Chromium honours `media` on <source> in <video> again (v120+).
WIDE_SCREEN = "(min-width: 48em)"


@dataclass(frozen=True)
class Source:
    """One MP4 the browser may pick."""

    quality: str
    url: str
    width: int
    height: int
    size_bytes: int
    media: str  # a media query, or "" for the fallback


@dataclass(frozen=True)
class Track:
    """A <track kind="captions">."""

    src: str
    srclang: str
    label: str
    default: bool


@dataclass(frozen=True)
class TranscriptLine:
    """One cue of the captions, as a line of the transcript panel."""

    start: float
    end: float
    timestamp: str
    text: str


@dataclass(frozen=True)
class Player:
    """What `media/_player.html` shows for one video."""

    video_id: int
    title: str  # the post's title, which names the video for screen readers
    sources: tuple[Source, ...]
    poster_url: str
    tracks: tuple[Track, ...]
    duration_seconds: float | None
    duration_text: str
    transcript_lines: tuple[TranscriptLine, ...]
    transcript_text: str  # the editor's written transcript, if any
    reach: int | None  # people who played it: for its editors only

    @property
    def low(self) -> Source:
        """The smallest file: the one to download, and the one for weak connections."""
        return min(self.sources, key=lambda source: source.size_bytes)

    @property
    def high(self) -> Source:
        return max(self.sources, key=lambda source: source.height)

    @property
    def has_choice(self) -> bool:
        return len(self.sources) > 1

    @property
    def has_transcript(self) -> bool:
        return bool(self.transcript_lines or self.transcript_text)

    @property
    def default_track(self) -> Track | None:
        return next((track for track in self.tracks if track.default), None)


def duration_text(seconds: float | None) -> str:
    """1:12, or 1:02:03 for an hour or more; "" when unknown."""
    if seconds is None:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def duration_iso(seconds: float | None) -> str:
    """The duration for <time datetime="…">: PT1M12S."""
    if seconds is None:
        return ""
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"PT{hours}H{minutes}M{secs}S" if hours else f"PT{minutes}M{secs}S"


def poster_url(video: Video) -> str:
    """The poster's address, versioned so a changed poster is never a stale cached image."""
    if not video.poster:
        return ""
    return f"{reverse('media:poster_file', args=[video.pk])}?v={video.version}"


def player(video: Video | None, *, viewer: Any, language: str) -> Player | None:
    """The player of a ready video, or None (no video, not ready yet, or no file made).

    Precondition: `viewer` may see the video's post (the page checked it). Reach is shown to
    the post's editors only. `language` picks the default captions track and the transcript:
    the reader's language when there are captions in it, else the first captions.
    """
    if video is None or not video.is_ready:
        return None
    parts = _parts(video, language)
    if not parts.sources:
        return None
    post = post_of(video)
    return Player(
        video_id=video.pk,
        title=post.title if post is not None else video.original_name,
        sources=parts.sources,
        poster_url=poster_url(video),
        tracks=parts.tracks,
        duration_seconds=video.duration_seconds,
        duration_text=duration_text(video.duration_seconds),
        transcript_lines=parts.lines,
        transcript_text=video.transcript.strip(),
        reach=video.reach_count if can_manage_video(viewer, video) else None,
    )


@dataclass(frozen=True)
class _Parts:
    sources: tuple[Source, ...]
    tracks: tuple[Track, ...]
    lines: tuple[TranscriptLine, ...]


def _cache_key(video: Video, language: str) -> str:
    # updated_at as well as version: a database reset in development reuses ids.
    stamp = video.updated_at.timestamp() if video.updated_at else 0
    return f"video_player:{video.pk}:{video.version}:{stamp}:{language}"


def _parts(video: Video, language: str) -> _Parts:
    key = _cache_key(video, language)
    cached = cache.get(key)
    if isinstance(cached, _Parts):
        return cached
    parts = _build_parts(video, language)
    cache.set(key, parts, PLAYER_CACHE_SECONDS)
    return parts


def _build_parts(video: Video, language: str) -> _Parts:
    renditions = sorted(video.renditions.all(), key=lambda r: -r.height)
    sources = tuple(
        _source(video, rendition, wide_only=index == 0 and len(renditions) > 1)
        for index, rendition in enumerate(renditions)
    )
    captions = list(video.captions.all())
    default = _captions_for(captions, language)
    tracks = tuple(
        Track(
            src=f"{reverse('media:caption_file', args=[video.pk, caption.pk])}?v={video.version}",
            srclang=caption.language,
            label=caption.label or caption.language,
            default=caption is default,
        )
        for caption in captions
    )
    lines = tuple(
        TranscriptLine(
            start=cue.start, end=cue.end, timestamp=duration_text(cue.start), text=cue.text
        )
        for cue in cues_for_transcript(video, language=language)
    )
    return _Parts(sources=sources, tracks=tracks, lines=lines)


def _source(video: Video, rendition: VideoRendition, *, wide_only: bool) -> Source:
    return Source(
        quality=rendition.quality,
        url=f"{reverse('media:rendition', args=[video.pk, rendition.quality])}?v={video.version}",
        width=rendition.width,
        height=rendition.height,
        size_bytes=rendition.size_bytes,
        media=WIDE_SCREEN if wide_only else "",
    )


def _captions_for(captions: list[Caption], language: str) -> Caption | None:
    """The reader's captions: the same language tag ("es-MX"), else the same language
    ("es"), else the first. The same choice as the transcript's (cues_for_transcript)."""
    if not captions:
        return None
    wanted = language.replace("_", "-").lower()
    base = wanted.split("-", 1)[0]
    exact = next((c for c in captions if c.language.lower() == wanted), None)
    near = next((c for c in captions if c.language.lower().split("-", 1)[0] == base), None)
    return exact or near or captions[0]
