"""Test helpers for discussions. Posts come from the channels factories (each with its
Thread); comments, reactions and mentions are made with the services, so placement and
counters are real. The "post" subject type is the channels app's own registration."""

from __future__ import annotations

from typing import Any

from staffroom.channels.models import Post
from staffroom.discussion import subjects
from staffroom.discussion.subjects import Subject


def subject_of(post: Post, viewer: Any) -> Subject:
    return subjects.get_visible_subject_or_404(viewer, post.thread)
