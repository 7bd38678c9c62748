"""What the cells of a catalogue look like: sequence numbers, codes, levels, dittos, duty steps, and the
kinds of file read. Shared by the row layout, the item builder and the document's reader."""

import re

from yibao.law.citations import ARTICLE_MENTION

from .types import power_type

SEQ = re.compile(
    r"^\s*(?:\d{1,4}(?:[.\-－]\d{1,3})*|[一二三四五六七八九十百]{1,4}|[（(]\s*[一二三四五六七八九十百\d]{1,4}\s*[)）])"
    r"\s*[.、．]?\s*$"
)
CODE = re.compile(r"^\s*\d{10}\s*$")
_ONE_LEVEL = r"(?:国家级|省级|市级|州级|区级|县级|区县级|县区级|乡级|镇级|乡镇级|街乡级|街道级)"
LEVEL = re.compile(
    r"^\s*(?:[省市县区乡镇、，,/和及]{1,12})级\s*$"
    rf"|^\s*{_ONE_LEVEL}(?:\s*[、，,/和及]\s*{_ONE_LEVEL})*\s*$"
)
# A line above the header that fills in a form (填报单位（盖章）：…局 | 联系人及联系电话：) is not data.
FORM_LINE = re.compile(r"^[^：:]{1,20}[：:]")
SEPARATOR = re.compile(r"^\s*:?-{2,}:?\s*$")
NUMBERED_SUB = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、)")
INSPECTION_TITLE = re.compile(r"抽查|检查(?:计划|事项)")
INSPECTION_COLUMN = re.compile(r"^(?:检查|抽查|抽取)(?:对象|方式|比例|频次)")
# A date in the lines above a table: 2023年11月2日, or 日期：2023-03-07 as web pages write it.
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日|(?:日期|时间)\s*[：:]\s*(\d{4})-(\d{1,2})-(\d{1,2})")
TITLE_NOISE = re.compile(r"^(?:附件\s*\d*|附表\s*\d*)$")
DUTY_STEP = re.compile(r"(?:(?<=\s)|^|(?<=[。；;]))(?:\d{1,2}\s*[.、．]\s*)?(?P<step>[\u4e00-\u9fff]{1,10}?责任)\s*[：:]")
OTHER_DUTY = re.compile(r"(?:\d{1,2}\s*[.、．]\s*)?(?P<text>[^。；:：]{0,30}其他责任[。；]?)\s*$")

# Columns whose cells must look a certain way; a cell that looks like one belongs there.
TYPED = {
    "seq": lambda s: bool(SEQ.match(s)),
    "national_code": lambda s: bool(CODE.match(s)),
    "level": lambda s: bool(LEVEL.match(s)),
    "type": lambda s: power_type(s) is not None,
}
EXTRA_FIELDS = ("accountability", "accountability_basis", "guiding_department")
# Cells of running text, whose continuation fragments join paragraph-wise.
TEXT_CELLS = ("basis", "duty", "duty_basis", "scope", "remark", "accountability", "accountability_basis")
SUB_ITEM_INHERITS = ("seq", "name", "type", "subject", "implementer", "level")
PARAGRAPH_START = re.compile(
    rf"^(?:《|【|{ARTICLE_MENTION}|[（(]\s*[0-9０-９一二三四五六七八九十]{{1,3}}\s*[)）]"
    r"|\d{1,2}\s*[.、．]|[一二三四五六七八九十]{1,3}\s*、)"
)
SENTENCE_END = re.compile(r"[。；;：:！？!?]$")
# A cell that repeats the one above it: 同上, “同上”, 〃, 同前.
DITTO = re.compile(r"^\s*[“”\"'「『]?\s*(?:同上|同前|同上栏|〃|″)\s*[”“\"'」』]?\s*[。.]?\s*$")
# Rows below a header read to confirm what its columns hold.
HEADER_SAMPLE_ROWS = 30
TEXT_SUFFIXES = (".txt", ".tsv", ".md")
HTML_SUFFIXES = (".html", ".htm")
OFFICE_SUFFIXES = (".xlsx", ".docx")
# Every kind of file parse_catalog_file reads; the upload form accepts these.
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + OFFICE_SUFFIXES
