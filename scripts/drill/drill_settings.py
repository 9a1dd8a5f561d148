"""Settings of the drill's application server: the development settings, with the public tips' per-address rate
limit raised, because the drill sends a burst of tips from one address on purpose (scripts/drill/outage.py)."""

from homeward.settings.dev import *  # noqa: F403

TIPS_PUBLIC_RATE_PER_HOUR = 1_000_000
TIPS_PUBLIC_RATE_PER_DAY = 1_000_000
