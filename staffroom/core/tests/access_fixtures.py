"""The little hospital the access-control matrix (test_access_matrix.py) is played in.

Two sites, three departments, one person per role, and one of every kind of thing someone
may or may not see: drafts, scheduled and targeted posts; held, hidden and removed posts and
comments (edited, so they have earlier words too), with their privacy holds and flags; an
exposure report, an audit entry, a directory import; and the idea box's things (issue 5): a
visible idea, a held and a hidden one, an anonymous one whose author's *name* is a marker, a
duplicate merged into another, an implemented idea with its measured impact, an open and a
closed campaign; issue 6's: an event for department A, and a chat room connected to
department A's channel (its name a marker for the channel's editors, its secret webhook
address one for nobody) with a card to it that failed; and issue 7's: a ready video (two
MP4s, a poster, captions, a transcript) on the draft, on department A's post, on the public
post and on the held post, the two visible ones on a break-room screen's wall, department A's
post and the held post also progress updates of the initiative. Every object carries a
marker word of its own ("ZEBRA…") in its title or body (and its attachment; a video carries
its post's marker in its captions, its transcript and both its MP4 files), so a test can say
"this word must not be anywhere in the response".

Who may see each object is data (`SEES`), not code: the matrix reads it. States the safety
services will reach (held, hidden, removed) are set directly on the rows, so this world
doesn't depend on how those services are written. Ideas are made by the idea box's own
services (proposing with the PHI guard, moderation, reviewing, impact, campaigns): their
states are the ones those services leave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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
from staffroom.chat.models import ChatDelivery, ChatHook, DeliveryKind, HookKind
from staffroom.core.models import Visibility
from staffroom.discussion.models import Backlink, Comment
from staffroom.discussion.services import edit_comment, post_comment
from staffroom.events.models import Event
from staffroom.events.services import save_event
from staffroom.ideas.models import Campaign, Category, Idea, Status
from staffroom.media import storage as video_storage
from staffroom.media.captions import parse_captions
from staffroom.media.models import Caption, Video, VideoRendition
from staffroom.media.tests.ready import SIZES, clip_bytes, poster_bytes
from staffroom.moderation.models import FlagReason
from staffroom.moderation.services import flag_item, hide_item
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
DEPT_B = "dept_b"  # department B, site 1; reviews the ideas of department B
SITE_2 = "site_2"  # department C, site 2; writes anonymous ideas (their name is a marker)
EDITOR_A = "editor_a"  # channel editor of department A (and works there)
COMMS = "comms"  # communications admin, organisation-wide (works in department B)
MODERATOR = "moderator"  # organisation-wide (department B)
PRIVACY = "privacy"  # privacy officer, organisation-wide (department B)
ADMIN = "admin"  # administrator, organisation-wide, Django-admin staff (department B)
INACTIVE = "inactive"  # a leaver from department A: is_active=False
REVIEWER_A = "reviewer_a"  # idea reviewer of department A (and works there)

SIGNED_IN = (
    NURSE,
    COLLEAGUE,
    DEPT_B,
    SITE_2,
    EDITOR_A,
    COMMS,
    MODERATOR,
    PRIVACY,
    ADMIN,
    REVIEWER_A,
)
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
    # The idea box
    "idea_a": "ZEBRAIDEAA",
    "held_idea": "ZEBRAHELDIDEA",
    "hidden_idea": "ZEBRAHIDDENIDEA",
    "anon_idea": "ZEBRAANONIDEA",
    # Not words but a name: the surname of the anonymous ideas' author (SITE_2).
    "anon_author": "ZEBRAANONAUTHOR",
    "duplicate_idea": "ZEBRADUPLICATEIDEA",
    "implemented_idea": "ZEBRAIMPLEMENTED",
    "impact": "ZEBRAIMPACT",
    "open_campaign": "ZEBRAOPENCAMPAIGN",
    "closed_campaign": "ZEBRACLOSEDCAMPAIGN",
    # Events (issue 6): a briefing for department A
    "event_a": "ZEBRAEVENTA",
    # Chat rooms (issue 6): department A's channel is connected to a Slack room; its name is
    # the channel editors' to read, its webhook address (the secret part of it) nobody's.
    "chat_hook": "ZEBRACHATROOM",
    "hook_secret": "ZEBRAHOOKSECRET",
}
# A word every post and comment also carries, to search for everything at once.
COMMON_WORD = "quokkaward"
# The same for ideas (their own word: the ideas don't crowd posts out of a search for posts).
IDEA_WORD = "wombatward"
# Markers that are people's names, not things' words. A page that lists people by name (the
# directory) may show them: there the name says nothing about what the person wrote.
NAMES = frozenset({"anon_author"})

_EDITORS_A = frozenset({EDITOR_A, COMMS, ADMIN})
_DEPT_A_READERS = frozenset({NURSE, COLLEAGUE, EDITOR_A, REVIEWER_A})
_DEPT_A_AUDIENCE = frozenset({NURSE, COLLEAGUE, REVIEWER_A}) | _EDITORS_A

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
    # The idea box. Every member of staff may read every shown idea (decision 0019: a
    # campaign's audience says who is asked, not who may read).
    "idea_a": ALL,
    # Held (the PHI guard): its author and privacy officers, as a held post. Not the
    # department's reviewers: a held idea isn't routed to anyone.
    "held_idea": frozenset({SITE_2, PRIVACY, ADMIN}),
    # Hidden by a moderator: its author (nothing they wrote is lost to them, decision 14),
    # moderators and privacy officers, as a hidden post or comment.
    "hidden_idea": frozenset({COLLEAGUE, MODERATOR, PRIVACY, ADMIN}),
    "anon_idea": ALL,
    # Nobody but the author themself: privacy officers learn it only from the answer to the
    # audited reveal (decision 18), which the matrix allows for that one response.
    "anon_author": frozenset({SITE_2}),
    # Merged: its page redirects to the survivor; its words stay readable (its timeline).
    "duplicate_idea": ALL,
    "implemented_idea": ALL,
    "impact": ALL,
    "open_campaign": ALL,
    "closed_campaign": ALL,
    # An event for department A: its people, and the communications team who manage events
    # (and so see every event, in lists and calendar feeds too).
    "event_a": _DEPT_A_READERS | {COMMS, ADMIN},
    # A chat room connected to department A's channel: its editors manage it. Its address is
    # a secret once saved (whoever has it can post in the room): shown to nobody, masked.
    "chat_hook": _EDITORS_A,
    "hook_secret": NOBODY,
}

# Who finds each object in lists — the home feed, channel and tag pages, Atom feeds, search,
# notifications: only what is live, visible and meant for them (editors' rights don't put
# other audiences' posts in their feeds). Used for the controls, which check that a list
# does show what it should.
LISTED: dict[str, frozenset[str]] = {
    "target_a": _DEPT_A_READERS,
    "target_site_2": frozenset({SITE_2}),
    "public": ALL,
    "visible_comment": ALL,
    "target_comment": _DEPT_A_READERS,
    "initiative": ALL,
    # Shown ideas are on the boards and in search for everyone (campaigns aren't searched).
    "idea_a": ALL,
    "anon_idea": ALL,
    "implemented_idea": ALL,
    # Events aren't searched: the events page and calendar feeds are checked against SEES,
    # which for an event is exactly who finds it listed.
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
IDEAS = (
    "idea_a",
    "held_idea",
    "hidden_idea",
    "anon_idea",
    "duplicate_idea",
    "implemented_idea",
)
# Possible patient information, so the PHI guard holds the idea (ideas/tests/test_foundation).
PHI_TEXT = "Mrs Jane Doe, MRN 12345678, fell in bay 3 last night."


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
    # The idea box: ideas and campaigns by key (IDEAS; "open_campaign", "closed_campaign").
    ideas: dict[str, Idea] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    # Events (issue 6), by key ("event_a").
    events: dict[str, Event] = field(default_factory=dict)
    # Chat rooms (issue 6): the Slack room connected to department A's channel.
    chat_hook: ChatHook | None = None
    # Video (issue 7): (post key) -> its ready video, and the id of that video's captions.
    videos: dict[str, Video] = field(default_factory=dict)
    captions: dict[str, int] = field(default_factory=dict)
    # Every stored file of those videos (storage name -> bytes): a POST that deletes a
    # video is rolled back in the database, not in the storage, so they are put back.
    video_files: dict[str, bytes] = field(default_factory=dict)

    def obj(self, key: str) -> Any:
        if key in self.posts:
            return self.posts[key]
        if key in self.comments:
            return self.comments[key]
        if key in self.ideas:
            return self.ideas[key]
        if key in self.campaigns:
            return self.campaigns[key]
        if key in self.events:
            return self.events[key]
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
        # The anonymous ideas' author: their name is a marker (the directory lists it).
        SITE_2: person("radiographer", unit_c, last_name=MARKERS["anon_author"]),
        EDITOR_A: person("editor.a", unit_a),
        COMMS: person("comms", unit_b),
        MODERATOR: person("moderator", unit_b),
        PRIVACY: person("privacy", unit_b),
        ADMIN: person("it.admin", unit_b, is_staff=True, is_superuser=True),
        INACTIVE: person("leaver", unit_a),
        REVIEWER_A: person("reviewer.a", unit_a),
    }
    RoleGrantFactory(person=people[EDITOR_A], role=Role.CHANNEL_EDITOR, department=dept_a)
    RoleGrantFactory(person=people[REVIEWER_A], role=Role.IDEA_REVIEWER, department=dept_a)
    RoleGrantFactory(person=people[DEPT_B], role=Role.IDEA_REVIEWER, department=dept_b)
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
    videos: dict[str, Video] = {}
    captions: dict[str, int] = {}
    video_files: dict[str, bytes] = {}
    for key, owner in (
        ("draft", editor_a),
        ("target_a", editor_a),
        ("public", comms),
        ("held_post", editor_a),
    ):
        videos[key], captions[key] = _ready_video(posts[key], owner, video_files)
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
    # Department A's video post is a progress update of the initiative (its page plays the
    # newest one a reader may see); so is the held one, which must stay off that page.
    Post.objects.filter(pk__in=[posts["target_a"].pk, posts["held_post"].pk]).update(
        initiative=strategy_initiative
    )
    for key in ("target_a", "held_post"):
        posts[key].refresh_from_db()
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
    ideas, campaigns, idea_hold = _idea_box(people, dept_a)
    holds["held_idea"] = idea_hold
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
        ideas=ideas,
        campaigns=campaigns,
        events={
            "event_a": save_event(
                editor=comms,
                title=f"Ward briefing {MARKERS['event_a']}",
                description=f"The new rota, {MARKERS['event_a']}.",
                starts_at=now + timedelta(days=3),
                ends_at=now + timedelta(days=3, hours=1),
                audience_departments=[dept_a],
            )
        },
    )
    world.videos, world.captions, world.video_files = videos, captions, video_files
    # Department A's channel posts to a Slack room, connected by its editor; one card to it
    # failed for good (so the administrators' jobs page lists a delivery about it).
    world.chat_hook = ChatHook.objects.create(
        channel=channel_a,
        kind=HookKind.SLACK,
        name=f"#ward-news {MARKERS['chat_hook']}",
        url=f"https://hooks.slack.com/services/T0/{MARKERS['hook_secret']}/abcd",
        created_by=editor_a,
    )
    ChatDelivery.objects.create(
        key=f"post:{posts['target_a'].pk}:hook:{world.chat_hook.pk}",
        hook=world.chat_hook,
        kind=DeliveryKind.POST,
        post=posts["target_a"],
        status="failed",
        attempts=8,
        last_error="HTTP 500 from the chat service",
        done_at=now,
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


def _mp4_with_marker(data: bytes, marker: str) -> bytes:
    """A real MP4 with a `free` box at its end holding `marker` (players skip free boxes):
    whoever gets the file's bytes gets the marker."""
    payload = f" {marker} ".encode()
    return data + (8 + len(payload)).to_bytes(4, "big") + b"free" + payload


def _ready_video(post: Post, uploader: Person, files: dict[str, bytes]) -> tuple[Video, int]:
    """A READY video on `post`, as processing leaves one (media.tests.ready), every part of
    it carrying the post's marker: both MP4s, the captions and the transcript. Returns the
    video and its captions' id; records its files in `files`."""
    marker = next(m for m in MARKERS.values() if m in post.title)
    clip = clip_bytes("720p")
    video = Video.objects.create(
        uploaded_by=uploader,
        status=Video.Status.READY,
        original_name="ward-tour.mp4",
        original_size=len(clip),
        received_bytes=len(clip),
        container="mp4",
        duration_seconds=2.0,
        source_width=320,
        source_height=240,
        transcript=f"A tour of the ward, {marker}.",
    )

    def store(name: str, data: bytes) -> str:
        default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(data))
        files[stored] = data
        return stored

    for quality, (width, height) in SIZES.items():
        data = _mp4_with_marker(clip_bytes(quality), marker)
        VideoRendition.objects.create(
            video=video,
            quality=quality,
            file=store(video_storage.rendition_name(video, quality), data),
            width=width,
            height=height,
            size_bytes=len(data),
        )
    video.poster.name = store(video_storage.poster_name(video, 1), poster_bytes())
    video.poster_seconds = 0.2
    video.save(update_fields=["poster", "poster_seconds"])
    vtt = f"WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nWelcome to the ward, {marker}.\n"
    parsed = parse_captions(vtt.encode(), "captions.vtt")
    caption = Caption.objects.create(
        video=video,
        language="en",
        label="English",
        vtt=parsed.vtt,
        cue_count=parsed.cue_count,
        original_format=parsed.original_format,
        uploaded_by=uploader,
    )
    Post.objects.filter(pk=post.pk).update(video=video)
    return video, caption.pk


def restore_video_files(world: World) -> None:
    """Put back any of the world's video files a (rolled-back) request deleted."""
    for name, data in world.video_files.items():
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))


def remove_video_files(world: World) -> None:
    """Delete the world's video files: its rows are rolled back, and a later test's video
    may get the same id (and folder)."""
    for video in world.videos.values():
        video_storage.delete_video_files(video)


def _idea_words(key: str, **extra: Any) -> dict[str, Any]:
    marker = MARKERS[key]
    return {
        "title": f"Quieter night rounds {marker}",
        "problem": f"Night rounds wake patients, {marker} {IDEA_WORD}.",
        "proposal": f"Group the 2am checks so each bay is visited once, {marker}.",
        **extra,
    }


def _idea_box(
    people: dict[str, Person], dept_a: Any
) -> tuple[dict[str, Idea], dict[str, Campaign], PrivacyHold]:
    """The idea box's things, each made by its own service. Returns the ideas, the campaigns
    and the held idea's privacy hold."""
    from staffroom.ideas.services.campaigns import save_campaign
    from staffroom.ideas.services.impact import record_impact
    from staffroom.ideas.services.proposing import create_idea
    from staffroom.ideas.services.reviewing import merge_ideas, respond
    from staffroom.ideas.services.voting import follow_idea, vote

    now = timezone.now()
    reviewer = people[REVIEWER_A]
    campaigns = {
        # Asks department A only; open a while yet.
        "open_campaign": save_campaign(
            editor=people[COMMS],
            title=f"Safer nights {MARKERS['open_campaign']}",
            question=f"How could we make night shifts safer? {MARKERS['open_campaign']}",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            audience_departments=[dept_a],
        ),
        # Asks everyone; closed (below) once its ideas are in.
        "closed_campaign": save_campaign(
            editor=people[COMMS],
            title=f"Less paper {MARKERS['closed_campaign']}",
            question=f"What form could we do without? {MARKERS['closed_campaign']}",
            opens_at=now - timedelta(days=40),
            closes_at=now + timedelta(days=1),
        ),
    }
    category, _ = Category.objects.get_or_create(
        slug="patient-care", defaults={"name": "Patient care"}
    )

    def propose(key: str, author: str, **extra: Any) -> Idea:
        return create_idea(
            author=people[author],
            category=category,
            department=dept_a,
            **_idea_words(key, **extra),
        )

    def with_files(key: str) -> dict[str, Any]:
        return {
            "photo": _png(),
            "photo_alt_text": "A ward corridor at night",
            "attachment": _csv(MARKERS[key]),
        }

    ideas = {
        "idea_a": propose(
            "idea_a", NURSE, campaign=campaigns["open_campaign"], **with_files("idea_a")
        ),
        # The PHI guard holds it: its author (anonymous) and privacy officers see it.
        "held_idea": propose(
            "held_idea",
            SITE_2,
            is_anonymous=True,
            campaign=campaigns["closed_campaign"],
            problem=f"{PHI_TEXT} {MARKERS['held_idea']} {IDEA_WORD}",
            **with_files("held_idea"),
        ),
        "hidden_idea": propose(
            "hidden_idea",
            COLLEAGUE,
            campaign=campaigns["open_campaign"],
            **with_files("hidden_idea"),
        ),
        # It mentions the nurse: a mention from an anonymous idea must not say who wrote it.
        "anon_idea": propose(
            "anon_idea",
            SITE_2,
            is_anonymous=True,
            proposal=f"Ask @nurse, who tried it, {MARKERS['anon_idea']}.",
            **with_files("anon_idea"),
        ),
        "duplicate_idea": propose("duplicate_idea", COLLEAGUE),
        "implemented_idea": propose(
            "implemented_idea", NURSE, campaign=campaigns["closed_campaign"]
        ),
    }
    assert ideas["held_idea"].visibility == Visibility.HELD, "the PHI guard should hold it"
    hold = PrivacyHold.objects.get(
        item_kind="idea", item_id=ideas["held_idea"].pk, status__in=PrivacyHold.OPEN
    )
    # Votes and follows: a colleague votes for the anonymous idea and its duplicate (counted
    # once after the merge); the department B reviewer follows the anonymous idea.
    for key in ("idea_a", "duplicate_idea", "anon_idea"):
        vote(idea=ideas[key], person=people[COLLEAGUE])
    vote(idea=ideas["duplicate_idea"], person=people[DEPT_B])
    follow_idea(idea=ideas["anon_idea"], person=people[DEPT_B])
    # Flagged (both while visible): the nurse finds the anonymous idea and the hidden idea
    # unkind; a moderator hides the second.
    flag_item(obj=ideas["anon_idea"], by=people[NURSE], reason=FlagReason.DISRESPECT)
    flag_item(obj=ideas["hidden_idea"], by=people[NURSE], reason=FlagReason.DISRESPECT)
    hide_item(obj=ideas["hidden_idea"], moderator=people[MODERATOR], reason="Not kind to anyone")
    # Reviewed: the implemented idea, with its measured impact and a contributor credited;
    # the duplicate merged into the idea it repeats.
    respond(
        idea=ideas["implemented_idea"],
        reviewer=reviewer,
        message="We tried it on two wards and it worked.",
        status=Status.IMPLEMENTED,
    )
    today = timezone.localdate()
    record_impact(
        idea=ideas["implemented_idea"],
        recorder=reviewer,
        what_changed=f"Night checks are grouped by bay {MARKERS['impact']}.",
        measure="Call-light response",
        unit="minutes",
        before_value=Decimal("6.5"),
        before_on=today - timedelta(days=60),
        after_value=Decimal("3.2"),
        after_on=today - timedelta(days=2),
        hours_saved_per_year=Decimal(120),
        contributors=[(people[COLLEAGUE], "Ran the trial on Ward 7")],
    )
    # The anonymous idea is answered: its author and followers are told, by the reviewer.
    respond(
        idea=ideas["anon_idea"],
        reviewer=reviewer,
        message="We are looking into it with the night team.",
        status=Status.UNDER_REVIEW,
    )
    # Merged into the answered anonymous idea, not into idea A: a merge answers its survivor,
    # and idea A must stay unanswered (its author may still edit it; it waits in the queue).
    merge_ideas(
        duplicate=ideas["duplicate_idea"],
        survivor=ideas["anon_idea"],
        reviewer=reviewer,
        message="The same idea as the one on night rounds: votes moved there.",
    )
    # Its ideas are in: the second campaign closes.
    Campaign.objects.filter(pk=campaigns["closed_campaign"].pk).update(
        closes_at=now - timedelta(days=1)
    )
    for obj in [*ideas.values(), *campaigns.values()]:
        obj.refresh_from_db()
    return ideas, campaigns, hold
