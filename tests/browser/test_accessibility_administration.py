"""The administrators' pages pass axe-core's WCAG 2.2 AA checks, in each state they show."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from staffroom.organisation.models import DirectoryImport
from staffroom.organisation.services.directory_import import (
    apply_directory_import,
    create_directory_import,
)
from tests.browser.conftest import Hospital
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Visit = Callable[[Page, Hospital], None]
ADMIN = "it.admin"
IMPORT_HEADER = "employee_id,first_name,last_name,job_title,unit\n"
NEW_STARTER = "E900001,Olumide,Adeyemi,Healthcare Assistant,ed-majors\n"
BAD_ROW = "E900002,Rosa,Delgado,Porter,ward-99\n"


def _import(hospital: Hospital, *rows: str, apply: bool = False) -> DirectoryImport:
    """An import reached through the services, as the upload pages reach it."""
    record = create_directory_import(
        file_name="directory.csv",
        data=(IMPORT_HEADER + "".join(rows)).encode(),
        full_snapshot=False,
        uploaded_by=hospital.administrator,
    )
    if apply:
        record = apply_directory_import(directory_import=record, actor=hospital.administrator)
    return record


def _promotion(hospital: Hospital) -> str:
    """A row that changes someone already in the directory."""
    nurse = hospital.nurse
    return f"{nurse.employee_id},{nurse.first_name},{nurse.last_name},Senior Nurse,ed-majors\n"


def _home(page: Page, hospital: Hospital) -> None:
    open_page(page, "/")
    expect(page.get_by_role("link", name="Import the staff directory")).to_be_visible()


def _import_list(page: Page, hospital: Hospital) -> None:
    open_page(page, "/manage/directory/")


def _import_list_with_history(page: Page, hospital: Hospital) -> None:
    _import(hospital, NEW_STARTER, apply=True)
    _import(hospital, BAD_ROW)
    open_page(page, "/manage/directory/")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(3)


def _import_checked(page: Page, hospital: Hospital) -> None:
    record = _import(hospital, NEW_STARTER, _promotion(hospital))
    open_page(page, f"/manage/directory/{record.pk}/")
    expect(page.get_by_role("button", name="Apply these changes")).to_be_visible()


def _import_rejected(page: Page, hospital: Hospital) -> None:
    record = _import(hospital, NEW_STARTER, BAD_ROW)
    open_page(page, f"/manage/directory/{record.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed")


def _import_applied(page: Page, hospital: Hospital) -> None:
    record = _import(hospital, NEW_STARTER, _promotion(hospital), apply=True)
    open_page(page, f"/manage/directory/{record.pk}/")
    expect(page.get_by_role("main")).to_contain_text("What changed")


PAGES: dict[str, Visit] = {
    "home_of_an_administrator": _home,
    "directory_import_list": _import_list,
    "directory_import_list_with_history": _import_list_with_history,
    "directory_import_checked": _import_checked,
    "directory_import_rejected": _import_rejected,
    "directory_import_applied": _import_applied,
}


@pytest.mark.parametrize("visit", PAGES.values(), ids=PAGES.keys())
def test_the_administration_page_has_no_serious_accessibility_problems(
    page: Page, hospital: Hospital, visit: Visit
) -> None:
    sign_in(page, ADMIN)
    visit(page, hospital)
    assert_accessible(page)


def test_the_directory_import_page_with_an_upload_error_has_no_serious_accessibility_problems(
    page: Page, hospital: Hospital, tmp_path: Path
) -> None:
    empty_file = tmp_path / "empty.csv"
    empty_file.write_bytes(b"")
    sign_in(page, ADMIN)
    page.goto("/manage/directory/")
    page.get_by_label("Directory file (CSV)").set_input_files(empty_file)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("alert")).to_contain_text("The file is empty.")
    assert_accessible(page)
