"""The search form is cached (search.views._form_html): keyed by what was asked, the channels
and the language, so it is never stale and never shows one person's search to another."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse_lazy

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Channel
from staffroom.search.tests.factories import make_channel, make_post

pytestmark = pytest.mark.django_db

SEARCH = reverse_lazy("search:search")


def signed_in(client: Client, person: Person | None = None) -> Client:
    client.force_login(person or PersonFactory())
    return client


def test_a_renamed_or_new_channel_shows_at_once(client: Client) -> None:
    channel = make_channel("Wound care")
    signed_in(client)
    assert ">Wound care</option>" in client.get(SEARCH, {"q": "x"}).content.decode()
    Channel.objects.filter(pk=channel.pk).update(name="Tissue viability")
    make_channel("Night shift")
    body = client.get(SEARCH, {"q": "x"}).content.decode()
    assert ">Tissue viability</option>" in body
    assert ">Night shift</option>" in body
    assert "Wound care" not in body


def test_each_search_keeps_its_own_words_and_filters(client: Client) -> None:
    channel = make_channel("Estates")
    make_post(title="Boiler repair", channel=channel)
    signed_in(client)
    first = client.get(SEARCH, {"q": "boiler", "channel": str(channel.pk)}).content.decode()
    assert 'name="q" value="boiler"' in first
    assert f'<option value="{channel.pk}" selected>Estates</option>' in first
    other = signed_in(Client()).get(SEARCH, {"q": "rota"}).content.decode()
    assert 'name="q" value="rota"' in other
    assert "boiler" not in other
    assert f'<option value="{channel.pk}" selected>' not in other


def test_the_form_follows_the_language(client: Client) -> None:
    signed_in(client, PersonFactory(preferred_language="es"))
    english = signed_in(Client()).get(SEARCH, {"q": "x"}).content.decode()
    spanish = client.get(SEARCH, {"q": "x"}).content.decode()
    assert "All channels" in english
    assert "All channels" not in spanish


def test_a_form_with_errors_is_rendered_with_its_errors(client: Client) -> None:
    signed_in(client)
    client.get(SEARCH, {"q": "x", "date_from": ""})
    response = client.get(SEARCH, {"q": "x", "date_from": "not a date"})
    assert response.status_code == 400
    assert "Enter a date like 2026-03-31." in response.content.decode()
