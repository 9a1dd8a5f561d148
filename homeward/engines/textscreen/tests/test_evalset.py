"""The synthetic evaluation set: deterministic, with valid gold leads and the promised variety."""

from __future__ import annotations

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

from homeward.engines.textscreen.evalset import generate, generate_bulk
from homeward.engines.textscreen.lexicon import CATEGORIES


def test_deterministic_per_seed() -> None:
    a = generate(n_campaigns=10, n_innocent=10, seed=3)
    b = generate(n_campaigns=10, n_innocent=10, seed=3)
    assert [(p.id, p.text) for p in a] == [(p.id, p.text) for p in b]
    c = generate(n_campaigns=10, n_innocent=10, seed=4)
    assert [p.text for p in a] != [p.text for p in c]


def test_gold_leads_are_valid_and_labels_known() -> None:
    posts = generate(n_campaigns=30, n_innocent=40, seed=1)
    assert {p.label for p in posts} <= {*CATEGORIES, None}
    assert any(p.label is None for p in posts) and any(p.label for p in posts)
    for p in posts:
        for ph in p.gold.get("phones", ()):
            assert phonenumbers.is_valid_number(phonenumbers.parse(ph))
        for i in p.gold.get("id_numbers", ()):
            assert ric.is_valid(i)
        for c in p.gold.get("bank_cards", ()):
            assert luhn.is_valid(c)


def test_campaigns_repeat_and_disguises_appear() -> None:
    posts = generate(n_campaigns=40, n_innocent=40, seed=2)
    sizes: dict[str, int] = {}
    for p in posts:
        sizes[p.campaign] = sizes.get(p.campaign, 0) + 1
    assert max(sizes.values()) >= 3
    joined = "".join(p.text for p in posts)
    assert any(d in joined for d in ("V❤", "薇", "扣扣", "企鹅", "威信"))


def test_template_halves_are_disjoint() -> None:
    half0 = "".join(p.text for p in generate(n_campaigns=0, n_innocent=200, seed=1, template_half=0))
    half1 = "".join(p.text for p in generate(n_campaigns=0, n_innocent=200, seed=1, template_half=1))
    # innocent template 0 is the ragdoll kitten, template 1 the golden retriever
    assert "布偶猫咪" in half0 and "布偶猫咪" not in half1
    assert "金毛狗狗" in half1 and "金毛狗狗" not in half0


def test_bulk_generator_count() -> None:
    rows = list(generate_bulk(500, seed=1))
    assert len(rows) == 500 and len({r[0] for r in rows}) == 500


def test_heldout_wordings_are_disjoint_from_the_main_templates() -> None:
    """The held-out set (for classifier evaluation) avoids the stock slang the lexicon was written
    from in its trafficking posts, and its innocent posts reuse trafficking words innocently."""
    held = generate(n_campaigns=60, n_innocent=120, seed=5, heldout=True)
    main = generate(n_campaigns=60, n_innocent=120, seed=5)
    bad = [p.text for p in held if p.label is not None]
    assert bad and all(w not in t for t in bad for w in ("送养", "营养费", "蓝宝", "出生证"))
    innocent = "".join(p.text for p in held if p.label is None)
    for word in ("领养", "包吃住", "相亲", "捐", "收养"):
        assert word in innocent
    assert not {p.text for p in held} & {p.text for p in main}
