"""Demo step: a break-room screen at each of Riverside Health's hospitals and one in the
Emergency Department, at published addresses (demo mode only, like the demo logins):

    /screen/demo-riverside-general/   Riverside General Hospital, main staff canteen
    /screen/demo-northgate/           Northgate Community Hospital, staff room
    /screen/demo-lakeside/            Lakeside Children's & Women's Hospital, staff lounge
    /screen/demo-riverside-ed/        Emergency Department break room (Riverside General)

A real screen's secret is random and shown once; these are fixed so the README can list them,
and marked `is_demo`, so they answer only while settings.DEMO_MODE is on (never under
production settings). Four rows whatever the size: cheap at `--size large` too. Runs after the
posts and ideas steps (the screens read them live; nothing is copied).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from staffroom.accounts.models import Person, Role
from staffroom.demo.services import check_demo_mode
from staffroom.kiosk.models import Screen, hash_secret
from staffroom.organisation.models import Department, Site

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

# (secret, screen name, site code, department code): a site's screen or a department's.
DEMO_SCREENS: tuple[tuple[str, str, str, str], ...] = (
    ("demo-riverside-general", "Main staff canteen", "rgh", ""),
    ("demo-northgate", "Staff room", "ngh", ""),
    ("demo-lakeside", "Staff lounge", "lcw", ""),
    ("demo-riverside-ed", "ED break room", "", "rgh-emergency"),
)


def demo_screen_paths() -> list[tuple[str, str]]:
    """(address path, screen name) of each demo screen, for the README and seed_demo."""
    return [(f"/screen/{secret}/", name) for secret, name, _site, _department in DEMO_SCREENS]


def build_screens(build: DemoBuild) -> None:
    check_demo_mode()
    existing = set(
        Screen.objects.filter(
            token_hash__in=[hash_secret(secret) for secret, *_rest in DEMO_SCREENS]
        ).values_list("token_hash", flat=True)
    )
    sites = {site.code: site for site in Site.objects.filter(code__in=[s[2] for s in DEMO_SCREENS])}
    departments = {
        department.code: department
        for department in Department.objects.filter(code__in=[s[3] for s in DEMO_SCREENS])
    }
    creator = (
        Person.objects.filter(is_demo=True, role_grants__role=Role.COMMUNICATIONS_ADMIN)
        .order_by("pk")
        .first()
    )
    missing = []
    for secret, name, site_code, department_code in DEMO_SCREENS:
        token_hash = hash_secret(secret)
        site = sites.get(site_code)
        department = departments.get(department_code)
        if token_hash in existing or (site is None and department is None):
            continue
        missing.append(
            Screen(
                name=name,
                site=site,
                department=department,
                token_hash=token_hash,
                created_by=creator,
                is_demo=True,
            )
        )
    Screen.objects.bulk_create(missing)
    build.count("break-room screens", len(missing))
