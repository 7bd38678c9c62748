"""The ten kinds of power (事项类型) and how documents write them."""

import re

POWER_TYPES: dict[str, str] = {
    "行政许可": "licensing",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政征收": "levy",
    "行政给付": "benefit",
    "行政检查": "inspection",
    "行政确认": "confirmation",
    "行政奖励": "reward",
    "行政裁决": "adjudication",
    "其他": "other",
}
_VARIANTS = {
    "行政强制措施": "coercion",
    "行政强制执行": "coercion",
    "行政支付": "benefit",
    "其他类": "other",
    "其他职权": "other",
    "其他权力": "other",
    "其他行政权力": "other",
    "其它": "other",
    "其它类": "other",
    "其他事项": "other",
    "其他行政职权": "other",
}
SECTION_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]\s*(?P<name>\S.{0,30}?)\s*$")


def power_type(text: str) -> str | None:
    """Return the type code for 行政处罚, 其他类, … or None when unknown."""
    t = re.sub(r"[\s\u3000]", "", text)
    t = re.sub(r"^[一二三四五六七八九十]{1,3}[、.．]", "", t)
    t = re.sub(r"[（(].*?[)）]$", "", t)
    return POWER_TYPES.get(t) or _VARIANTS.get(t)
