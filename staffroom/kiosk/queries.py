"""Reads of break-room screens: finding a screen by its secret, the admins' list, and the
slides a screen shows.

A screen is a wall anyone in the room can read, so it shows less than any member of staff
may see: live, visible posts meant for everyone (or for everyone at the screen's site or
in its department), never a post narrowed to a job family or to other departments, never
held or hidden content, no comments; a video post's video, muted with its captions on, when
it is ready and has captions (a muted video without words says nothing to the room); ideas
that are visible and not merged away, with no person's name at all (an anonymous author
stays anonymous because nobody is named). Each slide source is one query whatever the
amount of data, so a screen's page costs the same at any size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import zip_longest
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from staffroom.channels.models import Post
from staffroom.core.models import Visibility
from staffroom.ideas.models import Idea, Impact, Status
from staffroom.ideas.services.impact import summarise_impact
from staffroom.kiosk.models import Screen, hash_secret
from staffroom.kiosk.qr import qr_svg
from staffroom.media.models import Caption, Video, VideoRendition

# A real secret is 43 characters; anything far longer is refused before hashing.
SECRET_MAX_LENGTH = 100
NEWS_SLIDES = 6
# Video posts in a rotation, newest first: each holds the wall for up to VIDEO_PLAY_SECONDS,
# so two keep the other news and ideas in view.
VIDEO_SLIDES = 2
# A long video shows its first minute and a half, then the rotation moves on.
VIDEO_PLAY_SECONDS = 90
# Screens are often on weak Wi-Fi and replay each video every rotation: the 360p file (about
# a third of the 720p's bytes) is played; captions are drawn by the browser at the TV's own
# resolution, so the words stay sharp. The 720p one is used only when there is no 360p.
SCREEN_QUALITY = VideoRendition.Quality.LOW
TOP_IDEA_SLIDES = 4
IMPLEMENTED_IDEA_SLIDES = 4
# Words on a slide: what can be read from three metres in the time a slide is shown.
TEXT_CHARACTERS = 220
# Screens are physical TVs: a few hundred at most. The list shows them all up to this cap.
SCREEN_LIST_LIMIT = 500
# Ideas whose votes are still open.
OPEN_STATUSES = (Status.NEW, Status.UNDER_REVIEW, Status.ACCEPTED, Status.IN_PROGRESS)


# --- Finding a screen ---------------------------------------------------------------------------


def find_screen(secret: str) -> Screen | None:
    """The screen whose address holds `secret`, switched off or not; None if there is none.

    One query on the unique hash. A demo screen (its address is published) exists only in
    demo mode."""
    if not secret or len(secret) > SECRET_MAX_LENGTH:
        return None
    screen = (
        Screen.objects.select_related("site", "department")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if screen is not None and screen.is_demo and not settings.DEMO_MODE:
        return None
    return screen


def screen_list() -> list[Screen]:
    """Every screen for the admins' page, working ones first: one query."""
    return list(
        Screen.objects.select_related(
            "site", "department__site", "created_by", "revoked_by"
        ).order_by(F("revoked_at").asc(nulls_first=True), "name", "id")[:SCREEN_LIST_LIMIT]
    )


def get_screen_or_404(pk: int) -> Screen:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Screen.objects.select_related("site", "department__site"), pk=pk)


# --- Slides -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlideVideo:
    """What a video slide plays: ids for the screen's file addresses (built in the template
    from the screen's secret, which is stored nowhere), the captions track, and how long the
    slide may keep the wall."""

    video_id: int
    version: int  # in each file's address, so a changed file is never a stale copy
    quality: str
    has_poster: bool
    caption_id: int
    caption_language: str
    caption_label: str
    play_seconds: int


@dataclass(frozen=True)
class Slide:
    """One item on the screen, in the words it is shown with."""

    kind: str  # "news", "video", "top_idea", "implemented_idea" (a CSS modifier, a test hook)
    label: str  # "Latest news"
    title: str
    text: str
    meta: list[str]  # short facts: the channel, the department, the votes
    when: datetime | None
    url: str  # absolute: staff scan it and sign in on their phone
    headline: str = ""  # an implemented idea's measured impact
    video: SlideVideo | None = None

    @property
    def key(self) -> str:
        return self.url

    @property
    def short_url(self) -> str:
        """The address without its scheme, to type in when a phone can't scan."""
        parts = urlsplit(self.url)
        return f"{parts.netloc}{parts.path}"

    @property
    def qr(self) -> SafeString:
        return mark_safe(qr_svg(self.url))  # noqa: S308  # segno's SVG of our own URL


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _plain(html: str, characters: int = TEXT_CHARACTERS) -> str:
    """Sanitised HTML as a short plain text (escaped again when shown)."""
    text = " ".join(strip_tags(html).split())
    return Truncator(text).chars(characters)


def screen_audience(screen: Screen) -> Q:
    """A filter on Post: what may be shown on `screen`'s wall.

    Posts for everyone; and, on a site's or a department's screen, posts whose audience
    holds everyone at that site (sites listed include it, no departments, no job families)
    or, on a department's screen, everyone in that department (departments listed include
    it, sites listed, if any, include its site, no job families). A post narrowed to a job
    family is never on a wall: a screen can't tell who is standing in front of it."""
    everyone = Q(audience_restricted=False)
    site_id = screen.shown_site_id
    if site_id is None:
        return everyone
    sites = Post.audience_sites.through.objects.filter(post_id=OuterRef("pk"))
    departments = Post.audience_departments.through.objects.filter(post_id=OuterRef("pk"))
    families = Post.audience_job_families.through.objects.filter(post_id=OuterRef("pk"))
    sites_ok = Q(~Exists(sites)) | Q(Exists(sites.filter(site_id=site_id)))
    departments_ok = Q(~Exists(departments))
    if screen.department_id is not None:
        departments_ok |= Q(Exists(departments.filter(department_id=screen.department_id)))
    return everyone | (
        Q(audience_restricted=True) & Q(~Exists(families)) & sites_ok & departments_ok
    )


def _wall_posts(screen: Screen) -> QuerySet[Post]:
    """Live, visible posts that may hang on `screen`'s wall."""
    return Post.objects.live().filter(visibility=Visibility.VISIBLE).filter(screen_audience(screen))


def news_slides(screen: Screen) -> list[Slide]:
    posts = (
        _wall_posts(screen)
        .select_related("channel")
        .only("pk", "title", "summary", "body_html", "published_at", "channel__name")
        .order_by("-published_at", "-id")[:NEWS_SLIDES]
    )
    return [
        Slide(
            kind="news",
            label=_("Latest news"),
            title=post.title,
            text=Truncator(post.summary).chars(TEXT_CHARACTERS)
            if post.summary
            else _plain(post.body_html),
            meta=[post.channel.name],
            when=post.published_at,
            url=absolute_url(post.get_absolute_url()),
        )
        for post in posts
    ]


def _screen_language(screen: Screen) -> str:
    return (screen.language or settings.LANGUAGE_CODE).lower()


def _captions_for(screen: Screen) -> QuerySet[Caption]:
    """The captions of the outer row's video, the screen's language first (exactly, then a
    regional variant: "es" takes "es-MX"), then the others by language."""
    language = _screen_language(screen)
    return Caption.objects.filter(video_id=OuterRef("video_id")).order_by(
        Case(
            When(language__iexact=language, then=0),
            When(language__istartswith=f"{language}-", then=1),
            default=2,
            output_field=IntegerField(),
        ),
        "language",
        "id",
    )


def _screen_rendition_quality() -> QuerySet[VideoRendition]:
    return VideoRendition.objects.filter(video_id=OuterRef("video_id")).order_by(
        Case(When(quality=SCREEN_QUALITY, then=0), default=1, output_field=IntegerField()),
        "height",
    )


def _play_seconds(duration: float | None) -> int:
    if not duration or duration <= 0:
        return VIDEO_PLAY_SECONDS
    return min(math.ceil(duration), VIDEO_PLAY_SECONDS)


def video_slides(screen: Screen) -> list[Slide]:
    """The newest video posts on the wall whose video is ready and has captions: one query
    (the chosen captions and file are subqueries, not a query per slide).

    A video slide replaces its post's news slide (it comes first in SLIDE_SOURCES, and
    _interleave keeps the first slide of an address)."""
    captions = _captions_for(screen)
    renditions = _screen_rendition_quality()
    posts = (
        _wall_posts(screen)
        .filter(video__status=Video.Status.READY)
        .annotate(
            screen_caption_id=Subquery(captions.values("pk")[:1]),
            screen_caption_language=Subquery(captions.values("language")[:1]),
            screen_caption_label=Subquery(captions.values("label")[:1]),
            screen_quality=Subquery(renditions.values("quality")[:1]),
        )
        .filter(screen_caption_id__isnull=False, screen_quality__isnull=False)
        .select_related("channel", "video")
        .only(
            "pk",
            "title",
            "published_at",
            "channel__name",
            "video__id",
            "video__version",
            "video__poster",
            "video__duration_seconds",
        )
        .order_by("-published_at", "-id")[:VIDEO_SLIDES]
    )
    slides = []
    for post in posts:
        video = post.video
        assert video is not None  # filtered on its status above
        slides.append(
            Slide(
                kind="video",
                label=_("Latest video"),
                title=post.title,
                text="",
                meta=[post.channel.name],
                when=post.published_at,
                url=absolute_url(post.get_absolute_url()),
                video=SlideVideo(
                    video_id=video.pk,
                    version=video.version,
                    quality=post.screen_quality,
                    has_poster=bool(video.poster),
                    caption_id=post.screen_caption_id,
                    caption_language=post.screen_caption_language,
                    caption_label=post.screen_caption_label,
                    play_seconds=_play_seconds(video.duration_seconds),
                ),
            )
        )
    return slides


def screen_video(screen: Screen, video_id: int) -> Video | None:
    """The video `video_id` if `screen` may play it: ready, with captions, and its post
    live, visible and on the screen's wall (not only among the slides shown right now, so a
    refresh that drops the slide doesn't cut a playing video). One query."""
    return (
        Video.objects.filter(pk=video_id, status=Video.Status.READY)
        .filter(Exists(_wall_posts(screen).filter(video_id=OuterRef("pk"))))
        .filter(Exists(Caption.objects.filter(video_id=OuterRef("pk"))))
        .first()
    )


def _ideas_at(screen: Screen) -> QuerySet[Idea]:
    """Shown ideas about the screen's department, or site; every idea on an
    organisation-wide screen. Nobody's name is read: no author is joined."""
    ideas = Idea.objects.shown()
    if screen.department_id is not None:
        return ideas.filter(department_id=screen.department_id)
    if screen.site_id is not None:
        return ideas.filter(department__site_id=screen.site_id)
    return ideas


def _place(idea: Idea) -> str:
    return idea.unit.name if idea.unit_id and idea.unit else idea.department.name


def top_idea_slides(screen: Screen) -> list[Slide]:
    ideas = (
        _ideas_at(screen)
        .filter(status__in=OPEN_STATUSES, vote_count__gt=0)
        .select_related("department", "unit")
        .order_by("-vote_count", "-id")[:TOP_IDEA_SLIDES]
    )
    return [
        Slide(
            kind="top_idea",
            label=_("Top idea: add your vote"),
            title=idea.title,
            text=_plain(idea.proposal_html),
            meta=[
                _place(idea),
                ngettext("%(count)s vote", "%(count)s votes", idea.vote_count)
                % {"count": idea.vote_count},
            ],
            when=None,
            url=absolute_url(idea.get_absolute_url()),
        )
        for idea in ideas
    ]


def _impact_headline(impact: Impact) -> str:
    summary = summarise_impact(impact)
    headline = f"{impact.measure}: {summary.before} → {summary.after} {summary.unit}"
    if summary.improved and summary.change_percent:
        if summary.went_down:
            change = _("%(percent)s%% lower") % {"percent": summary.change_percent}
        else:
            change = _("%(percent)s%% higher") % {"percent": summary.change_percent}
        headline = f"{headline} ({change})"
    return headline


def implemented_idea_slides(screen: Screen) -> list[Slide]:
    ideas = (
        _ideas_at(screen)
        .filter(status=Status.IMPLEMENTED)
        .select_related("department", "unit", "impact")
        .order_by("-status_changed_at", "-id")[:IMPLEMENTED_IDEA_SLIDES]
    )
    slides = []
    for idea in ideas:
        # Joined above: a missing impact is known to be missing and raises, never queries.
        try:
            impact: Impact | None = idea.impact
        except Impact.DoesNotExist:
            impact = None
        slides.append(
            Slide(
                kind="implemented_idea",
                label=_("Your idea, done"),
                title=idea.title,
                text=_plain(impact.what_changed_html if impact else idea.proposal_html),
                meta=[_place(idea)],
                when=idea.status_changed_at,
                url=absolute_url(idea.get_absolute_url()),
                headline=_impact_headline(impact) if impact else "",
            )
        )
    return slides


SlideSource = Callable[[Screen], list[Slide]]

# What a screen shows, each a function of the screen returning its slides in one query.
# Recognition (kudos, patient compliments; product capability 7) joins here when it exists.
# Videos come first so a post with a video is shown as its video, not as words.
SLIDE_SOURCES: list[SlideSource] = [
    video_slides,
    news_slides,
    top_idea_slides,
    implemented_idea_slides,
]


def _interleave(groups: Iterable[list[Slide]]) -> list[Slide]:
    """A video, news, an idea, an implemented idea, news again…: the room sees a mix, not ten posts
    in a row. An item found by two sources is shown once."""
    seen: set[str] = set()
    slides: list[Slide] = []
    for row in zip_longest(*groups):
        for slide in row:
            if slide is not None and slide.key not in seen:
                seen.add(slide.key)
                slides.append(slide)
    return slides


def screen_slides(screen: Screen) -> list[Slide]:
    """Every slide `screen` shows now, mixed: one query per source."""
    return _interleave(source(screen) for source in SLIDE_SOURCES)
