# ruff: noqa: E501
# (the guidance pages below are prose, one paragraph a line)
"""Demo data of the portal: DNA sampling points in every demo county and a few neighbours, guidance pages in
Chinese and English (published by a second staff member), and one family-search registration.

Idempotent: sampling points are recognised by name, pages by slug and language, the registration by its phone.
The sampling points are demonstration entries (marked as such), not real addresses.
"""

from __future__ import annotations

from typing import Any

from homeward.accounts.models import User
from homeward.alerts.geo import division_point
from homeward.portal import services
from homeward.portal.models import FamilySearchRegistration, GuidancePage, SamplingPoint

# (county, police user who keeps it, name, address, hours, phone, offset of the point from the county centroid)
POINTS: list[tuple[str, str, str, str, str, str, tuple[float, float]]] = [
    ("510107", "investigator_wuhou", "武侯区公安分局打拐DNA采血点（演示）", "武侯区某某路1号 分局刑侦大队一楼",
     "周一至周五 9:00-12:00，14:00-17:30", "028-85000001", (0.004, -0.003)),
    ("510107", "investigator_wuhou", "武侯区簇桥派出所采血点（演示）", "武侯区簇桥某某街8号",
     "周一至周六 9:00-17:00", "028-85000002", (-0.03, 0.02)),
    ("510106", "investigator_jinniu", "金牛区公安分局打拐DNA采血点（演示）", "金牛区某某大道66号",
     "周一至周五 9:00-17:30", "028-87000001", (0.002, 0.002)),
    ("510104", "investigator_sichuan", "锦江区公安分局采血点（演示）", "锦江区某某街12号",
     "周一至周五 9:00-17:00", "028-86000001", (0.0, 0.0)),
    ("510108", "investigator_sichuan", "成华区公安分局采血点（演示）", "成华区某某路20号",
     "周一至周五 9:00-17:00", "028-84000001", (0.0, 0.0)),
    ("530102", "investigator_wuhua", "五华区公安分局打拐DNA采血点（演示）", "五华区某某路3号",
     "周一至周五 9:00-12:00，14:30-17:30", "0871-63000001", (0.003, 0.001)),
    ("530103", "investigator_yunnan", "盘龙区公安分局采血点（演示）", "盘龙区某某路9号",
     "周一至周五 9:00-17:00", "0871-65000001", (0.0, 0.0)),
]  # fmt: skip

BRING = "本人居民身份证（或户口簿）；如有，带上走失人员的照片、出生证明、原报案回执。采血免费。"

PAGES: list[tuple[str, str, str, str, str]] = [
    ("recognise-trafficking", "zh-hans", "如何识别拐卖", "拐卖往往以工作、婚姻、收养、“送养”为幌子。",
     """## 需要警惕的迹象

- 孩子看起来害怕同行的大人，回答问题时总看大人的脸色，或说不出大人的名字；
- 有人以“营养费”“辛苦费”为名送养、出售婴儿，或在网上发布“送养”“求子”信息；
- 招工信息报酬高得反常、不需要任何技能，要求先交押金、交出身份证件，或要求去外地、出境工作；
- 介绍“涉外婚姻”、收取高额介绍费，对方情况说不清楚；
- 有人被限制人身自由、证件被扣押、不能与家人联系。

## 怎么做

如果孩子正在被带走或有人身危险，**立即拨打 110**。其他情况，可以在本平台“报告线索”，或到附近派出所报告。请不要自行跟踪、对峙，保护好自己。

收买被拐卖的妇女、儿童同样是犯罪。"""),
    ("recognise-trafficking", "en", "How to recognise trafficking", "Trafficking often hides behind a job, a marriage, an adoption or a child 'given away'.",
     """## Warning signs

- A child seems afraid of the adult with them, looks at the adult before answering, or cannot say the adult's name;
- Someone offers a baby for a "nutrition fee" or "compensation", or posts "child to give away" or "want a son" messages online;
- A job offer pays unusually well for no skills, asks for a deposit or your identity documents, or sends you to another province or abroad;
- An agency arranges a marriage abroad for a high fee and cannot say much about the other person;
- Someone cannot move freely, has had their documents taken, or is not allowed to contact their family.

## What to do

If a child is being taken now or someone is in danger, **call 110 at once**. Otherwise, report it here ("Report"), or at the nearest police station. Do not follow or confront anyone yourself.

Buying a trafficked woman or child is a crime too."""),
    ("family-search-dna", "zh-hans", "寻亲与免费采血", "失踪儿童的父母、疑似被拐的成年人，都可以到公安机关免费采血。",
     """## 谁可以采血

- 孩子失踪的父母（尽量父母双方都采）；
- 怀疑自己小时候被拐卖、想寻找亲生父母的成年人；
- 来历不明的儿童由公安机关采血。

根据《中国反对拐卖人口行动计划（2021—2030年）》，各地公安机关负责采集失踪儿童父母血样，检验录入全国打拐DNA信息库。**除公安机关以外，任何组织或者个人都不得收集被拐卖儿童、父母和疑似被拐卖人员的DNA数据信息**。请不要把血样、唾液交给任何个人或网站。

## 怎么做

1. 在本平台“寻亲登记”登记您记得的信息，选择方便前往的区县；
2. 该区县公安机关核实后，会联系您到采血点采血；
3. 用回执编号和密码查看进展。发现可能的比对结果时，只会由公安机关联系您，本网站不会公布比对信息。"""),
    ("family-search-dna", "en", "Searching for family and free DNA sampling", "Parents of missing children and adults who may have been trafficked as children can give blood free of charge at the police.",
     """## Who can give a sample

- Parents of a missing child (both parents if possible);
- Adults who believe they were abducted as children and are looking for their birth parents;
- Children of unknown origin are sampled by the police.

Under China's Anti-Trafficking Action Plan (2021–2030), local police take blood samples from the parents of missing children and enter the profiles into the national anti-trafficking DNA database. **No organisation or person other than the police may collect DNA data of trafficked children, their parents or suspected victims.** Never give blood or saliva samples to a private person or website.

## How it works

1. Register what you remember under "Search for family" and choose a county you can travel to;
2. That county's police check your registration and invite you to a sampling point;
3. Follow the progress with your receipt code and secret. If there may be a match, the police contact you; this site never shows match details."""),
    ("what-the-law-says", "zh-hans", "法律怎么规定", "拐卖、收买妇女儿童都是犯罪。",
     """## 拐卖妇女、儿童罪（《刑法》第二百四十条）

以出卖为目的，有拐骗、绑架、收买、贩卖、接送、中转妇女、儿童的行为之一的，即构成拐卖妇女、儿童罪，处五年以上十年以下有期徒刑，并处罚金；有拐卖妇女、儿童集团的首要分子、拐卖三人以上、偷盗婴幼儿、将妇女儿童卖往境外等情形的，处十年以上有期徒刑或者无期徒刑；情节特别严重的，处死刑。

## 收买被拐卖的妇女、儿童罪（《刑法》第二百四十一条）

收买被拐卖的妇女、儿童的，处三年以下有期徒刑、拘役或者管制。收买后又有强奸、非法拘禁、伤害、侮辱等行为的，依照数罪并罚的规定处罚；收买后又出卖的，按拐卖妇女、儿童罪定罪处罚。

## 拐骗儿童罪（《刑法》第二百六十二条）

拐骗不满十四周岁的未成年人，脱离家庭或者监护人的，处五年以下有期徒刑或者拘役。

本页为普法摘要，具体以法律条文和司法解释为准。"""),
    ("what-the-law-says", "en", "What the law says", "Trafficking women and children is a crime, and so is buying them.",
     """## Trafficking in women and children (Criminal Law, art. 240)

Abducting, kidnapping, buying, selling, transporting or transferring a woman or child for the purpose of selling them is the crime of trafficking, punished with five to ten years' imprisonment and a fine; leading a trafficking group, trafficking three or more people, stealing infants or selling women or children abroad raises it to ten years or more, or life imprisonment; the most serious cases carry the death penalty.

## Buying a trafficked woman or child (art. 241)

Buying a trafficked woman or child is punished with up to three years' imprisonment, criminal detention or public surveillance. Rape, unlawful detention, injury or insult of the person bought is punished in addition; a buyer who sells the person on is punished for trafficking.

## Abducting a child (art. 262)

Taking a child under fourteen away from their family or guardian is punished with up to five years' imprisonment or criminal detention.

This page is a plain-language summary; the text of the law and the judicial interpretations prevail."""),
    ("safe-jobs-and-marriage", "zh-hans", "安全求职与涉外婚姻", "高薪、包吃住、出境打工、“介绍外国新娘”——先核实，再出发。",
     """## 求职

- 通过正规人力资源服务机构或用人单位求职，查看营业执照和人力资源服务许可证；
- 不交押金，不把身份证、护照交给他人保管；
- 去外地或出境前，把工作地点、联系人告诉家人，约定联系时间。

## 涉外婚姻

- 非法跨国婚姻介绍机构依法应被取缔，不要通过它们“买”或“介绍”婚姻；
- 婚姻登记机关会核实当事人身份和出入境信息；
- 如果您或家人被骗到境外、被限制自由，请拨打 110，或联系中国驻当地使领馆（外交部全球领事保护与服务应急热线 12308）。"""),
    ("safe-jobs-and-marriage", "en", "Safe job-seeking and marriage abroad", "High pay, free board, work abroad, a 'foreign bride' arranged for you — check first, then go.",
     """## Looking for work

- Use licensed employment agencies or the employer directly; ask to see the business licence and the human-resources service licence;
- Never pay a deposit and never hand over your identity card or passport;
- Before going to another province or abroad, tell your family where you will work and who your contact is, and agree when you will call.

## Marriage abroad

- Unlicensed cross-border marriage agencies are illegal; do not "buy" or arrange a marriage through them;
- Marriage registries check both people's identity and travel records;
- If you or a relative have been deceived abroad or cannot move freely, call 110 or the Chinese embassy or consulate (Ministry of Foreign Affairs consular hotline +86-10-12308)."""),
]  # fmt: skip

DEMO_PHONE = "13800138099"


def _points(report: Any) -> int:
    created = 0
    for county, username, name, address, hours, phone, offset in POINTS:
        officer = User.objects.filter(username=username).first()
        centre = division_point(county)
        if officer is None or centre is None or SamplingPoint.objects.filter(name=name).exists():
            continue
        services.sampling_point_create(
            actor=officer,
            data=services.SamplingPointData(
                county=county,
                name=name,
                address=address,
                hours=hours,
                phone=phone,
                what_to_bring=BRING,
                lat=round(centre[0] + offset[0], 5),
                lon=round(centre[1] + offset[1], 5),
            ),
        )
        created += 1
    return created


def _pages() -> int:
    author = User.objects.filter(username="plan_coordinator_national").first()
    publisher = User.objects.filter(username="sysadmin_national").first()
    if author is None or publisher is None:
        return 0
    created = 0
    for slug, language, title, summary, body in PAGES:
        if GuidancePage.objects.filter(slug=slug, language=language).exists():
            continue
        page = services.guidance_create(
            actor=author,
            data=services.GuidanceData(slug=slug, language=language, title=title, summary=summary, body=body),
        )
        services.guidance_submit(actor=author, page_id=page.pk)
        services.guidance_publish(actor=publisher, page_id=page.pk)
        created += 1
    return created


def _registration() -> int:
    if FamilySearchRegistration.objects.filter(
        tracing_registration__contact_phone__endswith=DEMO_PHONE
    ).exists():
        return 0
    services.registration_submit(
        data=services.RegistrationInput(
            kind="adult",
            county="510107",
            name="王小军",
            contact_phone=DEMO_PHONE,
            consent_contact=True,
            consent_dna=True,
            sex="male",
            birth_year=1990,
            lost_year=1994,
            lost_place="火车站",
            nicknames=["军军"],
            remembered_places=["家门口有一棵大黄桷树", "附近有条河"],
            dialect="四川话",
            marks=["右手背有烫伤疤"],
            story="记得被一个阿姨带上火车，坐了很久。",
        )
    )
    return 1


def load(report: Any) -> None:
    points = _points(report)
    pages = _pages()
    registrations = _registration()
    report.notes["portal"] = (
        f"{points} sampling points, {pages} guidance pages, {registrations} registration added"
    )
