"""A spam score for public tips, 0 (looks real) to 1 (junk), from the text and from the sender's recent volume.

It never refuses a tip; a high score only sinks the tip to the bottom of the queue, so a flood of junk cannot
push real tips out of sight. Per-address limits (services.PUBLIC_RATE_*) stop the flood itself.
"""

from __future__ import annotations

import re

_URL = re.compile(r"https?://|www\.|\.com\b|\.cn\b", re.I)
_REPEAT = re.compile(r"(.)\1{7,}")
_ADVERT = (
    "加微信",
    "加v",
    "代开发票",
    "贷款",
    "刷单",
    "兼职日结",
    "博彩",
    "彩票",
    "优惠",
    "点击链接",
    "免费领取",
    "casino",
    "viagra",
    "loan",
    "bitcoin",
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def spam_score(text: str, *, recent_from_source: int = 0, same_text_from_source: bool = False) -> float:
    text = text.strip()
    score = 0.0
    if len(text) < 8:
        score += 0.3
    letters = _LETTER.findall(text)
    if text and len(letters) / len(text) < 0.4:
        score += 0.3  # mostly digits, symbols or keyboard noise
    urls = len(_URL.findall(text))
    score += min(0.45, 0.25 * urls)
    if _REPEAT.search(text):
        score += 0.25
    lowered = text.lower()
    score += min(0.6, 0.3 * sum(1 for word in _ADVERT if word in lowered))
    if text and not _CJK.search(text) and len(text) > 40 and urls:
        score += 0.15  # a foreign-language link post
    if same_text_from_source:
        score += 0.4
    if recent_from_source > 3:
        score += min(0.4, 0.1 * (recent_from_source - 3))
    return round(min(1.0, score), 3)


SPAM_THRESHOLD = 0.7
