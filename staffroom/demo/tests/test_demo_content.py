"""The demo hospital's content: the plan, posts, discussion, answers and reads.

The demo is built once for this module (inside a transaction rolled back at the end) and
each test reads it; the counter tests recount every stored counter from the rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from PIL import Image

from staffroom.accounts.models import Person
from staffroom.channels.models import (
    Channel,
    ChannelEditor,
    Post,
    PostImage,
    PostReach,
    PostView,
    Tag,
)
from staffroom.channels.permissions import can_edit_channel
from staffroom.demo.content.bulk import add_bulk_posts
from staffroom.demo.content.cast import CORE_EMPLOYEE_IDS_BELOW
from staffroom.demo.hospital import LARGE_TIER, SIZES, DemoSize
from staffroom.demo.services import DemoBuild, DemoReport, build_demo_hospital
from staffroom.discussion.models import (
    Backlink,
    Comment,
    CommentRevision,
    Mention,
    Reaction,
    Thread,
)
from staffroom.notifications.models import Notification
from staffroom.organisation.models import Department
from staffroom.strategy.models import (
    Initiative,
    InitiativeResponse,
    InitiativeResult,
    Pillar,
    Plan,
)
from staffroom.strategy.services import recount_initiative_results

TODAY = date(2025, 6, 2)
DEMO = SIZES["demo"]
# The large structure with few enough people to build in a test (and no bulk content).
LARGE_SHAPED = DemoSize("large-shaped", people=1200, tier=LARGE_TIER)
CONTENT_MODELS = (
    Channel,
    ChannelEditor,
    Tag,
    Post,
    PostImage,
    PostView,
    PostReach,
    Thread,
    Comment,
    CommentRevision,
    Reaction,
    Mention,
    Backlink,
    Notification,
    Plan,
    Pillar,
    Initiative,
    InitiativeResponse,
    InitiativeResult,
)
MINIMUM_GROUP = 5


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoReport]:
    """One demo build for every test here; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = build_demo_hospital(size=DEMO, today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def built(demo: DemoReport, db: None) -> DemoReport:
    return demo


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in CONTENT_MODELS}


def cno() -> Person:
    return Person.objects.get(
        job_title="Chief Nursing Officer", department__code="rgh-executive-office"
    )


def test_the_current_plan_is_riverside_2030_with_four_pillars_and_owned_initiatives(
    built: DemoReport,
) -> None:
    plan = Plan.objects.get(is_current=True)
    assert plan.title == "Riverside 2030"
    assert plan.body_html
    assert plan.pillars.count() == 4
    initiatives = Initiative.objects.filter(pillar__plan=plan).select_related("thread", "owner")
    assert initiatives.count() >= 10
    assert {i.thread.kind for i in initiatives} == {Thread.Kind.INITIATIVE}
    owners = {i.owner.username for i in initiatives}
    assert cno().username in owners
    assert len(owners) >= 5
    assert {i.status for i in initiatives} >= {"planned", "on_track", "at_risk", "off_track"}
    assert Post.objects.exclude(initiative=None).count() >= 8


def test_lets_talk_explains_the_plan_in_posts_by_the_ceo_and_the_cno(built: DemoReport) -> None:
    lets_talk = Channel.objects.get(kind=Channel.Kind.LEADERSHIP)
    posts = Post.objects.filter(channel=lets_talk)
    live = posts.live()
    assert live.filter(author__username="ceo").count() >= 3
    assert live.filter(author=cno()).count() >= 3
    assert live.filter(tags__slug="riverside-2030").count() >= 6
    assert live.exclude(pinned_at=None).count() == 1
    scheduled = posts.get(status=Post.Status.SCHEDULED)
    assert scheduled.published_at is not None
    assert scheduled.published_at > timezone.now()
    assert posts.filter(status=Post.Status.DRAFT, published_at=None).count() == 1
    oldest = live.order_by("published_at").first()
    assert oldest is not None
    assert oldest.published_at is not None
    assert 50 <= (timezone.now() - oldest.published_at).days <= 60
    # The CNO is a named editor of Let's Talk; the CEO edits it as a communications admin.
    assert ChannelEditor.objects.filter(channel=lets_talk, person=cno()).exists()
    assert can_edit_channel(cno(), lets_talk)
    assert can_edit_channel(Person.objects.get(username="ceo"), lets_talk)


def test_department_posts_are_written_by_editors_of_their_channel(built: DemoReport) -> None:
    posts = Post.objects.filter(channel__kind=Channel.Kind.DEPARTMENT).select_related(
        "author", "channel__department"
    )
    assert 30 <= posts.count() <= 60
    assert posts.values("channel").distinct().count() >= 15
    for post in posts:
        assert can_edit_channel(post.author, post.channel), post.title
    emergency = Channel.objects.get(department__code="rgh-emergency")
    assert posts.filter(channel=emergency, author__username="editor").count() >= 2
    topics = Channel.objects.filter(kind=Channel.Kind.TOPIC)
    assert set(topics.values_list("name", flat=True)) >= {"Wellbeing", "Nursing Practice Council"}
    assert all(t.created_by is not None and t.created_by.username == "comms" for t in topics)
    assert ChannelEditor.objects.filter(channel__in=topics).count() >= 4


def test_post_illustrations_are_real_jpegs_in_storage_with_honest_alt_text(
    built: DemoReport,
) -> None:
    images = PostImage.objects.select_related("post")
    assert images.count() >= 30
    assert images.values("post").distinct().count() >= 30
    for image in images[:5]:
        assert default_storage.exists(image.image.name)
        with default_storage.open(image.image.name) as file, Image.open(file) as picture:
            assert picture.format == "JPEG"
            assert picture.size == (image.width, image.height) == (1200, 675)
    assert all(
        alt.startswith("Illustration: ") for alt in images.values_list("alt_text", flat=True)
    )


def test_some_posts_are_for_an_audience_and_one_is_public(built: DemoReport) -> None:
    council = Post.objects.get(title="Council decision: peripheral IV dwell times")
    assert council.audience_restricted
    nurse, evs = Person.objects.get(username="nurse"), Person.objects.get(username="evs")
    assert Post.objects.visible_to(nurse).filter(pk=council.pk).exists()
    assert not Post.objects.visible_to(evs).filter(pk=council.pk).exists()
    rota = Post.objects.get(title__startswith="December rota")
    assert Post.objects.visible_to(evs).filter(pk=rota.pk).exists()
    assert not Post.objects.visible_to(nurse).filter(pk=rota.pk).exists()
    public = Post.objects.get(is_public=True)
    assert not public.audience_restricted
    assert public.images.exists()
    # The audience flag and the lists agree everywhere.
    listed = Post.objects.filter(
        Q(audience_sites__isnull=False)
        | Q(audience_departments__isnull=False)
        | Q(audience_job_families__isnull=False)
    ).distinct()
    assert set(listed) == set(Post.objects.filter(audience_restricted=True))


def test_comments_follow_the_depth_rules_with_replies_two_levels_deep(built: DemoReport) -> None:
    by_depth = dict(Comment.objects.values_list("depth").annotate(n=Count("id")))
    assert by_depth[0] >= 300
    assert by_depth[1] >= 50
    assert by_depth[2] >= 10
    comments = {c.pk: c for c in Comment.objects.all()}
    for c in comments.values():
        if c.depth == 0:
            assert (c.parent_id, c.root_id, c.reply_to_id) == (None, None, None)
            continue
        assert c.parent_id is not None
        assert c.root_id is not None
        parent, root = comments[c.parent_id], comments[c.root_id]
        assert parent.thread_id == root.thread_id == c.thread_id
        assert parent.depth == c.depth - 1
        assert root.depth == 0
        assert (parent.pk if c.depth == 1 else parent.root_id) == root.pk
        if c.reply_to_id is not None:
            answered = comments[c.reply_to_id]
            assert c.depth == answered.depth == 2
            assert answered.parent_id == c.parent_id
    assert Comment.objects.exclude(reply_to=None).exists()
    threads = Thread.objects.filter(post__isnull=False)
    discussed = threads.filter(comment_count__gt=0).count()
    assert (
        discussed
        >= 0.8
        * Post.objects.live()
        .filter(channel__kind__in=[Channel.Kind.LEADERSHIP, Channel.Kind.DEPARTMENT])
        .count()
    )
    assert Thread.objects.filter(initiative__isnull=False, comment_count__gte=2).count() >= 10
    assert Comment.objects.filter(body__regex=r"[áéíóñ¿¡]").exists()  # Rosa's colleagues


def test_every_stored_discussion_counter_matches_the_rows(built: DemoReport) -> None:
    live = Q(comments__deleted_at=None, comments__visibility="visible")
    wrong = Thread.objects.annotate(n=Count("comments", filter=live)).exclude(comment_count=F("n"))
    assert not wrong.exists()
    wrong_replies = Comment.objects.annotate(
        n=Count("replies", filter=Q(replies__deleted_at=None, replies__visibility="visible"))
    ).exclude(reply_count=F("n"))
    assert not wrong_replies.exists()
    subject: dict[int, Counter[str]] = {}
    per_comment: dict[int, Counter[str]] = {}
    for thread_id, comment_id, kind in Reaction.objects.values_list(
        "thread_id", "comment_id", "kind"
    ):
        target = per_comment if comment_id else subject
        target.setdefault(comment_id or thread_id, Counter())[kind] += 1
    for thread in Thread.objects.all():
        kinds = subject.get(thread.pk, Counter())
        assert thread.reaction_counts == dict(kinds), thread.pk
        assert thread.reaction_total == sum(kinds.values())
    for comment in Comment.objects.all():
        kinds = per_comment.get(comment.pk, Counter())
        assert comment.reaction_counts == dict(kinds), comment.pk
        assert comment.reaction_total == sum(kinds.values())
    assert sum(sum(k.values()) for k in subject.values()) > 500
    assert len(per_comment) > 100


def test_reach_and_channel_counters_match_the_reads_and_the_live_posts(built: DemoReport) -> None:
    views = dict(PostView.objects.values_list("post").annotate(n=Count("id")))
    for post in Post.objects.all():
        assert post.reach_count == views.get(post.pk, 0), post.title
        reach = dict(PostReach.objects.filter(post=post).values_list("department_id", "people"))
        departments = Counter(
            PostView.objects.filter(post=post).values_list("person__department_id", flat=True)
        )
        assert reach == {d: n for d, n in departments.items() if n}
    shown = Post.objects.live().filter(visibility="visible")
    live = dict(shown.values_list("channel").annotate(n=Count("id")))
    for channel in Channel.objects.all():
        assert channel.post_count == live.get(channel.pk, 0), channel.name
    # Nobody reads a post meant for someone else, or a post before it is published.
    assert not PostView.objects.filter(viewed_at__lt=F("post__published_at")).exists()
    for view in PostView.objects.filter(post__audience_restricted=True).select_related("person"):
        assert Post.objects.visible_to(view.person).filter(pk=view.post_id).exists()


def test_the_demo_nurse_has_read_some_posts_and_not_others(built: DemoReport) -> None:
    nurse = Person.objects.get(username="nurse")
    followed = Post.objects.visible_to(nurse).filter(
        Q(channel__kind=Channel.Kind.LEADERSHIP) | Q(channel__department=nurse.department)
    )
    read = set(PostView.objects.filter(person=nurse).values_list("post_id", flat=True))
    assert read
    assert followed.exclude(pk__in=read).count() >= 2


def test_initiative_results_are_counted_from_the_answers(built: DemoReport) -> None:
    for initiative in Initiative.objects.all():
        answers = InitiativeResponse.objects.filter(initiative=initiative)
        assert initiative.response_count == answers.count() >= 50
        expected: dict[tuple[str, int], Counter[str]] = {}
        for u, s, department_id, family_id in answers.values_list(
            "understanding", "support", "department_id", "job_family_id"
        ):
            for group in (
                ("everyone", 0),
                ("department", department_id or 0),
                ("job_family", family_id or 0),
            ):
                expected.setdefault(group, Counter()).update({f"u{u}": 1, f"s{s}": 1})
        stored = {
            (r.group, r.group_id): Counter(
                {f"{q}{n}": getattr(r, f"{q}{n}") for q in "us" for n in range(1, 6)}
            )
            for r in InitiativeResult.objects.filter(initiative=initiative)
        }
        assert {k: +v for k, v in stored.items()} == expected


def test_the_strategy_recount_service_agrees_with_the_demo_results(built: DemoReport) -> None:
    recount = recount_initiative_results
    for initiative in Initiative.objects.all():
        before = set(InitiativeResult.objects.filter(initiative=initiative).values_list())
        before_count = initiative.response_count
        recount(initiative=initiative)
        initiative.refresh_from_db()
        after = set(InitiativeResult.objects.filter(initiative=initiative).values_list())
        assert {row[1:] for row in after if sum(row[4:9])} == {row[1:] for row in before}
        assert initiative.response_count == before_count


def test_answers_differ_by_initiative_and_some_department_groups_are_too_small_to_show(
    built: DemoReport,
) -> None:
    def mean(result: InitiativeResult, question: str) -> float:
        total: int = sum(n * getattr(result, f"{question}{n}") for n in range(1, 6))
        return total / result.size

    everyone = {
        r.initiative.slug: r
        for r in InitiativeResult.objects.filter(group="everyone").select_related("initiative")
    }
    rostering = everyone["new-rostering-system"]
    assert mean(rostering, "u") - mean(rostering, "s") > 0.5  # understood, less supported
    ladders = everyone["career-ladders-support-staff"]
    assert mean(ladders, "s") - mean(ladders, "u") > 0.5  # supported, less understood
    sizes = [r.size for r in InitiativeResult.objects.filter(group="department")]
    assert any(size < MINIMUM_GROUP for size in sizes)
    assert sum(size >= MINIMUM_GROUP for size in sizes) >= 50
    assert Person.objects.filter(employee_id__gte=CORE_EMPLOYEE_IDS_BELOW).count() == 0


def test_mentions_match_the_comments_and_notify_the_people_mentioned(built: DemoReport) -> None:
    usernames = set(Person.objects.values_list("username", flat=True))
    expected = set()
    for pk, body in Comment.objects.filter(deleted_at=None).values_list("pk", "body"):
        for username in re.findall(r"(?<![\w@])@([A-Za-z0-9_.-]+[A-Za-z0-9_])", body):
            if username in usernames:
                expected.add((pk, username))
    stored = set(Mention.objects.values_list("comment_id", "person__username"))
    assert stored == expected
    assert len(stored) >= 15
    for mention in Mention.objects.exclude(person=F("author")):
        assert Notification.objects.filter(
            recipient=mention.person_id, kind="mention", comment=mention.comment_id
        ).exists()
    assert Mention.objects.filter(person__username="nurse").exists()


def test_the_nurse_has_unread_notifications_of_mentions_and_replies(built: DemoReport) -> None:
    unread = Notification.objects.filter(recipient__username="nurse", read_at=None)
    assert unread.count() >= 3
    kinds = set(unread.values_list("kind", flat=True))
    assert {"mention", "reply"} <= kinds
    assert kinds <= {"mention", "reply", "idea_update", "reaction", "channel_post"}
    assert Notification.objects.filter(recipient__username="nurse").exclude(read_at=None).exists()
    for n in Notification.objects.filter(kind="reply").select_related("comment"):
        assert n.comment is not None
        assert n.comment.depth > 0


def test_one_comment_was_edited_one_removed_and_one_links_to_another_post(
    built: DemoReport,
) -> None:
    edited = Comment.objects.exclude(edited_at=None).filter(moderation_note="").get()
    revision = edited.revisions.get()
    assert revision.body != edited.body
    removed = Comment.objects.exclude(deleted_at=None).get()
    assert removed.body == ""
    assert Comment.objects.filter(parent=removed).exists()
    backlink = Backlink.objects.select_related("target__post", "source_comment").get()
    assert backlink.source_comment is not None
    assert backlink.target.post.get_absolute_url() in backlink.source_comment.body
    assert backlink.source_id == backlink.source_comment.thread_id


def test_building_again_adds_no_content(built: DemoReport) -> None:
    before = counts()
    again = build_demo_hospital(size=DEMO, today=TODAY)
    assert again.already_built
    assert counts() == before


def test_the_bulk_generator_adds_exact_numbers_with_exact_counters(built: DemoReport) -> None:
    build = DemoBuild(size=DEMO, seed=5, plan=None)  # type: ignore[arg-type]  # not used here
    posts_before, comments_before = Post.objects.count(), Comment.objects.count()
    add_bulk_posts(build, posts=300, comments=2_500)
    assert Post.objects.count() - posts_before == 300
    assert Comment.objects.count() - comments_before == 2_500
    assert build.created == {"bulk posts": 300, "bulk comments": 2_500}
    new = Post.objects.order_by("-pk")[:300]
    assert all(p.channel.kind == Channel.Kind.DEPARTMENT for p in new)
    assert all(p.thread.kind == Thread.Kind.POST and p.body_html.startswith("<p>") for p in new)
    live = Q(comments__deleted_at=None, comments__visibility="visible")
    assert (
        not Thread.objects.annotate(n=Count("comments", filter=live))
        .exclude(comment_count=F("n"))
        .exists()
    )
    assert not Comment.objects.annotate(n=Count("replies")).exclude(reply_count=F("n")).exists()
    assert Comment.objects.filter(depth=2, root__depth=0, parent__depth=1).exists()
    assert not Comment.objects.filter(depth__gt=0).exclude(root__depth=0).exists()
    live_posts = dict(Post.objects.live().values_list("channel").annotate(n=Count("id")))
    assert all(c.post_count == live_posts.get(c.pk, 0) for c in Channel.objects.all())
    # The same seed again finds its posts and adds nothing.
    again = DemoBuild(size=DEMO, seed=5, plan=None)  # type: ignore[arg-type]
    add_bulk_posts(again, posts=300, comments=2_500)
    assert again.created == {"bulk posts": 0, "bulk comments": 0}
    # New rows after a bulk build get fresh keys (PostgreSQL sequences were moved on).
    Thread.objects.create(kind=Thread.Kind.POST)


def test_a_large_build_on_a_demo_build_keeps_the_written_content_as_it_was(
    built: DemoReport,
) -> None:
    before = counts()
    departments_before = Department.objects.count()
    report = build_demo_hospital(size=LARGE_SHAPED, today=TODAY)
    assert report.created["people"] == LARGE_SHAPED.people - DEMO.people
    after = counts()
    new_departments = Department.objects.count() - departments_before
    assert new_departments > 0
    assert after.pop("Channel") - before.pop("Channel") == new_departments
    assert after == before


def test_the_safety_layer_has_work_in_every_queue(built: DemoReport) -> None:
    from staffroom.audit.models import AuditEntry
    from staffroom.moderation.models import FlaggedItem, Suspension
    from staffroom.privacy.models import ExposureReport, PrivacyHold, PrivacyPattern

    statuses = Counter(PrivacyHold.objects.values_list("status", flat=True))
    assert statuses[PrivacyHold.Status.AWAITING_AUTHOR] >= 1
    assert statuses[PrivacyHold.Status.IN_REVIEW] >= 1
    assert statuses[PrivacyHold.Status.RELEASED] == 1
    assert statuses[PrivacyHold.Status.REMOVED] == 1
    nurse_hold = PrivacyHold.objects.get(author__username="nurse")
    assert nurse_hold.is_open
    held = Comment.objects.get(pk=nurse_hold.item_id)
    assert held.visibility == "held"
    # The guard decided, not the demo: the findings name what it found.
    assert {f["kind"] for f in nurse_hold.findings} >= {"mrn"}
    assert FlaggedItem.objects.filter(state="open").count() >= 2
    assert Comment.objects.filter(visibility="hidden").count() == 1
    assert Comment.objects.exclude(moderation_note="").count() == 1
    assert Suspension.objects.in_force().count() == 1
    report = ExposureReport.objects.get()
    assert report.saw_count >= 7
    assert report.could_see_count > report.saw_count
    assert PrivacyPattern.objects.filter(name="Riverside MRN", is_active=True).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"held", "sent_for_review", "released", "removed", "flagged", "hidden"} <= actions
    assert {"edited_by_moderator", "warned", "suspended", "marked_phi"} <= actions
