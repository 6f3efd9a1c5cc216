"""The HR directory import: checking, applying, the DirectoryImport record and the command."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import time_machine
from django.contrib.auth.hashers import is_password_usable
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.organisation.models import DirectoryImport, Unit
from staffroom.organisation.services import update_profile_settings
from staffroom.organisation.services.directory_import import (
    KEPT_ERRORS,
    WRITE_BATCH,
    DirectoryFileError,
    ImportPlan,
    ImportResult,
    apply_directory_file,
    apply_directory_import,
    check_directory_file,
    create_directory_import,
    purge_stale_directory_files,
    writing,
)
from staffroom.organisation.tests.factories import JobFamilyFactory, UnitFactory

T = TypeVar("T")

COLUMNS = [
    "employee_id",
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "job_title",
    "job_family",
    "unit",
    "manager_employee_id",
    "shift_pattern",
    "preferred_language",
    "status",
    "left_on",
    "username",
]


def row(n: int, **values: str) -> dict[str, str]:
    """One employee as the HR system would export them."""
    return {
        "employee_id": f"H{n:05d}",
        "first_name": "Ana",
        "last_name": f"Garcia{n}",
        "preferred_name": "",
        "email": f"ana.garcia{n}@riverside.example",
        "job_title": "Registered Nurse",
        "job_family": "nursing",
        "unit": "4-west",
        "manager_employee_id": "",
        "shift_pattern": "days",
        "preferred_language": "",
        "status": "active",
        "left_on": "",
        "username": "",
        **values,
    }


def make_csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def directory_people() -> dict[str | None, Person]:
    return {p.employee_id: p for p in Person.objects.filter(from_directory=True)}


def writes(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def problems(data: bytes, *, full_snapshot: bool = True) -> list[tuple[int, str]]:
    return [
        (e.line, e.message)
        for e in check_directory_file(data=data, full_snapshot=full_snapshot).errors
    ]


@pytest.fixture
def units(db: None) -> dict[str, Unit]:
    JobFamilyFactory(code="nursing", name="Nursing")
    JobFamilyFactory(code="support", name="Support services")
    west = UnitFactory(code="4-west", name="4 West Medical-Surgical")
    icu = UnitFactory(code="icu", name="Intensive Care")
    return {"4-west": west, "icu": icu}


# --- Creating, changing, deactivating ---------------------------------------------------------


def test_a_first_import_creates_everyone_ready_for_single_sign_on(units):
    data = make_csv([row(1, unit="icu", preferred_name="Annie"), row(2, username="agarcia2")])

    result = apply_directory_file(data=data, full_snapshot=True, actor=None)

    assert (result.created, result.changed, result.deactivated, result.unchanged) == (2, 0, 0, 0)
    people = directory_people()
    first = people["H00001"]
    assert first.username == "h00001"
    assert first.unit == units["icu"]
    assert first.department_id == units["icu"].department_id
    assert first.sort_name == "garcia1 annie"
    assert first.job_family is not None
    assert first.job_family.code == "nursing"
    assert first.preferred_language == "en"
    assert first.is_active
    assert first.left_on is None
    assert not is_password_usable(first.password)
    assert people["H00002"].username == "agarcia2"
    units["icu"].refresh_from_db()
    assert units["icu"].people_count == 1


def test_a_changed_row_updates_only_what_changed_and_the_plan_names_the_fields(units):
    apply_directory_file(data=make_csv([row(1), row(2)]), full_snapshot=True, actor=None)
    data = make_csv([row(1, job_title="Charge Nurse", unit="icu"), row(2)])

    plan = check_directory_file(data=data, full_snapshot=True)
    with CaptureQueriesContext(connection) as ctx:
        result = apply_directory_file(data=data, full_snapshot=True, actor=None)

    assert [
        (c.employee_id, {f.column: (f.old, f.new) for f in c.fields}) for c in plan.changes
    ] == [
        ("H00001", {"job_title": ("Registered Nurse", "Charge Nurse"), "unit": ("4-west", "icu")})
    ]
    assert (result.created, result.changed, result.unchanged) == (0, 1, 1)
    person_updates = [sql for sql in writes(ctx) if sql.startswith('UPDATE "accounts_person"')]
    assert len(person_updates) == 1
    assert '"job_title"' in person_updates[0]
    assert '"email"' not in person_updates[0]
    moved = Person.objects.get(employee_id="H00001")
    assert (moved.job_title, moved.unit, moved.department) == (
        "Charge Nurse",
        units["icu"],
        units["icu"].department,
    )


def test_people_missing_from_a_full_file_are_deactivated_and_keep_everything(units):
    apply_directory_file(
        data=make_csv([row(1), row(2, manager_employee_id="H00001")]),
        full_snapshot=True,
        actor=None,
    )
    leaver = Person.objects.get(employee_id="H00001")
    RoleGrant.objects.create(person=leaver, role=Role.IDEA_REVIEWER)

    result = apply_directory_file(
        data=make_csv([row(2, manager_employee_id="")]), full_snapshot=True, actor=None
    )

    assert result.deactivated == 1
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert leaver.left_on == timezone.localdate()
    assert leaver.role_grants.count() == 1  # nothing of theirs is deleted
    units["4-west"].refresh_from_db()
    assert units["4-west"].people_count == 1


def test_local_accounts_are_never_deactivated_for_missing_from_the_file(units, administrator):
    apply_directory_file(data=make_csv([row(1)]), full_snapshot=True, actor=administrator)

    administrator.refresh_from_db()
    assert administrator.is_active


def test_partial_mode_creates_and_updates_but_deactivates_nobody(units):
    apply_directory_file(data=make_csv([row(1), row(2)]), full_snapshot=True, actor=None)

    result = apply_directory_file(
        data=make_csv([row(2, job_title="Ward Clerk"), row(3)]), full_snapshot=False, actor=None
    )

    assert (result.created, result.changed, result.deactivated) == (1, 1, 0)
    assert Person.objects.get(employee_id="H00001").is_active


def test_a_row_with_status_left_deactivates_and_a_return_reactivates(units):
    apply_directory_file(data=make_csv([row(1)]), full_snapshot=True, actor=None)

    apply_directory_file(
        data=make_csv([row(1, status="left", left_on="2025-03-31")]),
        full_snapshot=False,
        actor=None,
    )
    person = Person.objects.get(employee_id="H00001")
    assert (person.is_active, person.left_on) == (False, date(2025, 3, 31))

    apply_directory_file(data=make_csv([row(1)]), full_snapshot=False, actor=None)
    person.refresh_from_db()
    assert (person.is_active, person.left_on) == (True, None)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(units):
    data = make_csv(
        [
            row(1),
            row(2, manager_employee_id="H00001", preferred_name="Tony"),
            row(3, status="left", left_on="2025-01-15", manager_employee_id="H00002"),
            row(4, status="left"),
        ]
    )
    apply_directory_file(data=data, full_snapshot=True, actor=None)

    with CaptureQueriesContext(connection) as ctx:
        result = apply_directory_file(data=data, full_snapshot=True, actor=None)

    assert (result.created, result.changed, result.deactivated, result.unchanged) == (0, 0, 0, 4)
    assert writes(ctx) == []


def test_an_existing_local_account_with_the_employee_id_is_taken_over_by_the_directory(units):
    local = PersonFactory(employee_id="H00001", username="ana.local")

    plan = check_directory_file(data=make_csv([row(1)]), full_snapshot=True)
    apply_directory_file(data=make_csv([row(1)]), full_snapshot=True, actor=None)

    assert [f.column for f in plan.changes[0].fields if f.column == "source"] == ["source"]
    local.refresh_from_db()
    assert local.from_directory
    assert local.username == "ana.local"  # a blank username keeps the one they sign in with


def test_a_blank_preferred_name_or_language_keeps_what_the_person_chose(units):
    apply_directory_file(data=make_csv([row(1)]), full_snapshot=True, actor=None)
    update_profile_settings(
        person=Person.objects.get(employee_id="H00001"),
        preferred_name="Annie",
        preferred_language="es",
    )

    result = apply_directory_file(data=make_csv([row(1)]), full_snapshot=True, actor=None)

    assert result.unchanged == 1
    person = Person.objects.get(employee_id="H00001")
    assert (person.preferred_name, person.preferred_language) == ("Annie", "es")


def test_columns_left_out_of_the_file_are_not_touched(units):
    apply_directory_file(
        data=make_csv([row(1, job_title="Porter")]), full_snapshot=True, actor=None
    )
    slim = ["employee_id", "first_name", "last_name"]

    result = apply_directory_file(
        data=make_csv([{k: v for k, v in row(1).items() if k in slim}], slim),
        full_snapshot=True,
        actor=None,
    )

    assert result.unchanged == 1
    assert Person.objects.get(employee_id="H00001").job_title == "Porter"


def test_header_names_are_read_in_any_case_and_order_and_a_bom_is_accepted(units):
    data = "\ufeffLast Name,EMPLOYEE_ID,First-Name,Unit\r\nOkafor,H1,Chidi,ICU\r\n".encode()

    apply_directory_file(data=data, full_snapshot=True, actor=None)

    person = Person.objects.get(employee_id="H1")
    assert (person.first_name, person.last_name, person.unit) == ("Chidi", "Okafor", units["icu"])


def test_a_semicolon_separated_export_is_read(units):
    data = b"employee_id;first_name;last_name\nH1;Chidi;Okafor\n"

    assert check_directory_file(data=data, full_snapshot=True).errors == []


def test_managers_later_in_the_file_and_already_in_staffroom_are_linked(units):
    boss = PersonFactory(employee_id="B1", unit=units["icu"])
    data = make_csv(
        [row(1, manager_employee_id="H00002"), row(2, manager_employee_id="B1"), row(3)]
    )

    apply_directory_file(data=data, full_snapshot=True, actor=None)

    people = directory_people()
    assert people["H00001"].manager == people["H00002"]
    assert people["H00002"].manager == boss
    assert people["H00003"].manager is None


def test_a_change_of_manager_to_someone_new_in_the_same_file_is_applied(units):
    apply_directory_file(data=make_csv([row(1), row(2)]), full_snapshot=True, actor=None)

    result = apply_directory_file(
        data=make_csv([row(1, manager_employee_id="H00003"), row(2), row(3)]),
        full_snapshot=True,
        actor=None,
    )

    assert (result.created, result.changed) == (1, 1)
    people = directory_people()
    assert people["H00001"].manager == people["H00003"]


# --- Rejected files ---------------------------------------------------------------------------


def test_one_bad_row_rejects_the_whole_file_and_names_its_line(units):
    apply_directory_file(data=make_csv([row(1)]), full_snapshot=True, actor=None)
    data = make_csv([row(1, job_title="Changed"), row(2), row(3, unit="nowhere")])

    with pytest.raises(DirectoryFileError) as caught:
        apply_directory_file(data=data, full_snapshot=True, actor=None)

    assert [(e.line, e.employee_id) for e in caught.value.plan.errors] == [(4, "H00003")]
    assert "nowhere" in caught.value.plan.errors[0].message
    assert Person.objects.get(employee_id="H00001").job_title == "Registered Nurse"
    assert not Person.objects.filter(employee_id="H00002").exists()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"first_name": ""}, "“first_name” is empty"),
        ({"employee_id": ""}, "“employee_id” is empty"),
        ({"email": "ana at riverside"}, "not a valid email address"),
        ({"unit": "7-north"}, "no unit with the code “7-north”"),
        ({"job_family": "astronauts"}, "no job family with the code “astronauts”"),
        ({"manager_employee_id": "X999"}, "“X999” is neither in this file nor in Staffroom"),
        ({"shift_pattern": "sometimes"}, "shift pattern “sometimes” is not one of"),
        ({"preferred_language": "fr"}, "language “fr” is not one of: en, es"),
        ({"status": "retired"}, "status “retired” is not one of: active, left"),
        ({"status": "left", "left_on": "31/03/2025"}, "not a date written as YYYY-MM-DD"),
        ({"left_on": "2025-03-31"}, "the status is active"),
        ({"username": "ana garcia"}, "may only contain letters"),
        ({"employee_id": "H 1"}, "can't be used as a username"),
        ({"last_name": "x" * 101}, "longer than 100 characters"),
    ],
)
def test_each_kind_of_bad_value_is_reported_on_its_line(units, values, expected):
    errors = problems(make_csv([row(1), row(2, **values)]))

    assert len(errors) == 1
    assert errors[0][0] == 3
    assert expected in errors[0][1]


def test_a_leaving_date_in_the_future_is_refused(units):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    errors = problems(make_csv([row(1, status="left", left_on=tomorrow)]))

    assert "in the future" in errors[0][1]


def test_a_repeated_employee_id_names_both_lines(units):
    errors = problems(make_csv([row(1), row(2), row(1, first_name="Other")]))

    assert errors == [
        (4, "The employee ID “H00001” is also on line 2. Each person must appear once.")
    ]


def test_a_username_taken_by_a_local_account_is_a_row_error_not_a_crash(units):
    PersonFactory(username="h00002", employee_id=None)

    with pytest.raises(DirectoryFileError) as caught:
        apply_directory_file(data=make_csv([row(1), row(2)]), full_snapshot=True, actor=None)

    assert [(e.line, e.employee_id) for e in caught.value.plan.errors] == [(3, "H00002")]
    assert "already belongs to another account" in caught.value.plan.errors[0].message


def test_the_same_username_twice_in_the_file_names_both_lines(units):
    errors = problems(make_csv([row(1, username="ana"), row(2, username="ANA")]))

    assert errors == [(3, "The username “ana” is also used on line 2.")]


def test_missing_and_unknown_columns_are_reported_from_the_first_line(units):
    data = b"employee_id,first_name,surname,grade\nH1,Ana,Garcia,5\n"

    errors = problems(data)

    assert [line for line, _message in errors] == [1, 1]
    assert "last_name" in errors[0][1]
    assert "surname, grade" in errors[1][1]


def test_a_line_with_the_wrong_number_of_values_is_reported(units):
    data = b"first_name,last_name,employee_id\nAna,Garcia,H1\nAna,Garcia,H2,oops\nAna,Garcia,H3,,\n"

    errors = check_directory_file(data=data, full_snapshot=True).errors

    assert [(e.line, e.employee_id) for e in errors] == [(3, "H2")]
    assert "has 4 values but the first line names 3 columns" in errors[0].message


def test_a_file_that_is_not_utf8_is_refused_with_a_way_to_fix_it(units):
    data = "employee_id,first_name,last_name\nH1,José,Muñoz\n".encode("cp1252")

    errors = problems(data)

    assert errors[0][0] == 2
    assert "not UTF-8" in errors[0][1]
    assert "CSV UTF-8" in errors[0][1]


def test_a_spreadsheet_workbook_is_refused(units):
    errors = problems(b"PK\x03\x04" + b"\x00" * 100)

    assert "not a CSV file" in errors[0][1]


def test_an_empty_file_and_a_file_with_nobody_in_it_are_refused(units):
    assert problems(b"")[0][1] == "The file is empty."
    assert "nobody in it" in problems(b"employee_id,first_name,last_name\n")[0][1]


def test_a_manager_whose_own_row_is_bad_is_not_also_reported_as_unknown(units):
    errors = problems(make_csv([row(1, unit="mars"), row(2, manager_employee_id="H00001")]))

    assert [line for line, _message in errors] == [2]


def test_a_manager_loop_is_reported_with_the_chain(units):
    data = make_csv(
        [
            row(1, manager_employee_id="H00002"),
            row(2, manager_employee_id="H00003"),
            row(3, manager_employee_id="H00001"),
            row(4, manager_employee_id="H00001"),
        ]
    )

    errors = problems(data)

    assert errors == [
        (
            2,
            (
                "Managers go round in a circle: H00001 → H00002 → H00003 → H00001. Someone in "
                "this chain must report to a person outside it."
            ),
        )
    ]


def test_a_person_managing_themselves_is_reported(units):
    errors = problems(make_csv([row(1, manager_employee_id="H00001")]))

    assert errors == [(2, "This person is listed as their own manager.")]


def test_a_loop_through_someone_already_in_staffroom_is_found(units):
    outside = PersonFactory(employee_id="B1")
    apply_directory_file(data=make_csv([row(1)]), full_snapshot=False, actor=None)
    outside.manager = Person.objects.get(employee_id="H00001")
    outside.save()

    errors = problems(make_csv([row(1, manager_employee_id="B1")]), full_snapshot=False)

    assert "H00001 → B1 → H00001" in errors[0][1]


# --- Dry runs and cost ------------------------------------------------------------------------


def test_a_check_writes_nothing(units):
    apply_directory_file(data=make_csv([row(1), row(2)]), full_snapshot=True, actor=None)
    data = make_csv([row(1, job_title="Porter"), row(3)])

    with CaptureQueriesContext(connection) as ctx:
        plan = check_directory_file(data=data, full_snapshot=True)

    assert (len(plan.creates), len(plan.changes), len(plan.deactivations)) == (1, 1, 1)
    assert plan.deactivations[0].employee_id == "H00002"
    assert writes(ctx) == []
    assert len(ctx.captured_queries) == 3


def test_two_thousand_rows_are_imported_in_a_few_bulk_statements(units):
    rows = [row(n, manager_employee_id=f"H{n // 10:05d}" if n >= 10 else "") for n in range(2000)]
    data = make_csv(rows)

    with CaptureQueriesContext(connection) as ctx:
        result = apply_directory_file(data=data, full_snapshot=True, actor=None)

    assert result.created == 2000
    # A backend with a parameter limit (SQLite: 999 per statement) needs one INSERT per
    # 999 // columns rows; PostgreSQL takes WRITE_BATCH rows at a time. A row at a time
    # would be 4,000 statements.
    columns = len([f for f in Person._meta.concrete_fields if not f.primary_key])
    per_insert = min(WRITE_BATCH, connection.ops.bulk_batch_size([None] * columns, rows))
    inserts = math.ceil(2000 / per_insert)
    assert len(ctx.captured_queries) <= inserts + 25
    if connection.vendor == "postgresql":
        assert len(ctx.captured_queries) < 40


# --- DirectoryImport records ------------------------------------------------------------------


def test_an_upload_that_passes_is_kept_with_its_file_and_a_preview(units, administrator):
    data = make_csv([row(1), row(2)])

    record = create_directory_import(
        file_name="hr-export.csv", data=data, full_snapshot=True, uploaded_by=administrator
    )

    assert record.status == DirectoryImport.Status.PREVIEWED
    assert record.file_sha256 == hashlib.sha256(data).hexdigest()
    assert record.file.read() == data
    assert (record.row_count, record.created_count) == (2, 2)
    assert [c["employee_id"] for c in record.preview["creates"]] == ["H00001", "H00002"]
    assert not Person.objects.filter(employee_id="H00001").exists()


def test_a_rejected_upload_keeps_its_first_errors_and_no_file(units, administrator):
    data = make_csv([row(n, unit="nowhere") for n in range(KEPT_ERRORS + 20)])

    record = create_directory_import(
        file_name="bad.csv", data=data, full_snapshot=True, uploaded_by=administrator
    )

    assert record.status == DirectoryImport.Status.REJECTED
    assert not record.file
    assert len(record.errors) == KEPT_ERRORS
    assert record.preview["error_count"] == KEPT_ERRORS + 20
    assert record.errors[0] == {
        "line": 2,
        "employee_id": "H00000",
        "message": record.errors[0]["message"],
    }


def test_applying_a_checked_upload_applies_it_once(units, administrator):
    record = create_directory_import(
        file_name="hr.csv", data=make_csv([row(1)]), full_snapshot=True, uploaded_by=administrator
    )

    applied = apply_directory_import(directory_import=record, actor=administrator)

    assert applied.status == DirectoryImport.Status.APPLIED
    assert applied.applied_at is not None
    assert applied.created_count == 1
    assert applied.applied_by == administrator
    assert not applied.file  # the copy of the HR export is not kept once applied
    assert Person.objects.filter(employee_id="H00001", from_directory=True).exists()
    with pytest.raises(ValidationError, match="This file was already applied on"):
        apply_directory_import(directory_import=record, actor=PersonFactory())
    record.refresh_from_db()
    assert record.applied_by == administrator
    assert Person.objects.filter(employee_id="H00001").count() == 1


def test_an_upload_checked_before_a_newer_one_was_applied_cannot_be_applied(units, administrator):
    older = create_directory_import(
        file_name="a.csv", data=make_csv([row(1)]), full_snapshot=True, uploaded_by=administrator
    )
    newer = create_directory_import(
        file_name="b.csv", data=make_csv([row(2)]), full_snapshot=True, uploaded_by=administrator
    )
    apply_directory_import(directory_import=newer, actor=administrator)

    with pytest.raises(ValidationError, match="newer directory file"):
        apply_directory_import(directory_import=older, actor=administrator)


def test_a_stored_file_that_changed_after_the_check_is_not_applied(units, administrator):
    record = create_directory_import(
        file_name="a.csv", data=make_csv([row(1)]), full_snapshot=True, uploaded_by=administrator
    )
    record.file.save("tampered.csv", ContentFile(make_csv([row(9)])))

    with pytest.raises(ValidationError, match="not the one that was checked"):
        apply_directory_import(directory_import=record, actor=administrator)
    assert not Person.objects.filter(from_directory=True).exists()


def test_an_upload_that_no_longer_passes_at_apply_time_is_marked_rejected(units, administrator):
    record = create_directory_import(
        file_name="a.csv", data=make_csv([row(1)]), full_snapshot=True, uploaded_by=administrator
    )
    PersonFactory(username="h00001", employee_id=None)

    with pytest.raises(DirectoryFileError):
        apply_directory_import(directory_import=record, actor=administrator)

    record.refresh_from_db()
    assert record.status == DirectoryImport.Status.REJECTED
    assert "already belongs" in record.errors[0]["message"]
    assert not Person.objects.filter(from_directory=True).exists()


# --- The command ------------------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path: Path):
    def write(rows: list[dict[str, str]]) -> str:
        path = tmp_path / "directory.csv"
        path.write_bytes(make_csv(rows))
        return str(path)

    return write


def test_the_command_imports_a_file_and_prints_a_summary(units, csv_file):
    out = io.StringIO()

    call_command("import_directory", csv_file([row(1), row(2)]), stdout=out)

    assert "2 created, 0 changed, 0 deactivated, 0 unchanged" in out.getvalue()
    assert len(directory_people()) == 2


def test_the_command_keeps_a_record_of_each_real_run_but_not_of_a_dry_run(units, csv_file):
    path = csv_file([row(1), row(2)])
    call_command("import_directory", path, "--dry-run", stdout=io.StringIO())
    assert not DirectoryImport.objects.exists()

    call_command("import_directory", path, stdout=io.StringIO())

    record = DirectoryImport.objects.get()
    assert record.status == DirectoryImport.Status.APPLIED
    assert record.file_name == "directory.csv"
    assert record.uploaded_by is None
    assert record.applied_by is None
    assert record.applied_at is not None
    assert (record.row_count, record.created_count) == (2, 2)
    assert not record.file


def test_the_command_records_a_rejected_run_with_its_errors(units, csv_file):
    with pytest.raises(CommandError):
        call_command(
            "import_directory",
            csv_file([row(1, unit="mars")]),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    record = DirectoryImport.objects.get()
    assert record.status == DirectoryImport.Status.REJECTED
    assert record.uploaded_by is None
    assert "mars" in record.errors[0]["message"]


def test_the_command_dry_run_lists_changes_and_writes_nothing(units, csv_file):
    call_command("import_directory", csv_file([row(1), row(2)]), stdout=io.StringIO())
    out = io.StringIO()

    call_command(
        "import_directory", csv_file([row(1, job_title="Porter"), row(3)]), "--dry-run", stdout=out
    )

    text = out.getvalue()
    assert "create H00003 Ana Garcia3" in text
    assert "change H00001 Ana Garcia1: job_title: “Registered Nurse” → “Porter”" in text
    assert "deactivate H00002 Ana Garcia2" in text
    assert "Would create 1, change 1 and deactivate 1; 0 unchanged." in text
    assert Person.objects.get(employee_id="H00001").job_title == "Registered Nurse"


def test_the_command_partial_mode_deactivates_nobody(units, csv_file):
    call_command("import_directory", csv_file([row(1), row(2)]), stdout=io.StringIO())
    out = io.StringIO()

    call_command("import_directory", csv_file([row(3)]), "--partial", stdout=out)

    assert "1 created, 0 changed, 0 deactivated" in out.getvalue()


def test_the_command_prints_each_error_and_fails_without_changing_anything(units, csv_file):
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 problems found; nothing was changed"):
        call_command(
            "import_directory",
            csv_file([row(1), row(2, email="nope"), row(3, unit="mars")]),
            stdout=io.StringIO(),
            stderr=err,
        )

    lines = err.getvalue().splitlines()
    assert lines[0] == "line 3 (H00002): “nope” is not a valid email address."
    assert lines[1].startswith("line 4 (H00003): There is no unit with the code “mars”")
    assert not Person.objects.filter(from_directory=True).exists()


def test_the_command_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Can't read"):
        call_command("import_directory", str(tmp_path / "nope.csv"))


# --- Two imports at once ----------------------------------------------------------------------


def in_thread(function: Callable[[], T]) -> T:
    """Run `function` in a thread of its own, with its own database connection, as a second
    web worker or the command would; return what it returned or raise what it raised."""
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(function())
        except BaseException as exc:
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    (result,) = outcome
    if isinstance(result, BaseException):
        raise result
    return result


@pytest.fixture
def file_database(units, tmp_path: Path) -> Iterator[None]:
    """On SQLite, new connections open a copy of the test database in a file, like the real
    one: the in-memory test database shares one cache between connections, where a second
    writer fails at once ("database table is locked") instead of waiting for the first."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    copy = sqlite3.connect(tmp_path / "staffroom.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    settings_dict = connection.settings_dict  # shared with the connections threads open
    in_memory = settings_dict["NAME"]
    settings_dict["NAME"] = str(tmp_path / "staffroom.sqlite3")
    try:
        yield
    finally:
        settings_dict["NAME"] = in_memory


@pytest.mark.django_db(transaction=True)
def test_two_imports_applied_at_once_are_applied_one_after_the_other(file_database, monkeypatch):
    """Both files create the same new people. Each import plans only once the other has
    committed, so nobody is created twice and neither import fails."""
    files = [
        make_csv([row(1), row(2), row(3, job_title="Porter")]),
        make_csv([row(1), row(2), row(3, job_title="Charge Nurse")]),
    ]
    # Hold each import just after it has planned, until the other one has planned too (or a
    # second has passed): without a lock both plan from the same empty directory.
    planned = threading.Barrier(2, timeout=1)
    check = check_directory_file

    def check_then_wait(**kwargs: Any) -> ImportPlan:
        plan = check(**kwargs)
        # Broken after a second when the other import is waiting for the lock: the fix.
        with contextlib.suppress(threading.BrokenBarrierError):
            planned.wait()
        return plan

    monkeypatch.setattr(writing, "check_directory_file", check_then_wait)
    results: list[ImportResult | Exception] = []

    def apply(data: bytes) -> None:
        try:
            results.append(apply_directory_file(data=data, full_snapshot=True, actor=None))
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(data,)) for data in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not [r for r in results if isinstance(r, Exception)]
    imported = [r for r in results if isinstance(r, ImportResult)]
    assert sorted((r.created, r.changed, r.unchanged) for r in imported) == [
        (0, 1, 2),  # the second planned from the first one's result: only the job title
        (3, 0, 0),
    ]
    employee_ids = in_thread(
        lambda: list(
            Person.objects.filter(from_directory=True)
            .order_by("employee_id")
            .values_list("employee_id", flat=True)
        )
    )
    assert employee_ids == ["H00001", "H00002", "H00003"]


def test_the_lock_key_is_a_fixed_64_bit_number_derived_from_the_name():
    from staffroom.core.locks import advisory_lock_key

    digest = hashlib.sha256(b"staffroom.directory_import").digest()
    key = advisory_lock_key(writing.LOCK_NAME)
    assert int.from_bytes(digest[:8], "big", signed=True) == key
    assert -(2**63) <= key < 2**63


# --- Not marking yourself as having left ------------------------------------------------------


@pytest.fixture
def directory_administrator(units):
    """An administrator who came from the HR directory, as most do."""
    apply_directory_file(data=make_csv([row(1), row(2)]), full_snapshot=True, actor=None)
    admin = Person.objects.get(employee_id="H00002")
    RoleGrant.objects.create(person=admin, role=Role.ADMINISTRATOR)
    return admin


def test_a_full_file_that_would_mark_the_administrator_as_left_is_refused(
    directory_administrator,
):
    data = make_csv([row(1), row(3)])

    with pytest.raises(DirectoryFileError) as refused:
        apply_directory_file(data=data, full_snapshot=True, actor=directory_administrator)

    (error,) = refused.value.plan.errors
    assert (error.line, error.employee_id) == (1, "H00002")
    assert error.message.startswith(
        "You are not in this file: applying it would mark you as having left. Add yourself "
        "or untick"
    )
    assert not Person.objects.filter(employee_id="H00003").exists()
    assert Person.objects.get(employee_id="H00002").is_active
    # Checked on upload too, so the administrator sees it before pressing Apply.
    record = create_directory_import(
        file_name="a.csv", data=data, full_snapshot=True, uploaded_by=directory_administrator
    )
    assert record.status == DirectoryImport.Status.REJECTED
    assert record.created_count == 0
    assert "You are not in this file" in record.errors[0]["message"]


def test_the_same_file_is_fine_as_a_partial_file_or_from_someone_else(directory_administrator):
    data = make_csv([row(1), row(3)])

    partial = apply_directory_file(data=data, full_snapshot=False, actor=directory_administrator)
    full = apply_directory_file(data=data, full_snapshot=True, actor=None)

    assert (partial.created, full.deactivated) == (1, 1)


def test_a_local_administrator_missing_from_the_file_is_not_refused(units, administrator):
    result = apply_directory_file(data=make_csv([row(1)]), full_snapshot=True, actor=administrator)

    assert result.created == 1


# --- Deleting files never applied -------------------------------------------------------------


def test_stored_files_never_applied_are_deleted_after_the_given_days(
    units, administrator, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stale = create_directory_import(
            file_name="old.csv",
            data=make_csv([row(1)]),
            full_snapshot=True,
            uploaded_by=administrator,
        )
        applied = create_directory_import(
            file_name="done.csv",
            data=make_csv([row(1)]),
            full_snapshot=True,
            uploaded_by=administrator,
        )
        apply_directory_import(directory_import=applied, actor=administrator)
    with time_machine.travel(start + timedelta(days=6), tick=False):
        recent = create_directory_import(
            file_name="new.csv",
            data=make_csv([row(2)]),
            full_snapshot=True,
            uploaded_by=administrator,
        )
    stored_name = stale.file.name
    storage = stale.file.storage

    with (
        time_machine.travel(start + timedelta(days=7, minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        deleted = purge_stale_directory_files(older_than_days=7)

    assert deleted == 1
    assert not storage.exists(stored_name)
    stale.refresh_from_db()
    assert stale.status == DirectoryImport.Status.EXPIRED
    assert not stale.file
    assert stale.file_deleted_at == start + timedelta(days=7, minutes=1)
    recent.refresh_from_db()
    assert recent.status == DirectoryImport.Status.PREVIEWED
    assert recent.file
    with pytest.raises(ValidationError, match="was deleted because it was not applied"):
        apply_directory_import(directory_import=stale, actor=administrator)
    assert purge_stale_directory_files(older_than_days=7) == 0


def test_the_purge_command_uses_the_setting_or_days(units, administrator, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        record = create_directory_import(
            file_name="old.csv",
            data=make_csv([row(1)]),
            full_snapshot=True,
            uploaded_by=administrator,
        )
    out = io.StringIO()

    with time_machine.travel(start + timedelta(days=3), tick=False):
        call_command("purge_directory_imports", stdout=out)  # default: 7 days
        settings.DIRECTORY_IMPORT_KEEP_DAYS = 5
        call_command("purge_directory_imports", stdout=out)
        record.refresh_from_db()
        assert record.status == DirectoryImport.Status.PREVIEWED
        call_command("purge_directory_imports", "--days", "2", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [
        "Deleted 0 directory files not applied within 7 days.",
        "Deleted 0 directory files not applied within 5 days.",
        "Deleted 1 directory file not applied within 2 days.",
    ]
    record.refresh_from_db()
    assert record.status == DirectoryImport.Status.EXPIRED
    with pytest.raises(CommandError, match="0 or more"):
        call_command("purge_directory_imports", "--days", "-1")
