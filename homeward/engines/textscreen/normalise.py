"""Text normalisation for online-post screening, keeping a map back to the original.

Sellers disguise posts so that keyword filters and phone-number regexes miss them: full-width or
circled digits, traditional characters, Chinese numerals and homophones for phone digits (幺=1,
拐=7, 洞=0), symbols between characters ("微.信", "1 3 8"), and nicknames for the contact apps
("V❤", "薇", "扣扣", "企鹅").  Every later step (extraction, lexicon, classifier, clustering) works on
the normalised text, so each rule here undoes one disguise.

Each rule is a function ``Mapped -> Mapped``.  A :class:`Mapped` carries, for every character of the
current text, the span ``[start, end)`` of the original text it came from, so a lead found in the
normalised text can be shown to a reviewer highlighted in the post as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DEFAULT_RULES",
    "Mapped",
    "Normalised",
    "Rule",
    "canonical_contacts",
    "chinese_digits",
    "drop_invisibles",
    "fold_case",
    "fold_width",
    "normalise",
    "strip_separators",
    "to_simplified",
]


@dataclass(frozen=True, slots=True)
class Mapped:
    """Text plus, per character, the original span it stands for."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    @classmethod
    def of(cls, text: str) -> Mapped:
        # Ranges, not tuples: most rules leave most texts alone, so the identity map is never built.
        n = len(text)
        return cls(text, range(n), range(1, n + 1))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span covered by the normalised slice ``[start, end)``."""
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return min(self.starts[start:end]), max(self.ends[start:end])


Rule = Callable[[Mapped], Mapped]


def _sub(m: Mapped, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> Mapped:
    """Regex substitution that keeps the span map.

    A replacement of the same length maps character for character (so ``１３８`` -> ``138`` keeps each
    digit's own span); otherwise every new character points at the whole matched original span.
    """
    text = m.text
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    changed = False
    for mt in pattern.finditer(text):
        s, e = mt.span()
        new = repl(mt)
        if new == text[s:e]:
            continue
        changed = True
        out.append(text[last:s])
        starts.extend(m.starts[last:s])
        ends.extend(m.ends[last:s])
        if len(new) == e - s:
            starts.extend(m.starts[s:e])
            ends.extend(m.ends[s:e])
        elif new:
            o_s, o_e = m.span(s, e)
            starts.extend([o_s] * len(new))
            ends.extend([o_e] * len(new))
        out.append(new)
        last = e
    if not changed:
        return m
    out.append(text[last:])
    starts.extend(m.starts[last:])
    ends.extend(m.ends[last:])
    return Mapped("".join(out), tuple(starts), tuple(ends))


# --- rule 1: full-width, circled and other enclosed/styled characters -------------------------


def _build_width_table() -> dict[str, str]:
    table: dict[str, str] = {}
    ranges = [
        (0xFF10, 0xFF19),  # full-width digits
        (0xFF21, 0xFF3A),  # full-width Latin capitals
        (0xFF41, 0xFF5A),  # full-width Latin small letters
        (0xFF03, 0xFF0B),  # full-width ＃＄％＆＇（）＊＋ (symbols used as separators)
        (0xFF0D, 0xFF0D),  # full-width hyphen-minus
        (0xFF0F, 0xFF0F),  # full-width solidus
        (0xFF3F, 0xFF3F),  # full-width low line
        (0xFF5E, 0xFF5E),  # full-width tilde
        (0x3000, 0x3000),  # ideographic space
        (0x2460, 0x24FF),  # circled / parenthesised / full-stop digits and letters
        (0x3251, 0x325F),  # circled 21..35
        (0x32B1, 0x32BF),  # circled 36..50
        (0x3280, 0x3289),  # circled ideographs 一..十
        (0x1D400, 0x1D7FF),  # mathematical bold/italic letters and digits
        (0x1F100, 0x1F10A),  # digit full stop / comma
        (0x1F130, 0x1F189),  # squared / negative circled letters
    ]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            folded = unicodedata.normalize("NFKC", ch)
            if folded == ch:
                continue
            if 0x2474 <= cp <= 0x249B or 0x1F100 <= cp <= 0x1F10A:
                # "⑴" -> "(1)", "⒈" -> "1.": the brackets and dots are decoration, not text.
                folded = "".join(c for c in folded if c.isalnum())
            table[ch] = folded
    # Dingbat circled digits have no compatibility decomposition.
    for base, cps in ((1, range(0x2776, 0x2780)), (1, range(0x2780, 0x278A)), (1, range(0x278A, 0x2794))):
        for i, cp in enumerate(cps):
            table[chr(cp)] = str(base + i)
    for i, cp in enumerate(range(0x24EB, 0x24F5)):  # ⓫..⓴
        table[chr(cp)] = str(11 + i)
    table["⓿"] = "0"
    table["⓪"] = "0"
    return table


_WIDTH_TABLE = _build_width_table()
# One-to-one foldings go through str.translate (spans unchanged); the few that expand ("⑩" -> "10")
# through the span-keeping substitution.
_WIDTH_1TO1 = str.maketrans({k: v for k, v in _WIDTH_TABLE.items() if len(v) == 1})
_WIDTH_MULTI = {k: v for k, v in _WIDTH_TABLE.items() if len(v) != 1}
_WIDTH_MULTI_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_WIDTH_MULTI)) + "]")
# A probe covering every folded character by range (a superset: a few code points fold to themselves).
_WIDTH_1TO1_RE = re.compile(
    "[\u2460-\u24ff\u2776-\u2793\u3000\u3251-\u325f\u3280-\u3289\u32b1-\u32bf\uff03-\uff5e"
    "\U0001d400-\U0001d7ff\U0001f100-\U0001f10a\U0001f130-\U0001f189]"
)


def _translate(m: Mapped, table: dict[int, str], probe: re.Pattern[str]) -> Mapped:
    # str.translate looks every character up in a dict; the probe (a character class) is C-speed
    # and most posts hold none of the characters.
    if probe.search(m.text) is None:
        return m
    new = m.text.translate(table)
    return m if new == m.text else Mapped(new, m.starts, m.ends)


def fold_width(m: Mapped) -> Mapped:
    """Full-width digits/letters/symbols, circled and enclosed digits and letters, styled math letters
    -> plain ASCII.  Chinese prose punctuation (，。：；！？) is kept: it marks clause boundaries."""
    m = _translate(m, _WIDTH_1TO1, _WIDTH_1TO1_RE)
    if _WIDTH_MULTI_RE.search(m.text) is None:
        return m
    return _sub(m, _WIDTH_MULTI_RE, lambda mt: _WIDTH_MULTI[mt.group()])


# --- rule 2: case -----------------------------------------------------------------------------

_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
_UPPER_RE = re.compile("[A-Z]")


def fold_case(m: Mapped) -> Mapped:
    """ASCII upper case -> lower case (WeChat IDs are case-insensitive; "VX" == "vx")."""
    return _translate(m, _LOWER, _UPPER_RE)


# --- rule 3: traditional -> simplified --------------------------------------------------------


@lru_cache(maxsize=1)
def _opencc_t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert  # type: ignore[no-any-return]


_HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def to_simplified(m: Mapped) -> Mapped:
    """Traditional -> simplified Chinese with OpenCC (phrase-aware, falls back per character)."""
    convert = _opencc_t2s()
    whole = convert(m.text)
    if whole == m.text:
        return m
    if len(whole) == len(m.text):
        return Mapped(whole, m.starts, m.ends)

    def repl(mt: re.Match[str]) -> str:
        run = mt.group()
        out = convert(run)
        if len(out) != len(run):
            # Phrase conversions that change length would blur the span map; convert per char.
            out = "".join(convert(c) if len(convert(c)) == 1 else c for c in run)
        return out

    return _sub(m, _HAN_RE, repl)


# --- rule 4: invisible characters -------------------------------------------------------------

_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u0300-\u036f\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\ufeff\U000e0000-\U000e007f]+"
)


def drop_invisibles(m: Mapped) -> Mapped:
    """Zero-width characters, variation selectors, keycap and other combining marks are removed.

    "1️⃣3️⃣8️⃣" is "1" + U+FE0F + U+20E3 per digit; zero-width spaces split keywords invisibly.
    """
    return _sub(m, _INVISIBLE_RE, lambda mt: "")


# --- rule 5: disguised names of WeChat and QQ ------------------------------------------------

_SEP = r"[^\w\u4e00-\u9fff]{0,3}"  # up to three symbols or spaces wedged inside the nickname
_HEART = "❤♥♡💗💕💖💓💚😍"
_WECHAT_PATTERNS = [
    r"(?<![a-z0-9])[vw][\s.·*]{0,2}x(?![a-z0-9])",  # vx, wx, "v x" (but not "v:x7a3" = v + ID)
    rf"(?<![a-z])[vw]{_SEP}[{_HEART}信心芯]",  # v信, V❤
    rf"[微薇威危]{_SEP}[信芯心{_HEART}]",  # 微信 with separators, 薇信, 威信, 微芯
    r"绿泡泡|绿色泡泡|🟢泡泡",
    r"薇(?![信芯心])",  # "薇: abc123" - the character for 微 alone
    r"(?<=加)v(?![a-z])|(?<=\+)v(?![a-z])",  # 加v / +v
]
_QQ_PATTERNS = [
    rf"扣{_SEP}扣|叩{_SEP}叩|寇{_SEP}寇|抠{_SEP}抠|蔻{_SEP}蔻",
    r"企鹅号?|🐧",
    rf"(?<![a-z])q{_SEP}q(?![a-z])",  # "q q" / "q.q" -> qq
]
_CONTACT_RE = re.compile(
    # The lookahead lets the engine skip positions that cannot start a nickname cheaply.
    "(?=[vwq微薇威危绿🟢扣叩寇抠蔻企🐧])(?:"
    + "|".join(f"(?P<w{i}>{p})" for i, p in enumerate(_WECHAT_PATTERNS))
    + "|"
    + "|".join(f"(?P<q{i}>{p})" for i, p in enumerate(_QQ_PATTERNS))
    + ")"
)


def canonical_contacts(m: Mapped) -> Mapped:
    """Nicknames of WeChat (V信, V❤, vx, 薇, 威信, 绿泡泡, 加v) -> 微信; of QQ (扣扣, 企鹅) -> qq."""

    def repl(mt: re.Match[str]) -> str:
        kind = mt.lastgroup or ""
        if kind.startswith("w"):
            return "微信" if mt.group() != "微信" else mt.group()
        return "qq号" if mt.group().endswith("号") else "qq"

    return _sub(m, _CONTACT_RE, repl)


# --- rule 6: separators inserted between characters ------------------------------------------

# Characters that count as numerals for joining "138 幺三八" style numbers.
_CN_DIGITS = {
    "零": "0", "〇": "0", "洞": "0",
    "一": "1", "幺": "1", "壹": "1",
    "二": "2", "两": "2", "贰": "2",
    "三": "3", "叁": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6",
    "七": "7", "拐": "7", "柒": "7",
    "八": "8", "捌": "8",
    "九": "9", "勾": "9", "玖": "9",
}  # fmt: skip
_DIGIT_CHARS = "0-9" + "".join(_CN_DIGITS)
# Runs of separators; Chinese prose punctuation is never a separator and is not part of a run.
_SEP_RUN_RE = re.compile(r"(?:[^\w\u4e00-\u9fff，。；：！？、]|_)+")
_DIGIT_RE = re.compile(f"[{_DIGIT_CHARS}]")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_LATIN_RE = re.compile(r"[a-z]", re.IGNORECASE)
_CLAUSE_PUNCT = re.compile(r"[,;:!?，。；：！？、]")
_PROSE_PUNCT = re.compile(r"[，。；：！？、]")  # full-width: written as prose, not as a disguise
_ALNUM_RE = re.compile(r"[a-z0-9_\-]", re.IGNORECASE)


def _run_len(text: str, i: int, step: int, pat: re.Pattern[str]) -> int:
    n = 0
    while 0 <= i < len(text) and pat.match(text[i]):
        n += 1
        i += step
    return n


def strip_separators(m: Mapped) -> Mapped:
    """Remove spaces and symbols wedged between characters ("送*养", "1 3 8-1234-5678", "a b c").

    A separator run is removed when it sits between two Chinese characters, between two digits
    where at least one side is a short group (<= 4 digits, so "138 1234 5678" joins but two full
    phone numbers separated by a space stay apart), or between single Latin letters.  A lone "."
    between digits that looks like a decimal point ("1.5万") is kept.
    """
    text = m.text

    def repl(mt: re.Match[str]) -> str:
        s, e = mt.span()
        if s == 0 or e == len(text):
            return mt.group()
        left, right = text[s - 1], text[e]
        sep = mt.group()
        if _DIGIT_RE.match(left) and _DIGIT_RE.match(right):
            before = _run_len(text, s - 1, -1, _DIGIT_RE)
            after = _run_len(text, e, 1, _DIGIT_RE)
            if sep == "." and before <= 6 and after <= 2:
                return sep  # decimal point
            glued = s - 1 - before >= 0 and _LATIN_RE.match(text[s - 1 - before])
            if _CLAUSE_PUNCT.search(sep) or len(sep) > 3 or "_" in sep or glued:
                return sep  # "订单号18120238850，☎：175…" - two numbers in two clauses
            if before <= 4 or after <= 4:
                return ""
            return sep
        if _CJK_RE.match(left) and _CJK_RE.match(right):
            return sep if _PROSE_PUNCT.search(sep) else ""
        if (
            not any(c in "_-" for c in sep)  # "_" and "-" are part of WeChat IDs such as "a_b"
            and _LATIN_RE.match(left)
            and _LATIN_RE.match(right)
            and _run_len(text, s - 1, -1, _ALNUM_RE) == 1
            and _run_len(text, e, 1, _ALNUM_RE) == 1
        ):
            return ""
        return sep

    return _sub(m, _SEP_RUN_RE, repl)


# --- rule 7: Chinese numerals and homophones inside numbers -------------------------------------

_NUMERAL_RUN_RE = re.compile(f"[{_DIGIT_CHARS}]{{5,}}")
_CN_DIGIT_RE = re.compile("[" + "".join(_CN_DIGITS) + "]")


def chinese_digits(m: Mapped) -> Mapped:
    """Runs of 5+ digit characters mixing Chinese numerals/homophones -> ASCII digits.

    "幺三八幺二三四五六七八" -> "13812345678".  Short runs ("一两个", "三五天") are ordinary words and
    are left alone; 十/百/千/万 are never part of a phone number so they end a run.
    """

    def repl(mt: re.Match[str]) -> str:
        run = mt.group()
        n_cn = len(_CN_DIGIT_RE.findall(run))
        # "4500一套" is a price and a measure word, not a number: a mixed run must be phone-length.
        if n_cn < 5 and len(run) < 7:
            return run
        return "".join(_CN_DIGITS.get(c, c) for c in run)

    return _sub(m, _NUMERAL_RUN_RE, repl)


DEFAULT_RULES: tuple[Rule, ...] = (
    fold_width,
    fold_case,
    to_simplified,
    drop_invisibles,
    canonical_contacts,
    strip_separators,
    chinese_digits,
)


@dataclass(frozen=True, slots=True)
class Normalised:
    """Result of :func:`normalise`: the normalised text and the way back to the original."""

    original: str
    text: str
    mapped: Mapped

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` for a normalised ``[start, end)``."""
        return self.mapped.span(start, end)

    def original_slice(self, start: int, end: int) -> str:
        s, e = self.span(start, end)
        return self.original[s:e]


def normalise(text: str, rules: Sequence[Rule] = DEFAULT_RULES) -> Normalised:
    """Apply ``rules`` in order; see the module docstring for what each undoes."""
    m = Mapped.of(text)
    for rule in rules:
        m = rule(m)
    return Normalised(original=text, text=m.text, mapped=m)
