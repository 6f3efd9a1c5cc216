"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory


@pytest.fixture
def person(db: None) -> Person:
    return PersonFactory()


@pytest.fixture
def administrator(db: None) -> Person:
    admin = PersonFactory(username="it.admin", job_title="IT Systems Administrator")
    RoleGrantFactory(person=admin, role=Role.ADMINISTRATOR)
    return admin


@contextmanager
def count_queries() -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connection) as ctx:
        yield ctx


@pytest.fixture
def query_count() -> Callable[[Callable[[], object]], int]:
    """Return how many database queries a callable makes."""

    def measure(action: Callable[[], object]) -> int:
        with count_queries() as ctx:
            action()
        return len(ctx.captured_queries)

    return measure
