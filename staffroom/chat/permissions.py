"""Who may connect and manage a channel's chat webhooks: the channel's editors (named editors,
channel editors of its department, communications admins). Views call a check_* first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from staffroom.channels.models import Channel
from staffroom.channels.permissions import can_edit_channel
from staffroom.chat.models import ChatHook


def can_manage_chat_hooks(person: Any, channel: Channel) -> bool:
    return can_edit_channel(person, channel)


def check_manage_chat_hooks(person: Any, channel: Channel) -> None:
    if not can_manage_chat_hooks(person, channel):
        raise PermissionDenied(
            _("Only the editors of %(channel)s can connect it to chat rooms.")
            % {"channel": channel.name}
        )


def check_manage_chat_hook(person: Any, hook: ChatHook) -> None:
    check_manage_chat_hooks(person, hook.channel)
