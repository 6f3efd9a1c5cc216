"""CSRF on every state change, and no state change on GET, for every URL in the URLconf
(issue 4, security baseline).

The test walks the whole URLconf. Each URL is requested:

- with GET, as an administrator, as an ordinary member of staff and signed out: no row may
  be inserted, updated or deleted, except in the tables `ALWAYS_WRITABLE` names (sessions)
  and the few a URL's rule lists with its reason (reading a post records the read);
- with POST but without a CSRF token, signed in as the administrator: the CSRF check must
  refuse it (403) before the view runs, and nothing may be written. The one exception is a
  URL whose rule says why it is `csrf_exempt` (email's one-click unsubscribe, RFC 8058): its
  POST without a token must still write nothing unless it is exactly the request it expects.

Every URL must be listed in `URLS` (or be a Django-admin page, filled in automatically). A
new URL that isn't makes the test fail and says what to do: that is the point — a new view
gets a moment's thought about GET and CSRF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PASSWORD, PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditChainHead, AuditEntry
from staffroom.channels import syndication
from staffroom.channels.models import Channel, FeedDelivery, Post, PostReach, PostView
from staffroom.channels.services.posts import add_post_attachment, add_post_image
from staffroom.channels.services.sharing import make_post_public, regenerate_feed_token
from staffroom.channels.tests.factories import ChannelFactory, PostFactory, TagFactory
from staffroom.discussion.models import Backlink, Comment, ReactionKind
from staffroom.discussion.services import post_comment, react
from staffroom.ideas.models import Campaign, Category, Idea, IdeaView
from staffroom.ideas.tests.factories import CampaignFactory
from staffroom.media.models import MediaPolicy, Video, VideoReach, VideoView
from staffroom.notifications.models import Notification
from staffroom.organisation.models import DirectoryImport, Unit
from staffroom.organisation.services.directory_import import create_directory_import
from staffroom.organisation.tests.factories import JobFamilyFactory, UnitFactory
from staffroom.privacy.models import PrivacyPattern
from staffroom.strategy.models import Initiative, Plan
from staffroom.strategy.tests.factories import PillarFactory, PlanFactory, initiative

CSRF_REJECTED = "csrf-rejected-by-the-middleware"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Stands in for Django's CSRF failure page, so a 403 from the view can't pass for it."""
    return HttpResponse(f"{CSRF_REJECTED}: {reason}", status=403)


# Writes any request may make: the session (sign-in stamps, the idle timer, messages, the
# password-reset token Django keeps in the session). Nothing a person would call "state".
ALWAYS_WRITABLE = frozenset({"django_session"})


@dataclass
class World:
    """A little hospital with one of everything a URL can point at."""

    administrator: Person
    staff: Person
    unit: Unit
    channel: Channel
    post: Post
    tag_slug: str
    comment: Comment
    notification: Notification
    plan: Plan
    initiative: Initiative
    feed_token: str
    directory_import: DirectoryImport
    image_id: int
    attachment_id: int
    idea: Idea
    campaign: Campaign
    admin_objects: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """How to reach a URL, and what a GET of it may write (with the reason)."""

    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    get_may_write: frozenset[str] = frozenset()
    why: str = ""
    # Why this URL takes a POST without a CSRF token (its own signed token is the authority).
    csrf_exempt: str = ""


def post_pk(w: World) -> dict[str, Any]:
    return {"pk": w.post.pk}


def channel_slug(w: World) -> dict[str, Any]:
    return {"slug": w.channel.slug}


def thread_id(w: World) -> dict[str, Any]:
    return {"thread_id": w.post.thread_id}


def comment_id(w: World) -> dict[str, Any]:
    return {"comment_id": w.comment.pk}


def plan_slug(w: World) -> dict[str, Any]:
    return {"slug": w.plan.slug}


def initiative_slug(w: World) -> dict[str, Any]:
    return {"slug": w.initiative.slug}


def import_pk(w: World) -> dict[str, Any]:
    return {"pk": w.directory_import.pk}


def public_slug(w: World) -> dict[str, Any]:
    return {"pk": w.post.pk, "slug": syndication.public_post_slug(w.post)}


def idea_pk(w: World) -> dict[str, Any]:
    return {"pk": w.idea.pk}


def campaign_slug(w: World) -> dict[str, Any]:
    return {"slug": w.campaign.slug}


def event_pk(w: World) -> dict[str, Any]:
    from staffroom.events.models import Event  # events (issue 6)

    event = Event.objects.order_by("pk").first()
    assert event is not None, "the world has an event"
    return {"pk": event.pk}


SCREEN_SECRET = "url-safety-screen-" + "0" * 30  # break-room screens (issue 6)


def _screen(w: World) -> Any:
    """One break-room screen with a known secret, made the first time it is asked for."""
    from staffroom.kiosk.models import Screen, hash_secret

    screen, _made = Screen.objects.get_or_create(
        token_hash=hash_secret(SCREEN_SECRET), defaults={"name": "Break room"}
    )
    return screen


def screen_pk(w: World) -> dict[str, Any]:
    return {"pk": _screen(w).pk}


def screen_secret(w: World) -> dict[str, Any]:
    _screen(w)
    return {"secret": SCREEN_SECRET}


def _video(w: World) -> Any:
    """The post's ready video (video, issue 7): two MP4s, a poster, English captions."""
    from staffroom.media.models import Video

    video = Video.objects.order_by("pk").first()
    assert video is not None, "the world's post has a video"
    return video


def video_id(w: World) -> dict[str, Any]:
    return {"video_id": _video(w).pk}


def video_caption(w: World) -> dict[str, Any]:
    video = _video(w)
    return {"video_id": video.pk, "caption_id": video.captions.get().pk}


def screen_video(w: World, **extra: Any) -> dict[str, Any]:
    """A file of the video at the break-room screen's address (the post is on its wall)."""
    return {**screen_secret(w), "video_id": _video(w).pk, **extra}


def _chat_hook(w: World) -> Any:
    """The channel's chat room (chat, issue 6), made the first time it is asked for."""
    from staffroom.chat.models import ChatHook, HookKind

    hook, _made = ChatHook.objects.get_or_create(
        channel=w.channel,
        url="https://hooks.slack.com/services/T0/B0/url-safety",
        defaults={"kind": HookKind.SLACK, "name": "#ward-news", "created_by": w.administrator},
    )
    return hook


def hook_kwargs(w: World) -> dict[str, Any]:
    return {"slug": w.channel.slug, "pk": _chat_hook(w).pk}


def unsubscribe_token(w: World) -> dict[str, Any]:
    from staffroom.mail.unsubscribe import make_token  # email (issue 6)

    return {"token": make_token(w.staff.pk, "digest")}


def reset_link(w: World) -> dict[str, Any]:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(w.staff.pk)),
        "token": default_token_generator.make_token(w.staff),
    }


def a_hold(w: World) -> int:
    """A privacy hold (made on first use, outside the requests measured) on the world's comment."""
    from staffroom.privacy.models import PrivacyHold

    hold, _created = PrivacyHold.objects.get_or_create(
        item_kind="comment",
        item_id=w.comment.pk,
        defaults={"author": w.comment.author, "status": PrivacyHold.Status.IN_REVIEW},
    )
    return hold.pk


def an_exposure_report(w: World) -> int:
    """An exposure report (made on first use, outside the requests measured) on the post."""
    from staffroom.privacy.models import ExposureReport

    report, _created = ExposureReport.objects.get_or_create(
        item_kind="post",
        item_id=w.post.pk,
        defaults={"item_label": f"Post {w.post.pk}", "marked_by": w.administrator, "reason": "x"},
    )
    return report.pk


SENDING_A_FEED = frozenset({FeedDelivery._meta.db_table})
FEED_WHY = "A private feed records which posts it sent to whom (exposure reports, issue 4)."

READING_A_POST = frozenset({PostView._meta.db_table, PostReach._meta.db_table, Post._meta.db_table})
PLAYING_A_VIDEO = frozenset(
    {VideoView._meta.db_table, VideoReach._meta.db_table, Video._meta.db_table}
)

# Every named URL outside the Django admin. Adding a URL? Add it here: how to fill its path
# parameters from the World, and — only if its GET truly must write — which tables and why.
URLS: dict[str, Rule] = {
    "core:healthz": Rule(),
    "set_language": Rule(),
    # Accounts
    "accounts:login": Rule(),
    "accounts:logout": Rule(),
    "accounts:password_reset": Rule(),
    "accounts:password_reset_done": Rule(),
    "accounts:password_reset_confirm": Rule(kwargs=reset_link),
    "accounts:password_reset_complete": Rule(),
    "accounts:password_change": Rule(),
    "accounts:password_change_done": Rule(),
    "accounts:my_data": Rule(),
    "accounts:erase_person": Rule(kwargs=lambda w: {"pk": w.staff.pk}),
    # Channels and posts
    "channels:feed": Rule(),
    "channels:channel_list": Rule(),
    "channels:channel_create": Rule(),
    "channels:channel": Rule(kwargs=channel_slug),
    "channels:follow": Rule(kwargs=channel_slug),
    "channels:channel_settings": Rule(kwargs=channel_slug),
    "channels:tag": Rule(kwargs=lambda w: {"slug": w.tag_slug}),
    "channels:post": Rule(
        kwargs=post_pk,
        get_may_write=READING_A_POST,
        why=(
            "Opening a post records, once, that this person has read it: a PostView row, "
            "the post's reach_count and the department's PostReach (reach, issue 2)."
        ),
    ),
    "channels:post_reach": Rule(kwargs=post_pk),
    "channels:post_create": Rule(kwargs=channel_slug),
    "channels:post_edit": Rule(kwargs=post_pk),
    "channels:post_status": Rule(kwargs=post_pk),
    "channels:post_pin": Rule(kwargs=post_pk),
    "channels:post_send_for_review": Rule(kwargs=post_pk),
    "channels:post_revisions": Rule(kwargs=post_pk),
    "channels:post_images": Rule(kwargs=post_pk),
    "channels:post_attachments": Rule(kwargs=post_pk),
    "channels:post_image": Rule(kwargs=lambda w: {"pk": w.post.pk, "image_id": w.image_id}),
    "channels:post_attachment": Rule(
        kwargs=lambda w: {"pk": w.post.pk, "attachment_id": w.attachment_id}
    ),
    "channels:feed_settings": Rule(),
    "channels:channel_atom": Rule(
        kwargs=lambda w: {"token": w.feed_token, "slug": w.channel.slug},
        get_may_write=SENDING_A_FEED,
        why=FEED_WHY,
    ),
    "channels:tag_atom": Rule(
        kwargs=lambda w: {"token": w.feed_token, "slug": w.tag_slug},
        get_may_write=SENDING_A_FEED,
        why=FEED_WHY,
    ),
    "channels:public_atom": Rule(),
    "channels:post_public_toggle": Rule(kwargs=post_pk),
    "channels:public_post": Rule(kwargs=public_slug),
    "channels:public_image": Rule(kwargs=lambda w: {"pk": w.post.pk, "image_id": w.image_id}),
    # Strategy
    "strategy:plan_current": Rule(),
    "strategy:plan": Rule(kwargs=plan_slug),
    "strategy:plan_results": Rule(kwargs=plan_slug),
    "strategy:initiative": Rule(kwargs=initiative_slug),
    "strategy:initiative_answer": Rule(kwargs=initiative_slug),
    "strategy:initiative_status": Rule(kwargs=initiative_slug),
    "strategy:initiative_results": Rule(kwargs=initiative_slug),
    # Discussion
    "discussion:thread": Rule(kwargs=thread_id),
    "discussion:comment": Rule(kwargs=thread_id),
    "discussion:react": Rule(kwargs=thread_id),
    "discussion:comment_link": Rule(kwargs=comment_id),
    "discussion:comment_react": Rule(kwargs=comment_id),
    "discussion:comment_edit": Rule(kwargs=comment_id),
    "discussion:comment_delete": Rule(kwargs=comment_id),
    "discussion:comment_history": Rule(kwargs=comment_id),
    "discussion:mention_suggestions": Rule(),
    # Search and notifications
    "search:search": Rule(),
    "notifications:list": Rule(),
    "notifications:mark_read": Rule(),
    # A GET only follows the notification; marking it read takes the list's POST button.
    "notifications:open": Rule(kwargs=lambda w: {"pk": w.notification.pk}),
    # Audit trail
    "audit:list": Rule(),
    "audit:export": Rule(
        get_may_write=frozenset({AuditEntry._meta.db_table, AuditChainHead._meta.db_table}),
        why=(
            "Taking a copy of the audit trail is itself recorded in it (who exported it, "
            "when): an access log, as HIPAA expects, not a change anyone asked for."
        ),
    ),
    # PHI guard: held items (issue 4)
    "privacy:queue": Rule(),
    "privacy:my_holds": Rule(),
    "privacy:hold": Rule(
        kwargs=lambda w: {"hold_id": a_hold(w)},
        get_may_write=frozenset({AuditEntry._meta.db_table, AuditChainHead._meta.db_table}),
        why=(
            "Every reading of held words (possible patient information) by a privacy officer "
            "is recorded in the audit trail: an access log, not a change."
        ),
    ),
    "privacy:release": Rule(kwargs=lambda w: {"hold_id": a_hold(w)}),
    "privacy:remove": Rule(kwargs=lambda w: {"hold_id": a_hold(w)}),
    "privacy:send_for_review": Rule(kwargs=lambda w: {"hold_id": a_hold(w)}),
    "privacy:delete_held": Rule(kwargs=lambda w: {"hold_id": a_hold(w)}),
    # Marked as patient information after publication: exposure reports (issue 4)
    "privacy:mark_phi": Rule(kwargs=lambda w: {"kind": "comment", "item_id": w.comment.pk}),
    "privacy:exposure_list": Rule(),
    "privacy:exposure": Rule(
        kwargs=lambda w: {"pk": an_exposure_report(w)},
        get_may_write=frozenset({AuditEntry._meta.db_table, AuditChainHead._meta.db_table}),
        why="Reading an exposure report (it names people) is recorded: an access log.",
    ),
    "privacy:exposure_csv": Rule(
        kwargs=lambda w: {"pk": an_exposure_report(w)},
        get_may_write=frozenset({AuditEntry._meta.db_table, AuditChainHead._meta.db_table}),
        why="Downloading an exposure report is recorded in the audit trail: an access log.",
    ),
    "privacy:purge": Rule(kwargs=lambda w: {"pk": an_exposure_report(w)}),
    # Revealing the author of an anonymous item (decision 18). The world has no anonymous
    # item (ideas bring them): the reveal page answers 404 here; test_reveal covers the rest.
    "privacy:reveal": Rule(kwargs=lambda w: {"kind": "comment", "item_id": w.comment.pk}),
    "privacy:reveals": Rule(),
    # Organisation
    "organisation:directory": Rule(),
    "organisation:person": Rule(kwargs=lambda w: {"pk": w.staff.pk}),
    "organisation:person_photo": Rule(kwargs=lambda w: {"pk": w.staff.pk}),
    "organisation:me": Rule(),
    "organisation:department_index": Rule(),
    "organisation:department": Rule(kwargs=lambda w: {"code": w.unit.department.code}),
    "organisation:unit": Rule(kwargs=lambda w: {"code": w.unit.code}),
    "organisation:import_list": Rule(),
    "organisation:import_detail": Rule(kwargs=import_pk),
    "organisation:import_apply": Rule(kwargs=import_pk),
    # Moderation
    "moderation:flag": Rule(kwargs=lambda w: {"kind": "comment", "item_id": w.comment.pk}),
    "moderation:queue": Rule(),
    "moderation:suspended": Rule(),
    "moderation:item": Rule(kwargs=lambda w: {"kind": "comment", "item_id": w.comment.pk}),
    "moderation:act": Rule(kwargs=lambda w: {"kind": "comment", "item_id": w.comment.pk}),
    # The idea box (issue 5)
    "ideas:board": Rule(),
    "ideas:implemented": Rule(),
    "ideas:idea": Rule(
        kwargs=idea_pk,
        get_may_write=frozenset({IdeaView._meta.db_table}),
        why=(
            "Opening an idea records, once, that this person has read it (first and latest "
            "time): the exposure report's 'who saw it', as reading a post does."
        ),
    ),
    "ideas:vote": Rule(kwargs=idea_pk),
    "ideas:follow": Rule(kwargs=idea_pk),
    "ideas:photo": Rule(kwargs=idea_pk),
    "ideas:attachment": Rule(kwargs=idea_pk),
    "ideas:propose": Rule(),
    "ideas:similar": Rule(),
    "ideas:edit": Rule(kwargs=idea_pk),
    "ideas:review_queue": Rule(),
    "ideas:review": Rule(kwargs=idea_pk),
    "ideas:merge": Rule(kwargs=idea_pk),
    "ideas:response_times": Rule(),
    "ideas:campaign_list": Rule(),
    "ideas:campaign_new": Rule(),
    "ideas:campaign": Rule(kwargs=campaign_slug),
    "ideas:campaign_edit": Rule(kwargs=campaign_slug),
    "ideas:campaign_results": Rule(kwargs=campaign_slug),
    "ideas:impact": Rule(kwargs=idea_pk),
    # Events (issue 6)
    "events:list": Rule(),
    "events:new": Rule(),
    "events:detail": Rule(kwargs=event_pk),
    "events:edit": Rule(kwargs=event_pk),
    "events:cancel": Rule(kwargs=event_pk),
    "events:download": Rule(kwargs=event_pk),
    "events:calendar_feed": Rule(kwargs=lambda w: {"token": w.feed_token}),
    # Chat rooms (issue 6)
    "chat:mine": Rule(),
    "chat:hooks": Rule(kwargs=channel_slug),
    "chat:hook_test": Rule(kwargs=hook_kwargs),
    "chat:hook_pause": Rule(kwargs=hook_kwargs),
    "chat:hook_resume": Rule(kwargs=hook_kwargs),
    "chat:hook_remove": Rule(kwargs=hook_kwargs),
    # Background jobs (issue 6)
    "jobs:overview": Rule(),
    "jobs:retry": Rule(),
    # Email (issue 6)
    "mail:unsubscribe": Rule(
        kwargs=unsubscribe_token,
        csrf_exempt=(
            "RFC 8058's one-click unsubscribe is POSTed by the mail provider, with no cookie and "
            "no form token: the signed token in the address is the authority, and all it can do "
            "is turn emails off"
        ),
    ),
    # The installable app (issue 6)
    "webapp:manifest": Rule(),
    "webapp:service_worker": Rule(),
    "webapp:offline": Rule(),
    # Notifications (issue 6)
    "notifications:bell": Rule(),
    "notifications:settings": Rule(),
    # Break-room screens (issue 6)
    "kiosk:screen_list": Rule(),
    "kiosk:screen_new": Rule(),
    "kiosk:screen_new_address": Rule(kwargs=screen_pk),
    "kiosk:screen_switch_off": Rule(kwargs=screen_pk),
    "kiosk:screen": Rule(
        kwargs=screen_secret,
        get_may_write=frozenset({"kiosk_screen"}),
        why="the TV was seen: Screen.last_seen_at, written at most once a minute",
    ),
    "kiosk:screen_slides": Rule(
        kwargs=screen_secret,
        get_may_write=frozenset({"kiosk_screen"}),
        why="the TV was seen: Screen.last_seen_at, written at most once a minute",
    ),
    # Video (issue 7): the editor's page and its sections, the upload (GET asks where it
    # stands; PUT, a state change, is CSRF-checked below), the captions rule, the files.
    "media:post_video": Rule(kwargs=post_pk),
    "media:upload_start": Rule(kwargs=post_pk),
    "media:upload_chunk": Rule(kwargs=video_id),
    "media:status": Rule(kwargs=video_id),
    "media:retry": Rule(kwargs=video_id),
    "media:poster": Rule(kwargs=video_id),
    "media:delete": Rule(kwargs=video_id),
    "media:captions_add": Rule(kwargs=video_id),
    "media:captions_remove": Rule(kwargs=video_caption),
    "media:transcript": Rule(kwargs=video_id),
    "media:policy": Rule(),
    "media:rendition": Rule(
        kwargs=lambda w: {**video_id(w), "quality": "720p"},
        get_may_write=PLAYING_A_VIDEO,
        why=(
            "Fetching a video's file from its first byte is pressing play: it records, once, "
            "that this person watched it (a VideoView row, the video's reach_count and the "
            "department's VideoReach), as opening a post does (reach, issue 7)."
        ),
    ),
    "media:poster_file": Rule(kwargs=video_id),
    "media:caption_file": Rule(kwargs=video_caption),
    "media:screen_rendition": Rule(
        kwargs=lambda w: screen_video(w, quality="720p"),
        get_may_write=frozenset({Video._meta.db_table}),
        why="one more play on a wall: Video.screen_plays, a counter (a screen is nobody)",
    ),
    "media:screen_poster": Rule(kwargs=screen_video),
    "media:screen_caption": Rule(
        kwargs=lambda w: screen_video(w, caption_id=video_caption(w)["caption_id"])
    ),
}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    keys: tuple[str, ...]


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            qualified = f"{namespace}:{name}" if namespace and name else name
            keys = tuple(entry.pattern.regex.groupindex)
            yield Route(qualified, prefix + str(entry.pattern), keys)


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def is_admin(route: Route) -> bool:
    return route.name.startswith("admin:") or route.pattern.startswith("django-admin/")


def admin_kwargs(route: Route, world: World) -> dict[str, Any] | None:
    """Path parameters for a Django-admin page: an existing object of the page's model."""
    kwargs: dict[str, Any] = {}
    model_prefix = route.name.removeprefix("admin:")
    if not route.name:
        # "django-admin/<app_label>/<model_name>/<path:object_id>/"
        parts = route.pattern.split("/")
        model_prefix = "_".join(parts[1:3]) + "_" if len(parts) > 3 else ""
    if route.name == "admin:auth_user_password_change":  # UserAdmin's name, on Person
        model_prefix = "accounts_person_"
    for key in route.keys:
        if key == "app_label":
            kwargs[key] = "accounts"
        elif key == "content_type_id":
            kwargs[key] = ContentType.objects.get_for_model(Post).pk
        elif key in {"object_id", "id"}:
            if route.name == "admin:view_on_site":
                kwargs[key] = world.post.pk
                continue
            instance = next(
                (
                    obj
                    for label, obj in world.admin_objects.items()
                    if model_prefix.startswith(label + "_")
                ),
                None,
            )
            if instance is None:
                return None
            kwargs[key] = instance.pk
        else:
            return None
    return kwargs


def url_for(route: Route, world: World) -> str | None:
    if is_admin(route):
        if route.keys == ("url",):  # the admin's catch-all: any other address under it
            return "/" + route.pattern.split("(?P")[0] + "no-such-page/"
        kwargs = admin_kwargs(route, world)
        if kwargs is None:
            return None
        if route.name:
            return reverse(route.name, kwargs=kwargs)
        # An unnamed admin route (the old "<object_id>/" address that redirects to the
        # change page): fill its converters in by hand.
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.pattern)
        return None if "(" in path or "^" in path else "/" + path
    if route.name not in URLS:
        return None  # test_every_url_in_the_urlconf_is_classified names it
    return reverse(route.name, kwargs=URLS[route.name].kwargs(world))


def writes(ctx: CaptureQueriesContext) -> list[tuple[str, str]]:
    found = []
    for query in ctx.captured_queries:
        sql = query["sql"].lstrip()
        match = re.match(r'(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', sql, re.IGNORECASE)
        if match:
            found.append((match.group(2), sql[:200]))
    return found


def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("ward.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(db: None) -> World:
    JobFamilyFactory(code="nursing", name="Nursing")
    UnitFactory(code="4-west")  # where the directory file below puts its one person
    unit = UnitFactory()
    administrator = PersonFactory(username="it.admin", is_staff=True, is_superuser=True)
    RoleGrantFactory(person=administrator, role=Role.ADMINISTRATOR)
    staff = PersonFactory(username="nurse", unit=unit)
    channel = ChannelFactory()
    tag = TagFactory()
    post: Post = PostFactory(channel=channel, author=administrator, tags=[tag])
    image = add_post_image(post=post, editor=administrator, upload=png_upload(), alt_text="A ward")
    attachment = add_post_attachment(
        post=post,
        editor=administrator,
        upload=SimpleUploadedFile("rota.csv", b"day,nurse\nmon,Ana\n", content_type="text/csv"),
    )
    post = make_post_public(post=post, by=administrator)
    post_comment(thread=post.thread, author=staff, body=f"Thanks @{administrator.username}")
    comment = post_comment(
        thread=post.thread, author=administrator, body=f"Welcome @{staff.username}"
    )
    notification = Notification.objects.filter(recipient=staff).first()
    assert notification is not None, "the mention should have notified the nurse"
    pillar = PillarFactory(plan=PlanFactory())
    strategy_initiative = initiative(pillar=pillar, owner=administrator)
    directory_import = create_directory_import(
        file_name="staff.csv",
        data=(
            b"employee_id,first_name,last_name,email,job_title,job_family,unit,status\r\n"
            b"H00001,Ana,Garcia,ana@riverside.example,Nurse,nursing,4-west,active\r\n"
        ),
        full_snapshot=False,
        uploaded_by=administrator,
    )
    from staffroom.ideas.services.proposing import create_idea

    campaign = CampaignFactory()
    idea = create_idea(
        author=staff,
        title="Quieter night rounds",
        problem="Night rounds wake patients who have only just fallen asleep.",
        proposal="Group the 2am checks so each bay is visited once.",
        category=Category.objects.get_or_create(
            slug="patient-care", defaults={"name": "Patient care"}
        )[0],
        department=unit.department,
        campaign=campaign,
        photo=png_upload(),
        photo_alt_text="A ward corridor at night",
        attachment=SimpleUploadedFile(
            "rota.csv", b"day,shift\nmon,late\n", content_type="text/csv"
        ),
    )
    world = World(
        administrator=administrator,
        staff=staff,
        unit=unit,
        channel=channel,
        post=post,
        tag_slug=tag.slug,
        comment=comment,
        notification=notification,
        plan=pillar.plan,
        initiative=strategy_initiative,
        feed_token=regenerate_feed_token(person=staff).token,
        directory_import=directory_import,
        image_id=image.pk,
        attachment_id=attachment.pk,
        idea=idea,
        campaign=campaign,
    )
    from datetime import timedelta

    from staffroom.events.services import save_event  # events (issue 6)

    save_event(
        editor=administrator,
        title="Town hall",
        starts_at=post.created_at + timedelta(days=3),
        ends_at=post.created_at + timedelta(days=3, hours=1),
    )
    # One of everything else the technical admin lists, so its pages for one object are
    # requested too: a group, a reaction, a backlink, and sign-in records (a failed and a
    # successful sign-in make django-axes's rows).
    Group.objects.create(name="Ward managers")
    PrivacyPattern.objects.create(name="Local MRN", kind="local_mrn", pattern=r"RH\d{7}")
    moderation_records(world)
    react(person=staff, thread=post.thread, kind=ReactionKind.values[0])
    Backlink.objects.create(target=PostFactory(channel=channel).thread, source=post.thread)
    sign_in = reverse("accounts:login")
    Client().post(sign_in, {"username": staff.username, "password": PASSWORD})
    Client().post(sign_in, {"username": staff.username, "password": "wrong"})
    AccessFailureLog.objects.create(
        username=staff.username, ip_address="127.0.0.1", user_agent="test", path_info=sign_in
    )
    _screen(world)  # break-room screens (issue 6), for their admin pages
    # The post's ready video, captioned (so it is on the screen's wall too), and the video
    # rules an administrator set (video, issue 7).
    from staffroom.media.services.accessibility import set_captions_required
    from staffroom.media.tests.ready import ready_video

    ready_video(post, transcript="A tour of the ward.")
    set_captions_required(admin=administrator, required=True)
    # A chat room with a test card on its way (a delivery and its queued task), and a run of a
    # periodic job (issue 6), for their admin pages.
    from django.utils import timezone

    from staffroom.chat.services import send_test_message
    from staffroom.jobs.models import PeriodicRun

    send_test_message(hook=_chat_hook(world), actor=administrator)
    PeriodicRun.objects.create(name="sweep", slot=timezone.now().replace(second=0, microsecond=0))
    for model in admin.site._registry:
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            world.admin_objects[f"{model._meta.app_label}_{model._meta.model_name}"] = instance
    return world


def moderation_records(world: World) -> None:
    """A flag, a warning and a suspension that has ended, for the admin's moderation pages."""
    from datetime import timedelta

    from django.utils import timezone

    from staffroom.moderation.models import Suspension
    from staffroom.moderation.services import flag_item, warn_person

    flag_item(obj=world.comment, by=world.staff, reason="other")
    warn_person(person=world.staff, moderator=world.administrator, reason="Be kind")
    now = timezone.now()
    Suspension.objects.create(
        person=world.staff, starts=now - timedelta(days=2), ends=now - timedelta(days=1), reason="-"
    )


def test_every_url_in_the_urlconf_is_classified() -> None:
    unknown = sorted(
        r.name or r.pattern for r in all_routes() if not is_admin(r) and r.name not in URLS
    )
    assert not unknown, (
        f"New URL(s) {unknown} are not in staffroom/core/tests/test_url_safety.py. Add each to "
        "URLS with how to fill its path parameters. Its GET must change nothing (use a POST "
        "form for any change; see docs/architecture.md); if a GET really must write, list the "
        "tables in get_may_write and say why. Every POST is checked for CSRF automatically."
    )
    stale = sorted(set(URLS) - {r.name for r in all_routes()})
    assert not stale, f"URLS lists {stale}, which the URLconf no longer has: remove them."


def _clients(world: World) -> dict[str, Client]:
    administrator, staff = Client(), Client()
    administrator.force_login(world.administrator)
    staff.force_login(world.staff)
    return {"administrator": administrator, "staff": staff, "anonymous": Client()}


def test_every_url_can_be_requested(world: World) -> None:
    unreachable = [
        r.name or r.pattern
        for r in all_routes()
        if (is_admin(r) or r.name in URLS) and url_for(r, world) is None
    ]
    assert not unreachable, (
        f"No address could be made for {unreachable}: give the World in "
        "staffroom/core/tests/test_url_safety.py an object of that model (or teach "
        "admin_kwargs the new path parameter), so the URL is checked."
    )


def test_no_get_request_changes_anything(world: World) -> None:
    problems: list[str] = []
    checked = 0
    for route in all_routes():
        url = url_for(route, world)
        if url is None:
            continue
        allowed = ALWAYS_WRITABLE | (
            frozenset() if is_admin(route) else URLS[route.name].get_may_write
        )
        for role, client in _clients(world).items():
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            checked += 1
            assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
            for table, sql in writes(ctx):
                if table not in allowed:
                    problems.append(f"GET {url} ({route.name}) as {role} wrote {table}: {sql}")
    assert checked > 100
    assert not problems, "State changed on GET:\n" + "\n".join(problems)


def test_a_post_without_a_csrf_token_is_refused_everywhere(world: World, settings: Any) -> None:
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_failure"
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.administrator)
    problems: list[str] = []
    checked = 0
    for route in all_routes():
        url = url_for(route, world)
        if url is None:
            continue
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url, {"title": "x", "body": "x", "all": "1"})
        checked += 1
        exempt = not is_admin(route) and URLS[route.name].csrf_exempt
        refused = response.status_code == 403 and CSRF_REJECTED in response.content.decode()
        if exempt:
            # Reaches the view (no CSRF page), which must refuse a form it doesn't expect.
            if refused or response.status_code < 400:
                problems.append(f"POST {url} ({route.name}), exempt: {response.status_code}")
        elif not refused:
            problems.append(f"POST {url} ({route.name}) without a token: {response.status_code}")
        changed = [t for t, _sql in writes(ctx) if t not in ALWAYS_WRITABLE]
        if changed:
            problems.append(f"POST {url} ({route.name}) without a token wrote {changed}")
    assert checked > 100
    assert not problems, "CSRF not enforced:\n" + "\n".join(problems)


def test_a_put_without_a_csrf_token_is_refused_everywhere(world: World, settings: Any) -> None:
    # A video's upload sends its pieces with PUT (issue 7): the CSRF check must refuse any
    # other method that changes state, before any view, exactly as it refuses a POST.
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_failure"
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.administrator)
    problems: list[str] = []
    for route in all_routes():
        url = url_for(route, world)
        if url is None:
            continue
        with CaptureQueriesContext(connection) as ctx:
            response = client.put(url, b"abcd", headers={"Content-Range": "bytes 0-3/4"})
        exempt = not is_admin(route) and URLS[route.name].csrf_exempt
        refused = response.status_code == 403 and CSRF_REJECTED in response.content.decode()
        if exempt:
            if response.status_code < 400:
                problems.append(f"PUT {url} ({route.name}), exempt: {response.status_code}")
        elif not refused:
            problems.append(f"PUT {url} ({route.name}) without a token: {response.status_code}")
        changed = [t for t, _sql in writes(ctx) if t not in ALWAYS_WRITABLE]
        if changed:
            problems.append(f"PUT {url} ({route.name}) without a token wrote {changed}")
    assert not problems, "CSRF not enforced:\n" + "\n".join(problems)


def test_reading_the_video_rules_before_anyone_set_them_writes_nothing(world: World) -> None:
    # The captions rule (one row, video, issue 7) is read by the editor's pages and the
    # administrators' page: before an administrator first sets it, reading it must not make it.
    MediaPolicy.objects.all().delete()
    video = _video(world)
    client = Client()
    client.force_login(world.administrator)
    problems: list[str] = []
    for name, kwargs in (
        ("media:policy", {}),
        ("media:post_video", post_pk(world)),
        ("media:captions_add", {"video_id": video.pk}),
        ("media:transcript", {"video_id": video.pk}),
    ):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, (name, response.status_code)
        changed = [t for t, _sql in writes(ctx) if t not in ALWAYS_WRITABLE]
        if changed:
            problems.append(f"GET {name} wrote {changed}")
    assert not problems, "\n".join(problems)
    assert MediaPolicy.current().captions_required is True  # the default, still unsaved


def test_only_the_one_click_unsubscribe_is_csrf_exempt() -> None:
    exempt = {name for name, rule in URLS.items() if rule.csrf_exempt}
    assert exempt == {"mail:unsubscribe"}
    for route in all_routes():
        if is_admin(route) or route.name not in URLS:
            continue
        callback = get_resolver().resolve(reverse(route.name, kwargs=_dummy(route))).func
        marked = getattr(callback, "csrf_exempt", False)
        assert marked == (route.name in exempt), (
            f"{route.name}: csrf_exempt in the code ({marked}) and in URLS must agree"
        )


def _dummy(route: Route) -> dict[str, Any]:
    """Path parameters that fit any converter, to find the view behind a route."""
    return {key: 1 if "<int:" + key in route.pattern else "x" for key in route.keys}


def test_a_forged_one_click_unsubscribe_changes_nothing(world: World) -> None:
    from staffroom.notifications.models import DeliverySettings, DigestFrequency

    client = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(world)["token"]
    forged = token[: token.rindex(":") + 1] + "forged"
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("mail:unsubscribe", kwargs={"token": forged}),
            {"List-Unsubscribe": "One-Click"},
        )
    assert response.status_code == 404
    assert not [t for t, _sql in writes(ctx) if t not in ALWAYS_WRITABLE]
    # The control: the real link, posted the same way, turns the digest off.
    response = client.post(
        reverse("mail:unsubscribe", kwargs={"token": token}), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert DeliverySettings.objects.get(person=world.staff).digest == DigestFrequency.OFF


def test_the_csrf_check_lets_a_post_with_the_token_through(world: World, settings: Any) -> None:
    # The control for the test above: the same request with a token reaches the view.
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_failure"
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    page = client.get(reverse("notifications:list"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    response = client.post(
        reverse("notifications:mark_read"), {"all": "1", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.staff, read_at__isnull=True).exists()


def test_a_get_that_writes_is_caught(world: World) -> None:
    # The control for the GET test: opening a post does write, and `writes` sees it.
    client = Client()
    client.force_login(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("channels:post", kwargs={"pk": world.post.pk}))
    assert {table for table, _sql in writes(ctx)} & READING_A_POST
