"""The text of a cell: continuation fragments joined paragraph-wise, duty cells split into steps, HTML made plain."""

import re

from yibao.law.text import html_to_paragraphs, squeeze_spaces

from .patterns import DUTY_STEP, OTHER_DUTY, PARAGRAPH_START, SENTENCE_END
from .records import ParsedDuty


def _join(old: str, new: str) -> str:
    return old + new if old else new


def _join_text(old: str, new: str) -> str:
    """Join a continuation fragment to a text cell (basis, duty, …).

    A page break cuts a paragraph in two: the fragment goes on with the cell's last paragraph,
    unless that paragraph ended a sentence or the fragment starts one of its own (《…》, 第N条, （一）).
    """
    before, after = html_to_paragraphs(old), html_to_paragraphs(new)
    if not before or not after:
        return _join(old, new)
    if SENTENCE_END.search(before[-1]) or PARAGRAPH_START.match(after[0]):
        return f"{old}\n{new}"
    return re.sub(r"\s*</p>\s*$", "", old, flags=re.I) + re.sub(r"^\s*<p\b[^>]*>\s*", "", new, flags=re.I)

def split_duties(cell: str) -> list[ParsedDuty]:
    """Split a duty cell (1. 立案责任：… 2. 调查责任：…) into steps without their list numbers."""
    text = " ".join(html_to_paragraphs(cell))
    matches = list(DUTY_STEP.finditer(text))
    duties: list[ParsedDuty] = []
    if not matches:
        t = squeeze_spaces(text)
        return [ParsedDuty(None, t)] if t else []
    head = text[: matches[0].start()].strip()
    if head:
        duties.append(ParsedDuty(None, squeeze_spaces(head)))
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        body = text[m.end():end].strip()
        tail = None
        if k + 1 == len(matches):
            other = OTHER_DUTY.search(body)
            if other and other.start() > 0:
                tail = re.sub(r"^\d{1,2}\s*[.、．]\s*", "", other.group("text").strip())
                body = body[: other.start()].strip()
        body = re.sub(r"\s*\d{1,2}\s*[.、．]\s*$", "", body)
        duties.append(ParsedDuty(m.group("step"), squeeze_spaces(body)))
        if tail:
            duties.append(ParsedDuty("其他责任", squeeze_spaces(tail)))
    return duties


def _plain(cell: str) -> str:
    """A text cell as plain text: HTML paragraphs (<p>…</p>) become lines, PDF spaces go."""
    if "<" not in cell:
        return squeeze_spaces(cell)
    return "\n".join(squeeze_spaces(p) for p in html_to_paragraphs(cell))
