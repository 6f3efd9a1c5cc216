"""An anonymous author never appears in what others receive: pages and their htmx fragments,
the board and the wall, similar ideas, search, notifications, feeds, the moderators' queue,
the audit CSV and other people's data exports. And their comments on their own idea are
"the idea's author".

Each test renders as someone else and looks for every way the author could be named: first
name, surname, username, employee id, profile address. The author is "Zebediah Quillfeather",
so any of these showing up is a leak, not a coincidence.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditEntry
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment, react
from staffroom.ideas.models import Idea, Status
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.voting import follow_idea, vote
from staffroom.ideas.tests.factories import CategoryFactory
from staffroom.moderation.services import flag_item
from staffroom.notifications.models import Notification
from staffroom.organisation.models import Department

pytestmark = pytest.mark.django_db

TITLE = "Night lights along the corridor to bay C"


@dataclass
class Scene:
    author: Person
    idea: Idea
    colleague: Person
    voter: Person
    follower: Person
    reviewer: Person
    moderator: Person
    officer: Person
    comment: Comment  # the author's own, anonymous, in reply to the voter and mentioning them

    @property
    def identities(self) -> list[str]:
        return [
            "Zebediah",
            "Quillfeather",
            "zquill",
            "E990017",
            self.author.get_absolute_url(),
        ]


def _person(role: str | None = None, **kwargs: Any) -> Person:
    person = PersonFactory(**kwargs)
    if role is not None:
        RoleGrantFactory(person=person, role=role)
    return person


@pytest.fixture
def scene(db: None) -> Scene:
    author = _person(
        first_name="Zebediah", last_name="Quillfeather", username="zquill", employee_id="E990017"
    )
    idea = create_idea(
        author=author,
        title=TITLE,
        problem="Staff walk the corridor in the dark to reach bay C at night.",
        proposal="Fit low motion-sensing lights along the skirting.",
        category=CategoryFactory(),
        department=_department(author),
        is_anonymous=True,
    )
    voter = _person(username="valerie.voter")
    vote(idea=idea, person=voter)
    follower = _person()
    follow_idea(idea=idea, person=follower)
    question = post_comment(thread=idea.thread, author=voter, body="Which corridor exactly?")
    comment = post_comment(
        thread=idea.thread,
        author=author,
        body="The one past the sluice room, @valerie.voter.",
        parent=question,
    )
    reviewer = _person(Role.IDEA_REVIEWER)
    return Scene(
        author=author,
        idea=idea,
        colleague=_person(),
        voter=voter,
        follower=follower,
        reviewer=reviewer,
        moderator=_person(Role.MODERATOR),
        officer=_person(Role.PRIVACY_OFFICER),
        comment=comment,
    )


def _department(person: Person) -> Department:
    assert person.department is not None
    return person.department


def _as(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _assert_anonymous(scene: Scene, text: str) -> None:
    for identity in scene.identities:
        assert identity not in text, f"{identity!r} leaked"


def _url(name: str, **kwargs: Any) -> str:
    # Every address exists: one renamed or gone fails here (NoReverseMatch), never skips.
    return reverse(name, kwargs=kwargs or None)


# --- The idea, its comments and its fragments -------------------------------------------------


def test_the_author_comment_is_stored_anonymous_and_its_notices_name_nobody(scene: Scene) -> None:
    assert scene.comment.is_anonymous
    reply = Notification.objects.get(kind=Notification.Kind.REPLY, comment=scene.comment)
    mention = Notification.objects.get(kind=Notification.Kind.MENTION, comment=scene.comment)
    assert reply.actor_id is None
    assert mention.actor_id is None
    # Someone else's comment on the same idea is signed as ever.
    signed = Comment.objects.get(author=scene.voter)
    assert not signed.is_anonymous
    # The author commenting on someone else's idea is themselves.
    other = create_idea(
        author=scene.voter,
        title="Another idea",
        problem="A problem.",
        proposal="A change.",
        category=CategoryFactory(),
        department=_department(scene.voter),
    )
    elsewhere = post_comment(thread=other.thread, author=scene.author, body="Good idea.")
    assert not elsewhere.is_anonymous


@pytest.mark.parametrize("who", ["colleague", "voter", "follower", "reviewer", "moderator"])
def test_the_idea_page_never_names_the_anonymous_author(scene: Scene, who: str) -> None:
    viewer = getattr(scene, who)
    html = _as(viewer).get(_url("ideas:idea", pk=scene.idea.pk)).content.decode()
    assert TITLE in html
    assert "The one past the sluice room" in html  # the author's comment is on the page
    assert "The idea&#x27;s author" in html or "The idea's author" in html
    _assert_anonymous(scene, html)


def test_the_author_sees_that_they_proposed_it_anonymously(scene: Scene) -> None:
    html = _as(scene.author).get(_url("ideas:idea", pk=scene.idea.pk)).content.decode()
    assert "You proposed this anonymously" in html


def test_vote_and_follow_fragments_never_name_the_author(scene: Scene) -> None:
    client = _as(scene.colleague)
    for name, action in (("ideas:vote", "vote"), ("ideas:follow", "follow")):
        response = client.post(
            _url(name, pk=scene.idea.pk), {"action": action}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        _assert_anonymous(scene, response.content.decode())


def test_reacting_to_the_author_comment_returns_a_bar_without_their_name(scene: Scene) -> None:
    client = _as(scene.colleague)
    url = reverse(
        "discussion:comment_react",
        kwargs={"comment_id": scene.comment.pk},
    )
    response = client.post(url, {"kind": "like"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    _assert_anonymous(scene, response.content.decode())


def test_the_comment_history_page_never_names_the_author(scene: Scene) -> None:
    url = reverse("discussion:comment_history", kwargs={"comment_id": scene.comment.pk})
    response = _as(scene.colleague).get(url)
    assert response.status_code == 200
    _assert_anonymous(scene, response.content.decode())


# --- Lists: the board, the wall, similar ideas, search ----------------------------------------


def test_the_board_never_names_the_author(scene: Scene) -> None:
    html = _as(scene.colleague).get(_url("ideas:board")).content.decode()
    assert TITLE in html
    _assert_anonymous(scene, html)


def test_the_implemented_wall_never_names_the_author(scene: Scene) -> None:
    from staffroom.ideas.services.reviewing import respond

    RoleGrantFactory(
        person=scene.reviewer, role=Role.IDEA_REVIEWER, department=scene.author.department
    )
    for status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.IMPLEMENTED):
        respond(idea=scene.idea, reviewer=scene.reviewer, message=f"Now {status}.", status=status)
    html = _as(scene.colleague).get(_url("ideas:implemented")).content.decode()
    assert TITLE in html
    _assert_anonymous(scene, html)


def test_similar_ideas_never_name_the_author(scene: Scene) -> None:
    url = _url("ideas:similar")
    response = _as(scene.colleague).get(
        url, {"title": "Night lights corridor", "problem": "dark corridor at night"}
    )
    html = response.content.decode()
    assert TITLE in html
    _assert_anonymous(scene, html)


def test_site_search_never_names_the_author(scene: Scene) -> None:
    for query in ("night lights corridor", "sluice room"):
        html = _as(scene.colleague).get(reverse("search:search"), {"q": query}).content.decode()
        # Found (the idea, then the author's comment on it): the check below reads results.
        found_words = html.replace("<mark>", "").replace("</mark>", "")
        assert TITLE in found_words, f"{query!r} found nothing"
        _assert_anonymous(scene, html)
    # Searching for the author's name finds nothing that ties them to the idea.
    found = _as(scene.colleague).get(reverse("search:search"), {"q": "Quillfeather"})
    assert TITLE not in found.content.decode()


# --- Notifications, feeds ---------------------------------------------------------------------


def test_notifications_after_a_response_and_a_merge_never_name_the_author(scene: Scene) -> None:
    from staffroom.ideas.services.reviewing import merge_ideas, respond

    RoleGrantFactory(
        person=scene.reviewer, role=Role.IDEA_REVIEWER, department=scene.author.department
    )
    respond(idea=scene.idea, reviewer=scene.reviewer, message="We will look at this.")
    survivor = create_idea(
        author=scene.colleague,
        title="Corridor lighting at night",
        problem="Dark corridors.",
        proposal="More lights.",
        category=scene.idea.category,
        department=_department(scene.author),
    )
    merge_ideas(
        duplicate=scene.idea, survivor=survivor, reviewer=scene.reviewer, message="Same idea."
    )
    react(person=scene.colleague, thread=scene.idea.thread, comment=scene.comment, kind="like")
    for person in (scene.reviewer, scene.voter, scene.follower, scene.colleague):
        html = _as(person).get(reverse("notifications:list")).content.decode()
        _assert_anonymous(scene, html)
    assert not Notification.objects.filter(actor=scene.author).exists()


def test_feeds_carry_no_ideas(scene: Scene) -> None:
    response = Client().get(reverse("channels:public_atom"))
    assert response.status_code == 200
    body = response.content.decode()
    assert TITLE not in body
    _assert_anonymous(scene, body)


# --- Moderation, audit, exports ---------------------------------------------------------------


def test_moderators_never_see_the_anonymous_author_in_the_queue_or_on_the_item(
    scene: Scene,
) -> None:
    flag_item(obj=scene.idea, by=scene.colleague, reason="disrespect")
    flag_item(obj=scene.comment, by=scene.colleague, reason="other")
    client = _as(scene.moderator)
    queue = client.get(reverse("moderation:queue")).content.decode()
    assert TITLE in queue
    assert "The one past the sluice room" in queue
    _assert_anonymous(scene, queue)
    for kind, pk in (("idea", scene.idea.pk), ("comment", scene.comment.pk)):
        page = client.get(reverse("moderation:item", kwargs={"kind": kind, "item_id": pk}))
        assert page.status_code == 200
        _assert_anonymous(scene, page.content.decode())


def test_a_warning_about_an_anonymous_idea_reaches_the_author_without_naming_them(
    scene: Scene,
) -> None:
    flag_item(obj=scene.idea, by=scene.colleague, reason="disrespect")
    response = _as(scene.moderator).post(
        reverse("moderation:act", kwargs={"kind": "idea", "item_id": scene.idea.pk}),
        {"action": "warn", "warn-reason": "Keep it about the corridor, please."},
        follow=True,
    )
    _assert_anonymous(scene, response.content.decode())
    assert Notification.objects.filter(
        recipient=scene.author, kind=Notification.Kind.MODERATION
    ).exists()
    warned = AuditEntry.objects.get(action="warned")
    assert "idea" not in warned.summary.lower()


def test_the_audit_csv_never_ties_the_author_to_the_idea(scene: Scene) -> None:
    # A held anonymous idea too: holds are audited.
    create_idea(
        author=scene.author,
        title="Bed 4",
        problem="Mr John Carter in bed 4, MRN 4481923, fell twice.",
        proposal="Alarms.",
        category=CategoryFactory(),
        department=_department(scene.author),
        is_anonymous=True,
    )
    response = _as(scene.officer).get(reverse("audit:export"))
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    header, rows = rows[0], rows[1:]
    actor_id = header.index("actor_id") if "actor_id" in header else 1
    author_id = str(scene.author.pk)
    authored = [row for row in rows if row[actor_id] == author_id]
    # The author did things on their own name (signing in, say) but nothing about the idea,
    # its hold or their anonymous comment.
    for row in authored:
        assert "idea" not in row[header.index("summary")].lower()
        assert "hold" not in row[header.index("summary")].lower()
        assert f"Comment {scene.comment.pk}" not in row[header.index("summary")]
    for row in rows:
        data = json.loads(row[header.index("data")] or "{}")
        assert data.get("author") != scene.author.pk
    _assert_anonymous(scene, body.replace(author_id, ""))


def test_other_peoples_data_exports_never_name_the_author(scene: Scene) -> None:
    import zipfile

    from staffroom.accounts.data_export import build_personal_data_export

    for person in (scene.voter, scene.follower, scene.colleague):
        archive = zipfile.ZipFile(io.BytesIO(build_personal_data_export(person=person).read()))
        for name in archive.namelist():
            if name.endswith((".json", ".html")):
                _assert_anonymous(scene, archive.read(name).decode())


# --- Merged anonymous comments ----------------------------------------------------------------

MERGED_LABEL = "The author of a merged idea"


def _labels(html: str) -> list[str]:
    """The anonymous comments' author labels, in page order."""
    import re

    return [
        label.replace("&#x27;", "'")
        for label in re.findall(
            r'<span class="comment__author comment__author--anonymous">([^<]*)</span>', html
        )
    ]


def _merge(duplicate: Idea, survivor: Idea) -> None:
    from staffroom.ideas.services.reviewing import merge_ideas

    reviewer = _person()
    for department in {duplicate.department, survivor.department}:
        RoleGrantFactory(person=reviewer, role=Role.IDEA_REVIEWER, department=department)
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same idea.")


def _anonymous_idea(author: Person, title: str, *, anonymous: bool = True) -> Idea:
    return create_idea(
        author=author,
        title=title,
        problem="Staff walk the corridor in the dark to reach bay C at night.",
        proposal="Fit low motion-sensing lights along the skirting.",
        category=CategoryFactory(),
        department=_department(author),
        is_anonymous=anonymous,
    )


def test_merged_anonymous_comments_are_not_credited_to_the_survivors_author(
    scene: Scene,
) -> None:
    from django.core.cache import cache

    carol = _person(first_name="Carlotta", last_name="Wrenfield", username="cwren")
    survivor = scene.idea  # anonymous, by Zebediah, with his anonymous reply to the voter
    duplicate = create_idea(
        author=carol,
        title="Lights for the bay C corridor",
        problem="The corridor to bay C is dark at night.",
        proposal="Put in night lights.",
        category=survivor.category,
        department=survivor.department,
        is_anonymous=True,
    )
    own = post_comment(thread=duplicate.thread, author=carol, body="Battery lights would do.")
    assert own.is_anonymous
    agreed = post_comment(
        thread=duplicate.thread, author=scene.colleague, body="Agreed, cheap too.", parent=own
    )
    again = post_comment(thread=duplicate.thread, author=carol, body="Yes.", parent=agreed)
    # Deep enough to be "in reply to" someone: Carol's (anonymous) second comment.
    answer = post_comment(
        thread=duplicate.thread, author=scene.colleague, body="Let's.", parent=again
    )
    assert answer.reply_to_id == again.pk
    client = _as(scene.colleague)
    # The survivor's comment list is rendered and cached before the merge.
    before = client.get(survivor.get_absolute_url()).content.decode()
    assert _labels(before) == ["The idea's author"]

    _merge(duplicate, survivor)

    html = client.get(survivor.get_absolute_url()).content.decode()
    assert "Battery lights would do." in html  # the duplicate's comments moved here
    # Zebediah's reply is the idea's author's; Carol's comment is a merged idea's author's.
    assert _labels(html) == ["The idea's author", MERGED_LABEL, MERGED_LABEL]
    assert "in reply to the author of a merged idea" in html
    assert html.count("The idea&#x27;s author") + html.count("The idea's author") == 1
    for name in ("Carlotta", "Wrenfield", "cwren", carol.get_absolute_url()):
        assert name not in html
    _assert_anonymous(scene, html)

    # Cached per thread version: the next reader gets the same labels from the cache.
    assert _labels(_as(scene.voter).get(survivor.get_absolute_url()).content.decode()) == [
        "The idea's author",
        MERGED_LABEL,
        MERGED_LABEL,
    ]
    # Its history page and its reactions say the same, and name nobody.
    Comment.objects.filter(pk=own.pk).update(edited_at=own.created_at)
    history = client.get(reverse("discussion:comment_history", kwargs={"comment_id": own.pk}))
    assert "History of a comment by the author of a merged idea" in history.content.decode()
    reacted = client.post(
        reverse("discussion:comment_react", kwargs={"comment_id": own.pk}),
        {"kind": "like"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Reactions to the comment by the author of a merged idea" in reacted
    assert "Wrenfield" not in reacted
    # A single comment sent back to htmx (a new reply to Carol) says so too.
    posted = client.post(
        reverse("discussion:comment", kwargs={"thread_id": survivor.thread_id}),
        {"body": "Count me in.", "parent": again.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Count me in." in posted
    assert "in reply to the author of a merged idea" in posted
    assert "Wrenfield" not in posted
    # And with the cache emptied, the list read afresh labels it the same.
    cache.clear()
    fresh = client.get(survivor.get_absolute_url()).content.decode()
    assert _labels(fresh) == ["The idea's author", MERGED_LABEL, MERGED_LABEL]


def test_a_signed_survivors_author_is_not_tied_to_their_merged_anonymous_duplicate(
    scene: Scene,
) -> None:
    # The same person proposed the idea twice: signed, then anonymously. Calling the
    # anonymous comment "the idea's author" under their signed idea would name them.
    bob = _person(first_name="Bartholomew", last_name="Signedson")
    survivor = _anonymous_idea(bob, "Signed corridor lights", anonymous=False)
    duplicate = _anonymous_idea(bob, "Anonymous corridor lights")
    post_comment(thread=duplicate.thread, author=bob, body="Said it before, quietly.")
    _merge(duplicate, survivor)

    html = _as(scene.colleague).get(survivor.get_absolute_url()).content.decode()
    assert "Said it before, quietly." in html
    assert _labels(html) == [MERGED_LABEL]
    assert "The idea&#x27;s author" not in html


def test_the_survivor_page_costs_the_same_with_few_and_many_merged_anonymous_comments(
    scene: Scene, query_count: Any
) -> None:
    from django.core.cache import cache

    survivor = scene.idea
    client = _as(scene.colleague)

    def merge_one(n: int) -> None:
        author = _person()
        duplicate = _anonymous_idea(author, f"Corridor lights again {author.pk}")
        for i in range(n):
            post_comment(thread=duplicate.thread, author=author, body=f"Note {i} from me.")
        _merge(duplicate, survivor)

    def measure() -> int:
        cache.clear()
        return int(query_count(lambda: client.get(survivor.get_absolute_url())))

    client.get(survivor.get_absolute_url())
    merge_one(1)
    small = measure()
    merge_one(5)
    merge_one(5)
    large = measure()
    assert small == large
    html = client.get(survivor.get_absolute_url()).content.decode()
    assert _labels(html).count(MERGED_LABEL) == 11
