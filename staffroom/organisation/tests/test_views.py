from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, sort_name_for
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.organisation.models import Department, Unit
from staffroom.organisation.services import recount_people
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("organisation:directory")


def add_people(unit: Unit, count: int, *, surname: str = "Walker") -> None:
    """Many people at once (bulk, like the directory import), for query-count tests."""
    start = Person.objects.count()
    Person.objects.bulk_create(
        Person(
            username=f"bulk{start + i}",
            first_name=f"Pat{i}",
            last_name=surname,
            sort_name=sort_name_for(surname, f"Pat{i}"),
            unit=unit,
            department_id=unit.department_id,
            job_title="Patient Care Technician",
            password="!",
        )
        for i in range(count)
    )
    recount_people()


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(DIRECTORY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_directory_finds_people_by_part_of_their_surname(signed_in: Client) -> None:
    PersonFactory(first_name="Grace", last_name="Okonkwo")
    PersonFactory(first_name="Liam", last_name="Byrne")
    body = signed_in.get(DIRECTORY, {"q": "konk"}).content.decode()
    assert "Grace Okonkwo" in body
    assert "Liam Byrne" not in body


def test_the_directory_finds_people_by_job_title_and_department(signed_in: Client) -> None:
    pharmacy = DepartmentFactory(name="Pharmacy")
    PersonFactory(first_name="Ines", last_name="Moreau", unit=UnitFactory(department=pharmacy))
    PersonFactory(first_name="Omar", last_name="Haddad", job_title="Respiratory Therapist")
    assert "Ines Moreau" in signed_in.get(DIRECTORY, {"q": "pharm"}).content.decode()
    assert "Omar Haddad" in signed_in.get(DIRECTORY, {"q": "respiratory"}).content.decode()


def test_the_directory_filters_by_department(signed_in: Client) -> None:
    ed = DepartmentFactory(name="Emergency")
    PersonFactory(first_name="Eve", last_name="Stone", unit=UnitFactory(department=ed))
    PersonFactory(first_name="Max", last_name="Stone")
    body = signed_in.get(DIRECTORY, {"q": "stone", "department": ed.code}).content.decode()
    assert "Eve Stone" in body
    assert "Max Stone" not in body


def test_people_who_have_left_are_not_listed(signed_in: Client) -> None:
    PersonFactory(first_name="Gone", last_name="Away", is_active=False)
    assert "Gone Away" not in signed_in.get(DIRECTORY, {"q": "away"}).content.decode()


def test_an_unknown_department_filter_gets_a_message_not_an_error(signed_in: Client) -> None:
    response = signed_in.get(DIRECTORY, {"department": "no-such-dept"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_show_more_returns_the_next_people_without_repeating_any(
    signed_in: Client, person: Person
) -> None:
    add_people(person.unit, 45)  # type: ignore[arg-type]  # the factory always sets a unit
    first = signed_in.get(DIRECTORY)
    cursor = first.context["page"].next_cursor
    assert cursor
    second = signed_in.get(DIRECTORY, {"cursor": cursor})
    first_ids = {p.pk for p in first.context["page"].items}
    second_ids = {p.pk for p in second.context["page"].items}
    assert len(first_ids) == 30
    assert len(second_ids) == 16
    assert not first_ids & second_ids


def test_htmx_show_more_returns_only_the_rows(signed_in: Client, person: Person) -> None:
    add_people(person.unit, 45)  # type: ignore[arg-type]  # the factory always sets a unit
    cursor = signed_in.get(DIRECTORY).context["page"].next_cursor
    response = signed_in.get(DIRECTORY, {"cursor": cursor}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'class="person-card"' in body


def test_htmx_live_search_returns_only_the_results(signed_in: Client) -> None:
    PersonFactory(first_name="Grace", last_name="Okonkwo")
    response = signed_in.get(DIRECTORY, {"q": "grace"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="results"' in body
    assert "Grace Okonkwo" in body


def _pages(person: Person) -> dict[str, str]:
    unit = person.unit
    assert unit is not None
    return {
        "directory": DIRECTORY,
        "search": f"{DIRECTORY}?q=pat",
        "department": unit.department.get_absolute_url(),
        "unit": unit.get_absolute_url(),
        "departments": reverse("organisation:department_index"),
        "home": reverse("channels:feed"),
    }


@pytest.mark.parametrize(
    "page", ["directory", "search", "department", "unit", "departments", "home"]
)
def test_list_pages_make_the_same_number_of_queries_with_10_or_1000_people(
    signed_in: Client,
    person: Person,
    page: str,
    query_count: Callable[[Callable[[], object]], int],
) -> None:
    assert person.unit is not None
    url = _pages(person)[page]
    add_people(person.unit, 10)
    signed_in.get(url)  # warm the session and caches
    few = query_count(lambda: signed_in.get(url))
    add_people(person.unit, 990)
    DepartmentFactory.create_batch(5)
    many = query_count(lambda: signed_in.get(url))
    assert few == many, f"{page}: {few} queries with 10 people, {many} with 1,000"


def test_a_department_page_lists_its_units_and_people(signed_in: Client) -> None:
    department = DepartmentFactory(name="Oncology")
    unit = UnitFactory(department=department, name="Infusion Centre")
    PersonFactory(first_name="Nadia", last_name="Rahman", unit=unit)
    recount_people()
    body = signed_in.get(department.get_absolute_url()).content.decode()
    assert "Infusion Centre" in body
    assert "Nadia Rahman" in body
    assert "1 person" in body


def test_an_unknown_department_unit_or_person_is_a_404_in_the_site_look(
    signed_in: Client,
) -> None:
    for url in (
        reverse("organisation:department", kwargs={"code": "nope"}),
        reverse("organisation:unit", kwargs={"code": "nope"}),
        reverse("organisation:person", kwargs={"pk": 999999}),
    ):
        response = signed_in.get(url)
        assert response.status_code == 404
        assert "We can't find that page" in response.content.decode()


def test_a_profile_shows_role_place_and_manager(signed_in: Client) -> None:
    boss = PersonFactory(first_name="Dana", last_name="Whitfield", job_title="Nurse Manager")
    nurse = PersonFactory(first_name="Ana", last_name="Lopez", manager=boss)
    body = signed_in.get(nurse.get_absolute_url()).content.decode()
    assert "Ana Lopez" in body
    assert "Dana Whitfield" in body
    assert nurse.unit is not None
    assert nurse.unit.name in body
    boss_page = signed_in.get(boss.get_absolute_url()).content.decode()
    assert "Ana Lopez" in boss_page  # listed under "Reports to them"


def test_employee_ids_show_only_to_the_person_and_administrators(
    client: Client, person: Person, administrator: Person
) -> None:
    other = PersonFactory()
    client.force_login(person)
    assert str(other.employee_id) not in client.get(other.get_absolute_url()).content.decode()
    assert str(person.employee_id) in client.get(person.get_absolute_url()).content.decode()
    client.force_login(administrator)
    assert str(other.employee_id) in client.get(other.get_absolute_url()).content.decode()


def test_a_person_changes_their_preferred_name_and_language(
    signed_in: Client, person: Person
) -> None:
    response = signed_in.post(
        reverse("organisation:me"), {"preferred_name": "Bea", "preferred_language": "es"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.preferred_name == "Bea"
    assert person.display_name == f"Bea {person.last_name}"
    page = signed_in.get(reverse("organisation:me")).content.decode()
    assert '<html lang="es">' in page


def test_an_invalid_settings_form_keeps_what_was_typed_and_changes_nothing(
    signed_in: Client, person: Person
) -> None:
    response = signed_in.post(
        reverse("organisation:me"), {"preferred_name": "Bea", "preferred_language": "klingon"}
    )
    assert response.status_code == 400
    assert 'value="Bea"' in response.content.decode()
    person.refresh_from_db()
    assert person.preferred_name == ""


def test_stored_people_counts_match_the_people_table(person: Person) -> None:
    assert person.unit is not None
    add_people(person.unit, 7)
    PersonFactory(unit=person.unit, is_active=False)
    unit = Unit.objects.get(pk=person.unit.pk)
    department = Department.objects.get(pk=unit.department_id)
    assert unit.people_count == 8
    assert department.people_count == 8


def test_a_photo_is_served_only_to_signed_in_staff(client: Client) -> None:
    from django.core.files.base import ContentFile

    owner = PersonFactory()
    owner.photo.save("face.png", ContentFile(b"\x89PNG\r\n\x1a\nfake"), save=True)
    url = reverse("organisation:person_photo", kwargs={"pk": owner.pk})
    assert client.get(url).status_code == 302
    client.force_login(PersonFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    no_photo = PersonFactory()
    assert (
        client.get(reverse("organisation:person_photo", kwargs={"pk": no_photo.pk})).status_code
        == 404
    )
