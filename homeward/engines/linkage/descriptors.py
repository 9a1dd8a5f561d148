"""Free-text descriptors reduced to comparable codes: marks, memories, dialects.

Marks ("左臂有一块疤", "left arm scar") become (body location, mark type, side) triples; a
family's description and a found person's description of the same mark rarely use the same
words, so synonyms are folded onto a small controlled vocabulary. Memories and the missing
report's circumstances become a bit set of concepts (a river, a grandmother, tofu...), compared
by the number of shared concepts. Dialects are mapped to the ten dialect groups of the *Language
Atlas of China* (官话 split into its main branches), so 成都话 and 重庆话 agree at group level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .names import fold

# Longer synonyms first so "额头" is seen before "头".
_LOCATIONS: dict[str, tuple[str, ...]] = {
    "head": ("后脑勺", "脑袋", "头顶", "头皮", "头", "head", "scalp"),
    "forehead": ("额头", "脑门", "额", "forehead"),
    "face": ("脸颊", "面颊", "脸蛋", "脸", "面部", "腮", "cheek", "face"),
    "eye": ("眼角", "眼睛", "眼皮", "眉毛", "眉", "眼", "eye", "brow"),
    "nose": ("鼻梁", "鼻子", "鼻", "nose"),
    "ear": ("耳朵", "耳垂", "耳后", "耳", "ear"),
    "mouth": ("嘴唇", "嘴角", "上唇", "下唇", "唇", "嘴", "lip", "mouth"),
    "chin": ("下巴", "下颌", "chin", "jaw"),
    "neck": ("脖子", "颈部", "颈", "neck"),
    "shoulder": ("肩膀", "肩", "shoulder"),
    "chest": ("胸口", "胸前", "胸", "chest"),
    "back": ("后背", "背部", "背", "back"),
    "belly": ("肚子", "肚皮", "腹部", "肚脐", "腹", "腰", "belly", "abdomen", "waist"),
    "buttock": ("屁股", "臀部", "臀", "buttock"),
    "arm": ("胳膊", "手臂", "手肘", "胳臂", "上臂", "前臂", "臂", "肘", "arm", "elbow"),
    "hand": ("手腕", "手背", "手心", "手掌", "手指", "指头", "拇指", "手", "hand", "finger", "wrist"),
    "leg": ("大腿", "小腿", "膝盖", "腿", "膝", "leg", "knee", "thigh"),
    "foot": ("脚踝", "脚趾", "脚背", "脚底", "脚", "足", "foot", "toe", "ankle"),
}
_TYPES: dict[str, tuple[str, ...]] = {
    "mole": ("黑痣", "红痣", "痦子", "痣", "mole"),
    "scar": ("伤疤", "疤痕", "伤痕", "刀疤", "疤", "scar"),
    "birthmark": ("胎记", "青记", "红记", "胎斑", "birthmark"),
    "burn": ("烫伤", "烧伤", "烫疤", "burn"),
    "disability": ("六指", "缺指", "兔唇", "唇裂", "跛", "瘸", "斜视", "聋", "哑", "残疾", "limp", "disab"),
    "tattoo": ("纹身", "刺青", "tattoo"),
    "other": ("肉瘤", "瘤", "白斑", "旋", "特征", "mark"),
}
_LEFT = ("左", "left")
_RIGHT = ("右", "right")

LOCATIONS = tuple(_LOCATIONS)
MARK_TYPES = tuple(_TYPES)
SIDE_NONE, SIDE_LEFT, SIDE_RIGHT = 0, 1, 2


@dataclass(frozen=True)
class Mark:
    location: int  # index into LOCATIONS, -1 when unknown
    kind: int  # index into MARK_TYPES
    side: int  # SIDE_*

    @property
    def code(self) -> int:
        return (self.location + 1) * 16 + self.kind


def _matcher(table: dict[str, tuple[str, ...]]) -> tuple[re.Pattern[str], dict[str, int]]:
    """One alternation of every word (longest first) and the index of each word's entry."""
    index = {w: i for i, words in enumerate(table.values()) for w in words}
    pattern = re.compile("|".join(re.escape(w) for w in sorted(index, key=len, reverse=True)))
    return pattern, index


def _find(text: str, matcher: tuple[re.Pattern[str], dict[str, int]]) -> int:
    """Entry of the first vocabulary word in ``text``, -1 if none."""
    m = matcher[0].search(text)
    return matcher[1][m.group()] if m else -1


_LOCATION_MATCHER = _matcher(_LOCATIONS)
_TYPE_MATCHER = _matcher(_TYPES)


def parse_mark(text: str) -> Mark | None:
    """One mark description, or ``None`` when its type cannot be told."""
    t = text.lower() if text.isascii() else _fold_keep_latin(text)
    kind = _find(t, _TYPE_MATCHER)
    if kind < 0:
        return None
    loc = _find(t, _LOCATION_MATCHER)
    side = (
        SIDE_LEFT if any(w in t for w in _LEFT) else SIDE_RIGHT if any(w in t for w in _RIGHT) else SIDE_NONE
    )
    return Mark(loc, kind, side)


def _fold_keep_latin(text: str) -> str:
    han = fold(text)
    latin = re.sub(r"[^a-z]+", " ", text.lower())
    return han + " " + latin


def parse_marks(texts: list[str]) -> list[Mark]:
    """Split on Chinese/ASCII separators so ``"左臂疤；右脸痣"`` yields two marks."""
    out: list[Mark] = []
    for text in texts:
        for part in re.split(r"[;；,，、。/\n]+", text):
            m = parse_mark(part) if part.strip() else None
            if m is not None and m not in out:
                out.append(m)
    return out


# Concepts that families put in circumstances and found people put in memories. Kept to at
# most 64 so a record's concepts fit one uint64 and comparison is one AND and a popcount.
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "river": ("河", "江边", "溪", "river", "stream"),
    "mountain": ("山", "mountain", "hill"),
    "sea": ("海", "sea", "beach"),
    "lake": ("湖", "池塘", "水塘", "pond", "lake"),
    "bridge": ("桥", "bridge"),
    "well": ("水井", "井", "well"),
    "field": ("稻田", "田", "地里", "field", "paddy"),
    "tea": ("茶", "tea"),
    "bamboo": ("竹", "bamboo"),
    "orchard": ("果园", "橘子", "桔子", "苹果树", "orchard"),
    "snow": ("雪", "snow"),
    "temple": ("庙", "寺", "temple"),
    "church": ("教堂", "church"),
    "school": ("学校", "小学", "幼儿园", "school", "kindergarten"),
    "market": ("集市", "赶集", "市场", "market"),
    "railway": ("火车", "铁路", "车站", "train", "railway", "station"),
    "bus": ("汽车站", "班车", "客车", "大巴", "bus"),
    "boat": ("船", "码头", "boat", "ferry"),
    "factory": ("工厂", "厂", "factory"),
    "mine": ("煤矿", "矿", "mine"),
    "city": ("城里", "县城", "大楼", "city", "town"),
    "village": ("村", "village"),
    "grandmother": ("奶奶", "外婆", "姥姥", "婆婆", "grandmother", "granny", "grandma"),
    "grandfather": ("爷爷", "外公", "姥爷", "公公", "grandfather", "grandpa"),
    "elder_brother": ("哥哥", "哥", "elder brother", "big brother"),
    "elder_sister": ("姐姐", "姐", "elder sister", "big sister"),
    "younger_sibling": ("弟弟", "妹妹", "弟", "妹", "younger brother", "younger sister"),
    "twin": ("双胞胎", "twin"),
    "tofu": ("豆腐", "tofu"),
    "noodles": ("面条", "米粉", "面馆", "noodle"),
    "pig": ("猪", "pig"),
    "cow": ("牛", "cow", "cattle", "buffalo"),
    "sheep": ("羊", "sheep", "goat"),
    "dog": ("狗", "dog"),
    "chicken": ("鸡", "鸭", "chicken", "duck"),
    "fish": ("鱼", "fish"),
    "shop": ("小卖部", "商店", "开店", "卖", "shop", "store", "sold", "sell"),
    "restaurant": ("饭店", "餐馆", "restaurant"),
    "farmer": ("种地", "务农", "农民", "farm"),
    "driver": ("司机", "开车", "driver", "truck"),
    "doctor": ("医生", "诊所", "医院", "doctor", "clinic", "hospital"),
    "teacher": ("老师", "教书", "teacher"),
    "soldier": ("当兵", "部队", "soldier", "army"),
    "tile_roof": ("瓦房", "瓦", "tile"),
    "earth_house": ("土房", "土坯", "窑洞", "cave house", "mud house"),
    "tall_building": ("楼房", "高楼", "flat", "apartment"),
    "tree": ("大树", "榕树", "槐树", "树", "tree"),
    "flower": ("花", "flower"),
    "stairs": ("楼梯", "台阶", "stairs", "steps"),
    "courtyard": ("院子", "院", "yard", "courtyard"),
    "festival": ("过年", "春节", "庙会", "festival", "new year"),
    "candy": ("糖", "零食", "candy", "sweet", "snack"),
    "toy": ("玩具", "toy"),
    "stranger": ("陌生人", "生人", "stranger"),
    "motorbike": ("摩托", "motorbike", "motorcycle"),
    "bicycle": ("自行车", "单车", "bicycle", "bike"),
    "hospital_birth": ("卫生院", "health centre"),
    "fire": ("火灾", "着火", "fire"),
    "flood": ("洪水", "发大水", "flood"),
    "earthquake": ("地震", "earthquake"),
}
CONCEPTS = tuple(_CONCEPTS)
_CONCEPT_MATCHER = _matcher(_CONCEPTS)
assert len(CONCEPTS) <= 64


def concept_bits(texts: list[str]) -> int:
    """Bit ``i`` set when concept ``CONCEPTS[i]`` is mentioned in any text."""
    pattern, index = _CONCEPT_MATCHER
    bits = 0
    for text in texts:
        for m in pattern.finditer(_fold_keep_latin(text)):
            bits |= 1 << index[m.group()]
    return bits


def concepts_of(bits: int) -> list[str]:
    return [c for i, c in enumerate(CONCEPTS) if bits >> i & 1]


DIALECT_GROUPS = (
    "northeastern_mandarin", "beijing_mandarin", "jilu_mandarin", "central_plains_mandarin",
    "lanyin_mandarin", "jianghuai_mandarin", "southwestern_mandarin", "jiaoliao_mandarin",
    "jin", "wu", "hui", "gan", "xiang", "min", "yue", "hakka", "pinghua", "tibetan", "uyghur", "mongolian",
)  # fmt: skip

# Words naming a dialect or where it is spoken -> group. Checked in order; first hit wins.
_DIALECT_WORDS: tuple[tuple[str, str], ...] = (
    ("客家", "hakka"), ("粤", "yue"), ("广东话", "yue"), ("白话", "yue"), ("广府", "yue"), ("香港", "yue"),
    ("闽", "min"), ("潮汕", "min"), ("潮州", "min"), ("福州", "min"), ("海南", "min"), ("莆仙", "min"),
    ("台湾", "min"), ("雷州", "min"),
    ("吴", "wu"), ("上海", "wu"), ("苏州", "wu"), ("温州", "wu"), ("宁波", "wu"), ("杭州", "wu"),
    ("浙江", "wu"), ("无锡", "wu"), ("绍兴", "wu"),
    ("徽", "hui"), ("赣", "gan"), ("江西", "gan"), ("南昌", "gan"),
    ("湘", "xiang"), ("湖南", "xiang"), ("长沙", "xiang"),
    ("晋", "jin"), ("山西", "jin"), ("太原", "jin"),
    ("四川", "southwestern_mandarin"), ("重庆", "southwestern_mandarin"), ("成都", "southwestern_mandarin"),
    ("贵州", "southwestern_mandarin"), ("云南", "southwestern_mandarin"), ("湖北", "southwestern_mandarin"),
    ("武汉", "southwestern_mandarin"), ("西南官话", "southwestern_mandarin"),
    ("桂柳", "southwestern_mandarin"),
    ("东北", "northeastern_mandarin"), ("黑龙江", "northeastern_mandarin"), ("吉林", "northeastern_mandarin"),
    ("辽宁", "northeastern_mandarin"),
    ("北京", "beijing_mandarin"), ("普通话", "beijing_mandarin"),
    ("天津", "jilu_mandarin"), ("河北", "jilu_mandarin"), ("山东", "jilu_mandarin"),
    ("济南", "jilu_mandarin"),
    ("胶东", "jiaoliao_mandarin"), ("青岛", "jiaoliao_mandarin"), ("大连", "jiaoliao_mandarin"),
    ("河南", "central_plains_mandarin"), ("陕西", "central_plains_mandarin"),
    ("西安", "central_plains_mandarin"),
    ("徐州", "central_plains_mandarin"),
    ("甘肃", "lanyin_mandarin"), ("宁夏", "lanyin_mandarin"), ("兰州", "lanyin_mandarin"),
    ("江淮", "jianghuai_mandarin"), ("安徽", "jianghuai_mandarin"), ("南京", "jianghuai_mandarin"),
    ("扬州", "jianghuai_mandarin"), ("合肥", "jianghuai_mandarin"),
    ("广西", "pinghua"), ("平话", "pinghua"),
    ("藏", "tibetan"), ("维吾尔", "uyghur"), ("蒙古", "mongolian"),
    # a province named for its speech ("江苏话", "福建话"): the province's predominant group
    ("江苏", "jianghuai_mandarin"), ("福建", "min"), ("内蒙古", "jin"), ("新疆", "uyghur"),
    ("青海", "central_plains_mandarin"), ("西藏", "tibetan"), ("澳门", "yue"), ("广东", "yue"),
)  # fmt: skip

# Predominant dialect group of each province (first two code digits); a coarse prior used
# when a report gives a place but no dialect.
PROVINCE_DIALECT: dict[str, str] = {
    "11": "beijing_mandarin", "12": "jilu_mandarin", "13": "jilu_mandarin", "14": "jin",
    "15": "jin", "21": "northeastern_mandarin", "22": "northeastern_mandarin",
    "23": "northeastern_mandarin", "31": "wu", "32": "jianghuai_mandarin", "33": "wu",
    "34": "jianghuai_mandarin", "35": "min", "36": "gan", "37": "jilu_mandarin",
    "41": "central_plains_mandarin", "42": "southwestern_mandarin", "43": "xiang", "44": "yue",
    "45": "pinghua", "46": "min", "50": "southwestern_mandarin", "51": "southwestern_mandarin",
    "52": "southwestern_mandarin", "53": "southwestern_mandarin", "54": "tibetan",
    "61": "central_plains_mandarin", "62": "lanyin_mandarin", "63": "central_plains_mandarin",
    "64": "lanyin_mandarin", "65": "uyghur", "71": "min", "81": "yue", "82": "yue",
}  # fmt: skip


def dialect_group(text: str) -> str | None:
    """The dialect group a text names; the longest word found wins (安徽话 is not 徽语)."""
    t = fold(text)
    found = [(len(word), group) for word, group in _DIALECT_WORDS if word in t]
    return max(found, key=lambda x: x[0])[1] if found else None
