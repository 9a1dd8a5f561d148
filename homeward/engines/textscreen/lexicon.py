"""Transparent lexicon and pattern layer of the risk score.

Every hit is a :class:`Reason` a reviewer can read: which words or pattern, which category, how much
weight.  Terms are matched in normalised text (simplified, disguises undone).  Single words carry
little weight on their own because they also appear innocently (送养 for cats, 包吃住 in every job
ad); the patterns - a child next to a price, a bride with a "won't run away" guarantee - carry most.
Context rules subtract weight when a post is clearly about pets.

Category scores are ``1 - exp(-sum of weights)``, so independent evidence accumulates and a single
weak word stays well below 0.5.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "ADOPTION",
    "BRIDE",
    "CATEGORIES",
    "FORGERY",
    "LABOUR",
    "LEXICON",
    "MINORS",
    "PATTERNS",
    "LexiconHit",
    "Reason",
    "category_scores",
    "lexicon_hits",
]

ADOPTION = "illegal_adoption"  # illegal adoption / child sale
BRIDE = "bride_trafficking"
LABOUR = "forced_labour"
MINORS = "minor_sexual_exploitation"
FORGERY = "document_forgery"
CATEGORIES = (ADOPTION, BRIDE, LABOUR, MINORS, FORGERY)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a post scored: source ("lexicon", "pattern", "context", "classifier"), category, text."""

    source: str
    category: str
    weight: float
    text: str
    span: tuple[int, int] | None = None  # normalised-text span of the evidence, when there is one

    def __str__(self) -> str:
        sign = "+" if self.weight >= 0 else ""
        return f"{self.source}:{self.category}:{sign}{self.weight:.2f} {self.text}"


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """One lexicon entry: a regex over normalised text, its category, weight and explanation."""

    name: str
    category: str
    weight: float
    regex: str
    why: str


def _t(name: str, cat: str, w: float, regex: str, why: str) -> LexiconHit:
    return LexiconHit(name, cat, w, regex, why)


_BABY = r"(?:男宝|女宝|蓝宝|粉宝|宝宝|婴儿|新生儿|男婴|女婴|男孩|女孩|孩子|小孩)"
_HUMAN_BABY = r"(?:男宝|女宝|蓝宝|粉宝|婴儿|新生儿|男婴|女婴|上户口|出生证|月子|产妇|预产期)"
_PRICE = (
    r"(?:营养费|辛苦费|感谢费|费用|价格|价钱"
    r"|[0-9]+(?:\.[0-9]+)?[万千wk]|[0-9]{3,}元|[一二两三四五六七八九十]+万)"
)
_PET = r"(?:猫|狗|犬|喵|汪|宠物|布偶|金毛|泰迪|柯基|英短|驱虫|绝育|疫苗已打|幼崽|猫咪|狗狗)"

LEXICON: tuple[LexiconHit, ...] = (
    # illegal adoption / child sale
    _t(
        "送养",
        ADOPTION,
        0.7,
        r"送养|转养|私下送",
        "offers a child 'for adoption' outside civil-affairs channels",
    ),
    _t(
        "抱养",
        ADOPTION,
        0.6,
        r"抱养|求领养|求子|想领养|求收养",
        "asks to take a child outside legal adoption",
    ),
    _t(
        "蓝宝粉宝",
        ADOPTION,
        0.9,
        r"蓝宝|粉宝|男宝|女宝",
        "trade slang for baby boy/girl (蓝宝/粉宝, 男宝/女宝)",
    ),
    _t(
        "营养费",
        ADOPTION,
        1.0,
        r"营养费|辛苦费|感谢费",
        "payment disguised as a 'nutrition' or 'thank-you' fee",
    ),
    _t(
        "上户口", ADOPTION, 0.9, r"(?:包|可|能|帮忙?)上户口?|包落户", "promises to register the child's hukou"
    ),
    _t(
        "不走手续",
        ADOPTION,
        0.8,
        r"不走手续|不用手续|免手续|无需手续|私下交易|私了",
        "avoids the legal procedure",
    ),
    _t(
        "新生",
        ADOPTION,
        0.4,
        r"刚出生|新生儿|未满月|满月|出生[0-9一二三四五六七八九十]+天",
        "mentions a newborn",
    ),
    _t(
        "养不起",
        ADOPTION,
        0.4,
        r"养不起|无力抚养|无法抚养|没能力养",
        "parent says they cannot raise the child",
    ),
    # bride trafficking
    _t(
        "外籍新娘",
        BRIDE,
        1.1,
        r"(?:越南|缅甸|老挝|柬埔寨|外籍|外国|巴基斯坦|乌克兰)(?:新娘|姑娘|媳妇|老婆|美女)",
        "foreign-bride brokering",
    ),
    _t(
        "包跑",
        BRIDE,
        1.2,
        r"包跑|跑了包赔|跑了包换|逃跑包|不跑|包退换|包换人|包不跑",
        "guarantee that the woman will not run away",
    ),
    _t("包处女", BRIDE, 1.0, r"包处女|保证处女|包生育|包生男孩?|包怀孕", "promises virginity or childbirth"),
    _t("闪婚", BRIDE, 0.5, r"闪婚|速配|快速娶|娶老婆|娶媳妇|包娶到", "fast marriage brokering"),
    _t("全包价", BRIDE, 0.5, r"全包价|一口价|彩礼全包|包办手续|全程包办", "all-in price for a marriage"),
    # forced labour
    _t(
        "扣证件",
        LABOUR,
        1.2,
        r"(?:扣押|押|收|代管|统一保管)(?:身份证|证件|护照)",
        "employer holds identity documents",
    ),
    _t(
        "不要身份证",
        LABOUR,
        0.6,
        r"不要身份证|无需身份证|无身份证也?可|不看身份证",
        "hires without identity checks",
    ),
    _t(
        "限制自由",
        LABOUR,
        1.2,
        r"不能离开|不准外出|封闭管理|不能请假|不许回家|手机上交|没收手机|不准用手机",
        "restricts movement or communication",
    ),
    _t(
        "童工",
        LABOUR,
        1.2,
        r"童工|(?:1[0-5]|十[一二三四五]?)岁(?:以上)?(?:就)?可|未成年(?:也)?可|初中毕业即可上岗",
        "recruits children",
    ),
    _t(
        "弱势群体",
        LABOUR,
        1.0,
        r"(?:智障|聋哑|残疾|流浪)(?:人|者)?(?:也可|优先|可以|务工|干活)",
        "recruits vulnerable people",
    ),
    _t(
        "境外高薪",
        LABOUR,
        1.0,
        r"(?:缅北|妙瓦底|柬埔寨|西港|老挝|迪拜)(?:[^。]{0,10})(?:高薪|月入|包机票|免费出国)",
        "high-pay offer abroad typical of scam compounds",
    ),
    _t("预支", LABOUR, 0.4, r"预支工资|先交押金|押金[0-9]+|扣工资抵", "debt bondage: deposits or advances"),
    _t("包吃住", LABOUR, 0.1, r"包吃住|日结|高薪", "generic job-ad words (weak)"),
    # sexual exploitation of minors
    _t("学生妹", MINORS, 0.9, r"学生妹|幼女|萝莉|嫩妹|幼齿|雏妓", "sexualised words for minors"),
    _t(
        "未成年",
        MINORS,
        0.3,
        r"小学生|初中生|未成年|1[0-5]岁",
        "refers to minors (weak: also in tutoring ads)",
    ),
    _t("援交", MINORS, 1.0, r"援交|陪睡|包夜|特殊服务|约炮|陪玩过夜|全套服务", "commercial sex wording"),
    _t("上门", MINORS, 0.2, r"上门服务|开房", "ambiguous service wording (weak)"),
    # document forgery
    _t("出生证", FORGERY, 0.6, r"出生证|出生医学证明|出生证明", "mentions a birth certificate"),
    _t(
        "办证",
        FORGERY,
        1.0,
        r"办证|代办证件|假证|制证|刻章|真章|可上网查询?|可查可验|全国联网可查",
        "offers to make documents",
    ),
    _t(
        "空白证",
        FORGERY,
        1.2,
        r"空白(?:出生|证|户口)|真件|一证一档",
        "blank or 'genuine' certificates for sale",
    ),
    _t("户口本", FORGERY, 0.5, r"户口本|户籍证明|收养证明?|亲子鉴定", "civil-status papers"),
)

PATTERNS: tuple[LexiconHit, ...] = (
    _t(
        "孩子+价格",
        ADOPTION,
        1.6,
        rf"{_BABY}[^。!?\n]{{0,30}}{_PRICE}|{_PRICE}[^。!?\n]{{0,30}}{_BABY}",
        "a child is mentioned alongside a price",
    ),
    _t(
        "送养+婴儿",
        ADOPTION,
        1.2,
        rf"(?:送养|转养|抱养|领养|收养)[^。!?\n]{{0,20}}{_HUMAN_BABY}|{_HUMAN_BABY}[^。!?\n]{{0,20}}(?:送养|转养|抱养|领养|收养)",
        "adoption wording about a human baby",
    ),
    _t(
        "新娘+价格",
        BRIDE,
        1.2,
        rf"(?:新娘|媳妇|老婆|姑娘)[^。!?\n]{{0,30}}{_PRICE}|{_PRICE}[^。!?\n]{{0,30}}(?:新娘|媳妇|老婆)",
        "a woman is offered at a price",
    ),
    _t(
        "证件+扣押+工作",
        LABOUR,
        0.8,
        r"(?:招|工作|上班|工厂|工地)[^。\n]{0,40}(?:扣押|押|收|统一保管)(?:身份证|证件|护照)",
        "job offer that keeps the worker's documents",
    ),
    _t(
        "未成年+性",
        MINORS,
        2.0,
        r"(?:学生妹|幼女|萝莉|嫩妹|小学生|初中生|未成年|1[0-5]岁)[^。\n]{0,30}(?:援交|陪睡|包夜|上门|约|开房|全套)"
        r"|(?:援交|陪睡|包夜|上门|开房|全套)[^。\n]{0,30}(?:学生妹|幼女|萝莉|嫩妹|小学生|初中生|未成年|1[0-5]岁)",
        "minors offered together with sexual services",
    ),
    _t(
        "未成年+价格",
        MINORS,
        0.8,
        r"(?:学生妹|幼女|萝莉|嫩妹|小学生|初中生|未成年)[^。\n]{0,30}(?:价格|[0-9]+元|包夜)",
        "minors mentioned with a price",
    ),
    _t(
        "出生证+办",
        FORGERY,
        1.4,
        r"(?:出生证|出生医学证明|出生证明|户口本)[^。\n]{0,20}(?:办|出售|卖|有|提供|代办|补办|包真|可查)"
        r"|(?:办|出售|卖|提供|代办|补办)[^。\n]{0,10}(?:出生证|出生医学证明|出生证明)",
        "offers to supply birth certificates",
    ),
)

_PET_RE = re.compile(_PET)
_HUMAN_BABY_RE = re.compile(_HUMAN_BABY)
# Entries whose words are shared with pet adoption posts (宝宝, 送养, 领养, 营养费 for kittens).
_PET_SENSITIVE = {"送养", "抱养", "新生", "养不起", "孩子+价格", "送养+婴儿", "营养费", "蓝宝粉宝"}

# Innocent contexts: when the post is plainly about one of these, the listed entries do not count.
# Each is (context regex, entries it neutralises, explanation).
_INNOCENT_CONTEXTS: tuple[tuple[re.Pattern[str], frozenset[str], str], ...] = (
    (
        re.compile(r"婴儿车|推车|童车|衣服|奶粉|玩具|用品|尿不湿|纸尿裤|座椅|二手|闲置|九成新|转让|打包"),
        frozenset({"孩子+价格", "蓝宝粉宝", "新生"}),
        "post sells baby goods",
    ),
    (
        re.compile(r"家教|辅导|补习|培训|课程|老师|学费|作业|托管"),
        frozenset({"未成年", "未成年+价格"}),
        "post is about tutoring or school",
    ),
    (
        re.compile(r"婚纱|摄影|跟妆|婚庆|婚礼|酒店|司仪"),
        frozenset({"新娘+价格"}),
        "post is about wedding services",
    ),
    (
        re.compile(r"流程|咨询|携带|材料|政策|办事指南|到医院|派出所|民政"),
        frozenset({"出生证", "出生证+办", "户口本"}),
        "post explains an official procedure",
    ),
    (
        re.compile(r"月嫂|育婴师|保姆|早教|催乳|产后护理"),
        frozenset({"新生", "孩子+价格"}),
        "post offers childcare services",
    ),
)

_COMPILED = [(h, re.compile(h.regex)) for h in LEXICON + PATTERNS]


def lexicon_hits(text: str) -> list[Reason]:
    """Reasons found in normalised ``text`` (each entry counted once, at its first occurrence)."""
    reasons: list[Reason] = []
    pet = _PET_RE.search(text)
    human = _HUMAN_BABY_RE.search(text)
    pet_context = pet is not None and human is None
    for hit, rx in _COMPILED:
        mt = rx.search(text)
        if mt is None:
            continue
        source = "pattern" if hit in PATTERNS else "lexicon"
        why_not = "post is about pets" if pet_context and hit.name in _PET_SENSITIVE else None
        if why_not is None:
            for ctx_re, names, why in _INNOCENT_CONTEXTS:
                if hit.name in names and ctx_re.search(text):
                    why_not = why
                    break
        if why_not is not None:
            reasons.append(
                Reason("context", hit.category, 0.0, f"'{mt.group()}' discounted: {why_not}", mt.span())
            )
            continue
        reasons.append(Reason(source, hit.category, hit.weight, f"'{mt.group()}': {hit.why}", mt.span()))
    return reasons


def category_scores(reasons: list[Reason]) -> dict[str, float]:
    """Per-category score ``1 - exp(-sum of weights)`` over lexicon/pattern reasons."""
    totals = dict.fromkeys(CATEGORIES, 0.0)
    for r in reasons:
        if r.source in ("lexicon", "pattern", "context") and r.category in totals:
            totals[r.category] += r.weight
    return {c: 1.0 - math.exp(-max(0.0, s)) for c, s in totals.items()}
