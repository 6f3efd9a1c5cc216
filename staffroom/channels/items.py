"""Posts as items of the safety layer (core.items): what the PHI guard scans in a post, how
a post is named without its words, and the one way its visibility changes.

The field labels of `post_texts` are stable English keys, not translated text: the findings
stored on a privacy hold name them, and must still match when someone reading in another
language opens the hold. `field_label` turns a key into words for the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.channels.exposure import post_audience, post_sightings, purge_post
from staffroom.channels.models import Post
from staffroom.core.items import ItemKind, register_item_kind

POST_KIND = "post"
TITLE = "Title"
SUMMARY = "Summary"
BODY = "Body"
# The post's tags, joined by ", ": a tag is written words too, and is shown on the post.
TAGS = "Tags"
# Numbered from 1 in the order the post shows them: "Image description 2", "File name 1".
IMAGE_DESCRIPTION = "Image description"
FILE_NAME = "File name"
# A post's video (issue 7): its file name, transcript and captions (one key per language,
# "Captions es") are read or heard by everyone who watches it.
VIDEO_FILE_NAME = "Video file name"
VIDEO_TRANSCRIPT = "Video transcript"
CAPTIONS = "Captions"
_CAPTIONS = re.compile(rf"^{CAPTIONS} ([A-Za-z0-9-]+)$")
_NUMBERED = re.compile(rf"^({IMAGE_DESCRIPTION}|{FILE_NAME}) (\d+)$")


def post_texts(post: Post) -> dict[str, str]:
    """Every piece of text written in a post, labelled: the PHI guard scans exactly these."""
    texts = {TITLE: post.title, SUMMARY: post.summary, BODY: post.body}
    texts[TAGS] = tag_text(post.tags.values_list("name", flat=True))
    for number, alt_text in enumerate(
        post.images.order_by("position", "id").values_list("alt_text", flat=True), start=1
    ):
        texts[f"{IMAGE_DESCRIPTION} {number}"] = alt_text
    for number, name in enumerate(
        post.attachments.order_by("id").values_list("original_name", flat=True), start=1
    ):
        texts[f"{FILE_NAME} {number}"] = name
    if post.video_id is not None:
        texts.update(video_texts(post.video_id))
    return texts


def video_texts(video_id: int) -> dict[str, str]:
    """The words of a post's video: file name, transcript, and each language's captions as
    plain text (one cue a line, in time order, as the stored WebVTT holds them)."""
    from staffroom.media.captions import read_stored_vtt
    from staffroom.media.models import Caption, Video

    video = Video.objects.filter(pk=video_id).only("original_name", "transcript").first()
    if video is None:
        return {}
    texts = {VIDEO_FILE_NAME: video.original_name, VIDEO_TRANSCRIPT: video.transcript}
    for language, vtt in (
        Caption.objects.filter(video_id=video_id)
        .order_by("language")
        .values_list("language", "vtt")
    ):
        texts[f"{CAPTIONS} {language}"] = "\n".join(cue.text for cue in read_stored_vtt(vtt))
    return texts


def tag_text(names: Iterable[str]) -> str:
    """Tag names as `post_texts` holds them, sorted here rather than by the database (whose
    collation differs between SQLite and PostgreSQL): a hold's findings are offsets into
    this text, so every scan of the same tags must read the same string."""
    return ", ".join(sorted(names, key=lambda name: (name.casefold(), name)))


def field_label(key: str) -> str:
    """A `post_texts` key in the reader's language ("Image description 2")."""
    fixed = {
        TITLE: _("Title"),
        SUMMARY: _("Summary"),
        BODY: _("Body"),
        TAGS: _("Tags"),
        VIDEO_FILE_NAME: _("Video file name"),
        VIDEO_TRANSCRIPT: _("Video transcript"),
    }
    if key in fixed:
        return fixed[key]
    captions = _CAPTIONS.match(key)
    if captions is not None:
        return _("Video captions (%(language)s)") % {"language": captions.group(1)}
    numbered = _NUMBERED.match(key)
    if numbered is None:
        return key
    number = int(numbered.group(2))
    if numbered.group(1) == IMAGE_DESCRIPTION:
        return _("Image description %(number)d") % {"number": number}
    return _("File name %(number)d") % {"number": number}


def post_label(post: Post) -> str:
    # Never the title: a title can hold the very information the guard stopped.
    return f"Post {post.pk} in channel {post.channel_id}"


def post_url(post: Post) -> str:
    return post.get_absolute_url()


def set_post_visibility(post: Post, visibility: str) -> None:
    from staffroom.channels.services.posts import set_post_visibility as change

    change(post=post, visibility=visibility)


POST_ITEM_KIND = ItemKind(
    key=POST_KIND,
    model=Post,
    verbose_name=gettext_lazy("post"),
    texts=post_texts,
    author_id=lambda post: post.author_id,
    url=post_url,
    label=post_label,
    set_visibility=set_post_visibility,
    audience=post_audience,
    sightings=post_sightings,
    purge=purge_post,
)


def register_post_item_kind() -> None:
    register_item_kind(POST_ITEM_KIND)
