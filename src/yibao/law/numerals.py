"""Chinese numerals as used in article numbers: 第八十七条, 第一百零四条, 第87条."""

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"
NUMBER_PATTERN = rf"(?:[0-9０-９]+|[{NUMERAL_CHARS}]+)"


def parse_number(text: str) -> int:
    """Return the integer for '八十七', '一百零四', '十', '87' or '８７'; raise ValueError otherwise."""
    text = text.strip().translate(_FULLWIDTH)
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    if not re.fullmatch(f"[{NUMERAL_CHARS}]+", text):
        raise ValueError(f"not a numeral: {text!r}")
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def to_chinese_numeral(n: int) -> str:
    """Return the article-style numeral: 87 → 八十七, 104 → 一百零四, 10 → 十."""
    if n < 0:
        raise ValueError("negative numeral")
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    parts = []
    for unit_value, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit_value % 10
        if d:
            parts.append(digits[d] + unit_name)
        elif parts and n % unit_value and not parts[-1].endswith("零"):
            parts.append("零")
    return "".join(parts).rstrip("零")
