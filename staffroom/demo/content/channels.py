"""Demo step: Let's Talk, department and topic channels, their editors, and the tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from staffroom.channels.models import Channel, ChannelEditor, Tag
from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels
from staffroom.demo.content.cast import Cast
from staffroom.demo.content.department_texts import DEPARTMENT_POSTS, TOPIC_CHANNELS
from staffroom.demo.content.lets_talk_texts import LETS_TALK, LETS_TALK_POSTS
from staffroom.demo.content.specs import PostText

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

TAGS: dict[str, str] = {
    "riverside-2030": "Riverside 2030",
    "safety": "Safety",
    "wellbeing": "Wellbeing",
    "recognition": "Recognition",
    "staffing": "Staffing",
    "nursing": "Nursing",
    "community": "Community",
    "careers": "Careers",
    "sustainability": "Sustainability",
}
# Communications admins among the authors: they edit every channel already.
ORGANISATION_WIDE_EDITORS = {"ceo", "comms"}


def build_channels(build: DemoBuild) -> None:
    """Let's Talk, a channel per department, the topic channels, editors and tags."""
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    existed = Channel.objects.count()
    lets_talk = ensure_lets_talk()
    sync_department_channels()
    cast = Cast()
    comms = cast.role("comms")
    slugs = set(Channel.objects.values_list("slug", flat=True))
    Channel.objects.bulk_create(
        [
            Channel(
                kind=Channel.Kind.TOPIC,
                slug=slug,
                name=name,
                description=description,
                created_by_id=comms.pk,
            )
            for slug, name, description, _ in TOPIC_CHANNELS
            if slug not in slugs
        ]
    )
    build.count("channels", Channel.objects.count() - existed)

    channel_ids = dict(Channel.objects.values_list("slug", "pk"))
    department_channel_ids = dict(
        Channel.objects.filter(kind=Channel.Kind.DEPARTMENT).values_list("department_id", "pk")
    )
    wanted: set[tuple[int, int]] = {
        (lets_talk.pk, cast.role("ceo").pk),
        (lets_talk.pk, cast.role("cno").pk),
    }
    for slug, _, _, editors in TOPIC_CHANNELS:
        wanted.update((channel_ids[slug], cast.role(role).pk) for role in editors)
    for text in (*LETS_TALK_POSTS, *DEPARTMENT_POSTS):
        if text.channel == LETS_TALK:
            channel_id = lets_talk.pk
        elif text.channel in cast.department_ids:
            channel_id = department_channel_ids[cast.department_ids[text.channel]]
            for role in ("director", "deputy"):
                wanted.add((channel_id, cast.role(f"{role}:{text.channel}").pk))
        else:
            channel_id = channel_ids[text.channel]
        # Whoever writes a post edits its channel (communications admins edit them all).
        if text.by not in ORGANISATION_WIDE_EDITORS:
            wanted.add((channel_id, cast.role(author_role(text)).pk))
    existing = set(ChannelEditor.objects.values_list("channel_id", "person_id"))
    new = sorted(wanted - existing)
    ChannelEditor.objects.bulk_create(
        [ChannelEditor(channel_id=c, person_id=p, granted_by_id=comms.pk) for c, p in new]
    )
    build.count("channel editors", len(new))

    have = set(Tag.objects.filter(slug__in=TAGS).values_list("slug", flat=True))
    tags = [Tag(slug=slug, name=name) for slug, name in TAGS.items() if slug not in have]
    Tag.objects.bulk_create(tags)
    build.count("tags", len(tags))


def author_role(text: PostText) -> str:
    """The role of a post's author, "director" and "deputy" being those of its department."""
    if text.by in ("director", "deputy"):
        return f"{text.by}:{text.channel}"
    return text.by


def channel_ids_by_key(cast: Cast) -> dict[str, int]:
    """Channel ids by the keys post texts use: "lets-talk", department codes, topic slugs."""
    ids: dict[str, int] = dict(
        Channel.objects.filter(kind=Channel.Kind.TOPIC).values_list("slug", "pk")
    )
    ids[LETS_TALK] = ensure_lets_talk().pk
    code_of = {pk: code for code, pk in cast.department_ids.items()}
    for department_id, pk in Channel.objects.filter(kind=Channel.Kind.DEPARTMENT).values_list(
        "department_id", "pk"
    ):
        ids[code_of[department_id]] = pk
    return ids
