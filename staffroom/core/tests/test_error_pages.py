from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from pytest_django import DjangoDbBlocker

from staffroom.core.views import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_404_page_in_the_site_look(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We can't find that page" in body
    assert 'class="site-header"' in body
    assert "Traceback" not in body


def test_a_server_error_page_explains_in_plain_words_without_a_trace() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert 'class="site-header"' in body
    assert "Traceback" not in body


def test_the_server_error_page_renders_even_when_the_database_is_unreachable(
    django_db_blocker: DjangoDbBlocker,
) -> None:
    # The 500 page must not query anything: the database may be why it is shown.
    with django_db_blocker.block():
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
