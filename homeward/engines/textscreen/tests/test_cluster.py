"""MinHash signatures against datasketch, near-duplicates with changed contacts, contact links, templates."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from homeward.engines.textscreen.cluster import (
    Clusterer,
    _permutations,
    build_template,
    mask_for_shingles,
    shingle_hash,
    signatures,
)
from homeward.engines.textscreen.extract import extract


def test_shingle_hash_is_fnv_style_by_hand() -> None:
    # h = ((0 * P) ^ ord("a")) = 97; then (97 * P) ^ ord("b") mod 2**32
    assert shingle_hash("a") == 97
    assert shingle_hash("ab") == ((97 * 0x01000193) ^ 98) & 0xFFFFFFFF
    assert shingle_hash(b"ab") == shingle_hash("ab")


@pytest.mark.parametrize("k", [2, 3, 4])
def test_vectorised_signatures_equal_datasketch(k: int) -> None:
    texts = ["出售男宝营养费#万微信@广州", "ab", "", "x", "招工包吃住扣押身份证封闭管理" * 3]
    perm = _permutations(64, 7)
    sig = signatures(texts, k, perm)
    for t, row in zip(texts, sig, strict=True):
        ref = MinHash(num_perm=64, seed=7, scheme="affine32", hashfunc=shingle_hash)
        shingles = [t[i : i + k] for i in range(len(t) - k + 1)] if len(t) >= k else ([t] if t else [])
        ref.update_batch([s.encode() for s in shingles])
        np.testing.assert_array_equal(ref.hashvalues, row)


def test_signature_agreement_estimates_jaccard() -> None:
    # two sets of 3-shingles with known Jaccard: a shares 150 of 250 distinct shingles with b
    base = [chr(0x4E00 + i) for i in range(400)]
    a = "".join(base[:202])  # shingles 0..199
    b = "".join(base[50:302])  # shingles 50..249
    true_j = 150 / 250
    sig = signatures([a, b], 3, _permutations(256, 1))
    est = float(np.mean(sig[0] == sig[1]))
    assert abs(est - true_j) < 4 * np.sqrt(true_j * (1 - true_j) / 256)


def test_masking_hides_contacts_and_numbers() -> None:
    assert mask_for_shingles("营养费5万，微信abc123！") == "营养费#万~@"
    assert mask_for_shingles("营养费五万，电话13812345678") == "营养费#万~#"
    assert mask_for_shingles("一个人") == "一个人"  # numerals without a unit are words


def test_near_duplicates_with_changed_contacts_group_together() -> None:
    posts = {
        "p1": "刚出生男宝送养，营养费5万，可上户口，微信：abc123，诚信第一",
        "p2": "刚出生男宝送养，营养费6万，可上户口，V❤：xyz_999，诚信第一",
        "p3": "刚出生男宝送养，营养费五万，可上户口，电话 138 1234 5678，诚信第一",
        "q1": "正规工厂招普工，五险一金，月休四天，电话13912345678",
        "q2": "今天天气很好我们去公园散步吧顺便买点水果回家",
    }
    cl = Clusterer()
    for pid, text in posts.items():
        cl.add(pid, text, extract(text).contacts())
    groups = cl.groups()
    assert groups[0] == ["p1", "p2", "p3"]
    assert sorted(map(len, groups)) == [1, 1, 3]
    assert cl.group_of("p3") == "p1"  # named after the first post


def test_shared_contact_links_different_wording() -> None:
    cl = Clusterer()
    a = "越南新娘包处女，微信：seller_01"
    b = "完全不同的一段话，介绍工厂招工，薇 SELLER_01"
    c = "另一个人的帖子，微信：someone_else"
    for pid, t in (("a", a), ("b", b), ("c", c)):
        cl.add(pid, t, extract(t).contacts())
    assert cl.group_of("b") == "a"
    assert cl.group_of("c") == "c"
    assert cl.links["contact"] == 1


def test_duplicate_post_id_rejected() -> None:
    cl = Clusterer()
    cl.add("x", "文本")
    with pytest.raises(ValueError, match="duplicate post id"):
        cl.add("x", "文本")


def test_many_exact_duplicates_do_not_grow_buckets() -> None:
    cl = Clusterer()
    text = "缅甸姑娘快速娶，一口价十万，包生男孩，包不跑，微信：abc123"
    cl.add_many([f"d{i}" for i in range(300)], [text] * 300)
    assert cl.groups() == [[f"d{i}" for i in range(300)]]
    # only the first copy is indexed; the rest are represented by it
    assert cl.indexed == 1


def test_bands_index_equals_datasketch_index() -> None:
    from homeward.engines.textscreen.evalset import generate

    posts = generate(n_campaigns=25, n_innocent=40, seed=9)
    results = []
    for index in ("bands", "datasketch"):
        cl = Clusterer(index=index)
        cl.add_many([p.id for p in posts], [p.text for p in posts])
        results.append((sorted(sorted(map(str, g)) for g in cl.groups()), cl.indexed, cl.links["text"]))
    assert results[0] == results[1]
    assert len(results[0][0]) < len(posts)  # something was grouped


def test_template_shows_constants_and_slots() -> None:
    texts = [
        "男宝送养营养费5万微信abc123广州",
        "男宝送养营养费6万微信xyz999深圳",
        "男宝送养营养费8万微信qq7777上海",
    ]
    t = build_template(["a", "b", "c"], texts)
    assert t.constants == ["男宝送养营养费", "万微信"]
    assert t.slots[1] == ["5", "6", "8"]
    assert t.slots[2] == ["abc123广州", "xyz999深圳", "qq7777上海"]
    assert t.render() == "男宝送养营养费⟨1⟩万微信⟨2⟩"
    assert t.variants() == [["5", "6", "8"], ["abc123广州", "xyz999深圳", "qq7777上海"]]
    # reconstructing each post from the template gives it back
    for j, original in enumerate(texts):
        rebuilt = t.slots[0][j] + "".join(c + t.slots[i + 1][j] for i, c in enumerate(t.constants))
        assert rebuilt == original


def test_clusterer_template_of_group() -> None:
    cl = Clusterer()
    cl.add("a", "出售男宝，营养费5万，微信abc123，广州")
    cl.add("b", "出售男宝，营养费6万，微信xyz999，深圳")
    cl.add("c", "出售男宝，营养费8万，微信aaa999，深圳")
    (group,) = cl.groups()
    t = cl.template(group)
    assert "出售男宝，营养费" in t.constants[0]
    assert ["abc123", "xyz999", "aaa999"] in t.variants()


def test_purity_on_generated_campaigns() -> None:
    from collections import Counter, defaultdict

    from homeward.engines.textscreen.evalset import generate

    posts = generate(n_campaigns=30, n_innocent=60, seed=5)
    cl = Clusterer()
    cl.add_many([p.id for p in posts], [p.text for p in posts], [extract(p.text).contacts() for p in posts])
    groups: dict[object, Counter[str]] = defaultdict(Counter)
    for p in posts:
        groups[cl.group_of(p.id)][p.campaign] += 1
    purity = sum(c.most_common(1)[0][1] for c in groups.values()) / len(posts)
    assert purity > 0.9
