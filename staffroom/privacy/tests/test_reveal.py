"""Revealing the author of an anonymous item (issue 4, item 3; decision 18).

No kind of item is anonymous yet (ideas bring that, issue 5), so these tests register a
test-only kind: the comment kind with `is_anonymous` always true, under "anon-test".
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.core import items
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment
from staffroom.notifications.models import Notification
from staffroom.privacy.models import AuthorReveal
from staffroom.privacy.reveal import reveal_author

ANON = "anon-test"
REASON = "Repeated unkind ideas about one ward; the moderators need to talk to the author"
PHI_REASON = "Mr John Carter in bed 4, MRN 4481923, was named in the item"


@contextlib.contextmanager
def anonymous_comments() -> Iterator[items.ItemKind]:
    """Every comment is an anonymous item of kind "anon-test" while this lasts; the registry
    is restored afterwards (the live server of a browser test shares it: same process)."""
    kinds, by_model = dict(items._kinds), dict(items._by_model)
    kind = dataclasses.replace(
        items.kind_named("comment"), key=ANON, is_anonymous=lambda comment: True
    )
    items.register_item_kind(kind)
    try:
        yield kind
    finally:
        items._kinds.clear()
        items._kinds.update(kinds)
        items._by_model.clear()
        items._by_model.update(by_model)


@pytest.fixture
def anonymous_kind() -> Iterator[items.ItemKind]:
    with anonymous_comments() as kind:
        yield kind


def _officer(username: str, role: Role = Role.PRIVACY_OFFICER) -> Person:
    person = PersonFactory(username=username)
    RoleGrantFactory(person=person, role=role)
    return person


@pytest.fixture
def officer(db: None) -> Person:
    return _officer("privacy.officer")


@pytest.fixture
def author(db: None) -> Person:
    return PersonFactory(username="quiet.author", first_name="Wilhelmina", last_name="Quist")


@pytest.fixture
def comment(author: Person, anonymous_kind: items.ItemKind) -> Comment:
    return post_comment(thread=PostFactory().thread, author=author, body="The rota is unfair")


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _reveal_url(obj: Comment | Post, kind: str = ANON) -> str:
    return reverse("privacy:reveal", kwargs={"kind": kind, "item_id": obj.pk})


def _names(person: Person) -> list[str]:
    return [person.username, person.first_name, person.last_name, person.display_name]


def _nothing_written() -> bool:
    return (
        not AuthorReveal.objects.exists()
        and not AuditEntry.objects.filter(action=AuditAction.REVEALED_AUTHOR).exists()
        and not Notification.objects.filter(kind=Notification.Kind.REVEAL).exists()
    )


# --- The service -------------------------------------------------------------------------------


def test_an_officer_reveals_the_author_and_it_is_recorded_audited_and_told(
    officer: Person, author: Person, comment: Comment
) -> None:
    other_officer = _officer("other.officer")
    administrator = _officer("it.admin", Role.ADMINISTRATOR)
    moderator = _officer("mod", Role.MODERATOR)
    site_officer = PersonFactory(username="site.officer")
    RoleGrantFactory(
        person=site_officer, role=Role.PRIVACY_OFFICER, site=site_officer.department.site
    )
    leaver = _officer("left.officer")
    leaver.is_active = False
    leaver.save()

    assert reveal_author(obj=comment, officer=officer, reason=f"  {REASON}  ") == author

    reveal = AuthorReveal.objects.get()
    assert (reveal.item_kind, reveal.item_id, reveal.revealed_by) == (ANON, comment.pk, officer)
    assert reveal.reason == REASON
    assert reveal.item_label == f"Comment {comment.pk} in thread {comment.thread_id}"

    entry = AuditEntry.objects.get(action=AuditAction.REVEALED_AUTHOR)
    assert entry.actor_id == officer.pk
    assert entry.target_id == str(comment.pk)
    assert entry.data["reveal"] == reveal.pk
    recorded = f"{entry.summary} {entry.data}"
    for name in _names(author):
        assert name not in recorded
    assert "unkind" not in recorded  # ids only, not the reason's words

    told = Notification.objects.filter(kind=Notification.Kind.REVEAL)
    assert {n.recipient for n in told} == {other_officer, administrator}
    for notification in told:
        assert notification.actor == officer
        assert officer.display_name in notification.message
        assert reveal.item_label in notification.message
        assert REASON in notification.message
        for name in _names(author):
            assert name not in notification.message
    assert not Notification.objects.filter(recipient__in=[officer, moderator, site_officer, leaver])


def test_a_long_reason_is_kept_whole_and_shortened_in_the_notice(
    officer: Person, comment: Comment
) -> None:
    _officer("other.officer")
    reason = "Needed for moderation. " + "x" * 1900
    reveal_author(obj=comment, officer=officer, reason=reason)
    assert AuthorReveal.objects.get().reason == reason
    message = Notification.objects.get().message
    assert len(message) <= 1000
    assert message.endswith("…")


@pytest.mark.parametrize(
    ("reason", "says"),
    [
        ("", "at least 20"),
        ("Just checking", "at least 20"),
        ("x" * 2001, "under 2000"),
        (PHI_REASON, "patient information"),
    ],
    ids=["empty", "short", "long", "phi"],
)
def test_a_bad_reason_is_refused_and_nothing_is_written(
    officer: Person, comment: Comment, reason: str, says: str
) -> None:
    _officer("other.officer")
    with pytest.raises(ValidationError) as raised:
        reveal_author(obj=comment, officer=officer, reason=reason)
    assert says in " ".join(raised.value.messages)
    assert _nothing_written()


def test_an_item_that_is_not_anonymous_has_no_author_to_reveal(
    officer: Person, anonymous_kind: items.ItemKind
) -> None:
    post = PostFactory()
    with pytest.raises(ValidationError, match="not posted anonymously"):
        reveal_author(obj=post, officer=officer, reason=REASON)
    assert _nothing_written()


def test_only_privacy_officers_may_reveal(author: Person, comment: Comment) -> None:
    site_officer = PersonFactory()
    RoleGrantFactory(
        person=site_officer, role=Role.PRIVACY_OFFICER, site=site_officer.department.site
    )
    for person in (PersonFactory(), _officer("mod", Role.MODERATOR), site_officer, author):
        with pytest.raises(Http404):
            reveal_author(obj=comment, officer=person, reason=REASON)
    assert _nothing_written()


# --- The pages ---------------------------------------------------------------------------------


def test_the_page_explains_the_reveal_and_the_answer_is_rendered_not_redirected(
    officer: Person, author: Person, comment: Comment
) -> None:
    client = _client(officer)
    page = client.get(_reveal_url(comment))
    assert page.status_code == 200
    text = page.content.decode()
    assert "recorded" in text
    assert "other privacy officer" in text
    assert 'name="reason"' in text
    for name in _names(author):
        assert name not in text

    answer = client.post(_reveal_url(comment), {"reason": REASON})
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    shown = answer.content.decode()
    assert author.display_name in shown
    assert author.get_absolute_url() in shown
    assert AuthorReveal.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "says"),
    [("Too short", "at least 20"), (PHI_REASON, "patient information")],
    ids=["short", "phi"],
)
def test_a_bad_reason_shows_the_form_again_with_the_reason_kept(
    officer: Person, author: Person, comment: Comment, reason: str, says: str
) -> None:
    response = _client(officer).post(_reveal_url(comment), {"reason": reason})
    assert response.status_code == 400
    text = response.content.decode()
    assert says in text
    assert "4481923" in text or reason in text  # kept in the textarea (escaped as needed)
    assert author.display_name not in text
    assert _nothing_written()


def test_every_role_but_privacy_officers_gets_a_404(
    officer: Person, author: Person, comment: Comment
) -> None:
    site_officer = PersonFactory()
    RoleGrantFactory(
        person=site_officer, role=Role.PRIVACY_OFFICER, site=site_officer.department.site
    )
    administrator = _officer("it.admin", Role.ADMINISTRATOR)
    others = (r for r in Role if r not in (Role.PRIVACY_OFFICER, Role.ADMINISTRATOR))
    refused: list[Person] = [
        PersonFactory(),
        author,
        site_officer,
        *(_officer(role.value, role) for role in others),
    ]
    for person in refused:
        client = _client(person)
        for url in (_reveal_url(comment), reverse("privacy:reveals")):
            assert client.get(url).status_code == 404, (person.username, url)
        response = client.post(_reveal_url(comment), {"reason": REASON})
        assert response.status_code == 404, person.username
        if person != author:  # the author sees their own name in the page header
            assert author.display_name not in response.content.decode()
    assert _nothing_written()
    signed_out = Client().get(_reveal_url(comment))
    assert signed_out.status_code == 302
    for person in (officer, administrator):
        assert _client(person).get(_reveal_url(comment)).status_code == 200
        assert _client(person).get(reverse("privacy:reveals")).status_code == 200


def test_an_item_that_is_not_anonymous_or_doesnt_exist_is_a_404_even_to_officers(
    officer: Person, author: Person, anonymous_kind: items.ItemKind
) -> None:
    post = PostFactory()
    client = _client(officer)
    for url in (
        _reveal_url(post, kind="post"),
        reverse("privacy:reveal", kwargs={"kind": ANON, "item_id": 999999}),
        reverse("privacy:reveal", kwargs={"kind": "nothing", "item_id": 1}),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": REASON}).status_code == 404, url
    assert _nothing_written()


def test_the_list_shows_every_reveal_without_the_authors_name(
    officer: Person, author: Person, comment: Comment
) -> None:
    reveal_author(obj=comment, officer=officer, reason=REASON)
    other = _officer("other.officer")
    page = _client(other).get(reverse("privacy:reveals"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Comment {comment.pk} in thread {comment.thread_id}" in text
    assert officer.display_name in text
    assert "Repeated unkind ideas" in text
    for name in _names(author):
        assert name not in text
    queue = _client(other).get(reverse("privacy:queue")).content.decode()
    assert reverse("privacy:reveals") in queue


def test_the_list_costs_the_same_for_few_and_many_reveals(
    officer: Person, comment: Comment, query_count: Callable[[Callable[[], object]], int]
) -> None:
    client = _client(officer)
    url = reverse("privacy:reveals")
    reveal_author(obj=comment, officer=officer, reason=REASON)
    client.get(url)  # warm up the session and caches
    few = query_count(lambda: client.get(url))
    for number in range(35):
        reveal_author(obj=comment, officer=_officer(f"officer{number}"), reason=REASON)
    assert query_count(lambda: client.get(url)) == few
    first = client.get(url)
    cursor = first.context["page"].next_cursor
    assert cursor
    rest = client.get(url, {"cursor": cursor}, HTTP_HX_REQUEST="true")
    assert rest.status_code == 200
    assert "<html" not in rest.content.decode()
