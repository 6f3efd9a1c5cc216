"""Video in a real browser (issue 7). An editor uploads a generated clip in small chunks and
sees the bar climb; the page follows processing by itself; publishing is refused until she
adds SRT captions, then goes through. A nurse plays the video with captions on and moves
through it from the transcript by keyboard. A text file renamed .mp4 is refused at once with
a reason; a truncated MP4 uploads but fails processing with a reason and a "Try again"
button. An upload cut off by a dropped network, or by a reload, resumes where it stopped.
Without JavaScript the plain form uploads the whole file. Every state of the editor's video
page, the post page with its player and its transcript open, and /system/video/ pass axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, Request, Route, expect

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import RoleGrantFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.services.channels import sync_department_channels
from staffroom.channels.tests.factories import PostFactory
from staffroom.jobs.testing import run_jobs
from staffroom.media.models import Video
from staffroom.media.services.upload import pending_upload
from staffroom.media.tests.clips import make_clip, truncated_copy
from staffroom.media.tests.ready import ready_video
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHUNK = 64 * 1024  # small chunks, so a 1 MB clip goes in many requests
# The status fragment asks every 2 s: give it a few turns once the worker is done.
LIVE_UPDATE_MS = 10_000
UPLOAD_URL = re.compile(r"/videos/\d+/upload/$")
CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/\d+$")
SRT = """1
00:00:00,000 --> 00:00:01,800
Welcome to the Emergency Medicine update.

2
00:00:02,000 --> 00:00:03,900
Handover now starts at seven.
"""
VIDEO = "document.querySelector('video')"


@dataclass(frozen=True)
class Newsroom:
    editor: Person
    nurse: Person
    channel: Channel


@pytest.fixture
def newsroom(hospital: Hospital) -> Newsroom:
    """Priya edits Emergency Medicine's channel; Grace, a nurse there, reads it."""
    department = hospital.unit.department
    RoleGrantFactory(person=hospital.colleague, role=Role.CHANNEL_EDITOR, department=department)
    sync_department_channels()
    return Newsroom(
        editor=hospital.colleague,
        nurse=hospital.nurse,
        channel=Channel.objects.get(department=department),
    )


@pytest.fixture
def small_chunks(settings: Any) -> int:
    # The live server runs in this process: the page it renders and the views see this.
    settings.VIDEO_CHUNK_BYTES = CHUNK
    return CHUNK


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A 4-second 640x360 clip with sound: about 0.9 MB, some fifteen 64 KiB chunks."""
    return make_clip(tmp_path / "ed-update.mp4", seconds=4, width=640, height=360)


def _draft(newsroom: Newsroom, title: str) -> Post:
    return PostFactory(
        channel=newsroom.channel,
        author=newsroom.editor,
        title=title,
        status=Post.Status.DRAFT,
        published_at=None,
    )


class Upload:
    """Watches one page's upload: the chunks it PUTs (as sent) and what its progress bar and
    notes showed, recorded as they change, so nothing is missed when the page moves on to the
    status page the moment the last chunk lands."""

    watchers = 0

    def __init__(self, page: Page) -> None:
        self.page = page
        self.chunks: list[int] = []
        self.progress: list[float] = []
        self.notes: list[str] = []
        page.on("request", self._request)
        # A page can't expose one name twice: each watcher has its own.
        Upload.watchers += 1
        self.name = f"upload{Upload.watchers}"
        page.expose_function(f"{self.name}Moved", self._moved)
        page.expose_function(f"{self.name}Noted", self._noted)

    def _moved(self, percent: float) -> None:
        self.progress.append(percent)

    def _noted(self, text: str) -> None:
        self.notes.append(text)

    def _request(self, request: Request) -> None:
        if request.method == "PUT" and UPLOAD_URL.search(request.url):
            # Playwright doesn't keep a Blob body; the chunk's range says its length.
            found = CONTENT_RANGE.match(request.headers.get("content-range", ""))
            assert found, f"a chunk without its Content-Range: {request.headers}"
            self.chunks.append(int(found[2]) - int(found[1]) + 1)

    def send(self, path: Path) -> None:
        """Watch this page's form, pick the file and press Upload video."""
        self.page.evaluate(
            """(name) => {
                const bar = document.querySelector('#video-upload progress');
                new MutationObserver(() => window[name + 'Moved'](100 * bar.value / bar.max))
                    .observe(bar, {attributes: true});
                const note = document.querySelector('#video-upload [data-upload-note]');
                new MutationObserver(() => window[name + 'Noted'](note.textContent))
                    .observe(note, {childList: true, characterData: true, subtree: true});
            }""",
            self.name,
        )
        _upload(self.page, path)

    @property
    def sent(self) -> int:
        return sum(self.chunks)


def _upload(page: Page, path: Path) -> None:
    page.get_by_label("Video file").set_input_files(str(path))
    page.get_by_role("button", name="Upload video").click()


def _status(page: Page) -> Locator:
    return page.locator("#video-status")


def _uploaded(page: Page, post: Post, timeout_ms: int = 20_000) -> Video:
    """Wait for the script to finish and open the status page; the post's video then."""
    expect(_status(page)).to_contain_text(
        re.compile(r"Waiting to be processed|Processing —|Ready|Failed:"), timeout=timeout_ms
    )
    post.refresh_from_db()
    assert post.video is not None
    return post.video


def _process(page: Page, expected: str = "Ready") -> None:
    """Run the worker here; the open page notices by itself: htmx asks for the status every
    2 s and, once it is final, redraws the page (new sections appear). The test never
    reloads it."""
    assert run_jobs(queue="video") >= 1
    expect(_status(page)).to_contain_text(expected, timeout=LIVE_UPDATE_MS)


@pytest.mark.usefixtures("small_chunks")
def test_an_editor_publishes_a_captioned_video_and_a_nurse_watches_it_with_captions_on(
    page: Page, new_context: NewContext, newsroom: Newsroom, clip: Path, tmp_path: Path
) -> None:
    size = clip.stat().st_size
    sign_in(page, newsroom.editor.username)

    # A draft, written the usual way; then its video page, empty.
    page.goto(f"/channels/{newsroom.channel.slug}/new-post/")
    page.get_by_label("Title").fill("Our new handover, in two minutes")
    page.get_by_label("Body").fill("Watch how the new handover works.")
    page.get_by_role("button", name="Save draft").click()
    post = Post.objects.get(title="Our new handover, in two minutes")
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    page.locator(f"#authoring-controls-{post.pk}").get_by_role("link", name="Video").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/video/$"))
    expect(page.get_by_role("heading", name="Upload a video")).to_be_visible()
    assert_accessible(page)

    # The file goes in chunks while the bar climbs to 100 %, then the status page opens.
    upload = Upload(page)
    upload.send(clip)
    video = _uploaded(page, post)
    assert len(upload.chunks) > 1, "the file went in one request, not in chunks"
    assert len(upload.chunks) == -(-size // CHUNK)
    assert upload.sent == size
    assert len(set(upload.progress)) > 3, f"the bar barely moved: {upload.progress}"
    assert upload.progress == sorted(upload.progress)
    assert upload.progress[-1] == 100
    assert (video.original_size, video.received_bytes) == (size, size)
    assert video.status == Video.Status.QUEUED
    expect(_status(page)).to_contain_text("Waiting")
    assert_accessible(page)

    # While the worker encodes, the page follows its progress. Processing in this test runs
    # to its end in one call, so the middle of it is shown by writing what the worker
    # writes as it goes; it is put back to queued before the worker really runs.
    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.PROCESSING, progress=40, processing_started_at=timezone.now()
    )
    expect(_status(page)).to_contain_text("Processing", timeout=LIVE_UPDATE_MS)
    expect(_status(page)).to_contain_text("40")
    assert_accessible(page)
    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.QUEUED, progress=0, processing_started_at=None
    )
    _process(page)
    video.refresh_from_db()
    assert video.status == Video.Status.READY, video.failure_reason

    # No captions or transcript yet: the post can't go out, and the editor is told why.
    open_page(page, f"/posts/{post.pk}/")
    controls = page.locator(f"#authoring-controls-{post.pk}")
    controls.get_by_role("button", name="Publish now").click()
    expect(controls.get_by_role("alert")).to_contain_text(
        "Add captions or a transcript to the video before publishing"
    )
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT

    # Captions in English, from an SRT file.
    srt = tmp_path / "handover.srt"
    srt.write_text(SRT, encoding="utf-8")
    open_page(page, f"/posts/{post.pk}/video/")
    captions = page.locator("#video-captions")
    captions.get_by_label("Language of the captions").select_option("en")
    captions.get_by_label("Caption file").set_input_files(str(srt))
    captions.get_by_role("button", name="Upload captions").click()
    expect(page.get_by_text("Captions in English added: 2 captions, checked.")).to_be_visible()
    expect(page.locator("#video-captions")).to_contain_text("(converted from SRT)")
    caption = video.captions.get()
    assert (caption.language, caption.cue_count, caption.original_format) == ("en", 2, "srt")
    assert caption.vtt.startswith("WEBVTT")
    page.reload()
    expect(_status(page)).to_contain_text("Ready")
    assert_accessible(page)

    # Now it publishes.
    open_page(page, f"/posts/{post.pk}/")
    controls = page.locator(f"#authoring-controls-{post.pk}")
    controls.get_by_role("button", name="Publish now").click()
    expect(controls).to_contain_text("Published")
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED

    # Grace opens the post: a player that loads nothing until she plays it.
    nurse = new_context().new_page()
    sign_in(nurse, newsroom.nurse.username)
    open_page(nurse, f"/posts/{post.pk}/")
    player = nurse.get_by_label("Video: Our new handover, in two minutes")
    expect(player).to_have_attribute("preload", "none")
    expect(player.locator("track[kind=captions]")).to_have_attribute("srclang", "en")
    nurse.evaluate(f"() => {VIDEO}.play()")
    wait_until(nurse, f"() => {VIDEO}.currentTime > 0.3", "the video to play")
    assert nurse.evaluate(f"() => !{VIDEO}.error")
    # Captions are on without her asking, and say the right words at the right time.
    wait_until(
        nurse,
        f"() => {{ const t = {VIDEO}.textTracks[0];"
        " return t.kind === 'captions' && t.mode === 'showing'; }",
        "the captions to be showing",
    )
    nurse.evaluate(f"() => {{ const v = {VIDEO}; v.pause(); v.currentTime = 2.5; }}")
    wait_until(
        nurse,
        f"() => {{ const cues = {VIDEO}.textTracks[0].activeCues;"
        " return !!cues && cues.length > 0 && cues[0].text.includes('Handover now starts'); }",
        "the caption at 2.5 s",
    )

    # The transcript: opened from its summary, each line's time a button reached with Tab,
    # and Enter on it plays from there.
    nurse.get_by_text("Transcript", exact=True).click()
    transcript = nurse.get_by_role("region", name=re.compile(r"^Transcript"))
    expect(transcript).to_contain_text("Welcome to the Emergency Medicine update.")
    first_line = transcript.get_by_role("button", name="Play from 0:00")
    expect(first_line).to_be_visible()
    assert_accessible(nurse)
    nurse.evaluate(f"() => {{ {VIDEO}.currentTime = 3.5; }}")
    for _press in range(6):
        nurse.keyboard.press("Tab")
        if first_line.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the transcript's first time")
    nurse.keyboard.press("Enter")
    wait_until(nurse, f"() => {VIDEO}.currentTime < 1.5", "the video to go back to 0:00")
    video.refresh_from_db()
    assert video.reach_count == 1


def test_a_file_that_is_not_a_video_is_refused_and_a_truncated_one_fails_with_a_reason(
    page: Page, newsroom: Newsroom, small_chunks: int, clip: Path, tmp_path: Path
) -> None:
    post = _draft(newsroom, "Night shift news")
    sign_in(page, newsroom.editor.username)
    open_page(page, f"/posts/{post.pk}/video/")

    # Words in a file called clip.mp4: refused by their content, at once, with a reason.
    fake = tmp_path / "clip.mp4"
    fake.write_text("Minutes of Tuesday's meeting.\n" * 4000, encoding="utf-8")
    upload = Upload(page)
    upload.send(fake)
    alert = page.locator("#video-upload").get_by_role("alert")
    expect(alert).to_have_text("This file is text, not a video. Choose an MP4, MOV or WebM video.")
    page.wait_for_timeout(300)  # nothing more is sent after the refusal
    assert len(upload.chunks) == 1, "only the first chunk is sent, checked and refused"
    assert not Video.objects.exists()
    post.refresh_from_db()
    assert post.video is None
    assert_accessible(page)

    # Half an MP4: the upload goes through; processing fails and says why.
    broken = truncated_copy(clip, tmp_path / "cut-off.mp4")
    _upload(page, broken)
    video = _uploaded(page, post)
    expect(_status(page)).to_contain_text("Waiting")
    _process(page, expected="Failed")
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert video.failure_reason
    expect(_status(page)).to_contain_text(video.failure_reason)
    expect(_status(page).get_by_role("button", name="Try again")).to_be_visible()
    assert not video.renditions.exists()
    assert_accessible(page)


def _let_through(page: Page, chunks: int, then: Callable[[Route], None]) -> dict[str, int]:
    """Let the page's first `chunks` PUTs through; hand every later one to `then`."""
    seen = {"through": 0, "stopped": 0}

    def handle(route: Route) -> None:
        if route.request.method != "PUT":
            route.continue_()
        elif seen["through"] < chunks:
            seen["through"] += 1
            route.continue_()
        else:
            seen["stopped"] += 1
            then(route)

    page.route(UPLOAD_URL, handle)
    return seen


def _wait_for(page: Page, ready: Callable[[], bool], what: str) -> None:
    for _turn in range(200):
        if ready():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"Timed out waiting for {what}")


def test_an_upload_cut_off_by_the_network_or_a_reload_resumes_where_it_stopped(
    page: Page, newsroom: Newsroom, small_chunks: int, clip: Path
) -> None:
    size = clip.stat().st_size
    sign_in(page, newsroom.editor.username)

    # The network drops after four chunks; back online, the script carries on by itself.
    dropped = _draft(newsroom, "Flu clinic")
    open_page(page, f"/posts/{dropped.pk}/video/")
    context = page.context

    def network_drops(route: Route) -> None:
        context.set_offline(True)
        route.abort("internetdisconnected")

    seen = _let_through(page, 4, network_drops)
    upload = Upload(page)
    upload.send(clip)
    _wait_for(page, lambda: seen["stopped"] > 0, "the fifth chunk")
    page.wait_for_timeout(1_000)  # offline for a while
    arriving = pending_upload(dropped)  # the post's video only once complete
    assert arriving is not None
    assert arriving.status == Video.Status.UPLOADING
    assert arriving.received_bytes == 4 * CHUNK
    page.unroute(UPLOAD_URL)
    context.set_offline(False)
    video = _uploaded(page, dropped, timeout_ms=30_000)
    assert video.received_bytes == size
    assert video.status == Video.Status.QUEUED
    # Nothing started over: only the chunk lost with the network was sent twice.
    assert upload.sent == size + seen["stopped"] * CHUNK

    # A reload in the middle: picking the same file again resumes from what arrived, and the
    # chunks the server has are not sent again.
    reloaded = _draft(newsroom, "Car park changes")
    open_page(page, f"/posts/{reloaded.pk}/video/")
    seen = _let_through(page, 5, lambda route: route.abort("connectionreset"))
    page.get_by_label("Video file").set_input_files(str(clip))
    page.get_by_role("button", name="Upload video").click()
    _wait_for(page, lambda: seen["stopped"] > 0, "the sixth chunk")
    page.unroute(UPLOAD_URL)
    page.reload()
    arriving = pending_upload(reloaded)
    assert arriving is not None
    assert arriving.received_bytes == 5 * CHUNK
    expect(page.locator("#video-upload")).to_contain_text("The upload of “ed-update.mp4” stopped")
    after_reload = Upload(page)
    after_reload.send(clip)
    video = _uploaded(page, reloaded)
    assert any(note.startswith("Resuming from 320 KB") for note in after_reload.notes), (
        after_reload.notes
    )
    assert video.received_bytes == size
    assert after_reload.sent == size - 5 * CHUNK, "chunks the server had were sent again"

    # Both resumed files are whole: processing makes a video of each.
    _process(page)
    assert set(Video.objects.values_list("status", flat=True)) == {Video.Status.READY}


def test_without_javascript_the_plain_form_uploads_the_whole_file(
    new_context: NewContext, newsroom: Newsroom, tmp_path: Path
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    post = _draft(newsroom, "Ward 7 reopens")
    small = make_clip(tmp_path / "ward-7.mp4", seconds=2)
    sign_in(page, newsroom.editor.username)
    open_page(page, f"/posts/{post.pk}/video/")
    _upload(page, small)
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/video/$"))
    expect(_status(page)).to_contain_text("Waiting")
    post.refresh_from_db()
    assert post.video is not None
    assert post.video.status == Video.Status.QUEUED
    assert post.video.received_bytes == small.stat().st_size


def test_the_captions_rule_page_for_administrators_passes_axe(
    page: Page, hospital: Hospital
) -> None:
    sign_in(page, hospital.administrator.username)
    open_page(page, "/system/video/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Video captions rule")
    assert_accessible(page)
    rule = page.get_by_label("Video posts need captions or a transcript before they are published")
    expect(rule).to_be_checked()
    rule.uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Video posts can now be published without captions")).to_be_visible()
    expect(rule).not_to_be_checked()
    assert_accessible(page)


def test_without_javascript_the_captions_page_and_the_delete_confirmation_work(
    page: Page, new_context: NewContext, newsroom: Newsroom
) -> None:
    """The two pages htmx normally shows in place, opened on their own: axe checks them in an
    ordinary browser (axe needs script), then a browser with script off deletes the video."""
    post = _draft(newsroom, "Night shift handover, on video")
    video = ready_video(post)
    sign_in(page, newsroom.editor.username)
    open_page(page, f"/videos/{video.pk}/captions/")
    expect(page.get_by_role("heading", name="Captions and transcript")).to_be_visible()
    expect(page.get_by_role("cell", name="English", exact=True)).to_be_visible()
    assert_accessible(page)
    open_page(page, f"/videos/{video.pk}/delete/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete the video?")
    assert_accessible(page)

    plain = new_context(java_script_enabled=False).new_page()
    sign_in(plain, newsroom.editor.username)
    open_page(plain, f"/videos/{video.pk}/captions/")
    expect(plain.get_by_role("cell", name="English", exact=True)).to_be_visible()
    open_page(plain, f"/videos/{video.pk}/delete/")
    plain.get_by_role("button", name="Delete the video").click()
    expect(plain.get_by_text("The video and all its files are deleted.")).to_be_visible()
    assert not Video.objects.filter(pk=video.pk).exists()
    post.refresh_from_db()
    assert post.title == "Night shift handover, on video"
