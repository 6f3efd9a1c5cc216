from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Channel, ChannelEditor, ChannelFollow
from staffroom.channels.queries import followed_channel_ids
from staffroom.channels.services.channels import (
    add_channel_editor,
    create_topic_channel,
    ensure_lets_talk,
    follow_channel,
    remove_channel_editor,
    sync_department_channels,
    unfollow_channel,
    update_channel,
)
from staffroom.channels.tests.factories import ChannelFactory
from staffroom.organisation.models import Department
from staffroom.organisation.services.directory_import.writing import (
    after_import_applied,
    apply_directory_file,
)
from staffroom.organisation.tests.factories import (
    DepartmentFactory,
    JobFamilyFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _department_channel(person: Person) -> Channel:
    sync_department_channels()
    return Channel.objects.get(department=person.department)


def test_everyone_follows_lets_talk_and_their_own_department_without_any_row(
    person: Person,
) -> None:
    lets_talk = ensure_lets_talk()
    own = _department_channel(person)
    other = ChannelFactory()
    assert followed_channel_ids(person) == {lets_talk.pk, own.pk}
    assert other.pk not in followed_channel_ids(person)
    assert not ChannelFollow.objects.exists()


def test_following_a_topic_channel_adds_it_and_unfollowing_removes_it(person: Person) -> None:
    topic = ChannelFactory()
    follow_channel(person=person, channel=topic)
    assert topic.pk in followed_channel_ids(person)
    unfollow_channel(person=person, channel=topic)
    assert topic.pk not in followed_channel_ids(person)
    assert ChannelFollow.objects.get(person=person, channel=topic).following is False


def test_lets_talk_and_mandatory_channels_cannot_be_unfollowed(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    mandatory = ChannelFactory(is_mandatory=True)
    for channel in (lets_talk, mandatory):
        with pytest.raises(ValidationError, match="can't be unfollowed"):
            unfollow_channel(person=person, channel=channel)
        assert channel.pk in followed_channel_ids(person)
    assert not ChannelFollow.objects.exists()


def test_a_person_may_unfollow_their_own_department_and_follow_it_again(person: Person) -> None:
    own = _department_channel(person)
    unfollow_channel(person=person, channel=own)
    assert own.pk not in followed_channel_ids(person)
    follow_channel(person=person, channel=own)
    assert own.pk in followed_channel_ids(person)


def test_an_archived_channel_cannot_be_followed(person: Person) -> None:
    archived = ChannelFactory(is_archived=True)
    with pytest.raises(ValidationError, match="archived"):
        follow_channel(person=person, channel=archived)
    assert not ChannelFollow.objects.exists()


def test_moving_department_moves_the_default_follow(person: Person) -> None:
    old = _department_channel(person)
    new_unit = UnitFactory()
    person.unit = new_unit
    person.save()
    new = _department_channel(person)
    fresh = Person.objects.get(pk=person.pk)
    assert new.pk in followed_channel_ids(fresh)
    assert old.pk not in followed_channel_ids(fresh)


def test_a_topic_channel_is_created_with_its_creator(person: Person) -> None:
    channel = create_topic_channel(
        actor=person, name=" Infection prevention ", slug="infection-prevention"
    )
    assert channel.kind == Channel.Kind.TOPIC
    assert channel.name == "Infection prevention"
    assert channel.created_by == person


def test_a_second_channel_cannot_take_an_address_already_used(person: Person) -> None:
    ChannelFactory(slug="estates")
    with pytest.raises(ValidationError) as raised:
        create_topic_channel(actor=person, name="Estates news", slug="estates")
    assert "slug" in raised.value.error_dict
    assert Channel.objects.filter(slug="estates").count() == 1


def test_a_department_channel_keeps_its_department_name(person: Person) -> None:
    channel = _department_channel(person)
    with pytest.raises(ValidationError):
        update_channel(
            actor=person,
            channel=channel,
            name="Something else",
            description="",
            is_mandatory=False,
            is_archived=False,
        )
    channel.refresh_from_db()
    assert channel.name == person.department.name  # type: ignore[union-attr]


def test_lets_talk_cannot_be_archived_or_made_optional(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    with pytest.raises(ValidationError):
        update_channel(
            actor=person,
            channel=lets_talk,
            name="Let's Talk",
            description="",
            is_mandatory=True,
            is_archived=True,
        )
    lets_talk.refresh_from_db()
    assert not lets_talk.is_archived


def test_settings_change_name_description_mandatory_and_archive(person: Person) -> None:
    channel = ChannelFactory()
    update_channel(
        actor=person,
        channel=channel,
        name="Estates",
        description="Buildings",
        is_mandatory=True,
        is_archived=True,
    )
    channel.refresh_from_db()
    assert (channel.name, channel.description, channel.is_mandatory, channel.is_archived) == (
        "Estates",
        "Buildings",
        True,
        True,
    )


def test_editors_are_added_by_username_once_and_removed(person: Person) -> None:
    channel = ChannelFactory()
    editor = PersonFactory(username="ana.lopez")
    grant = add_channel_editor(actor=person, channel=channel, username=" Ana.Lopez ")
    assert grant.person == editor
    assert grant.granted_by == person
    with pytest.raises(ValidationError, match="already an editor"):
        add_channel_editor(actor=person, channel=channel, username="ana.lopez")
    remove_channel_editor(actor=person, channel=channel, person_id=editor.pk)
    assert not ChannelEditor.objects.exists()


def test_an_unknown_username_is_explained_and_nothing_is_stored(person: Person) -> None:
    with pytest.raises(ValidationError, match=r"nobody\.who"):
        add_channel_editor(actor=person, channel=ChannelFactory(), username="nobody.who")
    assert not ChannelEditor.objects.exists()


def test_the_directory_import_creates_channels_for_new_departments(
    administrator: Person, django_capture_on_commit_callbacks: object
) -> None:
    from staffroom.channels.services.channels import sync_department_channels as hook

    assert hook in after_import_applied
    unit = UnitFactory(code="ward-9")
    JobFamilyFactory()
    header = "employee_id,first_name,last_name,email,job_title,job_family,unit\n"
    row = "E777001,Rosa,Delgado,rosa.delgado@riverside.example,Porter,nursing,ward-9\n"
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]  # pytest-django fixture
        apply_directory_file(data=(header + row).encode(), full_snapshot=False, actor=administrator)
    assert Channel.objects.filter(department=unit.department).exists()


def test_the_sync_command_creates_lets_talk_and_department_channels() -> None:
    DepartmentFactory.create_batch(3)
    call_command("sync_department_channels")
    assert Channel.objects.filter(kind=Channel.Kind.LEADERSHIP).count() == 1
    assert (
        Channel.objects.filter(kind=Channel.Kind.DEPARTMENT).count() == Department.objects.count()
    )
