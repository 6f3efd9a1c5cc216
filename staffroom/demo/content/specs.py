"""The shapes of the demo's written content: posts, scripted comments, initiatives.

People are named by *role* in the content, not by name, because generated names depend on
the seed: "ceo", "cno" and the demo logins ("nurse", "evs", "editor"…) are fixed people;
"director" is the director of the post's department; "staff" is someone from the post's
audience, "colleague" someone from the post's own department.

In bodies, `{cno}` (or any role) becomes that person's username, for @mentions;
`{cno_name}` their full name, `{cno_first}` their first name; `{post:<key>}` the address of
another demo post.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from staffroom.demo.content.images import Illustration


@dataclass(frozen=True)
class Audience:
    """Who a post is for, by codes: empty lists don't narrow (see channels.audience)."""

    sites: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    job_families: tuple[str, ...] = ()


@dataclass(frozen=True)
class Said:
    """A scripted comment, with its replies (at most two levels, as threads show them)."""

    by: str
    body: str
    replies: tuple[Said, ...] = ()
    days_after: float = 0.3  # after the post (top level) or the comment it answers
    edited_from: str = ""  # an earlier wording: the comment was edited
    removed: bool = False  # soft-deleted by its author; replies stay


@dataclass(frozen=True)
class PostText:
    key: str  # the post's natural key, stable across versions of the demo
    channel: str  # "lets-talk", a department code, or a topic channel's slug
    by: str
    title: str
    summary: str
    body: str
    # Days before the build that it was published; negative: scheduled for the future.
    days_ago: float
    status: str = "published"
    pinned: bool = False
    public: bool = False
    tags: tuple[str, ...] = ()
    images: tuple[Illustration, ...] = ()
    audience: Audience = field(default_factory=Audience)
    initiative: str = ""  # an initiative's slug: the post is one of its progress updates
    said: tuple[Said, ...] = ()
    # Roughly how many comments to have in all, scripted ones included.
    talk: int = 6
    # Share of the audience that has read it (the demo nurse follows her own rule).
    reach: float = 0.5


@dataclass(frozen=True)
class InitiativeText:
    slug: str
    pillar: int  # index into PILLARS
    owner: str
    title: str
    summary: str
    goal: str
    body: str
    status: str
    target: str  # ISO date
    # How staff answer: mean understanding and support (1 to 5), and the share who answer.
    understanding: float
    support: float
    answered: float
    said: tuple[Said, ...] = ()
    talk: int = 6
