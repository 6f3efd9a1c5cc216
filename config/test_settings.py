"""Test settings: the real settings with a fast password hasher and throwaway storage."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STAFFROOM_DATA_DIR", tempfile.mkdtemp(prefix="staffroom-test-"))

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, DATA_DIR, STATIC_ROOT

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# Demo data is generated in tests even though DEBUG is off, to prove the generator works;
# tests that check the production refusal switch this back off.
DEMO_MODE = True
# Demo builds in tests skip the ffmpeg-made video posts (seconds each, and the suite builds the
# demo many times); staffroom/demo/tests/test_demo_videos.py switches them on.
DEMO_VIDEOS = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(DATA_DIR) / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "staffroom" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The in-process cache outlives each test, so counts would pile up across the suite; the
# limiter's own tests (staffroom/core/tests/test_ratelimit.py) switch it back on.
RATE_LIMITS_ENABLED = False
