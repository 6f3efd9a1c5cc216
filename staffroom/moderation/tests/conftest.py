"""Moderation fixtures: a post with a comment, colleagues who can see both, a moderator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment


@dataclass
class Ward:
    author: Person
    colleagues: list[Person]
    moderator: Person
    privacy_officer: Person
    post: Post
    comment: Comment


def moderator_person(**kwargs: Any) -> Person:
    person = PersonFactory(**kwargs)
    RoleGrantFactory(person=person, role=Role.MODERATOR)
    return person


@pytest.fixture
def ward(db: None) -> Ward:
    author = PersonFactory(username="sam.author", first_name="Sam", last_name="Author")
    post = PostFactory(title="Rota changes")
    comment = post_comment(thread=post.thread, author=author, body="The new rota is a mess.")
    officer = PersonFactory(username="pat.privacy")
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    return Ward(
        author=author,
        colleagues=[PersonFactory(username=f"colleague{i}") for i in range(4)],
        moderator=moderator_person(username="mo.derator"),
        privacy_officer=officer,
        post=post,
        comment=comment,
    )
