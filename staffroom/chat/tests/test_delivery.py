"""Cards delivered to a real local HTTPS receiver by the real worker (run_jobs): what is sent,
when, what is never sent, retries, giving up and pausing the hook."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.queries import open_hold_of
from staffroom.channels.services import posts
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory
from staffroom.chat import services
from staffroom.chat.delivery import PAUSE_AFTER_FAILURES
from staffroom.chat.models import ChatDelivery, ChatHook, DeliveryKind, HookKind
from staffroom.chat.tests.factories import ChatHookFactory
from staffroom.chat.tests.receiver import Receiver
from staffroom.core.models import Visibility
from staffroom.ideas.models import Idea, Status
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.tests.factories import CategoryFactory
from staffroom.jobs.outbox import OutboxStatus
from staffroom.jobs.testing import failed_tasks, run_jobs
from staffroom.notifications.models import Notification
from staffroom.organisation.tests.factories import DepartmentFactory, SiteFactory, UnitFactory
from staffroom.privacy.services import release_hold

pytestmark = pytest.mark.django_db

PHI_BODY = "Visiting for patient Maria Lopez (DOB 03/14/1957) in bed 4."


@pytest.fixture
def channel() -> Channel:
    return ChannelFactory(name="Emergency & Urgent Care", slug="emergency")


@pytest.fixture
def editor(channel: Channel) -> Person:
    person: Person = ChannelEditorFactory(
        channel=channel, person=PersonFactory(first_name="Ana", last_name="García")
    ).person
    return person


def hook_for(channel: Channel, receiver: Receiver, **fields: Any) -> ChatHook:
    fields.setdefault("kind", HookKind.SLACK)
    fields.setdefault("url", receiver.url())
    return ChatHookFactory(channel=channel, **fields)


def publish(channel: Channel, author: Person, **fields: Any) -> Post:
    words: dict[str, Any] = {
        "title": "Flu jabs <this week> & next",
        "summary": "The clinic is in room 4 from 8am.",
        "body": "Bring your **badge**. The clinic is open to every shift.",
        "tags": [],
        "action": "publish",
    }
    words.update(fields)
    return posts.create_post(channel=channel, author=author, **words)


def test_a_published_post_reaches_the_slack_room_as_a_well_formed_card(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook = hook_for(channel, receiver)
    post = publish(channel, editor)

    assert run_jobs() >= 1

    [request] = receiver.requests
    assert request.method == "POST"
    assert request.path == "/services/T000/B000/XXXXSECRETXXXX"
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    card = request.json
    assert (
        card["text"]
        == "New post in Emergency &amp; Urgent Care: Flu jabs &lt;this week&gt; &amp; next"
    )
    header, section, context, actions = card["blocks"]
    assert header["text"]["text"] == "Flu jabs <this week> & next"
    assert section["text"] == {"type": "mrkdwn", "text": "The clinic is in room 4 from 8am."}
    assert context["elements"][0]["text"] == "New post in Emergency &amp; Urgent Care · Ana García"
    assert actions["elements"][0]["url"] == f"https://staff.riverside.example/posts/{post.pk}/"
    # Only the summary: the body never leaves Staffroom.
    assert "badge" not in request.body.decode()

    delivery = ChatDelivery.objects.get()
    assert delivery.key == f"post:{post.pk}:hook:{hook.pk}"
    assert delivery.status == OutboxStatus.SENT
    hook.refresh_from_db()
    assert hook.last_delivered_at is not None
    assert hook.last_error == ""


def test_a_teams_hook_receives_an_adaptive_card(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook_for(channel, receiver, kind=HookKind.TEAMS)
    post = publish(channel, editor)
    run_jobs()
    [request] = receiver.requests
    message = request.json
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content = attachment["content"]
    assert content["type"] == "AdaptiveCard"
    assert content["version"] == "1.4"
    runs = [block["inlines"][0]["text"] for block in content["body"]]
    assert runs == [
        "New post in Emergency & Urgent Care · Ana García",
        "Flu jabs <this week> & next",
        "The clinic is in room 4 from 8am.",
    ]
    [action] = content["actions"]
    assert action["type"] == "Action.OpenUrl"
    assert action["url"] == f"https://staff.riverside.example/posts/{post.pk}/"


def test_each_active_hook_of_the_channel_gets_the_post_once(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook_for(channel, receiver)
    hook_for(channel, receiver, url=receiver.url("/second"))
    hook_for(channel, receiver, url=receiver.url("/paused"), paused_at=timezone.now())
    hook_for(channel, receiver, url=receiver.url("/ideas-only"), send_posts=False)
    ChatHookFactory(url=receiver.url("/other-channel"))
    post = publish(channel, editor)
    # Shown again (unpublished, published): nothing is sent twice.
    posts.unpublish_post(post=post, editor=editor)
    posts.publish_post(post=post, editor=editor)
    run_jobs()
    assert sorted(r.path for r in receiver.requests) == [
        "/second",
        "/services/T000/B000/XXXXSECRETXXXX",
    ]


def test_drafts_and_posts_for_some_people_only_are_never_sent(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook_for(channel, receiver)
    publish(channel, editor, action="draft")
    publish(channel, editor, title="Night shift only", audience_sites=[SiteFactory()])
    run_jobs()
    assert receiver.requests == []
    assert not ChatDelivery.objects.exists()


def test_a_held_post_is_sent_only_once_a_privacy_officer_releases_it(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook_for(channel, receiver)
    post = publish(channel, editor, title="Visiting hours", body=PHI_BODY, summary="")
    assert post.visibility == Visibility.HELD
    run_jobs()
    assert receiver.requests == []
    assert not ChatDelivery.objects.exists()

    officer = RoleGrantFactory(role=Role.PRIVACY_OFFICER).person
    hold = open_hold_of(post)
    assert hold is not None
    release_hold(hold=hold, officer=officer, note="A volunteer, not a patient.")
    run_jobs()
    [request] = receiver.requests
    assert request.json["blocks"][0]["text"]["text"] == "Visiting hours"


def test_a_post_hidden_before_its_card_went_out_is_not_sent(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook_for(channel, receiver)
    post = publish(channel, editor)
    posts.set_post_visibility(post=post, visibility=Visibility.HIDDEN)
    run_jobs()
    assert receiver.requests == []
    assert ChatDelivery.objects.get().status == OutboxStatus.CANCELLED


def test_a_scheduled_post_is_sent_when_its_time_comes(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook_for(channel, receiver)
    at = timezone.now() + timedelta(hours=2)
    publish(channel, editor, action="schedule", publish_at=at)
    run_jobs()
    assert receiver.requests == []
    with time_machine.travel(at + timedelta(seconds=1)):
        run_jobs()
    assert len(receiver.requests) == 1


def test_an_edit_of_an_old_post_is_not_news_for_a_room_connected_since(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    post = publish(channel, editor)
    run_jobs()
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        hook_for(channel, receiver)
        posts.edit_post(
            post=post,
            editor=editor,
            title=post.title,
            summary="Moved to room 5.",
            body=post.body,
            tags=[],
        )
        run_jobs()
    assert receiver.requests == []


def test_a_server_error_is_retried_with_backoff_and_delivered_once(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook = hook_for(channel, receiver)
    receiver.answer(500, times=2, body=b"rollup_error")
    publish(channel, editor)

    run_jobs()
    assert len(receiver.requests) == 1
    delivery = ChatDelivery.objects.get()
    assert delivery.status == OutboxStatus.PENDING
    assert "500" in delivery.last_error
    hook.refresh_from_db()
    assert "Slack answered 500 (rollup_error)" in hook.last_error
    # Not again before its backoff is over.
    run_jobs()
    assert len(receiver.requests) == 1

    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        run_jobs()
        delivery.refresh_from_db()
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
            run_jobs()
    assert len(receiver.requests) == 3
    delivery.refresh_from_db()
    assert delivery.status == OutboxStatus.SENT
    assert delivery.attempts == 3
    hook.refresh_from_db()
    assert hook.last_error == ""
    assert hook.consecutive_failures == 0
    assert not hook.is_paused
    # All three calls carried the same card.
    assert len({r.body for r in receiver.requests}) == 1


def test_retry_after_is_honoured(channel: Channel, editor: Person, receiver: Receiver) -> None:
    receiver.answer(429, headers={"Retry-After": "600"})
    hook_for(channel, receiver)
    publish(channel, editor)
    before = timezone.now()
    run_jobs()
    delivery = ChatDelivery.objects.get()
    assert delivery.status == OutboxStatus.PENDING
    assert delivery.next_attempt_at >= before + timedelta(seconds=600)
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        run_jobs()
    delivery.refresh_from_db()
    assert delivery.status == OutboxStatus.SENT


def test_a_deleted_webhook_pauses_the_hook_and_tells_its_editors(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    creator = PersonFactory()
    other_editor = ChannelEditorFactory(channel=channel).person
    outsider = PersonFactory()
    hook = hook_for(channel, receiver, created_by=creator, name="#ed-news")
    receiver.answer(404, body=b"no_service")
    publish(channel, editor)
    publish(channel, editor, title="Second post")

    run_jobs()

    # The first card told us the address is gone: the second was never tried.
    assert len(receiver.requests) == 1
    hook.refresh_from_db()
    assert hook.is_paused
    assert "no longer exists" in hook.paused_reason
    assert "no_service" in hook.paused_reason
    statuses = sorted(ChatDelivery.objects.values_list("status", flat=True))
    assert statuses == [OutboxStatus.CANCELLED, OutboxStatus.FAILED]
    told = Notification.objects.filter(kind=services.CHAT_HOOK_PAUSED)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [editor.pk, other_editor.pk, creator.pk]
    )
    assert outsider.pk not in told.values_list("recipient_id", flat=True)
    message = told.first().message  # type: ignore[union-attr]
    assert "#ed-news" in message
    assert "Emergency & Urgent Care" in message
    assert failed_tasks() == []

    # Nothing more is sent while paused.
    publish(channel, editor, title="Third post")
    run_jobs()
    assert len(receiver.requests) == 1


def test_repeated_failures_pause_the_hook(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook = hook_for(channel, receiver)
    receiver.answer(400, times=PAUSE_AFTER_FAILURES, body=b"invalid_blocks")
    for number in range(PAUSE_AFTER_FAILURES):
        publish(channel, editor, title=f"Post {number}")
        run_jobs()
        hook.refresh_from_db()
        assert hook.consecutive_failures == number + 1
        assert hook.is_paused == (number + 1 == PAUSE_AFTER_FAILURES)
    assert "3 cards in a row" in hook.paused_reason
    assert "invalid_blocks" in hook.paused_reason
    assert Notification.objects.filter(kind=services.CHAT_HOOK_PAUSED).count() == 1


def test_a_success_resets_the_failure_count(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook = hook_for(channel, receiver)
    receiver.answer(400)
    publish(channel, editor, title="Refused")
    run_jobs()
    hook.refresh_from_db()
    assert hook.consecutive_failures == 1
    publish(channel, editor, title="Accepted")
    run_jobs()
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0


def test_a_server_that_keeps_failing_is_given_up_after_its_attempts_and_counted(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    hook = hook_for(channel, receiver)
    receiver.answer(503, times=ChatDelivery.MAX_ATTEMPTS)
    publish(channel, editor)
    run_jobs()
    for _attempt in range(ChatDelivery.MAX_ATTEMPTS - 1):
        delivery = ChatDelivery.objects.get()
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
            run_jobs()
    delivery = ChatDelivery.objects.get()
    assert delivery.status == OutboxStatus.FAILED
    assert len(receiver.requests) == ChatDelivery.MAX_ATTEMPTS
    hook.refresh_from_db()
    assert hook.consecutive_failures == 1
    assert not hook.is_paused


def test_a_dead_hook_does_not_hold_up_other_hooks(
    channel: Channel, editor: Person, receiver: Receiver
) -> None:
    """Each hook's cards are their own task: an unreachable room fails on its own."""
    dead = ChatHookFactory(channel=channel, url="https://127.0.0.1:1/closed", kind=HookKind.SLACK)
    hook_for(channel, receiver)
    publish(channel, editor)
    publish(channel, editor, title="Another")
    run_jobs()
    assert len(receiver.requests) == 2
    dead_rows = ChatDelivery.objects.filter(hook=dead)
    assert set(dead_rows.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    assert all("Couldn't reach Slack" in row.last_error for row in dead_rows)


def test_a_certificate_that_cannot_be_verified_is_not_trusted(
    channel: Channel, editor: Person, receiver: Receiver, settings: Any
) -> None:
    settings.CHAT_WEBHOOK_CA_BUNDLE = ""  # the system's authorities don't know the receiver
    hook = hook_for(channel, receiver)
    publish(channel, editor)
    run_jobs()
    assert receiver.requests == []
    hook.refresh_from_db()
    assert "certificate" in hook.last_error
    assert ChatDelivery.objects.get().status == OutboxStatus.FAILED


def test_a_redirect_is_not_followed(channel: Channel, editor: Person, receiver: Receiver) -> None:
    receiver.answer(302, headers={"Location": receiver.url("/elsewhere")})
    hook = hook_for(channel, receiver)
    publish(channel, editor)
    run_jobs()
    assert [r.path for r in receiver.requests] == ["/services/T000/B000/XXXXSECRETXXXX"]
    hook.refresh_from_db()
    assert "redirect" in hook.last_error


def test_a_test_message_is_delivered(channel: Channel, editor: Person, receiver: Receiver) -> None:
    hook = hook_for(channel, receiver)
    services.send_test_message(hook=hook, actor=editor)
    run_jobs()
    [request] = receiver.requests
    assert request.json["blocks"][0]["text"]["text"] == "Staffroom is connected"
    assert ChatDelivery.objects.get().kind == DeliveryKind.TEST


# --- Idea decisions ----------------------------------------------------------------------


@pytest.fixture
def department_channel() -> Channel:
    department = DepartmentFactory(name="Pharmacy")
    return ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department, name="Pharmacy")


def propose(department_channel: Channel, **fields: Any) -> Idea:
    department = department_channel.department
    assert department is not None
    author = PersonFactory(unit=UnitFactory(department=department))
    return create_idea(
        author=author,
        title="Label the look-alike vials",
        problem="Two vials look the same on the night shelf.",
        proposal="Coloured labels on the high-risk one.",
        category=CategoryFactory(),
        department=department,
        **fields,
    )


def test_an_idea_decision_goes_to_the_department_channels_hooks_that_asked(
    department_channel: Channel, receiver: Receiver
) -> None:
    hook_for(department_channel, receiver, send_idea_decisions=True, send_posts=False)
    hook_for(department_channel, receiver, url=receiver.url("/posts-only"))
    idea = propose(department_channel, is_anonymous=True)
    reviewer = RoleGrantFactory(
        role=Role.IDEA_REVIEWER,
        department=department_channel.department,
        person=PersonFactory(first_name="Omar", last_name="Haddad"),
    ).person
    respond(
        idea=idea,
        reviewer=reviewer,
        message="Under review by pharmacy.",
        status=Status.UNDER_REVIEW,
    )
    run_jobs()
    assert receiver.requests == []  # triage is not a decision

    respond(
        idea=idea, reviewer=reviewer, message="Yes: labels from **Monday**.", status=Status.ACCEPTED
    )
    run_jobs()
    [request] = receiver.requests
    assert request.path == "/services/T000/B000/XXXXSECRETXXXX"
    blocks = request.json["blocks"]
    assert blocks[0]["text"]["text"] == "Label the look-alike vials"
    assert blocks[1]["text"]["text"] == "Yes: labels from Monday."
    assert blocks[2]["elements"][0]["text"] == "Idea accepted · answered by Omar Haddad"
    assert blocks[3]["elements"][0]["url"] == f"https://staff.riverside.example/ideas/{idea.pk}/"
    # The (anonymous) author is never named.
    assert idea.author.last_name not in request.body.decode()
