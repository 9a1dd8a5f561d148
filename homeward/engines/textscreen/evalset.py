"""Synthetic Chinese evaluation set for the screening engine, with ground truth.

Posts come from seller campaigns (one template, many near-duplicate posts with changed contacts,
prices and small edits, sometimes in traditional characters) and from ordinary posts that use the
same words innocently: pet adoption (送养 a kitten), legitimate job ads (包吃住), second-hand baby
goods, tutoring, wedding services, lost-and-found.  Contacts are disguised the way sellers do it
(V❤, 薇, 扣扣, 企鹅, 幺三八…, ①③⑧, full-width digits, spaces), and decoys are mixed in: order and
tracking numbers, ID numbers with a wrong check digit, 16-digit numbers failing Luhn, QQ-like
numbers without a cue.

Templates are split into two halves (``template_half`` 0 or 1) so a classifier can be trained on one
set of wordings and evaluated on unseen wordings.

The generator is pure Python with a seeded ``random.Random`` and is deterministic per seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

from .lexicon import ADOPTION, BRIDE, FORGERY, LABOUR, MINORS

__all__ = ["GoldPost", "Renderer", "generate", "generate_bulk"]


@dataclass(slots=True)
class GoldPost:
    """One synthetic post with its truth: label (category or None), campaign, leads by kind."""

    id: str
    text: str
    label: str | None
    campaign: str
    gold: dict[str, set[str]] = field(default_factory=dict)


_MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
    "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "191", "198", "199",
]  # fmt: skip
_LANDLINE_AREAS = [
    "010",
    "020",
    "021",
    "022",
    "023",
    "024",
    "025",
    "027",
    "028",
    "029",
    "0755",
    "0571",
    "0371",
    "0531",
]
_CN_READ = {
    "0": ["零", "洞", "〇"], "1": ["一", "幺"], "2": ["二", "两"], "3": ["三"], "4": ["四"],
    "5": ["五"], "6": ["六"], "7": ["七", "拐"], "8": ["八"], "9": ["九", "勾"],
}  # fmt: skip
_CIRCLED = {str(i): chr(0x2460 + i - 1) for i in range(1, 10)} | {"0": "⓪"}
_FULL = {str(i): chr(0xFF10 + i) for i in range(10)}


class Renderer:
    """Random contacts and their disguised renderings."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def mobile(self) -> str:
        while True:
            n = self.rng.choice(_MOBILE_PREFIXES) + "".join(self.rng.choices("0123456789", k=8))
            if phonenumbers.is_valid_number(phonenumbers.parse(n, "CN")):
                return n

    def landline(self) -> tuple[str, str]:
        while True:
            area = self.rng.choice(_LANDLINE_AREAS)
            local = str(self.rng.randint(2, 8)) + "".join(self.rng.choices("0123456789", k=7))
            num = phonenumbers.parse(area + local, "CN")
            if phonenumbers.is_valid_number(num):
                return area, local

    def wechat_id(self) -> str:
        first = self.rng.choice("abcdefghijklmnopqrstuvwxyz")
        rest = "".join(self.rng.choices("abcdefghijkmnpqrstuvwxyz0123456789_", k=self.rng.randint(5, 11)))
        return first + rest

    def qq(self) -> str:
        return str(self.rng.randint(1, 9)) + "".join(self.rng.choices("0123456789", k=self.rng.randint(5, 9)))

    def id_number(self, valid: bool = True) -> str:
        areas = _id_areas()
        while True:
            y = self.rng.randint(1965, 2004)
            body = f"{self.rng.choice(areas)}{y}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}"
            body += f"{self.rng.randint(0, 999):03d}"
            check = ric.calc_check_digit(body + "0")
            if valid:
                number = body + check
                if ric.is_valid(number):
                    return number
            else:
                wrong = self.rng.choice([c for c in "0123456789X" if c != check])
                return body + wrong

    def bank_card(self, valid: bool = True) -> str:
        body = "62" + "".join(self.rng.choices("0123456789", k=self.rng.choice([14, 16])))
        check = luhn.calc_check_digit(body)
        if not valid:
            check = str((int(check) + self.rng.randint(1, 9)) % 10)
        return body + check

    # -- disguises ------------------------------------------------------------------------------

    def digits(self, s: str) -> str:
        style = self.rng.random()
        if style < 0.35:
            return s
        if style < 0.5:
            return " ".join([s[:3], s[3:7], s[7:]]) if len(s) == 11 else s
        if style < 0.6:
            return "-".join([s[:3], s[3:7], s[7:]]) if len(s) == 11 else s
        if style < 0.75:
            return "".join(self.rng.choice(_CN_READ[c]) for c in s)
        if style < 0.85:
            return "".join(_FULL[c] for c in s)
        if style < 0.93:
            return "".join(_CIRCLED[c] for c in s)
        return " ".join(s)

    def phone_text(self, mobile: str) -> str:
        cue = self.rng.choice(["电话", "手机", "联系电话", "电话/微信", "Tel", "call", "☎"])
        return f"{cue}：{self.digits(mobile)}"

    def wechat_text(self, wid: str) -> str:
        cue = self.rng.choice(
            ["微信", "V❤", "薇", "vx", "VX", "威信", "加v", "绿泡泡", "微.信", "wx", "V信", "微 信号"]
        )
        shown = wid.upper() if self.rng.random() < 0.1 else wid
        return f"{cue}：{shown}" if self.rng.random() < 0.7 else f"{cue} {shown}"

    def qq_text(self, qq: str) -> str:
        cue = self.rng.choice(["QQ", "扣扣", "企鹅", "q q", "ＱＱ", "扣 扣"])
        shown = self.digits(qq) if self.rng.random() < 0.3 else qq
        return f"{cue}：{shown}"


@lru_cache(maxsize=1)
def _id_areas() -> list[str]:
    from homeward.refdata.divisions import load_divisions

    return [d.code for d in load_divisions().counties() if not d.code.endswith("00")][:800]


@lru_cache(maxsize=1)
def _places() -> list[tuple[str, list[str]]]:
    """(text as written, gold division codes) for prefecture-level places."""
    from homeward.refdata.divisions import load_divisions, name_stem

    idx = load_divisions()
    out: list[tuple[str, list[str]]] = []
    for d in idx.prefectures():
        prov = idx.get(d.province_code)
        if prov is None or d.name.endswith(("市辖区", "直辖县级行政区划")):
            continue
        stem = name_stem(d.name)
        if len(stem) < 2 or len(idx.find_by_name(stem)) > 1:
            continue  # 海南 (province or 海南州), 吉林 (province or city): ambiguous by design
        out.append((stem, [d.code]))
        out.append((name_stem(prov.name) + stem, [prov.code, d.code]))
    return out


# Templates: {contact} {price} {place} are filled per post; {f} is an interchangeable filler.
_T = tuple[str | None, str]
_CAMPAIGN_TEMPLATES: list[_T] = [
    (ADOPTION, "{place}刚出生男宝送养，健康可爱，营养费{price}，可上户口，{contact}{f}"),
    (ADOPTION, "本人在{place}，生了二胎养不起，女宝{n}个月，私下送养，感谢费{price}，{contact}"),
    (ADOPTION, "蓝宝粉宝都有，{place}可面交，不走手续，营养费{price}起，有意{contact}{f}"),
    (ADOPTION, "求子家庭看过来，{place}新生儿转养，包上户口，费用{price}，{contact}"),
    (ADOPTION, "预产期下月，{place}孕妇，孩子出生后可送养，辛苦费{price}，{contact}{f}"),
    (ADOPTION, "想抱养孩子的私聊，{place}有刚满月女婴，营养费{price}，{contact}"),
    (BRIDE, "越南新娘{place}直接见面，年轻漂亮，包处女，跑了包赔，全包价{price}，{contact}{f}"),
    (BRIDE, "缅甸姑娘快速娶，{place}办手续，一口价{price}，包生男孩，包不跑，{contact}"),
    (BRIDE, "娶不到老婆找我们，外籍新娘闪婚，{place}上门，彩礼全包{price}，{contact}{f}"),
    (BRIDE, "老挝媳妇，二十岁，{place}可看人，跑了包换，费用{price}，{contact}"),
    (LABOUR, "{place}工厂急招，包吃住，身份证统一保管，封闭管理，不能请假，月薪{price}，{contact}{f}"),
    (LABOUR, "招工不要身份证，十五岁以上可，{place}砖厂，手机上交，日结{price}，{contact}"),
    (LABOUR, "缅北高薪招聘，月入{price}，包机票免费出国，{place}集合，{contact}{f}"),
    (LABOUR, "{place}工地招聋哑人也可，扣押证件，先交押金，工资{price}，{contact}"),
    (MINORS, "学生妹上门服务，{place}可约，包夜{price}，{contact}{f}"),
    (MINORS, "{place}萝莉嫩妹援交，初中生，全套服务{price}，{contact}"),
    (MINORS, "未成年陪睡，{place}开房，价格{price}，{contact}{f}"),
    (FORGERY, "代办出生证，出生医学证明真件，全国联网可查，{place}可办，{price}一套，{contact}{f}"),
    (FORGERY, "办证刻章，户口本、出生证明、收养证明，{place}当天取，价格{price}，{contact}"),
    (FORGERY, "空白出生证出售，可上网查询，{place}包邮，{price}，{contact}{f}"),
]
_INNOCENT_TEMPLATES: list[_T] = [
    (None, "{place}布偶猫咪免费送养，三个月大，已打疫苗驱虫，需回访，{contact}{f}"),
    (None, "金毛狗狗找领养，{place}，营养费{price}，不卖给狗贩子，{contact}"),
    (None, "{place}英短幼崽送养，宝宝很粘人，只给爱猫人士，{contact}{f}"),
    (None, "{place}正规工厂招普工，包吃住，五险一金，月薪{price}，不扣证件，{contact}"),
    (None, "{place}餐厅招服务员，包吃住，月休四天，工资{price}，{contact}{f}"),
    (None, "出售二手婴儿车，九成新，{place}自提，价格{price}，{contact}"),
    (None, "闲置宝宝衣服出售，女宝穿过几次，{place}同城，{price}打包，{contact}{f}"),
    (None, "{place}初中生数学家教，一对一辅导，每小时{price}，{contact}"),
    (None, "{place}婚纱摄影，新娘跟妆，套餐{price}，{contact}{f}"),
    (None, "在{place}捡到身份证一张，失主请联系{contact}"),
    (None, "{place}月嫂育婴师，照顾新生儿经验丰富，月薪{price}，{contact}{f}"),
    (None, "{place}正规婚介所，真诚交友，会员费{price}，{contact}"),
    (None, "{place}办理出生医学证明流程咨询，请携带父母身份证到医院，{contact}"),
    (None, "二手手机出售，{place}面交，{price}，订单号{order}，{contact}{f}"),
]
# Held-out wordings, written separately from the templates above and from the lexicon: trafficking
# posts paraphrased without the stock slang (no 送养/营养费/蓝宝/出生证 …), and innocent posts that
# use the same words as the trafficking templates (pet adoption, legal job ads, matchmaking,
# charity, adoption through the civil-affairs office).  A classifier trained on the templates above
# and scored on these measures how far it generalises past the wordings it saw; the lexicon was
# written from the templates above, so the lexicon figure on these is honest too.
_HELDOUT_CAMPAIGN_TEMPLATES: list[_T] = [
    (ADOPTION, "家里孩子太多实在带不过来，{place}满月小男孩找个好人家，对方表示点心意{price}即可，{contact}"),
    (ADOPTION, "{place}有个宝宝想给他找新爸妈，男孩，不用去民政局办，给{price}红包就行，{contact}{f}"),
    (ADOPTION, "没孩子的夫妻联系我，{place}医院刚生的，手续我来搞定，孩子抱走前付{price}，{contact}"),
    (
        BRIDE,
        "给家里光棍儿子找媳妇的看过来，{place}有国外女孩，保证能生，人跑了退钱，总共{price}，{contact}{f}",
    ),
    (BRIDE, "{place}介绍柬埔寨女孩结婚，十八九岁，不用谈恋爱直接领回家，打包价{price}，{contact}"),
    (LABOUR, "{place}黑厂缺人，来了证件我们收着，一天干十四个小时，不许出厂门，月底结{price}，{contact}"),
    (LABOUR, "带人出境务工，{place}出发，护照到了那边老板保管，欠的路费从工资{price}里扣，{contact}{f}"),
    (MINORS, "{place}有十四五岁的小妹妹陪玩陪过夜，保证年纪小，一次{price}，{contact}"),
    (MINORS, "中学女生兼职，{place}酒店见，可以过夜，{price}一晚，{contact}{f}"),
    (FORGERY, "{place}能弄医院开的新生儿证明，上户口用，系统里查得到，{price}一份，{contact}"),
    (FORGERY, "孩子没有准生手续的找我，{place}补办医院证明和户口，不用本人到场，{price}全包，{contact}{f}"),
]
_HELDOUT_INNOCENT_TEMPLATES: list[_T] = [
    (None, "{place}流浪猫救助站，小猫找新家，免费领养，需签领养协议并定期回访，{contact}{f}"),
    (None, "泰迪宝宝三个月，{place}家里养不下了找个好人家，只收疫苗钱{price}，{contact}"),
    (None, "{place}电子厂正规招聘，包吃住，签劳动合同，缴纳社保，证件本人保管，月薪{price}，{contact}{f}"),
    (None, "{place}物流公司招司机，包住宿，按时发工资，月入{price}，{contact}"),
    (None, "{place}相亲交友活动，单身男女见面会，报名费{price}，{contact}{f}"),
    (None, "{place}婚恋网站线下见面，真实身份认证，会员{price}一年，{contact}"),
    (None, "{place}儿童福利院爱心捐赠，为孩子们募集冬衣，捐款{price}以上开收据，{contact}"),
    (None, "{place}助学公益，资助贫困女孩上初中，每学期{price}，{contact}{f}"),
    (None, "想收养孩子请到{place}民政局咨询依法收养流程，需要审核家庭条件，{contact}"),
    (None, "{place}妇幼保健院出生医学证明补办说明，请本人携带材料办理，{contact}{f}"),
    (None, "{place}家政公司招育儿嫂，照顾新生宝宝，正规合同，月薪{price}，{contact}"),
]
# Phrases a poster habitually adds; two or three of them give each campaign its own voice.
_VOICE = [
    "诚信第一", "本人亲自对接", "全国可发", "当天可见", "手续齐全", "同城优先", "老客户介绍有优惠",
    "支持视频验证", "可以先见面", "绝对保密", "价格透明", "随时联系", "晚上十点后勿扰", "中介勿扰",
    "有意者速来", "名额有限", "看好再说", "不满意不收费", "长期有效", "节假日不休", "可开发票", "包接包送",
    "先看后付", "微信回复慢请打电话",
    "不回消息就是在忙", "懂的来", "骗子勿扰", "只接熟人介绍", "一手资源", "量大从优", "欢迎咨询", "放心可靠",
    "实体店", "八年老店", "外地可视频", "可分期", "到付也行", "周末可约", "早上八点后", "只限本周",
]  # fmt: skip
_FILLERS = ["", "。", "！", "，诚心要的来", "，非诚勿扰", "，先到先得", "，价格可谈", "～", "，速联"]


def _price(rng: random.Random, label: str | None) -> tuple[str, str]:
    """(as written, gold value in yuan)."""
    if label in (ADOPTION, BRIDE):
        wan = rng.choice([3, 4, 5, 6, 8, 10, 12, 15, 18, 20])
        style = rng.random()
        if style < 0.4:
            return f"{wan}万", f"{wan * 10000:g}"
        if style < 0.7:
            cn = {
                3: "三",
                4: "四",
                5: "五",
                6: "六",
                8: "八",
                10: "十",
                12: "十二",
                15: "十五",
                18: "十八",
                20: "二十",
            }
            return f"{cn[wan]}万", f"{wan * 10000:g}"
        return f"{wan * 10000}元", f"{wan * 10000:g}"
    if label == LABOUR:
        y = rng.choice([3000, 4500, 6000, 8000, 12000, 15000, 20000, 30000])
        return (f"{y}元", f"{y:g}") if rng.random() < 0.8 else (f"¥{y}", f"{y:g}")
    y = rng.choice([80, 150, 200, 300, 500, 800, 1200, 2000, 3000, 4500, 6000, 8000, 12000])
    return (f"{y}元", f"{y:g}") if rng.random() < 0.8 else (f"¥{y}", f"{y:g}")


def _contact(rng: random.Random, r: Renderer, kinds: tuple[str, ...]) -> tuple[str, dict[str, set[str]]]:
    parts: list[str] = []
    gold: dict[str, set[str]] = {}
    for kind in kinds:
        if kind == "phone":
            m = r.mobile()
            parts.append(r.phone_text(m))
            gold.setdefault("phones", set()).add("+86" + m)
        elif kind == "landline":
            area, local = r.landline()
            parts.append(f"座机：{area}-{local}")
            gold.setdefault("phones", set()).add("+86" + area[1:] + local)
        elif kind == "wechat":
            w = r.wechat_id()
            parts.append(r.wechat_text(w))
            gold.setdefault("wechat", set()).add(w)
        elif kind == "qq":
            q = r.qq()
            parts.append(r.qq_text(q))
            gold.setdefault("qq", set()).add(q)
        elif kind == "card":
            c = r.bank_card()
            shown = " ".join(c[i : i + 4] for i in range(0, len(c), 4)) if rng.random() < 0.4 else c
            parts.append(f"转账卡号{shown}")
            gold.setdefault("bank_cards", set()).add(c)
        elif kind == "id":
            i = r.id_number()
            parts.append(f"身份证号{i}")
            gold.setdefault("id_numbers", set()).add(i)
    return "，".join(parts), gold


_DECOYS: list[Callable[[Renderer], str]] = [
    lambda r: f"，快递单号SF{r.rng.randint(10**11, 10**12 - 1)}",
    lambda r: f"，身份证{r.id_number(valid=False)}（已作废）",
    lambda r: f"，编号{r.bank_card(valid=False)}",
    lambda r: f"，房号{r.rng.randint(10000, 99999)}",
    lambda r: f"，订单号{r.mobile()}",
    lambda r: f"，身高{r.rng.randint(150, 185)}体重{r.rng.randint(40, 80)}",
    lambda r: f"，库存{r.rng.randint(100000, 999999)}件",
]


def _to_traditional(text: str) -> str:
    return _s2t()(text)


@lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert  # type: ignore[no-any-return]


def _fill(
    rng: random.Random, r: Renderer, tpl: str, label: str | None, place: tuple[str, list[str]],
    price: tuple[str, str], contact_and_gold: tuple[str, dict[str, set[str]]],
) -> tuple[str, dict[str, set[str]]]:  # fmt: skip
    contact, gold = contact_and_gold
    text = tpl.format(
        place=place[0], price=price[0], contact=contact, f=rng.choice(_FILLERS), n=rng.randint(1, 11),
        order=r.mobile(),
    )  # fmt: skip
    gold = {k: set(v) for k, v in gold.items()}
    gold["places"] = set(place[1])
    if "{price}" in tpl:
        gold["amounts"] = {price[1]}
    if rng.random() < 0.25:
        text += rng.choice(_DECOYS)(r)
    return text, gold


def _voice(rng: random.Random, tpl: str) -> str:
    """A campaign's own version of a template: clauses reordered and habitual phrases added."""
    clauses = tpl.split("，")
    head, rest = clauses[0], clauses[1:]
    rng.shuffle(rest)
    extra = rng.sample(_VOICE, rng.randint(2, 3))
    body = [head, *rest]
    for phrase in extra:
        body.insert(rng.randint(1, len(body)), phrase)
    return "，".join(body)


def _contact_kinds(rng: random.Random, label: str | None) -> tuple[str, ...]:
    base = rng.choice(
        [("phone",), ("wechat",), ("qq",), ("phone", "wechat"), ("wechat", "qq"), ("landline",)]
    )
    if label in (FORGERY, ADOPTION) and rng.random() < 0.2:
        base = (*base, "card")
    if label is None and rng.random() < 0.05:
        base = (*base, "id")
    return base


def generate(
    n_campaigns: int = 200,
    n_innocent: int = 600,
    campaign_size: tuple[int, int] = (2, 12),
    seed: int = 0,
    template_half: int | None = None,
    traditional_rate: float = 0.15,
    heldout: bool = False,
) -> list[GoldPost]:
    """Labelled posts: ``n_campaigns`` seller campaigns (trafficking and innocent repeat posters mixed)
    plus ``n_innocent`` one-off ordinary posts, shuffled.  ``campaign`` is the ground-truth group.

    ``heldout=True`` draws every post from the held-out wordings instead (disjoint from the main
    templates; for evaluating a classifier trained on the main ones)."""
    rng = random.Random(seed)
    campaign_templates = _HELDOUT_CAMPAIGN_TEMPLATES if heldout else _CAMPAIGN_TEMPLATES
    innocent_templates = _HELDOUT_INNOCENT_TEMPLATES if heldout else _INNOCENT_TEMPLATES
    r = Renderer(rng)
    places = _places()

    def pick(templates: list[_T]) -> _T:
        pool = [t for i, t in enumerate(templates) if template_half is None or i % 2 == template_half]
        return rng.choice(pool)

    posts: list[GoldPost] = []
    sellers: list[tuple[str, tuple[str, dict[str, set[str]]]]] = []  # (truth group, a contact it used)
    for c in range(n_campaigns):
        # Most repeat posters are sellers, but shops and pet rescuers repost too.
        label, tpl = pick(campaign_templates) if rng.random() < 0.75 else pick(innocent_templates)
        tpl = _voice(rng, tpl)
        place = rng.choice(places)
        price = _price(rng, label)
        kinds = _contact_kinds(rng, label)
        size = rng.randint(*campaign_size)
        trad = rng.random() < traditional_rate
        last: tuple[str, dict[str, set[str]]] | None = None
        truth = f"c{c}"
        if sellers and rng.random() < 0.1:
            # The same seller runs a second campaign with other wording but an old contact: only the
            # shared contact links them, and the truth is the seller's first campaign.
            truth, last = rng.choice(sellers)
            kinds = ()
        for k in range(size):
            # A seller sometimes reuses the previous contact (a shared-contact link), else a new one.
            if last is None or (k > 0 and rng.random() >= 0.2):
                last = _contact(rng, r, kinds or _contact_kinds(rng, label))
            if rng.random() < 0.3:
                price = _price(rng, label)
            text, gold = _fill(rng, r, tpl, label, place, price, last)
            if trad:
                text = _to_traditional(text)
            posts.append(GoldPost(f"c{c}-{k}", text, label, truth, gold))
            if k == 0:
                sellers.append((truth, last))
    for i in range(n_innocent):
        label, tpl = pick(innocent_templates)
        tpl = _voice(rng, tpl)
        contact = _contact(rng, r, _contact_kinds(rng, label))
        text, gold = _fill(rng, r, tpl, label, rng.choice(places), _price(rng, label), contact)
        if rng.random() < traditional_rate:
            text = _to_traditional(text)
        posts.append(GoldPost(f"i{i}", text, label, f"i{i}", gold))
    rng.shuffle(posts)
    return posts


def generate_bulk(n: int, seed: int = 0, mean_campaign: int = 8) -> Iterator[tuple[str, str, str]]:
    """(post id, text, campaign) for large clustering runs: cheap template filling, no gold leads.

    Each campaign gets its own voice (clauses reordered, habitual phrases) and a sentence of its own,
    as different sellers word the same offer differently; posts within a campaign change contact,
    price and filler.  Campaign sizes are geometric with the given mean.
    """
    rng = random.Random(seed)
    r = Renderer(rng)
    places = _places()
    templates = _CAMPAIGN_TEMPLATES + _INNOCENT_TEMPLATES
    pool = sorted(
        {ch for _l, t in templates for ch in t if "\u4e00" <= ch <= "\u9fff"} | set("".join(_VOICE))
    )
    made = 0
    c = 0
    while made < n:
        _label, tpl = rng.choice(templates)
        tpl = _voice(rng, tpl)
        place = rng.choice(places)
        size = min(n - made, 1 + int(rng.expovariate(1 / max(1e-9, mean_campaign - 1))))
        own = "".join(rng.choices(pool, k=rng.randint(8, 16)))
        for k in range(size):
            wid = r.wechat_id()
            text = tpl.format(
                place=place[0], price=f"{rng.randint(1, 20)}万", contact=f"微信：{wid}",
                f=rng.choice(_FILLERS), n=rng.randint(1, 11), order=rng.randint(10**10, 10**11 - 1),
            )  # fmt: skip
            yield f"b{c}-{k}", f"{own}。{text}", f"b{c}"
            made += 1
        c += 1
