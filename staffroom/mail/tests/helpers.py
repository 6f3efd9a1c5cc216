from __future__ import annotations

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment


def mention(
    person: Person, *, post: Post | None = None, by: Person | None = None, words: str = "Hi"
) -> Comment:
    """`by` mentions `person` in a comment on `post`, through the real service."""
    post = post or PostFactory()
    author = by or PersonFactory(first_name="Ana", last_name="Lopez")
    return post_comment(thread=post.thread, author=author, body=f"{words} @{person.username}")
