"""The screen itself: no sign-in, no cookies, large slides of what may hang on a wall (news
for everyone or for that site or department, open and implemented ideas without anyone's
name), a QR code to each, working without JavaScript, at a fixed cost."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.core.models import Visibility
from staffroom.ideas.models import Idea, Status
from staffroom.ideas.services.impact import record_impact
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.tests.factories import CategoryFactory, IdeaFactory
from staffroom.kiosk.models import Screen, hash_secret
from staffroom.kiosk.qr import qr_svg
from staffroom.kiosk.tests.factories import make_screen
from staffroom.organisation.tests.factories import (
    DepartmentFactory,
    JobFamilyFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


def page(secret: str, **params: str) -> str:
    response = Client().get(reverse("kiosk:screen", args=[secret]), params)
    assert response.status_code == 200
    return response.content.decode()


def shown_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="kiosk-slide__title">([^<]*)</h2>', html)


@pytest.fixture
def places():
    site = SiteFactory(name="Riverside General")
    other_site = SiteFactory(name="Northgate")
    emergency = DepartmentFactory(site=site, name="Emergency Medicine")
    radiology = DepartmentFactory(site=site, name="Radiology")
    return site, other_site, emergency, radiology


def test_the_screen_opens_without_signing_in_and_sets_no_cookie():
    _screen, secret = make_screen("ED break room")
    PostFactory(title="Flu jabs in the canteen")
    response = Client().get(reverse("kiosk:screen", args=[secret]))
    assert response.status_code == 200
    assert not response.cookies
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "ED break room" in html
    assert "Flu jabs in the canteen" in html
    assert "csrf" not in html.lower()


def test_an_unknown_address_says_the_same_words_with_a_404():
    response = Client().get(reverse("kiosk:screen", args=["not-a-real-screen"]))
    assert response.status_code == 404
    assert "This screen has been switched off." in response.content.decode()
    too_long = Client().get(reverse("kiosk:screen", args=["x" * 500]))
    assert too_long.status_code == 404


def test_a_demo_screen_answers_only_in_demo_mode():
    screen, _secret = make_screen()
    Screen.objects.filter(pk=screen.pk).update(token_hash=hash_secret("demo-test"), is_demo=True)
    assert Client().get(reverse("kiosk:screen", args=["demo-test"])).status_code == 200
    with override_settings(DEMO_MODE=False):
        assert Client().get(reverse("kiosk:screen", args=["demo-test"])).status_code == 404


def test_news_on_a_department_screen_is_for_everyone_its_site_or_its_department(places):
    site, other_site, emergency, radiology = places
    nurses = JobFamilyFactory(name="Nursing")
    PostFactory(title="For everyone")
    PostFactory(title="For Riverside", audience_sites=[site])
    PostFactory(title="For the ED", audience_departments=[emergency])
    PostFactory(
        title="For the ED at Riverside", audience_sites=[site], audience_departments=[emergency]
    )
    PostFactory(title="For radiology", audience_departments=[radiology])
    PostFactory(title="For Northgate", audience_sites=[other_site])
    PostFactory(
        title="For ED nurses", audience_departments=[emergency], audience_job_families=[nurses]
    )
    PostFactory(title="For nurses", audience_job_families=[nurses])
    _screen, secret = make_screen(department=emergency)
    titles = shown_titles(page(secret))
    assert set(titles) == {"For everyone", "For Riverside", "For the ED", "For the ED at Riverside"}


def test_news_on_a_site_screen_leaves_out_posts_for_some_departments_only(places):
    site, other_site, emergency, _radiology = places
    PostFactory(title="For everyone")
    PostFactory(title="For Riverside", audience_sites=[site])
    PostFactory(title="For the ED", audience_departments=[emergency])
    PostFactory(title="For Northgate", audience_sites=[other_site])
    _screen, secret = make_screen(site=site)
    assert set(shown_titles(page(secret))) == {"For everyone", "For Riverside"}


def test_an_organisation_wide_screen_shows_news_for_everyone_only(places):
    site, _other, emergency, _radiology = places
    PostFactory(title="For everyone")
    PostFactory(title="For Riverside", audience_sites=[site])
    PostFactory(title="For the ED", audience_departments=[emergency])
    _screen, secret = make_screen()
    assert shown_titles(page(secret)) == ["For everyone"]


def test_held_hidden_removed_draft_scheduled_and_archived_posts_never_show():
    PostFactory(title="Live")
    for visibility in (Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED):
        PostFactory(title=f"Post {visibility}", visibility=visibility)
    PostFactory(title="A draft", status=Post.Status.DRAFT, published_at=None)
    PostFactory(
        title="Tomorrow",
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    PostFactory(title="Archived", status=Post.Status.ARCHIVED)
    _screen, secret = make_screen()
    assert shown_titles(page(secret)) == ["Live"]


def test_a_news_slide_shows_title_summary_channel_and_date_but_no_author_or_comments():
    author = PersonFactory(first_name="Zebedee", last_name="Quartermain")
    channel = ChannelFactory(name="Let's Talk", kind=Channel.Kind.TOPIC)
    post = PostFactory(
        title="Parking changes",
        summary="The staff car park reopens on Monday.",
        channel=channel,
        author=author,
    )
    _screen, secret = make_screen()
    html = page(secret)
    assert "Parking changes" in html
    assert "The staff car park reopens on Monday." in html
    assert "Let&#x27;s Talk" in html
    assert "Quartermain" not in html
    url = settings.SITE_URL.rstrip("/") + post.get_absolute_url()
    assert f'data-url="{url}"' in html
    # The QR code of that address is drawn in the page, with the address written beside it.
    assert qr_svg(url) in html
    assert url.split("://", 1)[1] in html


def _implemented_with_impact(department, *, anonymous: bool) -> Idea:
    author = PersonFactory(first_name="Wilhelmina", last_name="Anonymouse")
    reviewer = PersonFactory()
    RoleGrant.objects.get_or_create(person=reviewer, role=Role.IDEA_REVIEWER)
    # Through the service, so the department's counters are right when it is answered.
    idea = create_idea(
        author=author,
        title="Call lights that reach the charge nurse",
        problem="Call lights ring at the desk while everyone is in the bays.",
        proposal="Send every call light to the charge nurse's pager too.",
        category=CategoryFactory(),
        department=department,
        is_anonymous=anonymous,
    )
    respond(idea=idea, reviewer=reviewer, message="Done on Ward 7.", status=Status.IMPLEMENTED)
    idea.refresh_from_db()
    today = timezone.localdate()
    record_impact(
        idea=idea,
        recorder=reviewer,
        what_changed="Call lights now ring on the charge nurse's pager too.",
        measure="Call-light response",
        unit="minutes",
        before_value=Decimal("6.5"),
        before_on=today - timedelta(days=60),
        after_value=Decimal("3.2"),
        after_on=today - timedelta(days=2),
    )
    return idea


def test_ideas_show_top_open_ones_and_implemented_ones_with_their_impact_and_no_names(places):
    _site, _other, emergency, radiology = places
    _implemented_with_impact(emergency, anonymous=True)
    top = IdeaFactory(title="Quiet hours on the ward", department=emergency, vote_count=42)
    IdeaFactory(title="No votes yet", department=emergency, vote_count=0)
    IdeaFactory(title="Radiology's idea", department=radiology, vote_count=90)
    IdeaFactory(title="Turned down", department=emergency, vote_count=99, status=Status.NOT_PLANNED)
    IdeaFactory(title="Held idea", department=emergency, vote_count=50, visibility=Visibility.HELD)
    _screen, secret = make_screen(department=emergency)
    html = page(secret)
    titles = shown_titles(html)
    assert set(titles) == {"Quiet hours on the ward", "Call lights that reach the charge nurse"}
    assert "42 votes" in html
    assert "Call-light response: 6.5 → 3.2 minutes (51% lower)" in html
    assert "Anonymouse" not in html
    assert "Wilhelmina" not in html
    assert f'data-url="{settings.SITE_URL.rstrip("/")}{top.get_absolute_url()}"' in html


def test_a_site_screen_shows_ideas_from_its_departments(places):
    site, other_site, emergency, _radiology = places
    IdeaFactory(title="ED idea", department=emergency, vote_count=3)
    IdeaFactory(title="Northgate idea", department=DepartmentFactory(site=other_site), vote_count=9)
    _screen, secret = make_screen(site=site)
    assert shown_titles(page(secret)) == ["ED idea"]


def test_slides_interleave_news_and_ideas():
    for number in range(3):
        PostFactory(title=f"News {number}", published_at=timezone.now() - timedelta(hours=number))
    IdeaFactory(title="Idea A", vote_count=5)
    _screen, secret = make_screen()
    assert shown_titles(page(secret)) == ["News 0", "Idea A", "News 1", "News 2"]


def test_without_javascript_one_slide_shows_and_the_page_moves_to_the_next():
    for number in range(3):
        PostFactory(title=f"News {number}", published_at=timezone.now() - timedelta(hours=number))
    _screen, secret = make_screen()
    first = page(secret)
    assert '<meta http-equiv="refresh" content="15;url=?slide=1">' in first
    assert len(re.findall(r"<article [^>]*data-slide[^>]*hidden", first)) == 2
    second = page(secret, slide="1")
    shown = re.findall(r'<article class="kiosk-slide[^"]*" data-slide data-url="[^"]*">', second)
    assert len(shown) == 1
    assert "?slide=2" in second
    last = page(secret, slide="2")
    assert "?slide=0" in last
    # Nonsense and numbers past the end are taken in stride.
    assert "?slide=1" in page(secret, slide="abc")
    assert "?slide=2" in page(secret, slide="4")


def test_an_empty_screen_says_news_will_come():
    _screen, secret = make_screen()
    html = page(secret)
    assert "No news to show yet" in html


def test_the_slides_fragment_is_the_slides_alone():
    PostFactory(title="Fragment news")
    _screen, secret = make_screen()
    response = Client().get(reverse("kiosk:screen_slides", args=[secret]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fragment news" in html
    assert "<html" not in html
    assert "data-slide" in html
    assert not response.cookies


def test_a_spanish_screen_speaks_spanish():
    _screen, secret = make_screen(language="es")
    html = page(secret)
    assert '<html lang="es"' in html


def test_the_tv_is_seen_at_most_once_a_minute():
    screen, secret = make_screen()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        page(secret)
        screen.refresh_from_db()
        assert screen.last_seen_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        with CaptureQueriesContext(connection) as context:
            page(secret)
        assert not any(q["sql"].startswith("UPDATE") for q in context.captured_queries)
        screen.refresh_from_db()
        assert screen.last_seen_at == start
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        page(secret)
        screen.refresh_from_db()
        assert screen.last_seen_at == start + timedelta(seconds=90)


def _count(url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = Client().get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("place", ["organisation", "site", "department"])
def test_the_screen_costs_the_same_with_little_or_much_to_show(place, places):
    site, _other, emergency, _radiology = places
    fields = {"organisation": {}, "site": {"site": site}, "department": {"department": emergency}}
    _screen, secret = make_screen(**fields[place])
    PostFactory(title="One post")
    IdeaFactory(department=emergency, vote_count=1)
    _implemented_with_impact(emergency, anonymous=False)
    url = reverse("kiosk:screen", args=[secret])
    fragment = reverse("kiosk:screen_slides", args=[secret])
    _count(url)  # the first visit of the minute writes last_seen_at
    few, few_fragment = _count(url), _count(fragment)
    nurses = JobFamilyFactory()
    for number in range(25):
        PostFactory(title=f"Post {number}", audience_sites=[site] if number % 2 else [])
        PostFactory(title=f"Nurses {number}", audience_job_families=[nurses])
        IdeaFactory(department=emergency, vote_count=number + 2)
        _implemented_with_impact(emergency, anonymous=bool(number % 2))
    assert _count(url) == few
    assert _count(fragment) == few_fragment
    assert few <= 5


def test_a_person_account_is_not_needed_or_used(person: Person):
    """A signed-in person opening the address sees the same wall, nothing personal."""
    PostFactory(title="For everyone")
    _screen, secret = make_screen()
    client = Client()
    client.force_login(person)
    html = client.get(reverse("kiosk:screen", args=[secret])).content.decode()
    assert shown_titles(html) == ["For everyone"]
    assert person.display_name not in html
