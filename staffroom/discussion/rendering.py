"""The comment list, rendered once and shown to everyone with their own parts filled in.

Rendering 300 comments costs far more than reading them (about 150 ms on SQLite against a
few for the two queries), so the list is rendered without a viewer and cached under
(thread, thread version, page, language, time zone, whether new comments and reactions are
possible). Every change that alters the list bumps Thread.version, so a cached list is never
stale; old versions simply expire.

The parts that differ per viewer are markers in the cached HTML:

    <§{marker}:csrf§>            the CSRF field of each form
    <§{marker}:key§>             the submission key of the reply forms (one per page view;
                                 each reply is told apart by its parent, see
                                 queries.reply_submission_key)
    <§{marker}:p:{id}:{kind}§>   a reaction button's class and aria-pressed
    <§{marker}:a:{id}:{author}§> the edit / remove buttons: the author's, or a moderator's;
                                 and the safety links (moderation.links): Flag for anyone
                                 but the author, Moderate for moderators, Mark as patient
                                 information for privacy officers

`marker` is random for each rendering, so text people write (which can't be known in
advance) can never be taken for one. `personalise()` replaces them all in one pass.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from staffroom.discussion.models import Comment, Thread
from staffroom.discussion.queries import FROM_THREAD, SubjectAuthor
from staffroom.moderation import links
from staffroom.moderation.links import SafetyRoles, safety_roles

CACHE_SECONDS = 60 * 60 * 24
LIST_TEMPLATE = "discussion/thread.html#comments-page"


@dataclass(frozen=True)
class RenderedList:
    html: str
    marker: str
    next_cursor: str | None


def _cache_key(
    thread: Thread,
    *,
    cursor: str | None,
    limit: int,
    commenting: bool,
    reactions: bool,
    subject_author_id: int | None,
) -> str:
    return ":".join(
        [
            "discussion:list",
            str(thread.pk),
            str(thread.version),
            # Whose anonymous comments are "the idea's author" (queries.anonymous_author_id):
            # fixed for a thread, but a list labelled for one author is never served for
            # another. The key stays on the server; the page names nobody.
            "-" if subject_author_id is None else str(subject_author_id),
            cursor or "-",
            str(limit),
            "c" if commenting else "-",
            "r" if reactions else "-",
            translation.get_language() or "-",
            timezone.get_current_timezone_name(),
        ]
    )


def new_marker() -> str:
    return secrets.token_hex(8)


def comment_list(
    *,
    thread: Thread,
    cursor: str | None,
    limit: int,
    commenting: bool,
    reactions_enabled: bool,
    subject_author_id: int | SubjectAuthor | None = FROM_THREAD,
) -> RenderedList:
    """The page of comments as HTML with markers: from the cache, or read and rendered.

    `subject_author_id`: queries.anonymous_author_id() of the thread's subject, which the
    subject's page knows (read from the thread, one query at most, when not given)."""
    from staffroom.discussion.queries import (
        comment_page,
        more_comments_url,
        thread_anonymous_author_id,
    )

    if isinstance(subject_author_id, SubjectAuthor):
        subject_author_id = thread_anonymous_author_id(thread)
    key = _cache_key(
        thread,
        cursor=cursor,
        limit=limit,
        commenting=commenting,
        reactions=reactions_enabled,
        subject_author_id=subject_author_id,
    )
    cached = cache.get(key)
    if isinstance(cached, RenderedList):
        return cached
    page = comment_page(
        thread=thread,
        cursor=cursor,
        limit=limit,
        commenting=commenting,
        reactions_enabled=reactions_enabled,
        subject_author_id=subject_author_id,
    )
    marker = new_marker()
    html = render_to_string(
        LIST_TEMPLATE,
        {
            "comments": page.comments,
            "more_url": more_comments_url(thread, page.next_cursor),
            "marker": marker,
            "discussion": {"mention_url": reverse("discussion:mention_suggestions")},
        },
    )
    rendered = RenderedList(html=html, marker=marker, next_cursor=page.next_cursor)
    cache.set(key, rendered, CACHE_SECONDS)
    return rendered


def render_comment(comment: Comment, *, template: str = "discussion/comment.html") -> RenderedList:
    """One comment (already decorated by queries.decorate_comment) with markers, uncached:
    for the htmx answers that add or change a single comment."""
    marker = new_marker()
    html = render_to_string(
        template,
        {
            "comment": comment,
            "marker": marker,
            "discussion": {"mention_url": reverse("discussion:mention_suggestions")},
        },
    )
    return RenderedList(html=html, marker=marker, next_cursor=None)


class _Actions:
    """The edit and remove buttons, built once per page and copied for each comment."""

    def __init__(self, csrf_field: str, safety: SafetyRoles | None = None) -> None:
        self.safety = safety or SafetyRoles()
        self.flag_url = links.flag_url("comment", 1)
        self.moderate_url = links.moderate_url("comment", 1)
        self.mark_phi_url = links.mark_phi_url("comment", 1) if self.safety.privacy_officer else ""
        self.flag_text = _("Flag")
        self.moderate_text = _("Moderate")
        self.mark_phi_text = _("Mark as patient information")
        self.edit_url = reverse("discussion:comment_edit", kwargs={"comment_id": 1})
        self.delete_url = reverse("discussion:comment_delete", kwargs={"comment_id": 1})
        self.csrf_field = csrf_field
        self.edit_text = _("Edit")
        self.edit_hidden = _("your comment")
        self.remove_text = _("Remove")
        self.remove_hidden = _("this comment")
        self.confirm = _("Remove this comment? Replies to it stay.")

    @staticmethod
    def _url(url: str, comment_id: str) -> str:
        return url.replace("/1/", f"/{comment_id}/", 1)

    def _link(self, url: str, comment_id: str, text: str) -> str:
        return str(
            format_html(
                '<a class="button button--quiet" href="{}">{}'
                '<span class="visually-hidden"> {}</span></a>',
                self._url(url, comment_id),
                text,
                self.remove_hidden,
            )
        )

    def safety_html(self, comment_id: str, *, own: bool) -> str:
        parts = []
        if not own:
            parts.append(self._link(self.flag_url, comment_id, self.flag_text))
        if self.safety.moderator:
            parts.append(self._link(self.moderate_url, comment_id, self.moderate_text))
        if self.mark_phi_url:
            parts.append(self._link(self.mark_phi_url, comment_id, self.mark_phi_text))
        if not parts:
            return ""
        # One group, so the links wrap together on a phone.
        return '<span class="safety-links">' + "".join(parts) + "</span>"

    def html(self, comment_id: str, *, edit: bool, remove: bool) -> str:
        parts = []
        if edit:
            parts.append(
                format_html(
                    '<a class="button button--quiet" href="{}">{}'
                    '<span class="visually-hidden"> {}</span></a>',
                    self._url(self.edit_url, comment_id),
                    self.edit_text,
                    self.edit_hidden,
                )
            )
        if remove:
            url = self._url(self.delete_url, comment_id)
            parts.append(
                format_html(
                    '<form method="post" action="{}" class="inline-form" hx-post="{}"'
                    ' hx-target="#comment-{}-article" hx-swap="outerHTML" hx-confirm="{}">'
                    "{}"
                    '<button type="submit" class="button button--quiet"'
                    ' aria-describedby="comment-{}-meta">{}'
                    '<span class="visually-hidden"> {}</span></button></form>',
                    url,
                    url,
                    comment_id,
                    self.confirm,
                    mark_safe(self.csrf_field),  # noqa: S308  # built by format_html below
                    comment_id,
                    self.remove_text,
                    self.remove_hidden,
                )
            )
        return "".join(parts)


_PRESSED = 'class="reaction reaction--pressed" aria-pressed="true"'
_NOT_PRESSED = 'class="reaction" aria-pressed="false"'


# Stands for a comment's id while a viewer's action buttons are built once per page: the
# built HTML is split on it, and each comment's copy is the parts joined by its id. A NUL
# character can't come from a URL or a translation, so it never splits anything else.
_ID = "\x00"


def _split_on_id(html: str) -> list[str]:
    return html.split(_ID)


def personalise(
    rendered: RenderedList,
    *,
    csrf_token: str,
    viewer_id: int,
    mine: dict[int | None, str],
    moderator: bool,
    page_key: uuid.UUID | None = None,
    safety: SafetyRoles | None = None,
) -> SafeString:
    """The rendered list as `viewer_id` sees it (a few regular-expression passes).

    The buttons of one comment differ from another's only by the comment's id, so they are
    built once per viewer (theirs, and everyone else's) and copied with each id: a page of
    300 comments costs a string join per marker, not a template or format_html call.

    `safety`: the viewer's moderation roles; read (one query) when not given and the list
    has comments."""
    csrf_field = str(
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    )
    key = str(page_key or uuid.uuid4())
    marker = rendered.marker
    # The same text for every form on the page: plain replacements.
    html = rendered.html.replace(f"<§{marker}:csrf§>", csrf_field).replace(f"<§{marker}:key§>", key)
    if safety is None and f"<§{marker}:a:" in html:
        safety = safety_roles(viewer_id)
    actions = _Actions(csrf_field, safety)
    own_parts = _split_on_id(
        actions.html(_ID, edit=True, remove=True) + actions.safety_html(_ID, own=True)
    )
    others_parts = _split_on_id(
        actions.html(_ID, edit=False, remove=moderator) + actions.safety_html(_ID, own=False)
    )
    viewer = str(viewer_id)
    # The viewer's own reactions (a few) are replaced one by one; every other reaction
    # button is "not pressed", written by the regular-expression engine without a callback.
    for comment_id, kind in mine.items():
        if comment_id:
            html = html.replace(f"<§{marker}:p:{comment_id}:{kind}§>", _PRESSED)
    html = re.sub("<§" + re.escape(marker) + r":p:[^§<>]*§>", _NOT_PRESSED, html)
    pattern = re.compile("<§" + re.escape(marker) + r":a:(\d+):([^§<>]*)§>")

    def fill(match: re.Match[str]) -> str:
        comment_id, author_id = match.group(1), match.group(2)
        return comment_id.join(own_parts if author_id == viewer else others_parts)

    html = pattern.sub(fill, html)
    # Any marker left (none is written but these) is dropped rather than shown.
    html = re.sub("<§" + re.escape(marker) + r":[^§<>]*§>", "", html)
    return mark_safe(html)  # noqa: S308  # our own rendered template


@dataclass(frozen=True)
class PersonalList:
    """A rendered list and whose it is; the template filter `for_viewer` fills it in."""

    rendered: RenderedList
    viewer_id: int
    mine: dict[int | None, str]
    moderator: bool

    def as_html(self, csrf_token: Any) -> SafeString:
        return personalise(
            self.rendered,
            csrf_token=str(csrf_token),
            viewer_id=self.viewer_id,
            mine=self.mine,
            moderator=self.moderator,
        )
