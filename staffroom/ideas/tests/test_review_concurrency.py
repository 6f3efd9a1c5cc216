"""A response sent twice at the same moment (a double click without JavaScript) is one
response, told once, and both requests succeed (PostgreSQL: two connections at once)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.ideas.models import Idea, Response, Status
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.services.voting import vote
from staffroom.ideas.tests.test_review_services import propose, reviewer_for, updates_for
from staffroom.notifications.models import Notification


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database is shared-cache: it reports 'table is locked' "
    "instead of waiting, and SQLite serialises writers anyway",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [None, Status.ACCEPTED])
def test_a_response_sent_twice_at_once_is_recorded_and_told_once(status: str | None) -> None:
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author)
    voter = PersonFactory()
    vote(idea=idea, person=voter)
    results: list[Response] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def send() -> None:
        try:
            start.wait()
            results.append(
                respond(
                    idea=Idea.objects.get(pk=idea.pk),
                    reviewer=reviewer,
                    message="Yes, from Monday.",
                    status=status,
                )
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert len(results) == 2
    assert results[0].pk == results[1].pk
    assert Response.objects.filter(idea=idea).count() == 1
    assert updates_for(idea) == {author.pk, voter.pk}
    assert Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).count() == 2
