"""The little hospital the access-control matrix (test_access_matrix.py) is played in.

Two sites, three departments, one person per role, and one of every kind of thing someone
may or may not see: drafts, scheduled and targeted posts; held, hidden and removed posts and
comments (edited, so they have earlier words too), with their privacy holds and flags; an
exposure report, an audit entry, a directory import. Every object carries a marker word of
its own ("ZEBRA…") in its title or body (and its attachment), so a test can say "this word
must not be anywhere in the response".

Who may see each object is data (`SEES`), not code: the matrix reads it. States the safety
services will reach (held, hidden, removed) are set directly on the rows, so this world
doesn't depend on how those services are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.channels.models import Channel, Post
from staffroom.channels.services.posts import add_post_attachment, add_post_image
from staffroom.channels.services.sharing import make_post_public, regenerate_feed_token
from staffroom.channels.tests.factories import ChannelFactory, PostFactory, TagFactory
from staffroom.core.models import Visibility
from staffroom.discussion.models import Backlink, Comment
from staffroom.discussion.services import edit_comment, post_comment
from staffroom.moderation.models import FlagReason
from staffroom.moderation.services import flag_item
from staffroom.notifications.models import Notification
from staffroom.organisation.models import DirectoryImport
from staffroom.organisation.services.directory_import import create_directory_import
from staffroom.organisation.tests.factories import (
    DepartmentFactory,
    JobFamilyFactory,
    SiteFactory,
    UnitFactory,
)
from staffroom.privacy.models import ExposureReport, PrivacyHold
from staffroom.strategy.models import Initiative, Plan
from staffroom.strategy.tests.factories import PillarFactory, PlanFactory, initiative

# --- The people ------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
NURSE = "nurse"  # department A, site 1
COLLEAGUE = "colleague"  # department A, site 1
DEPT_B = "dept_b"  # department B, site 1
SITE_2 = "site_2"  # department C, site 2
EDITOR_A = "editor_a"  # channel editor of department A (and works there)
COMMS = "comms"  # communications admin, organisation-wide (works in department B)
MODERATOR = "moderator"  # organisation-wide (department B)
PRIVACY = "privacy"  # privacy officer, organisation-wide (department B)
ADMIN = "admin"  # administrator, organisation-wide, Django-admin staff (department B)
INACTIVE = "inactive"  # a leaver from department A: is_active=False

SIGNED_IN = (NURSE, COLLEAGUE, DEPT_B, SITE_2, EDITOR_A, COMMS, MODERATOR, PRIVACY, ADMIN)
ROLES = (ANONYMOUS, *SIGNED_IN, INACTIVE)
# Not signed in as far as the site is concerned: a leaver's session is no session.
SIGNED_OUT = frozenset({ANONYMOUS, INACTIVE})

ALL = frozenset(SIGNED_IN)
EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()

# --- The things, each with its marker word -----------------------------------------------------

MARKERS = {
    "draft": "ZEBRADRAFT",
    "scheduled": "ZEBRASCHEDULED",
    "target_a": "ZEBRATARGETA",
    "target_site_2": "ZEBRATARGETSITETWO",
    "public": "ZEBRAPUBLIC",
    "held_post": "ZEBRAHELDPOST",
    "held_draft": "ZEBRAHELDDRAFT",
    "hidden_post": "ZEBRAHIDDENPOST",
    "removed_post": "ZEBRAREMOVEDPOST",
    "visible_comment": "ZEBRAVISIBLECOMMENT",
    "held_comment": "ZEBRAHELDCOMMENT",
    "hidden_comment": "ZEBRAHIDDENCOMMENT",
    "removed_comment": "ZEBRAREMOVEDCOMMENT",
    "target_comment": "ZEBRATARGETCOMMENT",
    "initiative": "ZEBRAINITIATIVE",
    "audit": "ZEBRAAUDIT",
    "directory_import": "ZEBRAIMPORT",
    "exposure_report": "ZEBRAEXPOSURE",
}
# A word every post and comment also carries, to search for everything at once.
COMMON_WORD = "quokkaward"

_EDITORS_A = frozenset({EDITOR_A, COMMS, ADMIN})
_DEPT_A_AUDIENCE = frozenset({NURSE, COLLEAGUE}) | _EDITORS_A

# Who may read each object's words, anywhere: its page, lists, search, feeds, downloads.
# Administrators hold every role (accounts.permissions.has_role), privacy officers' included.
SEES: dict[str, frozenset[str]] = {
    "draft": _EDITORS_A,
    "scheduled": _EDITORS_A,
    "target_a": _DEPT_A_AUDIENCE,
    "target_site_2": frozenset({SITE_2, COMMS, ADMIN}),
    # Public: anyone on the internet, through its public page and the public feed.
    "public": EVERYONE,
    # Held: the author and privacy officers; not even the channel's other editors.
    "held_post": frozenset({EDITOR_A, PRIVACY, ADMIN}),
    "held_draft": frozenset({EDITOR_A, PRIVACY, ADMIN}),
    # Hidden: the author, moderators and privacy officers.
    "hidden_post": frozenset({EDITOR_A, MODERATOR, PRIVACY, ADMIN}),
    # Removed (marked as patient information): privacy officers; its author still sees it
    # (channels.permissions.can_see_post lets the author see any of their own posts).
    "removed_post": frozenset({EDITOR_A, PRIVACY, ADMIN}),
    "visible_comment": ALL,
    "held_comment": frozenset({NURSE, PRIVACY, ADMIN}),
    "hidden_comment": frozenset({COLLEAGUE, MODERATOR, PRIVACY, ADMIN}),
    # Marked as patient information: privacy officers (and its author, who wrote it).
    "removed_comment": frozenset({COLLEAGUE, PRIVACY, ADMIN}),
    "target_comment": _DEPT_A_AUDIENCE,
    "initiative": ALL,
    "audit": frozenset({PRIVACY, ADMIN}),
    "directory_import": frozenset({ADMIN}),
    "exposure_report": frozenset({PRIVACY, ADMIN}),
}

# Who finds each object in lists — the home feed, channel and tag pages, Atom feeds, search,
# notifications: only what is live, visible and meant for them (editors' rights don't put
# other audiences' posts in their feeds). Used for the controls, which check that a list
# does show what it should.
_DEPT_A_READERS = frozenset({NURSE, COLLEAGUE, EDITOR_A})
LISTED: dict[str, frozenset[str]] = {
    "target_a": _DEPT_A_READERS,
    "target_site_2": frozenset({SITE_2}),
    "public": ALL,
    "visible_comment": ALL,
    "target_comment": _DEPT_A_READERS,
    "initiative": ALL,
}

POSTS = (
    "draft",
    "scheduled",
    "target_a",
    "target_site_2",
    "public",
    "held_post",
    "held_draft",
    "hidden_post",
    "removed_post",
)
COMMENTS = (
    "visible_comment",
    "held_comment",
    "hidden_comment",
    "removed_comment",
    "target_comment",
)


@dataclass
class World:
    people: dict[str, Person]
    channel_a: Channel
    topic: Channel
    tag_slug: str
    posts: dict[str, Post]
    comments: dict[str, Comment]
    plan: Plan
    initiative: Initiative
    directory_import: DirectoryImport
    # (post key) -> id of an image / an attachment of that post
    images: dict[str, int]
    attachments: dict[str, int]
    feed_tokens: dict[str, str]
    # item key -> its open privacy hold (held_post, held_comment)
    holds: dict[str, PrivacyHold]
    exposure_report: ExposureReport
    # role -> the key of a signed-in session (made once: signing in is audited, so slow)
    sessions: dict[str, str] = field(default_factory=dict)
    # (role, post key) -> id of a notification to that person about that post
    notifications: dict[tuple[str, str], int] = field(default_factory=dict)

    def obj(self, key: str) -> Any:
        if key in self.posts:
            return self.posts[key]
        if key in self.comments:
            return self.comments[key]
        return {
            "initiative": self.initiative,
            "directory_import": self.directory_import,
            "exposure_report": self.exposure_report,
        }[key]


def _png() -> SimpleUploadedFile:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("ward.png", buffer.getvalue(), content_type="image/png")


def _csv(marker: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "rota.csv", f"day,shift\nmon,{marker}\n".encode(), content_type="text/csv"
    )


def _words(key: str) -> dict[str, str]:
    marker = MARKERS[key]
    return {
        "title": f"Ward news {marker}",
        "summary": f"Summary {marker} {COMMON_WORD}",
        "body": f"The rota for the picnic, {marker} {COMMON_WORD}.",
    }


def build_world() -> World:
    """Make everything; about a second on SQLite."""
    JobFamilyFactory(code="nursing", name="Nursing")
    site_1 = SiteFactory(code="north", name="Northgate")
    site_2 = SiteFactory(code="south", name="Southbay")
    dept_a = DepartmentFactory(site=site_1, code="dept-a", name="Medicine")
    dept_b = DepartmentFactory(site=site_1, code="dept-b", name="Surgery")
    dept_c = DepartmentFactory(site=site_2, code="dept-c", name="Radiology")
    unit_a = UnitFactory(department=dept_a, code="unit-a")
    unit_b = UnitFactory(department=dept_b, code="unit-b")
    unit_c = UnitFactory(department=dept_c, code="unit-c")
    UnitFactory(department=dept_a, code="4-west")  # where the directory file puts its person

    def person(username: str, unit: Any, **extra: Any) -> Person:
        return PersonFactory(username=username, unit=unit, **extra)

    people = {
        NURSE: person("nurse", unit_a),
        COLLEAGUE: person("colleague", unit_a),
        DEPT_B: person("surgeon", unit_b),
        SITE_2: person("radiographer", unit_c),
        EDITOR_A: person("editor.a", unit_a),
        COMMS: person("comms", unit_b),
        MODERATOR: person("moderator", unit_b),
        PRIVACY: person("privacy", unit_b),
        ADMIN: person("it.admin", unit_b, is_staff=True, is_superuser=True),
        INACTIVE: person("leaver", unit_a),
    }
    RoleGrantFactory(person=people[EDITOR_A], role=Role.CHANNEL_EDITOR, department=dept_a)
    RoleGrantFactory(person=people[COMMS], role=Role.COMMUNICATIONS_ADMIN)
    RoleGrantFactory(person=people[MODERATOR], role=Role.MODERATOR)
    RoleGrantFactory(person=people[PRIVACY], role=Role.PRIVACY_OFFICER)
    RoleGrantFactory(person=people[ADMIN], role=Role.ADMINISTRATOR)

    channel_a = ChannelFactory(
        kind=Channel.Kind.DEPARTMENT, department=dept_a, slug="medicine", name="Medicine"
    )
    topic = ChannelFactory(slug="hospital-news", name="Hospital news")
    tag = TagFactory(name="Ward life", slug="ward-life")
    editor_a, comms = people[EDITOR_A], people[COMMS]
    now = timezone.now()

    def post(key: str, channel: Channel, author: Person, **extra: Any) -> Post:
        return PostFactory(channel=channel, author=author, tags=[tag], **_words(key), **extra)

    posts = {
        "draft": post("draft", channel_a, editor_a, status=Post.Status.DRAFT, published_at=None),
        "scheduled": post(
            "scheduled",
            channel_a,
            editor_a,
            status=Post.Status.SCHEDULED,
            published_at=now + timedelta(days=2),
        ),
        "target_a": post("target_a", channel_a, editor_a, audience_departments=[dept_a]),
        "target_site_2": post("target_site_2", topic, comms, audience_sites=[site_2]),
        "public": post("public", topic, comms),
        "held_post": post("held_post", channel_a, editor_a),
        "held_draft": post(
            "held_draft", channel_a, editor_a, status=Post.Status.DRAFT, published_at=None
        ),
        "hidden_post": post("hidden_post", channel_a, editor_a),
        "removed_post": post("removed_post", channel_a, editor_a),
    }
    images: dict[str, int] = {}
    attachments: dict[str, int] = {}
    for key, owner in (
        ("target_a", editor_a),
        ("public", comms),
        ("held_post", editor_a),
        ("hidden_post", editor_a),
        ("draft", editor_a),
        ("removed_post", editor_a),
    ):
        images[key] = add_post_image(
            post=posts[key], editor=owner, upload=_png(), alt_text="A ward"
        ).pk
        attachments[key] = add_post_attachment(
            post=posts[key], editor=owner, upload=_csv(MARKERS[key])
        ).pk
    posts["public"] = make_post_public(post=posts["public"], by=comms)
    # Public before it was hidden: its public page must go away with it.
    posts["hidden_post"] = make_post_public(post=posts["hidden_post"], by=editor_a)

    def comment(key: str, on: str, author: Person) -> Comment:
        return post_comment(
            thread=posts[on].thread,
            author=author,
            body=f"About the picnic rota, {MARKERS[key]} {COMMON_WORD}",
        )

    comments = {
        "visible_comment": comment("visible_comment", "public", people[COLLEAGUE]),
        "held_comment": comment("held_comment", "public", people[NURSE]),
        "hidden_comment": comment("hidden_comment", "public", people[COLLEAGUE]),
        "removed_comment": comment("removed_comment", "public", people[COLLEAGUE]),
        "target_comment": comment("target_comment", "target_a", people[NURSE]),
    }
    # The hidden and removed comments were edited before: their earlier words are revisions,
    # which must stay as withheld as the comments.
    for key in ("hidden_comment", "removed_comment"):
        comments[key] = edit_comment(
            comment=comments[key],
            editor=people[COLLEAGUE],
            body=f"About the picnic rota (edited), {MARKERS[key]} {COMMON_WORD}",
        )
    # Flags, made while the comments are still visible: the nurse finds her colleague's
    # comments disrespectful, and one of them also a privacy risk.
    flag_item(obj=comments["visible_comment"], by=people[NURSE], reason=FlagReason.DISRESPECT)
    flag_item(obj=comments["hidden_comment"], by=people[NURSE], reason=FlagReason.PRIVACY)
    flag_item(obj=comments["hidden_comment"], by=people[DEPT_B], reason=FlagReason.DISRESPECT)
    # The PHI guard and moderation services are being written alongside this test: set the
    # states directly. (Whatever the services did at creation is put right here too.)
    for key in ("visible_comment", "target_comment"):
        Comment.objects.filter(pk=comments[key].pk).update(visibility=Visibility.VISIBLE)
    Comment.objects.filter(pk=comments["held_comment"].pk).update(visibility=Visibility.HELD)
    Comment.objects.filter(pk=comments["hidden_comment"].pk).update(visibility=Visibility.HIDDEN)
    Comment.objects.filter(pk=comments["removed_comment"].pk).update(visibility=Visibility.REMOVED)
    Post.objects.filter(pk__in=[posts["held_post"].pk, posts["held_draft"].pk]).update(
        visibility=Visibility.HELD
    )
    Post.objects.filter(pk=posts["hidden_post"].pk).update(visibility=Visibility.HIDDEN)
    Post.objects.filter(pk=posts["removed_post"].pk).update(visibility=Visibility.REMOVED)
    withheld = {"held_post", "held_draft", "hidden_post", "removed_post"}
    Post.objects.filter(pk__in=[p.pk for k, p in posts.items() if k not in withheld]).update(
        visibility=Visibility.VISIBLE
    )
    for item in [*posts.values(), *comments.values()]:
        item.refresh_from_db()

    PrivacyHold.objects.filter(
        item_kind__in=["post", "comment"], status__in=PrivacyHold.OPEN
    ).delete()
    holds = {
        "held_post": PrivacyHold.objects.create(
            item_kind="post", item_id=posts["held_post"].pk, author=editor_a
        ),
        "held_draft": PrivacyHold.objects.create(
            item_kind="post", item_id=posts["held_draft"].pk, author=editor_a
        ),
        "held_comment": PrivacyHold.objects.create(
            item_kind="comment",
            item_id=comments["held_comment"].pk,
            author=people[NURSE],
            status=PrivacyHold.Status.IN_REVIEW,
            author_note="It is about the picnic",
            sent_for_review_at=now,
        ),
    }
    exposure_report = ExposureReport.objects.create(
        item_kind="post",
        item_id=posts["removed_post"].pk,
        item_label=f"Post {posts['removed_post'].pk} in channel {channel_a.pk}",
        item_author=editor_a,
        marked_by=people[PRIVACY],
        reason=f"A patient's name {MARKERS['exposure_report']}",
        item_first_visible_at=now - timedelta(days=1),
    )

    # Every post mentions the public post: its "Mentioned in" list must name only the posts
    # the reader may see.
    Backlink.objects.bulk_create(
        Backlink(target=posts["public"].thread, source=p.thread)
        for key, p in posts.items()
        if key != "public"
    )
    people[NURSE].photo.save("nurse.png", ContentFile(_png().read()), save=True)

    plan = PlanFactory()
    pillar = PillarFactory(plan=plan)
    strategy_initiative = initiative(
        pillar=pillar, owner=comms, title=f"Shorter waits {MARKERS['initiative']}"
    )
    directory_import = create_directory_import(
        file_name="staff.csv",
        data=(
            b"employee_id,first_name,last_name,email,job_title,job_family,unit,status\r\n"
            b"H00001,Ana,ZEBRAIMPORT,ana@riverside.example,Nurse,nursing,4-west,active\r\n"
        ),
        full_snapshot=False,
        uploaded_by=people[ADMIN],
    )
    record_audit(
        actor=people[ADMIN],
        action=AuditAction.EXPORTED,
        target=people[NURSE],
        summary=f"test entry {MARKERS['audit']}",
    )
    feed_tokens = {
        role: regenerate_feed_token(person=people[role]).token for role in (*SIGNED_IN, INACTIVE)
    }
    feed_tokens[ANONYMOUS] = "no-such-token-" + "0" * 30

    world = World(
        people=people,
        channel_a=channel_a,
        topic=topic,
        tag_slug=tag.slug,
        posts=posts,
        comments=comments,
        plan=plan,
        initiative=strategy_initiative,
        directory_import=directory_import,
        images=images,
        attachments=attachments,
        feed_tokens=feed_tokens,
        holds=holds,
        exposure_report=exposure_report,
    )
    # Everyone was told about every post (a mention): the inbox must show only what each
    # person may see now.
    rows = [
        Notification(
            recipient=people[role],
            kind=Notification.Kind.MENTION,
            actor=editor_a,
            thread=posts[key].thread,
        )
        for role in (*SIGNED_IN, INACTIVE)
        for key in POSTS
    ]
    for row in Notification.objects.bulk_create(rows):
        role = next(r for r, p in people.items() if p.pk == row.recipient_id)
        key = next(k for k, p in posts.items() if p.thread_id == row.thread_id)
        world.notifications[(role, key)] = row.pk
    for role in (*SIGNED_IN, INACTIVE):
        client = Client()
        client.force_login(people[role])
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Leavers leave last: the services above would refuse an inactive person. Their session
    # was made while they still worked here: it must now count for nothing.
    Person.objects.filter(pk=people[INACTIVE].pk).update(is_active=False)
    people[INACTIVE].refresh_from_db()
    return world
