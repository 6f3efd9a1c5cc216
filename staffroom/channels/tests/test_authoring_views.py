from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel, Post, PostAttachment, PostImage, PostRevision
from staffroom.channels.services import posts as services
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def department() -> Any:
    return DepartmentFactory(name="Emergency Department")


@pytest.fixture
def channel(department: Any) -> Channel:
    return ChannelFactory(
        kind=Channel.Kind.DEPARTMENT, department=department, name="Emergency", slug="emergency"
    )


@pytest.fixture
def editor(department: Any) -> Any:
    person = PersonFactory(unit=UnitFactory(department=department))
    RoleGrantFactory(person=person, role=Role.CHANNEL_EDITOR, department=department)
    return person


@pytest.fixture
def editor_client(client: Client, editor: Any) -> Client:
    client.force_login(editor)
    return client


@pytest.fixture
def colleague_client(department: Any) -> Client:
    """Someone in the department who reads but doesn't edit the channel."""
    client = Client()
    client.force_login(PersonFactory(unit=UnitFactory(department=department)))
    return client


@pytest.fixture
def outsider_client() -> Client:
    client = Client()
    client.force_login(PersonFactory())
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "New triage rota",
        "summary": "What changes from Monday.",
        "body": "The rota **changes** on Monday.",
        "tags": "rota, triage",
        "action": "publish",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def create_url(channel: Channel) -> str:
    return reverse("channels:post_create", kwargs={"slug": channel.slug})


# --- Creating --------------------------------------------------------------------------------


def test_the_blank_form_offers_three_actions_and_a_fresh_submission_key(
    editor_client: Client, channel: Channel
) -> None:
    response = editor_client.get(create_url(channel))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Save draft", "Publish now", "Schedule"):
        assert label in html
    assert 'name="submission_key"' in html
    assert "data-submit-once" in html
    assert "Leave empty for everyone" in html
    assert "<optgroup" in html  # departments grouped by site
    second = editor_client.get(create_url(channel)).content.decode()
    key = html.split('name="submission_key" value="')[1][:36]
    assert key not in second


def test_an_editor_publishes_a_post_and_is_sent_to_it(
    editor_client: Client, channel: Channel
) -> None:
    response = editor_client.post(create_url(channel), form_data())
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert post.status == Post.Status.PUBLISHED
    assert post.channel == channel
    assert sorted(post.tags.values_list("slug", flat=True)) == ["rota", "triage"]


def test_saving_a_draft_keeps_it_from_readers(editor_client: Client, channel: Channel) -> None:
    editor_client.post(create_url(channel), form_data(action="draft"))
    assert Post.objects.get().status == Post.Status.DRAFT


def test_scheduling_reads_the_time_in_the_site_time_zone(
    editor_client: Client, channel: Channel
) -> None:
    local = timezone.localtime() + timedelta(days=1)
    editor_client.post(
        create_url(channel),
        form_data(action="schedule", publish_at=local.strftime("%Y-%m-%dT%H:%M")),
    )
    post = Post.objects.get()
    assert post.status == Post.Status.SCHEDULED
    assert post.published_at is not None
    assert timezone.localtime(post.published_at).strftime("%Y-%m-%d %H:%M") == local.strftime(
        "%Y-%m-%d %H:%M"
    )


def test_scheduling_in_the_past_comes_back_with_the_text_and_stores_nothing(
    editor_client: Client, channel: Channel
) -> None:
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = editor_client.post(
        create_url(channel), form_data(action="schedule", publish_at=past)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a time in the future" in html
    assert 'href="#id_publish_at"' in html  # the summary links to the field
    assert "The rota **changes** on Monday." in html
    assert not Post.objects.exists()


def test_an_empty_title_and_body_come_back_with_an_error_summary(
    editor_client: Client, channel: Channel
) -> None:
    response = editor_client.post(
        create_url(channel), form_data(title="   ", body="", summary="Kept summary")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    assert 'href="#id_title"' in html
    assert 'href="#id_body"' in html
    assert "Kept summary" in html
    assert not Post.objects.exists()


def test_script_in_the_title_is_shown_escaped_on_the_form(
    editor_client: Client, channel: Channel
) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = editor_client.post(create_url(channel), form_data(title=payload, body=""))
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;alert" in html


def test_a_script_title_is_stored_as_text_and_escaped_on_the_edit_page(
    editor_client: Client, channel: Channel
) -> None:
    payload = '"><script>alert(1)</script>'
    editor_client.post(create_url(channel), form_data(title=payload))
    post = Post.objects.get()
    assert post.title == payload
    html = editor_client.get(reverse("channels:post_edit", kwargs={"pk": post.pk})).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_sending_the_same_form_twice_makes_one_post(
    editor_client: Client, channel: Channel
) -> None:
    data = form_data()
    first = editor_client.post(create_url(channel), data)
    second = editor_client.post(create_url(channel), data)
    assert Post.objects.count() == 1
    assert first["Location"] == second["Location"] == Post.objects.get().get_absolute_url()
    channel.refresh_from_db()
    assert channel.post_count == 1


def test_a_non_editor_gets_403_with_the_reason_on_the_new_post_form(
    colleague_client: Client, channel: Channel
) -> None:
    for response in (
        colleague_client.get(create_url(channel)),
        colleague_client.post(create_url(channel), form_data()),
    ):
        assert response.status_code == 403
    assert not Post.objects.exists()


def test_nobody_posts_in_an_archived_channel(editor_client: Client, channel: Channel) -> None:
    Channel.objects.filter(pk=channel.pk).update(is_archived=True)
    assert editor_client.get(create_url(channel)).status_code == 403


def test_an_image_with_the_post_is_stored_with_it(editor_client: Client, channel: Channel) -> None:
    upload = SimpleUploadedFile("team.png", png_bytes(), "image/png")
    editor_client.post(
        create_url(channel), {**form_data(), "image": upload, "alt_text": "The team at triage"}
    )
    image = PostImage.objects.get()
    assert image.post == Post.objects.get()
    assert image.alt_text == "The team at triage"


def test_an_image_without_a_description_stores_nothing_at_all(
    editor_client: Client, channel: Channel
) -> None:
    upload = SimpleUploadedFile("team.png", png_bytes(), "image/png")
    response = editor_client.post(create_url(channel), {**form_data(), "image": upload})
    assert response.status_code == 400
    assert "Describe the image" in response.content.decode()
    assert "choose the image or file again" in response.content.decode()
    assert not Post.objects.exists()
    assert not PostImage.objects.exists()


def test_a_disguised_attachment_on_the_form_stores_nothing(
    editor_client: Client, channel: Channel
) -> None:
    fake = SimpleUploadedFile("rota.pdf", b"MZ\x90\x00 an executable", "application/pdf")
    response = editor_client.post(create_url(channel), {**form_data(), "attachment": fake})
    assert response.status_code == 400
    assert not Post.objects.exists()
    assert not PostAttachment.objects.exists()


# --- Editing ---------------------------------------------------------------------------------


def test_an_editor_edits_a_post_and_a_revision_is_kept(
    editor_client: Client, channel: Channel, editor: Any
) -> None:
    post = PostFactory(channel=channel, author=editor, title="Old title")
    url = reverse("channels:post_edit", kwargs={"pk": post.pk})
    form = editor_client.get(url).content.decode()
    assert "Old title" in form
    assert "Save changes" in form
    response = editor_client.post(
        url,
        {"title": "New title", "body": post.body, "tags": "", "action": "save", "version": "1"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "New title"
    assert post.edited_at is not None
    assert PostRevision.objects.get(post=post).title == "Old title"


def test_editing_someone_elses_post_as_a_non_editor_is_403(
    colleague_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel, title="Keep me")
    url = reverse("channels:post_edit", kwargs={"pk": post.pk})
    assert colleague_client.get(url).status_code == 403
    response = colleague_client.post(url, {"title": "Hacked", "body": "x", "action": "save"})
    assert response.status_code == 403
    assert b"Only the editors of Emergency" in response.content
    post.refresh_from_db()
    assert post.title == "Keep me"


def test_a_post_you_cannot_see_is_404_even_to_edit(
    outsider_client: Client, channel: Channel, department: Any
) -> None:
    post = PostFactory(channel=channel, audience_departments=[department])
    url = reverse("channels:post_edit", kwargs={"pk": post.pk})
    assert outsider_client.get(url).status_code == 404


def test_a_draft_can_be_published_from_the_edit_form(
    editor_client: Client, channel: Channel, editor: Any
) -> None:
    post = services.create_post(
        channel=channel, author=editor, title="Draft", summary="", body="Body", tags=[]
    )
    editor_client.post(
        reverse("channels:post_edit", kwargs={"pk": post.pk}),
        {"title": "Draft", "body": "Body", "action": "publish", "version": post.version},
    )
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


# --- Status and pin ------------------------------------------------------------------------


def test_archiving_without_javascript_redirects_with_a_message(
    editor_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    response = editor_client.post(
        reverse("channels:post_status", kwargs={"pk": post.pk}), {"action": "archive"}
    )
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    post.refresh_from_db()
    assert post.status == Post.Status.ARCHIVED


def test_archiving_with_htmx_returns_the_controls(editor_client: Client, channel: Channel) -> None:
    post = PostFactory(channel=channel)
    response = editor_client.post(
        reverse("channels:post_status", kwargs={"pk": post.pk}), {"action": "archive"}, headers=HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="authoring-controls-{post.pk}"' in html
    assert "Restore" in html
    assert "<html" not in html


def test_scheduling_in_the_past_from_the_controls_explains_why(
    editor_client: Client, channel: Channel, editor: Any
) -> None:
    post = services.create_post(
        channel=channel, author=editor, title="Draft", summary="", body="Body", tags=[]
    )
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("channels:post_status", kwargs={"pk": post.pk})
    response = editor_client.post(url, {"action": "schedule", "publish_at": past}, headers=HX)
    assert response.status_code == 400
    assert "Choose a time in the future" in response.content.decode()
    response = editor_client.post(url, {"action": "schedule", "publish_at": past})
    assert response.status_code == 302
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Choose a time in the future" in m for m in told)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_a_non_editor_cannot_change_the_status(colleague_client: Client, channel: Channel) -> None:
    post = PostFactory(channel=channel)
    response = colleague_client.post(
        reverse("channels:post_status", kwargs={"pk": post.pk}), {"action": "archive"}
    )
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


def test_pinning_toggles_without_and_with_htmx(editor_client: Client, channel: Channel) -> None:
    post = PostFactory(channel=channel)
    url = reverse("channels:post_pin", kwargs={"pk": post.pk})
    response = editor_client.post(url)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.pinned_at is not None
    response = editor_client.post(url, headers=HX)
    assert response.status_code == 200
    assert "Pin to top" in response.content.decode()
    post.refresh_from_db()
    assert post.pinned_at is None


def test_a_fourth_pin_is_refused_with_the_reason(editor_client: Client, channel: Channel) -> None:
    for _n in range(3):
        editor_client.post(
            reverse("channels:post_pin", kwargs={"pk": PostFactory(channel=channel).pk})
        )
    fourth = PostFactory(channel=channel)
    response = editor_client.post(
        reverse("channels:post_pin", kwargs={"pk": fourth.pk}), headers=HX
    )
    assert response.status_code == 400
    assert "already has 3 pinned posts" in response.content.decode()


# --- Revisions -------------------------------------------------------------------------------


def edit_n_times(post: Post, editor: Any, n: int) -> None:
    for i in range(n):
        post = services.edit_post(
            post=post, editor=editor, title=f"Title {i}", summary="", body=f"Body {i}", tags=[]
        )


def test_revisions_compare_shows_insertions_and_deletions_escaped(
    editor_client: Client, channel: Channel, editor: Any
) -> None:
    post = PostFactory(channel=channel, title="Rota", body="The rota starts on Monday.")
    services.edit_post(
        post=post,
        editor=editor,
        title="Rota",
        summary="",
        body="The <b>new</b> rota starts on Tuesday.",
        tags=[],
    )
    url = reverse("channels:post_revisions", kwargs={"pk": post.pk})
    response = editor_client.get(url, {"old": "1", "new": "current"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<del>Monday.</del>" in html
    assert "<ins>Tuesday.</ins>" in html
    assert "&lt;b&gt;new&lt;/b&gt;" in html
    assert "<b>new</b>" not in html


def test_revisions_compare_with_htmx_returns_only_the_comparison(
    editor_client: Client, channel: Channel, editor: Any
) -> None:
    post = PostFactory(channel=channel)
    edit_n_times(post, editor, 2)
    url = reverse("channels:post_revisions", kwargs={"pk": post.pk})
    response = editor_client.get(url, {"old": "1", "new": "2"}, headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card revision-diff" id="comparison"')
    assert "From Version 1 to Version 2" in html


def test_revisions_are_for_editors_only(colleague_client: Client, channel: Channel) -> None:
    post = PostFactory(channel=channel)
    url = reverse("channels:post_revisions", kwargs={"pk": post.pk})
    assert colleague_client.get(url).status_code == 403


def test_the_revisions_page_makes_the_same_queries_for_2_and_20_revisions(
    editor_client: Client,
    channel: Channel,
    editor: Any,
    query_count: Callable[[Callable[[], object]], int],
) -> None:
    small, large = PostFactory(channel=channel), PostFactory(channel=channel)
    edit_n_times(small, editor, 2)
    edit_n_times(large, editor, 20)
    editor_client.get(reverse("channels:post_revisions", kwargs={"pk": small.pk}))  # warm up

    def page(post: Post) -> Callable[[], object]:
        return lambda: editor_client.get(reverse("channels:post_revisions", kwargs={"pk": post.pk}))

    assert query_count(page(small)) == query_count(page(large))


# --- Images and attachments pages, and serving files ----------------------------------------


def stored_image(post: Post) -> PostImage:
    return PostImage.objects.create(
        post=post, image=ContentFile(png_bytes(), name="x.png"), alt_text="The team"
    )


def stored_attachment(post: Post) -> PostAttachment:
    body = b"%PDF-1.4\n%%EOF\n"
    return PostAttachment.objects.create(
        post=post,
        file=ContentFile(body, name="x.pdf"),
        original_name="Rota December.pdf",
        content_type="application/pdf",
        size_bytes=len(body),
    )


def test_an_image_is_served_inline_to_people_who_may_see_the_post(
    colleague_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    image = stored_image(post)
    response = colleague_client.get(
        reverse("channels:post_image", kwargs={"pk": post.pk, "image_id": image.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == "inline"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert response.getvalue().startswith(b"\x89PNG")


def test_an_attachment_is_served_as_a_download_with_its_safe_name(
    colleague_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    attachment = stored_attachment(post)
    response = colleague_client.get(
        reverse("channels:post_attachment", kwargs={"pk": post.pk, "attachment_id": attachment.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Rota December.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_outsiders_get_404_for_the_image_and_attachment_of_a_restricted_post(
    outsider_client: Client, channel: Channel, department: Any
) -> None:
    post = PostFactory(channel=channel, audience_departments=[department])
    image, attachment = stored_image(post), stored_attachment(post)
    image_url = reverse("channels:post_image", kwargs={"pk": post.pk, "image_id": image.pk})
    file_url = reverse(
        "channels:post_attachment", kwargs={"pk": post.pk, "attachment_id": attachment.pk}
    )
    assert outsider_client.get(image_url).status_code == 404
    assert outsider_client.get(file_url).status_code == 404
    assert Client().get(image_url).status_code == 302  # signed out: to the sign-in page


def test_files_of_a_draft_are_404_to_readers(colleague_client: Client, channel: Channel) -> None:
    post = PostFactory(channel=channel, status=Post.Status.DRAFT, published_at=None)
    image = stored_image(post)
    url = reverse("channels:post_image", kwargs={"pk": post.pk, "image_id": image.pk})
    assert colleague_client.get(url).status_code == 404


def test_an_image_of_another_post_is_404(colleague_client: Client, channel: Channel) -> None:
    post, other = PostFactory(channel=channel), PostFactory(channel=channel)
    image = stored_image(other)
    url = reverse("channels:post_image", kwargs={"pk": post.pk, "image_id": image.pk})
    assert colleague_client.get(url).status_code == 404


def test_removing_an_image_without_javascript_redirects(
    editor_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    image = stored_image(post)
    url = reverse("channels:post_images", kwargs={"pk": post.pk})
    response = editor_client.post(url, {"remove": image.pk})
    assert response.status_code == 302
    assert not PostImage.objects.exists()


def test_removing_an_image_with_htmx_returns_the_list(
    editor_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    image, kept = stored_image(post), stored_image(post)
    url = reverse("channels:post_images", kwargs={"pk": post.pk})
    response = editor_client.post(url, {"remove": image.pk}, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="images"')
    assert f"images/{kept.pk}/" in html
    assert f"images/{image.pk}/" not in html


def test_uploading_an_image_on_its_page_needs_a_description(
    editor_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    url = reverse("channels:post_images", kwargs={"pk": post.pk})
    upload = SimpleUploadedFile("team.png", png_bytes(), "image/png")
    response = editor_client.post(url, {"image": upload, "alt_text": ""})
    assert response.status_code == 400
    assert "Describe the image" in response.content.decode()
    assert not PostImage.objects.exists()


def test_uploading_an_image_on_its_page_with_and_without_htmx(
    editor_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    url = reverse("channels:post_images", kwargs={"pk": post.pk})
    upload = SimpleUploadedFile("team.png", png_bytes(), "image/png")
    response = editor_client.post(url, {"image": upload, "alt_text": "The night team"})
    assert response.status_code == 302
    upload = SimpleUploadedFile("team2.png", png_bytes(), "image/png")
    response = editor_client.post(url, {"image": upload, "alt_text": "Team two"}, headers=HX)
    assert response.status_code == 200
    assert "Team two" in response.content.decode()
    assert PostImage.objects.count() == 2


def test_attaching_a_file_on_its_page_with_and_without_htmx(
    editor_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    url = reverse("channels:post_attachments", kwargs={"pk": post.pk})
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    upload = SimpleUploadedFile("rota.pdf", pdf, "application/pdf")
    assert editor_client.post(url, {"attachment": upload}).status_code == 302
    upload = SimpleUploadedFile("rota2.pdf", pdf, "application/pdf")
    response = editor_client.post(url, {"attachment": upload}, headers=HX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="attachments"')
    assert PostAttachment.objects.count() == 2


def test_the_images_and_attachments_pages_are_for_editors_only(
    colleague_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    for name in ("channels:post_images", "channels:post_attachments"):
        assert colleague_client.get(reverse(name, kwargs={"pk": post.pk})).status_code == 403


@pytest.mark.parametrize("name", ["channels:post_images", "channels:post_attachments"])
def test_the_files_pages_make_the_same_queries_for_2_and_12_files(
    editor_client: Client,
    channel: Channel,
    name: str,
    query_count: Callable[[Callable[[], object]], int],
) -> None:
    small, large = PostFactory(channel=channel), PostFactory(channel=channel)
    for post, n in ((small, 2), (large, 12)):
        for _i in range(n):
            stored_image(post)
            stored_attachment(post)
    editor_client.get(reverse(name, kwargs={"pk": small.pk}))  # warm up

    def page(post: Post) -> Callable[[], object]:
        return lambda: editor_client.get(reverse(name, kwargs={"pk": post.pk}))

    assert query_count(page(small)) == query_count(page(large))


def test_the_post_page_may_name_the_status_to_reach(
    editor_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    url = reverse("channels:post_status", kwargs={"pk": post.pk})
    editor_client.post(url, {"status": "archived"})
    post.refresh_from_db()
    assert post.status == Post.Status.ARCHIVED


def test_pinning_twice_by_a_double_click_stays_pinned(
    editor_client: Client, channel: Channel
) -> None:
    post = PostFactory(channel=channel)
    url = reverse("channels:post_pin", kwargs={"pk": post.pk})
    editor_client.post(url, {"pinned": "1"})
    editor_client.post(url, {"pinned": "1"})
    post.refresh_from_db()
    assert post.pinned_at is not None
    editor_client.post(url, {"pinned": "0"})
    post.refresh_from_db()
    assert post.pinned_at is None


def test_a_script_title_is_escaped_on_the_post_page(
    editor_client: Client, colleague_client: Client, channel: Channel
) -> None:
    payload = '<script>alert("title")</script>'
    editor_client.post(create_url(channel), form_data(title=payload, summary=payload))
    post = Post.objects.get()
    html = colleague_client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in html


def test_the_edit_form_shows_the_audience_and_time_zone(
    editor_client: Client, channel: Channel, editor: Any, department: Any
) -> None:
    post = services.create_post(
        channel=channel,
        author=editor,
        title="For the ED",
        summary="",
        body="Body",
        tags=["rota"],
        audience_departments=[department],
    )
    html = editor_client.get(reverse("channels:post_edit", kwargs={"pk": post.pk})).content
    page = html.decode()
    assert f'<option value="{department.pk}" selected>' in page
    assert 'value="rota"' in page
    assert timezone.get_current_timezone_name() in page


def test_double_clicking_publish_with_an_image_makes_one_post_with_one_image(
    editor_client: Client, channel: Channel
) -> None:
    data = form_data(alt_text="The team at triage")
    for _click in range(2):
        upload = SimpleUploadedFile("team.png", png_bytes(), "image/png")
        response = editor_client.post(create_url(channel), {**data, "image": upload})
        assert response.status_code == 302
    assert Post.objects.count() == 1
    assert PostImage.objects.count() == 1


def test_sending_the_same_edit_form_twice_adds_its_image_once(
    editor_client: Client, channel: Channel, editor: Any
) -> None:
    post = PostFactory(channel=channel, author=editor)
    url = reverse("channels:post_edit", kwargs={"pk": post.pk})
    html = editor_client.get(url).content.decode()
    key = html.split('name="submission_key" value="')[1][:36]
    for _click in range(2):
        upload = SimpleUploadedFile("team.png", png_bytes(), "image/png")
        data = {
            "title": "Edited",
            "body": post.body,
            "action": "save",
            "version": "1",
            "submission_key": key,
            "image": upload,
            "alt_text": "The night team",
        }
        assert editor_client.post(url, data).status_code == 302
    assert PostImage.objects.filter(post=post).count() == 1
    post.refresh_from_db()
    assert post.title == "Edited"


def test_a_corrected_edit_form_can_be_sent_with_the_same_key(
    editor_client: Client, channel: Channel, editor: Any
) -> None:
    post = PostFactory(channel=channel, author=editor)
    url = reverse("channels:post_edit", kwargs={"pk": post.pk})
    data = {"title": "", "body": post.body, "action": "save", "version": "1"}
    data["submission_key"] = str(uuid.uuid4())
    assert editor_client.post(url, data).status_code == 400
    assert editor_client.post(url, {**data, "title": "Fixed"}).status_code == 302
    post.refresh_from_db()
    assert post.title == "Fixed"


def test_double_clicking_publish_now_publishes_once_without_an_error(
    editor_client: Client, channel: Channel, editor: Any
) -> None:
    post = services.create_post(
        channel=channel, author=editor, title="Draft", summary="", body="Body", tags=[]
    )
    url = reverse("channels:post_status", kwargs={"pk": post.pk})
    for _click in range(2):
        response = editor_client.post(url, {"action": "publish"})
        told = {m.level_tag for m in get_messages(response.wsgi_request)}
        assert told == {"success"}
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    channel.refresh_from_db()
    assert channel.post_count == 1
