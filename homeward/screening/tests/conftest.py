"""Helpers for the screening tests: posts entered and screened in a county, a partner platform account."""

from __future__ import annotations

from typing import Any

import pytest

from homeward.accounts.roles import AgencyType, Role
from homeward.screening import services
from homeward.screening.services import PostInput

SELLER = "男宝送养，营养费5万，V❤: abc123，电话幺三八一二三四五六七八，成都武侯区当面交接"
SELLER_2 = "男宝送养，营养费6万，V❤: xyz789，电话幺三九八七六五四三二一，成都武侯区当面交接"
INNOCENT = "家里的英短猫咪找新主人，免费领养，要求科学喂养，成都金牛区"


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Service messages are matched in English (the default language is zh-hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def screened(db: Any) -> Any:
    """Enter posts as `actor` and screen them at once (the background task's work)."""

    def make(actor: Any, *texts: str, **extra: Any) -> list[Any]:
        batch = services.posts_ingest(
            actor=actor,
            source=extra.pop("source", "manual"),
            items=[(i + 1, PostInput(text=t, **extra)) for i, t in enumerate(texts)],
        )
        ids = list(batch.posts.order_by("pk").values_list("pk", flat=True))
        services.posts_screen(post_ids=ids)
        from homeward.screening.models import Post

        return list(Post.objects.filter(pk__in=ids).order_by("pk"))

    return make


@pytest.fixture
def partner(db: Any, make_user: Any) -> Any:
    from homeward.accounts.services import agency_create

    agency = agency_create(
        actor=None, name="合作平台", type=AgencyType.PARTNER_PLATFORM, division_code="000000"
    )
    from homeward.accounts.services import user_create

    return user_create(
        actor=None,
        username="partner_x",
        password="Correct-horse-42!",
        agency=agency,
        roles=[Role.PARTNER_PLATFORM],
        api_only=True,
    ).user


@pytest.fixture
def partner_key(partner: Any, make_user: Any) -> str:
    from homeward.accounts.models import ApiTokenKind
    from homeward.accounts.services import agency_create, token_create

    ministry = agency_create(
        actor=None, name="公安部", type=AgencyType.PUBLIC_SECURITY, division_code="000000"
    )
    admin = make_user("sysadmin_national", ministry, [Role.SYSADMIN])
    issued = token_create(
        actor=admin, name="push", owner=partner, kind=ApiTokenKind.PARTNER, mfa_verified=True
    )
    return str(issued.plaintext)
