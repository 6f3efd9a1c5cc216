"""The player and where videos appear: post pages, cards, initiatives, the public page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.services.channels import ensure_lets_talk
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory, PostFactory
from staffroom.media import queries
from staffroom.media.models import Caption, Video
from staffroom.media.tests.ready import ENGLISH, SPANISH, ready_video
from staffroom.strategy.tests.factories import initiative as make_initiative

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]
BOTH = (("en", "English", ENGLISH), ("es", "Español", SPANISH))


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def _loaded(video: Video) -> Video:
    return Video.objects.select_related("post", "post__channel").get(pk=video.pk)


# --- The Player -------------------------------------------------------------------------------


def test_the_player_offers_720p_to_wide_screens_and_360p_to_the_rest(person: Person) -> None:
    video = _loaded(ready_video())
    player = queries.player(video, viewer=person, language="en")
    assert player is not None
    assert [s.quality for s in player.sources] == ["720p", "360p"]
    assert player.sources[0].media == "(min-width: 48em)"
    assert player.sources[1].media == ""
    assert player.low.quality == "360p"
    assert player.duration_text == "1:12"
    assert player.poster_url.startswith(reverse("media:poster_file", args=[video.pk]))
    assert player.reach is None  # readers don't see reach


def test_captions_default_to_the_readers_language_else_the_first(person: Person) -> None:
    video = _loaded(ready_video(captions=BOTH))
    spanish = queries.player(video, viewer=person, language="es-mx")
    assert spanish is not None
    assert [(t.srclang, t.default) for t in spanish.tracks] == [("en", False), ("es", True)]
    assert spanish.transcript_lines[0].text == "Bienvenidos a la planta."
    french = queries.player(video, viewer=person, language="fr")
    assert french is not None
    assert [(t.srclang, t.default) for t in french.tracks] == [("en", True), ("es", False)]
    assert [(line.timestamp, line.text) for line in french.transcript_lines] == [
        ("0:00", "Welcome to the ward."),
        ("0:01", "Wash your hands."),
    ]


def test_there_is_no_player_until_the_video_is_ready(person: Person) -> None:
    video = ready_video()
    Video.objects.filter(pk=video.pk).update(status=Video.Status.PROCESSING)
    assert queries.player(_loaded(video), viewer=person, language="en") is None
    assert queries.player(None, viewer=person, language="en") is None


def test_editors_see_how_many_people_played_it() -> None:
    channel = ChannelFactory()
    editor = ChannelEditorFactory(channel=channel).person
    video = ready_video(channel=channel)
    Video.objects.filter(pk=video.pk).update(reach_count=7)
    player = queries.player(_loaded(video), viewer=editor, language="en")
    assert player is not None
    assert player.reach == 7


@pytest.mark.parametrize(
    ("seconds", "text", "iso"),
    [(0, "0:00", "PT0M0S"), (72.4, "1:12", "PT1M12S"), (3723, "1:02:03", "PT1H2M3S")],
)
def test_durations_read_like_a_clock(seconds: float, text: str, iso: str) -> None:
    assert queries.duration_text(seconds) == text
    assert queries.duration_iso(seconds) == iso


# --- The post page --------------------------------------------------------------------------------


def test_the_post_page_has_an_accessible_player_with_captions_and_a_transcript(
    signed_in: Client,
) -> None:
    video = ready_video(captions=BOTH, title="Ward tour")
    body = signed_in.get(Post.objects.get(video=video).get_absolute_url()).content.decode()
    player = body[body.index("<figure") : body.index("</figure>")]
    assert 'preload="none"' in player
    assert 'aria-label="Video: Ward tour"' in player
    assert re.search(r'<source src="[^"]+/720p\.mp4\?v=\d+" type="video/mp4" media=', player)
    sources = re.findall(r'<source src="[^"]+/(\d+p)\.mp4', player)
    assert sources == ["720p", "360p"]
    english = re.search(r'<track kind="captions" [^>]*srclang="en"[^>]*>', player)
    spanish = re.search(r'<track kind="captions" [^>]*srclang="es"[^>]*>', player)
    assert english is not None
    assert spanish is not None
    assert english.group(0).endswith(" default>")
    assert " default" not in spanish.group(0)
    assert "<summary>Transcript</summary>" in player
    assert 'data-start="1.000"' in player
    assert '<span class="transcript__time">0:01</span>' in player
    assert "Wash your hands." in player
    assert "Download (360p," in player
    assert "1:12" in player
    assert "js/video-player.js" in body
    assert "style=" not in player


def test_the_written_transcript_is_shown_when_there_are_no_captions(signed_in: Client) -> None:
    video = ready_video(captions=(), transcript="Hello from the ward.\n\nWash your hands.")
    body = signed_in.get(Post.objects.get(video=video).get_absolute_url()).content.decode()
    assert "<track" not in body
    assert "No captions" in body
    assert "<p>Hello from the ward.</p>" in body


def test_a_post_whose_video_is_not_ready_shows_no_player(signed_in: Client) -> None:
    video = ready_video()
    Video.objects.filter(pk=video.pk).update(status=Video.Status.PROCESSING)
    body = signed_in.get(Post.objects.get(video=video).get_absolute_url()).content.decode()
    assert "<video" not in body


def test_the_post_page_costs_the_same_with_or_without_a_video(
    signed_in: Client, query_count: QueryCount
) -> None:
    plain = PostFactory()
    video = ready_video(captions=BOTH)
    with_video = Post.objects.get(video=video)
    for post in (plain, with_video):
        signed_in.get(post.get_absolute_url())  # first views are recorded; caches are filled
    without = query_count(lambda: signed_in.get(plain.get_absolute_url()))
    with_one = query_count(lambda: signed_in.get(with_video.get_absolute_url()))
    assert without == with_one, f"{without} queries without a video, {with_one} with one"
    for reader in PersonFactory.create_batch(5):
        record_post_view(post=with_video, person=reader)
    Caption.objects.create(video=video, language="fr", label="Français", vtt="WEBVTT\n")
    Video.objects.filter(pk=video.pk).update(version=2)
    signed_in.get(with_video.get_absolute_url())
    assert query_count(lambda: signed_in.get(with_video.get_absolute_url())) == with_one


def test_an_editor_previews_a_drafts_video() -> None:
    channel = ChannelFactory()
    editor = ChannelEditorFactory(channel=channel).person
    draft = PostFactory(channel=channel, status=Post.Status.DRAFT, published_at=None)
    video = _loaded(ready_video(draft))
    request = RequestFactory().get("/")
    request.user = editor
    html = render_to_string("media/_player.html", {"video": video}, request=request)
    assert "<video" in html
    assert "Played by 0 people" in html


# --- Cards, initiatives, the public page -------------------------------------------------------


def test_feed_cards_label_a_video_with_its_poster_and_length(signed_in: Client) -> None:
    video = ready_video(channel=ensure_lets_talk())
    body = signed_in.get(reverse("channels:feed")).content.decode()
    label = body[body.index('class="post-card__video"') :]
    label = label[: label.index("</p>")]
    assert reverse("media:poster_file", args=[video.pk]) in label
    assert 'alt=""' in label
    assert "Video" in label
    assert '<time datetime="PT1M12S">1:12</time>' in label
    assert "<video" not in body


def test_the_feed_costs_the_same_with_few_or_many_video_posts(
    signed_in: Client, query_count: QueryCount
) -> None:
    lets_talk = ensure_lets_talk()
    ready_video(channel=lets_talk)
    PostFactory(channel=lets_talk)
    url = reverse("channels:feed")
    signed_in.get(url)
    few = query_count(lambda: signed_in.get(url))
    for _ in range(5):
        ready_video(captions=(), channel=lets_talk)
    PostFactory.create_batch(3, channel=lets_talk)
    signed_in.get(url)
    many = query_count(lambda: signed_in.get(url))
    assert few == many
    assert signed_in.get(url).content.decode().count('class="post-card__video"') == 6


def test_an_initiative_shows_its_latest_video_update_with_a_player(signed_in: Client) -> None:
    goal = make_initiative()
    older = PostFactory(initiative=goal, title="First video")
    ready_video(older)
    newer = PostFactory(initiative=goal, title="Second video")
    ready_video(newer)
    PostFactory(initiative=goal, title="Words only")
    body = signed_in.get(reverse("strategy:initiative", args=[goal.slug])).content.decode()
    latest = body[body.index("Latest video update") : body.index("</figure>")]
    assert "Second video" in latest
    assert "<video" in latest
    assert body.count("<video") == 1
    assert body.count('class="post-card__video"') == 2


def test_the_public_page_of_a_post_says_its_video_is_for_staff(client: Client) -> None:
    post = PostFactory(is_public=True)
    ready_video(post)
    response = client.get(reverse("channels:public_post", args=[post.pk, "x"]), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "This post includes a video for staff: sign in to watch it." in body
    assert "<video" not in body
    assert "media/" not in body.replace("/static/", "")  # no file address of the video
