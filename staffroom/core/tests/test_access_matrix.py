"""Access control: every view, every role, every kind of thing one may not see (issue 4).

The world (access_fixtures.py) is a hospital with two sites and three departments, a person
for each role — including people from another department and another site, a leaver and
nobody at all — and one of each thing whose words must stay with the right people: drafts,
a scheduled post, posts targeted at a department or a site, held, hidden and removed posts,
held and hidden comments (with their privacy holds and flags), an exposure report, an audit
entry, a directory import; and the idea box (issue 5): a visible, a held, a hidden and a merged
idea, an implemented one with its impact, open and closed campaigns, and anonymous ideas whose
author's *name* is a marker. Each carries a marker word ("ZEBRA…"); `SEES` says who may read it.

`CHECKS` is the table: for each URL (and the object it is about), who may use it. Every cell
(check, role) is one test, named after the URL, the object and the role. A cell asserts:

- allowed: the page answers (200, or a redirect that isn't to the sign-in page);
- denied: 403 or 404 — or, signed out, a redirect to sign in;
- always, allowed or not: the response (a page, a feed, a CSV, the files in a ZIP) holds no
  marker of anything this role may not see (`SEES`). So lists — the home feed, channel and
  tag pages, search, notifications, Atom feeds, a person's data download — are checked with
  the same rule as detail pages;
- for a few cells, the marker that must be there (`shows`): the control that proves the
  check can see a marker at all;
- a few cells name more markers that must not be there (`hides`, `hidden_from`): what is
  readable on its own but not together with this page (an anonymous idea on its author's
  profile).

An anonymous author's name is a marker only the author may read anywhere. Privacy officers
learn it from one response only, the answer to the audited reveal (`reveals`); a page that
lists people by name (the directory, `names_people`) may show it, as it says nothing there.

A cell's `unsure` roles get only the marker rule, not a status: kept for the few choices other
work still has to make (does a held post take comments?), each with its reason in `why`.

The table must cover the whole URLconf: `test_every_url_is_in_the_access_table` fails on a
URL it doesn't list. The Django admin is checked separately: everyone but the administrator
is turned away from every admin page.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from staffroom.channels import syndication
from staffroom.core.tests.access_fixtures import (
    ADMIN,
    ALL,
    ANONYMOUS,
    COLLEAGUE,
    COMMON_WORD,
    COMMS,
    DEPT_B,
    EDITOR_A,
    EVERYONE,
    IDEA_WORD,
    INACTIVE,
    LISTED,
    MARKERS,
    MODERATOR,
    NAMES,
    NOBODY,
    NURSE,
    PRIVACY,
    REVIEWER_A,
    ROLES,
    SEES,
    SIGNED_OUT,
    SITE_2,
    World,
    build_world,
    remove_video_files,
    restore_video_files,
)
from staffroom.core.tests.test_url_safety import all_routes, is_admin, url_for
from staffroom.privacy.services import texts_version

EDITORS_A = frozenset({EDITOR_A, COMMS, ADMIN})
TOPIC_EDITORS = frozenset({COMMS, ADMIN})
# The channel's editors who may also see the held or hidden post: its author and admins.
AUTHOR_EDITORS = frozenset({EDITOR_A, ADMIN})
# Who moderates the discussion of a post in the topic channel: its editors and moderators.
TOPIC_MODERATORS = frozenset({COMMS, ADMIN, MODERATOR})
# Privacy officers (organisation-wide) and moderators; administrators count as both.
REVIEWERS = frozenset({PRIVACY, ADMIN})
MODERATORS = frozenset({MODERATOR, ADMIN})
# The idea box: who reviews department A's ideas (its idea reviewer; administrators review
# everything) — not department B's reviewer; who reviews anything at all; who sees response
# times (leadership: communications admins; organisation-wide reviewers and analysts, of whom
# the world has none; administrators); who sets up campaigns.
IDEA_REVIEWERS_A = frozenset({REVIEWER_A, ADMIN})
ANY_IDEA_REVIEWER = frozenset({REVIEWER_A, DEPT_B, ADMIN})
IDEA_STATS = frozenset({COMMS, ADMIN})
CAMPAIGN_MANAGERS = frozenset({COMMS, ADMIN})
EVENT_MANAGERS = frozenset({COMMS, ADMIN})
SCREEN_MANAGERS = frozenset({COMMS, ADMIN})
# What a break-room screen may show whoever holds its address: ideas every member of staff reads
# (never a name: the anonymous author stays a marker nobody finds there).
WALL = ("idea_a", "anon_idea", "implemented_idea", "impact")
# Ideas nobody may vote for, follow or answer: withheld (held: the PHI guard; hidden: a
# moderator). Those who may see one are told why; everyone else gets a 404.
WITHHELD_IDEAS = ("held_idea", "hidden_idea")

# Video (issue 7): the posts with a ready video, and who manages each one's video — the
# editors of the post's channel who may see the post (a held post's: its author and admins).
VIDEOS = ("draft", "target_a", "public", "held_post")
VIDEO_EDITORS = {
    "draft": EDITORS_A,
    "target_a": EDITORS_A,
    "public": TOPIC_EDITORS,
    "held_post": AUTHOR_EDITORS,
}
HTMX = {"HX-Request": "true"}

Kwargs = Callable[[World, str, str], dict[str, Any]]


def inside(key: str) -> frozenset[str]:
    """Who may see `key` inside Staffroom: signed in (a public post's public page aside)."""
    return SEES[key] & ALL


def _none(w: World, obj: str, role: str) -> dict[str, Any]:
    return {}


def _post(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.posts[obj].pk}


def _thread(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"thread_id": w.posts[obj].thread_id}


def _comment(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"comment_id": w.comments[obj].pk}


def _channel(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"slug": w.channel_a.slug if obj == "channel_a" else w.topic.slug}


def _image(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.posts[obj].pk, "image_id": w.images[obj]}


def _attachment(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.posts[obj].pk, "attachment_id": w.attachments[obj]}


def _public(w: World, obj: str, role: str) -> dict[str, Any]:
    post = w.posts[obj]
    return {"pk": post.pk, "slug": syndication.public_post_slug(post)}


def _channel_atom(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"token": w.feed_tokens[role], **_channel(w, obj, role)}


def _tag_atom(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"token": w.feed_tokens[role], "slug": w.tag_slug}


def _initiative(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"slug": w.initiative.slug}


def _plan(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"slug": w.plan.slug}


def _import(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.directory_import.pk}


def _nurse(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.people[NURSE].pk}


def _nurse_notification(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.notifications[(NURSE, obj)]}


def _hold(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"hold_id": w.holds[obj].pk}


def _item(w: World, obj: str, role: str) -> dict[str, Any]:
    if obj in w.comments:
        return {"kind": "comment", "item_id": w.comments[obj].pk}
    if obj in w.ideas:
        return {"kind": "idea", "item_id": w.ideas[obj].pk}
    return {"kind": "post", "item_id": w.posts[obj].pk}


def _idea(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.ideas[obj].pk}


def _idea_thread(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"thread_id": w.ideas[obj].thread_id}


def _campaign(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"slug": w.campaigns[obj].slug}


def _event(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.events[obj].pk}


def _calendar(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"token": w.feed_tokens[role]}


def _screen(w: World, obj: str, role: str) -> dict[str, Any]:
    from staffroom.kiosk.tests.factories import make_screen

    return {"pk": make_screen("Break room", creator=w.people[COMMS])[0].pk}


def _screen_address(w: World, obj: str, role: str) -> dict[str, Any]:
    """An organisation-wide screen's secret, or (obj "made_up") an address that never was,
    (obj "dept_a_screen") the secret of department A's screen, (obj "switched_off") the old
    secret of a screen switched off."""
    from staffroom.kiosk.services import switch_off_screen
    from staffroom.kiosk.tests.factories import make_screen

    comms = w.people[COMMS]
    if obj == "made_up":
        return {"secret": "made-up-" + "0" * 35}
    if obj == "dept_a_screen":
        department = w.channel_a.department
        return {"secret": make_screen("Medicine", creator=comms, department=department)[1]}
    screen, secret = make_screen("Break room", creator=comms)
    if obj == "switched_off":
        switch_off_screen(screen=screen, editor=comms)
    return {"secret": secret}


def _hook(w: World, obj: str, role: str) -> dict[str, Any]:
    """Department A's chat room, addressed through its own channel — or (obj "topic") through
    another channel, which doesn't make it that channel's."""
    assert w.chat_hook is not None
    slug = w.topic.slug if obj == "topic" else w.channel_a.slug
    return {"slug": slug, "pk": w.chat_hook.pk}


def _video(w: World, obj: str, role: str) -> dict[str, Any]:
    """The video of the post `obj` names (its first word: "target_a (1080p)")."""
    return {"video_id": w.videos[obj.split(maxsplit=1)[0]].pk}


def _rendition(w: World, obj: str, role: str) -> dict[str, Any]:
    """The 360p file (obj "target_a (1080p)": a quality no video has)."""
    return {**_video(w, obj, role), "quality": "1080p" if "1080p" in obj else "360p"}


def _video_caption(w: World, obj: str, role: str) -> dict[str, Any]:
    """The video's captions (obj "target_a (public's captions)": another video's, asked for
    through this video's address)."""
    other = "public" if "public's" in obj else obj.split(maxsplit=1)[0]
    return {**_video(w, obj, role), "caption_id": w.captions[other]}


def _screen_file(part: str) -> Kwargs:
    """A video file at a screen's address: obj "<post key>" on an organisation-wide screen,
    "<post key> on <screen>" on the screen `_screen_address` makes for that name."""

    def kwargs(w: World, obj: str, role: str) -> dict[str, Any]:
        key, _on, screen = obj.partition(" on ")
        extras: dict[str, dict[str, Any]] = {
            "rendition": {"quality": "360p"},
            "poster": {},
            "caption": {"caption_id": w.captions[key]},
        }
        extra = extras[part]
        secret = _screen_address(w, screen, role)["secret"]
        return {"secret": secret, "video_id": w.videos[key].pk, **extra}

    return kwargs


def _failed_delivery(w: World, obj: str) -> dict[str, Any]:
    from staffroom.chat.models import ChatDelivery

    delivery = ChatDelivery.objects.get(hook=w.chat_hook)
    return {"kind": ChatDelivery._meta.label, "pk": delivery.pk}


def _unsubscribe(w: World, obj: str, role: str) -> dict[str, Any]:
    """The nurse's link to stop her digest (from one of her emails), or (obj "made_up") one
    signed by nobody."""
    from staffroom.mail.unsubscribe import make_token

    if obj == "made_up":
        return {"token": "WyIxIiwiZGlnZXN0Il0:forged-signature"}
    return {"token": make_token(w.people[NURSE].pk, "digest")}


def _person(key: str) -> Kwargs:
    return lambda w, obj, role: {"pk": w.people[key].pk}


def _report(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"pk": w.exposure_report.pk}


def _decision(w: World, obj: str) -> dict[str, Any]:
    return {"note": "", "seen": texts_version(w.obj(obj))}


def _reset_link(w: World, obj: str, role: str) -> dict[str, Any]:
    nurse = w.people[NURSE]
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(nurse.pk)),
        "token": default_token_generator.make_token(nurse),
    }


def _department(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"code": w.channel_a.department.code}  # type: ignore[union-attr]  # a department channel


def _unit(w: World, obj: str, role: str) -> dict[str, Any]:
    return {"code": w.people[NURSE].unit.code}  # type: ignore[union-attr]  # the nurse has a unit


@dataclass(frozen=True)
class Check:
    """One row of the table: a URL about one object, and who may use it."""

    url: str
    kwargs: Kwargs = _none
    obj: str = ""
    allowed: AbstractSet[str] = ALL
    method: str = "GET"
    # The form sent with a POST, or a function of the world and the object that makes it.
    data: dict[str, Any] | Callable[[World, str], dict[str, Any]] = field(default_factory=dict)
    # Added to the address: a query string, or a function of the world that makes one.
    query: str | Callable[[World], str] = ""
    # Statuses that mean "let through" for this URL.
    ok: tuple[int, ...] = (200,)
    # Objects whose marker an allowed role who may see them must find in the response: the
    # control that proves a marker would be seen. On a list, only who finds it listed.
    shows: tuple[str, ...] = ()
    is_list: bool = False
    # Limits that control to these roles (a person's own things on a page of their own).
    shown_to: AbstractSet[str] = frozenset(ROLES)
    # For signing out: the way back to the sign-in page is the page working.
    to_sign_in: bool = False
    # Roles whose status is not asserted (only the marker rule): behaviour being built now.
    unsure: AbstractSet[str] = NOBODY
    why: str = ""
    # Markers that must not be in this response for `hidden_from`, though they may see them
    # elsewhere: what must not be put together with this page.
    hides: tuple[str, ...] = ()
    hidden_from: AbstractSet[str] = frozenset(ROLES)
    # Markers this response may show to the roles allowed: the one place they learn them.
    reveals: tuple[str, ...] = ()
    # Request headers (an htmx request: {"HX-Request": "true"}).
    headers: dict[str, str] = field(default_factory=dict)
    # The body of a PUT (a piece of a video's upload).
    body: bytes = b""
    # Statuses that also mean "turned away" here (htmx's "stop polling", a screen's "gone").
    refused: tuple[int, ...] = ()
    # The response lists people by name (the directory): names (NAMES) there are no leak.
    names_people: bool = False

    @property
    def label(self) -> str:
        about = f" about {self.obj}" if self.obj else ""
        extra = "" if callable(self.query) else self.query
        htmx = " (htmx)" if self.headers.get("HX-Request") else ""
        return f"{self.method} {self.url}{about}{extra}{htmx}"


POST = "POST"
PUT = "PUT"
REDIRECT = (302,)
ACTION = (200, 302)
# A POST with the form left (partly) empty: the view let the person in and said what's missing.
FORM = (200, 302, 400)

CHECKS: list[Check] = [
    # --- Open to anyone --------------------------------------------------------------------------
    Check("core:healthz", allowed=EVERYONE),
    Check(
        "set_language",
        allowed=EVERYONE,
        method=POST,
        data={"language": "en", "next": "/"},
        ok=REDIRECT,
    ),
    Check("accounts:login", allowed=EVERYONE, ok=ACTION),
    Check("accounts:logout", allowed=EVERYONE, method=POST, ok=ACTION, to_sign_in=True),
    Check("accounts:password_reset", allowed=EVERYONE, ok=ACTION),
    Check("accounts:password_reset_done", allowed=EVERYONE),
    Check("accounts:password_reset_confirm", _reset_link, allowed=EVERYONE, ok=ACTION),
    Check("accounts:password_reset_complete", allowed=EVERYONE),
    # --- One's own account ---------------------------------------------------------------------
    Check("accounts:password_change"),
    Check("accounts:password_change_done"),
    Check("accounts:my_data"),
    # The download: only the person's own things (every file in the ZIP is searched).
    Check("accounts:my_data", method=POST),
    # --- Channels --------------------------------------------------------------------------------
    Check("channels:feed", shows=("target_a",), is_list=True),
    Check("channels:channel_list"),
    Check("channels:channel_create", allowed=TOPIC_EDITORS),
    Check(
        "channels:channel",
        _channel,
        obj="channel_a",
        # Editors see the channel's drafts and scheduled posts above its posts.
        shows=("draft", "scheduled"),
    ),
    Check("channels:channel", _channel, obj="topic", shows=("public",), is_list=True),
    Check("channels:follow", _channel, obj="topic", method=POST, ok=REDIRECT),
    Check("channels:channel_settings", _channel, obj="channel_a", allowed=TOPIC_EDITORS),
    Check("channels:tag", lambda w, o, r: {"slug": w.tag_slug}, shows=("public",), is_list=True),
    Check("channels:feed_settings"),
    # Atom feeds, each person with their own secret address (signed out: a made-up one, and
    # the leaver's old one).
    Check(
        "channels:channel_atom",
        _channel_atom,
        obj="channel_a",
        shows=("target_a",),
        is_list=True,
    ),
    Check(
        "channels:channel_atom",
        _channel_atom,
        obj="topic",
        shows=("public", "target_site_2"),
        is_list=True,
    ),
    Check("channels:tag_atom", _tag_atom, shows=("public", "target_a"), is_list=True),
    Check("channels:public_atom", allowed=EVERYONE, shows=("public",)),
    # --- Posts -----------------------------------------------------------------------------------
    *(
        Check("channels:post", _post, obj=key, allowed=inside(key), shows=(key,))
        for key in (
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
    ),
    # The editors' pages of a post: its channel's editors, if they may see the post at all.
    *(
        Check(url, _post, obj=key, allowed=allowed)
        for url in (
            "channels:post_reach",
            "channels:post_edit",
            "channels:post_revisions",
            "channels:post_images",
            "channels:post_attachments",
        )
        for key, allowed in (
            ("draft", EDITORS_A),
            ("target_a", EDITORS_A),
            ("target_site_2", TOPIC_EDITORS),
            ("held_post", AUTHOR_EDITORS),
            ("hidden_post", AUTHOR_EDITORS),
            ("removed_post", AUTHOR_EDITORS),
        )
    ),
    Check("channels:post_edit", _post, obj="draft", allowed=EDITORS_A, method=POST, ok=FORM),
    Check(
        "channels:post_edit", _post, obj="held_post", allowed=AUTHOR_EDITORS, method=POST, ok=FORM
    ),
    Check("channels:post_create", _channel, obj="channel_a", allowed=EDITORS_A),
    Check("channels:post_create", _channel, obj="topic", allowed=TOPIC_EDITORS),
    Check(
        "channels:post_create",
        _channel,
        obj="channel_a",
        allowed=EDITORS_A,
        method=POST,
        ok=FORM,
    ),
    Check(
        "channels:post_status",
        _post,
        obj="draft",
        allowed=EDITORS_A,
        method=POST,
        data={"action": "publish"},
        ok=REDIRECT,
    ),
    Check(
        "channels:post_status",
        _post,
        obj="held_post",
        allowed=AUTHOR_EDITORS,
        method=POST,
        data={"action": "archive"},
        ok=REDIRECT,
    ),
    Check(
        "channels:post_status",
        _post,
        obj="target_site_2",
        allowed=TOPIC_EDITORS,
        method=POST,
        data={"action": "archive"},
        ok=REDIRECT,
    ),
    Check("channels:post_pin", _post, obj="target_a", allowed=EDITORS_A, method=POST, ok=REDIRECT),
    Check(
        "channels:post_pin",
        _post,
        obj="hidden_post",
        allowed=AUTHOR_EDITORS,
        method=POST,
        ok=REDIRECT,
    ),
    Check(
        "channels:post_public_toggle",
        _post,
        obj="target_a",
        allowed=EDITORS_A,
        method=POST,
        data={"public": "1"},
        ok=REDIRECT,
    ),
    Check(
        "channels:post_public_toggle",
        _post,
        obj="held_post",
        allowed=AUTHOR_EDITORS,
        method=POST,
        data={"public": "1"},
        ok=REDIRECT,
    ),
    # Images and files: whoever may see the post (a file's contents carry the marker).
    *(
        Check("channels:post_image", _image, obj=key, allowed=inside(key))
        for key in ("draft", "target_a", "public", "held_post", "hidden_post")
    ),
    *(
        Check("channels:post_attachment", _attachment, obj=key, allowed=inside(key), shows=(key,))
        for key in ("draft", "target_a", "public", "held_post", "hidden_post")
    ),
    # Public pages: only a post that is public, live, for everyone and visible, for anyone.
    Check("channels:public_post", _public, obj="public", allowed=EVERYONE, shows=("public",)),
    *(
        Check("channels:public_post", _public, obj=key, allowed=NOBODY)
        for key in ("draft", "target_a", "held_post", "hidden_post", "removed_post")
    ),
    Check("channels:public_image", _image, obj="public", allowed=EVERYONE),
    *(
        Check("channels:public_image", _image, obj=key, allowed=NOBODY)
        for key in ("draft", "target_a", "held_post", "hidden_post", "removed_post")
    ),
    # --- Discussion ------------------------------------------------------------------------------
    Check(
        "discussion:thread",
        _thread,
        obj="public",
        shows=("public", "visible_comment"),
        is_list=True,
    ),
    *(
        Check("discussion:thread", _thread, obj=key, allowed=inside(key), shows=(key,))
        for key in (
            "draft",
            "target_a",
            "target_site_2",
            "held_post",
            "hidden_post",
            "removed_post",
        )
    ),
    Check(
        "discussion:comment",
        _thread,
        obj="target_a",
        allowed=SEES["target_a"],
        method=POST,
        data={"body": "See you at the picnic"},
        ok=REDIRECT,
    ),
    Check(
        "discussion:comment",
        _thread,
        obj="held_post",
        # Nobody, not even its author: only visible items can be discussed.
        allowed=frozenset(),
        method=POST,
        data={"body": "See you at the picnic"},
        ok=FORM,
    ),
    Check(
        "discussion:react",
        _thread,
        obj="target_site_2",
        allowed=SEES["target_site_2"],
        method=POST,
        data={"kind": "like"},
        ok=REDIRECT,
    ),
    Check(
        "discussion:react",
        _thread,
        obj="hidden_post",
        # Nobody: only visible items take reactions.
        allowed=frozenset(),
        method=POST,
        data={"kind": "like"},
        ok=FORM,
    ),
    # A comment's address sends whoever may see its subject there (no words in a redirect);
    # a held comment's address is a 404 to all but its author and privacy officers.
    *(
        Check("discussion:comment_link", _comment, obj=key, allowed=allowed, ok=REDIRECT)
        for key, allowed in (
            ("visible_comment", ALL),
            ("held_comment", SEES["held_comment"]),
            ("hidden_comment", ALL),
            ("removed_comment", ALL),
            ("target_comment", SEES["target_a"]),
        )
    ),
    *(
        Check(
            "discussion:comment_react",
            _comment,
            obj=key,
            allowed=allowed,
            method=POST,
            data={"kind": "like"},
            ok=REDIRECT,
        )
        for key, allowed in (
            ("visible_comment", ALL),
            ("held_comment", NOBODY),
            ("hidden_comment", NOBODY),
            ("removed_comment", NOBODY),
            ("target_comment", SEES["target_a"]),
        )
    ),
    Check(
        "discussion:comment_edit", _comment, obj="visible_comment", allowed=frozenset({COLLEAGUE})
    ),
    Check("discussion:comment_edit", _comment, obj="target_comment", allowed=frozenset({NURSE})),
    # The author may always get her held words back, and edit them out (the PHI guard).
    Check(
        "discussion:comment_edit",
        _comment,
        obj="held_comment",
        allowed=frozenset({NURSE}),
        shows=("held_comment",),
    ),
    # A hidden comment waits for a moderator: its author can't change it meanwhile.
    Check("discussion:comment_edit", _comment, obj="hidden_comment", allowed=NOBODY),
    Check("discussion:comment_edit", _comment, obj="removed_comment", allowed=NOBODY),
    Check(
        "discussion:comment_edit",
        _comment,
        obj="visible_comment",
        allowed={COLLEAGUE},
        method=POST,
        data={"body": ""},
        ok=FORM,
    ),
    Check(
        "discussion:comment_delete",
        _comment,
        obj="visible_comment",
        allowed={COLLEAGUE} | TOPIC_MODERATORS,
        method=POST,
        ok=REDIRECT,
    ),
    Check(
        "discussion:comment_delete",
        _comment,
        obj="target_comment",
        allowed={NURSE} | EDITORS_A,
        method=POST,
        ok=REDIRECT,
    ),
    # The author withdraws her held comment by deleting it (the PHI guard's withdraw_hold).
    Check(
        "discussion:comment_delete",
        _comment,
        obj="held_comment",
        allowed=frozenset({NURSE}),
        method=POST,
        ok=REDIRECT,
    ),
    Check(
        "discussion:comment_delete",
        _comment,
        obj="hidden_comment",
        allowed=NOBODY,
        method=POST,
        ok=REDIRECT,
    ),
    # Earlier words: whoever sees the subject; of a removed one, the discussion's moderators
    # (who see "Comment removed", never the words: the marker rule checks that).
    Check(
        "discussion:comment_history", _comment, obj="visible_comment", shows=("visible_comment",)
    ),
    Check(
        "discussion:comment_history",
        _comment,
        obj="target_comment",
        allowed=SEES["target_a"],
        shows=("target_comment",),
    ),
    # Of a held, hidden or removed comment: as withheld as the comment — its author and those
    # who review such items, not the discussion's other moderators (a channel editor).
    Check("discussion:comment_history", _comment, obj="held_comment", allowed=SEES["held_comment"]),
    *(
        Check("discussion:comment_history", _comment, obj=key, allowed=SEES[key], shows=(key,))
        for key in ("hidden_comment", "removed_comment")
    ),
    Check("discussion:mention_suggestions", query="?q=nur"),
    # --- Strategy --------------------------------------------------------------------------------
    Check("strategy:plan_current"),
    Check("strategy:plan", _plan, shows=("initiative",)),
    Check("strategy:plan_results", _plan, allowed=TOPIC_EDITORS),
    Check("strategy:initiative", _initiative, obj="initiative", shows=("initiative",)),
    Check(
        "strategy:initiative_answer",
        _initiative,
        obj="initiative",
        method=POST,
        data={"understanding": "4", "support": "4"},
        ok=ACTION,
    ),
    Check(
        "strategy:initiative_status",
        _initiative,
        obj="initiative",
        allowed=TOPIC_EDITORS,  # the owner is the communications admin
        method=POST,
        data={"status": "on_track"},
        ok=ACTION,
    ),
    Check("strategy:initiative_results", _initiative, obj="initiative", allowed=TOPIC_EDITORS),
    # --- Search and notifications ----------------------------------------------------------------
    # The query is in lower case and markers are matched in capitals: the search box's echo of
    # the query isn't a leak, a result is.
    Check(
        "search:search",
        query=f"?q={COMMON_WORD}",
        shows=("public", "target_a", "target_site_2", "visible_comment"),
        is_list=True,
    ),
    *(
        Check("search:search", query=f"?q={marker.lower()}", shows=(key,), is_list=True)
        for key, marker in MARKERS.items()
    ),
    Check(
        "notifications:list",
        shows=("public", "target_a", "target_site_2"),
        is_list=True,
    ),
    Check("notifications:mark_read", method=POST, data={"all": "1"}, ok=REDIRECT),
    # The nurse's notification about each post: hers to open while she may see the post.
    *(
        Check(
            "notifications:open",
            _nurse_notification,
            obj=key,
            allowed=frozenset({NURSE}) if key in ("target_a", "public") else NOBODY,
            ok=REDIRECT,
        )
        for key in (
            "draft",
            "target_a",
            "target_site_2",
            "public",
            "held_post",
            "hidden_post",
            "removed_post",
        )
    ),
    # --- Audit trail -----------------------------------------------------------------------------
    Check("audit:list", allowed=SEES["audit"], shows=("audit",)),
    Check("audit:export", allowed=SEES["audit"], shows=("audit",)),
    # --- Organisation ----------------------------------------------------------------------------
    # The directory lists everyone by name, the anonymous ideas' author too: no leak there.
    Check("organisation:directory", names_people=True),
    Check("organisation:person", _nurse),
    Check("organisation:person_photo", _nurse),
    Check("organisation:me"),
    Check("organisation:department_index"),
    Check("organisation:department", _department),
    Check("organisation:unit", _unit),
    Check("organisation:import_list", allowed=SEES["directory_import"]),
    Check(
        "organisation:import_detail",
        _import,
        obj="directory_import",
        allowed=SEES["directory_import"],
        shows=("directory_import",),
    ),
    Check(
        "organisation:import_apply",
        _import,
        obj="directory_import",
        allowed=SEES["directory_import"],
        method=POST,
        ok=ACTION,
    ),
    # --- Privacy: held items and exposure reports ------------------------------------------------
    # Privacy officers only (administrators hold every role); a 404 for everyone else.
    Check("privacy:queue", allowed=REVIEWERS),
    # Each person's own held items: the marker rule keeps everyone else's out.
    Check(
        "privacy:my_holds",
        shows=("held_comment", "held_post", "held_idea"),
        shown_to=frozenset({NURSE, EDITOR_A, SITE_2}),
    ),
    # The held idea is anonymous: the officers read its words, never its author's name.
    *(
        Check("privacy:hold", _hold, obj=key, allowed=REVIEWERS, shows=(key,))
        for key in ("held_post", "held_comment", "held_idea")
    ),
    # A decision names the version of the words the officer read (else: 409, words changed).
    *(
        Check(url, _hold, obj=key, allowed=REVIEWERS, method=POST, data=_decision, ok=ACTION)
        for url in ("privacy:release", "privacy:remove")
        for key in ("held_post", "held_comment", "held_idea")
    ),
    # The author sends her own held item for review; for anyone else it isn't there.
    Check(
        "privacy:send_for_review",
        _hold,
        obj="held_post",
        allowed=frozenset({EDITOR_A}),
        method=POST,
        data={"note": "It is about the picnic"},
        ok=FORM,
    ),
    # The author deletes their own held item; for anyone else it isn't there.
    *(
        Check(
            "privacy:delete_held",
            _hold,
            obj=key,
            allowed=frozenset({author}),
            method=POST,
            ok=REDIRECT,
        )
        for key, author in (
            ("held_post", EDITOR_A),
            ("held_comment", NURSE),
            ("held_idea", SITE_2),
        )
    ),
    Check(
        "channels:post_send_for_review",
        _post,
        obj="held_post",
        allowed=frozenset({EDITOR_A}),
        method=POST,
        data={"note": "It is about the picnic"},
        ok=FORM,
    ),
    *(
        Check("privacy:mark_phi", _item, obj=key, allowed=REVIEWERS)
        for key in ("public", "visible_comment", "held_post", "idea_a", "anon_idea")
    ),
    Check("privacy:mark_phi", _item, obj="public", allowed=REVIEWERS, method=POST, ok=FORM),
    Check("privacy:exposure_list", allowed=REVIEWERS),
    Check(
        "privacy:exposure",
        _report,
        obj="exposure_report",
        allowed=REVIEWERS,
        shows=("exposure_report",),
    ),
    Check("privacy:exposure_csv", _report, obj="exposure_report", allowed=REVIEWERS),
    Check("privacy:purge", _report, obj="exposure_report", allowed=REVIEWERS, method=POST, ok=FORM),
    # Revealing an anonymous item's author (decision 18): privacy officers only. An item that
    # isn't anonymous has no author to reveal: a 404 for everyone, officers included. The
    # name is on the answer to the POST, and nowhere else: not on the form, not in the list.
    Check("privacy:reveals", allowed=REVIEWERS),
    *(
        Check("privacy:reveal", _item, obj=key, allowed=NOBODY)
        for key in ("visible_comment", "held_post", "idea_a")
    ),
    *(
        Check("privacy:reveal", _item, obj=key, allowed=REVIEWERS)
        for key in ("anon_idea", "held_idea")
    ),
    Check(
        "privacy:reveal",
        _item,
        obj="anon_idea",
        allowed=REVIEWERS,
        method=POST,
        data={"reason": "To check a pattern of unkind anonymous ideas"},
        reveals=("anon_author",),
        shows=("anon_author",),
    ),
    Check(
        "privacy:reveal",
        _item,
        obj="visible_comment",
        allowed=NOBODY,
        method=POST,
        data={"reason": "To check a pattern of unkind anonymous ideas"},
    ),
    # --- Moderation ------------------------------------------------------------------------------
    # The queue: moderators, and privacy officers (for items flagged as a privacy risk).
    Check("moderation:queue", allowed=MODERATORS | REVIEWERS),
    # Told to a suspended person (a 403 with the reason); anyone else sees it's not them.
    Check("moderation:suspended"),
    # Flag what you can see and didn't write; a held item can't be flagged (nobody sees it).
    *(
        Check("moderation:flag", _item, obj=key, allowed=allowed)
        for key, allowed in (
            ("target_a", SEES["target_a"] - {EDITOR_A}),
            ("public", ALL - {COMMS}),
            ("visible_comment", ALL - {COLLEAGUE}),
            ("held_post", NOBODY),
            ("held_comment", NOBODY),
            ("hidden_comment", NOBODY),
            ("removed_comment", NOBODY),
        )
    ),
    Check(
        "moderation:flag",
        _item,
        obj="public",
        allowed=ALL - {COMMS},
        method=POST,
        data={"reason": "other", "note": ""},
        ok=FORM,
    ),
    # An item's moderation page: moderators; privacy officers when flagged for privacy; a held
    # item only for privacy officers (so here only the administrator, who is both).
    *(
        Check("moderation:item", _item, obj=key, allowed=allowed, shows=shows)
        for key, allowed, shows in (
            ("visible_comment", MODERATORS, ("visible_comment",)),
            ("hidden_comment", MODERATORS | REVIEWERS, ("hidden_comment",)),
            ("hidden_post", MODERATORS, ("hidden_post",)),
            ("held_post", frozenset({ADMIN}), ()),
        )
    ),
    *(
        Check(
            "moderation:act",
            _item,
            obj=key,
            allowed=allowed,
            method=POST,
            data={"action": "hide", "hide-reason": "Not kind"},
            ok=FORM,
        )
        for key, allowed in (
            ("visible_comment", MODERATORS),
            ("held_post", frozenset({ADMIN})),
        )
    ),
    # --- The idea box (issue 5) ------------------------------------------------------------------
    # Boards: shown ideas for everyone signed in; never a held or hidden one, never the name
    # of an anonymous author (the marker rule, on every row below).
    Check("ideas:board", shows=("idea_a", "anon_idea", "implemented_idea"), is_list=True),
    *(
        Check("ideas:board", query=f"?sort={sort}", shows=("idea_a", "anon_idea"), is_list=True)
        for sort in ("trending", "newest", "updated")
    ),
    Check("ideas:board", query="?status=new", shows=("idea_a",), is_list=True),
    Check("ideas:board", query="?status=under_review", shows=("anon_idea",), is_list=True),
    # "Mine" counts anonymous ideas as one's own: only to their author (the marker rule).
    Check("ideas:board", query="?mine=1&following=1"),
    Check("ideas:implemented", shows=("implemented_idea",), is_list=True),
    # The idea page: whoever may see the idea. A merged duplicate's address redirects.
    *(
        Check("ideas:idea", _idea, obj=key, allowed=inside(key), shows=(key,))
        for key in ("idea_a", "held_idea", "hidden_idea", "anon_idea")
    ),
    Check(
        "ideas:idea",
        _idea,
        obj="implemented_idea",
        shows=("implemented_idea", "impact"),
    ),
    Check("ideas:idea", _idea, obj="duplicate_idea", ok=REDIRECT),
    # Its files: whoever may see the idea (the attachment's contents carry the marker).
    *(
        Check("ideas:photo", _idea, obj=key, allowed=inside(key))
        for key in ("idea_a", "held_idea", "hidden_idea", "anon_idea")
    ),
    *(
        Check("ideas:attachment", _idea, obj=key, allowed=inside(key), shows=(key,))
        for key in ("idea_a", "held_idea", "hidden_idea", "anon_idea")
    ),
    Check("ideas:photo", _idea, obj="implemented_idea", allowed=NOBODY),  # it has none
    # Votes and follows: staff signed in, on shown ideas (a duplicate's vote goes to its
    # survivor). On a withheld idea: nobody (test_no_vote_or_follow_lands_on_a_withheld_idea
    # checks that those who see it are refused too, with a reason, and nothing changes).
    *(
        Check(url, _idea, obj=key, method=POST, data={"action": action}, ok=ACTION)
        for url, action in (("ideas:vote", "vote"), ("ideas:follow", "follow"))
        for key in ("idea_a", "anon_idea", "duplicate_idea")
    ),
    *(
        Check(
            url,
            _idea,
            obj=key,
            allowed=NOBODY,
            method=POST,
            data={"action": action},
            unsure=SEES[key] & ALL,
            why="Refused with the reason to those who see it: the status is the view's choice.",
        )
        for url, action in (("ideas:vote", "vote"), ("ideas:follow", "follow"))
        for key in WITHHELD_IDEAS
    ),
    # Proposing: everyone signed in (a campaign preselected too, even one that asks others:
    # the form says so).
    Check("ideas:propose"),
    Check(
        "ideas:propose",
        obj="open_campaign",
        query=lambda w: f"?campaign={w.campaigns['open_campaign'].slug}",
        shows=("open_campaign",),
        shown_to=frozenset({NURSE, COLLEAGUE, EDITOR_A, REVIEWER_A}),
    ),
    Check("ideas:propose", method=POST, data={"title": ""}, ok=FORM),
    # Similar ideas while typing: shown ones only, never a held or hidden one.
    Check(
        "ideas:similar",
        query=f"?title={IDEA_WORD}&problem={IDEA_WORD}",
        shows=("idea_a", "anon_idea"),
        is_list=True,
    ),
    # Editing: the author only, until a reviewer has answered; a held idea's author edits
    # the patient information out; a hidden idea waits for a moderator (as a hidden comment).
    *(
        Check("ideas:edit", _idea, obj=key, allowed=allowed, shows=shows)
        for key, allowed, shows in (
            ("idea_a", frozenset({NURSE}), ("idea_a",)),
            ("anon_idea", NOBODY, ()),  # answered
            ("held_idea", frozenset({SITE_2}), ("held_idea",)),
            ("hidden_idea", NOBODY, ()),
            ("duplicate_idea", NOBODY, ()),
            ("implemented_idea", NOBODY, ()),
        )
    ),
    Check(
        "ideas:edit",
        _idea,
        obj="idea_a",
        allowed=frozenset({NURSE}),
        method=POST,
        data={"title": ""},
        ok=FORM,
    ),
    Check(
        "ideas:edit",
        _idea,
        obj="implemented_idea",
        allowed=NOBODY,
        method=POST,
        data={"title": ""},
        ok=FORM,
    ),
    # Reviewing: the queue for anyone who reviews; an idea of department A for its reviewer
    # and administrators — not department B's reviewer, nor moderators or privacy officers.
    Check(
        "ideas:review_queue",
        allowed=ANY_IDEA_REVIEWER,
        shows=("idea_a",),  # waiting for its first answer
        is_list=True,
        shown_to=frozenset({REVIEWER_A}),
    ),
    *(
        Check(url, _idea, obj=key, allowed=IDEA_REVIEWERS_A, shows=(key,))
        for url in ("ideas:review", "ideas:merge")
        for key in ("idea_a", "anon_idea")
    ),
    Check("ideas:review", _idea, obj="implemented_idea", allowed=IDEA_REVIEWERS_A),
    *(
        Check(
            url,
            _idea,
            obj="idea_a",
            allowed=IDEA_REVIEWERS_A,
            method=POST,
            data={"message": "", "status": ""},
            ok=FORM,
        )
        for url in ("ideas:review", "ideas:merge")
    ),
    *(
        Check(
            url,
            _idea,
            obj=key,
            allowed=NOBODY,
            unsure=frozenset({ADMIN}),
            why=(
                "An administrator sees withheld ideas and reviews everything: whether the page "
                "opens (saying it can't be answered yet) is the review part's choice."
            ),
        )
        for url in ("ideas:review", "ideas:merge")
        for key in WITHHELD_IDEAS
    ),
    # Answering a withheld idea: nobody (test_nobody_answers_a_withheld_idea checks that the
    # administrator's answer changes nothing).
    *(
        Check(
            "ideas:review",
            _idea,
            obj=key,
            allowed=NOBODY,
            method=POST,
            data={"message": "We like it", "status": "accepted"},
            unsure=frozenset({ADMIN}),
            why="The administrator may open the page; the answer is refused on the form.",
        )
        for key in WITHHELD_IDEAS
    ),
    Check("ideas:response_times", allowed=IDEA_STATS),
    # Campaigns: everyone signed in reads them (the audience says who is asked, not who may
    # read); leadership sets them up.
    Check("ideas:campaign_list", shows=("open_campaign", "closed_campaign")),
    Check(
        "ideas:campaign",
        _campaign,
        obj="open_campaign",
        shows=("open_campaign", "idea_a"),
    ),
    Check(
        "ideas:campaign",
        _campaign,
        obj="closed_campaign",
        shows=("closed_campaign", "implemented_idea"),
    ),
    *(
        Check("ideas:campaign_results", _campaign, obj=key, shows=(key,))
        for key in ("open_campaign", "closed_campaign")
    ),
    Check("ideas:campaign_new", allowed=CAMPAIGN_MANAGERS),
    Check(
        "ideas:campaign_new", allowed=CAMPAIGN_MANAGERS, method=POST, data={"title": ""}, ok=FORM
    ),
    *(
        Check("ideas:campaign_edit", _campaign, obj=key, allowed=CAMPAIGN_MANAGERS, shows=(key,))
        for key in ("open_campaign", "closed_campaign")
    ),
    Check(
        "ideas:campaign_edit",
        _campaign,
        obj="open_campaign",
        allowed=CAMPAIGN_MANAGERS,
        method=POST,
        data={"title": ""},
        ok=FORM,
    ),
    # Impact: the idea's reviewers (in scope) and administrators.
    Check(
        "ideas:impact",
        _idea,
        obj="implemented_idea",
        allowed=IDEA_REVIEWERS_A,
        shows=("impact",),
    ),
    Check("ideas:impact", _idea, obj="idea_a", allowed=IDEA_REVIEWERS_A),
    Check(
        "ideas:impact",
        _idea,
        obj="implemented_idea",
        allowed=IDEA_REVIEWERS_A,
        method=POST,
        data={"what_changed": ""},
        ok=FORM,
    ),
    *(
        Check("ideas:impact", _idea, obj=key, allowed=NOBODY, unsure=frozenset({ADMIN}))
        for key in WITHHELD_IDEAS
    ),
    # An idea's discussion, at the thread's own address: whoever may see the idea.
    *(
        Check("discussion:thread", _idea_thread, obj=key, allowed=inside(key))
        for key in ("idea_a", "anon_idea", "held_idea", "hidden_idea")
    ),
    Check(
        "discussion:comment",
        _idea_thread,
        obj="idea_a",
        method=POST,
        data={"body": "Yes please, for the night shift"},
        ok=REDIRECT,
    ),
    *(
        Check(
            "discussion:comment",
            _idea_thread,
            obj=key,
            allowed=NOBODY,
            method=POST,
            data={"body": "Yes please, for the night shift"},
            ok=FORM,
        )
        for key in WITHHELD_IDEAS
    ),
    # Flags and moderation of ideas: flag what you didn't write (an anonymous idea's author
    # is as anonymous to moderators as to everyone).
    *(
        Check("moderation:flag", _item, obj=key, allowed=allowed)
        for key, allowed in (
            ("idea_a", ALL - {NURSE}),
            ("anon_idea", ALL - {SITE_2}),
            ("held_idea", NOBODY),
            ("hidden_idea", NOBODY),
        )
    ),
    *(
        Check("moderation:item", _item, obj=key, allowed=MODERATORS, shows=(key,))
        for key in ("anon_idea", "hidden_idea")
    ),
    # Profiles: an anonymous idea is never credited to its author where others can see.
    Check(
        "organisation:person",
        _person(SITE_2),
        obj="anon_author",
        hides=("anon_idea", "held_idea"),
        hidden_from=EVERYONE - {SITE_2},
        names_people=True,
    ),
    # The author of an implemented idea is credited on their profile.
    Check(
        "organisation:person", _person(NURSE), obj="implemented_idea", shows=("implemented_idea",)
    ),
    # --- Events (issue 6): staff read the events for them; the communications team manages ---
    Check("events:list", shows=("event_a",)),
    Check("events:detail", _event, obj="event_a", allowed=inside("event_a"), shows=("event_a",)),
    Check("events:download", _event, obj="event_a", allowed=inside("event_a"), shows=("event_a",)),
    Check("events:new", allowed=EVENT_MANAGERS),
    Check("events:new", allowed=EVENT_MANAGERS, method=POST, data={"title": ""}, ok=FORM),
    Check("events:edit", _event, obj="event_a", allowed=EVENT_MANAGERS, shows=("event_a",)),
    Check(
        "events:edit",
        _event,
        obj="event_a",
        allowed=EVENT_MANAGERS,
        method=POST,
        data={"title": ""},
        ok=FORM,
    ),
    Check("events:cancel", _event, obj="event_a", allowed=EVENT_MANAGERS, method=POST, ok=REDIRECT),
    # The calendar feed: each person's own secret address, no sign-in (signed out: a made-up
    # token, and the leaver's old one).
    Check("events:calendar_feed", _calendar, obj="event_a", shows=("event_a",)),
    # --- Break-room screens (issue 6): the communications team manages them; a screen's secret
    # address is its own permission (no sign-in) and shows only what may hang on a wall.
    Check("kiosk:screen_list", allowed=SCREEN_MANAGERS),
    Check("kiosk:screen_new", allowed=SCREEN_MANAGERS),
    Check("kiosk:screen_new", allowed=SCREEN_MANAGERS, method=POST, data={"name": ""}, ok=FORM),
    Check("kiosk:screen_new_address", _screen, allowed=SCREEN_MANAGERS),
    Check("kiosk:screen_new_address", _screen, allowed=SCREEN_MANAGERS, method=POST),
    Check("kiosk:screen_switch_off", _screen, allowed=SCREEN_MANAGERS),
    Check("kiosk:screen_switch_off", _screen, allowed=SCREEN_MANAGERS, method=POST, ok=REDIRECT),
    Check("kiosk:screen", _screen_address, allowed=EVERYONE, shows=("public",), reveals=WALL),
    Check("kiosk:screen_slides", _screen_address, allowed=EVERYONE, reveals=WALL),
    Check("kiosk:screen", _screen_address, obj="made_up", allowed=NOBODY),
    Check("kiosk:screen_slides", _screen_address, obj="made_up", allowed=NOBODY),
    # Department A's screen also shows what is for everyone in department A (its wall is in
    # their break room) — and nothing else: no drafts, held, hidden or other audiences' posts.
    *(
        Check(
            url,
            _screen_address,
            obj="dept_a_screen",
            allowed=EVERYONE,
            shows=("target_a",),
            reveals=(*WALL, "target_a"),
        )
        for url in ("kiosk:screen", "kiosk:screen_slides")
    ),
    # A screen switched off: its old address shows nothing any more (410 Gone, for everyone).
    *(
        Check(url, _screen_address, obj="switched_off", allowed=NOBODY, refused=(410,))
        for url in ("kiosk:screen", "kiosk:screen_slides")
    ),
    # --- Chat rooms (issue 6): a channel's editors connect and manage its rooms ---------------
    # "Your chat rooms": everyone may open it; it lists only rooms of channels one still edits,
    # connected by oneself or of a channel one is a named editor of.
    Check("chat:mine", shows=("chat_hook",), shown_to=frozenset({EDITOR_A})),
    Check("chat:hooks", _channel, obj="channel_a", allowed=EDITORS_A, shows=("chat_hook",)),
    Check("chat:hooks", _channel, obj="topic", allowed=TOPIC_EDITORS),
    Check(
        "chat:hooks",
        _channel,
        obj="channel_a",
        allowed=EDITORS_A,
        method=POST,
        data={"name": ""},
        ok=FORM,
    ),
    *(
        Check(url, _hook, obj="channel_a", allowed=EDITORS_A, method=POST, ok=REDIRECT)
        for url in ("chat:hook_test", "chat:hook_pause", "chat:hook_resume", "chat:hook_remove")
    ),
    # A room is reached only through its own channel: the topic channel's editors (who also
    # edit department A's channel here) get a 404, as does everyone else.
    *(
        Check(url, _hook, obj="topic", allowed=NOBODY, method=POST)
        for url in ("chat:hook_test", "chat:hook_pause", "chat:hook_resume", "chat:hook_remove")
    ),
    # --- Background jobs (issue 6): administrators only ------------------------------------------
    Check("jobs:overview", allowed=frozenset({ADMIN})),
    Check("jobs:retry", allowed=frozenset({ADMIN}), method=POST, ok=REDIRECT),
    Check(
        "jobs:retry",
        obj="chat_hook",
        allowed=frozenset({ADMIN}),
        method=POST,
        data=_failed_delivery,
        ok=REDIRECT,
    ),
    # --- Unsubscribing from email (issue 6): no sign-in, the signed link is the permission ---
    Check("mail:unsubscribe", _unsubscribe, obj="nurse", allowed=EVERYONE),
    # RFC 8058's one-click POST (CSRF-exempt: it comes from the mail provider).
    Check(
        "mail:unsubscribe",
        _unsubscribe,
        obj="nurse",
        allowed=EVERYONE,
        method=POST,
        data={"List-Unsubscribe": "One-Click"},
    ),
    Check("mail:unsubscribe", _unsubscribe, obj="made_up", allowed=NOBODY),
    Check(
        "mail:unsubscribe",
        _unsubscribe,
        obj="made_up",
        allowed=NOBODY,
        method=POST,
        data={"List-Unsubscribe": "One-Click"},
    ),
    # --- The installable app (issue 6): public, and nothing personal in any of it -------------
    Check("webapp:manifest", allowed=EVERYONE),
    Check("webapp:service_worker", allowed=EVERYONE),
    Check("webapp:offline", allowed=EVERYONE),
    # --- Notification settings and the header's bell (issue 6): one's own -------------------
    Check("notifications:settings"),
    Check("notifications:settings", method=POST, ok=FORM),
    # Followed as a link: the notifications page (signed out: sign in first).
    Check("notifications:bell", ok=REDIRECT),
    # Asked for by htmx: the bell; signed out, htmx is told to stop asking (286).
    Check(
        "notifications:bell",
        headers={"HX-Request": "true"},
        refused=(286,),
    ),
    # --- Video (issue 7): a post's video is the post's ------------------------------------------
    # The editor's page, and everything that changes a video: the editors of the post's channel
    # who may see the post (never a held post's other editors: its transcript is held words).
    # Those who see the post but don't edit it are told so (403); everyone else gets a 404.
    *(
        Check("media:post_video", _post, obj=key, allowed=VIDEO_EDITORS[key], shows=(key,))
        for key in VIDEOS
    ),
    *(
        Check(url, _video, obj=key, allowed=VIDEO_EDITORS[key], shows=(key,) if shows else ())
        for url, shows in (
            ("media:upload_chunk", False),
            ("media:delete", True),
            ("media:captions_add", False),
            ("media:transcript", True),
        )
        for key in VIDEOS
    ),
    *(
        Check("media:status", _video, obj=key, allowed=VIDEO_EDITORS[key], ok=REDIRECT)
        for key in VIDEOS
    ),
    *(
        Check("media:status", _video, obj=key, allowed=VIDEO_EDITORS[key], headers=HTMX)
        for key in VIDEOS
    ),
    *(
        Check(
            "media:upload_start", _post, obj=key, allowed=VIDEO_EDITORS[key], method=POST, ok=FORM
        )
        for key in ("target_a", "held_post")
    ),
    # A piece of an upload (the script's PUT): the video's size doesn't match, so nothing is
    # stored even for its editors; everyone else doesn't get that far.
    *(
        Check(
            "media:upload_chunk",
            _video,
            obj=key,
            allowed=VIDEO_EDITORS[key],
            method=PUT,
            body=b"abcd",
            headers={"Content-Range": "bytes 0-3/4"},
            ok=FORM,
        )
        for key in ("target_a", "held_post")
    ),
    *(
        Check(url, kwargs, obj=key, allowed=VIDEO_EDITORS[key], method=POST, data=data, ok=ok)
        for url, kwargs, data, ok in (
            ("media:retry", _video, {}, REDIRECT),
            ("media:poster", _video, {}, FORM),
            ("media:delete", _video, {}, REDIRECT),
            ("media:captions_add", _video, {"language": ""}, FORM),
            ("media:captions_remove", _video_caption, {}, REDIRECT),
            ("media:transcript", _video, {"transcript": ""}, FORM),
        )
        for key in ("target_a", "held_post")
    ),
    # Captions are removed only through their own video's address.
    Check(
        "media:captions_remove",
        _video_caption,
        obj="target_a (public's captions)",
        allowed=NOBODY,
        method=POST,
    ),
    # The organisation-wide captions rule: administrators only.
    Check("media:policy", allowed=frozenset({ADMIN})),
    Check(
        "media:policy",
        allowed=frozenset({ADMIN}),
        method=POST,
        data={"captions_required": "on"},
        ok=REDIRECT,
    ),
    # Its files: whoever may see the post, signed in (the MP4s and the captions carry its
    # marker). Playing the file counts the reader in the video's reach.
    *(
        Check(url, kwargs, obj=key, allowed=inside(key), shows=(key,) if shows else ())
        for url, kwargs, shows in (
            ("media:rendition", _rendition, True),
            ("media:poster_file", _video, False),
            ("media:caption_file", _video_caption, True),
        )
        for key in VIDEOS
    ),
    Check("media:rendition", _rendition, obj="target_a (1080p)", allowed=NOBODY),
    Check("media:caption_file", _video_caption, obj="target_a (public's captions)", allowed=NOBODY),
    # A break-room screen plays, by its secret address alone, the videos on its wall: the
    # organisation-wide screen the public post's, department A's screen department A's post's.
    # Nothing else — not another audience's, a draft's or a held post's, and nothing at an
    # address made up or switched off.
    *(
        Check(url, _screen_file(part), obj=obj, allowed=EVERYONE, shows=shows, reveals=reveals)
        for url, part in (
            ("media:screen_rendition", "rendition"),
            ("media:screen_poster", "poster"),
            ("media:screen_caption", "caption"),
        )
        for obj, shows, reveals in (
            ("public", ("public",) if part != "poster" else (), ()),
            (
                "target_a on dept_a_screen",
                ("target_a",) if part != "poster" else (),
                ("target_a",),
            ),
        )
    ),
    *(
        Check(url, _screen_file(part), obj=obj, allowed=NOBODY)
        for url, part in (
            ("media:screen_rendition", "rendition"),
            ("media:screen_poster", "poster"),
            ("media:screen_caption", "caption"),
        )
        for obj in (
            "target_a",
            "draft on dept_a_screen",
            "held_post on dept_a_screen",
            "public on made_up",
            "public on switched_off",
        )
    ),
    # The post and the initiative pages play the video to whoever may see the post (the
    # marker rule: its transcript, captions and files reach nobody else — not the held
    # update on the initiative's page).
    Check(
        "strategy:initiative",
        _initiative,
        obj="target_a",
        shows=("initiative", "target_a"),
        is_list=True,
    ),
    # --- Erasing a person: administrators --------------------------------------------------------
    Check("accounts:erase_person", _nurse, allowed=frozenset({ADMIN})),
    Check("accounts:erase_person", _nurse, allowed=frozenset({ADMIN}), method=POST, ok=FORM),
]


# --- Running a cell ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Any:
    """Built once per module (and per xdist worker), inside a transaction rolled back at the
    end; each test runs in its own savepoint (pytest-django's `db`), so a POST's changes are
    undone before the next cell."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)
    remove_video_files(built)
    cache.clear()  # leave no fragment of this world to the next module's tests


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Cached fragments are keyed by ids and versions that a rolled-back POST may reuse.
    cache.clear()


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def response_text(response: HttpResponseBase) -> str:
    """Everything the response would send: a page, a feed, a CSV or every file of a ZIP."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]  # streaming
    else:
        raw = response.content  # type: ignore[attr-defined]  # not streaming
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return raw.decode("utf-8", "replace")


def is_sign_in_redirect(response: HttpResponseBase) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(reverse("accounts:login"))


def forbidden_markers(role: str, check: Check | None = None) -> dict[str, str]:
    """The markers of everything `role` may not see: none may appear in any response (and,
    for a check, what it hides from the role, less what it reveals to it or the names it
    lists)."""
    forbidden = {key: marker for key, marker in MARKERS.items() if role not in SEES[key]}
    if check is None:
        return forbidden
    if role in check.hidden_from:
        forbidden.update((key, MARKERS[key]) for key in check.hides)
    if role in check.allowed:
        for key in check.reveals:
            forbidden.pop(key, None)
    if check.names_people:
        for key in NAMES:
            forbidden.pop(key, None)
    return forbidden


def request(world: World, check: Check, role: str) -> tuple[HttpResponseBase, str]:
    restore_video_files(world)
    query = check.query(world) if callable(check.query) else check.query
    url = reverse(check.url, kwargs=check.kwargs(world, check.obj, role)) + query
    client = client_for(world, role)
    if check.method == PUT:
        return client.generic(PUT, url, check.body, headers=check.headers), url
    if check.method != POST:
        return client.get(url, headers=check.headers), url
    data = check.data(world, check.obj) if callable(check.data) else check.data
    return client.post(url, data, headers=check.headers), url


def _cases() -> list[Any]:
    return [
        pytest.param(check, role, id=f"{check.label} as {role}")
        for check in CHECKS
        for role in ROLES
    ]


@pytest.mark.parametrize(("check", "role"), _cases())
def test_access(world: World, db: None, check: Check, role: str) -> None:
    response, url = request(world, check, role)
    status = response.status_code
    where = f"{check.method} {url} ({check.label}) as {role}"
    assert status < 500, f"{where}: {status}"
    if role not in check.unsure:
        if role in check.allowed:
            got = f"{status} {response.get('Location', '')}"
            assert status in check.ok, f"{where} should be allowed ({check.ok}), got {got}"
            assert check.to_sign_in or not is_sign_in_redirect(response), (
                f"{where} should be allowed, but was sent to sign in"
            )
        elif role in SIGNED_OUT:
            assert status in (403, 404, *check.refused) or is_sign_in_redirect(response), (
                f"{where} should send a signed-out person to sign in (or 403/404), got {status}"
            )
        else:
            assert status in (403, 404, *check.refused), (
                f"{where} should be refused (403/404), got {status}"
            )
    text = response_text(response)
    forbidden = forbidden_markers(role, check)
    leaked = sorted(key for key, marker in forbidden.items() if marker in text)
    assert not leaked, f"{where}: the response shows {leaked}, which {role} may not see"
    if role in check.allowed and role not in check.unsure and status == 200:
        finds = LISTED if check.is_list else SEES
        missing = sorted(
            key
            for key in check.shows
            if (role in finds.get(key, NOBODY) or key in check.reveals)
            and role in check.shown_to
            and MARKERS[key] not in text
        )
        assert not missing, f"{where}: {missing} should be in the response (control)"


# --- Withheld ideas take no votes or follows, even from those who see them --------------------


@pytest.mark.parametrize(
    ("key", "role"),
    [(key, role) for key in ("held_idea", "hidden_idea") for role in sorted(SEES[key] & ALL)],
)
@pytest.mark.parametrize("action", ["vote", "follow"])
def test_no_vote_or_follow_lands_on_a_withheld_idea(
    world: World, db: None, key: str, role: str, action: str
) -> None:
    from staffroom.ideas.models import Follow, Idea, Vote

    idea = world.ideas[key]
    before = (Vote.objects.count(), Follow.objects.count())
    response = client_for(world, role).post(
        reverse(f"ideas:{action}", kwargs={"pk": idea.pk}), {"action": action}
    )
    assert response.status_code in (302, 400, 403, 404, 409), response.status_code
    assert (Vote.objects.count(), Follow.objects.count()) == before
    assert Idea.objects.get(pk=idea.pk).vote_count == 0


@pytest.mark.parametrize("key", ["held_idea", "hidden_idea"])
def test_nobody_answers_a_withheld_idea(world: World, db: None, key: str) -> None:
    from staffroom.ideas.models import Idea, Response

    idea = world.ideas[key]
    before = Response.objects.count()
    response = client_for(world, ADMIN).post(
        reverse("ideas:review", kwargs={"pk": idea.pk}),
        {"message": "We like it", "status": "accepted"},
    )
    assert response.status_code in (200, 400, 403, 404, 409), response.status_code
    assert Response.objects.count() == before
    assert Idea.objects.get(pk=idea.pk).status == idea.status


def test_the_audit_trail_names_no_anonymous_author(world: World, db: None) -> None:
    # Ids only would still tie the author to the idea: what the anonymous author did (propose,
    # be held) is recorded with no actor. Signing in is theirs.
    from staffroom.audit.models import AuditAction, AuditEntry

    author = world.people[SITE_2]
    entries = AuditEntry.objects.filter(actor=author).exclude(action=AuditAction.SIGNED_IN)
    assert not list(entries.values_list("action", "target_type", "target_id"))
    assert AuditEntry.objects.filter(actor=author, action=AuditAction.SIGNED_IN).exists()


# --- The table covers the URLconf --------------------------------------------------------------


def test_every_url_is_in_the_access_table() -> None:
    listed = {check.url for check in CHECKS}
    routes = [r for r in all_routes() if not is_admin(r)]
    unknown = sorted({r.name or r.pattern for r in routes} - listed)
    assert not unknown, (
        f"URL(s) {unknown} are not in CHECKS in staffroom/core/tests/test_access_matrix.py. "
        "Add a row for each: who may use it, about which object (a draft, a held item, a "
        "targeted post…), and add the object to access_fixtures.py if it is a new kind."
    )
    stale = sorted(listed - {r.name for r in routes})
    assert not stale, f"CHECKS lists {stale}, which the URLconf no longer has: remove them."


def test_the_table_names_only_known_roles_and_objects() -> None:
    for check in CHECKS:
        assert check.allowed <= EVERYONE, check.label
        assert check.unsure <= EVERYONE, check.label
        assert check.hidden_from <= EVERYONE, check.label
        assert set(check.shows) <= set(SEES), check.label
        assert set(check.hides) | set(check.reveals) <= set(SEES), check.label
    labels = [check.label for check in CHECKS]
    assert len(labels) == len(set(labels)), "two rows of CHECKS have the same name"
    assert set(SEES) == set(MARKERS)
    markers = list(MARKERS.values())
    # No marker inside another, or a leak of one would hide behind the other.
    assert not [a for a in markers for b in markers if a != b and a in b]


# --- The Django admin ----------------------------------------------------------------------------


def _admin_world(world: World) -> SimpleNamespace:
    objects = {}
    for model in admin.site._registry:
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            objects[f"{model._meta.app_label}_{model._meta.model_name}"] = instance
    return SimpleNamespace(admin_objects=objects, post=world.posts["public"])


# The Django admin asks only is_staff: one of each kind of person who isn't staff is enough
# (signed out, a leaver, an ordinary nurse, and holders of organisation-wide roles).
@pytest.mark.parametrize("role", [ANONYMOUS, INACTIVE, NURSE, COMMS, MODERATOR, PRIVACY])
def test_only_the_administrator_gets_into_the_django_admin(
    world: World, db: None, role: str
) -> None:
    shim = _admin_world(world)
    client = client_for(world, role)
    sign_in = reverse("admin:login")
    problems = []
    checked = 0
    for route in all_routes():
        if not is_admin(route) or route.name in {"admin:login", "admin:logout"}:
            continue
        url = url_for(route, shim)  # type: ignore[arg-type]  # duck-typed World
        if url is None:
            continue
        response = client.get(url)
        checked += 1
        location = response.get("Location", "")
        turned_away = response.status_code in (403, 404) or (
            response.status_code == 302 and location.startswith(sign_in)
        )
        if not turned_away:
            problems.append(f"GET {url} as {role}: {response.status_code} {location}")
        text = response_text(response)
        leaked = [k for k, m in forbidden_markers(role).items() if m in text]
        if leaked:
            problems.append(f"GET {url} as {role} shows {leaked}")
    assert checked > 50
    assert not problems, "\n".join(problems)


def test_the_administrator_gets_into_the_django_admin(world: World, db: None) -> None:
    # The control for the test above.
    response = client_for(world, ADMIN).get(reverse("admin:index"))
    assert response.status_code == 200
