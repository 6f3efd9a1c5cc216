"""An administrator brings new starters in from the HR system's CSV export."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Person
from tests.browser.conftest import Hospital
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "employee_id,first_name,last_name,email,job_title,job_family,unit\n"
NEW_STARTER = (
    "E900001,Olumide,Adeyemi,olumide.adeyemi@riverside.example,"
    "Healthcare Assistant,nursing,ed-majors\n"
)
UNKNOWN_UNIT = "E900002,Rosa,Delgado,rosa.delgado@riverside.example,Porter,nursing,ward-99\n"


def _upload(page: Page, csv_file: Path) -> None:
    """Open the import page from the home page and have the file checked, as everyone-listed
    is the default and new starters are only some people."""
    page.goto("/")
    page.get_by_role("link", name="Import the staff directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import the staff directory")
    page.get_by_label("Directory file (CSV)").set_input_files(csv_file)
    page.get_by_label("This file lists everyone; people missing from it have left").uncheck()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Directory file {csv_file.name}")


def test_an_administrator_checks_and_applies_a_file_and_the_new_starter_is_in_the_directory(
    page: Page, hospital: Hospital, tmp_path: Path
) -> None:
    csv_file = tmp_path / "new-starters.csv"
    csv_file.write_text(HEADER + NEW_STARTER, encoding="utf-8")
    sign_in(page, "it.admin")

    _upload(page, csv_file)

    main = page.get_by_role("main")
    expect(main).to_contain_text("The file passed every check. Nothing has changed yet")
    expect(main.locator(".stat", has_text="people added")).to_contain_text("1")
    expect(main.locator(".stat", has_text="marked as left")).to_contain_text("0")
    added = page.get_by_role("region", name="People added")
    expect(added.get_by_role("row", name="Olumide Adeyemi")).to_contain_text("E900001")
    assert not Person.objects.filter(employee_id="E900001").exists()

    page.get_by_role("button", name="Apply these changes").click()

    expect(page.get_by_role("status")).to_contain_text(
        "The staff directory is updated: 1 added, 0 changed, 0 marked as left."
    )
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    search_box = page.get_by_role("searchbox", name="Name, job title or department")
    search_box.fill("adeyemi")
    search_box.press("Enter")
    page.locator("#results").get_by_role("link", name="Olumide Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Olumide Adeyemi")
    expect(page.get_by_role("main")).to_contain_text("Healthcare Assistant")
    expect(page.get_by_role("link", name="ED Majors")).to_be_visible()


def test_a_file_with_a_bad_row_names_the_line_and_changes_nothing(
    page: Page, hospital: Hospital, tmp_path: Path
) -> None:
    csv_file = tmp_path / "starters-with-a-typo.csv"
    csv_file.write_text(HEADER + NEW_STARTER + UNKNOWN_UNIT, encoding="utf-8")
    sign_in(page, "it.admin")

    _upload(page, csv_file)

    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed")
    problems = page.get_by_role("table", name="Problems, by line of the file")
    expect(problems.get_by_role("row")).to_have_count(2)  # the header row and one problem
    problem = problems.get_by_role("row").nth(1)
    expect(problem.get_by_role("rowheader")).to_have_text("3")
    expect(problem).to_contain_text("E900002")
    expect(problem).to_contain_text("There is no unit with the code “ward-99”")
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)
    # The good row on line 2 is not applied either: a file goes in whole or not at all.
    assert not Person.objects.filter(employee_id__in=["E900001", "E900002"]).exists()
    page.goto("/people/?q=adeyemi")
    expect(page.locator("#results .person-card")).to_have_count(0)
