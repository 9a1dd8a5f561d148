"""Chinese personal-name normalisation for matching.

A name is folded to simplified characters (OpenCC ``t2s``), split into surname and given name
(compound surnames such as 欧阳 kept whole), and described by tone-less pinyin syllables and their
initials (``pypinyin``), so that homophones written with different characters (陈明明 / 陈铭铭)
compare equal at the pinyin level. Childhood nicknames (小名) are reduced to a *core*: the
prefixes 小/阿/老, the suffix 儿 and reduplication are removed (小明, 阿明, 明明 → ``ming``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_T2S = opencc.OpenCC("t2s")

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "申屠",
        "澹台",
        "万俟",
        "闻人",
        "呼延",
        "赫连",
        "钟离",
        "司空",
        "太史",
        "公羊",
        "淳于",
        "单于",
        "濮阳",
        "百里",
        "东郭",
        "拓跋",
    ]
)

# Surnames whose reading differs from the character's common reading; pypinyin reads
# characters as ordinary words, not as surnames.
_SURNAME_READING = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "乐": "yue",
    "盖": "ge",
    "尉": "yu",
    "缪": "miao",
    "覃": "qin",
    "召": "shao",
    "翟": "zhai",
    "员": "yun",
    "隗": "wei",
    "种": "chong",
    "秘": "bi",
    "繁": "po",
    "折": "she",
    "长": "chang",
    "重": "chong",
    "柏": "bai",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "纪": "ji",
    "相": "xiang",
}

# The commonest surnames (over 85 % of the population); used only to decide whether a
# two-character name such as 明明 is surname + given name or a nickname.
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)

_NICK_PREFIXES = ("小", "阿", "老")
_NON_HAN = re.compile(r"[^\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC's t2s changes; text without any of them needs no conversion.

    Converting one character per line in a single call is quick, whereas one OpenCC call per
    name costs tens of microseconds, which adds up over a million reports.
    """
    chars = [chr(c) for c in range(0x3400, 0xA000)]
    converted = _T2S.convert("\n".join(chars)).split("\n")
    return frozenset(a for a, b in zip(chars, converted, strict=True) if a != b)


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """Simplified Chinese, Han characters only (spaces, punctuation and Latin letters dropped)."""
    if not _traditional_chars().isdisjoint(text):
        text = _T2S.convert(text)
    return _NON_HAN.sub("", text)


@lru_cache(maxsize=65536)
def syllable(char: str) -> str:
    """Tone-less pinyin of one character (``ü`` written ``v``)."""
    return lazy_pinyin(char, style=Style.NORMAL)[0]


def surname_syllables(surname: str) -> tuple[str, ...]:
    if len(surname) == 1 and surname in _SURNAME_READING:
        return (_SURNAME_READING[surname],)
    return tuple(syllable(c) for c in surname)


@dataclass(frozen=True)
class NameParts:
    """One written name, normalised. ``surname`` is empty for a nickname or a given name alone."""

    text: str
    surname: str
    given: str
    surname_pinyin: str
    given_syllables: tuple[str, ...]
    is_nickname: bool

    @property
    def given_pinyin(self) -> str:
        return " ".join(self.given_syllables)

    @property
    def given_initials(self) -> str:
        return "".join(s[0] for s in self.given_syllables if s)

    @property
    def core(self) -> str:
        """Pinyin core used to compare nicknames and given names (see module docstring)."""
        return nickname_core(self.given) if self.given else ""


def nickname_core(text: str) -> str:
    """Tone-less pinyin of a nickname with 小/阿/老, 儿 and reduplication removed.

    >>> nickname_core("小明"), nickname_core("明明"), nickname_core("阿铭")
    ('ming', 'ming', 'ming')
    """
    t = fold(text)
    if len(t) >= 2 and t.startswith(_NICK_PREFIXES):
        t = t[1:]
    if len(t) >= 2 and t.endswith("儿"):
        t = t[:-1]
    sylls = [syllable(c) for c in t]
    dedup = [s for i, s in enumerate(sylls) if i == 0 or s != sylls[i - 1]]
    return " ".join(dedup)


def looks_like_nickname(text: str) -> bool:
    """小明, 阿明, 老三, 明儿, 明明 (reduplicated): no surname to split off."""
    if len(text) < 2:
        return True
    if text.startswith(_NICK_PREFIXES) and len(text) <= 3:
        return True
    if len(text) <= 3 and text.endswith("儿"):
        return True
    return len(text) == 2 and text[0] == text[1]


@lru_cache(maxsize=262144)
def parse_name(raw: str, *, nickname: bool = False) -> NameParts | None:
    """Split a written name; ``None`` when nothing Chinese is left after folding."""
    text = fold(raw)
    if not text:
        return None
    if nickname or looks_like_nickname(text):
        sylls = tuple(syllable(c) for c in text)
        return NameParts(text, "", text, "", sylls, True)
    if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES:
        surname, given = text[:2], text[2:]
    elif len(text) >= 2:
        surname, given = text[0], text[1:]
    else:
        surname, given = "", text
    return NameParts(
        text,
        surname,
        given,
        " ".join(surname_syllables(surname)),
        tuple(syllable(c) for c in given),
        False,
    )


_ROLE_WORDS = re.compile(r"^(爸爸|妈妈|父亲|母亲|爹|娘|爸|妈|阿爸|阿妈|他爸|他妈)(叫|是|名叫|姓名)?")


def parse_parent(raw: str) -> NameParts | None:
    """A remembered parent's name such as ``爸爸叫陈建国`` or ``建国``.

    Two characters whose first is not a common surname are read as a given name alone.
    """
    text = _ROLE_WORDS.sub("", fold(raw))
    if not text:
        return None
    if len(text) == 2 and text[0] not in COMMON_SURNAMES:
        return NameParts(text, "", text, "", tuple(syllable(c) for c in text), False)
    return parse_name(text)


def parent_readings(raw: str) -> list[NameParts]:
    """Every plausible reading of a remembered parent's name, best first.

    A child often remembers a parent by the given name alone (建国, 利扬). Two characters
    whose first is also a surname (利扬: 利 is a surname) are read both ways, as surname +
    given name and as a given name alone, since nothing in the text decides between them.
    """
    first = parse_parent(raw)
    if first is None:
        return []
    if first.surname and len(first.text) == 2:
        t = first.text
        return [first, NameParts(t, "", t, "", tuple(syllable(c) for c in t), False)]
    return [first]
