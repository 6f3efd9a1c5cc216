"""Impact: what an implemented idea changed, measured (call-light response 6.5 → 3.2
minutes), and who is credited for it.

One Impact per idea, recorded (and later corrected) by a reviewer in the idea's scope, only
once the idea is implemented. Every text is read by the PHI guard and refused if it looks
like patient information: impact is shown to everyone, on the idea and on profiles.

The author is credited through the idea itself (`idea.shown_author`: nobody when it was
posted anonymously); contributors are the other people named. Nothing here names an
anonymous author: notifications go *to* the author (as every idea update does), never
about them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# The PHI guard for words that are not an item of the safety layer: refused, never held.
from staffroom.accounts.forms import refuse_patient_information
from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.richtext import render_markdown
from staffroom.ideas.models import Contributor, Idea, Impact, Status
from staffroom.ideas.permissions import check_review_idea
from staffroom.notifications.models import Notification

WHAT_CHANGED_MAX_LENGTH = 5000
MEASURE_MAX_LENGTH = 120
UNIT_MAX_LENGTH = 40
CONTRIBUTION_MAX_LENGTH = 200
MAX_CONTRIBUTORS = 50
# Notification.message holds at most 1000 characters.
MESSAGE_MAX_LENGTH = 1000


def plain_number(value: Decimal | None) -> str:
    """6.50 → "6.5", 100.00 → "100": a measured value as people write it."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class ImpactSummary:
    """What the idea page says about an impact: the values as written, the change in per
    cent (None when the "before" value was zero) and whether it is for the better."""

    before: str
    after: str
    unit: str
    change_percent: int | None
    went_down: bool
    direction: str  # "improved", "worsened" or "unchanged"
    hours_saved: str
    money_saved: str

    @property
    def improved(self) -> bool:
        return self.direction == "improved"


def summarise_impact(impact: Impact) -> ImpactSummary:
    before, after = impact.before_value, impact.after_value
    if after == before:
        direction = "unchanged"
    elif (after < before) == impact.lower_is_better:
        direction = "improved"
    else:
        direction = "worsened"
    change = None
    if before:
        change = round(abs((after - before) / before) * 100)
    hours, money = impact.hours_saved_per_year, impact.money_saved_per_year
    return ImpactSummary(
        before=plain_number(before),
        after=plain_number(after),
        unit=impact.unit,
        change_percent=change,
        went_down=after < before,
        direction=direction,
        hours_saved=(
            formats.number_format(hours.normalize(), use_l10n=True, force_grouping=True)
            if hours is not None
            else ""
        ),
        money_saved=(
            formats.number_format(
                money, decimal_pos=0 if money == money.to_integral() else 2, force_grouping=True
            )
            if money is not None
            else ""
        ),
    )


def impact_headline(impact: Impact) -> str:
    """ "Impact recorded: call-light response 6.5 → 3.2 minutes" (the notification's words)."""
    return _("Impact recorded: %(measure)s %(before)s → %(after)s %(unit)s") % {
        "measure": impact.measure,
        "before": plain_number(impact.before_value),
        "after": plain_number(impact.after_value),
        "unit": impact.unit,
    }


def _clean_text(errors: dict[str, str], field: str, value: str, max_length: int, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = empty
    elif len(value) > max_length:
        errors[field] = _("This is %(length)s characters long; keep it to %(max)s or fewer.") % {
            "length": f"{len(value):,}",
            "max": f"{max_length:,}",
        }
    return value


def _check_saving(errors: dict[str, str], field: str, value: Decimal | None) -> None:
    if value is not None and value < 0:
        errors[field] = _("Give an estimate of zero or more, or leave it empty.")


def _locked_idea(idea: Idea) -> Idea:
    # Only the idea's row is locked (a campaign may be missing: no lock on an outer join).
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("category", "department", "campaign")
        .get(pk=idea.pk)
    )


def check_implemented(idea: Idea) -> None:
    if idea.status != Status.IMPLEMENTED or idea.merged_into_id is not None:
        raise ValidationError(
            _(
                "Impact can be recorded only once an idea is implemented. This one is "
                "“%(status)s”: mark it implemented first, with a response saying what was done."
            )
            % {"status": idea.get_status_display()},
            code="not_implemented",
        )


def _clean_contributors(
    idea: Idea, people_with_notes: Sequence[tuple[Person, str]]
) -> list[tuple[Person, str]]:
    """One entry per person (the last note wins), active people only, notes checked."""
    by_person: dict[int, tuple[Person, str]] = {}
    for person, note in people_with_notes:
        by_person[person.pk] = (person, (note or "").strip())
    errors: list[str] = []
    if len(by_person) > MAX_CONTRIBUTORS:
        errors.append(
            _("Credit up to %(max)d people; the idea page lists them all.")
            % {"max": MAX_CONTRIBUTORS}
        )
    for person, note in by_person.values():
        if not person.is_active:
            errors.append(
                _("@%(username)s no longer works here and can't be credited.")
                % {"username": person.username}
            )
        if person.pk == idea.author_id and not idea.is_anonymous:
            # (For an anonymous idea the same name passes without a word: a different
            # answer would tell the reviewer who wrote it.)
            errors.append(
                _("@%(username)s proposed this idea and is credited as its author already.")
                % {"username": person.username}
            )
        if len(note) > CONTRIBUTION_MAX_LENGTH:
            errors.append(
                _("Keep what @%(username)s did to %(max)d characters.")
                % {"username": person.username, "max": CONTRIBUTION_MAX_LENGTH}
            )
    if errors:
        raise ValidationError({"contributors": errors})
    notes = {f"contributor-{pk}": note for pk, (_person, note) in by_person.items()}
    try:
        refuse_patient_information(notes)
    except ValidationError as error:
        raise ValidationError(
            {
                "contributors": [
                    message for messages in error.message_dict.values() for message in messages
                ]
            }
        ) from error
    return list(by_person.values())


def _write_contributors(idea: Idea, people: list[tuple[Person, str]]) -> list[Person]:
    """Make the idea's contributors exactly `people`; returns those newly credited."""
    existing = {c.person_id: c for c in Contributor.objects.filter(idea_id=idea.pk)}
    wanted = {person.pk for person, _note in people}
    Contributor.objects.filter(idea_id=idea.pk).exclude(person_id__in=wanted).delete()
    added: list[Person] = []
    for person, note in people:
        current = existing.get(person.pk)
        if current is None:
            Contributor.objects.create(idea=idea, person=person, contribution=note)
            added.append(person)
        elif current.contribution != note:
            current.contribution = note
            current.save(update_fields=["contribution", "updated_at"])
    return added


def _touch(idea: Idea) -> None:
    """The idea looks different now: its cached card and "recently updated" place move."""
    Idea.objects.filter(pk=idea.pk).update(
        version=F("version") + 1, last_activity_at=timezone.now()
    )
    idea.refresh_from_db(fields=["version", "last_activity_at"])


def _notify(idea: Idea, actor: Person, recipients: set[int], message: str) -> None:
    """One IDEA_UPDATE to each active recipient but the recorder (who knows)."""
    wanted = sorted(recipients - {actor.pk})
    if not wanted:
        return
    active = Person.objects.active().filter(pk__in=wanted).values_list("pk", flat=True)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=person_id,
                kind=Notification.Kind.IDEA_UPDATE,
                actor=actor,
                thread_id=idea.thread_id,
                message=message[:MESSAGE_MAX_LENGTH],
            )
            for person_id in active
        ]
    )


@transaction.atomic
def credit_contributors(
    *, idea: Idea, recorder: Person, people_with_notes: Sequence[tuple[Person, str]]
) -> list[Contributor]:
    """Make the people credited on `idea` exactly `people_with_notes` (a person and what
    they did, which may be empty). Newly credited people are told. Returns the contributors.

    Precondition for the caller's page: the recorder may review the idea (checked again
    here, after the lock) and the idea is implemented."""
    current = _locked_idea(idea)
    check_review_idea(recorder, current)
    check_implemented(current)
    people = _clean_contributors(current, people_with_notes)
    added = _write_contributors(current, people)
    _touch(current)
    record_audit(
        actor=recorder,
        action=AuditAction.IDEA_IMPACT_RECORDED,
        target=current,
        summary=f"Contributors of idea {current.pk} credited",
        data={
            "idea": current.pk,
            "contributors": sorted(p.pk for p, _note in people),
            "impact": False,
        },
    )
    impact = Impact.objects.filter(idea_id=current.pk).first()
    if added:
        message = (
            impact_headline(impact) if impact is not None else _("You are credited on this idea.")
        )
        _notify(current, recorder, {p.pk for p in added}, message)
    idea.version, idea.last_activity_at = current.version, current.last_activity_at
    return list(Contributor.objects.filter(idea_id=current.pk).select_related("person"))


@transaction.atomic
def record_impact(
    *,
    idea: Idea,
    recorder: Person,
    what_changed: str,
    measure: str,
    unit: str,
    before_value: Decimal,
    before_on: datetime.date,
    after_value: Decimal,
    after_on: datetime.date,
    lower_is_better: bool = True,
    hours_saved_per_year: Decimal | None = None,
    money_saved_per_year: Decimal | None = None,
    contributors: Sequence[tuple[Person, str]] | None = None,
) -> Impact:
    """Record (or correct) the measured impact of an implemented idea, and — when
    `contributors` is given — who is credited besides the author, all or nothing.

    Every problem is reported at once, per field; patient information is refused. The
    author and everyone credited are told (the recorder excepted), the idea's card and
    "recently updated" place move, and the audit trail keeps ids only.
    """
    errors: dict[str, str] = {}
    what_changed = _clean_text(
        errors,
        "what_changed",
        what_changed,
        WHAT_CHANGED_MAX_LENGTH,
        _("Say what changed, in a few sentences."),
    )
    measure = _clean_text(
        errors,
        "measure",
        measure,
        MEASURE_MAX_LENGTH,
        _("Say what was measured, e.g. “call-light response”."),
    )
    unit = _clean_text(
        errors,
        "unit",
        unit,
        UNIT_MAX_LENGTH,
        _("Give the unit, e.g. “minutes” or “falls a month”."),
    )
    if after_on < before_on:
        errors["after_on"] = _(
            "The “after” measurement can't be dated before the “before” one (%(date)s)."
        ) % {"date": formats.date_format(before_on, "DATE_FORMAT")}
    today = timezone.localdate()
    for field, day in (("before_on", before_on), ("after_on", after_on)):
        if day > today and field not in errors:
            errors[field] = _("This date is in the future: record a measurement once it is made.")
    _check_saving(errors, "hours_saved_per_year", hours_saved_per_year)
    _check_saving(errors, "money_saved_per_year", money_saved_per_year)
    if errors:
        raise ValidationError(errors)
    refuse_patient_information({"what_changed": what_changed, "measure": measure, "unit": unit})

    current = _locked_idea(idea)
    check_review_idea(recorder, current)
    check_implemented(current)
    people = _clean_contributors(current, contributors) if contributors is not None else None
    impact = Impact.objects.filter(idea_id=current.pk).first()
    created = impact is None
    if impact is None:
        impact = Impact(idea=current)
    impact.what_changed = what_changed
    impact.what_changed_html = render_markdown(what_changed).html
    impact.measure, impact.unit = measure, unit
    impact.before_value, impact.before_on = before_value, before_on
    impact.after_value, impact.after_on = after_value, after_on
    impact.lower_is_better = lower_is_better
    impact.hours_saved_per_year = hours_saved_per_year
    impact.money_saved_per_year = money_saved_per_year
    impact.recorded_by = recorder
    impact.save()
    credited: set[int] = set(
        Contributor.objects.filter(idea_id=current.pk).values_list("person_id", flat=True)
    )
    if people is not None:
        _write_contributors(current, people)
        credited = {p.pk for p, _note in people}
    _touch(current)
    record_audit(
        actor=recorder,
        action=AuditAction.IDEA_IMPACT_RECORDED,
        target=current,
        summary=f"Impact of idea {current.pk} {'recorded' if created else 'corrected'}",
        data={
            "idea": current.pk,
            "impact": impact.pk,
            "created": created,
            "contributors": sorted(credited),
        },
    )
    _notify(current, recorder, {current.author_id, *credited}, impact_headline(impact))
    idea.version, idea.last_activity_at = current.version, current.last_activity_at
    return impact
