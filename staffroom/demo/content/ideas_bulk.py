"""Demo step for the `large` size: 50,000 ideas and 1,000,000 votes, in bulk.

Benchmarks need volume: ideas are made from templates with a seeded random stream, proposed
by anyone in the organisation about their own department over the last three years, in
every status (older ideas further along; a few new ones past the response promise), each
with its thread and, once answered, its reviewer's first response. Votes are spread with a
heavy tail (most ideas a handful, some hundreds), one per person per idea.

Rows are written as tuples in batches (COPY on PostgreSQL, multi-row INSERTs elsewhere; see
bulk._Rows), with keys the build assigns, then the sequences are reset. Each idea's
`vote_count` and `trending_score` are computed from exactly the vote rows planned for it, in
the same chunk, so they equal what `recount_votes` would find; the department and campaign
counters are then rebuilt by `stats.recount_ideas`. The search triggers index each idea as
it is inserted (timings in docs/benchmarks.md). Each chunk's ideas carry keys made from the
seed and their number, so a second build adds nothing.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from staffroom.demo.content.bulk import _moment, _next_id, _Rows
from staffroom.demo.content.cast import Cast, CastError, Member
from staffroom.demo.content.common import demo_key
from staffroom.discussion.models import Thread
from staffroom.ideas import stats
from staffroom.ideas.defaults import ensure_default_categories
from staffroom.ideas.models import Category, Idea, Response, Status, Vote
from staffroom.ideas.trending import vote_weight

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

# Ideas and votes added per size; sizes not listed add none.
BULK_IDEA_VOLUMES: dict[str, tuple[int, int]] = {"large": (50_000, 1_000_000)}
CHUNK_IDEAS = 2_000
SPREAD_DAYS = 3 * 365
ANONYMOUS_SHARE = 0.1

THINGS = (
    "call bells", "IV pump charging", "hand-gel dispensers", "the discharge lounge",
    "agency induction packs", "bariatric equipment", "interpreter booking", "night-shift parking",
    "linen supplies", "the staff rest room", "shift handover", "the drug round",
    "the equipment store", "porter requests", "meal ordering", "visiting hours",
    "the rota", "break cover", "blood sample labels", "bed cleaning requests",
    "patient leaflets", "the waiting room", "the supply cupboard", "lockers",
    "the medicine fridge", "wheelchairs", "Wi-Fi on the ward", "the label printer",
    "the falls board", "pressure-relieving mattresses", "phone chargers for patients",
    "training dates", "the new starters' induction", "bike parking", "the lifts",
)  # fmt: skip
TITLES = (
    "Fix {thing} on {unit}",
    "A better way to handle {thing} in {unit}",
    "Make {thing} simpler for the night team in {unit}",
    "Rethink {thing} for {unit}",
    "{unit}: one small change to {thing}",
    "Stop wasting time on {thing} in {unit}",
    "Trial a new approach to {thing} on {unit}",
)
PROBLEMS = (
    "Every shift we lose time over {thing}.",
    "Colleagues on nights tell me {thing} is the hardest part of the job.",
    "Patients and families mention {thing} in almost every complaint we get.",
    "Nobody owns {thing}, so it drifts until something goes wrong.",
    "New starters and agency staff struggle with {thing} most.",
    "It takes three phone calls to sort out {thing} at weekends.",
)
PROPOSALS = (
    "Agree one simple rule for the whole unit and put it on the board.",
    "Trial it for six weeks on one unit, measure, then decide.",
    "Give it a named owner on every shift.",
    "Ask the people who do it every day to redesign it with us.",
    "Move it onto the phones we already carry.",
    "Keep a small stock on each floor, checked on the first round.",
)
# Relative weights of the categories, by slug.
CATEGORY_WEIGHTS = {
    "work-environment": 26,
    "patient-care": 24,
    "patient-safety": 18,
    "efficiency-and-cost": 16,
    "technology": 11,
    "other": 5,
}
ANSWERS = {
    Status.UNDER_REVIEW: "Thank you, we're looking at this with the team and will answer here.",
    Status.ACCEPTED: "We're going ahead with this: details to follow on this page.",
    Status.IN_PROGRESS: "Work has started; we'll share how the trial goes.",
    Status.IMPLEMENTED: "Done. Thank you for the idea.",
    Status.NOT_PLANNED: "Thank you. We can't do this now; the reasons are in the comments.",
}
HTML = {status: f"<p>{escape(text)}</p>" for status, text in ANSWERS.items()}


def build_bulk_ideas(build: DemoBuild) -> None:
    """The large size's 50,000 ideas and 1,000,000 votes (nothing for other sizes)."""
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    volume = BULK_IDEA_VOLUMES.get(build.size.name)
    if volume is None:
        return
    add_bulk_ideas(build, ideas=volume[0], votes=volume[1])


@dataclass
class _Ids:
    thread: int
    idea: int
    response: int
    vote: int

    @classmethod
    def next_free(cls) -> _Ids:
        return cls(_next_id(Thread), _next_id(Idea), _next_id(Response), _next_id(Vote))

    @staticmethod
    def reset_sequences() -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [Thread, Idea, Response, Vote])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def add_bulk_ideas(build: DemoBuild, *, ideas: int, votes: int) -> None:
    """`ideas` ideas about the departments, with `votes` votes among them."""
    cast = Cast()
    people = [m for m in cast.members if m.department_id is not None]
    if len(people) < 2 or ideas <= 0:
        return
    ensure_default_categories()
    categories = dict(Category.objects.filter(is_active=True).values_list("slug", "pk"))
    weights = [CATEGORY_WEIGHTS.get(slug, 5) for slug in categories]
    reviewers = _reviewers(cast)
    unit_names = _place_names(cast)
    ids = _Ids.next_free()
    added_ideas = added_votes = 0
    for first in range(0, ideas, CHUNK_IDEAS):
        numbers = range(first, min(first + CHUNK_IDEAS, ideas))
        # Each chunk's votes are its exact share of the total, so the sum is exact.
        share = votes * numbers.stop // ideas - votes * numbers.start // ideas
        keys = [demo_key("bulk-idea", build.seed, n) for n in numbers]
        if Idea.objects.filter(submission_key__in=keys).exists():
            continue
        rng = random.Random(f"riverside-health:{build.seed}:bulk-ideas:{first}")
        writer = _Chunk(rng, people, list(categories.values()), weights, reviewers, unit_names, ids)
        added_votes += writer.write(keys, share)
        added_ideas += len(keys)
    if added_ideas:
        _Ids.reset_sequences()
        stats.recount_ideas()
    build.count("bulk ideas", added_ideas)
    build.count("bulk idea votes", added_votes)


def _reviewers(cast: Cast) -> dict[int, int]:
    """The person who answers ideas about each department: its director."""
    code_of = {pk: code for code, pk in cast.department_ids.items()}
    out: dict[int, int] = {}
    for department_id, code in code_of.items():
        try:
            out[department_id] = cast.director(code).pk
        except CastError:
            continue
    return out


def _place_names(cast: Cast) -> dict[int, str]:
    from staffroom.organisation.models import Department

    return dict(Department.objects.values_list("pk", "name"))


class _Chunk:
    def __init__(  # noqa: PLR0917  # private: the chunk's shared pieces, built once
        self,
        rng: random.Random,
        people: list[Member],
        categories: list[int],
        weights: list[int],
        reviewers: dict[int, int],
        places: dict[int, str],
        ids: _Ids,
    ) -> None:
        self.rng, self.people, self.categories, self.weights = rng, people, categories, weights
        self.reviewers, self.places, self.ids = reviewers, places, ids
        self.now = timezone.now() - timedelta(minutes=1)
        self.threads = _Rows(Thread)
        self.ideas = _Rows(Idea)
        self.responses = _Rows(Response)
        self.votes = _Rows(Vote)
        self.key_field = Idea._meta.get_field("submission_key")

    def write(self, keys: list[uuid.UUID], vote_total: int) -> int:
        rng = self.rng
        weights = [rng.random() ** 3 for _ in keys]  # most ideas get a few votes, some many
        whole = sum(weights) or 1.0
        ceiling = len(self.people) - 1
        counts = [min(ceiling, int(vote_total * w / whole)) for w in weights]
        short = vote_total - sum(counts)
        while short > 0:  # hand out what rounding (or the ceiling) left, one at a time
            i = rng.randrange(len(keys))
            if counts[i] < ceiling:
                counts[i] += 1
                short -= 1
        for key, count in zip(keys, counts, strict=True):
            self.idea(key, count)
        self.threads.insert()
        self.ideas.insert()
        self.responses.insert()
        return self.votes.insert()

    def idea(self, key: uuid.UUID, vote_count: int) -> None:
        rng = self.rng
        author = self.people[rng.randrange(len(self.people))]
        department_id = author.department_id
        assert department_id is not None
        age = SPREAD_DAYS * rng.random() ** 1.5
        created = self.now - timedelta(days=age, hours=rng.random() * 12)
        status, first_response, changed = self.fate(created, age)
        reviewer = self.reviewers.get(department_id)
        if reviewer is None:
            first_response, status, changed = None, Status.NEW, created
        thing = rng.choice(THINGS)
        place = self.places.get(department_id, "our unit")
        title = rng.choice(TITLES).format(thing=thing, unit=place)
        title = title[0].upper() + title[1:]
        problem = rng.choice(PROBLEMS).format(thing=thing)
        proposal = rng.choice(PROPOSALS)
        thread_id, idea_id = self.ids.thread, self.ids.idea
        self.ids.thread += 1
        self.ids.idea += 1
        # Votes stop when a decision is made (implemented, not planned).
        decided = status in (Status.IMPLEMENTED, Status.NOT_PLANNED)
        end = changed if decided else self.now
        span = max((end - created).total_seconds(), 60.0)
        voters = rng.sample(range(len(self.people)), min(vote_count + 1, len(self.people)))
        voters = [i for i in voters if self.people[i].pk != author.pk][:vote_count]
        score = 0.0
        for index in voters:
            when = created + timedelta(seconds=span * rng.random() ** 1.6)
            score += vote_weight(when)
            self.votes.add(
                id=self.ids.vote,
                idea_id=idea_id,
                person_id=self.people[index].pk,
                created_at=_moment(when),
            )
            self.ids.vote += 1
        made = _moment(created)
        self.threads.add(
            id=thread_id, kind=Thread.Kind.IDEA.value, created_at=made, updated_at=made
        )
        last = changed if first_response is not None else created
        self.ideas.add(
            id=idea_id,
            title=title[:150],
            problem=problem,
            problem_html=f"<p>{escape(problem)}</p>",
            proposal=proposal,
            proposal_html=f"<p>{escape(proposal)}</p>",
            category_id=rng.choices(self.categories, weights=self.weights)[0],
            department_id=department_id,
            author_id=author.pk,
            is_anonymous=rng.random() < ANONYMOUS_SHARE,
            status=str(status),
            status_changed_at=_moment(changed),
            response_due_at=_moment(created + timedelta(days=settings.IDEAS_FIRST_RESPONSE_DAYS)),
            first_response_at=_moment(first_response) if first_response else None,
            last_activity_at=_moment(last),
            vote_count=len(voters),
            trending_score=score,
            first_shown_at=made,
            thread_id=thread_id,
            submission_key=self.key_field.get_db_prep_save(key, connection),
            created_at=made,
            updated_at=_moment(last),
        )
        if first_response is not None and reviewer is not None:
            answered = _moment(first_response)
            self.responses.add(
                id=self.ids.response,
                idea_id=idea_id,
                responder_id=reviewer,
                from_status=Status.NEW.value,
                to_status=str(status),
                message=ANSWERS[status],
                message_html=HTML[status],
                created_at=answered,
                updated_at=answered,
            )
            self.ids.response += 1

    def fate(self, created: datetime, age: float) -> tuple[Status, datetime | None, datetime]:
        """(status, first response, last status change): older ideas are further along."""
        rng = self.rng
        promise = settings.IDEAS_FIRST_RESPONSE_DAYS
        if age < 3 or (age < 60 and rng.random() < 0.12):
            return Status.NEW, None, created  # waiting; past the promise if older than it
        late = rng.random() < 0.2
        wait = rng.uniform(promise + 1, promise + 25) if late else rng.uniform(0.2, promise - 1)
        wait = min(wait, age * 0.9)
        first = created + timedelta(days=wait)
        roll = rng.random()
        if age < 30:
            status = Status.UNDER_REVIEW if roll < 0.8 else Status.ACCEPTED
        elif roll < 0.25:
            status = Status.UNDER_REVIEW
        elif roll < 0.4:
            status = Status.ACCEPTED
        elif roll < 0.52:
            status = Status.IN_PROGRESS
        elif roll < 0.82:
            status = Status.IMPLEMENTED
        else:
            status = Status.NOT_PLANNED
        return status, first, first
