"""Settings behave as docs/deploy.md promises: safe defaults, loud failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def _settings_value(expression: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: only what the process needs to run, plus what the test sets.
    environment = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _settings_value("settings.SECRET_KEY", DEBUG="false", STAFFROOM_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_development_server_makes_and_keeps_its_own_secret_key(tmp_path: Path) -> None:
    first = _settings_value("settings.SECRET_KEY", DEBUG="true", STAFFROOM_DATA_DIR=str(tmp_path))
    second = _settings_value("settings.SECRET_KEY", DEBUG="true", STAFFROOM_DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50


def test_without_database_url_the_database_is_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    result = _settings_value(
        "settings.DATABASES['default']['NAME']", DEBUG="true", STAFFROOM_DATA_DIR=str(tmp_path)
    )
    assert result.stdout.strip() == str(tmp_path / "staffroom.sqlite3")


def test_demo_mode_is_always_off_under_production_settings(tmp_path: Path) -> None:
    result = _settings_value(
        "settings.DEMO_MODE",
        DEBUG="false",
        DEMO_MODE="true",
        SECRET_KEY="x" * 50,
        STAFFROOM_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == "False"


def test_production_cookies_are_secure_and_http_only(tmp_path: Path) -> None:
    result = _settings_value(
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SESSION_COOKIE_HTTPONLY, settings.SECURE_HSTS_SECONDS > 0",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        STAFFROOM_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == "True True True True"


def test_with_redis_url_the_cache_and_sessions_use_redis(tmp_path: Path) -> None:
    result = _settings_value(
        "settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE",
        DEBUG="true",
        REDIS_URL="redis://127.0.0.1:6379/0",
        STAFFROOM_DATA_DIR=str(tmp_path),
    )
    assert "RedisCache" in result.stdout
    assert "cached_db" in result.stdout


def test_the_redis_cache_round_trips_through_a_real_server(settings: object) -> None:
    """Redis is a real part of production; this fails (never skips) when it isn't running."""
    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"staffroom-test-{os.getpid()}"})
    cache.set("shared", "across app servers", 30)
    assert cache.get("shared") == "across app servers"
    cache.delete("shared")
    assert caches["default"] is not None


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/account/sign-in/")
    policy = response.headers["Content-Security-Policy"]
    for directive in (
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "style-src 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_health_check_answers_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_a_changed_template_changes_the_cache_prefix_so_old_fragments_are_never_served(
    tmp_path, monkeypatch
):
    import config.settings as project_settings

    template = tmp_path / "staffroom" / "channels" / "templates" / "channels" / "card.html"
    template.parent.mkdir(parents=True)
    template.write_text("<p>{{ post.title }}</p>")
    monkeypatch.setattr(project_settings, "BASE_DIR", tmp_path)
    before = project_settings._templates_fingerprint()
    template.write_text("<p class='card'>{{ post.title }}</p>")
    assert project_settings._templates_fingerprint() != before
