"""Channels: Let's Talk, one per department kept in step with the directory, topic channels."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from staffroom.accounts.forms import refuse_patient_information
from staffroom.accounts.models import Person, normalise_username
from staffroom.channels.models import Channel, ChannelEditor, ChannelFollow
from staffroom.channels.queries import forget_followed_channels, is_mandatory
from staffroom.core.locks import lock_for_transaction
from staffroom.organisation.models import Department

LETS_TALK_SLUG = "lets-talk"


@transaction.atomic
def ensure_lets_talk() -> Channel:
    """The organisation-wide leadership channel, created the first time it is needed."""
    channel = Channel.objects.filter(kind=Channel.Kind.LEADERSHIP).first()
    if channel is not None:
        return channel
    return Channel.objects.create(
        kind=Channel.Kind.LEADERSHIP,
        slug=LETS_TALK_SLUG,
        name="Let's Talk",
        description=gettext("Leadership explains where we are going and why — and listens."),
        is_mandatory=True,
    )


@transaction.atomic
def sync_department_channels() -> int:
    """Give every department a channel and keep its name in step; return how many changed.

    Departments are never deleted (people keep their history), so neither are their
    channels. Runs after each directory import and each demo build; safe to repeat.
    """
    _lock_department_channels()
    changed = 0
    existing = {
        c.department_id: c
        for c in Channel.objects.filter(kind=Channel.Kind.DEPARTMENT).select_related("department")
    }
    taken = set(Channel.objects.values_list("slug", flat=True))
    for department in Department.objects.select_related("site"):
        channel = existing.get(department.pk)
        if channel is None:
            slug = _free_slug(department.code, taken)
            taken.add(slug)
            Channel.objects.create(
                kind=Channel.Kind.DEPARTMENT,
                slug=slug,
                name=department.name,
                description=department.description[:500],
                department=department,
            )
            changed += 1
        elif channel.name != department.name:
            channel.name = department.name
            channel.save(update_fields=["name", "updated_at"])
            changed += 1
    return changed


def _lock_department_channels() -> None:
    """One sync at a time, so two never create the same department's channel (the sync
    reads after taking the lock, so it sees what a sync that ran first committed)."""
    lock_for_transaction("staffroom.department_channels")


def _free_slug(wanted: str, taken: set[str]) -> str:
    base = slugify(wanted)[:55] or "department"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


# --- Following ---------------------------------------------------------------------------------


@transaction.atomic
def follow_channel(*, person: Person, channel: Channel) -> None:
    """Follow a channel: its posts join the person's home feed."""
    if is_mandatory(channel):
        return  # Everyone follows it already; nothing to store.
    if channel.is_archived:
        raise ValidationError(_("This channel is archived: there is nothing new to follow."))
    ChannelFollow.objects.update_or_create(
        person=person, channel=channel, defaults={"following": True}
    )
    forget_followed_channels(person)


@transaction.atomic
def unfollow_channel(*, person: Person, channel: Channel) -> None:
    """Stop following a channel. Mandatory channels (and Let's Talk) can't be unfollowed.

    People may unfollow their own department's channel: it is followed by default, not
    mandatory (an admin can make it mandatory).
    """
    if is_mandatory(channel):
        raise ValidationError(
            _("Everyone follows %(channel)s: it can't be unfollowed.") % {"channel": channel.name}
        )
    ChannelFollow.objects.update_or_create(
        person=person, channel=channel, defaults={"following": False}
    )
    forget_followed_channels(person)


# --- Managing channels (communications admins) -------------------------------------------------


def _check_slug(slug: str, *, exclude: Channel | None = None) -> str:
    slug = slugify(slug)
    if not slug:
        raise ValidationError(
            {"slug": _("Give the channel an address of letters, digits and hyphens.")}
        )
    taken = Channel.objects.filter(slug=slug)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"slug": _("Another channel already has that address.")})
    return slug


@transaction.atomic
def create_topic_channel(
    *, actor: Person, name: str, slug: str, description: str = "", is_mandatory: bool = False
) -> Channel:
    """A new topic channel (e.g. "Infection prevention"), created by a communications admin.

    Its name and description are shown to everyone at once: possible patient information in
    them is refused (accounts.forms.refuse_patient_information), not held.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the channel a name.")})
    refuse_patient_information({"name": name, "description": description.strip()})
    return Channel.objects.create(
        kind=Channel.Kind.TOPIC,
        slug=_check_slug(slug),
        name=name,
        description=description.strip(),
        is_mandatory=is_mandatory,
        created_by=actor,
    )


@transaction.atomic
def update_channel(
    *,
    actor: Person,
    channel: Channel,
    name: str,
    description: str,
    is_mandatory: bool,
    is_archived: bool,
) -> Channel:
    """Change a channel's settings.

    Department channels take their name from the directory (the next sync would undo a
    rename), and Let's Talk is always followed by everyone and never archived. A changed
    name or description with possible patient information is refused (see
    `create_topic_channel`); words already there are not judged again.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the channel a name.")})
    if channel.kind == Channel.Kind.DEPARTMENT and name != channel.name:
        raise ValidationError(
            {"name": _("A department channel is named after its department in the directory.")}
        )
    if channel.kind == Channel.Kind.LEADERSHIP and (is_archived or not is_mandatory):
        raise ValidationError(_("Let's Talk is for everyone: it can't be archived or unfollowed."))
    description = description.strip()
    changed = {
        field: value
        for field, value in (("name", name), ("description", description))
        if value != getattr(channel, field)
    }
    refuse_patient_information(changed)
    channel.name = name
    channel.description = description
    channel.is_mandatory = is_mandatory
    channel.is_archived = is_archived
    channel.save(update_fields=["name", "description", "is_mandatory", "is_archived", "updated_at"])
    return channel


@transaction.atomic
def add_channel_editor(*, actor: Person, channel: Channel, username: str) -> ChannelEditor:
    """Name someone (by username) an editor of one channel."""
    wanted = normalise_username(username)
    person = Person.objects.filter(username=wanted, is_active=True).first()
    if person is None:
        raise ValidationError(
            {
                "username": _("Nobody active in the directory has the username “%(username)s”.")
                % {"username": username.strip()}
            }
        )
    editor, created = ChannelEditor.objects.get_or_create(
        channel=channel, person=person, defaults={"granted_by": actor}
    )
    if not created:
        raise ValidationError(
            {
                "username": _("%(name)s is already an editor of this channel.")
                % {"name": person.display_name}
            }
        )
    return editor


@transaction.atomic
def remove_channel_editor(*, actor: Person, channel: Channel, person_id: int) -> None:
    """Take away someone's editor grant on one channel (role holders keep their role)."""
    deleted, _rows = ChannelEditor.objects.filter(channel=channel, person_id=person_id).delete()
    if not deleted:
        raise ValidationError(_("That person isn't a named editor of this channel."))
