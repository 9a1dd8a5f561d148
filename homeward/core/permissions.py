"""Predicates shared by the apps' `rules.py` files."""

from __future__ import annotations

from typing import Any

import rules


def has_role(*roles: str) -> Any:
    name = "has_role:" + ",".join(sorted(roles))

    @rules.predicate(name=name)
    def predicate(user: Any) -> bool:
        return bool(
            user is not None
            and getattr(user, "is_authenticated", False)
            and user.is_active
            and user.agency_id is not None
            and user.has_role(*roles)
        )

    return predicate


@rules.predicate
def is_police(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_police)
