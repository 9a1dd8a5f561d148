"""Settings for the test suite: fast hashing, in-memory mail; DATABASE_URL picks SQLite or PostgreSQL."""

from homeward.settings.base import *  # noqa: F403
from homeward.settings.base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
HOMEWARD_ALLOW_DEMO = True
# Chain after every commit: tests look at a row's chain position right after the commit that wrote it
# (homeward/audit/tests/test_audit_chain.py covers the coalescing under load).
AUDIT_CHAIN_INTERVAL_MS = 0
# Route with what is in the database now: each test registers its own agencies (test_intake.py covers the reuse).
TIPS_ROUTING_CACHE_SECONDS = 0
