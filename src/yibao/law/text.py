"""Text clean-up shared by the parsers: HTML fragments to paragraphs, PDF-conversion spaces."""

import html
import re

_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|li|ol|ul|br|div|tr|td|table)\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{0,200}>")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_BETWEEN = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+(?=[{_CJK}0-9０-９])|(?<=[0-9０-９])[ \t\u00a0\u3000]+(?=[{_CJK}])")


def squeeze_spaces(text: str) -> str:
    """Remove the spaces PDF conversion leaves between Chinese characters: '行政 部门' → '行政部门'."""
    text = _SPACE_BETWEEN.sub("", text)
    return re.sub(r"[ \t\u00a0]{2,}", " ", text).strip()


def html_to_paragraphs(fragment: str) -> list[str]:
    """Split an HTML fragment (<p>, <li>, <br>) into its paragraphs of plain text."""
    marked = _BLOCK_TAG.sub("\n", fragment)
    marked = _ANY_TAG.sub("", marked)
    marked = html.unescape(marked)
    return [p.strip() for p in marked.split("\n") if p.strip()]
