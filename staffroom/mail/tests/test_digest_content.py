"""What a person's digest holds: news they may see from the channels they follow and Let's
Talk, responses to ideas they proposed, voted for or follow, and campaigns that ask them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.db.models import F
from django.utils import translation

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.core.models import Visibility
from staffroom.ideas.models import Status
from staffroom.ideas.services.voting import follow_idea, vote
from staffroom.ideas.tests.factories import CampaignFactory
from staffroom.mail.digest.content import Audience, build_digest, forget_shared, shared_for
from staffroom.mail.digest.render import render_digest
from staffroom.mail.tests.digest_scene import (
    BEFORE,
    DURING,
    SENDING,
    WEEK,
    answer,
    digest_row,
    elsewhere,
    local,
    make_scene,
    post_in,
    propose,
)
from staffroom.notifications.models import DeliverySettings, DigestFrequency
from staffroom.organisation.audience import audience_filter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_shared_part() -> Any:
    forget_shared()
    yield
    forget_shared()


def rendered(person: Any) -> Any:
    with time_machine.travel(SENDING, tick=False), translation.override("en"):
        return render_digest(digest_row(person))


def test_news_comes_from_followed_channels_and_lets_talk_within_the_audience_and_period():
    scene = make_scene()
    other_department = elsewhere()
    shown = [
        post_in(scene.lets_talk, "Our plan for the winter"),
        post_in(scene.own_channel, "New starters on the ward"),
        post_in(scene.followed, "Bike parking opens"),
        # Targeted at the reader's department from a channel they don't follow: it reaches
        # them, as it does on their home feed.
        post_in(
            scene.unfollowed,
            "For your department only",
            audience_departments=[scene.reader.department],
        ),
    ]
    hidden = [
        post_in(scene.unfollowed, "Nothing to do with you"),
        post_in(
            scene.own_channel,
            "Meant for another department",
            audience_departments=[other_department],
        ),
        post_in(scene.own_channel, "Held for privacy review", visibility=Visibility.HELD),
        post_in(scene.own_channel, "Last week's news", when=BEFORE),
        post_in(scene.own_channel, "A draft", status="draft"),
    ]
    email = rendered(scene.reader)
    assert email is not None
    for post in shown:
        assert post.title in email.text
        assert post.title in email.html
        assert (
            f"http://testserver/posts/{post.pk}/" in email.text
            or post.get_absolute_url() in email.text
        )
    for post in hidden:
        assert post.title not in email.text
        assert post.title not in email.html
    assert "From Let's Talk" in email.text
    assert email.subject.startswith("Your week at ")
    assert "4 posts" in email.subject
    assert email.unsubscribe_scope == "digest"


def test_the_top_five_by_engagement_are_kept():
    scene = make_scene()
    from staffroom.discussion.models import Thread

    posts = [post_in(scene.own_channel, f"Ward story {n}") for n in range(8)]
    for n, post in enumerate(posts):
        Thread.objects.filter(pk=post.thread_id).update(comment_count=n, reaction_total=n)
    email = rendered(scene.reader)
    assert email is not None
    for post in posts[3:]:
        assert post.title in email.text
    for post in posts[:3]:
        assert post.title not in email.text
    # Most engaged first.
    assert email.text.index("Ward story 7") < email.text.index("Ward story 3")


def test_links_are_absolute(settings: Any):
    settings.SITE_URL = "https://staff.riverside.example"
    scene = make_scene()
    post = post_in(scene.own_channel, "New starters on the ward")
    email = rendered(scene.reader)
    assert email is not None
    assert f"https://staff.riverside.example{post.get_absolute_url()}" in email.text
    assert f'href="https://staff.riverside.example{post.get_absolute_url()}"' in email.html


def test_idea_updates_cover_ideas_proposed_voted_or_followed_and_hide_anonymous_authors():
    scene = make_scene()
    reader = scene.reader
    colleague = PersonFactory(first_name="Zebedee", last_name="Quillfeather")
    own = propose(reader, "Own idea about lockers")
    voted = propose(colleague, "Anonymous idea about call bells", is_anonymous=True)
    vote(idea=voted, person=reader)
    followed = propose(colleague, "Followed idea about the rota")
    follow_idea(idea=followed, person=reader)
    unrelated = propose(colleague, "Someone else's idea about parking")
    early = propose(colleague, "Idea answered the week before")
    vote(idea=early, person=reader)

    answer(own, "We will trial new lockers on your ward.", status=Status.ACCEPTED)
    answer(voted, "Call bells are being replaced in January.", status=Status.IN_PROGRESS)
    answer(followed, "We are looking at the rota with the unions.")
    answer(unrelated, "Parking is under review.")
    answer(early, "An old answer.", when=BEFORE)

    email = rendered(reader)
    assert email is not None
    for idea in (own, voted, followed):
        assert idea.title in email.text
        assert idea.title in email.html
    assert "Your idea" in email.text
    assert "You voted for this idea" in email.text
    assert "You follow this idea" in email.text
    assert "Call bells are being replaced in January." in email.text
    assert "In progress" in email.text  # the new status
    assert "Rita Reviewer" in email.text  # reviewers answer in their own name
    assert unrelated.title not in email.text
    assert early.title not in email.text
    for part in (email.text, email.html, email.subject):
        assert "Zebedee" not in part
        assert "Quillfeather" not in part
    assert "3 idea updates" in email.subject


def test_a_held_idea_is_left_out_even_when_answered_in_the_period():
    scene = make_scene()
    idea = propose(PersonFactory(), "An idea later held")
    vote(idea=idea, person=scene.reader)
    answer(idea, "Thanks, we will look.")
    from staffroom.ideas.models import Idea

    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.HELD)
    assert rendered(scene.reader) is None


def test_open_campaigns_that_ask_the_person_are_listed_and_others_are_not():
    scene = make_scene()
    asks_everyone = CampaignFactory(
        title="How can we cut waiting times?", opens_at=DURING, closes_at=local(date(2026, 12, 31))
    )
    asks_others = CampaignFactory(
        title="Only for another department",
        opens_at=DURING,
        closes_at=local(date(2026, 12, 31)),
        audience_restricted=True,
    )
    asks_others.audience_departments.set([elsewhere()])
    closed = CampaignFactory(
        title="Closed last week", opens_at=local(date(2026, 10, 1)), closes_at=BEFORE
    )
    email = rendered(scene.reader)
    assert email is not None
    assert asks_everyone.title in email.text
    assert asks_everyone.title in email.html
    assert asks_others.title not in email.text
    assert closed.title not in email.text
    assert "1 new campaign" in email.subject


def test_an_empty_digest_is_not_sent():
    scene = make_scene()
    post_in(scene.unfollowed, "Nothing to do with you")
    # A campaign still open from before the period is no news on its own.
    CampaignFactory(title="Older campaign", opens_at=BEFORE, closes_at=local(date(2026, 12, 31)))
    assert rendered(scene.reader) is None


def test_a_person_who_turned_the_digest_off_or_switched_to_daily_gets_no_weekly_digest():
    scene = make_scene()
    post_in(scene.lets_talk, "Our plan for the winter")
    DeliverySettings.objects.create(person=scene.reader, digest=DigestFrequency.OFF)
    assert rendered(scene.reader) is None
    DeliverySettings.objects.filter(person=scene.reader).update(digest=DigestFrequency.DAILY)
    assert rendered(scene.reader) is None
    DeliverySettings.objects.filter(person=scene.reader).update(digest=DigestFrequency.WEEKLY)
    assert rendered(scene.reader) is not None


def test_the_plain_text_part_reads_on_its_own():
    scene = make_scene()
    post_in(
        scene.lets_talk, "Our plan for <winter> & spring", summary='Less "waiting" & more care.'
    )
    email = rendered(scene.reader)
    assert email is not None
    assert "Our plan for <winter> & spring" in email.text  # not HTML-escaped
    assert "&amp;" not in email.text
    assert "Our plan for &lt;winter&gt; &amp; spring" in email.html
    assert "<" not in email.text.replace("<winter>", "")
    assert "Unsubscribe" in email.text
    assert "Unsubscribe" in email.html


def test_the_audience_rule_in_memory_agrees_with_the_database_rule():
    """The digest checks audiences in Python on the shared lists: it must agree with
    organisation.audience for every combination of lists."""
    scene = make_scene()
    reader = scene.reader
    other = elsewhere()
    from staffroom.channels.models import Post
    from staffroom.organisation.tests.factories import JobFamilyFactory, SiteFactory

    other_family = JobFamilyFactory(code="porters", name="Porters")
    department = reader.department
    assert department is not None
    cases: list[dict[str, Any]] = [
        {},
        {"audience_departments": [reader.department]},
        {"audience_departments": [other]},
        {"audience_sites": [department.site]},
        {"audience_sites": [SiteFactory()]},
        {"audience_job_families": [reader.job_family]},
        {"audience_job_families": [other_family]},
        {"audience_sites": [department.site], "audience_job_families": [other_family]},
        {
            "audience_departments": [other, reader.department],
            "audience_job_families": [reader.job_family],
        },
    ]
    posts = [post_in(scene.own_channel, f"Case {n}", **case) for n, case in enumerate(cases)]
    in_database = set(
        Post.objects.filter(
            audience_filter(Post, reader), pk__in=[p.pk for p in posts]
        ).values_list("pk", flat=True)
    )
    for post in posts:
        audience = Audience(
            sites=frozenset(post.audience_sites.values_list("pk", flat=True)),
            departments=frozenset(post.audience_departments.values_list("pk", flat=True)),
            job_families=frozenset(post.audience_job_families.values_list("pk", flat=True)),
        )
        in_memory = audience.includes(
            department.site_id, reader.department_id, reader.job_family_id
        )
        assert in_memory == (post.pk in in_database), post.title


def test_the_digest_builder_skips_news_the_person_may_no_longer_see():
    """The shared part may be minutes old: a post held after it was read is still left out."""
    scene = make_scene()
    post = post_in(scene.own_channel, "Fine at first")
    keep = post_in(scene.lets_talk, "Our plan for the winter")
    with time_machine.travel(SENDING, tick=False):
        first = build_digest(scene.reader, WEEK)
        assert post.pk in [item.pk for item in first.news]
        from staffroom.channels.models import Post

        Post.objects.filter(pk=post.pk).update(visibility=Visibility.HELD)
        second = build_digest(scene.reader, WEEK)
    assert post.pk not in [item.pk for item in second.news]
    assert keep.pk in [item.pk for item in second.lets_talk]


def test_a_post_edited_after_the_shared_part_was_read_goes_out_with_its_current_words():
    """A privacy officer releases a post once its author took patient information out of
    the summary: a digest built minutes later, from the cached shared part and its cached
    rendered fragments, carries the new words and never the old ones."""
    from staffroom.channels.models import Post

    scene = make_scene()
    old = "Mr J. Smith in bed 4 was moved to the stroke unit."
    post = post_in(scene.own_channel, "Changes on the ward", summary=old)
    first = rendered(scene.reader)
    assert first is not None
    assert old in first.text
    assert old in first.html
    with time_machine.travel(SENDING, tick=False):
        cached = shared_for(WEEK)
        assert shared_for(WEEK) is cached  # within the cache window: nothing new written

    post.summary = "A patient was moved to the stroke unit."
    post.save()
    second = rendered(scene.reader)
    assert second is not None
    for part in (second.text, second.html):
        assert "A patient was moved to the stroke unit." in part
        assert "J. Smith" not in part

    # An edit made with a queryset update in the same instant moves only the version.
    Post.objects.filter(pk=post.pk).update(
        summary="Two beds moved to the stroke unit.", version=F("version") + 1
    )
    third = rendered(scene.reader)
    assert third is not None
    assert "Two beds moved to the stroke unit." in third.text
    assert "A patient was moved" not in third.text


def test_an_idea_renamed_after_the_shared_part_was_read_goes_out_with_its_new_title():
    from staffroom.ideas.models import Idea

    scene = make_scene()
    idea = propose(PersonFactory(), "Ask Sister Okafor about the night checks")
    vote(idea=idea, person=scene.reader)
    answer(idea, "We will trial it.")
    first = rendered(scene.reader)
    assert first is not None
    assert "Sister Okafor" in first.text
    Idea.objects.filter(pk=idea.pk).update(title="Group the night checks", version=F("version") + 1)
    second = rendered(scene.reader)
    assert second is not None
    assert "Group the night checks" in second.text
    assert "Okafor" not in second.text + second.html


def test_a_digest_is_built_from_the_cached_shared_part_when_nothing_it_picked_changed():
    scene = make_scene()
    post_in(scene.own_channel, "Unchanged news")
    with time_machine.travel(SENDING, tick=False):
        cached = shared_for(WEEK)
        digest = build_digest(scene.reader, WEEK)
        assert [item.title for item in digest.news] == ["Unchanged news"]
        assert digest.fragments is cached.fragments
        assert shared_for(WEEK) is cached


def test_followed_channels_from_the_shared_part_agree_with_the_channels_app():
    from staffroom.accounts.models import Person
    from staffroom.channels.queries import followed_channel_ids
    from staffroom.channels.services.channels import unfollow_channel
    from staffroom.channels.tests.factories import ChannelFactory
    from staffroom.mail.digest.content import followed_channels, shared_for

    scene = make_scene()
    ChannelFactory(name="Mandatory", is_mandatory=True)
    stays = PersonFactory(unit=scene.reader.unit)  # follows their department by default
    leaves = PersonFactory(unit=scene.reader.unit)
    unfollow_channel(person=leaves, channel=scene.own_channel)
    without_department = PersonFactory(unit=None)
    shared = shared_for(WEEK)
    for person in (scene.reader, stays, leaves, without_department):
        fresh = Person.objects.get(pk=person.pk)
        assert followed_channels(fresh, shared, WEEK) == followed_channel_ids(fresh)
    assert scene.own_channel.pk not in followed_channels(leaves, shared, WEEK)
    assert scene.followed.pk in followed_channels(scene.reader, shared, WEEK)
