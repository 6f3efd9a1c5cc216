"""Demo step: video posts, made with ffmpeg and put through the real video pipeline.

For each video in video_texts.py this step draws a short clip with ffmpeg (a coloured card,
the title, one slide per caption line, a soft tone), then does what an editor's upload does:
the post is written, the file goes in through `media.services.upload.upload_whole_file`, is
processed at once by `media.processing.process_now` (the 720p and 360p MP4s and the poster,
in the configured storage), gets its captions through `media.services.accessibility` (SRT,
converted to WebVTT; Spanish as well for one video) and, for one, a transcript. A share of
each post's audience has read the post and played the video.

Idempotent like the other steps: posts carry keys (`submission_key`), and a post that exists
is left alone. Each video is built in a savepoint: if ffmpeg fails on one, that post is not
added and the build goes on. Without ffmpeg (or with settings.DEMO_VIDEOS off, as in the test
settings, so the many demo builds of the suite stay fast) the step adds nothing and says why.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import textwrap
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.channels.models import ChannelEditor, Post, PostReach, PostView, Tag
from staffroom.core.richtext import render_markdown
from staffroom.demo.content.cast import Cast, Member
from staffroom.demo.content.channels import (
    ORGANISATION_WIDE_EDITORS,
    author_role,
    channel_ids_by_key,
)
from staffroom.demo.content.common import days, demo_key, fill_in, given_timestamps, unwrap
from staffroom.demo.content.posts import NURSE, NURSE_UNREAD_DAYS, count_channel_posts, text_filler
from staffroom.demo.content.video_texts import VIDEO_TEXTS, VideoText
from staffroom.discussion.models import Thread
from staffroom.media.models import Video, VideoReach, VideoView
from staffroom.strategy.models import Initiative

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

WIDTH, HEIGHT, RATE = 640, 360, 25
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"
FFMPEG_TIMEOUT_SECONDS = 120
# Of the people who read a video post, this share also pressed play.
PLAYED_SHARE = 0.7


class ClipError(Exception):
    """ffmpeg couldn't draw a demo clip; the message says why."""


def video_post_key(text: VideoText) -> uuid.UUID:
    return demo_key("video-post", text.post.key)


def texts_for(size_name: str) -> list[VideoText]:
    return [t for t in VIDEO_TEXTS if size_name in t.sizes]


def ffmpeg_missing() -> str:
    """Why videos can't be made here (empty when they can)."""
    for setting in ("FFMPEG_BINARY", "FFPROBE_BINARY"):
        binary = getattr(settings, setting)
        if shutil.which(binary) is None:
            return f"{binary} is not installed (apt-get install ffmpeg)"
    return ""


def build_videos(build: DemoBuild) -> None:
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    texts = texts_for(build.size.name)
    if not settings.DEMO_VIDEOS or not texts:
        return
    keys = {video_post_key(t): t for t in texts}
    existing = set(
        Post.objects.filter(submission_key__in=keys).values_list("submission_key", flat=True)
    )
    missing = [t for t in texts if video_post_key(t) not in existing]
    if not missing:
        return
    why_not = ffmpeg_missing()
    if why_not:
        build.note(f"Demo videos skipped: {why_not}.")
        return
    cast = Cast()
    channel_ids = channel_ids_by_key(cast)
    _ensure_editors(missing, cast, channel_ids)
    made: list[tuple[VideoText, Post]] = []
    with tempfile.TemporaryDirectory(prefix="staffroom-demo-videos-") as folder:
        for text in missing:
            try:
                with transaction.atomic():
                    made.append((text, _add_video_post(text, cast, channel_ids, Path(folder))))
            except (ClipError, RuntimeError, OSError) as error:
                build.note(f"Demo video {text.post.key!r} skipped: {error}")
    build.count("video posts", len(made))
    _add_reads(build, made, cast)
    count_channel_posts()


def _ensure_editors(texts: list[VideoText], cast: Cast, channel_ids: dict[str, int]) -> None:
    """Whoever posts a video edits its channel (communications admins edit them all)."""
    wanted = {
        (channel_ids[t.post.channel], cast.role(author_role(t.post)).pk)
        for t in texts
        if t.post.by not in ORGANISATION_WIDE_EDITORS
    }
    existing = set(ChannelEditor.objects.values_list("channel_id", "person_id"))
    comms = cast.role("comms")
    ChannelEditor.objects.bulk_create(
        [
            ChannelEditor(channel_id=c, person_id=p, granted_by_id=comms.pk)
            for c, p in sorted(wanted - existing)
        ]
    )


def _add_video_post(text: VideoText, cast: Cast, channel_ids: dict[str, int], folder: Path) -> Post:
    """The post, its uploaded and processed video, captions and transcript (in a savepoint)."""
    from staffroom.media.processing import process_now
    from staffroom.media.services.accessibility import add_captions, set_transcript
    from staffroom.media.services.upload import upload_whole_file

    spec = text.post
    author_member = cast.role(author_role(spec))
    author = Person.objects.get(pk=author_member.pk)
    published = timezone.now() - days(spec.days_ago)
    published = published.replace(minute=(len(spec.key) * 7) % 60)
    created = published - timedelta(hours=2)
    body = unwrap(fill_in(spec.body, text_filler(cast).__getitem__))
    initiative_id = (
        Initiative.objects.filter(slug=spec.initiative).values_list("pk", flat=True).first()
        if spec.initiative
        else None
    )
    with given_timestamps(Thread, Post):
        thread = Thread.objects.create(
            kind=Thread.Kind.POST, created_at=created, updated_at=created
        )
        post = Post.objects.create(
            channel_id=channel_ids[spec.channel],
            author=author,
            title=spec.title,
            summary=spec.summary,
            body=body,
            body_html=render_markdown(body).html,
            # A draft until its video is processed and captioned, as an editor would have
            # to (media.services.upload: a live post takes no new video).
            status=Post.Status.DRAFT,
            published_at=None,
            initiative_id=initiative_id,
            thread=thread,
            submission_key=video_post_key(text),
            created_at=created,
            updated_at=published,
        )
    post.tags.set(Tag.objects.filter(slug__in=spec.tags))

    clip = make_demo_clip(text, folder / f"{spec.key}.mp4", speaker=author_member)
    with clip.open("rb") as handle:
        upload = UploadedFile(
            handle,
            name=f"{spec.key}.mp4",
            content_type="video/mp4",
            size=clip.stat().st_size,
        )
        video = upload_whole_file(post=post, uploader=author, file=upload)
    outcome = process_now(video.pk)
    video.refresh_from_db()
    if video.status != Video.Status.READY:
        raise RuntimeError(f"processing ended {outcome!r}: {video.failure_reason}")
    add_captions(
        video=video,
        editor=author,
        language="en",
        label="English",
        data=srt([(start, end, line) for start, end, line in text.lines]).encode(),
        filename=f"{spec.key}.en.srt",
    )
    if text.spanish:
        cues = [
            (start, end, spanish)
            for (start, end, _), spanish in zip(text.lines, text.spanish, strict=True)
        ]
        add_captions(
            video=video,
            editor=author,
            language="es",
            label="Español",
            data=srt(cues).encode(),
            filename=f"{spec.key}.es.srt",
        )
    if text.transcript:
        set_transcript(video=video, editor=author, text=text.transcript)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED, published_at=published)
    post.refresh_from_db()
    return post


# --- The clips ---------------------------------------------------------------------------------


def can_draw_text() -> bool:
    """Debian's ffmpeg has drawtext (libfreetype); the fonts come with fonts-dejavu-core."""
    if not (FONT.is_file() and BOLD_FONT.is_file()):
        return False
    result = subprocess.run(  # noqa: S603  # the configured binary, fixed arguments
        [settings.FFMPEG_BINARY, "-hide_banner", "-filters"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    return " drawtext " in result.stdout


def make_demo_clip(text: VideoText, path: Path, *, speaker: Member | None = None) -> Path:
    """Draw `text`'s clip at `path` (MP4, 640x360): a card with the title, one slide per
    line, a bar showing time passing, and a soft tone. Without drawtext: the card alone."""
    seconds = text.seconds
    filters = [
        f"drawbox=x=0:y=ih-8:w=iw*t/{seconds:.2f}:h=8:color=white@0.6:t=fill",
    ]
    if can_draw_text():
        work = path.parent / f"{path.stem}-text"
        work.mkdir(exist_ok=True)
        # 26 px bold fits about 34 characters across 640 px: longer titles take two lines.
        title = textwrap.fill(text.post.title, width=34)
        filters.append(_drawtext(work / "title.txt", title, BOLD_FONT, 26, "40"))
        if speaker is not None:
            who = f"{speaker.name}, {speaker.job_title}"
            filters.append(_drawtext(work / "speaker.txt", who, FONT, 18, "h-60"))
        for number, (start, end, line) in enumerate(text.lines):
            filters.append(
                _drawtext(
                    work / f"line-{number}.txt",
                    line.replace("|", "\n"),
                    FONT,
                    24,
                    "(h-text_h)/2",
                    enable=f"between(t,{start},{end})",
                )
            )
    audio = f"volume=0.08,afade=t=in:d=1,afade=t=out:st={max(0.0, seconds - 1):.2f}:d=1"
    command = [
        settings.FFMPEG_BINARY,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"color=c={text.background}:size={WIDTH}x{HEIGHT}:rate={RATE}:duration={seconds:.2f}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={text.tone_hz}:duration={seconds:.2f}",
        "-filter_complex",
        f"[0:v]{','.join(filters)}[v];[1:a]{audio}[a]",
        "-map",
        "[v]",
        "-map",
        "[a]",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        "-f",
        "mp4",
        str(path),
    ]
    try:
        subprocess.run(  # noqa: S603  # the configured binary, our own arguments
            command, check=True, capture_output=True, timeout=FFMPEG_TIMEOUT_SECONDS
        )
    except subprocess.CalledProcessError as error:
        detail = error.stderr.decode(errors="replace").strip()[-300:]
        raise ClipError(f"ffmpeg could not draw the clip: {detail}") from error
    except subprocess.TimeoutExpired as error:
        raise ClipError("ffmpeg took too long to draw the clip") from error
    return path


def _drawtext(file: Path, words: str, font: Path, size: int, y: str, *, enable: str = "") -> str:
    # The words go through a file, so no quoting of ':' or '\'' in the filter is needed;
    # `expansion=none` keeps a '%' a '%'.
    file.write_text(words, encoding="utf-8")
    drawn = (
        f"drawtext=fontfile={font}:textfile={file}:expansion=none:fontcolor=white:"
        f"fontsize={size}:line_spacing=8:x=(w-text_w)/2:y={y}"
    )
    return f"{drawn}:enable='{enable}'" if enable else drawn


def srt(cues: list[tuple[float, float, str]]) -> str:
    """SubRip captions for `cues` ((start, end, text) in seconds; `|` breaks a line)."""

    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        hours, millis = divmod(millis, 3_600_000)
        minutes, millis = divmod(millis, 60_000)
        whole, millis = divmod(millis, 1000)
        return f"{hours:02d}:{minutes:02d}:{whole:02d},{millis:03d}"

    blocks = [
        f"{number}\n{stamp(start)} --> {stamp(end)}\n{text.replace('|', chr(10))}\n"
        for number, (start, end, text) in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


# --- Reads and plays ---------------------------------------------------------------------------


def _add_reads(build: DemoBuild, made: list[tuple[VideoText, Post]], cast: Cast) -> None:
    """A share of each post's audience read it (PostView) and most of them pressed play
    (VideoView); the reach counters of both are counted from those rows."""
    now = timezone.now()
    nurse = cast.role(NURSE)
    post_views: list[PostView] = []
    post_reach: list[PostReach] = []
    video_views: list[VideoView] = []
    video_reach: list[VideoReach] = []
    for text, post in made:
        assert post.published_at is not None
        assert post.video_id is not None
        rng = random.Random(f"riverside-health:{build.seed}:video-reads:{text.post.key}")
        age = (now - post.published_at).total_seconds()
        readers = [
            m
            for m in cast.core
            if m.pk != post.author_id
            and rng.random() < text.post.reach
            and (m.pk != nurse.pk or text.post.days_ago >= NURSE_UNREAD_DAYS)
        ]
        read_by: Counter[int | None] = Counter()
        played_by: Counter[int | None] = Counter()
        for m in readers:
            when = post.published_at + timedelta(seconds=age * rng.random() ** 2.5)
            post_views.append(PostView(person_id=m.pk, post_id=post.pk, viewed_at=when))
            read_by[m.department_id] += 1
            if rng.random() < PLAYED_SHARE:
                video_views.append(
                    VideoView(person_id=m.pk, video_id=post.video_id, viewed_at=when)
                )
                played_by[m.department_id] += 1
        post_reach += [
            PostReach(post_id=post.pk, department_id=d, people=n) for d, n in read_by.items()
        ]
        video_reach += [
            VideoReach(video_id=post.video_id, department_id=d, people=n)
            for d, n in played_by.items()
        ]
        Post.objects.filter(pk=post.pk).update(reach_count=sum(read_by.values()))
        Video.objects.filter(pk=post.video_id).update(
            reach_count=sum(played_by.values()), version=F("version") + 1
        )
    PostView.objects.bulk_create(post_views, batch_size=2000)
    PostReach.objects.bulk_create(post_reach, batch_size=2000)
    VideoView.objects.bulk_create(video_views, batch_size=2000)
    VideoReach.objects.bulk_create(video_reach, batch_size=2000)
    build.count("video plays", len(video_views))
