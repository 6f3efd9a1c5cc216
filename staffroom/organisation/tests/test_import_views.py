"""The administrators' directory import pages: upload and check, preview, apply."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.organisation.models import DirectoryImport
from staffroom.organisation.services.directory_import import (
    apply_directory_file,
    apply_directory_import,
    create_directory_import,
)
from staffroom.organisation.tests.factories import JobFamilyFactory, UnitFactory
from staffroom.organisation.tests.test_directory_import import make_csv, row


@pytest.fixture
def units(db):
    JobFamilyFactory(code="nursing", name="Nursing")
    return {"4-west": UnitFactory(code="4-west"), "icu": UnitFactory(code="icu")}


def upload(client, data: bytes, *, name: str = "hr-export.csv", full_snapshot: bool = True):
    form: dict[str, object] = {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if full_snapshot:
        form["full_snapshot"] = "on"
    return client.post(reverse("organisation:import_list"), form)


def test_an_administrator_sees_the_upload_form_and_the_history(client, administrator, units):
    create_directory_import(
        file_name="last-week.csv",
        data=make_csv([row(1)]),
        full_snapshot=True,
        uploaded_by=administrator,
    )
    client.force_login(administrator)

    response = client.get(reverse("organisation:import_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "data-upload-progress" in html
    assert 'id="import-progress"' in html
    assert 'id="id_full_snapshot" checked' in html
    assert "last-week.csv" in html


def test_an_upload_is_checked_and_previewed_without_changing_anyone(client, administrator, units):
    client.force_login(administrator)

    response = upload(client, make_csv([row(1), row(2, unit="icu")]))

    record = DirectoryImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation:import_detail", args=[record.pk])
    assert record.status == DirectoryImport.Status.PREVIEWED
    assert record.uploaded_by == administrator
    assert not Person.objects.filter(from_directory=True).exists()

    page = client.get(response["Location"]).content.decode()
    assert "Apply these changes" in page
    assert "H00002" in page
    assert "Ana Garcia2" in page


def test_applying_a_previewed_upload_changes_the_directory(client, administrator, units):
    apply_directory_file(data=make_csv([row(1), row(2)]), full_snapshot=True, actor=None)
    client.force_login(administrator)
    upload(client, make_csv([row(1, job_title="Charge Nurse"), row(3)]))
    record = DirectoryImport.objects.get()

    preview = client.get(reverse("organisation:import_detail", args=[record.pk])).content.decode()
    response = client.post(reverse("organisation:import_apply", args=[record.pk]), follow=True)

    assert "job_title: Registered Nurse → Charge Nurse" in preview
    assert "1 person will be marked as having left" in preview
    assert response.redirect_chain[-1][0] == reverse("organisation:import_detail", args=[record.pk])
    page = response.content.decode()
    assert "The staff directory is updated: 1 added, 1 changed, 1 marked as left." in page
    assert "Apply these changes" not in page
    record.refresh_from_db()
    assert record.status == DirectoryImport.Status.APPLIED
    assert Person.objects.get(employee_id="H00001").job_title == "Charge Nurse"
    assert not Person.objects.get(employee_id="H00002").is_active


def test_an_unticked_box_makes_a_partial_import(client, administrator, units):
    client.force_login(administrator)

    upload(client, make_csv([row(1)]), full_snapshot=False)

    assert DirectoryImport.objects.get().full_snapshot is False


def test_a_file_with_a_bad_row_shows_every_error_and_nothing_is_changed(
    client, administrator, units
):
    client.force_login(administrator)

    response = upload(client, make_csv([row(1), row(2, unit="mars")]), name="bad.csv")
    page = client.get(response["Location"]).content.decode()

    record = DirectoryImport.objects.get()
    assert record.status == DirectoryImport.Status.REJECTED
    assert "Nothing was changed" in page
    assert '<th scope="row">3</th>' in page
    assert "There is no unit with the code “mars”" in page
    assert "Apply these changes" not in page
    response = client.post(reverse("organisation:import_apply", args=[record.pk]), follow=True)
    assert "This file was rejected" in response.content.decode()
    assert not Person.objects.filter(from_directory=True).exists()


def test_an_empty_file_is_a_form_error_and_nothing_is_kept(client, administrator, units):
    client.force_login(administrator)

    response = upload(client, b"", name="empty.csv")

    assert response.status_code == 400
    page = response.content.decode()
    assert "The file is empty." in page
    assert 'href="#id_file"' in page  # the error summary links to the field
    assert 'aria-invalid="true"' in page
    assert not DirectoryImport.objects.exists()


@pytest.mark.parametrize(
    "case",
    [
        ("staff.xlsx", b"PK\x03\x04rest-of-a-workbook", "This is a spreadsheet workbook"),
        ("staff.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "This is a spreadsheet workbook"),
        (
            "staff.csv",
            "employee_id,first_name,last_name\r\nH1,Ana,García\r\n".encode("utf-16"),
            "it looks like utf_16",
        ),
        (
            "staff.txt",
            b"employee_id,first_name,last_name\r\nH1,Ana,Garcia\r\n".decode().encode("utf-16-le"),
            "it looks like utf_16_le",
        ),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "The file is not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_csv_text_is_refused_by_the_check_with_its_advice(
    client, administrator, units, case
):
    """The form checks only that there is a file; what is in it is judged in one place, the
    import service, whose messages say how to fix it (as the command's do)."""
    name, data, message = case
    client.force_login(administrator)

    response = upload(client, data, name=name)

    record = DirectoryImport.objects.get()
    assert response["Location"] == reverse("organisation:import_detail", args=[record.pk])
    assert record.status == DirectoryImport.Status.REJECTED
    assert not record.file
    page = client.get(response["Location"]).content.decode()
    assert message in page
    assert "Save" in page  # …as “CSV UTF-8” and upload it again
    assert "This is not a CSV file" not in page


def test_a_file_over_the_size_limit_is_refused(client, administrator, units, settings):
    settings.DIRECTORY_IMPORT_MAX_BYTES = 100
    client.force_login(administrator)

    response = upload(client, make_csv([row(n) for n in range(10)]))

    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not DirectoryImport.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("import_list", "get"),
        ("import_list", "post"),
        ("import_detail", "get"),
        ("import_apply", "post"),
    ],
)
def test_someone_who_is_not_an_administrator_gets_403(client, person, units, url_name, method):
    record = create_directory_import(
        file_name="a.csv", data=make_csv([row(1)]), full_snapshot=True, uploaded_by=PersonFactory()
    )
    args = [] if url_name == "import_list" else [record.pk]
    client.force_login(person)

    response = getattr(client, method)(reverse(f"organisation:{url_name}", args=args))

    assert response.status_code == 403
    assert "Only administrators can import the staff directory" in response.content.decode()
    record.refresh_from_db()
    assert record.status == DirectoryImport.Status.PREVIEWED
    assert DirectoryImport.objects.count() == 1


def test_applying_needs_a_post(client, administrator, units):
    record = create_directory_import(
        file_name="a.csv", data=make_csv([row(1)]), full_snapshot=True, uploaded_by=administrator
    )
    client.force_login(administrator)

    response = client.get(reverse("organisation:import_apply", args=[record.pk]))

    assert response.status_code == 405
    record.refresh_from_db()
    assert record.status == DirectoryImport.Status.PREVIEWED


@pytest.mark.parametrize("url_name", ["import_list", "import_detail", "import_apply"])
def test_someone_signed_out_is_sent_to_sign_in(client, administrator, units, url_name):
    record = create_directory_import(
        file_name="a.csv", data=make_csv([row(1)]), full_snapshot=True, uploaded_by=administrator
    )
    args = [] if url_name == "import_list" else [record.pk]

    response = client.post(reverse(f"organisation:{url_name}", args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    record.refresh_from_db()
    assert record.status == DirectoryImport.Status.PREVIEWED


def test_an_unknown_import_is_404(client, administrator):
    client.force_login(administrator)

    assert client.get(reverse("organisation:import_detail", args=[999])).status_code == 404


def test_the_apply_form_asks_the_browser_to_submit_it_once(client, administrator, units):
    record = create_directory_import(
        file_name="a.csv", data=make_csv([row(1)]), full_snapshot=True, uploaded_by=administrator
    )
    client.force_login(administrator)

    page = client.get(reverse("organisation:import_detail", args=[record.pk])).content.decode()

    assert 'class="card" data-submit-once>' in page


def test_a_second_apply_of_the_same_file_changes_nothing_and_says_when_it_was_applied(
    client, administrator, units
):
    client.force_login(administrator)
    upload(client, make_csv([row(1), row(2)]))
    record = DirectoryImport.objects.get()
    url = reverse("organisation:import_apply", args=[record.pk])
    client.post(url, follow=True)
    record.refresh_from_db()
    applied = (record.applied_at, record.applied_by, record.created_count, record.updated_at)

    response = client.post(url, follow=True)

    page = response.content.decode()
    assert "This file was already applied on" in page
    assert "so nothing was changed" in page
    assert "The staff directory is updated" not in page
    record.refresh_from_db()
    assert (record.applied_at, record.applied_by, record.created_count, record.updated_at) == (
        applied
    )
    assert Person.objects.filter(from_directory=True).count() == 2


def test_who_applied_an_import_is_shown_on_its_page_and_in_the_history(
    client, administrator, units
):
    record = create_directory_import(
        file_name="a.csv",
        data=make_csv([row(1)]),
        full_snapshot=True,
        uploaded_by=PersonFactory(first_name="Uma", last_name="Uploader"),
    )
    other = PersonFactory(first_name="Ada", last_name="Applier")
    apply_directory_import(directory_import=record, actor=other)
    client.force_login(administrator)

    detail = client.get(reverse("organisation:import_detail", args=[record.pk])).content.decode()
    history = client.get(reverse("organisation:import_list")).content.decode()

    assert "Uploaded on" in detail
    assert "by Uma Uploader." in detail
    assert "Applied by Ada Applier on" in detail
    assert "Uma Uploader" in history
    assert "Applied by Ada Applier on" in history


def test_an_import_by_the_command_is_in_the_history(client, administrator, units, tmp_path):
    path = tmp_path / "nightly-export.csv"
    path.write_bytes(make_csv([row(1)]))
    call_command("import_directory", str(path), stdout=io.StringIO())
    record = DirectoryImport.objects.get()
    client.force_login(administrator)

    history = client.get(reverse("organisation:import_list")).content.decode()
    detail = client.get(reverse("organisation:import_detail", args=[record.pk])).content.decode()

    assert "nightly-export.csv" in history
    assert "the import_directory command" in history
    assert "Applied by the import_directory command on" in history
    assert "by the import_directory command." in detail
    assert "Applied by the import_directory command on" in detail


def test_an_import_whose_file_was_deleted_says_so_and_cannot_be_applied(
    client, administrator, units
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        record = create_directory_import(
            file_name="a.csv",
            data=make_csv([row(1)]),
            full_snapshot=True,
            uploaded_by=administrator,
        )
    with time_machine.travel(start + timedelta(days=8), tick=False):
        call_command("purge_directory_imports", stdout=io.StringIO())
    client.force_login(administrator)

    page = client.get(reverse("organisation:import_detail", args=[record.pk])).content.decode()
    response = client.post(reverse("organisation:import_apply", args=[record.pk]), follow=True)

    assert "its stored copy was deleted on" in page
    assert "It can't be applied" in page
    assert "Apply these changes" not in page
    assert "was deleted because it was not applied in time" in response.content.decode()
    assert not Person.objects.filter(employee_id="H00001").exists()


def test_an_administrator_missing_from_a_full_file_sees_why_it_is_refused(client, units):
    apply_directory_file(data=make_csv([row(1), row(2)]), full_snapshot=True, actor=None)
    me = Person.objects.get(employee_id="H00002")
    RoleGrant.objects.create(person=me, role=Role.ADMINISTRATOR)
    client.force_login(me)

    response = upload(client, make_csv([row(1)]))
    page = client.get(response["Location"]).content.decode()

    assert "You are not in this file: applying it would mark you as having left." in page
    assert "Apply these changes" not in page
    assert DirectoryImport.objects.get().status == DirectoryImport.Status.REJECTED
