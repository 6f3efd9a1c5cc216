"""Browser fixtures: one headless Chromium for each run of browser tests, a fresh context per
test.

Playwright drives Debian's Chromium (never a downloaded browser), against pytest-django's
live server. Each test gets its own browser context, so cookies and storage never leak from
one test to the next; a failing test leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.organisation.models import Unit
from staffroom.organisation.services import recount_people
from staffroom.organisation.tests.factories import DepartmentFactory, SiteFactory, UnitFactory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox can't start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Nothing may reach the internet: CI has none, and a test must not depend on it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Local pages answer in milliseconds; a missing element should fail fast, not after 30 s.
TIMEOUT_MS = 10_000
ARTIFACTS = "test-artifacts"


class _Chromium:
    """One Chromium, started by the first browser test and closed before any other test runs.

    Playwright's sync API keeps an asyncio event loop running in the test thread for as long
    as it is started. Django's async-safety check then refuses every ORM call the tests and
    fixtures make, although they are synchronous and on one thread: a false alarm, so
    DJANGO_ALLOW_ASYNC_UNSAFE is set while the browser is open. Other tests must not inherit
    either (the running loop breaks async_to_sync and asyncio.run; the variable hides real
    mistakes), so the browser closes as soon as the next test is not a browser test. In
    practice that is once per test process: browser tests are collected last.
    """

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._saved_setting: str | None = None

    def browser(self) -> Browser:
        if self._browser is None:
            if not CHROMIUM.exists():
                pytest.fail(
                    f"{CHROMIUM} is missing. Install Debian's chromium package "
                    "(apt-get install chromium); .ci/run does this",
                    pytrace=False,
                )
            self._saved_setting = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self._playwright = sync_playwright().start()
            try:
                self._browser = self._playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
            except Exception:
                self.close()
                raise
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
            if self._saved_setting is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._saved_setting


_CHROMIUM = _Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so fixtures can see whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After the test's own fixtures are gone, close the browser unless another browser test
    follows."""
    result = yield
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        _CHROMIUM.close()
    return result


@pytest.fixture
def browser() -> Browser:
    """The shared headless Chromium (see _Chromium for its lifetime)."""
    return _CHROMIUM.browser()


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(
    browser: Browser, live_server: Any, transactional_db: None, request: pytest.FixtureRequest
) -> Iterator[NewContext]:
    """Open browser contexts on the live server; all are closed (and photographed on failure)."""
    contexts: list[BrowserContext] = []

    def open_context(**options: Any) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context

    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    if failed:
        _save_screenshots(request.node, request.config.rootpath / ARTIFACTS, contexts)
    for context in contexts:
        context.close()


def _save_screenshots(node: pytest.Item, folder: Path, contexts: list[BrowserContext]) -> None:
    folder.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", node.name).strip("_")
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        suffix = "" if len(pages) == 1 else f"-{number}"
        # A screenshot is evidence, not the test: never let it hide the real failure.
        try:
            page.screenshot(path=folder / f"{name}{suffix}.png", full_page=True)
        except Exception as error:
            warnings.warn(f"No screenshot of {page.url}: {error}", stacklevel=1)


@pytest.fixture
def page(new_context: NewContext) -> Page:
    """A desktop browser tab (1280x800) on the live server."""
    return new_context().new_page()


@pytest.fixture
def phone_page(new_context: NewContext) -> Page:
    """A phone-sized tab (390x844, touch) on the live server."""
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


@dataclass(frozen=True)
class Hospital:
    """A small organisation: one site, two departments, a nurse, her manager, an administrator."""

    nurse: Person
    colleague: Person
    administrator: Person
    unit: Unit


@pytest.fixture
def hospital(transactional_db: None) -> Hospital:
    site = SiteFactory(code="riverside", name="Riverside General Hospital")
    department = DepartmentFactory(site=site, code="emergency", name="Emergency Medicine")
    unit = UnitFactory(department=department, code="ed-majors", name="ED Majors")
    radiology = DepartmentFactory(site=site, code="radiology", name="Radiology")
    other_unit = UnitFactory(department=radiology, code="ct", name="CT Scanning")
    nurse = PersonFactory(
        username="grace.okafor",
        first_name="Grace",
        last_name="Okafor",
        job_title="Staff Nurse",
        unit=unit,
    )
    colleague = PersonFactory(
        username="priya.ramanathan",
        first_name="Priya",
        last_name="Ramanathan",
        job_title="Charge Nurse",
        unit=unit,
    )
    # Priya manages Grace, so profiles show both a manager and the people reporting to them.
    nurse.manager = colleague
    nurse.save(update_fields=["manager"])
    PersonFactory(first_name="Tom", last_name="Baker", job_title="Radiographer", unit=other_unit)
    administrator = PersonFactory(
        username="it.admin",
        first_name="Alex",
        last_name="Admin",
        job_title="IT Systems Administrator",
        unit=other_unit,
    )
    RoleGrantFactory(person=administrator, role=Role.ADMINISTRATOR)
    recount_people()
    return Hospital(
        nurse=nurse,
        colleague=colleague,
        administrator=administrator,
        unit=unit,
    )
