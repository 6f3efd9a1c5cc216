"""A privacy officer searches the audit trail and downloads what she found."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditEntry
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_privacy_officer_finds_a_nurses_sign_ins_and_downloads_them_as_csv(
    page: Page, hospital: Hospital, new_context: NewContext
) -> None:
    officer = PersonFactory(
        username="pat.privacy", first_name="Pat", last_name="Privacy", unit=hospital.unit
    )
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    # Someone fails to sign in as Grace, then she signs in (in her own browser).
    nurse_page = new_context().new_page()
    nurse_page.goto("/account/sign-in/")
    nurse_page.get_by_label("Username or employee ID").fill("grace.okafor")
    nurse_page.get_by_label("Password", exact=True).fill("not her password")
    nurse_page.get_by_role("button", name="Sign in").click()
    expect(nurse_page.get_by_role("alert")).to_be_visible()
    sign_in(nurse_page, "grace.okafor")

    sign_in(page, "pat.privacy")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    assert_accessible(page)

    page.get_by_label("Who (username)").fill("grace.okafor")
    page.get_by_label("Action").select_option(label="Signed in")
    page.get_by_role("search", name="Search the audit trail").get_by_role(
        "button", name="Search"
    ).click()
    rows = page.locator("#audit-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("grace.okafor")
    expect(rows.first).to_contain_text("Signed in")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these entries (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("audit-trail-")
    with open(download.path(), encoding="utf-8") as handle:
        exported = list(csv.DictReader(io.StringIO(handle.read())))
    assert [(row["actor_username"], row["action"]) for row in exported] == [
        ("grace.okafor", "signed_in")
    ]
    # The download itself is on the record.
    assert AuditEntry.objects.filter(action="exported", actor=officer).exists()
