"""Lexicon reasons one by one, innocent contexts, score arithmetic, and the trainable classifier."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from homeward.engines.textscreen.lexicon import (
    ADOPTION,
    BRIDE,
    CATEGORIES,
    FORGERY,
    LABOUR,
    LEXICON,
    MINORS,
    PATTERNS,
    Reason,
    category_scores,
    lexicon_hits,
)
from homeward.engines.textscreen.normalise import normalise
from homeward.engines.textscreen.risk import NONE_LABEL, RiskModel

# One example per lexicon entry / pattern (raw text; it is normalised first).
EXAMPLES = {
    "送养": "家里困难，孩子私下送养",
    "抱养": "想抱养一个孩子",
    "蓝宝粉宝": "现有蓝宝一个",
    "营养费": "给点营养费就行",
    "上户口": "可以包上户口",
    "不走手续": "不走手续，直接带走",
    "新生": "刚出生三天",
    "养不起": "实在养不起了",
    "外籍新娘": "越南新娘介绍",
    "包跑": "跑了包赔",
    "包处女": "保证处女",
    "闪婚": "闪婚快速娶老婆",
    "全包价": "全包价一次付清",
    "扣证件": "入职统一保管身份证",
    "不要身份证": "招工不要身份证",
    "限制自由": "封闭管理，手机上交",
    "童工": "十四岁可以来",
    "弱势群体": "聋哑人也可",
    "境外高薪": "缅北工作高薪",
    "预支": "先交押金500",
    "包吃住": "包吃住",
    "学生妹": "学生妹陪聊",
    "未成年": "未成年",
    "援交": "援交",
    "上门": "上门服务",
    "出生证": "出生证",
    "办证": "专业办证",
    "空白证": "空白出生证",
    "户口本": "户口本",
    "孩子+价格": "男宝一个，营养费五万",
    "送养+婴儿": "送养新生儿",
    "新娘+价格": "新娘子价格十万",
    "证件+扣押+工作": "工厂招工，入职押身份证",
    "未成年+性": "初中生上门",
    "未成年+价格": "学生妹价格好说",
    "出生证+办": "出生证可办",
}


def test_every_entry_has_an_example() -> None:
    assert {h.name for h in LEXICON + PATTERNS} == set(EXAMPLES)


@pytest.mark.parametrize("entry", LEXICON + PATTERNS, ids=lambda h: h.name)
def test_each_lexicon_reason_fires_on_its_example(entry) -> None:  # type: ignore[no-untyped-def]
    text = normalise(EXAMPLES[entry.name]).text
    reasons = lexicon_hits(text)
    mine = [r for r in reasons if r.weight == entry.weight and entry.why in r.text]
    assert mine, (entry.name, [str(r) for r in reasons])
    assert mine[0].category == entry.category
    s, e = mine[0].span  # type: ignore[misc]
    assert text[s:e] in mine[0].text


def test_ordinary_text_has_no_reasons() -> None:
    assert lexicon_hits(normalise("今天天气很好，我们去公园散步吧").text) == []


@pytest.mark.parametrize(
    ("text", "discounted"),
    [
        ("布偶猫咪送养，宝宝很粘人，营养费200元", "post is about pets"),
        ("出售二手婴儿车，九成新，价格300元", "post sells baby goods"),
        ("初中生数学家教，每小时200元", "post is about tutoring or school"),
        ("婚纱摄影，新娘跟妆，套餐3000元", "post is about wedding services"),
        ("办理出生医学证明流程咨询，请到医院", "post explains an official procedure"),
    ],
)
def test_innocent_contexts_discount(text: str, discounted: str) -> None:
    reasons = lexicon_hits(normalise(text).text)
    assert any(r.source == "context" and discounted in r.text for r in reasons)
    assert RiskModel().score(text).categories == []


def test_pet_context_does_not_hide_a_human_baby() -> None:
    # a dog is mentioned, but 男宝 + 上户口 make it about a child
    r = RiskModel().score("家里有狗，男宝送养，营养费五万，包上户口")
    assert r.categories == [ADOPTION]


def test_category_score_is_one_minus_exp_of_weights() -> None:
    reasons = [
        Reason("lexicon", BRIDE, 0.5, "a"),
        Reason("pattern", BRIDE, 1.2, "b"),
        Reason("lexicon", LABOUR, 0.1, "c"),
    ]
    s = category_scores(reasons)
    assert s[BRIDE] == pytest.approx(1 - math.exp(-1.7))
    assert s[LABOUR] == pytest.approx(1 - math.exp(-0.1))
    assert s[MINORS] == 0.0


def test_lexicon_only_score_and_categories() -> None:
    r = RiskModel().score("蓝宝粉宝都有，营养费5万，不走手续")
    # weights: 蓝宝粉宝 0.9 + 营养费 1.0 + 不走手续 0.8 + 孩子+价格 1.6
    assert r.score == pytest.approx(1 - math.exp(-(0.9 + 1.0 + 0.8 + 1.6)), abs=1e-6)
    assert r.categories == [ADOPTION]
    assert r.reasons[0].source == "pattern"  # strongest first
    weak = RiskModel().score("包吃住")
    assert weak.categories == [] and weak.score == pytest.approx(1 - math.exp(-0.1), abs=1e-6)


def _training_set() -> tuple[list[str], list[str | None]]:
    texts = [
        "男宝送养营养费五万", "女宝私下送养感谢费三万", "蓝宝出售营养费八万可上户口", "新生儿转养营养费十万",
        "越南新娘包处女跑了包赔", "缅甸姑娘一口价十万包不跑", "老挝媳妇闪婚全包价",
        "工厂扣押身份证封闭管理", "砖厂招童工手机上交", "聋哑人也可扣押证件",
        "学生妹包夜援交", "萝莉嫩妹上门全套", "初中生陪睡开房",
        "代办出生证真件可查", "空白出生证出售", "办证刻章出生证明",
        "布偶猫送养打过疫苗", "二手婴儿车出售九成新", "正规工厂招普工五险一金", "初中数学家教一对一",
        "婚纱摄影新娘跟妆", "餐厅招服务员月休四天", "金毛狗狗找领养", "闲置宝宝衣服打包",
    ]  # fmt: skip
    cats: list[str | None] = [ADOPTION, ADOPTION, ADOPTION, ADOPTION, BRIDE, BRIDE, BRIDE]
    cats += [LABOUR, LABOUR, LABOUR, MINORS, MINORS, MINORS, FORGERY, FORGERY, FORGERY]
    labels: list[str | None] = [*cats, *([None] * 8)]
    return texts, labels


def test_classifier_matches_sklearn_probabilities(tmp_path: Path) -> None:
    """The numpy scoring path reproduces scikit-learn's own pipeline on the same data."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    texts, labels = _training_set()
    docs = [normalise(t).text for t in texts]
    ys = [y or NONE_LABEL for y in labels]
    model = RiskModel(lexicon_weight=0.0).fit(texts, labels)
    vec = CountVectorizer(analyzer="char", ngram_range=(1, 4), min_df=2, lowercase=False)
    tf = TfidfTransformer(sublinear_tf=True)
    lr = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(
        tf.fit_transform(vec.fit_transform(docs)), ys
    )
    probe = ["男宝送养营养费", "猫咪送养", "工厂扣押身份证"]
    want = lr.predict_proba(tf.transform(vec.transform([normalise(t).text for t in probe])))
    clf = model._clf
    assert clf is not None and clf.classes == [str(c) for c in lr.classes_]
    got = clf.proba(clf.features([normalise(t).text for t in probe]))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    # with lexicon_weight 0 the score is 1 - P(none) ... or rather the best category probability
    r = model.score(probe[0])
    none_j = clf.classes.index(NONE_LABEL)
    best_cat = max((p, c) for c, p in zip(clf.classes, got[0], strict=True) if c != NONE_LABEL)
    assert r.score == pytest.approx(best_cat[0], abs=1e-6)
    assert got[0, none_j] < 0.5


def test_save_load_round_trip(tmp_path: Path) -> None:
    texts, labels = _training_set()
    model = RiskModel().fit(texts, labels)
    path = tmp_path / "model.json"
    model.save(path)
    again = RiskModel.load(path)
    for t in ["男宝送养营养费", "布偶猫送养", "出生证可办", "随便说点什么"]:
        a, b = model.score(t), again.score(t)
        assert a.score == pytest.approx(b.score) and a.categories == b.categories
        assert [str(r) for r in a.reasons] == [str(r) for r in b.reasons]


def test_lexicon_features_are_used_kept_and_named(tmp_path: Path) -> None:
    """With lexicon_features the classifier has five more columns (the lexicon's category scores),
    they survive save/load, and they change the probabilities relative to n-grams alone."""
    texts, labels = _training_set()
    plain = RiskModel(lexicon_weight=0.0).fit(texts, labels)
    with_lex = RiskModel(lexicon_weight=0.0).fit(texts, labels, lexicon_features=True)
    assert plain._clf is not None and with_lex._clf is not None
    assert with_lex._clf.coef.shape[1] == plain._clf.coef.shape[1] + len(CATEGORIES)
    assert with_lex._clf.inverse_vocab[-len(CATEGORIES) :] == [f"lexicon:{c}" for c in CATEGORIES]
    probe = "男宝送养营养费五万"
    assert with_lex.score(probe).score != pytest.approx(plain.score(probe).score)
    path = tmp_path / "m.json"
    with_lex.save(path)
    again = RiskModel.load(path)
    assert again.score(probe).score == pytest.approx(with_lex.score(probe).score)


def test_classifier_reason_names_ngrams() -> None:
    texts, labels = _training_set()
    r = RiskModel().fit(texts, labels).score("萝莉上门全套")
    cls = [x for x in r.reasons if x.source == "classifier"]
    assert cls and cls[0].category == MINORS and "n-grams" in cls[0].text


def test_retraining_changes_the_model() -> None:
    texts, labels = _training_set()
    m = RiskModel(lexicon_weight=0.0).fit(texts, labels)
    before = m.score("收购旧手机高价").score
    # reviewers label a new slang as forced labour; retraining picks it up
    m.fit([*texts, "收购旧手机高价", "收购旧手机高价回收"], [*labels, LABOUR, LABOUR], min_df=1)
    assert m.score("收购旧手机高价").score > before


def test_fit_rejects_bad_labels() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        RiskModel().fit(["a", "b"], ["trafficking", None])
    with pytest.raises(ValueError, match="two different labels"):
        RiskModel().fit(["a", "b"], [None, "unsure"])
    with pytest.raises(ValueError, match="differ in length"):
        RiskModel().fit(["a"], [None, None])


def test_unsure_labels_are_skipped_and_categories_known() -> None:
    texts, labels = _training_set()
    m = RiskModel().fit([*texts, "不确定的帖子"], [*labels, "unsure"])
    assert m._clf is not None and set(m._clf.classes) == {*CATEGORIES, NONE_LABEL}


def test_load_rejects_foreign_json(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a textscreen risk model"):
        RiskModel.load(p)
