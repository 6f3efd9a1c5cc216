from __future__ import annotations

import factory

from staffroom.channels.tests.factories import ChannelFactory
from staffroom.chat.models import ChatHook, HookKind


class ChatHookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatHook

    channel = factory.SubFactory(ChannelFactory)
    kind = HookKind.SLACK
    name = factory.Sequence(lambda n: f"#room-{n}")
    url = factory.Sequence(lambda n: f"https://hooks.slack.com/services/T0/B{n}/secret{n:04d}")
