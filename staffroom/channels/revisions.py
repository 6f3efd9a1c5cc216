"""Comparing two versions of a post's words, for editors.

The comparison is by words (whitespace kept), so a changed word in a long paragraph shows as
that word, not as the whole paragraph. Every piece of text is escaped before it is wrapped
in <ins>/<del>: what editors typed can never become markup here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from staffroom.channels.models import Post, PostRevision

_TOKENS = re.compile(r"\s+|[^\s]+")
CURRENT = "current"


@dataclass(frozen=True)
class Version:
    """One version of a post's words: a stored revision, or the words as they are now."""

    key: str  # a revision number, or "current"
    label: str
    title: str
    summary: str
    body: str
    replaced_at: datetime | None
    replaced_by: str


@dataclass(frozen=True)
class Comparison:
    old: Version
    new: Version
    title: SafeString
    summary: SafeString
    body: SafeString
    changed: bool


def diff_words(old: str, new: str) -> SafeString:
    """`new` as HTML, with words removed since `old` in <del> and added ones in <ins>."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308  # every piece above is escaped


def versions_of(post: Post) -> list[Version]:
    """The current words first, then every stored revision, newest first."""
    current = Version(
        key=CURRENT,
        label=_("Current version"),
        title=post.title,
        summary=post.summary,
        body=post.body,
        replaced_at=None,
        replaced_by="",
    )
    revisions = PostRevision.objects.filter(post=post).select_related("editor").order_by("-number")
    return [current] + [
        Version(
            key=str(r.number),
            label=_("Version %(number)d") % {"number": r.number},
            title=r.title,
            summary=r.summary,
            body=r.body,
            replaced_at=r.created_at,
            replaced_by=r.editor.display_name if r.editor else "",
        )
        for r in revisions
    ]


def compare(versions: list[Version], old_key: str | None, new_key: str | None) -> Comparison | None:
    """Compare two of `versions` by key; None when there is nothing to compare.

    Unknown keys fall back to the newest revision (old) and the current words (new), so a
    hand-edited address still shows something sensible.
    """
    if len(versions) < 2:
        return None
    by_key = {v.key: v for v in versions}
    old = by_key.get(old_key or "", versions[1])
    new = by_key.get(new_key or "", versions[0])
    if _order(versions, old) < _order(versions, new):
        old, new = new, old  # always read from older to newer
    return Comparison(
        old=old,
        new=new,
        title=diff_words(old.title, new.title),
        summary=diff_words(old.summary, new.summary),
        body=diff_words(old.body, new.body),
        changed=(old.title, old.summary, old.body) != (new.title, new.summary, new.body),
    )


def _order(versions: list[Version], version: Version) -> int:
    return versions.index(version)
