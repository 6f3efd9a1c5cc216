"""Stored XSS: hundreds of known payloads go in through every text field of posts, comments
and channels — and of the safety layer (flag notes, moderators' notes and reasons, notes to
and from privacy officers, exposure report reasons) — and none runs anywhere they are shown
(issue 4, security baseline).

The payloads (tests/browser/xss_payloads.py) are stored through the services, as the forms
would store them, then every page that shows them is opened in headless Chromium with the
Content-Security-Policy switched off — both the header (setting) and in the browser
(`bypass_csp`) — so the policy can't hide a sanitiser bug. A payload counts as having run if:

- it called `alert`, `confirm`, `prompt` or `print` (replaced by a recorder before any page
  script runs), or
- the page holds what could run: a `<script>` that isn't ours, an `on…` or `hx-on` attribute,
  a `javascript:`/`vbscript:`/`data:` URL where a URL goes, a frame, object, embed, base or
  meta refresh, a style attribute with `expression(` or `url(`; or
- a payload signed the reader out (a sign-out request fired by an injected htmx attribute).

Atom entries are also rendered as a feed reader would (their HTML put into a blank page).
"""

from __future__ import annotations

import math
import time
from html import escape
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from staffroom.accounts.models import Person
from staffroom.channels import syndication
from staffroom.channels.models import Channel, Post
from staffroom.channels.services.channels import create_topic_channel
from staffroom.channels.services.posts import TAG_MAX_LENGTH, create_post
from staffroom.channels.services.sharing import make_post_public, regenerate_feed_token
from staffroom.discussion.services import post_comment
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import SIGN_IN_URL, sign_in
from tests.browser.xss_payloads import payloads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = payloads()
PER_ITEM = 12  # payloads stored in each post, comment and channel
MARKER = "xsscorpus"  # a word in every post, so one search finds them all

RECORDER = """
(() => {
  const record = (how) => function (...args) {
    window.__xssReport(how + "(" + String(args[0] ?? "").slice(0, 60) + ") on " + location.href);
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    try { window[name] = record(name); } catch (error) {}
  }
})();
"""

FIND_RUNNABLE = r"""
() => {
  const found = [];
  const scheme = /^(javascript|vbscript|livescript|mocha|data|feed):/;
  const urlAttributes = new Set([
    "href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background",
    "poster", "codebase", "dynsrc", "lowsrc", "ping", "cite",
  ]);
  const describe = (element) => element.outerHTML.slice(0, 160);
  for (const element of document.querySelectorAll("*")) {
    const tag = element.localName;
    if (tag === "script") {
      const source = element.getAttribute("src") || "";
      if (!source.startsWith("/static/")) found.push("script: " + describe(element));
    }
    if (["iframe", "frame", "frameset", "object", "embed", "applet", "base"].includes(tag)) {
      found.push(tag + ": " + describe(element));
    }
    if (tag === "meta" && element.httpEquiv) found.push("meta: " + describe(element));
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\u0000-\u0020\u007f-\u00a0]/g, "").toLowerCase();
      if (name.startsWith("on") || /(^|-)hx-on/.test(name) || name.startsWith("x-")) {
        found.push("attribute " + name + ": " + describe(element));
      }
      if (urlAttributes.has(name) && scheme.test(value) && !value.startsWith("data:image/png")) {
        found.push("url " + name + ": " + describe(element));
      }
      if (name === "style" && /expression\(|url\(|javascript:|behavior|binding/.test(value)) {
        found.push("style: " + describe(element));
      }
    }
  }
  return found;
}
"""


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def fit(parts: list[str], limit: int) -> str:
    """As many whole payloads as fit in a field of `limit` characters (at least one, cut)."""
    text = ""
    for part in parts:
        candidate = f"{text} {part}" if text else part
        if len(candidate) > limit:
            break
        text = candidate
    return text or parts[0][:limit]


def store_corpus(author: Person) -> tuple[list[Channel], list[Post], int]:
    """Posts (title, summary, body, tags), comments and channels full of payloads."""
    # Forms refuse NUL characters outright (Django's ProhibitNullCharactersValidator) and
    # PostgreSQL can't store them, so they are dropped here; the rest of each payload stays.
    groups = chunks([payload.replace("\x00", "") for payload in PAYLOADS], PER_ITEM)
    channels: list[Channel] = []
    posts: list[Post] = []
    refused = 0
    for number, group in enumerate(groups):
        channel = create_topic_channel(
            actor=author,
            name=fit(group, 120),
            slug=f"xss-{number}",
            description=fit(group, 500),
        )
        channels.append(channel)
        fields: dict[str, Any] = {
            "channel": channel,
            "author": author,
            "title": fit(group, 200),
            "summary": fit(list(reversed(group)), 300),
            "body": f"{MARKER}\n\n" + "\n\n".join(group),
            "action": "publish",
        }
        try:
            post = create_post(**fields, tags=[tag[:TAG_MAX_LENGTH] for tag in group[:3]])
        except ValidationError:
            post = create_post(**fields, tags=[f"{MARKER}-{number}"])
            refused += 1
        try:
            post_comment(thread=post.thread, author=author, body="\n\n".join(group))
        except ValidationError:
            refused += 1
        make_post_public(post=post, by=author)
        posts.append(post)
    return channels, posts, refused


def prepare(context: BrowserContext, hits: list[str]) -> None:
    def report(what: str) -> None:
        hits.append(what)

    context.expose_function("__xssReport", report)
    context.add_init_script(RECORDER)


def visit(page: Page, url: str, hits: list[str], *, signed_in: bool = True) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    assert response.status < 400, f"{url}: {response.status}"
    assert "Content-Security-Policy" not in response.headers, "the policy should be off here"
    if signed_in:
        assert not SIGN_IN_URL.search(page.url), f"signed out on the way to {url}"
    page.wait_for_timeout(20)  # autofocus, toggle and animation events fire just after load
    hits.extend(f"{url}: {thing}" for thing in page.evaluate(FIND_RUNNABLE))


def follow_more(page: Page, url: str, hits: list[str], *, pages: int) -> None:
    """A list page and the next few pages behind its "more" link."""
    for _ in range(pages):
        visit(page, url, hits)
        more = page.locator("a[href*='cursor=']").last
        if not more.count():
            return
        url = more.get_attribute("href") or ""
        if not url.startswith("/"):
            url = page.url.split("?")[0] + url


def read_like_a_feed_reader(page: Page, atom: str, hits: list[str], where: str) -> int:
    """Show each entry as a feed reader does: type="html" elements as HTML, the rest as text
    (the raw XML, not feedparser's output, which would sanitise and hide a bug)."""
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    # Our own test server's feed, not untrusted XML from elsewhere.
    entries = ElementTree.fromstring(atom).findall("atom:entry", ns)  # noqa: S314
    parts = []
    for entry in entries:
        for name in ("title", "summary", "content", "category"):
            for element in entry.findall(f"atom:{name}", ns):
                text = element.text or element.get("term") or ""
                parts.append(text if element.get("type") == "html" else escape(text))
    page.set_content("<article>" + "</article><article>".join(parts) + "</article>")
    page.wait_for_timeout(50)
    hits.extend(f"{where} (as a feed reader shows it): {t}" for t in page.evaluate(FIND_RUNNABLE))
    return len(entries)


def test_no_stored_payload_runs_anywhere_it_is_shown(
    new_context: NewContext, hospital: Hospital, settings: Any
) -> None:
    started = time.monotonic()
    assert len(PAYLOADS) >= 400
    settings.CONTENT_SECURITY_POLICY = None  # no policy header: the sanitiser stands alone
    administrator = hospital.administrator
    channels, posts, refused = store_corpus(administrator)
    assert len(posts) == math.ceil(len(PAYLOADS) / PER_ITEM)
    # A tag the services refuse (one with no letters or digits) is one payload less on show.
    assert refused <= len(posts) // 4, f"{refused} items refused: the corpus mostly isn't stored"
    token = regenerate_feed_token(person=administrator).token

    hits: list[str] = []
    staff = new_context(bypass_csp=True)
    prepare(staff, hits)
    page = staff.new_page()
    sign_in(page, administrator.username)

    follow_more(page, reverse("channels:feed"), hits, pages=4)
    # The payloads are on show (as text), not silently dropped before they reach a page.
    visit(page, posts[0].get_absolute_url(), hits)
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()
    assert MARKER in page.locator("main").inner_text()
    follow_more(page, reverse("search:search") + f"?q={MARKER}", hits, pages=3)
    for channel, post in zip(channels, posts, strict=True):
        visit(page, reverse("channels:channel", kwargs={"slug": channel.slug}), hits)
        visit(page, post.get_absolute_url(), hits)
    visit(page, reverse("channels:channel_list"), hits)
    for tag in posts[0].tags.all()[:3]:
        visit(page, tag.get_absolute_url(), hits)
    channel_atom = reverse(
        "channels:channel_atom", kwargs={"token": token, "slug": channels[0].slug}
    )
    visit(page, channel_atom, hits)

    visitor_context = new_context(bypass_csp=True)
    prepare(visitor_context, hits)
    visitor = visitor_context.new_page()
    for post in posts:
        visit(visitor, syndication.public_post_path(post), hits, signed_in=False)
    public_atom = reverse("channels:public_atom")
    visit(visitor, public_atom, hits, signed_in=False)

    reader = visitor_context.new_page()
    shown = read_like_a_feed_reader(
        reader, visitor.request.get(public_atom).text(), hits, public_atom
    )
    assert shown > 0
    shown = read_like_a_feed_reader(
        reader, page.request.get(channel_atom).text(), hits, channel_atom
    )
    assert shown > 0

    assert not hits, f"{len(hits)} payload(s) could run:\n" + "\n".join(hits[:40])
    assert time.monotonic() - started < 120, "keep this test quick: it runs in every CI build"


def test_the_detector_sees_a_payload_that_runs(new_context: NewContext, live_server: Any) -> None:
    # The control: on an unsanitised page, both the recorder and the DOM check see it.
    hits: list[str] = []
    context = new_context(bypass_csp=True)
    prepare(context, hits)
    page = context.new_page()
    page.goto(live_server.url + "/healthz")
    page.set_content("<p>x</p><img src=x onerror=alert(1)><a href='javascript:alert(2)'>y</a>")
    page.wait_for_timeout(100)
    found = page.evaluate(FIND_RUNNABLE)
    assert any(hit.startswith("alert(1)") for hit in hits), hits
    assert any("onerror" in f for f in found), found
    assert any("url href" in f for f in found), found


SAFETY_PER_ITEM = 24  # payloads per flag note, moderator note, hold note, report reason…
HELD_WORDS = "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed."


def store_safety_corpus(hospital: Hospital) -> dict[str, list[int]]:
    """Payloads in every text the safety layer keeps and shows: flag notes, moderators'
    notes and reasons, authors' notes to privacy officers, officers' notes to authors, and
    the reasons of exposure reports. Returns the ids to visit; counts refusals (the PHI
    guard reads these notes too, and refuses one that looks like patient information)."""
    from staffroom.moderation.services import edit_item_as_moderator, flag_item, warn_person
    from staffroom.privacy.exposure import mark_as_phi
    from staffroom.privacy.models import PrivacyHold
    from staffroom.privacy.services import release_hold, send_for_review

    officer, author, flagger = hospital.administrator, hospital.nurse, hospital.colleague
    channel = create_topic_channel(actor=officer, name="Safety corpus", slug="xss-safety")
    stored: dict[str, list[int]] = {"comments": [], "holds": [], "reports": [], "refused": []}
    groups = chunks([p.replace("\x00", "") for p in PAYLOADS], SAFETY_PER_ITEM)
    for number, group in enumerate(groups):
        post = create_post(
            channel=channel,
            author=officer,
            title=f"{MARKER} safety {number}",
            summary="",
            body=f"{MARKER} safety post {number}",
            tags=[],
            action="publish",
        )
        comment = post_comment(thread=post.thread, author=author, body=f"{MARKER} {number}")
        steps = (
            lambda c=comment, g=group: flag_item(
                obj=c, by=flagger, reason="other", note=fit(g, 500)
            ),
            lambda c=comment, g=group: edit_item_as_moderator(
                obj=c, moderator=officer, note=fit(g, 500), body="\n\n".join(g)
            ),
            lambda c=comment, g=group: warn_person(
                person=author, moderator=officer, reason=fit(g, 1000), obj=c
            ),
        )
        for step in steps:
            try:
                step()
            except ValidationError:
                stored["refused"].append(number)
        stored["comments"].append(comment.pk)
        held = post_comment(
            thread=post.thread, author=author, body=HELD_WORDS + "\n\n" + "\n\n".join(group)
        )
        hold = PrivacyHold.objects.get(item_kind="comment", item_id=held.pk)
        for decide in (
            lambda h=hold, g=group: send_for_review(hold=h, author=author, note=fit(g, 1000)),
            lambda h=hold, g=group: release_hold(hold=h, officer=officer, note=fit(g, 1000)),
        ):
            try:
                decide()
            except ValidationError:
                stored["refused"].append(number)
        stored["holds"].append(hold.pk)
        report = mark_as_phi(obj=post, officer=officer, reason=fit(group, 2000))
        stored["reports"].append(report.pk)
    return stored


def test_no_payload_runs_in_the_safety_pages(
    new_context: NewContext, hospital: Hospital, settings: Any
) -> None:
    started = time.monotonic()
    settings.CONTENT_SECURITY_POLICY = None
    stored = store_safety_corpus(hospital)
    steps = 5 * len(stored["comments"])
    assert len(stored["refused"]) <= steps // 4, f"{stored['refused']}: most must be stored"

    hits: list[str] = []
    context = new_context(bypass_csp=True)
    prepare(context, hits)
    page = context.new_page()
    sign_in(page, hospital.administrator.username)
    follow_more(page, reverse("moderation:queue"), hits, pages=3)
    for comment_id in stored["comments"]:
        visit(page, reverse("moderation:item", args=["comment", comment_id]), hits)
    assert "alert(" in page.locator("main").inner_text()
    for tab in ("", "?tab=author", "?tab=decided"):
        follow_more(page, reverse("privacy:queue") + tab, hits, pages=2)
    for hold_id in stored["holds"]:
        visit(page, reverse("privacy:hold", args=[hold_id]), hits)
    # The payloads are on show as text (highlighted words, the author's note), not dropped.
    assert "alert(" in page.locator("main").inner_text()
    follow_more(page, reverse("privacy:exposure_list"), hits, pages=2)
    for report_id in stored["reports"]:
        visit(page, reverse("privacy:exposure", args=[report_id]), hits)

    author_context = new_context(bypass_csp=True)
    prepare(author_context, hits)
    author = author_context.new_page()
    sign_in(author, hospital.nurse.username)
    follow_more(author, reverse("notifications:list"), hits, pages=4)
    follow_more(author, reverse("privacy:my_holds"), hits, pages=2)

    assert not hits, f"{len(hits)} payload(s) could run:\n" + "\n".join(hits[:40])
    assert time.monotonic() - started < 150, "keep this test quick: it runs in every CI build"
