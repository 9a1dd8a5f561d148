"""Each normalisation rule on hand-worked examples, plus the span map back to the original."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.engines.textscreen.normalise import (
    Mapped,
    canonical_contacts,
    chinese_digits,
    drop_invisibles,
    fold_case,
    fold_width,
    normalise,
    strip_separators,
    to_simplified,
)


def run(rule, text: str) -> str:  # type: ignore[no-untyped-def]
    return rule(Mapped.of(text)).text


def test_fold_width_full_width_and_circled() -> None:
    assert run(fold_width, "１３８ＡＢｃ") == "138ABc"
    assert run(fold_width, "①③⑧") == "138"
    assert run(fold_width, "⑩号") == "10号"  # expands to two characters
    assert run(fold_width, "⑴⒉❸➃⓿") == "12340"  # parenthesised, full stop, dingbat forms
    assert run(fold_width, "𝟏𝟐") == "12"
    # Chinese prose punctuation is kept: it separates clauses.
    assert run(fold_width, "你好，再见。") == "你好，再见。"


def test_fold_width_keeps_spans_per_character() -> None:
    m = fold_width(Mapped.of("ab⑩c"))
    assert m.text == "ab10c"
    # both "1" and "0" point at the single original "⑩"
    assert m.span(2, 3) == (2, 3) and m.span(3, 4) == (2, 3)
    assert m.span(4, 5) == (3, 4)


def test_fold_case_ascii_only() -> None:
    assert run(fold_case, "VX号ABC") == "vx号abc"
    assert run(fold_case, "İ") == "İ"  # non-ASCII untouched (lower() would make it two characters)


def test_to_simplified() -> None:
    assert run(to_simplified, "領養寶寶，出生證，營養費") == "领养宝宝，出生证，营养费"
    assert run(to_simplified, "微信abc") == "微信abc"


def test_drop_invisibles() -> None:
    assert run(drop_invisibles, "微\u200b信") == "微信"
    assert run(drop_invisibles, "1\ufe0f\u20e33\ufe0f\u20e3") == "13"  # keycap digits


def test_canonical_contacts_wechat() -> None:
    for disguise in ("v信", "v❤", "vx", "wx", "微❤信", "薇信", "威信", "绿泡泡", "v x"):
        assert run(canonical_contacts, f"{disguise}:abc123") == "微信:abc123", disguise
    assert run(canonical_contacts, "薇 abc123") == "微信 abc123"
    assert run(canonical_contacts, "加v abc123") == "加微信 abc123"
    # "v" followed by an ID that starts with x is "v" + ID, not "vx"
    assert run(canonical_contacts, "加v：x7a3qf") == "加微信：x7a3qf"
    assert run(canonical_contacts, "wxyz123") == "wxyz123"


def test_canonical_contacts_qq() -> None:
    for disguise in ("扣扣", "扣 扣", "企鹅", "🐧", "q q"):
        assert run(canonical_contacts, f"{disguise}:12345") == "qq:12345", disguise
    assert run(canonical_contacts, "企鹅号12345") == "qq号12345"


def test_strip_separators_between_characters() -> None:
    assert run(strip_separators, "送*养 男 宝") == "送养男宝"
    assert run(strip_separators, "138 1234 5678") == "13812345678"
    assert run(strip_separators, "138-1234-5678") == "13812345678"
    assert run(strip_separators, "138.1234.5678") == "13812345678"
    assert run(strip_separators, "a b c") == "abc"


def test_strip_separators_keeps_real_boundaries() -> None:
    # two complete phone numbers stay apart
    assert run(strip_separators, "13812345678 15912345678") == "13812345678 15912345678"
    # numbers in different clauses stay apart
    assert run(strip_separators, "订单号18120238850，☎：175") == "订单号18120238850，☎：175"
    assert run(strip_separators, "1.5万") == "1.5万"  # decimal point
    assert run(strip_separators, "abc_123") == "abc_123"  # WeChat IDs keep "_"
    assert run(strip_separators, "fh8m4_9bis") == "fh8m4_9bis"
    assert run(strip_separators, "hello world") == "hello world"
    assert run(strip_separators, "三万，八年老店") == "三万，八年老店"


def test_chinese_digits() -> None:
    assert run(chinese_digits, "幺三八幺二三四五六七八") == "13812345678"
    assert run(chinese_digits, "拐洞两勾五") == "70295"
    assert run(chinese_digits, "138幺二三四五六七八") == "13812345678"
    # short runs are words, and measure words after a price are not digits
    assert run(chinese_digits, "一两个人") == "一两个人"
    assert run(chinese_digits, "¥4500一套") == "¥4500一套"


def test_normalise_pipeline_and_spans() -> None:
    text = "V❤：ABC123 電話：幺三八 一二三四 五六七八"
    n = normalise(text)
    assert n.text == "微信：abc123 电话：13812345678"
    i = n.text.index("13812345678")
    assert n.original_slice(i, i + 11) == "幺三八 一二三四 五六七八"
    j = n.text.index("abc123")
    assert n.original_slice(j, j + 6) == "ABC123"
    assert n.original_slice(0, 2) == "V❤"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="幺三八 一二-.*①⑩１Ａ微信V❤扣企鹅abc_xq，。0123456789電話", max_size=40))
def test_span_map_is_within_original_and_monotone(text: str) -> None:
    n = normalise(text)
    m = n.mapped
    assert len(m.starts) == len(m.ends) == len(n.text)
    for s, e in zip(m.starts, m.ends, strict=True):
        assert 0 <= s < e <= len(text)
    assert list(m.starts) == sorted(m.starts)


def test_normalise_is_idempotent_on_examples() -> None:
    for t in ["V❤：ABC123 電話：幺三八 一二三四 五六七八", "送*养 男 宝，营养费 5 万", "扣 扣:１２３４５"]:
        once = normalise(t).text
        assert normalise(once).text == once


def test_package_exports_functions_not_modules() -> None:
    import homeward.engines.textscreen as ts
    import homeward.engines.textscreen.extract as _extract_module  # noqa: F401 - binds the submodule
    import homeward.engines.textscreen.normalise as _normalise_module  # noqa: F401

    assert ts.normalise("V❤").text == "微信"
    assert [q.value for q in ts.extract("qq 12345").qq] == ["12345"]
    assert ts.Clusterer.__name__ == "Clusterer" and ts.RiskModel.__name__ == "RiskModel"
