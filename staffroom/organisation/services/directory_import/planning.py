"""Planning an import: the people already in the database, the rules across rows (repeated
IDs and usernames, managers and their loops) and the comparison that fills an ImportPlan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, sort_name_for
from staffroom.organisation.models import JobFamily, Unit
from staffroom.organisation.services.directory_import.reading import (
    decode_file,
    parse_row,
    read_records,
)
from staffroom.organisation.services.directory_import.types import (
    ExistingPerson,
    FieldChange,
    ImportPlan,
    ParsedRow,
    PlannedChange,
    PlannedCreate,
    PlannedDeactivation,
    RowError,
    Snapshot,
)

# --- What is in the database ------------------------------------------------------------------


def _read_snapshot() -> Snapshot:
    """Everything a check compares against, in four queries whatever the size."""
    people = [
        ExistingPerson._make(row)
        for row in Person.objects.order_by().values_list(*ExistingPerson._fields)
    ]
    units = {
        code: (pk, department_id)
        for code, pk, department_id in Unit.objects.values_list("code", "id", "department_id")
    }
    job_families = dict(JobFamily.objects.values_list("code", "id"))
    return Snapshot(
        people=people,
        by_employee_id={p.employee_id: p for p in people if p.employee_id},
        by_pk={p.id: p for p in people},
        username_owner={p.username: p.id for p in people},
        units=units,
        unit_code={pk: code for code, (pk, _dept) in units.items()},
        unit_department=dict(units.values()),
        job_families=job_families,
        job_family_code={pk: code for code, pk in job_families.items()},
    )


# --- Rules across rows ------------------------------------------------------------------------


def _unique_rows(rows: list[ParsedRow], plan: ImportPlan, snapshot: Snapshot) -> list[ParsedRow]:
    """Drop (and report) repeated employee IDs; report usernames that are taken."""
    first_line: dict[str, int] = {}
    unique: list[ParsedRow] = []
    for row in rows:
        key = row.employee_id.casefold()
        if key in first_line:
            plan.errors.append(
                RowError(
                    row.line,
                    row.employee_id,
                    _(
                        "The employee ID “%(id)s” is also on line %(other)d. Each person must "
                        "appear once."
                    )
                    % {"id": row.employee_id, "other": first_line[key]},
                )
            )
            continue
        first_line[key] = row.line
        unique.append(row)

    username_line: dict[str, int] = {}
    for row in unique:
        if row.username in username_line:
            plan.errors.append(
                RowError(
                    row.line,
                    row.employee_id,
                    _("The username “%(username)s” is also used on line %(other)d.")
                    % {"username": row.username, "other": username_line[row.username]},
                )
            )
            continue
        username_line[row.username] = row.line
        owner = snapshot.username_owner.get(row.username)
        existing = snapshot.by_employee_id.get(row.employee_id)
        if owner is not None and (existing is None or existing.id != owner):
            plan.errors.append(
                RowError(
                    row.line,
                    row.employee_id,
                    _(
                        "The username “%(username)s” already belongs to another account in "
                        "Staffroom. Give this person a different username in a “username” "
                        "column."
                    )
                    % {"username": row.username},
                )
            )
    return unique


_Node = str | int  # an employee ID, or the primary key of someone without one


def _check_managers(
    rows: list[ParsedRow], listed: set[str], plan: ImportPlan, snapshot: Snapshot
) -> None:
    """Every manager must exist, and nobody may end up managing themselves through a chain.

    `listed` holds every employee ID in the file, including rows that failed their own
    checks, so a manager on a bad row is not also reported as unknown.
    """
    in_file = {row.employee_id: row for row in rows}
    for row in rows:
        manager = row.manager_employee_id
        if manager and manager not in listed and manager not in snapshot.by_employee_id:
            plan.errors.append(
                RowError(
                    row.line,
                    row.employee_id,
                    _(
                        "The manager's employee ID “%(id)s” is neither in this file nor in "
                        "Staffroom."
                    )
                    % {"id": manager},
                )
            )

    def node(pk: int) -> _Node:
        return snapshot.by_pk[pk].employee_id or pk

    # Who reports to whom once the file is applied: the database, overridden by the file.
    reports_to: dict[_Node, _Node | None] = {
        node(p.id): node(p.manager_id) if p.manager_id in snapshot.by_pk else None
        for p in snapshot.people
        if p.manager_id is not None
    }
    for row in rows:
        reports_to[row.employee_id] = row.manager_employee_id or None

    # Each person has at most one manager, so following the chain from everyone in the file
    # and remembering where each walk has been finds every loop in linear time.
    done: set[_Node] = set()
    for row in rows:
        path: list[_Node] = []
        position: dict[_Node, int] = {}
        current: _Node | None = row.employee_id
        while current is not None and current not in done and current not in position:
            position[current] = len(path)
            path.append(current)
            current = reports_to.get(current)
        if current is not None and current in position:
            _report_loop(path[position[current] :], in_file, plan, snapshot)
        done.update(path)


def _report_loop(
    loop: list[_Node], in_file: dict[str, ParsedRow], plan: ImportPlan, snapshot: Snapshot
) -> None:
    rows_in_loop = sorted(
        (in_file[n] for n in loop if isinstance(n, str) and n in in_file), key=lambda r: r.line
    )
    if not rows_in_loop:
        return
    first = rows_in_loop[0]
    if len(loop) == 1:
        message = _("This person is listed as their own manager.")
    else:
        start = loop.index(first.employee_id)
        ordered = loop[start:] + loop[:start] + [first.employee_id]
        chain = " → ".join(n if isinstance(n, str) else snapshot.by_pk[n].username for n in ordered)
        message = _(
            "Managers go round in a circle: %(chain)s. Someone in this chain must report to a "
            "person outside it."
        ) % {"chain": chain}
    plan.errors.append(RowError(first.line, first.employee_id, message))


# --- Comparing with the database --------------------------------------------------------------


def _display_name(first_name: str, last_name: str, preferred_name: str) -> str:
    return f"{preferred_name or first_name} {last_name}".strip()


def _status(is_active: bool) -> str:
    return "active" if is_active else "left"


def _wanted_values(
    row: ParsedRow, old: ExistingPerson | None, columns: set[str], snapshot: Snapshot, today: date
) -> dict[str, Any]:
    """The model values the file asks for; columns the file leaves out are not managed."""
    values: dict[str, Any] = {
        "employee_id": row.employee_id,
        "username": row.username,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "is_active": row.is_active,
        "from_directory": True,
    }
    for column in ("email", "job_title", "shift_pattern"):
        if column in columns:
            values[column] = getattr(row, column)
    # A person may set their preferred name and language themselves (profile settings), so a
    # blank cell keeps what they chose; the file wins only when it says something.
    if row.preferred_name or (old is None and "preferred_name" in columns):
        values["preferred_name"] = row.preferred_name
    if row.preferred_language:
        values["preferred_language"] = row.preferred_language
    if "job_family" in columns:
        values["job_family_id"] = row.job_family_id
    if "unit" in columns:
        values["unit_id"] = row.unit_id
    if row.is_active:
        values["left_on"] = None
    elif row.left_on is not None:
        values["left_on"] = row.left_on
    elif old is not None and not old.is_active and old.left_on is not None:
        values["left_on"] = old.left_on  # already recorded as left; keep the day they went
    else:
        values["left_on"] = today

    # Derived columns that Person.save() would set; bulk writes bypass save().
    unit_id = values.get("unit_id", old.unit_id if old else None)
    values["department_id"] = snapshot.unit_department[unit_id] if unit_id is not None else None
    preferred = values.get("preferred_name", old.preferred_name if old else "")
    values["sort_name"] = sort_name_for(row.last_name, row.first_name, preferred)
    return values


def _describe(field_name: str, old: Any, new: Any, snapshot: Snapshot) -> FieldChange | None:
    """A change as the administrator would read it, in the file's own column names."""
    if field_name in {"sort_name", "department_id", "employee_id"}:
        return None  # derived from other columns, whose change is shown instead
    if field_name == "from_directory":
        return FieldChange("source", _("local account"), _("HR directory"))

    def show(value: Any) -> str:
        if value is None:
            return ""
        if field_name == "job_family_id":
            return snapshot.job_family_code.get(value, "")
        if field_name == "unit_id":
            return snapshot.unit_code.get(value, "")
        if field_name == "is_active":
            return _status(value)
        return value.isoformat() if isinstance(value, date) else str(value)

    column = {"job_family_id": "job_family", "unit_id": "unit", "is_active": "status"}
    return FieldChange(column.get(field_name, field_name), show(old), show(new))


def _plan_create(
    row: ParsedRow, values: dict[str, Any], columns: set[str], plan: ImportPlan, snapshot: Snapshot
) -> None:
    manager = row.manager_employee_id
    if "manager_employee_id" in columns and manager:
        known = snapshot.by_employee_id.get(manager)
        if known is not None:
            values["manager_id"] = known.id
        else:
            plan.deferred_managers.append((None, row.employee_id, manager))
    plan.new_people.append(values)
    plan.creates.append(
        PlannedCreate(
            row.line,
            row.employee_id,
            _display_name(row.first_name, row.last_name, row.preferred_name),
            snapshot.unit_code.get(row.unit_id, "") if row.unit_id else "",
        )
    )


def _plan_update(
    row: ParsedRow,
    *,
    old: ExistingPerson,
    values: dict[str, Any],
    columns: set[str],
    plan: ImportPlan,
    snapshot: Snapshot,
) -> None:
    changed = {k: v for k, v in values.items() if getattr(old, k) != v}
    described = [_describe(k, getattr(old, k), v, snapshot) for k, v in changed.items()]
    manager = row.manager_employee_id
    old_manager = snapshot.by_pk.get(old.manager_id) if old.manager_id else None
    same_manager = (not manager and old_manager is None) or (
        bool(manager) and old_manager is not None and old_manager.employee_id == manager
    )
    if "manager_employee_id" in columns and not same_manager:
        old_label = (old_manager.employee_id or old_manager.username) if old_manager else ""
        described.append(FieldChange("manager_employee_id", old_label, manager))
        known = snapshot.by_employee_id.get(manager) if manager else None
        if not manager or known is not None:
            changed["manager_id"] = known.id if known else None
        else:
            plan.deferred_managers.append((old.id, row.employee_id, manager))
    shown = tuple(d for d in described if d is not None)
    if not changed and not shown:
        plan.unchanged_count += 1
        return
    if changed:
        plan.updates.append((old.id, changed))
    name = _display_name(
        row.first_name, row.last_name, values.get("preferred_name", old.preferred_name)
    )
    plan.changes.append(PlannedChange(row.line, row.employee_id, name, shown))


def _plan_deactivations(rows: list[ParsedRow], plan: ImportPlan, snapshot: Snapshot) -> None:
    """In a full snapshot, directory people missing from the file have left."""
    listed = {row.employee_id for row in rows}
    for person in snapshot.people:
        if person.from_directory and person.is_active and person.employee_id not in listed:
            plan.deactivate_ids.append(person.id)
            plan.deactivations.append(
                PlannedDeactivation(
                    person.employee_id or "",
                    _display_name(person.first_name, person.last_name, person.preferred_name),
                )
            )


def _compare(
    rows: list[ParsedRow], columns: set[str], plan: ImportPlan, snapshot: Snapshot, today: date
) -> None:
    """Fill the plan with what to create, change and deactivate."""
    for row in rows:
        old = snapshot.by_employee_id.get(row.employee_id)
        values = _wanted_values(row, old, columns, snapshot, today)
        if old is None:
            _plan_create(row, values, columns, plan, snapshot)
        else:
            _plan_update(row, old=old, values=values, columns=columns, plan=plan, snapshot=snapshot)
    if plan.full_snapshot:
        _plan_deactivations(rows, plan, snapshot)


# --- The services -----------------------------------------------------------------------------


def check_directory_file(
    *, data: bytes, full_snapshot: bool, actor: Person | None = None
) -> ImportPlan:
    """Validate a directory CSV and work out what it would change. Writes nothing.

    `full_snapshot` means the file lists every current employee, so directory people missing
    from it are planned for deactivation. `actor` is the administrator checking or applying
    it (None from the command line): a file that would mark them as having left is refused.
    """
    plan = ImportPlan(full_snapshot=full_snapshot)
    text, problem = decode_file(data)
    if problem is not None or text is None:
        plan.errors.append(problem or RowError(1, "", _("The file is empty.")))
        return plan
    columns, records = read_records(text, plan)
    if plan.errors:
        return plan

    snapshot = _read_snapshot()
    today = timezone.localdate()
    rows: list[ParsedRow] = []
    listed: set[str] = set()
    for line, values in records:
        plan.row_count += 1
        listed.add(values["employee_id"])
        row, row_errors = parse_row(line, values, snapshot, today)
        if row is None:
            plan.errors.extend(row_errors)
        else:
            rows.append(row)
    if plan.row_count == 0 and not plan.errors:
        plan.errors.append(
            RowError(
                2,
                "",
                _(
                    "The file has a header line but nobody in it. As a list of everyone it "
                    "would mark every directory person as having left, so it is refused."
                )
                if full_snapshot
                else _("The file has a header line but nobody in it, so there is nothing to do."),
            )
        )
    rows = _unique_rows(rows, plan, snapshot)
    if "manager_employee_id" in columns:
        _check_managers(rows, listed, plan, snapshot)
    if plan.errors:
        plan.errors.sort(key=lambda e: e.line)
        return plan
    _compare(rows, set(columns), plan, snapshot, today)
    if actor is not None and actor.pk in plan.deactivate_ids:
        # Signing themselves out for good is never what the administrator meant; refuse the
        # file as a whole, with nothing planned, as for any other problem.
        return ImportPlan(
            full_snapshot=full_snapshot,
            row_count=plan.row_count,
            errors=[
                RowError(
                    1,
                    actor.employee_id or "",
                    _(
                        "You are not in this file: applying it would mark you as having left. "
                        "Add yourself or untick “This file lists everyone”."
                    ),
                )
            ],
        )
    return plan
