"""The demo logins: one per role, each a person in the hospital with a name and a job.

The README lists them (see plan.demo_logins); tests check that each signs in with
DEMO_PASSWORD and holds exactly the roles listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from staffroom.accounts.models import Role, ShiftPattern
from staffroom.demo.staffing import (
    ADMINISTRATION,
    LEADERSHIP,
    NURSING,
    SUPPORT_SERVICES,
    TECHNOLOGY,
)


@dataclass(frozen=True)
class Seat:
    """Where a demo account sits in the plan: a staff place, or a leader's post.

    kind is "staff" or "manager" (code: a unit code), "director" (a department code), or
    "executive" (an ExecutiveSpec key).
    """

    kind: str
    code: str


@dataclass(frozen=True)
class Grant:
    role: Role
    site: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # what the account is for, as the README shows it
    first_name: str
    last_name: str
    job_title: str
    job_family: str
    seat: Seat
    grants: tuple[Grant, ...] = ()
    superuser: bool = False
    preferred_language: str = "en"
    shift_pattern: ShiftPattern = ShiftPattern.WEEKDAYS

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "nurse",
        "Staff",
        "Jasmine",
        "Brooks",
        "Registered Nurse",
        NURSING,
        Seat("staff", "rgh-4-west"),
        shift_pattern=ShiftPattern.DAYS,
    ),
    DemoAccount(
        "evs",
        "Staff; reads Staffroom in Spanish",
        "Rosa",
        "Martínez",
        "EVS Technician",
        SUPPORT_SERVICES,
        Seat("staff", "rgh-environmental-services"),
        preferred_language="es",
        shift_pattern=ShiftPattern.NIGHTS,
    ),
    DemoAccount(
        "manager",
        "Staff; manages a unit",
        "Daniel",
        "Reyes",
        "Nurse Manager",
        NURSING,
        Seat("manager", "rgh-4-west"),
        shift_pattern=ShiftPattern.DAYS,
    ),
    DemoAccount(
        "editor",
        "Channel editor, Emergency Medicine",
        "Marcus",
        "Bell",
        "Clinical Nurse Educator",
        NURSING,
        Seat("staff", "rgh-emergency-department"),
        grants=(Grant(Role.CHANNEL_EDITOR, department="rgh-emergency"),),
        shift_pattern=ShiftPattern.DAYS,
    ),
    DemoAccount(
        "reviewer",
        "Idea reviewer, whole organisation",
        "Helen",
        "Park",
        "Director of Quality & Patient Safety",
        LEADERSHIP,
        Seat("director", "rgh-quality-safety"),
        grants=(Grant(Role.IDEA_REVIEWER),),
    ),
    DemoAccount(
        "comms",
        "Communications admin",
        "Olivia",
        "Bennett",
        "Director of Communications & Marketing",
        LEADERSHIP,
        Seat("director", "rgh-communications"),
        grants=(Grant(Role.COMMUNICATIONS_ADMIN),),
    ),
    DemoAccount(
        "analyst",
        "Analyst",
        "Luis",
        "Hernández",
        "Staff Experience Analyst",
        ADMINISTRATION,
        Seat("staff", "rgh-people-analytics"),
        grants=(Grant(Role.ANALYST),),
    ),
    DemoAccount(
        "moderator",
        "Moderator",
        "Aisha",
        "Johnson",
        "Internal Communications Specialist",
        ADMINISTRATION,
        Seat("staff", "rgh-internal-communications"),
        grants=(Grant(Role.MODERATOR),),
    ),
    DemoAccount(
        "privacy",
        "Privacy officer",
        "Robert",
        "Chen",
        "Privacy Officer",
        ADMINISTRATION,
        Seat("staff", "rgh-privacy-office"),
        grants=(Grant(Role.PRIVACY_OFFICER),),
    ),
    DemoAccount(
        "admin",
        "Administrator, with the Django admin",
        "Kevin",
        "O'Brien",
        "IT Systems Administrator",
        TECHNOLOGY,
        Seat("staff", "rgh-infrastructure-networks"),
        grants=(Grant(Role.ADMINISTRATOR),),
        superuser=True,
    ),
    DemoAccount(
        "ceo",
        "Communications admin",
        "Catherine",
        "Wells",
        "President & Chief Executive Officer",
        LEADERSHIP,
        Seat("executive", "ceo"),
        grants=(Grant(Role.COMMUNICATIONS_ADMIN),),
    ),
)
