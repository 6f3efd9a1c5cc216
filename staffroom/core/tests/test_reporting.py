"""Error reports carry none of what people wrote (issue 4: no PHI in logs)."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import RequestFactory

from staffroom.core.reporting import PrivateExceptionReporter

# Built at run time: the debug page shows source lines, which must not contain the words.
NAME = "".join(reversed("hcniF dloraH"))
NUMBER = str(4481920 + 3)
SECRET_WORDS = f"Mr {NAME} MRN {NUMBER}"


def _fail() -> None:
    raise ValueError("boom")


def _report_text(request: HttpRequest) -> str:  # type: ignore[return]  # returns in except
    try:
        _fail()
    except ValueError as error:
        reporter = PrivateExceptionReporter(request, type(error), error, error.__traceback__)
        return reporter.get_traceback_text()


def test_an_error_report_masks_every_posted_value() -> None:
    request = RequestFactory().post("/threads/1/comments/", {"body": SECRET_WORDS})
    text = _report_text(request)
    assert "body" in text
    assert NAME not in text
    assert NUMBER not in text


def test_an_error_report_masks_the_query_string_and_referer() -> None:
    request = RequestFactory().get(
        "/search/", {"q": SECRET_WORDS}, HTTP_REFERER=f"/search/?q={NAME}"
    )
    text = _report_text(request)
    assert NAME not in text
    assert NUMBER not in text


def test_the_settings_use_the_private_reporter_and_filter(settings: object) -> None:
    from django.views.debug import get_default_exception_reporter_filter

    from staffroom.core.reporting import PrivateExceptionReporterFilter

    assert isinstance(get_default_exception_reporter_filter(), PrivateExceptionReporterFilter)
    assert settings.DEFAULT_EXCEPTION_REPORTER == (  # type: ignore[attr-defined]
        "staffroom.core.reporting.PrivateExceptionReporter"
    )


def test_the_debug_page_shows_no_posted_words() -> None:
    from django.views.debug import technical_500_response

    request = RequestFactory().post("/threads/1/comments/", {"body": SECRET_WORDS})
    try:
        _fail()
    except ValueError as error:
        response = technical_500_response(request, type(error), error, error.__traceback__)
    html = response.content.decode()
    assert NAME not in html
    assert NUMBER not in html


def test_outside_development_no_local_variable_is_shown(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    body = SECRET_WORDS
    request = RequestFactory().post("/threads/1/comments/", {"body": body})
    try:
        _fail_with(body)
    except ValueError as error:
        reporter = PrivateExceptionReporter(request, type(error), error, error.__traceback__)
        text = reporter.get_traceback_text()
    assert NAME not in text


def _fail_with(words: str) -> None:
    raise ValueError("boom")
