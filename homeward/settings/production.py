"""Production: refuses to start without a real secret, allowed hosts and HTTPS; never creates demo users."""

from django.core.exceptions import ImproperlyConfigured

from homeward.settings.backing import postgres_options
from homeward.settings.base import *  # noqa: F403
from homeward.settings.base import DATABASES, SECRET_KEY
from homeward.settings.env import env_bool, env_int, env_list, env_str

DEBUG = False
HOMEWARD_ALLOW_DEMO = False

if not SECRET_KEY or SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set to a random value of 50+ characters"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Homeward is served under")
if not env_bool("HTTPS", False):
    raise ImproperlyConfigured("HTTPS=true is required: production is only served over TLS")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# PostgreSQL: connection pool and statement timeout from the environment (homeward/settings/backing.py).
postgres_options(DATABASES["default"])

# Absolute links in CAP messages, Atom feeds and partner webhooks.
ALERTS_PUBLIC_BASE_URL = env_str("ALERTS_PUBLIC_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")
# Split each DNA child search over this many shard tasks (one per "search" worker is a good start).
DNA_SEARCH_SHARDS = env_int("DNA_SEARCH_SHARDS", 1)
if DNA_SEARCH_SHARDS < 1:
    raise ImproperlyConfigured("DNA_SEARCH_SHARDS must be 1 or more")
