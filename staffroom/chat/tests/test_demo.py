"""The demo step: believable connections that never call out (all paused, .example hosts)."""

from __future__ import annotations

import pytest

from staffroom.channels.models import Channel
from staffroom.channels.services.channels import ensure_lets_talk
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory
from staffroom.chat.models import ChatHook
from staffroom.demo.content.chat import build_chat_hooks
from staffroom.demo.hospital import SIZES
from staffroom.demo.plan import HospitalPlan, OrganisationPlan
from staffroom.demo.services import DemoBuild
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def demo_build() -> DemoBuild:
    return DemoBuild(
        size=SIZES["demo"], seed=1, plan=HospitalPlan(OrganisationPlan((), (), ()), ())
    )


def test_the_demo_connects_three_rooms_all_paused_at_example_addresses() -> None:
    ensure_lets_talk()
    emergency = ChannelFactory(
        kind=Channel.Kind.DEPARTMENT, department=DepartmentFactory(code="rgh-emergency")
    )
    council = ChannelFactory(slug="nursing-practice-council")
    editor = ChannelEditorFactory(channel=council).person
    build = demo_build()

    build_chat_hooks(build)

    hooks = list(ChatHook.objects.select_related("channel"))
    assert len(hooks) == 3
    assert build.created["chat rooms"] == 3
    assert all(hook.is_paused and hook.paused_reason for hook in hooks)
    assert all(".example/" in hook.url for hook in hooks)
    ed = next(hook for hook in hooks if hook.channel == emergency)
    assert ed.send_idea_decisions
    assert "no longer exists" in ed.last_error
    assert next(hook for hook in hooks if hook.channel == council).created_by == editor

    build_chat_hooks(demo_build())  # again: nothing more
    assert ChatHook.objects.count() == 3
