"""Local development: `make run` serves these with SQLite under var/."""

from homeward.settings.base import *  # noqa: F403
from homeward.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
