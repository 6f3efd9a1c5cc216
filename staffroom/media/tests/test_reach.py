"""Reach: pressing play counts a person once, ever, in the video's and their department's
stored counters, like reading a post."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.media.models import Video, VideoReach, VideoView
from staffroom.media.services.reach import record_play
from staffroom.media.tests.ready import ready_video
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]


def _play(client: Client, video: Video, range_header: str | None = "bytes=0-") -> int:
    headers = {"Range": range_header} if range_header else {}
    response: Any = client.get(reverse("media:rendition", args=[video.pk, "720p"]), headers=headers)
    b"".join(response.streaming_content)  # sends the file, then closes it
    return int(response.status_code)


def _reach(video: Video) -> dict[int | None, int]:
    return dict(VideoReach.objects.filter(video=video).values_list("department_id", "people"))


def test_the_first_play_counts_the_person_once_however_often_they_watch(
    client: Client, person: Person
) -> None:
    video = ready_video()
    client.force_login(person)
    assert _play(client, video) == 206
    assert _play(client, video, None) == 200
    assert _play(client, video, "bytes=0-") == 206
    _play(client, video, "bytes=0-")  # the same person on the 360p file too
    assert client.get(reverse("media:rendition", args=[video.pk, "360p"])).status_code == 200
    video.refresh_from_db()
    assert video.reach_count == 1
    assert VideoView.objects.filter(video=video, person=person).count() == 1
    assert _reach(video) == {person.department_id: 1}


def test_reach_is_kept_per_department(client: Client) -> None:
    video = ready_video()
    ward, pharmacy = DepartmentFactory(), DepartmentFactory()
    nurses = [PersonFactory(unit=UnitFactory(department=ward)) for _ in range(2)]
    pharmacist = PersonFactory(unit=UnitFactory(department=pharmacy))
    for viewer in [*nurses, pharmacist]:
        client.force_login(viewer)
        _play(client, video)
    video.refresh_from_db()
    assert video.reach_count == 3
    assert _reach(video) == {ward.pk: 2, pharmacy.pk: 1}


def test_skipping_ahead_is_not_a_new_play(client: Client, person: Person) -> None:
    video = ready_video()
    client.force_login(person)
    assert _play(client, video, "bytes=5000-") == 206
    assert _play(client, video, "bytes=-100") == 206
    assert not VideoView.objects.exists()
    video.refresh_from_db()
    assert video.reach_count == 0


def test_a_repeat_play_costs_one_query(person: Person, query_count: QueryCount) -> None:
    video = ready_video()
    video = Video.objects.select_related("post").get(pk=video.pk)
    assert record_play(video=video, person=person) is True
    assert query_count(lambda: record_play(video=video, person=person)) == 1
    assert record_play(video=video, person=person) is False


def test_a_video_of_a_post_not_shown_to_its_audience_reaches_nobody(person: Person) -> None:
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    video = Video.objects.select_related("post").get(pk=ready_video(draft).pk)
    assert record_play(video=video, person=person) is False
    assert not VideoView.objects.exists()


def test_a_concurrent_first_play_that_loses_the_race_counts_nothing(
    person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    video = Video.objects.select_related("post").get(pk=ready_video().pk)
    VideoView.objects.create(video=video, person=person)  # the other request won

    class Stale:
        """The other request's row isn't seen by the check (as under a real race)."""

        def exists(self) -> bool:
            return False

    monkeypatch.setattr(VideoView.objects, "filter", lambda **kw: Stale())
    assert record_play(video=video, person=person) is False
    monkeypatch.undo()
    video.refresh_from_db()
    assert video.reach_count == 0
    assert not VideoReach.objects.exists()
