"""Agency names of the action plan: name normalisation and the national bodies it names.

`NATIONAL_AGENCIES` is the reference list the lead seeds the agency table from: every national
body named in the plan's responsibility lines (34), plus the two coordination bodies the
safeguards chapter names (the joint conference and its office). Names are kept exactly as the
plan writes them (mostly official abbreviations such as 国家卫生健康委); `full_name_zh` gives the
full official name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

AGENCY_GROUP = "国务院反拐部际联席会议各成员单位"
"""The plan's name for "every member agency of the joint conference" (a group, not a body)."""

AgencyType = Literal[
    "party_organ",
    "legislature",
    "court",
    "procuratorate",
    "ministry",
    "commission",
    "state_council_agency",
    "national_administration",
    "coordination_body",
    "peoples_organisation",
    "state_owned_enterprise",
]

AGENCY_TYPES: tuple[AgencyType, ...] = (
    "party_organ",
    "legislature",
    "court",
    "procuratorate",
    "ministry",
    "commission",
    "state_council_agency",
    "national_administration",
    "coordination_body",
    "peoples_organisation",
    "state_owned_enterprise",
)

# Whitespace of any width (ASCII, U+3000 ideographic space, NBSP) and zero-width characters
# that slip in when text is copied from web pages or PDFs.
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_EDGE_PUNCTUATION = "、，,;；:：。.·"
# Half-width brackets are folded to the full-width forms the plan itself uses.
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def normalize_agency_name(raw: str) -> str:
    """Return an agency name as the plan writes it, with copy-and-paste noise removed.

    Removes all whitespace (Chinese names contain none), strips separators left at either end,
    folds full-width Latin letters and digits to ASCII and half-width brackets to full-width.
    The wording itself is never changed: 国家卫生健康委 stays 国家卫生健康委.
    """
    name = unicodedata.normalize("NFC", raw)
    name = _INVISIBLE.sub("", name)
    name = "".join(
        unicodedata.normalize("NFKC", ch) if unicodedata.category(ch) in ("Lu", "Ll", "Nd") else ch
        for ch in name
    )
    return name.translate(_BRACKETS).strip(_EDGE_PUNCTUATION)


@dataclass(frozen=True)
class NationalAgency:
    """One national body named in the plan."""

    name: str
    """As written in the plan (the key used in `Measure.lead_agencies` etc.)."""
    full_name_zh: str
    name_en: str
    short_name_en: str
    agency_type: AgencyType
    in_responsibility_lines: bool = True
    note: str = ""


def _a(
    name: str,
    full_name_zh: str,
    name_en: str,
    short_name_en: str,
    agency_type: AgencyType,
    note: str = "",
) -> NationalAgency:
    return NationalAgency(name, full_name_zh, name_en, short_name_en, agency_type, True, note)


# Order: party organs, legislature, court, procuratorate, State Council departments in the
# official order of the State Council's constituent departments, other State Council bodies,
# people's organisations, enterprises, then the coordination bodies.
NATIONAL_AGENCIES: tuple[NationalAgency, ...] = (
    _a(
        "中央政法委",
        "中共中央政法委员会",
        "Central Political and Legal Affairs Commission of the CPC Central Committee",
        "CPLAC",
        "party_organ",
    ),
    _a(
        "中央宣传部",
        "中共中央宣传部",
        "Publicity Department of the CPC Central Committee",
        "Publicity Department",
        "party_organ",
    ),
    _a(
        "中央网信办",
        "中央网络安全和信息化委员会办公室",
        "Office of the Central Cyberspace Affairs Commission (Cyberspace Administration of China)",
        "CAC",
        "party_organ",
    ),
    _a(
        "全国人大常委会法工委",
        "全国人民代表大会常务委员会法制工作委员会",
        "Legislative Affairs Commission of the NPC Standing Committee",
        "NPCSC Legislative Affairs Commission",
        "legislature",
    ),
    _a("最高人民法院", "最高人民法院", "Supreme People's Court", "SPC", "court"),
    _a("最高人民检察院", "最高人民检察院", "Supreme People's Procuratorate", "SPP", "procuratorate"),
    _a("外交部", "外交部", "Ministry of Foreign Affairs", "MFA", "ministry"),
    _a(
        "国家发展改革委",
        "国家发展和改革委员会",
        "National Development and Reform Commission",
        "NDRC",
        "commission",
    ),
    _a("教育部", "教育部", "Ministry of Education", "MOE", "ministry"),
    _a(
        "工业和信息化部",
        "工业和信息化部",
        "Ministry of Industry and Information Technology",
        "MIIT",
        "ministry",
    ),
    _a("国家民委", "国家民族事务委员会", "National Ethnic Affairs Commission", "NEAC", "commission"),
    _a("公安部", "公安部", "Ministry of Public Security", "MPS", "ministry"),
    _a("民政部", "民政部", "Ministry of Civil Affairs", "MCA", "ministry"),
    _a("司法部", "司法部", "Ministry of Justice", "MOJ", "ministry"),
    _a("财政部", "财政部", "Ministry of Finance", "MOF", "ministry"),
    _a(
        "人力资源社会保障部",
        "人力资源和社会保障部",
        "Ministry of Human Resources and Social Security",
        "MOHRSS",
        "ministry",
    ),
    _a(
        "住房城乡建设部",
        "住房和城乡建设部",
        "Ministry of Housing and Urban-Rural Development",
        "MOHURD",
        "ministry",
    ),
    _a("交通运输部", "交通运输部", "Ministry of Transport", "MOT", "ministry"),
    _a("农业农村部", "农业农村部", "Ministry of Agriculture and Rural Affairs", "MARA", "ministry"),
    _a("商务部", "商务部", "Ministry of Commerce", "MOFCOM", "ministry"),
    _a("文化和旅游部", "文化和旅游部", "Ministry of Culture and Tourism", "MCT", "ministry"),
    _a("国家卫生健康委", "国家卫生健康委员会", "National Health Commission", "NHC", "commission"),
    _a(
        "国务院国资委",
        "国务院国有资产监督管理委员会",
        "State-owned Assets Supervision and Administration Commission of the State Council",
        "SASAC",
        "state_council_agency",
        "special organisation directly under the State Council (直属特设机构)",
    ),
    _a(
        "市场监管总局",
        "国家市场监督管理总局",
        "State Administration for Market Regulation",
        "SAMR",
        "state_council_agency",
        "organisation directly under the State Council (直属机构)",
    ),
    _a(
        "广电总局",
        "国家广播电视总局",
        "National Radio and Television Administration",
        "NRTA",
        "state_council_agency",
        "organisation directly under the State Council (直属机构)",
    ),
    _a(
        "国家乡村振兴局",
        "国家乡村振兴局",
        "National Rural Revitalization Administration",
        "NRRA",
        "national_administration",
        "administered by 农业农村部; its functions were merged back into 农业农村部 in 2023",
    ),
    _a(
        "中国民航局",
        "中国民用航空局",
        "Civil Aviation Administration of China",
        "CAAC",
        "national_administration",
        "administered by 交通运输部",
    ),
    _a(
        "国务院妇儿工委办公室",
        "国务院妇女儿童工作委员会办公室",
        "Office of the National Working Committee on Children and Women under the State Council",
        "NWCCW Office",
        "coordination_body",
        "office of a State Council deliberation and coordination body",
    ),
    _a("全国妇联", "中华全国妇女联合会", "All-China Women's Federation", "ACWF", "peoples_organisation"),
    _a(
        "全国总工会",
        "中华全国总工会",
        "All-China Federation of Trade Unions",
        "ACFTU",
        "peoples_organisation",
    ),
    _a(
        "共青团中央",
        "中国共产主义青年团中央委员会",
        "Central Committee of the Communist Youth League of China",
        "CYLC Central Committee",
        "peoples_organisation",
    ),
    _a(
        "中国残联",
        "中国残疾人联合会",
        "China Disabled Persons' Federation",
        "CDPF",
        "peoples_organisation",
    ),
    _a(
        "中国关工委",
        "中国关心下一代工作委员会",
        "China Care for the Next Generation Working Committee",
        "Next Generation Committee",
        "peoples_organisation",
        "mass organisation led mainly by retired officials",
    ),
    _a(
        "中国国家铁路集团有限公司",
        "中国国家铁路集团有限公司",
        "China State Railway Group Co., Ltd.",
        "China Railway",
        "state_owned_enterprise",
    ),
    NationalAgency(
        "国务院反拐部际联席会议",
        "国务院反拐部际联席会议",
        "State Council Inter-Ministerial Joint Conference against Human Trafficking",
        "Joint Conference",
        "coordination_body",
        in_responsibility_lines=False,
        note="named in 三.(一); its members are the group 国务院反拐部际联席会议各成员单位",
    ),
    NationalAgency(
        "国务院反拐部际联席会议办公室",
        "国务院反拐部际联席会议办公室",
        "Office of the State Council Inter-Ministerial Joint Conference against Human Trafficking",
        "Joint Conference Office",
        "coordination_body",
        in_responsibility_lines=False,
        note="written 联席会议办公室 in 三.(一); organises supervision and the evaluations",
    ),
)


def national_agency(name: str) -> NationalAgency:
    """Look up a national body by the name the plan uses (after normalisation)."""
    key = normalize_agency_name(name)
    for agency in NATIONAL_AGENCIES:
        if agency.name == key:
            return agency
    raise KeyError(name)
