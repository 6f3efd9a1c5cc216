"""The administrators' directory import pages: upload and check, preview, apply."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.organisation.models import DirectoryImport
from staffroom.organisation.services.directory_import import (
    apply_directory_file,
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


@pytest.mark.parametrize(
    "case",
    [
        ("empty.csv", b"", "The file is empty."),
        ("staff.xlsx", b"PK\x03\x04rest-of-a-workbook", "spreadsheet workbook"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a CSV file."),
    ],
)
def test_a_file_that_is_not_a_csv_is_a_form_error_and_nothing_is_kept(
    client, administrator, units, case
):
    name, data, message = case
    client.force_login(administrator)

    response = upload(client, data, name=name)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'href="#id_file"' in page  # the error summary links to the field
    assert 'aria-invalid="true"' in page
    assert not DirectoryImport.objects.exists()


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
