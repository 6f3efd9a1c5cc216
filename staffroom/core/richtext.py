"""Markdown that staff write, turned into HTML that is safe to show to everyone.

Two layers, so that a mistake in one is caught by the other:

1. markdown-it-py parses CommonMark (plus tables and strikethrough) with raw HTML switched
   off, so ``<script>`` in a post is shown as text. Rules added here rewrite the token stream:
   links are checked against our own scheme policy and marked internal or external, Markdown
   images become plain links (post images are uploaded separately with alt text, so a body
   can't pull in pictures from other sites), ``# Heading`` becomes ``<h2>`` (the page title is
   the only ``<h1>``) and ``@username`` becomes a mention.
2. nh3 (the Rust ``ammonia`` sanitiser) cleans the result against a strict allow-list of tags,
   attributes, classes and URL schemes.

Rendering happens when text is saved, not when a page is shown: the HTML is stored beside the
Markdown. The " (external link)" hint for screen readers is therefore in the language active
when the text was saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.http.request import validate_host
from django.utils.html import escape
from django.utils.translation import gettext
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = ["RenderedText", "find_mentions", "render_markdown"]


@dataclass(frozen=True)
class RenderedText:
    """The result of rendering: HTML safe to ``mark_safe``, and what the text refers to."""

    html: str
    # Lower-cased usernames written as @username outside code and link text, known or not.
    mentions: frozenset[str] = field(default_factory=frozenset)
    # Paths of links to this Staffroom instance, in order of first appearance.
    internal_paths: tuple[str, ...] = ()


SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
EXTERNAL_REL = "noopener noreferrer nofollow external"

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "del", "a", "ul", "ol", "li", "blockquote", "code", "pre",
        "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "class", "rel"},
    "ol": {"start"},
    "th": {"class"},
    "td": {"class"},
    "code": {"class"},
    "span": {"class"},
}
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"mention", "external"}),
    "span": frozenset({"visually-hidden"}),
    "th": frozenset({"align-left", "align-center", "align-right"}),
    "td": frozenset({"align-left", "align-center", "align-right"}),
}
LANGUAGE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
TEXT_ALIGN_RE = re.compile(r"text-align:(left|center|right)")

# A mention is "@" then letters, digits, "_", "." or "-", not straight after a letter or digit
# (so e-mail addresses don't count). Trailing dots and hyphens are punctuation, not the name.
MENTION_RE = re.compile(r"(?<![\w@])@([\w][\w.-]*)")
MAX_USERNAME_LENGTH = 150

HEADING_TAGS = {"h1": "h2", "h5": "h4", "h6": "h4"}


# --- Link policy ------------------------------------------------------------------------------


def _safe_href(url: str) -> str | None:
    """The URL if a browser can follow it safely from a post, else None.

    ``url`` has been through markdown-it's normalisation: entities decoded, then anything
    outside printable ASCII percent-encoded — so obfuscations like ``jav&#x09;ascript:``
    arrive as ``jav%09ascript:``, which has no valid scheme and is refused below.
    """
    url = url.strip()
    if not url or any(ord(char) <= 0x20 or ord(char) == 0x7F or char == "\\" for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    scheme = parts.scheme.lower()
    if scheme:
        safe = scheme in SAFE_SCHEMES and (scheme not in {"http", "https"} or bool(parts.hostname))
    else:
        # Relative. "//host" (or "/\\host") is another site in disguise; a colon before the
        # first "/" could be read as a scheme by a lenient parser.
        first_segment = re.split(r"[/?#]", url, maxsplit=1)[0]
        safe = not url.startswith("//") and url[:4].lower() != "/%5c" and ":" not in first_segment
    return url if safe else None


def _internal_hosts() -> list[str]:
    hosts = [host for host in settings.ALLOWED_HOSTS if host != "*"]
    site_host = urlsplit(settings.SITE_URL).hostname
    if site_host:
        hosts.append(site_host)
    return hosts


@dataclass
class _LinkTarget:
    href: str
    internal_path: str | None  # set for links to a page of this instance
    external: bool


def _plain_path(path: str) -> bool:
    """A decoded path worth recording: no backslashes or control characters."""
    return path.startswith("/") and not any(
        char == "\\" or ord(char) < 0x20 or ord(char) == 0x7F for char in path
    )


def _classify(href: str, internal_hosts: Sequence[str]) -> _LinkTarget:
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if not scheme:
        path = unquote(parts.path) if href.startswith("/") else None
        return _LinkTarget(href, internal_path=path, external=False)
    if scheme in {"http", "https"}:
        hostname = parts.hostname or ""
        host = f"[{hostname}]" if ":" in hostname else hostname
        if validate_host(host, internal_hosts):
            return _LinkTarget(href, internal_path=unquote(parts.path) or "/", external=False)
        return _LinkTarget(href, internal_path=None, external=True)
    return _LinkTarget(href, internal_path=None, external=False)  # mailto:, tel:


# --- Token rewriting --------------------------------------------------------------------------


def _image_to_link(image: Token) -> list[Token]:
    """``![alt](src)`` becomes a link to ``src`` whose text is the alt text."""
    alt = "".join(child.content for child in image.children or () if child.type == "text")
    link_open = Token("link_open", "a", 1)
    link_open.attrs = {"href": str(image.attrs.get("src", ""))}
    if image.attrs.get("title"):
        link_open.attrs["title"] = str(image.attrs["title"])
    text = Token("text", "", 0)
    text.content = alt or str(image.attrs.get("src", ""))
    return [link_open, text, Token("link_close", "a", -1)]


def _split_mentions(token: Token, found: set[str]) -> list[Token] | None:
    """Split a text token around @mentions; None when it has none."""
    content = token.content
    if "@" not in content:
        return None
    pieces: list[Token] = []
    position = 0
    for match in MENTION_RE.finditer(content):
        name = match.group(1).rstrip(".-")
        end = match.start() + 1 + len(name)
        if not name or len(name) > MAX_USERNAME_LENGTH:
            continue
        if match.end() < len(content) and content[match.end()] == "@":
            continue  # "@someone@example.org" is an address, not a mention
        if match.start() > position:
            pieces.append(_text_token(content[position : match.start()]))
        mention = Token("mention", "", 0)
        mention.content = content[match.start() : end]
        mention.meta = {"username": name.lower()}
        pieces.append(mention)
        found.add(name.lower())
        position = end
    if not pieces:
        return None
    if position < len(content):
        pieces.append(_text_token(content[position:]))
    return pieces


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _rewrite_inline(children: list[Token], env: MutableMapping[str, Any]) -> list[Token]:
    found: set[str] = env["mentions"]
    internal_paths: dict[str, None] = env["internal_paths"]
    hosts: Sequence[str] = env["internal_hosts"]
    result: list[Token] = []
    open_links: list[Token] = []
    expanded: list[Token] = []
    for token in children:
        expanded.extend(_image_to_link(token) if token.type == "image" else [token])
    for token in expanded:
        if token.type == "link_open":
            href = _safe_href(str(token.attrs.get("href", "")))
            if href is None:
                token.meta = {"dropped": True}
            else:
                target = _classify(href, hosts)
                title = token.attrs.get("title")
                token.attrs = {"href": href}
                if title:
                    token.attrs["title"] = title
                if target.external:
                    token.attrs["class"] = "external"
                    token.attrs["rel"] = EXTERNAL_REL
                if target.internal_path is not None and _plain_path(target.internal_path):
                    internal_paths.setdefault(target.internal_path, None)
                token.meta = {"external": target.external}
            open_links.append(token)
        elif token.type == "link_close":
            opener = open_links.pop() if open_links else None
            token.meta = dict(opener.meta) if opener is not None else {}
        elif token.type in {"s_open", "s_close"}:
            token.tag = "del"
        elif token.type == "text" and not open_links:
            pieces = _split_mentions(token, found)
            if pieces is not None:
                result.extend(pieces)
                continue
        result.append(token)
    return result


def _staffroom_rules(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = HEADING_TAGS.get(token.tag, token.tag)
        elif token.type in {"th_open", "td_open"}:
            style = str(token.attrs.pop("style", ""))
            align = TEXT_ALIGN_RE.fullmatch(style)
            if align:
                token.attrs["class"] = f"align-{align.group(1)}"
        elif token.type == "inline" and token.children:
            token.children = _rewrite_inline(token.children, state.env)


# --- Rendering ---------------------------------------------------------------------------------


def _render_link_open(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    if tokens[idx].meta.get("dropped"):
        return ""
    result: str = renderer.renderToken(tokens, idx, options, env)
    return result


def _render_link_close(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    meta = tokens[idx].meta
    if meta.get("dropped"):
        return ""
    if meta.get("external"):
        hint = escape(gettext("(external link)"))
        return f'<span class="visually-hidden"> {hint}</span></a>'
    return "</a>"


def _render_mention(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    token = tokens[idx]
    people: Mapping[str, tuple[str, str]] = env.get("people") or {}
    person = people.get(token.meta["username"])
    if person is None:
        return str(escape(token.content))
    display_name, profile_url = person
    return f'<a class="mention" href="{escape(profile_url)}">@{escape(display_name)}</a>'


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    md.enable(["table", "strikethrough"])
    # Before text_join, so an escaped "\@name" (a separate token) is not a mention.
    md.core.ruler.before("text_join", "staffroom", _staffroom_rules)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("mention", _render_mention)
    return md


# Built once: building the parser costs far more than a typical render.
_MARKDOWN = _build_parser()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        if tag == "code":
            return value if LANGUAGE_CLASS_RE.fullmatch(value) else None
        allowed = ALLOWED_CLASSES.get(tag, frozenset())
        kept = [name for name in value.split() if name in allowed]
        return " ".join(kept) or None
    if attribute == "rel":
        return EXTERNAL_REL if value == EXTERNAL_REL else None
    if attribute == "start":
        return value if value.isdigit() and len(value) <= 9 else None
    return value


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def _parse(text: str, env: dict[str, Any]) -> list[Token]:
    return _MARKDOWN.parse(text, env)


def _new_env(people: Mapping[str, tuple[str, str]] | None) -> dict[str, Any]:
    return {
        "people": people or {},
        "mentions": set(),
        "internal_paths": {},
        "internal_hosts": _internal_hosts(),
    }


def find_mentions(text: str) -> frozenset[str]:
    """Lower-cased usernames written as ``@username`` outside code and link text.

    Call this first to learn whom to look up, then pass those people to ``render_markdown``.
    """
    if "@" not in text:
        return frozenset()
    env = _new_env(None)
    _parse(text, env)
    return frozenset(env["mentions"])


def render_markdown(
    text: str, *, people: Mapping[str, tuple[str, str]] | None = None
) -> RenderedText:
    """Render Markdown to sanitised HTML.

    ``people`` maps lower-cased username to (display name, profile URL) for mentioned people
    who exist; they become links, any other ``@name`` stays plain text.
    """
    if not text.strip():
        return RenderedText(html="")
    env = _new_env(people)
    tokens = _parse(text, env)
    html = _sanitise(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env))
    return RenderedText(
        html=html.strip(),
        mentions=frozenset(env["mentions"]),
        internal_paths=tuple(env["internal_paths"]),
    )
