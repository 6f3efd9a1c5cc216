"""The PHI guard on written fields that are not items: a profile's preferred name, a
channel's name and description, the words of the strategic plan. Possible patient
information there is refused with an error naming what was found, on its field; the
person's text stays in the form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from staffroom.accounts.forms import refuse_patient_information
from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel
from staffroom.channels.services.channels import create_topic_channel, update_channel
from staffroom.channels.tests.factories import ChannelFactory
from staffroom.strategy.admin import InitiativeAdminForm, PlanAdminForm

pytestmark = pytest.mark.django_db

MRN_NAME = "Jo (MRN 12345678)"
PHI_DESCRIPTION = "Updates about patient Maria Lopez, DOB 03/14/1957, in bed 4."


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_refusal_names_what_was_found_on_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        refuse_patient_information({"name": "Ward 7", "description": PHI_DESCRIPTION})
    errors = caught.value.message_dict
    assert list(errors) == ["description"]
    message = errors["description"][0]
    assert "“03/14/1957” (possible date of birth)" in message
    assert "Maria Lopez" in message


def test_clean_words_pass() -> None:
    refuse_patient_information({"name": "Infection prevention", "description": "Hand hygiene."})
    refuse_patient_information({})


def test_a_preferred_name_with_patient_information_is_refused_and_kept_in_the_form() -> None:
    me = PersonFactory(preferred_name="")
    response = signed_in(me).post(
        reverse("organisation:me"), {"preferred_name": MRN_NAME, "preferred_language": "en"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "possible medical record number" in page
    assert 'value="Jo (MRN 12345678)"' in page
    me.refresh_from_db()
    assert me.preferred_name == ""


def test_a_plain_preferred_name_is_saved() -> None:
    me = PersonFactory(preferred_name="")
    response = signed_in(me).post(
        reverse("organisation:me"), {"preferred_name": "Jo", "preferred_language": "en"}
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.preferred_name == "Jo"


@pytest.fixture
def comms_admin() -> Person:
    person = PersonFactory()
    RoleGrantFactory(person=person, role=Role.COMMUNICATIONS_ADMIN)
    return person


def test_a_new_channel_described_with_patient_information_is_refused_with_its_text_kept(
    comms_admin: Person,
) -> None:
    response = signed_in(comms_admin).post(
        reverse("channels:channel_create"),
        {"name": "Ward 7 news", "slug": "ward-7-news", "description": PHI_DESCRIPTION},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "possible date of birth" in page
    assert "DOB 03/14/1957, in bed 4." in page
    assert not Channel.objects.filter(slug="ward-7-news").exists()


def test_channel_services_refuse_patient_information_in_changed_words_only(
    comms_admin: Person,
) -> None:
    with pytest.raises(ValidationError) as caught:
        create_topic_channel(actor=comms_admin, name=MRN_NAME, slug="jo")
    assert "name" in caught.value.message_dict
    # Words written before the guard existed are not judged again on an unrelated change.
    channel = ChannelFactory(description=PHI_DESCRIPTION)
    update_channel(
        actor=comms_admin,
        channel=channel,
        name=channel.name,
        description=PHI_DESCRIPTION,
        is_mandatory=True,
        is_archived=False,
    )
    channel.refresh_from_db()
    assert channel.is_mandatory
    with pytest.raises(ValidationError):
        update_channel(
            actor=comms_admin,
            channel=channel,
            name=channel.name,
            description="Now about MRN 12345678",
            is_mandatory=True,
            is_archived=False,
        )


def test_the_plan_and_its_initiatives_refuse_patient_information() -> None:
    plan = PlanAdminForm(
        data={
            "title": "Our plan",
            "slug": "our-plan",
            "summary": "Where we are going.",
            "body": PHI_DESCRIPTION,
            "starts_on": "2026-01-01",
            "ends_on": "2027-01-01",
        }
    )
    assert not plan.is_valid()
    assert "possible date of birth" in plan.errors["body"][0]
    initiative = InitiativeAdminForm(data={"title": MRN_NAME, "goal": "Better care"})
    assert not initiative.is_valid()
    assert "possible medical record number" in initiative.errors["title"][0]
