"""Demo step: the idea box at work — a few hundred ideas in every status, answered, voted,
discussed, merged and measured, and two campaigns (one open, one closed with its results).

Everything but the votes goes through the real services, as a person would: `create_idea`
(so the PHI guard reads every idea and new ideas are routed to their reviewers),
`follow_idea`, `post_comment`, `respond`, `merge_ideas`, `record_impact` and `save_campaign`.
Votes (about 7,000) are written as rows: through `vote` they took most of the step's time,
and a vote does nothing else than add its row and move the counts recounted at the end. The services
stamp what they write with the moment of the build, so each row is then given its own moment
in the story with `.update()` (ideas proposed months ago, answered on time or late, some still
waiting past the promised N days); at the end `recount_votes` and `recount_ideas` set every
stored count (votes, trending scores, department and campaign counters) from the rows.

Reviewers: each concerned department's director holds the idea reviewer role for it, the
Chief Nursing Officer reviews organisation-wide (as does the demo login `reviewer`), each
other site's executive reviews their site, a patient safety specialist reviews the Patient
safety category and the IT director the Technology one; the campaigns name their own.

The step runs once: the first demo idea's submission key marks it done.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.demo.content import idea_texts as texts
from staffroom.demo.content.cast import Cast, Member, pick
from staffroom.demo.content.common import days, demo_key
from staffroom.demo.content.idea_texts import (
    CLOSED_CAMPAIGN,
    OPEN_CAMPAIGN,
    DuplicateText,
    IdeaText,
    ImpactText,
)
from staffroom.discussion.models import Comment, Thread
from staffroom.discussion.services import post_comment
from staffroom.ideas import stats
from staffroom.ideas.defaults import ensure_default_categories
from staffroom.ideas.models import (
    Campaign,
    Category,
    Contributor,
    Follow,
    Idea,
    Impact,
    Response,
    Status,
    Vote,
)
from staffroom.ideas.services.campaigns import save_campaign
from staffroom.ideas.services.impact import record_impact
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reviewing import merge_ideas, respond
from staffroom.ideas.services.voting import follow_idea, recount_votes
from staffroom.notifications.models import Notification
from staffroom.organisation.models import Department, JobFamily, Site
from staffroom.strategy.models import Initiative

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

# How the fates of ideas without a fate of their own are drawn (relative weights).
STATUS_WEIGHTS: tuple[tuple[str, int], ...] = (
    (Status.NEW, 24),
    (Status.UNDER_REVIEW, 24),
    (Status.ACCEPTED, 12),
    (Status.IN_PROGRESS, 10),
    (Status.IMPLEMENTED, 16),
    (Status.NOT_PLANNED, 9),
)
# How far back ideas of each status were proposed (days: min, max).
AGES: dict[str, tuple[float, float]] = {
    Status.NEW: (0.2, 12.0),
    Status.UNDER_REVIEW: (6.0, 120.0),
    Status.ACCEPTED: (25.0, 200.0),
    Status.IN_PROGRESS: (40.0, 240.0),
    Status.IMPLEMENTED: (90.0, 330.0),
    Status.NOT_PLANNED: (20.0, 260.0),
}
# Of new ideas, this share is older than the promise and still waits: overdue.
OVERDUE_SHARE = 0.25
# Of first answers, this share came after the promised days.
LATE_SHARE = 0.2
ANONYMOUS_SHARE = 0.06  # besides the ideas written to be anonymous: about 10% in all
# Notifications older than this have been read.
READ_AFTER_DAYS = 3
NURSE = "nurse"
ORGANISATION_REVIEWER = "reviewer"  # the demo login: idea reviewer for the whole organisation
CAMPAIGN_EDITOR = "ceo"
PATIENT_SAFETY_LEAD_TITLE = "Patient Safety Specialist"


@dataclass
class Step:
    """A reviewer's answer on the timeline: the status it sets (None keeps the status)."""

    when: datetime
    status: str | None
    message: str
    reviewer: Member


@dataclass
class Planned:
    key: str
    title: str
    problem: str
    proposal: str
    category: str
    department: str
    place: str
    author: Member
    anonymous: bool
    created: datetime
    status: str
    campaign: str = ""
    initiative: str = ""
    steps: list[Step] = field(default_factory=list)
    voters: list[tuple[Member, datetime]] = field(default_factory=list)
    followers: list[Member] = field(default_factory=list)
    comments: list[tuple[Member, str, datetime, int | None]] = field(default_factory=list)
    impact: ImpactText | None = None
    impact_on: datetime | None = None
    survivor: str = ""  # for a duplicate: the key of the idea it is merged into
    merged_at: datetime | None = None
    idea: Idea | None = None

    @property
    def last_activity(self) -> datetime:
        moments = [self.created, *(s.when for s in self.steps)]
        if self.impact_on is not None:
            moments.append(self.impact_on)
        if self.merged_at is not None:
            moments.append(self.merged_at)
        return max(moments)


def idea_key(text_key: str, number: int) -> str:
    return f"{text_key}:{number}"


def submission_key_of(key: str) -> uuid.UUID:
    return demo_key("idea", key)


def written_ideas() -> Iterator[tuple[IdeaText, int, tuple[str, str], str]]:
    """Every (text, place number, place, title) the demo proposes, titles all different."""
    for text in texts.IDEAS:
        for number, place in enumerate(text.places):
            title = text.title.format(place=place[1])
            if number and "{place}" not in text.title:
                title = f"{title} ({place[1].removeprefix('the ')})"
            yield text, number, place, title


def all_written_texts() -> list[str]:
    """Every text the demo writes into the idea box (for the PHI guard test)."""
    out: list[str] = []
    for text, _number, place, title in written_ideas():
        out += [title, text.problem.format(place=place[1]), text.proposal.format(place=place[1])]
        out += [text.answer, text.decline]
        if text.impact is not None:
            out += [text.impact.what_changed, text.impact.measure, text.impact.unit]
            out += list(text.impact.contributions)
    for dup in texts.DUPLICATES:
        out += [dup.title, dup.problem, dup.proposal]
    for campaign in texts.CAMPAIGNS:
        out += [campaign.title, campaign.question, campaign.results]
    for pool in (
        texts.UNDER_REVIEW,
        texts.ACCEPTED,
        texts.IN_PROGRESS,
        texts.IMPLEMENTED,
        texts.NOT_PLANNED,
        texts.ANSWER_ONLY,
        texts.COMMENTS,
        texts.REVIEWER_COMMENTS,
    ):
        out += [line.replace("{place}", "4 West") for line in pool]
    out.append(texts.MERGED)
    return [t for t in out if t]


def build_ideas(build: DemoBuild) -> None:
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    first = next(written_ideas())
    if Idea.objects.filter(
        submission_key=submission_key_of(idea_key(first[0].key, first[1]))
    ).exists():
        return
    cast = Cast()
    _Story(build, cast).run()


class _Story:
    def __init__(self, build: DemoBuild, cast: Cast) -> None:
        self.build, self.cast = build, cast
        self.started = timezone.now()
        self.now = self.started - timedelta(minutes=5)
        self.rng = random.Random(f"riverside-health:{build.seed}:ideas")
        ensure_default_categories()
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.initiatives = {i.slug: i for i in Initiative.objects.all()}
        self.people: dict[int, Person] = {}
        self.nurse = cast.role(NURSE)
        self.org_reviewer = cast.role(ORGANISATION_REVIEWER)
        self.campaign_reviewers: dict[str, list[Member]] = {}
        self.campaign_families: dict[str, set[int]] = {}
        self.campaign_windows: dict[str, tuple[datetime, datetime]] = {}
        self.safety_lead: Member | None = None

    # --- People and roles ----------------------------------------------------------------

    def person(self, member: Member) -> Person:
        if member.pk not in self.people:
            self.people[member.pk] = Person.objects.get(pk=member.pk)
        return self.people[member.pk]

    def _departments_used(self) -> list[str]:
        codes = {place[0] for text in texts.IDEAS for place in text.places}
        codes |= {dup.place[0] for dup in texts.DUPLICATES}
        return sorted(c for c in codes if c in self.departments)

    def grant_roles(self) -> None:
        cast = self.cast
        granted = 0

        def grant(
            member: Member, *, site: Site | None = None, department: int | None = None
        ) -> None:
            nonlocal granted
            _grant, created = RoleGrant.objects.get_or_create(
                person_id=member.pk,
                role=Role.IDEA_REVIEWER,
                site=site,
                department_id=department,
            )
            granted += created

        for code in self._departments_used():
            director = cast.director(code)
            if not director.is_demo:  # demo logins hold exactly the roles the README lists
                grant(director, department=self.departments[code].pk)
        grant(cast.role("cno"))
        for site_code in ("ngh", "lcw"):
            site = Site.objects.get(code=site_code)
            grant(cast.director(f"{site_code}-executive-office"), site=site)
        self.build.count("roles", granted)
        quality = cast.colleagues("rgh-quality-safety")
        self.safety_lead = next(
            (m for m in quality if m.job_title == PATIENT_SAFETY_LEAD_TITLE), None
        )
        if self.safety_lead is not None:
            self.categories["patient-safety"].reviewers.add(self.safety_lead.pk)
        self.categories["technology"].reviewers.add(cast.director("rgh-information-technology").pk)
        self.people.clear()  # role caches: read people again from here on

    # --- Campaigns ---------------------------------------------------------------------------

    def campaigns(self) -> dict[str, Campaign]:
        cast = self.cast
        editor = self.person(cast.role(CAMPAIGN_EDITOR))
        house = next(
            (
                m
                for m in cast.colleagues("rgh-nursing-administration")
                if "Supervisor" in m.job_title
            ),
            cast.director("rgh-nursing-administration"),
        )
        self.campaign_reviewers = {
            OPEN_CAMPAIGN: [cast.role("cno"), house, cast.director("rgh-facilities")],
            CLOSED_CAMPAIGN: [cast.role("cpo"), cast.director("rgh-human-resources")],
        }
        out: dict[str, Campaign] = {}
        for text in texts.CAMPAIGNS:
            opens = self.now - days(text.opened_days_ago)
            closes = self.now + days(max(text.closes_in_days, 1))
            families = list(JobFamily.objects.filter(code__in=text.job_families))
            self.campaign_families[text.slug] = {f.pk for f in families}
            campaign = save_campaign(
                editor=editor,
                title=text.title,
                question=text.question,
                opens_at=opens,
                closes_at=closes,
                audience_job_families=families,
                reviewers=[self.person(m) for m in self.campaign_reviewers[text.slug]],
                initiative=self.initiatives.get(text.initiative),
            )
            Campaign.objects.filter(pk=campaign.pk).update(
                created_at=opens - days(3), updated_at=opens - days(3)
            )
            out[text.slug] = campaign
            ends = self.now + days(text.closes_in_days) if text.closes_in_days < 0 else self.now
            self.campaign_windows[text.slug] = (opens, ends)
        self.build.count("idea campaigns", len(out))
        return out

    def close_campaigns(self, campaigns: dict[str, Campaign]) -> None:
        """The closed campaign closes (in the past) with its results, once its ideas are in."""
        for text in texts.CAMPAIGNS:
            if text.closes_in_days >= 0:
                continue
            campaign = campaigns[text.slug]
            save_campaign(
                editor=self.person(self.cast.role(CAMPAIGN_EDITOR)),
                campaign=campaign,
                title=text.title,
                question=text.question,
                opens_at=campaign.opens_at,
                closes_at=self.now + days(text.closes_in_days),
                audience_sites=list(campaign.audience_sites.all()),
                audience_departments=list(campaign.audience_departments.all()),
                audience_job_families=list(campaign.audience_job_families.all()),
                reviewers=list(campaign.reviewers.all()),
                initiative=campaign.initiative,
                results_summary=text.results,
            )

    # --- Planning ----------------------------------------------------------------------------

    def author_for(self, text: IdeaText, code: str, rng: random.Random) -> Member:
        if text.by:
            return self.cast.role(text.by)
        director = self.cast.director(code)
        pool = [m for m in self.cast.colleagues(code) if not m.is_demo and m.pk != director.pk]
        if text.campaign and self.campaign_families.get(text.campaign):
            wanted = self.campaign_families[text.campaign]
            pool = [m for m in pool if m.job_family_id in wanted] or [
                m for m in self.cast.core if m.job_family_id in wanted and not m.is_demo
            ]
        if text.problem.startswith(("En ", "El ", "La ")):
            pool = [m for m in pool if m.language == "es"] or pool
        return pool[rng.randrange(len(pool))] if pool else director

    def reviewer_for(self, plan: Planned, rng: random.Random) -> Member:
        if plan.campaign:
            choice = rng.choice(self.campaign_reviewers[plan.campaign])
        elif plan.category == "patient-safety" and self.safety_lead and rng.random() < 0.5:
            choice = self.safety_lead
        elif rng.random() < 0.25:
            choice = self.org_reviewer
        else:
            choice = self.cast.director(plan.department)
        # A demo login who directs the department (comms) holds only the roles listed for it.
        if choice.pk == plan.author.pk or (choice.is_demo and choice != self.org_reviewer):
            return self.org_reviewer
        return choice

    def fate(self, text: IdeaText, number: int, rng: random.Random) -> str:
        if number == 0 and text.status:
            return text.status
        if number == 0 and text.decline:
            return Status.NOT_PLANNED
        if text.campaign == OPEN_CAMPAIGN:
            return rng.choice([Status.NEW, Status.NEW, Status.UNDER_REVIEW, Status.ACCEPTED])
        if text.campaign == CLOSED_CAMPAIGN:
            return rng.choice([Status.ACCEPTED, Status.IN_PROGRESS, Status.IMPLEMENTED])
        statuses = [s for s, _w in STATUS_WEIGHTS]
        return rng.choices(statuses, weights=[w for _s, w in STATUS_WEIGHTS])[0]

    def created_for(self, status: str, campaign: str, rng: random.Random) -> datetime:
        if campaign:
            opens, ends = self.campaign_windows[campaign]
            span = (ends - opens).total_seconds()
            return opens + timedelta(seconds=span * rng.uniform(0.02, 0.85))
        low, high = AGES[status]
        if status == Status.NEW and rng.random() < OVERDUE_SHARE:
            low, high = settings.IDEAS_FIRST_RESPONSE_DAYS + 1, 45.0
        moment = self.now - days(rng.uniform(low, high))
        # Proposed in waking hours, mostly.
        return moment.replace(hour=rng.choice((7, 9, 11, 13, 15, 19, 22, 3)))

    def plan_steps(self, plan: Planned, text: IdeaText | None, rng: random.Random) -> None:
        status = plan.status
        path = {
            Status.NEW: [],
            Status.UNDER_REVIEW: [Status.UNDER_REVIEW],
            Status.ACCEPTED: [Status.UNDER_REVIEW, Status.ACCEPTED],
            Status.IN_PROGRESS: [Status.UNDER_REVIEW, Status.ACCEPTED, Status.IN_PROGRESS],
            Status.IMPLEMENTED: [
                Status.UNDER_REVIEW,
                Status.ACCEPTED,
                Status.IN_PROGRESS,
                Status.IMPLEMENTED,
            ],
            Status.NOT_PLANNED: [Status.UNDER_REVIEW, Status.NOT_PLANNED],
        }[Status(status)]
        if status == Status.ACCEPTED and rng.random() < 0.3:
            path = [Status.ACCEPTED]  # an easy yes, straight away
        age = (self.now - plan.created).total_seconds() / 86400
        promise = settings.IDEAS_FIRST_RESPONSE_DAYS
        reviewer = self.reviewer_for(plan, rng)
        if not path:
            # A new idea: most recent ones wait (inside the promise); some got a question.
            if age > 4 and age < promise and rng.random() < 0.3:
                when = plan.created + days(rng.uniform(1, age - 0.5))
                plan.steps.append(Step(when, None, rng.choice(texts.ANSWER_ONLY), reviewer))
            return
        late = rng.random() < LATE_SHARE and age > promise + 4
        first = rng.uniform(promise + 1, min(age - 1, promise + 20)) if late else None
        if first is None:
            first = rng.uniform(0.3, max(0.4, min(promise - 1, age * 0.4)))
        moments = [first]
        remaining = len(path) - 1
        for k in range(remaining):
            share = (k + 1) / (remaining + 0.3)
            moments.append(first + (age - first) * share * rng.uniform(0.75, 1.0))
        place = plan.place
        for wanted, offset in zip(path, moments, strict=True):
            message = self.message_for(wanted, text, place, rng)
            plan.steps.append(Step(plan.created + days(offset), wanted, message, reviewer))
        if status == Status.IMPLEMENTED and plan.impact is not None:
            done = plan.steps[-1].when
            plan.impact_on = min(done + days(rng.uniform(28, 56)), self.now - days(1))

    def message_for(
        self, status: str, text: IdeaText | None, place: str, rng: random.Random
    ) -> str:
        if status == Status.NOT_PLANNED:
            return (
                text.decline if text is not None and text.decline else rng.choice(texts.NOT_PLANNED)
            )
        if text is not None and text.answer and status in (Status.UNDER_REVIEW, Status.ACCEPTED):
            return text.answer
        pool = {
            Status.UNDER_REVIEW: texts.UNDER_REVIEW,
            Status.ACCEPTED: texts.ACCEPTED,
            Status.IN_PROGRESS: texts.IN_PROGRESS,
            Status.IMPLEMENTED: texts.IMPLEMENTED,
        }[Status(status)]
        return rng.choice(pool).replace("{place}", place)

    def plan_votes(self, plan: Planned, rng: random.Random, popular: bool) -> None:
        end = self.now
        decided = [
            s.when for s in plan.steps if s.status in (Status.IMPLEMENTED, Status.NOT_PLANNED)
        ]
        if decided:
            end = decided[0] - timedelta(hours=1)
        if plan.campaign:
            end = min(end, self.campaign_windows[plan.campaign][1] - timedelta(hours=1))
        wanted = rng.randint(60, 170) if popular else int(1 + 150 * rng.random() ** 8)
        if plan.status == Status.NEW:
            wanted = min(wanted, 3 + int((self.now - plan.created).days * 1.5))
        colleagues = self.cast.colleagues(plan.department)
        chosen: dict[int, Member] = {}
        everyone = self.cast.core
        limit = min(wanted, len(everyone) - 1)
        while len(chosen) < limit:
            pool = colleagues if colleagues and rng.random() < 0.35 else everyone
            m = pool[rng.randrange(len(pool))]
            if m.pk != plan.author.pk:
                chosen[m.pk] = m
        span = max((end - plan.created).total_seconds(), 600.0)
        plan.voters = [
            (m, plan.created + timedelta(seconds=span * rng.random() ** 1.6))
            for m in chosen.values()
        ]
        voters = list(chosen.values())
        followers = rng.sample(voters, min(len(voters), rng.randint(0, 3)))
        plan.followers = [m for m in followers if m.pk != plan.author.pk]

    def plan_comments(self, plan: Planned, rng: random.Random) -> None:
        n = min(9, int(rng.expovariate(0.55)) + (2 if len(plan.voters) > 50 else 0))
        end = plan.steps[-1].when if plan.status == Status.IMPLEMENTED else self.now
        span = max((end - plan.created).total_seconds(), 600.0)
        audience = self.cast.colleagues(plan.department) or self.cast.core
        used: set[str] = set()
        for k in range(n):
            who = pick(rng, audience if rng.random() < 0.6 else self.cast.core, {plan.author.pk})
            if who.pk == self.nurse.pk:
                who = pick(rng, self.cast.core, {self.nurse.pk, plan.author.pk})
            spanish = [line for line in texts.COMMENTS if line[:2] in ("Sí", "Bu")]
            english = [line for line in texts.COMMENTS if line not in spanish]
            pool = spanish if who.language == "es" and rng.random() < 0.7 else english
            fresh = [line for line in pool if line not in used] or pool
            body = rng.choice(fresh)
            used.add(body)
            when = plan.created + timedelta(seconds=span * rng.random() ** 1.4)
            plan.comments.append((who, body, when, None))
            if k == 0 and plan.steps and rng.random() < 0.45:
                reviewer = plan.steps[0].reviewer
                answer = rng.choice(texts.REVIEWER_COMMENTS)
                later = max(when, plan.steps[0].when) + timedelta(hours=rng.uniform(1, 30))
                plan.comments.append((reviewer, answer, min(later, self.now), 0))

    def plan(self) -> tuple[list[Planned], list[Planned]]:
        rng = self.rng
        ideas: list[Planned] = []
        by_key: dict[str, Planned] = {}
        for text, number, (code, place), title in written_ideas():
            if code not in self.departments:
                continue
            sub = random.Random(f"riverside-health:{self.build.seed}:idea:{text.key}:{number}")
            status = self.fate(text, number, sub)
            author = self.author_for(text, code, sub)
            plan = Planned(
                key=idea_key(text.key, number),
                title=title,
                problem=text.problem.format(place=place),
                proposal=text.proposal.format(place=place),
                category=text.category,
                department=code,
                place=place,
                author=author,
                anonymous=(text.anonymous or sub.random() < ANONYMOUS_SHARE) and not text.by,
                created=self.created_for(status, text.campaign, sub),
                status=status,
                campaign=text.campaign,
                initiative=text.initiative,
                impact=text.impact if number == 0 and status == Status.IMPLEMENTED else None,
            )
            self.plan_steps(plan, text, sub)
            self.plan_votes(plan, sub, popular=plan.impact is not None or sub.random() < 0.03)
            self.plan_comments(plan, sub)
            ideas.append(plan)
            by_key[plan.key] = plan
        duplicates: list[Planned] = []
        for dup in texts.DUPLICATES:
            survivor = by_key.get(idea_key(dup.survivor, 0))
            if survivor is None or dup.place[0] not in self.departments:
                continue
            duplicates.append(self.plan_duplicate(dup, survivor, rng))
        return ideas, duplicates

    def plan_duplicate(self, dup: DuplicateText, survivor: Planned, rng: random.Random) -> Planned:
        code, place = dup.place
        pool = [
            m
            for m in self.cast.colleagues(code)
            if not m.is_demo and m.pk not in {survivor.author.pk, self.cast.director(code).pk}
        ] or self.cast.core
        created = survivor.created + days(rng.uniform(2, 20))
        created = min(created, self.now - days(2))
        merged_at = created + days(rng.uniform(0.5, 6))
        first_decision = next(
            (s.when for s in survivor.steps if s.status == Status.IMPLEMENTED), None
        )
        if first_decision is not None and merged_at > first_decision:
            merged_at = first_decision - timedelta(hours=2)
            created = min(created, merged_at - days(1))
        merged_at = min(merged_at, self.now - timedelta(hours=1))
        plan = Planned(
            key=dup.key,
            title=dup.title,
            problem=dup.problem,
            proposal=dup.proposal,
            category=dup.category,
            department=code,
            place=place,
            author=pool[rng.randrange(len(pool))],
            anonymous=rng.random() < ANONYMOUS_SHARE,
            created=created,
            status=Status.DUPLICATE,
            survivor=survivor.key,
            merged_at=merged_at,
        )
        # Some who voted for the survivor voted for the duplicate too: after the merge
        # they count once.
        overlap = [m for m, _when in survivor.voters[: rng.randint(2, 8)] if m.pk != plan.author.pk]
        others = [m for m in rng.sample(self.cast.core, 12) if m.pk != plan.author.pk]
        chosen = {m.pk: m for m in [*overlap, *others[: rng.randint(1, 8)]]}
        span = max((merged_at - created).total_seconds(), 600.0)
        plan.voters = [
            (m, created + timedelta(seconds=span * rng.random())) for m in chosen.values()
        ]
        if rng.random() < 0.5:
            who = pick(rng, self.cast.core, {plan.author.pk, self.nurse.pk})
            body = rng.choice([c for c in texts.COMMENTS if c[:2] not in ("Sí", "Bu")])
            plan.comments.append((who, body, created + timedelta(seconds=span / 3), None))
        return plan

    # --- Writing -----------------------------------------------------------------------------

    def run(self) -> None:
        self.grant_roles()
        campaigns = self.campaigns()
        ideas, duplicates = self.plan()
        by_key: dict[str, Planned] = {}
        votes: list[Vote] = []
        for plan in [*ideas, *duplicates]:
            self.propose(plan, campaigns)
            votes += self.cast_votes(plan)
            self.discuss(plan)
            by_key[plan.key] = plan
        # Written as rows: the voting service, called 7,000 times, was most of this step's
        # time, and a vote has no other effect than its row and the counts, which
        # recount_votes sets at the end (and merge_ideas for the ideas it merges).
        Vote.objects.bulk_create(votes, batch_size=1000)
        for plan in ideas:
            self.answer(plan)
        for plan in duplicates:
            self.merge(plan, by_key[plan.survivor])
        impacts = 0
        for plan in ideas:
            impacts += self.measure(plan)
        for plan in [*ideas, *duplicates]:
            self.redate_idea(plan)
        self.close_campaigns(campaigns)
        self.read_old_notifications([p for p in [*ideas, *duplicates] if p.idea is not None])
        recount_votes()
        stats.recount_ideas()
        self.build.count("ideas", len(ideas) + len(duplicates))
        self.build.count("merged duplicates", len(duplicates))
        self.build.count("idea votes", Vote.objects.count())
        self.build.count("idea impacts", impacts)

    def redate(self, thread_id: int, when: datetime) -> None:
        """What a service just wrote about this idea's thread happened at `when`."""
        Notification.objects.filter(thread_id=thread_id, created_at__gte=self.started).update(
            created_at=when, updated_at=when
        )

    def propose(self, plan: Planned, campaigns: dict[str, Campaign]) -> None:
        idea = create_idea(
            author=self.person(plan.author),
            title=plan.title,
            problem=plan.problem,
            proposal=plan.proposal,
            category=self.categories[plan.category],
            department=self.departments[plan.department],
            campaign=campaigns.get(plan.campaign) if plan.campaign else None,
            initiative=self.initiatives.get(plan.initiative) if plan.initiative else None,
            is_anonymous=plan.anonymous,
            submission_key=submission_key_of(plan.key),
        )
        plan.idea = idea
        Thread.objects.filter(pk=idea.thread_id).update(
            created_at=plan.created, updated_at=plan.created
        )
        self.redate(idea.thread_id, plan.created)

    def cast_votes(self, plan: Planned) -> list[Vote]:
        """The idea's votes, as rows (written together), and its followers, by the service."""
        assert plan.idea is not None
        for member in plan.followers:
            follow_idea(idea=plan.idea, person=self.person(member))
        Follow.objects.filter(idea_id=plan.idea.pk).update(
            created_at=plan.created + timedelta(hours=2)
        )
        return [
            Vote(idea_id=plan.idea.pk, person_id=member.pk, created_at=when)
            for member, when in plan.voters
        ]

    def discuss(self, plan: Planned) -> None:
        assert plan.idea is not None
        thread = plan.idea.thread
        made: list[Comment] = []
        for number, (member, body, when, answers) in enumerate(plan.comments):
            comment = post_comment(
                thread=thread,
                author=self.person(member),
                body=body,
                parent=made[answers] if answers is not None and answers < len(made) else None,
                submission_key=demo_key("idea-comment", plan.key, number),
            )
            Comment.objects.filter(pk=comment.pk).update(
                created_at=when, updated_at=when, first_shown_at=when
            )
            made.append(comment)
            self.redate(thread.pk, when)
        self.build.count("idea comments", len(made))

    def answer(self, plan: Planned) -> None:
        assert plan.idea is not None
        for step in plan.steps:
            respond(
                idea=plan.idea,
                reviewer=self.person(step.reviewer),
                message=step.message,
                status=step.status,
            )
            Response.objects.filter(idea_id=plan.idea.pk, created_at__gte=self.started).update(
                created_at=step.when, updated_at=step.when
            )
            self.redate(plan.idea.thread_id, step.when)
        self.build.count("idea responses", len(plan.steps))

    def merge(self, plan: Planned, survivor: Planned) -> None:
        assert plan.idea is not None
        assert survivor.idea is not None
        assert plan.merged_at is not None
        merge_ideas(
            duplicate=plan.idea,
            survivor=survivor.idea,
            reviewer=self.person(self.org_reviewer),
            message=texts.MERGED,
        )
        Response.objects.filter(
            idea_id__in=[plan.idea.pk, survivor.idea.pk], created_at__gte=self.started
        ).update(created_at=plan.merged_at, updated_at=plan.merged_at)
        self.redate(plan.idea.thread_id, plan.merged_at)
        survivor.merged_at = max(survivor.merged_at or plan.merged_at, plan.merged_at)
        plan.steps.append(Step(plan.merged_at, Status.DUPLICATE, texts.MERGED, self.org_reviewer))

    def measure(self, plan: Planned) -> int:
        impact, idea = plan.impact, plan.idea
        if impact is None or idea is None or plan.impact_on is None:
            return 0
        done = plan.steps[-1].when
        rng = random.Random(f"riverside-health:{self.build.seed}:impact:{plan.key}")
        colleagues = [
            m
            for m in self.cast.colleagues(plan.department)
            if m.pk != plan.author.pk and not m.is_demo
        ]
        credited = rng.sample(colleagues, min(len(colleagues), len(impact.contributions)))
        recorder = plan.steps[-1].reviewer
        before_on = _date(plan.steps[0].when - days(14))
        after_on = _date(plan.impact_on)
        record_impact(
            idea=idea,
            recorder=self.person(recorder),
            what_changed=impact.what_changed,
            measure=impact.measure,
            unit=impact.unit,
            before_value=Decimal(impact.before),
            before_on=before_on,
            after_value=Decimal(impact.after),
            after_on=max(after_on, before_on),
            lower_is_better=impact.lower_is_better,
            hours_saved_per_year=Decimal(impact.hours_saved) if impact.hours_saved else None,
            money_saved_per_year=Decimal(impact.money_saved) if impact.money_saved else None,
            contributors=[
                (self.person(m), note)
                for m, note in zip(credited, impact.contributions, strict=False)
            ],
        )
        moment = max(plan.impact_on, done)
        Impact.objects.filter(idea_id=idea.pk).update(created_at=moment, updated_at=moment)
        Contributor.objects.filter(idea_id=idea.pk).update(created_at=moment, updated_at=moment)
        self.redate(idea.thread_id, moment)
        return 1

    def redate_idea(self, plan: Planned) -> None:
        if plan.idea is None:
            return
        changes = [s.when for s in plan.steps if s.status is not None]
        Idea.objects.filter(pk=plan.idea.pk).update(
            created_at=plan.created,
            updated_at=plan.last_activity,
            first_shown_at=plan.created,
            response_due_at=plan.created + days(settings.IDEAS_FIRST_RESPONSE_DAYS),
            status_changed_at=max(changes) if changes else plan.created,
            first_response_at=plan.steps[0].when if plan.steps else None,
            last_activity_at=plan.last_activity,
        )

    def read_old_notifications(self, plans: list[Planned]) -> None:
        """What is older than a few days has been read; recent idea news stays unread."""
        threads = [p.idea.thread_id for p in plans if p.idea is not None]
        unread = Notification.objects.filter(thread_id__in=threads, read_at__isnull=True)
        unread.filter(created_at__lt=self.now - days(READ_AFTER_DAYS)).update(
            read_at=F("created_at") + timedelta(hours=6)
        )


def _date(moment: datetime) -> date:
    return timezone.localtime(moment).date()
