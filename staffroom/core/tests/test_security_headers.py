"""Every page carries the security headers and cookie flags production promises (issue 4).

The test settings turn HTTPS-only behaviour off so the test client can talk plain HTTP. Here
the security settings are first read from a fresh process running the real production
settings (DEBUG off) and then applied, so the responses below are what production sends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.cookies import Morsel
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[3]
ONE_YEAR = 60 * 60 * 24 * 365

SECURITY_SETTINGS = [
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_USE_SESSIONS",
]


@pytest.fixture(scope="module")
def production_security_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {SECURITY_SETTINGS!r}}}))"
    )
    environment = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="staffroom.riverside.example",
        STAFFROOM_DATA_DIR=str(tmp_path_factory.mktemp("production")),
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout)
    return values


@pytest.fixture
def production(settings: Any, production_security_settings: dict[str, Any]) -> Any:
    for name, value in production_security_settings.items():
        setattr(settings, name, value)
    return settings


class HttpsClient(Client):
    """A browser talking HTTPS to the app server (or the TLS proxy in front of it)."""

    def generic(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["secure"] = True
        return super().generic(*args, **kwargs)


def https_client() -> Client:
    return HttpsClient()


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_production_redirects_plain_http_to_https(production: Any, db: None) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_a_page_carries_a_content_security_policy_that_forbids_inline_script(
    production: Any, person: Person
) -> None:
    client = https_client()
    client.force_login(person)
    response = client.get(reverse("channels:feed"))
    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response.headers
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    everything = " ".join(word for words in policy.values() for word in words)
    for loophole in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:"):
        assert loophole not in (policy["script-src"] + policy["default-src"]), loophole
    assert "'unsafe-eval'" not in everything


@pytest.mark.django_db
def test_a_page_carries_hsts_nosniff_referrer_opener_and_frame_headers(
    production: Any, person: Person
) -> None:
    client = https_client()
    client.force_login(person)
    response = client.get(reverse("channels:feed"))
    hsts = response.headers["Strict-Transport-Security"]
    assert f"max-age={ONE_YEAR}" in hsts
    assert "includeSubDomains" in hsts
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin"}
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_error_pages_and_anonymous_pages_carry_the_headers_too(production: Any) -> None:
    client = https_client()
    for response in (
        client.get(reverse("accounts:login")),
        client.get("/no-such-page/"),
        client.get(reverse("channels:public_atom")),
    ):
        assert "object-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" in response.headers


def cookie(response: Any, name: str) -> Morsel[str]:
    assert name in response.cookies, f"{name} was not set"
    morsel: Morsel[str] = response.cookies[name]
    return morsel


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_are_secure_http_only_and_same_site(
    production: Any, person: Person
) -> None:
    client = https_client()
    page = client.get(reverse("accounts:login"))
    csrf = cookie(page, django_settings.CSRF_COOKIE_NAME)
    assert csrf["secure"] is True
    assert csrf["httponly"] is True  # htmx takes the token from hx-headers, not the cookie
    assert csrf["samesite"] == "Lax"

    signed_in = client.post(
        reverse("accounts:login"), {"username": person.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    session = cookie(signed_in, django_settings.SESSION_COOKIE_NAME)
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_htmx_gets_the_csrf_token_from_the_page_not_from_the_cookie(
    production: Any, person: Person
) -> None:
    # With an HttpOnly CSRF cookie, script can't read it; base.html must hand the token over.
    client = https_client()
    client.force_login(person)
    body = client.get(reverse("channels:feed")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
