"""The shapes the directory import passes between its stages: what a check finds, the people
already in the database, and a row that passed its own checks.

At the bottom of the package: it imports nothing from the other modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

# --- What a check finds -----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    employee_id: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "employee_id": self.employee_id, "message": self.message}


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedCreate:
    line: int
    employee_id: str
    name: str
    unit: str


@dataclass(frozen=True)
class PlannedChange:
    line: int
    employee_id: str
    name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PlannedDeactivation:
    employee_id: str
    name: str


@dataclass
class ImportPlan:
    """What a file would do. When `errors` is not empty, nothing may be applied."""

    full_snapshot: bool
    row_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    creates: list[PlannedCreate] = field(default_factory=list)
    changes: list[PlannedChange] = field(default_factory=list)
    deactivations: list[PlannedDeactivation] = field(default_factory=list)
    unchanged_count: int = 0
    # What apply writes, worked out during the check so both see the same thing.
    new_people: list[dict[str, Any]] = field(default_factory=list, repr=False)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list, repr=False)
    # (id if they exist, employee_id, manager_employee_id) where the manager is created by this
    # same file, so the manager's id is known only once they are INSERTed.
    deferred_managers: list[tuple[int | None, str, str]] = field(default_factory=list, repr=False)
    deactivate_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportResult:
    row_count: int
    created: int
    changed: int
    deactivated: int
    unchanged: int
    duration_ms: int


class DirectoryFileError(ValidationError):
    """The file has problems and nothing was written; `plan.errors` lists them by line."""

    def __init__(self, plan: ImportPlan) -> None:
        count = len(plan.errors)
        super().__init__(
            ngettext(
                "The file has %(count)d problem, so nothing was changed.",
                "The file has %(count)d problems, so nothing was changed.",
                count,
            )
            % {"count": count},
            code="directory_file_rejected",
        )
        self.plan = plan


# --- What is in the database ------------------------------------------------------------------


class ExistingPerson(NamedTuple):
    id: int
    employee_id: str | None
    username: str
    first_name: str
    last_name: str
    preferred_name: str
    email: str
    job_title: str
    job_family_id: int | None
    unit_id: int | None
    department_id: int | None
    manager_id: int | None
    shift_pattern: str
    preferred_language: str
    is_active: bool
    left_on: date | None
    from_directory: bool
    sort_name: str


@dataclass
class Snapshot:
    people: list[ExistingPerson]
    by_employee_id: dict[str, ExistingPerson]
    by_pk: dict[int, ExistingPerson]
    username_owner: dict[str, int]
    units: dict[str, tuple[int, int]]  # code -> (unit id, department id)
    unit_code: dict[int, str]
    unit_department: dict[int, int]
    job_families: dict[str, int]
    job_family_code: dict[int, str]


# --- A row of the file ------------------------------------------------------------------------


@dataclass(slots=True)
class ParsedRow:
    """A row that passed its own checks, with its codes turned into ids."""

    line: int
    employee_id: str
    first_name: str
    last_name: str
    preferred_name: str
    email: str
    job_title: str
    job_family_id: int | None
    unit_id: int | None
    manager_employee_id: str
    shift_pattern: str
    preferred_language: str
    is_active: bool
    left_on: date | None
    username: str
