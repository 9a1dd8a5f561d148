"""Demo posts pushed by the demo partner platform: seller campaigns with disguised contacts in the demo counties
(near-duplicates under different accounts, one seller reusing a contact), and ordinary posts that use the same
words innocently. Screened at once; one Wuhou campaign is confirmed and turned into a tip. Idempotent: every post
carries a fixed platform id, so a second run adds nothing."""

from __future__ import annotations

from typing import Any

from homeward.accounts.models import User
from homeward.screening import services
from homeward.screening.models import Post, Verdict
from homeward.screening.services import PostInput

POSTS: list[tuple[str, str, str]] = [
    # (id, account, text) — campaign 1: baby "adoption" in 武侯区, contacts disguised and changing
    ("demo-1", "暖暖妈妈", "男宝送养，刚满月，健康，营养费5万，V❤: nuannuan88，成都武侯区可当面交接"),
    ("demo-2", "小太阳", "男宝送养，刚满月，健康，营养费5.5万，薇: xtyang2026，成都武侯区可当面交接"),
    ("demo-3", "晴天", "男宝送 养，刚满月，健康，营养费六万，威信 qingtian_77，成都武侯区可当面交接"),
    (
        "demo-4",
        "晴天2号",
        "男宝送养，刚满月，健康，营养费5万，电话幺三八二八零零六六五五，成都武侯区当面交接",
    ),
    # campaign 2: fake birth certificates, 金牛区, traditional characters, QQ disguised
    ("demo-5", "办证小王", "代辦出生證明，真實可查，可上戶口，扣扣 28837461 ，成都金牛區"),
    ("demo-6", "办证小李", "代办出生证明，真实可查，可上户口，企鹅 28837461，成都金牛区"),
    ("demo-7", "证件通", "代办出生证明，真实可查，可上户口，加qq 5520131 ，成都金牛区，价格面议"),
    # campaign 3: cross-border brides, 五华区; the seller reuses a WeChat ID in a job ad
    ("demo-8", "缘分红娘", "越南新娘包成功，保证处女，不跑路，费用12万全包，加V信 yuanfen520，昆明五华区"),
    ("demo-9", "缘分红娘B", "越南新娘包成功，保证处女，不跑路，费用十三万全包，加V信 yuanfen520，昆明五华区"),
    ("demo-10", "高薪招聘", "招女孩，16岁以上即可，包吃住，日结高薪，不用身份证，加V信 yuanfen520，昆明"),
    # ordinary posts using the same words innocently
    ("demo-11", "爱猫人士", "英短猫咪送养，已驱虫打疫苗，要求科学喂养，不收营养费，成都武侯区"),
    ("demo-12", "宝妈闲置", "出闲置婴儿车和奶瓶，九成新，200元，成都金牛区自提"),
    ("demo-13", "正规人力", "正规工厂招普工，缴纳五险一金，需身份证，年满18周岁，电话028-85556677"),
    ("demo-14", "户籍科", "办理出生医学证明请携带父母身份证、结婚证到医院窗口，不收取任何费用"),
]


def load(report: Any) -> None:
    partner = User.objects.filter(username="partner_demo").first()
    reviewer = User.objects.filter(username="investigator_wuhou").first()
    if partner is None or reviewer is None:
        report.notes["screening"] = "skipped: partner_demo or investigator_wuhou missing"
        return
    batch = services.posts_ingest(
        actor=partner,
        source="api",
        items=[
            (n, PostInput(text=text, external_id=pid, platform="演示论坛", author=author))
            for n, (pid, author, text) in enumerate(POSTS, start=1)
        ],
    )
    created = list(batch.posts.values_list("pk", flat=True))
    services.posts_screen(post_ids=created)
    tip = ""
    if created:
        first = Post.objects.filter(pk__in=created, external_id="demo-1").first()
        if first is not None and first.cluster_id is not None:
            services.cluster_label(
                actor=reviewer, cluster_id=first.cluster_id, verdict=Verdict.TRAFFICKING, note="演示：已核实"
            )
            cluster = services.cluster_tip_create(actor=reviewer, cluster_id=first.cluster_id)
            tip = f", campaign C{cluster.pk} confirmed as tip {cluster.tip_reference}"
    report.notes["screening"] = f"{len(created)} posts pushed by partner_demo and screened{tip}"
