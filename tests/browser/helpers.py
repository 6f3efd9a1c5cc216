"""What browser tests do again and again: sign in through the real form, and check a page
with axe-core."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.tests.factories import PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the product promises (WCAG 2.2 AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
TARGETS_SHOWN = 3
SIGN_IN_URL = re.compile(r"/account/sign-in/")


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in with the sign-in form, as a person would, and wait to leave the form."""
    if "/account/sign-in/" not in page.url:
        page.goto("/account/sign-in/")
    page.get_by_label("Username or employee ID").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(SIGN_IN_URL)


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(
            f"{AXE_SCRIPT.relative_to(REPO_ROOT)} is missing: run make install (npm ci)",
            pytrace=False,
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def assert_accessible(page: Page) -> None:
    """Fail if axe-core finds any serious or critical WCAG 2.2 AA violation on the page.

    The script goes in through page.evaluate, which runs over the DevTools protocol and so is
    not subject to the page's Content-Security-Policy (a <script> tag would be refused: the
    policy allows no inline script). The page is checked exactly as people get it.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(f"axe found problems on {page.url}:\n" + "\n".join(map(_describe, blocking)))


def _describe(violation: dict[str, Any]) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    shown = ", ".join(targets[:TARGETS_SHOWN])
    more = f" and {len(targets) - TARGETS_SHOWN} more" if len(targets) > TARGETS_SHOWN else ""
    return (
        f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"    at {shown}{more}\n    {violation['helpUrl']}"
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    """Nothing is wider than the window: the page reflows instead of scrolling sideways."""
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, window: window.innerWidth})"
    )
    assert widths["page"] <= widths["window"], (
        f"{page.url} scrolls sideways: {widths['page']}px of content in a "
        f"{widths['window']}px window"
    )


def open_page(page: Page, path: str, status: int = 200) -> None:
    """Go to `path` and make sure it answered as expected, so a check runs on the right page."""
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}, not {status}"


def wait_for_htmx_to_settle(page: Page) -> None:
    """Wait until htmx has finished every swap, including its settle step (20 ms after the
    swap), when our script moves focus to the first new item (`data-focus-first`). htmx
    marks new content `htmx-added` until that step has run."""
    wait_until(
        page,
        "() => !document.querySelector('.htmx-added, .htmx-settling, .htmx-swapping, "
        ".htmx-request')",
        "htmx to settle",
    )


def wait_until(page: Page, predicate: str, what: str, timeout_ms: int = 10_000) -> None:
    """Poll a JavaScript function in the page until it returns true.

    Not `page.wait_for_function`: its polling compiles the expression inside the page,
    which our Content Security Policy (no 'unsafe-eval') may refuse. `page.evaluate` runs
    through the DevTools protocol, outside the page's policy.
    """
    waited = 0
    while not page.evaluate(predicate):
        if waited >= timeout_ms:
            raise AssertionError(f"Timed out after {timeout_ms} ms waiting for {what}")
        page.wait_for_timeout(50)
        waited += 50
