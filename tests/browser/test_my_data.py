"""A nurse downloads everything Staffroom holds about her, from her settings page."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import Page, expect

from staffroom.audit.models import AuditEntry
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.services import post_comment
from tests.browser.conftest import Hospital
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_downloads_her_data_as_a_zip_she_can_read(page: Page, hospital: Hospital) -> None:
    post = PostFactory(title="Night shift handover")
    post_comment(thread=post.thread, author=hospital.nurse, body="We <b>need</b> a checklist")
    post_comment(thread=post.thread, author=hospital.colleague, body="Priya's own words")

    sign_in(page, "grace.okafor")
    page.goto("/me/")
    page.get_by_role("link", name="Download your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("staffroom-my-data-")
    assert download.suggested_filename.endswith(".zip")

    with zipfile.ZipFile(download.path()) as archive:
        names = set(archive.namelist())
        assert {"README.html", "profile.json", "comments.json", "comments.html"} <= names
        profile = json.loads(archive.read("profile.json"))[0]
        comments = json.loads(archive.read("comments.json"))
        comments_html = archive.read("comments.html").decode("utf-8")
        everything = b"".join(archive.read(name) for name in names).decode("utf-8")
    assert profile["username"] == "grace.okafor"
    assert profile["manager"] == "Priya Ramanathan"
    assert [c["body_markdown"] for c in comments] == ["We <b>need</b> a checklist"]
    assert comments[0]["subject_title"] == "Night shift handover"
    assert "&lt;b&gt;need&lt;/b&gt;" in comments_html
    assert "Priya's own words" not in everything

    # The page is still there after the download, and the download is on the record.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    assert AuditEntry.objects.filter(action="exported", actor=hospital.nurse).exists()
