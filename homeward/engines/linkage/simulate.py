"""Synthetic missing reports and found people with realistic noise, for evaluation and benchmarks.

A found person is derived from a report the way a real case drifts over the years: the age is
estimated (error growing with age), the child was usually renamed by the buyers (often a new
surname, sometimes the old given name or a homophone of it), a nickname may be remembered in
another spelling, places are remembered at county level, at province level or not at all (and
sometimes wrongly), marks are described with other words and some are not reported, the
dialect and fragments of the circumstances may be remembered. Older reports use the division
codes of their day (retired codes are kept when the year calls for them).

Everything is drawn from a seeded ``random.Random``; the same seed gives the same data.
"""

from __future__ import annotations

import csv
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from . import descriptors as D
from .growth import median_height
from .names import COMMON_SURNAMES, syllable
from .records import FoundRecord, MissingRecord, Place

# Approximate shares (%) of the most common surnames (2020 household registration figures).
_TOP_SURNAMES = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.2, "赵": 2.0, "吴": 1.9,
    "周": 1.9, "徐": 1.3, "孙": 1.3, "马": 1.1, "朱": 1.1, "胡": 1.0, "郭": 1.0, "何": 0.9, "高": 0.9,
    "林": 0.9, "罗": 0.8,
}  # fmt: skip
_GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红志文辉鹏飞海波宇浩俊凯佳欣怡婷雪梅琳晨"
    "铭鸣敏民名茗明珍真贞丹单坤昆鑫新心馨欣林霖琳凌玲铃龙隆荣蓉容嵘晶静婧菁京成诚程城澄晓小孝笑阳洋扬杨"
    "燕艳雁彦颜岩亮良梁春纯淑舒书蕾磊雷丽莉立力利云芸韵运允宏红洪鸿虹峰锋丰风枫"
)


@lru_cache(maxsize=1)
def _homophones() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for ch in dict.fromkeys(_GIVEN_CHARS):
        groups.setdefault(syllable(ch), []).append(ch)
    return {ch: [c for c in groups[syllable(ch)] if c != ch] for ch in dict.fromkeys(_GIVEN_CHARS)}


@dataclass(frozen=True)
class _County:
    code: str
    name: str
    province: str
    province_name: str
    lat: float
    lon: float


class Simulator:
    """Draws reports and found people; ``divisions`` defaults to ``homeward.refdata``'s index."""

    def __init__(self, seed: int = 0, divisions: object | None = None) -> None:
        if divisions is None:
            from homeward.refdata.divisions import load_divisions

            divisions = load_divisions()
        idx = divisions
        self.rng = random.Random(seed)
        provinces = {p.code: p.name for p in idx.provinces()}  # type: ignore[attr-defined]
        counties = [c for c in idx.counties() if c.lat is not None and c.population]  # type: ignore[attr-defined]
        self.counties = [
            _County(c.code, c.name, c.province_code, provinces[c.province_code], c.lat, c.lon)
            for c in counties
        ]
        self.cum_weights = list(itertools.accumulate(float(c.population) for c in counties))
        self.by_province: dict[str, list[_County]] = {}
        for c in self.counties:
            self.by_province.setdefault(c.province, []).append(c)
        self.old_codes = _retired_codes()
        self.by_code = {c.code: c for c in self.counties}
        # retired code -> (today's code, first year, last year); a code can be retired and later
        # given to another county (511421 was 垫江县 until 1997 and is 仁寿县 since 2000)
        self.old_to_current = {o: (cur, lo, hi) for cur, olds in self.old_codes.items() for o, lo, hi in olds}
        top = list(_TOP_SURNAMES)
        rest = sorted(COMMON_SURNAMES - set(top))
        self.surnames = top + rest
        self.surname_cw = list(
            itertools.accumulate(list(_TOP_SURNAMES.values()) + [40.0 / len(rest)] * len(rest))
        )
        self.counter = 0

    # -- parts -------------------------------------------------------------------------------

    def _surname(self) -> str:
        return self.rng.choices(self.surnames, cum_weights=self.surname_cw)[0]

    def _given(self) -> str:
        n = 1 if self.rng.random() < 0.3 else 2
        if n == 2 and self.rng.random() < 0.15:
            c = self.rng.choice(_GIVEN_CHARS)
            return c + c
        return "".join(self.rng.choice(_GIVEN_CHARS) for _ in range(n))

    def _homophone(self, text: str, p: float) -> str:
        out = []
        for ch in text:
            alts = _homophones().get(ch)
            out.append(self.rng.choice(alts) if alts and self.rng.random() < p else ch)
        return "".join(out)

    def _county(self) -> _County:
        return self.rng.choices(self.counties, cum_weights=self.cum_weights)[0]

    def _mark_text(self, loc: int, kind: int, side: int, variant: int) -> str:
        loc_words = list(D._LOCATIONS.values())[loc]
        type_words = list(D._TYPES.values())[kind]
        han_loc = [w for w in loc_words if not w.isascii()]
        han_type = [w for w in type_words if not w.isascii()]
        lw = han_loc[variant % len(han_loc)]
        tw = han_type[variant % len(han_type)]
        s = ("左" if side == 1 else "右" if side == 2 else "") + lw
        return self.rng.choice([f"{s}有{tw}", f"{s}一块{tw}", f"{s}{tw}", f"{tw}在{s}"])

    def _concept_text(self, concepts: list[int], variant: int) -> str:
        words = []
        for i in concepts:
            opts = [w for w in list(D._CONCEPTS.values())[i] if not w.isascii()] or list(
                D._CONCEPTS.values()
            )[i]
            words.append(opts[variant % len(opts)])
        return "，".join(f"记得{w}" if variant else f"家附近{w}" for w in words)

    # -- records -----------------------------------------------------------------------------

    def missing(self) -> MissingRecord:
        r = self.rng
        self.counter += 1
        sex = r.choice("MF")
        by = r.randint(1980, 2018)
        birth = date(by, 1, 1) + timedelta(days=r.randrange(365))
        age_m = r.uniform(0.5, 6.0) if r.random() < 0.7 else r.uniform(6.0, 14.0)
        mdate = min(birth + timedelta(days=int(age_m * 365.25)), date(2024, 12, 31))
        county = self._county()
        code = county.code
        olds = self.old_codes.get(code)
        if olds and r.random() < 0.7:
            fitting = [o for o, lo, hi in olds if lo <= mdate.year <= hi]
            if fitting:
                code = r.choice(fitting)
        surname = self._surname()
        given = self._given()
        nick = []
        if r.random() < 0.6:
            last = given[-1]
            nick = [r.choice([f"小{last}", f"{last}{last}", f"阿{last}", f"{last}儿"])]
        marks = []
        for _ in range(r.choice([0, 0, 1, 1, 2])):
            marks.append(
                self._mark_text(r.randrange(len(D.LOCATIONS)), r.randrange(4), r.randrange(3), r.randrange(3))
            )
        circ = None
        if r.random() < 0.8:
            circ = self._concept_text(r.sample(range(len(D.CONCEPTS)), r.randint(2, 4)), 0)
        dialect = None
        if r.random() < 0.5:
            dialect = _speech(county.province_name)
        height = None
        if r.random() < 0.6:
            height = round(float(median_height(age_m, 1 if sex == "M" else 2)) * r.gauss(1.0, 0.045), 1)
        use_point = r.random() < 0.5
        exact = r.random() < 0.8
        return MissingRecord(
            id=f"m{self.counter}",
            sex=sex,
            birth_date=birth if exact else None,
            birth_year=None if exact else by,
            missing_date=mdate,
            missing_division=code,
            missing_lat=county.lat + r.gauss(0, 0.03) if use_point else None,
            missing_lon=county.lon + r.gauss(0, 0.03) if use_point else None,
            name=surname + given,
            nicknames=tuple(nick),
            father_name=surname + self._given() if r.random() < 0.8 else None,
            mother_name=self._surname() + self._given() if r.random() < 0.8 else None,
            height_cm=height,
            marks=tuple(marks),
            dialect=dialect,
            circumstances=circ,
        )

    def found_for(self, m: MissingRecord, fid: str) -> FoundRecord:
        """A found person who is the child of report ``m``, years later, described with noise."""
        r = self.rng
        assert m.missing_date is not None and m.name
        birth = m.birth_date or date(m.birth_year or 2000, 7, 1)
        fyear = min(m.missing_date.year + r.randint(1, 30), 2025)
        fdate = max(date(fyear, 1, 1) + timedelta(days=r.randrange(365)), m.missing_date)
        true_age = (fdate - birth).days / 365.25
        age_m = (m.missing_date - birth).days / 365.25
        centre = true_age + r.gauss(0, 1.0 + 0.06 * true_age)
        half = r.uniform(1, 3)
        age_min, age_max = max(0.0, round(centre - half)), max(1.0, round(centre + half))
        surname, given = m.name[0], m.name[1:]
        u = r.random()
        if u < 0.5:
            name = self._surname() + self._given()
        elif u < 0.8:
            name = self._surname() + self._homophone(given, 0.3)
        else:
            name = surname + self._homophone(given, 0.5)
        remembered_names: list[str] = []
        if age_m >= 3 and m.nicknames and r.random() < 0.6:
            remembered_names.append(self._homophone(m.nicknames[0], 0.4))
        parents: list[str] = []
        if age_m >= 4 and m.father_name and r.random() < 0.4:
            parents.append(r.choice([m.father_name, m.father_name[1:], "爸爸叫" + m.father_name]))
        if age_m >= 4 and m.mother_name and r.random() < 0.3:
            parents.append(r.choice([m.mother_name, m.mother_name[1:]]))
        places: list[Place] = []
        home = self._home_county(m)
        v = r.random()
        if home is not None:
            if age_m >= 5 and v < 0.5:
                c = home if r.random() < 0.9 else r.choice(self.by_province[home.province])
                places.append(
                    Place(name=c.name if r.random() < 0.5 else c.name[:-1] if len(c.name) > 2 else c.name)
                )
            elif (age_m >= 5 and v < 0.8) or (age_m < 5 and v < 0.3):
                places.append(Place(name=home.province_name))
        fc = self._county()
        use_point = r.random() < 0.5
        marks = []
        for text in m.marks:
            mk = D.parse_mark(text)
            if mk is not None and r.random() < 0.8:
                side = mk.side if r.random() < 0.7 else 0
                marks.append(self._mark_text(max(mk.location, 0), mk.kind, side, r.randrange(1, 4)))
        if r.random() < 0.2:
            marks.append(self._mark_text(r.randrange(len(D.LOCATIONS)), r.randrange(4), 0, 0))
        memories = None
        if age_m >= 3 and r.random() < 0.7:
            keep = [
                i
                for i in range(len(D.CONCEPTS))
                if m.circumstances and D.concept_bits([m.circumstances]) >> i & 1
            ]
            keep = [i for i in keep if r.random() < 0.6]
            extra = r.sample(range(len(D.CONCEPTS)), r.randint(0, 2))
            if keep or extra:
                memories = self._concept_text(sorted(set(keep + extra)), 1)
        dialect = None
        if age_m >= 4 and home is not None and r.random() < 0.6:
            dialect = _speech(home.province_name)
        height = None
        if r.random() < 0.6 and m.height_cm is not None:
            sx = 1 if m.sex == "M" else 2
            ratio = float(median_height(true_age, sx)) / float(median_height(age_m, sx))
            height = round(ratio * m.height_cm * r.gauss(1.0, 0.03), 1)
        return FoundRecord(
            id=fid,
            sex=m.sex,
            age_min=age_min,
            age_max=age_max,
            found_date=fdate,
            found_division=fc.code,
            found_lat=fc.lat if use_point else None,
            found_lon=fc.lon if use_point else None,
            name=name,
            remembered_names=tuple(remembered_names),
            remembered_parents=tuple(parents),
            remembered_places=tuple(places),
            height_cm=height,
            marks=tuple(marks),
            dialect=dialect,
            memories=memories,
        )

    def _home_county(self, m: MissingRecord) -> _County | None:
        code = m.missing_division or ""
        old = self.old_to_current.get(code)
        year = m.missing_date.year if m.missing_date else None
        if old is not None and (year is None or old[1] <= year <= old[2]):
            code = old[0]
        return self.by_code.get(code)


_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def _speech(province_name: str) -> str:
    """How people name a province's speech: 黑龙江省 -> 黑龙江话, 广西壮族自治区 -> 广西话."""
    for suffix in _PROVINCE_SUFFIXES:
        if province_name.endswith(suffix):
            return province_name[: -len(suffix)] + "话"
    return province_name + "话"


@lru_cache(maxsize=1)
def _retired_codes() -> dict[str, list[tuple[str, int, int]]]:
    """Today's county code -> retired codes (with their years) that map to it alone."""
    path = Path(__file__).resolve().parents[2] / "refdata" / "data" / "codes.csv"
    out: dict[str, list[tuple[str, int, int]]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cur = row["current_codes"]
            if row["valid_to"] and ";" not in cur and cur != row["code"] and row["level"] == "county":
                out.setdefault(cur, []).append((row["code"], int(row["valid_from"]), int(row["valid_to"])))
    return out
