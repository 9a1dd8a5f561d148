"""Extractors: valid and invalid numbers, cue words, places and amounts, spans into the original."""

from __future__ import annotations

import pytest

from homeward.engines.textscreen.extract import extract, parse_cn_number


def _luhn_digit(body: str) -> str:
    """Luhn check digit worked out by hand (independent of stdnum)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # positions that get doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _gb11643_digit(body17: str) -> str:
    """GB 11643 check character: weights 2^(17-i) mod 11, value (12 - sum mod 11) mod 11, 10 -> X."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    v = (12 - sum(int(c) * w for c, w in zip(body17, weights, strict=True)) % 11) % 11
    return "X" if v == 10 else str(v)


def test_reference_check_digits() -> None:
    # published example from GB 11643-1999 (Appendix): 11010519491231002X
    assert _gb11643_digit("11010519491231002") == "X"
    # Luhn reference number from ISO/IEC 7812 examples: 79927398713
    assert _luhn_digit("7992739871") == "3"


def test_mobile_disguised_and_its_area() -> None:
    text = "联系电话：幺三八 一二三四 五六七八"
    e = extract(text)
    assert [p.value for p in e.phones] == ["+8613812345678"]
    p = e.phones[0]
    assert text[p.start : p.end] == "幺三八 一二三四 五六七八"
    assert p.detail["type"] == "mobile"
    assert p.detail["area"] == "江苏省连云港市"  # 138-1234 is a Lianyungang block in libphonenumber
    assert p.detail["area_code"] == "320700"


def test_landline_with_area() -> None:
    e = extract("座机：0755-8888 8888")
    assert [p.value for p in e.phones] == ["+8675588888888"]
    assert e.phones[0].detail["type"] == "landline"
    assert e.phones[0].detail["area"] == "广东省深圳市"
    assert e.phones[0].detail["area_code"] == "440300"


@pytest.mark.parametrize(
    "text",
    [
        "编号12012345678",  # 120 is not a mobile prefix
        "订单号13812345678",  # phone-shaped but introduced as an order number
        "快递单号：13812345678",
        "微信：abc13812345678",  # digits inside a handle
        "库存1381234567件",  # ten digits, not a landline (does not start with 0)
        "13812345678901",  # fourteen digits
    ],
)
def test_numbers_that_are_not_phones(text: str) -> None:
    assert extract(text).phones == []


def test_two_phones_separated_by_space_stay_two() -> None:
    e = extract("电话13812345678 15912345678")
    assert [p.value for p in e.phones] == ["+8613812345678", "+8615912345678"]


def test_id_number_valid_and_invalid_checksum() -> None:
    body = "11010519491231002"
    valid = body + _gb11643_digit(body)
    e = extract(f"身份证号{valid}")
    assert [i.value for i in e.id_numbers] == [valid]
    d = e.id_numbers[0].detail
    assert d["birth_date"] == "1949-12-31"
    assert d["sex"] == "female"  # 17th digit 2 is even
    assert d["place_code"] == "110105" and "朝阳区" in d["place"]
    wrong = body + ("0" if valid[-1] != "0" else "1")
    assert extract(f"身份证号{wrong}").id_numbers == []
    # valid check digit but impossible birth date (month 13)
    bad_date = "11010519491331002"
    assert extract(f"身份证号{bad_date}{_gb11643_digit(bad_date)}").id_numbers == []


def test_id_number_lowercase_x_and_full_width() -> None:
    e = extract("身份证：１１０１０５１９４９１２３１００２ｘ")
    assert [i.value for i in e.id_numbers] == ["11010519491231002X"]


def test_bank_card_luhn() -> None:
    body = "622202020011234567"
    card = body + _luhn_digit(body)
    e = extract(f"转账卡号 {card[:4]} {card[4:8]} {card[8:12]} {card[12:16]} {card[16:]}")
    assert [c.value for c in e.bank_cards] == [card]
    bad = body + str((int(_luhn_digit(body)) + 1) % 10)
    assert extract(f"转账卡号{bad}").bank_cards == []


def test_bank_card_without_cue_needs_scheme_prefix() -> None:
    body = "123456789012345"
    card = body + _luhn_digit(body)  # Luhn-valid but no card-scheme prefix, no cue
    assert extract(f"编码{card}").bank_cards == []
    assert [c.value for c in extract(f"卡号{card}").bank_cards] == [card]


def test_wechat_needs_a_cue() -> None:
    e = extract("V❤：ABC_123x，看好再说")
    assert [w.value for w in e.wechat] == ["abc_123x"]
    assert extract("型号abc_123x，九成新").wechat == []


def test_wechat_by_phone_number() -> None:
    e = extract("电话13912345678，微信同号")
    assert [w.value for w in e.wechat] == ["+8613912345678"]
    assert e.contacts() == {"phones:+8613912345678", "phone:+8613912345678"}
    e2 = extract("微信：13912345678")
    assert [w.value for w in e2.wechat] == ["+8613912345678"]


def test_qq_needs_a_cue() -> None:
    e = extract("扣扣：幺二三四五六七")
    assert [q.value for q in e.qq] == ["1234567"]
    assert extract("企鹅 98765").qq[0].value == "98765"
    assert extract("房号12345，库存654321").qq == []


def test_places_with_disambiguation() -> None:
    e = extract("北京朝阳区有人送养")
    assert [(p.value, p.detail["code"]) for p in e.places] == [("北京", "110000"), ("朝阳区", "110105")]
    e2 = extract("长春朝阳区")
    assert [p.detail["code"] for p in e2.places] == ["220100", "220104"]
    e3 = extract("吉林白城")  # 吉林 = the province here, not 吉林市
    assert [p.detail["code"] for p in e3.places] == ["220000", "220800"]
    e4 = extract("重慶梁平區")  # traditional characters
    assert [p.detail["code"] for p in e4.places] == ["500000", "500155"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", 5), ("1.5万", 15_000), ("3w", 30_000), ("8k", 8_000), ("五万", 50_000), ("三万八", 38_000),
     ("两千五", 2_500), ("2万5", 25_000), ("十二万", 120_000), ("三百五", 350), ("一千零五", 1_005)],
)  # fmt: skip
def test_parse_cn_number(text: str, value: float) -> None:
    assert parse_cn_number(text) == value


def test_amounts_need_a_unit_and_ignore_handles() -> None:
    e = extract("营养费五万，价格¥4500一套，微信：t9qs564w，月薪8000元")
    assert [a.value for a in e.amounts] == ["50000", "4500", "8000"]
    assert extract("第一个，两个人").amounts == []


def test_spans_point_into_original_text() -> None:
    text = "薇：ＡＢＣ_１２３ 扣扣 ⑨⑧⑦⑥⑤"
    e = extract(text)
    assert [text[w.start : w.end] for w in e.wechat] == ["ＡＢＣ_１２３"]
    assert [text[q.start : q.end] for q in e.qq] == ["⑨⑧⑦⑥⑤"]
