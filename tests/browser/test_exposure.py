"""A privacy officer marks a published post as patient information, reads who saw it,
downloads the report and purges the post; a colleague then finds nothing."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.tests.factories import PostFactory
from staffroom.privacy.models import ExposureReport, Tombstone
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "wqxlorbtz"


def test_a_privacy_officer_marks_a_post_reads_the_report_and_purges_it(
    page: Page, hospital: Hospital, new_context: NewContext
) -> None:
    officer = PersonFactory(
        username="pat.privacy", first_name="Pat", last_name="Privacy", unit=hospital.unit
    )
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    post = PostFactory(
        author=hospital.administrator,
        title=f"Handover for {SECRET}",
        body=f"Bed 4: {SECRET} moved to ICU.",
    )
    record_post_view(post=post, person=hospital.colleague)

    sign_in(page, "pat.privacy")
    open_page(page, post.get_absolute_url())
    page.get_by_role("link", name="Mark as patient information").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark as patient information")
    assert_accessible(page)
    page.get_by_label("Why is this patient information?").fill("A patient's name in the title")
    page.get_by_role("button", name="Mark as patient information").click()

    report = ExposureReport.objects.get()
    expect(page).to_have_url(re.compile(re.escape(report.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Exposure report {report.pk}")
    saw = page.get_by_role("region", name="Who saw it, how and when").first
    expect(saw).to_contain_text("Priya Ramanathan")
    expect(saw).to_contain_text("Opened the page")
    expect(page.get_by_text("Email: Staffroom sends none yet")).to_be_visible()
    assert_accessible(page)

    download = page.request.get(
        page.get_by_role("link", name="Download the report (CSV)").get_attribute("href") or ""
    )
    assert download.status == 200
    rows = list(csv.DictReader(io.StringIO(download.text())))
    # Pat opened the post herself before marking it: that view is on the record too.
    assert {row["username"] for row in rows if row["list"] == "saw"} == {
        "priya.ramanathan",
        "pat.privacy",
    }
    assert AuditEntry.objects.filter(action=AuditAction.EXPORTED, actor=officer).exists()

    page.get_by_label("I understand the words and files will be deleted for good.").check()
    page.get_by_role("button", name="Purge it for good").click()
    tombstone = Tombstone.objects.get()
    expect(page.get_by_text(tombstone.content_sha256)).to_be_visible()
    assert_accessible(page)

    open_page(page, "/privacy/exposure/")
    expect(page.get_by_role("link", name=report.item_label)).to_be_visible()
    assert_accessible(page)

    colleague = new_context().new_page()
    sign_in(colleague, "priya.ramanathan")
    open_page(colleague, post.get_absolute_url(), status=404)
    assert SECRET not in colleague.content()
