"""Demo step: the safety layer at work — held comments, flags, moderation, an exposure report.

Everything goes through the real services (the PHI guard decides what is held; flags reach
the auto-hide threshold by themselves; the audit trail records each step), so the privacy
officer, the moderator and the nurse find in the demo exactly what the product would show:

- the demo nurse has a comment held by the guard, waiting for her to edit it out or send it
  for review; another comment waits in the privacy queue with its author's note; one was
  released and one removed by the privacy officer;
- the moderation queue holds a comment flagged by two people, one hidden by three flags, and
  one edited by a moderator with a visible note; its author was warned, and someone else is
  suspended for a few days;
- a post that the guard did not catch was marked as patient information by the privacy
  officer, with its exposure report (who could see it, who did);
- the organisation's own MRN format is configured.

The step runs once: the organisation pattern it creates last marks it done. The large size
adds a few hundred flags and holds over the bulk discussion, so the queues page.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.channels.models import Channel, Post
from staffroom.channels.services.posts import create_post
from staffroom.channels.services.reading import record_post_view
from staffroom.core.models import Visibility
from staffroom.demo.content.common import demo_key
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment
from staffroom.moderation.models import Flag, FlagReason
from staffroom.moderation.services import (
    edit_item_as_moderator,
    flag_item,
    suspend_person,
    warn_person,
)
from staffroom.privacy.exposure import mark_as_phi
from staffroom.privacy.models import PrivacyHold, PrivacyPattern
from staffroom.privacy.services import release_hold, remove_held_item, send_for_review

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

PATTERN_NAME = "Riverside MRN"
# Riverside's medical record numbers: "RV" and eight digits (employee IDs are "RH" + six).
PATTERN = r"\bRV\d{8}\b"

HELD_FOR_NURSE = (
    "Huge thanks to everyone on 4 West last night. Mr Dennis Albright in bay 3 "
    "(MRN 20481736) was so much more settled after we moved him nearer the station, and he "
    "slept for the first time in days."
)
SENT_FOR_REVIEW = (
    "Sharing with permission: Mrs Joan Whitfield walked out of 6 North today after her hip "
    "replacement and wanted to thank the whole team. Her son Peter says she's already "
    "planning her next holiday!"
)
REVIEW_NOTE = (
    "Mrs Whitfield asked us to share this and signed the patient story consent form with "
    "the communications team on Monday."
)
RELEASED = (
    "Shared with his permission (consent form is with Communications): Mr Ken Adeyemi "
    "walked the length of 7 West today, six weeks after his stroke. The physio team are "
    "over the moon."
)
RELEASED_NOTE = (
    "He signed the patient story consent form with Communications on Monday, reference PS-2026-118."
)
REMOVED = (
    "Could someone from pharmacy call Maria Gonzalez's daughter back on 555-201-4478 about "
    "the warfarin leaflet? Bed 12 went home yesterday."
)
# Written as people write when a moderator is needed: rude, wrong, a bit of both.
RUDE = "Honestly the night team on 5 West couldn't organise a tea break. Typical."
WRONG = "The flu jab gives you flu, everyone knows that. Nobody should bother this year."
HEATED = (
    "If the car park barrier eats my badge one more time I'm driving through it. Whoever "
    "signed that contract should be sacked."
)
HEATED_EDITED = "If the car park barrier eats my badge one more time I'll scream."
# A post the guard does not catch, which a privacy officer later recognises.
SLIPPED_TITLE = "Goodbye and good luck from 6 North"
SLIPPED_BODY = (
    "A big goodbye today to Harold Pemberton, who went home after eleven weeks with us on "
    "6 North. The whole ward lined the corridor to wave him off, and his granddaughter "
    "filmed it for the family."
)

LARGE_EXTRA_FLAGGED = 300
LARGE_EXTRA_HELD = 60


def build_safety(build: DemoBuild) -> None:
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    if not PrivacyPattern.objects.filter(name=PATTERN_NAME).exists():
        _build_story(build)
    if build.size.name == "large":
        _build_volume(build)


def _person(username: str) -> Person:
    return Person.objects.get(username=username)


def _open_posts() -> list[Post]:
    """Recent posts everyone may read and discuss, newest first."""
    return list(
        Post.objects.live()
        .filter(
            visibility=Visibility.VISIBLE,
            audience_restricted=False,
            thread__is_locked=False,
            channel__is_archived=False,
        )
        .select_related("thread", "channel")
        .order_by("-published_at", "-id")[:12]
    )


def _colleagues(exclude: set[int], count: int, seed: str) -> list[Person]:
    people = list(
        Person.objects.active()
        .filter(is_demo=False, department__isnull=False)
        .exclude(pk__in=exclude)
        .order_by("employee_id")[:200]
    )
    random.Random(seed).shuffle(people)
    return people[:count]


def _comment(post: Post, author: Person, body: str, key: str, seed: int) -> Comment:
    return post_comment(
        thread=post.thread,
        author=author,
        body=body,
        submission_key=demo_key("safety", seed, key),
    )


def _hold_of(comment: Comment) -> PrivacyHold | None:
    return (
        PrivacyHold.objects.filter(item_kind="comment", item_id=comment.pk)
        .order_by("-created_at")
        .first()
    )


def _build_story(build: DemoBuild) -> None:
    nurse = _person("nurse")
    officer = Person.objects.filter(role_grants__role="privacy_officer", is_demo=True).first()
    moderator = Person.objects.filter(role_grants__role="moderator", is_demo=True).first()
    if officer is None or moderator is None:
        return
    posts = _open_posts()
    if len(posts) < 4:
        return
    seed = build.seed
    people = _colleagues({nurse.pk, officer.pk, moderator.pk}, 12, f"safety:{seed}")

    # The PHI guard: held comments in each state a privacy officer meets.
    _comment(posts[0], nurse, HELD_FOR_NURSE, "held-nurse", seed)
    waiting = _comment(posts[1], people[0], SENT_FOR_REVIEW, "held-review", seed)
    hold = _hold_of(waiting)
    if hold is not None and hold.is_open:
        send_for_review(hold=hold, author=people[0], note=REVIEW_NOTE)
    released = _comment(posts[2], people[1], RELEASED, "held-released", seed)
    hold = _hold_of(released)
    if hold is not None and hold.is_open:
        send_for_review(hold=hold, author=people[1], note=RELEASED_NOTE)
        release_hold(
            hold=hold,
            officer=officer,
            note="Consent is on file with Communications, so this can be shared. Lovely news.",
        )
    removed = _comment(posts[3], people[2], REMOVED, "held-removed", seed)
    hold = _hold_of(removed)
    if hold is not None and hold.is_open:
        remove_held_item(
            hold=hold,
            officer=officer,
            note="Please have pharmacy call the family directly instead: a name and a phone "
            "number can't be shared here.",
        )

    # Moderation: flagged, auto-hidden, edited with a note; a warning and a suspension.
    rude = _comment(posts[0], people[3], RUDE, "rude", seed)
    for flagger in people[4:6]:
        _flag(rude, flagger, FlagReason.DISRESPECT, "Not fair on the night team.")
    wrong = _comment(posts[1], people[6], WRONG, "wrong", seed)
    for flagger in people[7:10]:
        _flag(wrong, flagger, FlagReason.MISINFORMATION, "")
    heated = _comment(posts[2], people[10], HEATED, "heated", seed)
    _flag(heated, people[11], FlagReason.DISRESPECT, "Threatening?")
    heated.refresh_from_db()
    if heated.visibility == Visibility.VISIBLE and heated.body == HEATED:
        edit_item_as_moderator(
            obj=heated,
            moderator=moderator,
            body=HEATED_EDITED,
            note="Removed a call to sack a colleague; the point about the barrier stays.",
        )
        warn_person(
            person=people[10],
            moderator=moderator,
            reason="Criticise decisions, not people: please keep it civil.",
            obj=heated,
        )
    suspend_person(
        person=people[3],
        moderator=moderator,
        until=timezone.now() + timedelta(days=3),
        reason="Repeated disrespectful comments about colleagues after a warning.",
    )

    # PHI that got through: marked by the privacy officer, with its exposure report.
    _slipped_post(build, officer, people)

    PrivacyPattern.objects.create(
        name=PATTERN_NAME,
        kind="mrn",
        pattern=PATTERN,
        created_by=Person.objects.filter(role_grants__role="administrator", is_demo=True).first(),
    )


def _flag(comment: Comment, by: Person, reason: str, note: str) -> None:
    if Flag.objects.filter(flagged_by=by, item_kind="comment", item_id=comment.pk).exists():
        return
    comment.refresh_from_db()
    flag_item(obj=comment, by=by, reason=reason, note=note)


def _slipped_post(build: DemoBuild, officer: Person, people: list[Person]) -> None:
    channel = (
        Channel.objects.filter(kind=Channel.Kind.DEPARTMENT, is_archived=False)
        .filter(Q(department__name__icontains="medicine") | Q(department__isnull=False))
        .order_by("name")
        .first()
    )
    author = Person.objects.filter(role_grants__role="communications_admin", is_demo=True).first()
    if channel is None or author is None:
        return
    post = create_post(
        channel=channel,
        author=author,
        title=SLIPPED_TITLE,
        summary="",
        body=SLIPPED_BODY,
        tags=[],
        action="publish",
        submission_key=demo_key("safety", build.seed, "slipped-post"),
    )
    if post.visibility != Visibility.VISIBLE:
        return  # the guard caught it after all: nothing slipped through
    for reader in people[:7]:
        record_post_view(post=post, person=reader)
    mark_as_phi(
        obj=post,
        officer=officer,
        reason="Names a patient and his discharge; reported by the ward manager.",
    )


def _build_volume(build: DemoBuild) -> None:
    """Enough flags and holds over the bulk discussion that the queues need paging."""
    already = Flag.objects.count()
    if already >= LARGE_EXTRA_FLAGGED:
        return
    rng = random.Random(f"riverside-health:{build.seed}:safety-volume")
    comments = list(
        Comment.objects.filter(visibility=Visibility.VISIBLE, deleted_at__isnull=True)
        .order_by("-id")
        .values_list("pk", flat=True)[: LARGE_EXTRA_FLAGGED * 4]
    )
    flaggers = _colleagues(set(), 40, f"safety-volume:{build.seed}")
    reasons = [FlagReason.DISRESPECT, FlagReason.MISINFORMATION, FlagReason.OTHER]
    for pk in rng.sample(comments, min(len(comments), LARGE_EXTRA_FLAGGED)):
        comment = Comment.objects.get(pk=pk)
        by = rng.choice(flaggers)
        if by.pk == comment.author_id:
            continue
        _flag(comment, by, rng.choice(reasons), "")
    posts = _open_posts()
    if not posts:
        return
    for number in range(LARGE_EXTRA_HELD):
        author = flaggers[number % len(flaggers)]
        body = (
            f"Can the day team check on Mr {rng.choice(_SURNAMES)} in bed {rng.randint(1, 28)}? "
            f"MRN RV{rng.randint(10_000_000, 99_999_999)}, his sats dropped overnight."
        )
        _comment(posts[number % len(posts)], author, body, f"volume-held-{number}", build.seed)


_SURNAMES = (
    "Ashworth",
    "Baptiste",
    "Connolly",
    "Dimitrov",
    "Esposito",
    "Fairweather",
    "Galloway",
    "Haddad",
    "Iwasaki",
    "Jablonski",
)
