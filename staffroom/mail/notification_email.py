"""The email for one notification, sent as it happens to those who want that kind.

It says what the notification centre says, through the same read
(`notification_page(only_id=…)`), so it can't show more: a notification about something the
person may no longer see (a comment held by the PHI guard, a post whose audience changed)
renders as None and is cancelled, and an anonymous author is never named (the notification
has no actor). The subject's title is shown; the comment's words are not.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from staffroom.mail.models import EmailKind, OutboundEmail
from staffroom.mail.rendering import RenderedEmail, renderer
from staffroom.mail.templating import render_parts
from staffroom.mail.unsubscribe import absolute
from staffroom.notifications.models import Notification
from staffroom.notifications.preferences import settings_for, wants_email_now
from staffroom.notifications.queries import notification_page

Kind = Notification.Kind


@renderer(EmailKind.NOTIFICATION)
def render_notification(email: OutboundEmail) -> RenderedEmail | None:
    notification = email.notification
    if notification is None or notification.read_at is not None:
        return None  # already seen in the app: an email would only repeat it
    person = email.recipient
    if not wants_email_now(settings_for(person), notification.kind):
        return None  # turned off since the email was queued
    page = notification_page(viewer=person, only_id=notification.pk, limit=1)
    if not page.items:
        return None
    item = page.items[0]
    shown = item.notification
    actor = shown.actor.display_name if shown.actor is not None else _("Someone")
    title = item.subject_title
    summary = _summary(
        shown.kind,
        actor=actor,
        title=title,
        comment=bool(shown.comment_id),
        others=shown.others_count,
        channel=_channel_name(shown),
    )
    url = absolute(reverse("notifications:open", kwargs={"pk": notification.pk}))
    text, html = render_parts(
        "mail/notification",
        email=email,
        scope=shown.kind,
        context={
            "subject": summary,
            "summary": summary,
            "subject_title": title,
            "message": shown.message,
            "url": url,
            "action": _action(shown.kind),
        },
    )
    return RenderedEmail(subject=summary, text=text, html=html, unsubscribe_scope=shown.kind)


def _channel_name(notification: Notification) -> str:
    post = getattr(notification.thread, "post", None) if notification.thread else None
    return post.channel.name if post is not None else ""


# The notification centre's own words (the same translations), by kind; %(actor)s,
# %(others)s and %(channel)s are filled in.
LEADS = {
    Kind.MENTION: gettext_lazy("%(actor)s mentioned you in"),
    Kind.REPLY: gettext_lazy("%(actor)s replied to you on"),
    Kind.MODERATION: gettext_lazy("A moderator acted on what you wrote:"),
    Kind.PRIVACY: gettext_lazy("A privacy officer reviewed what you wrote:"),
    Kind.REVEAL: gettext_lazy("%(actor)s revealed the author of an anonymous item; see"),
    Kind.IDEA_UPDATE: gettext_lazy("%(actor)s answered the idea"),
    Kind.IDEA_TO_REVIEW: gettext_lazy("A new idea waits for your review:"),
    Kind.CHANNEL_POST: gettext_lazy("New post in %(channel)s:"),
    Kind.CHAT_HOOK_PAUSED: gettext_lazy("A chat room connection was paused; see"),
}


def _reaction_lead(*, comment: bool, others: int) -> str:
    if others and comment:
        return ngettext(
            "%(actor)s and %(others)s other reacted to your comment on",
            "%(actor)s and %(others)s others reacted to your comment on",
            others,
        )
    if others:
        return ngettext(
            "%(actor)s and %(others)s other reacted to",
            "%(actor)s and %(others)s others reacted to",
            others,
        )
    if comment:
        return _("%(actor)s reacted to your comment on")
    return _("%(actor)s reacted to")


def _summary(
    kind: str, *, actor: str, title: str, comment: bool, others: int = 0, channel: str = ""
) -> str:
    """What happened, in the notification centre's words, then the subject."""
    values = {"actor": actor, "others": others, "channel": channel}
    if kind == Kind.REACTION:
        lead = _reaction_lead(comment=comment, others=others) % values
    elif kind in LEADS:
        lead = str(LEADS[Kind(kind)]) % values
    else:
        lead = "Staffroom:"
    return f"{lead} “{title}”"


def _action(kind: str) -> str:
    if kind == Kind.IDEA_TO_REVIEW:
        return _("Review the idea")
    if kind == Kind.REVEAL:
        return _("See the list")
    return _("Open in Staffroom")
