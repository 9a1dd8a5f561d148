"""Demo tips in the demo counties: every category, routed, acknowledged, some transferred, merged, converted to
cases, mandatory reports from the schools, hospitals and hotels, and a reward. Idempotent: every submission carries
a fixed idempotency key, and the follow-up steps run only for tips created in this run."""

from __future__ import annotations

from typing import Any

from homeward.accounts.models import Agency, User
from homeward.accounts.roles import AgencyType
from homeward.demo.data import COUNTIES
from homeward.tips import services
from homeward.tips.models import Category

STORIES = {
    Category.CHILD_MISSING: "一名男子抱着哭闹的小孩快步离开，小孩一直喊“我不认识你”。",
    Category.CHILD_TRADE: "有人在老乡群里说能“介绍”刚出生的男孩，开价八万。",
    Category.ILLEGAL_ADOPTION: "网上有人发帖“送养”婴儿，要求先付营养费，不办任何手续。",
    Category.WOMAN_TRAFFICKED: "邻居家新来的媳妇不会说本地话，从不让她单独出门，她偷偷哭着说想回家。",
    Category.FORCED_LABOUR: "菜市场门口有几个残疾孩子每天被人送来乞讨，晚上被面包车接走。",
    Category.SEXUAL_EXPLOITATION: "一家足浴店里有看起来未成年的女孩，证件被老板收走了。",
    Category.ONLINE_POST: "短视频平台上有账号发布“代孕、出售新生儿”的广告，留了联系方式。",
    Category.CROSS_BORDER: "有中介招募年轻女性去境外“高薪工作”，护照由中介统一保管。",
    Category.OTHER: "小区里有陌生人打听哪家孩子经常一个人在楼下玩。",
}
ADDRESSES = {
    "wuhou": "成都市武侯区人民南路四段",
    "jinniu": "成都市金牛区一环路北",
    "wuhua": "昆明市五华区南屏街",
}


def _user(name: str) -> Any:
    return User.objects.filter(username=name).first()


def load(report: Any) -> None:
    created = 0
    converted = transferred = merged = 0
    for county in COUNTIES:
        investigator = _user(f"investigator_{county.slug}")
        leader = _user(f"case_leader_{county.slug}")
        if investigator is None:
            continue
        receipts = []
        for n, (category, story) in enumerate(STORIES.items()):
            receipt = services.tip_submit_public(
                data=services.TipData(
                    category=category,
                    description=story,
                    address=ADDRESSES[county.slug],
                    informant_phone="13912345678" if n % 3 == 0 else "",
                    informant_name="热心群众" if n % 3 == 0 else "",
                    imminent_danger=category == Category.CHILD_MISSING and county.slug == "wuhou",
                ),
                idempotency_key=f"demo-{county.slug}-{n}",
            )
            receipts.append(receipt)
            created += receipt.created
        fresh = [r.tip for r in receipts if r.created]
        if not fresh:
            continue
        by_category = {t.category: t for t in fresh}
        for tip in fresh[1:4]:
            services.tip_acknowledge(actor=investigator, tip_id=tip.pk)
        duplicate = services.tip_submit_public(
            data=services.TipData(
                category=Category.FORCED_LABOUR,
                description="菜市场门口每天都有残疾小孩乞讨，晚上一辆面包车把他们接走。",
                address=ADDRESSES[county.slug],
            ),
            idempotency_key=f"demo-{county.slug}-dup",
        )
        if duplicate.created and Category.FORCED_LABOUR in by_category:
            services.tip_merge(
                actor=investigator,
                tip_id=duplicate.tip.pk,
                into_tip_id=by_category[Category.FORCED_LABOUR].pk,
                note="同一地点同一事件",
            )
            merged += 1
        if Category.CHILD_TRADE in by_category:
            services.tip_mark_converted(
                actor=investigator,
                tip_id=by_category[Category.CHILD_TRADE].pk,
                case_ref=f"DEMO-{county.code}-2026-001",
            )
            converted += 1
            if leader is not None:
                reward = services.reward_propose(
                    actor=investigator,
                    tip_id=by_category[Category.CHILD_TRADE].pk,
                    amount_yuan=5000,
                    outcome="据此线索抓获贩卖儿童嫌疑人两名",
                )
                services.reward_decide(actor=leader, reward_id=reward.pk, approve=True)
        services.tip_close(
            actor=investigator, tip_id=by_category[Category.OTHER].pk, reason="unfounded", note="已走访核实"
        )
        _mandatory_reports(county)
    transferred += _demo_transfer()
    report.notes["tips"] = (
        f"{created} public tips ({len(STORIES)} categories per county), {merged} merged, "
        f"{converted} converted to cases, {transferred} transferred, mandatory reports per sector"
    )


def _mandatory_reports(county: Any) -> None:
    reports = {
        f"reporter_hospital_{county.slug}": (
            Category.CHILD_TRADE,
            "有人来为一名婴儿申请出生医学证明，但该婴儿并非在本院出生。",
            {"certificate_for_baby_born_elsewhere": True, "ward": "产科"},
        ),
        f"reporter_hotel_{county.slug}": (
            Category.CHILD_MISSING,
            "一名成年男子带着一个约五岁的女孩入住，女孩说他不是爸爸。",
            {"adult_with_child_not_theirs": True, "room": "1208"},
        ),
        f"mandatory_reporter_{county.slug}": (
            Category.CHILD_MISSING,
            "三年级学生连续一周未到校，家长说法前后矛盾。",
            {"pupil_absent_unexplained": True, "grade_class": "三年级二班"},
        ),
    }
    for username, (category, text, details) in reports.items():
        reporter = _user(username)
        if reporter is None or not reporter.has_perm("tips.file_report"):
            continue
        services.tip_submit_mandatory(
            actor=reporter,
            data=services.TipData(category=category, description=text),
            sector_details=details,
            idempotency_key=f"demo-{username}",
        )


def _demo_transfer() -> int:
    """A tip filed in 武侯区 about a place in 金牛区, transferred and accepted; and one still waiting."""
    sender, receiver = _user("investigator_wuhou"), _user("investigator_jinniu")
    police_b = Agency.objects.filter(type=AgencyType.PUBLIC_SECURITY, division_id="510106").first()
    if sender is None or receiver is None or police_b is None:
        return 0
    done = 0
    for n, accept in ((1, True), (2, None)):
        receipt = services.tip_submit_public(
            data=services.TipData(
                category=Category.WOMAN_TRAFFICKED,
                description=f"武侯区的亲戚说，金牛区某出租屋里关着一名外地女子（线索{n}）。",
                address=ADDRESSES["wuhou"],
            ),
            idempotency_key=f"demo-transfer-{n}",
        )
        if not receipt.created:
            continue
        transfer = services.tip_transfer_request(
            actor=sender, tip_id=receipt.tip.pk, to_agency_id=police_b.pk, reason="线索所涉地点在金牛区辖区"
        )
        if accept:
            services.tip_transfer_decide(actor=receiver, transfer_id=transfer.pk, accept=True, note="已接收")
        done += 1
    return done
