"""Demo step: the Riverside 2030 plan, its pillars and initiatives, and staff answers.

Answers are drawn per person with a seeded random stream: each initiative has its own mean
understanding and support (some are well understood and less supported, some the other way
round), shifted a little by job family and by department, and only a share of staff answer,
so small departments end up with groups under the minimum size that results hide.
The stored results are then counted from the answer rows, so they are exact.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from staffroom.core.richtext import render_markdown
from staffroom.demo.content.cast import Cast
from staffroom.demo.content.common import days, given_timestamps, unwrap
from staffroom.demo.content.plan_texts import (
    INITIATIVES,
    PILLARS,
    PLAN_BODY,
    PLAN_ENDS,
    PLAN_SLUG,
    PLAN_STARTS,
    PLAN_SUMMARY,
    PLAN_TITLE,
)
from staffroom.discussion.models import Thread
from staffroom.strategy.models import Initiative, InitiativeResponse, Pillar, Plan
from staffroom.strategy.services import recount_initiative_results

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

# The plan was launched with the first Let's Talk post, this many days before the build.
PLAN_LAUNCHED_DAYS_AGO = 56
# How job families tend to answer, against an initiative's means: (understanding, support).
FAMILY_LEANING: dict[str, tuple[float, float]] = {
    "leadership": (0.7, 0.4),
    "nursing": (0.1, 0.1),
    "physicians": (0.0, -0.2),
    "allied-health": (-0.1, 0.0),
    "support-services": (-0.6, 0.1),
    "administration": (0.1, 0.0),
    "technology": (0.2, -0.1),
}
# Leaders and nurses answer more often than average, support staff less.
FAMILY_TURNOUT: dict[str, float] = {
    "leadership": 1.6,
    "nursing": 1.2,
    "support-services": 0.7,
}


def launch_moment() -> datetime:
    return timezone.now() - days(PLAN_LAUNCHED_DAYS_AGO)


def build_strategic_plan(build: DemoBuild) -> None:
    """Riverside 2030 with its pillars and initiatives (each with its thread), by slug."""
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    cast = Cast()
    launched = launch_moment()
    with given_timestamps(Plan, Pillar, Initiative, Thread):
        plan = Plan.objects.filter(slug=PLAN_SLUG).first()
        if plan is None:
            # Another plan marked current (made by hand in the demo) stays current.
            current = not Plan.objects.filter(is_current=True).exists()
            plan = Plan.objects.create(
                slug=PLAN_SLUG,
                title=PLAN_TITLE,
                summary=PLAN_SUMMARY,
                body=unwrap(PLAN_BODY),
                body_html=render_markdown(unwrap(PLAN_BODY)).html,
                starts_on=date.fromisoformat(PLAN_STARTS),
                ends_on=date.fromisoformat(PLAN_ENDS),
                is_current=current,
                created_at=launched,
                updated_at=launched,
            )
            build.count("plans", 1)
        pillars = list(plan.pillars.order_by("position"))
        if not pillars:
            pillars = Pillar.objects.bulk_create(
                [
                    Pillar(
                        plan=plan,
                        title=title,
                        summary=summary,
                        position=position,
                        created_at=launched,
                        updated_at=launched,
                    )
                    for position, (title, summary) in enumerate(PILLARS)
                ]
            )
            build.count("pillars", len(pillars))
        have = set(
            Initiative.objects.filter(slug__in=[i.slug for i in INITIATIVES]).values_list(
                "slug", flat=True
            )
        )
        missing = [(n, i) for n, i in enumerate(INITIATIVES) if i.slug not in have]
        threads = Thread.objects.bulk_create(
            [
                Thread(kind=Thread.Kind.INITIATIVE, created_at=launched, updated_at=launched)
                for _ in missing
            ]
        )
        Initiative.objects.bulk_create(
            [
                Initiative(
                    pillar=pillars[text.pillar],
                    slug=text.slug,
                    title=text.title,
                    summary=text.summary,
                    goal=text.goal,
                    body=unwrap(text.body),
                    body_html=render_markdown(unwrap(text.body)).html,
                    owner_id=cast.role(text.owner).pk,
                    status=text.status,
                    target_date=date.fromisoformat(text.target),
                    position=position,
                    thread=thread,
                    created_at=launched,
                    updated_at=launched,
                )
                for (position, text), thread in zip(missing, threads, strict=True)
            ]
        )
        build.count("initiatives", len(missing))
    _build_answers(build, cast, launched)


def _build_answers(build: DemoBuild, cast: Cast, launched: datetime) -> None:
    initiatives = {
        i.slug: i for i in Initiative.objects.filter(slug__in=[t.slug for t in INITIATIVES])
    }
    family_code = {pk: code for code, pk in cast.job_family_ids.items()}
    now = timezone.now()
    span = (now - launched).total_seconds()
    answered = set(
        InitiativeResponse.objects.filter(initiative__in=initiatives.values()).values_list(
            "initiative_id", "person_id"
        )
    )
    new: list[InitiativeResponse] = []
    changed: set[int] = set()
    for text in INITIATIVES:
        initiative = initiatives[text.slug]
        rng = random.Random(f"riverside-health:{build.seed}:answers:{text.slug}")
        leaning_of_department: dict[int | None, float] = {}
        for m in cast.core:
            family = family_code.get(m.job_family_id or 0, "")
            turnout = text.answered * FAMILY_TURNOUT.get(family, 1.0)
            # Draw every number whether or not the person answers, so that answers
            # already in the database don't shift anyone else's.
            takes_part = rng.random() < turnout
            department_leaning = leaning_of_department.setdefault(
                m.department_id, rng.gauss(0, 0.35)
            )
            u_shift, s_shift = FAMILY_LEANING.get(family, (0.0, 0.0))
            understanding = _score(rng.gauss(text.understanding + u_shift, 0.85))
            support = _score(rng.gauss(text.support + s_shift + department_leaning, 0.9))
            when = launched + timedelta(seconds=span * rng.random() ** 1.6)
            if not takes_part or (initiative.pk, m.pk) in answered:
                continue
            new.append(
                InitiativeResponse(
                    initiative=initiative,
                    person_id=m.pk,
                    understanding=understanding,
                    support=support,
                    department_id=m.department_id,
                    job_family_id=m.job_family_id,
                    created_at=when,
                    updated_at=when,
                )
            )
            changed.add(initiative.pk)
    with given_timestamps(InitiativeResponse):
        InitiativeResponse.objects.bulk_create(new, batch_size=2000)
    build.count("initiative answers", len(new))
    for initiative in initiatives.values():
        if initiative.pk in changed:
            # The same service that repairs them in production: one definition of a result.
            recount_initiative_results(initiative=initiative)


def _score(value: float) -> int:
    return max(1, min(5, round(value)))
