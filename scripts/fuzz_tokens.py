"""Print one personal API token per demo user named on the command line (for scripts/fuzz.sh).

Runs against the throwaway database scripts/fuzz.sh prepares: the demo users exist, and the tokens are issued as
after a TOTP-verified login (the fuzzing run stands for a logged-in officer's script).
"""

from __future__ import annotations

import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(usernames: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.dev")
    django.setup()
    from homeward.accounts.models import ApiTokenKind, User
    from homeward.accounts.roles import Role
    from homeward.accounts.services import token_create

    for username in usernames:
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"fuzz: no demo user {username!r}", file=sys.stderr)
            return 2
        if user.is_api_only:  # a partner platform: its key is issued by the national administrator
            admin = User.objects.filter(username=f"{Role.SYSADMIN}_national").get()
            issued = token_create(
                actor=admin, owner=user, kind=ApiTokenKind.PARTNER, name="fuzz", mfa_verified=True
            )
        else:
            issued = token_create(actor=user, name="fuzz", mfa_verified=True)
        print(f"{username} {issued.plaintext}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
