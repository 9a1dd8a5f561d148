"""Lead extraction from (normalised) posts: phones, WeChat/QQ, ID numbers, bank cards, places, amounts.

Everything is found in the normalised text (so "幺三八…" and "１３８…" are plain digits) and reported
with the span of the original text it came from.  Validation follows the numbering standards:

- mobile and landline numbers: ``phonenumbers`` metadata for CN, with the area it belongs to;
- resident ID numbers: GB 11643 check digit, birth date and birth place (``stdnum.cn.ric``);
- bank cards: 16-19 digits passing the Luhn check, with a bank cue or a card-scheme prefix;
- WeChat IDs and QQ numbers: only when a cue word (微信 / qq, after normalisation) is right before;
- places: current division names from ``homeward.refdata``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import carrier, geocoder
from stdnum import luhn
from stdnum.cn import ric

from .normalise import Normalised, normalise

__all__ = ["KINDS", "Entities", "Lead", "extract", "extract_normalised", "parse_cn_number"]

KINDS = ("phones", "wechat", "qq", "id_numbers", "bank_cards", "places", "amounts")


@dataclass(frozen=True, slots=True)
class Lead:
    """One extracted value and where it came from.

    ``start``/``end`` index the original text, ``norm_start``/``norm_end`` the normalised text;
    ``detail`` holds type-specific facts (area of a phone, birth date of an ID number, ...).
    """

    kind: str
    value: str
    start: int
    end: int
    norm_start: int
    norm_end: int
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "span": [self.start, self.end], **self.detail}


@dataclass(slots=True)
class Entities:
    """All leads of one post, by type."""

    phones: list[Lead] = field(default_factory=list)
    wechat: list[Lead] = field(default_factory=list)
    qq: list[Lead] = field(default_factory=list)
    id_numbers: list[Lead] = field(default_factory=list)
    bank_cards: list[Lead] = field(default_factory=list)
    places: list[Lead] = field(default_factory=list)
    amounts: list[Lead] = field(default_factory=list)

    def contacts(self) -> set[str]:
        """Values that identify a seller, prefixed by type (used to link posts into groups)."""
        out: set[str] = set()
        for kind in ("phones", "wechat", "qq", "id_numbers", "bank_cards"):
            for lead in getattr(self, kind):
                # A WeChat account found by phone number is the same contact as that phone.
                prefix = "phone" if kind == "wechat" and lead.detail.get("is_phone") else kind
                out.add(f"{prefix}:{lead.value}")
        return out

    def to_dict(self, kinds: tuple[str, ...] = KINDS) -> dict[str, list[dict[str, Any]]]:
        return {k: [lead.to_dict() for lead in getattr(self, k)] for k in kinds}


# --- digit runs: phones, ID numbers, bank cards --------------------------------------------------

_RUN_RE = re.compile(r"(?<![0-9])(\+?)([0-9]+x?)(?![0-9])")
_TOKEN_CHARS = re.compile(r"[a-z0-9_\-]")
# Letters glued before a number that still introduce a contact rather than belong to an ID.
_CUE_PREFIXES = ("tel", "phone", "mobile", "call", "qq", "wx", "vx", "v", "dh", "sj")
# Words right before a number that say it is not a phone (order, tracking, case numbers).
_NOT_PHONE_RE = re.compile(
    r"(订单|单号|运单|快递|编号|工号|学号|流水号|序列号|型号|批号|验证码|邮编)[号码是为:：]*$"
)
_BANK_CUE_RE = re.compile(r"(卡号|银行|账号|帐号|转账|汇款|打款|收款|工行|建行|农行|中行|招行|邮政|储蓄)")
_WECHAT_CUE = "微信"
_WECHAT_ID_RE = re.compile(
    r"微信(?:号码?|id)?(?:是|为|搜索?|加|添加|联系)?[:：=\s]{0,3}([a-z][a-z0-9_\-]{5,19})(?![a-z0-9_\-])"
)
_WECHAT_NUM_RE = re.compile(
    r"微信(?:号码?)?(?:是|为|搜索?|加|添加|联系)?[:：=\s]{0,3}(?=(?:\+?86)?1[3-9][0-9]{9}(?![0-9]))"
)
_WECHAT_SAME_RE = re.compile(r"微信同号|同微信|微信同步|电话同微信|手机同微信|同v")
_QQ_RE = re.compile(r"qq(?:号码?|群)?(?:是|为|加|联系)?[:：=\s]{0,3}([1-9][0-9]{4,10})(?![0-9])")


def _glued_letters(text: str, start: int) -> str:
    i = start
    while i > 0 and _TOKEN_CHARS.match(text[i - 1]):
        i -= 1
    return text[i:start]


def _phone_lead(norm: Normalised, digits: str, s: int, e: int) -> Lead | None:
    national = digits
    if national.startswith("86") and len(national) in (12, 13):
        national = national[2:]
    if national.startswith("1") and len(national) == 11:
        want = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
        kind = "mobile"
    elif national.startswith("0") and 10 <= len(national) <= 12:
        want = {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
        kind = "landline"
    else:
        return None
    try:
        num = phonenumbers.parse(national, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num) or phonenumbers.number_type(num) not in want:
        return None
    value = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    area = geocoder.description_for_number(num, "zh").strip()
    # "中国" is the geocoder's answer when the prefix has no region (e.g. some 166 blocks).
    detail: dict[str, Any] = {
        "type": kind,
        "national": national,
        "area": area if area not in ("", "中国") else None,
    }
    if kind == "mobile":
        detail["carrier"] = carrier.name_for_number(num, "zh") or None
    area_code = _area_division(detail["area"])
    if area_code:
        detail["area_code"] = area_code
    o_s, o_e = norm.span(s, e)
    return Lead("phones", value, o_s, o_e, s, e, detail)


@lru_cache(maxsize=4096)
def _area_division(area: str | None) -> str | None:
    """Division code for a geocoder description such as "广东省广州市" (the most specific match)."""
    if not area:
        return None
    hits = list(_find_places(area))
    if not hits:
        return None
    return max(hits, key=lambda h: _LEVEL_RANK[h[2]])[3]


def _id_lead(norm: Normalised, digits: str, s: int, e: int) -> Lead | None:
    number = digits.upper()
    if len(number) != 18 or not ric.is_valid(number):
        return None
    birth: date = ric.get_birth_date(number)
    detail: dict[str, Any] = {
        "birth_date": birth.isoformat(),
        "sex": "male" if int(number[16]) % 2 else "female",
        "place_code": number[:6],
    }
    try:
        place = ric.get_birth_place(number)
        detail["place"] = "".join(v for v in place.values() if v)
    except Exception:
        detail["place"] = None
    current = _divisions_resolve(number[:6], birth.year)
    if current is not None:
        detail["current_code"], detail["current_name"] = current
    o_s, o_e = norm.span(s, e)
    return Lead("id_numbers", number, o_s, o_e, s, e, detail)


def _bank_lead(norm: Normalised, digits: str, s: int, e: int) -> Lead | None:
    if not (16 <= len(digits) <= 19) or not digits.isdigit() or not luhn.is_valid(digits):
        return None
    cue = _BANK_CUE_RE.search(norm.text[max(0, s - 16) : s])
    # 62 = UnionPay, 4 = Visa, 5 = Mastercard; without a cue a random Luhn-valid run (1 in 10) is
    # only accepted with a card-scheme prefix.
    if cue is None and not digits.startswith(("62", "4", "5")):
        return None
    o_s, o_e = norm.span(s, e)
    scheme = "unionpay" if digits.startswith("62") else "visa" if digits.startswith("4") else "other"
    return Lead("bank_cards", digits, o_s, o_e, s, e, {"scheme": scheme, "cue": cue is not None})


def _digit_runs(norm: Normalised, ent: Entities) -> None:
    text = norm.text
    for mt in _RUN_RE.finditer(text):
        s, e = mt.span(2)
        digits = mt.group(2)
        glued = _glued_letters(text, mt.start())
        if glued and glued not in _CUE_PREFIXES and not glued.endswith(_CUE_PREFIXES):
            continue  # part of an alphanumeric handle such as abc13812345678
        if digits.endswith("x"):
            lead = _id_lead(norm, digits, s, e)
            if lead:
                ent.id_numbers.append(lead)
            continue
        n = len(digits)
        if n == 18:
            lead = _id_lead(norm, digits, s, e)
            if lead:
                ent.id_numbers.append(lead)
                continue
        if n in (10, 11, 12, 13) and not _NOT_PHONE_RE.search(text[max(0, s - 8) : s]):
            lead = _phone_lead(norm, digits, s, e)
            if lead:
                ent.phones.append(lead)
                continue
        if 16 <= n <= 19:
            lead = _bank_lead(norm, digits, s, e)
            if lead:
                ent.bank_cards.append(lead)


def _contacts(norm: Normalised, ent: Entities) -> None:
    text = norm.text
    seen: set[tuple[int, int]] = set()
    for mt in _WECHAT_ID_RE.finditer(text):
        s, e = mt.span(1)
        o_s, o_e = norm.span(s, e)
        ent.wechat.append(Lead("wechat", mt.group(1), o_s, o_e, s, e, {"is_phone": False}))
        seen.add((s, e))
    phone_at = {p.norm_start: p for p in ent.phones}
    for mt in _WECHAT_NUM_RE.finditer(text):
        for pos in (mt.end(), mt.end() + 1, mt.end() + 2, mt.end() + 3):
            ph = phone_at.get(pos)
            if ph and (ph.norm_start, ph.norm_end) not in seen:
                seen.add((ph.norm_start, ph.norm_end))
                ent.wechat.append(
                    Lead("wechat", ph.value, ph.start, ph.end, ph.norm_start, ph.norm_end, {"is_phone": True})
                )
                break
    for mt in _WECHAT_SAME_RE.finditer(text):
        # "电话 138… 微信同号": the nearest phone before (or just after) the cue is also the WeChat.
        before = [p for p in ent.phones if p.norm_end <= mt.start() and mt.start() - p.norm_end <= 12]
        after = [p for p in ent.phones if p.norm_start >= mt.end() and p.norm_start - mt.end() <= 6]
        cand = before[-1:] or after[:1]
        for ph in cand:
            if (ph.norm_start, ph.norm_end) not in seen:
                seen.add((ph.norm_start, ph.norm_end))
                ent.wechat.append(
                    Lead("wechat", ph.value, ph.start, ph.end, ph.norm_start, ph.norm_end, {"is_phone": True})
                )
    for mt in _QQ_RE.finditer(text):
        s, e = mt.span(1)
        o_s, o_e = norm.span(s, e)
        ent.qq.append(Lead("qq", mt.group(1), o_s, o_e, s, e, {}))


# --- places ------------------------------------------------------------------------------------

_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    # name -> list of (code, level, province_code, parent_code)
    entries: dict[str, list[tuple[str, str, str, str | None]]]
    lengths_by_first: dict[str, tuple[int, ...]]  # first character -> name lengths, longest first


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    from homeward.refdata.divisions import load_divisions, name_stem

    idx = load_divisions()
    entries: dict[str, list[tuple[str, str, str, str | None]]] = {}
    for d in idx:
        names = {d.name}
        stem = name_stem(d.name)
        # County stems (城关, 和平, 新华, 朝阳...) are everyday words; only provinces and
        # prefectures are matched by their short names.
        if d.level != "county" and len(stem) >= 2:
            names.add(stem)
        for name in names:
            entries.setdefault(name, []).append((d.code, d.level, d.province_code, d.parent_code))
    lengths: dict[str, set[int]] = {}
    for name in entries:
        lengths.setdefault(name[0], set()).add(len(name))
    return _Gazetteer(entries, {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()})


def _ancestor_prefix(code: str, level: str) -> str:
    return code[:2] if level == "province" else code[:4] if level == "prefecture" else code


def _find_places(text: str) -> Iterator[tuple[int, int, str, str, str]]:
    """(start, end, level, code, name) for each place name, leftmost-longest, disambiguated.

    A name shared by several divisions (海南 = 海南省 or 海南州, 吉林 = 吉林省 or 吉林市, 朝阳区 in
    北京 and 长春) resolves to the candidate that contains or lies within another place named in
    the same post, else to the highest level (province before prefecture before county).
    """
    gaz = _gazetteer()
    raw: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    while i < n:
        lens = gaz.lengths_by_first.get(text[i])
        hit = 0
        if lens:
            for ln in lens:
                if i + ln <= n and text[i : i + ln] in gaz.entries:
                    hit = ln
                    break
        if hit:
            raw.append((i, i + hit, text[i : i + hit]))
            i += hit
        else:
            i += 1
    if not raw:
        return
    others = [(s, cands) for s, _e, name in raw for cands in [gaz.entries[name]]]
    for s, e, name in raw:
        cands = gaz.entries[name]
        best = cands[0]
        if len(cands) > 1:

            def related(c: tuple[str, str, str, str | None], s: int = s) -> bool:
                pre = _ancestor_prefix(c[0], c[1])
                for s2, cands2 in others:
                    if s2 == s:
                        continue
                    for c2 in cands2:
                        if c2[0] != c[0] and (
                            c2[0].startswith(pre) or c[0].startswith(_ancestor_prefix(c2[0], c2[1]))
                        ):
                            return True
                return False

            best = min(cands, key=lambda c: (not related(c), _LEVEL_RANK[c[1]], c[0]))
        yield s, e, best[1], best[0], name


def _places(norm: Normalised, ent: Entities) -> None:
    gaz = _gazetteer()
    for s, e, level, code, name in _find_places(norm.text):
        o_s, o_e = norm.span(s, e)
        n_cands = len(gaz.entries[name])
        ent.places.append(
            Lead("places", name, o_s, o_e, s, e, {"code": code, "level": level, "ambiguous": n_cands > 1})
        )


@lru_cache(maxsize=4096)
def _divisions_resolve(code: str, year: int | None) -> tuple[str, str] | None:
    from homeward.refdata.divisions import load_divisions

    d = load_divisions().resolve(code, year)
    return (d.code, d.name) if d is not None else None


# --- amounts -----------------------------------------------------------------------------------

_CN_NUM = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "k": 1000, "万": 10_000, "w": 10_000}
_AMOUNT_RE = re.compile(
    r"(?P<cur>¥|rmb|人民币)?(?<![a-z0-9_.])"
    r"(?P<num>[0-9]+(?:\.[0-9]+)?(?:万|千|[wk](?![a-z0-9]))?[0-9]?(?![a-z0-9])|[零〇一二两三四五六七八九十百千万]+)"
    r"(?P<unit>元|块钱?|rmb)?"
)


def parse_cn_number(text: str) -> float | None:
    """Parse "5", "1.5万", "3w", "8k", "五万", "三万八", "两千五", "2万5", "十二万" into a number.

    The colloquial trailing digit after a unit means the next unit down (三万八 = 38,000).
    """
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([万千wk])?([0-9])?", text)
    if m:
        val = float(m.group(1))
        unit = _CN_UNIT[m.group(2)] if m.group(2) else 1
        tail = int(m.group(3)) * unit // 10 if m.group(3) else 0
        return val * unit + tail
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 1
    for ch in text:
        if ch in ("零", "〇"):
            # 一千零五 = 1,005: after a zero the last digit counts units, not the next unit down.
            digit, last_unit = None, 1
        elif ch in _CN_NUM:
            digit = _CN_NUM[ch]
        elif ch in ("十", "百", "千"):
            section += (1 if digit is None else digit) * _CN_UNIT[ch]
            last_unit = _CN_UNIT[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit, last_unit = 0, None, 10_000
        else:
            return None
    if digit is not None:
        # 三万八 -> 8 means 8,000; 三百五 -> 50; plain 五 -> 5.
        section += digit * (last_unit // 10 if last_unit >= 10 else 1)
    return float(total + section)


def _amounts(norm: Normalised, ent: Entities) -> None:
    text = norm.text
    for mt in _AMOUNT_RE.finditer(text):
        num = mt.group("num")
        has_unit = bool(mt.group("cur") or mt.group("unit"))
        has_scale = bool(re.search(r"[万千wk]", num)) and re.search(r"[0-9一二两三四五六七八九十]", num)
        if not (has_unit or has_scale):
            continue
        if mt.start("num") > 0 and text[mt.start("num") - 1].isdigit():
            continue
        value = parse_cn_number(num)
        if value is None or value <= 0:
            continue
        s, e = mt.span()
        o_s, o_e = norm.span(s, e)
        ent.amounts.append(Lead("amounts", f"{value:g}", o_s, o_e, s, e, {"yuan": value}))


def extract_normalised(norm: Normalised) -> Entities:
    """Leads of an already normalised post."""
    ent = Entities()
    _digit_runs(norm, ent)
    _contacts(norm, ent)
    _places(norm, ent)
    _amounts(norm, ent)
    return ent


def extract(text: str) -> Entities:
    """Normalise ``text`` and extract its leads (spans index ``text``)."""
    return extract_normalised(normalise(text))
