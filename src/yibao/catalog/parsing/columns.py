"""Column detection by header name: other bureaus' lists use other headers and orders."""

import re

# field → header names, most specific first. Matching is on the header with spaces removed.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序"),
    "name": ("事项名称", "职权名称", "项目名称", "权力名称", "权力事项名称", "主项名称", "权责事项", "事项", "名称", "主项"),
    "main_name": ("职权",),
    "sub_item": ("子项名称", "子项", "子项目名称", "子项目"),
    "type": ("事项类型", "职权类型", "职权类别", "权力类型", "权力类别", "事项类别", "类型", "类别"),
    "national_code": ("基本编码", "事项编码", "权力编码", "职权编码", "编码"),
    "subject": ("责任主体", "行使主体", "实施机关"),
    "implementer": ("实施主体", "实施部门", "实施科室", "承办机构", "承办科室", "责任科室", "承办部门"),
    "basis": ("事项依据", "职权依据", "设定依据", "实施依据", "设定和实施依据", "法律依据", "依据"),
    "duty": ("责任事项", "岗位职责", "岗位责任", "责任事项内容", "职责"),
    "duty_basis": ("责任事项依据",),
    "level": ("行使层级", "层级", "实施层级"),
    "scope": ("行使内容", "行使范围", "内容"),
    "remark": ("备注", "说明"),
    "accountability": ("追责情形",),
    "accountability_basis": ("追责依据",),
    "guiding_department": ("指导部门", "业务指导部门"),
    "department": ("岗位科室", "所在科室"),
}

_LOOKUP = {name: f for f, names in HEADER_NAMES.items() for name in names}
REQUIRED = ("seq", "name")


def fold_header(text: str) -> str:
    return re.sub(r"[\s\u3000*＊:：]", "", text)


def header_field(text: str) -> str | None:
    """Return the field a header cell names, or None."""
    return _LOOKUP.get(fold_header(text))


def detect_header(cells: list[str]) -> dict[int, str] | None:
    """Return {column index: field} when the row is a header row, else None.

    A header names the sequence number and the item name. A header cell left empty right after
    a duty header (岗位职责 spanning two columns: post, then its text) is the duty text column.
    """
    mapping: dict[int, str] = {}
    for i, cell in enumerate(cells):
        f = header_field(cell)
        if f and f not in mapping.values():
            mapping[i] = f
    if not all(f in mapping.values() for f in REQUIRED) and not (
        "seq" in mapping.values() and "main_name" in mapping.values()
    ):
        return None
    if len(mapping) < 3:
        return None
    for i, f in list(mapping.items()):
        if f == "duty" and i + 1 < len(cells) and not cells[i + 1].strip():
            mapping[i] = "duty_post"
            mapping[i + 1] = "duty_text"
    if "main_name" in mapping.values() and "name" not in mapping.values():
        for i, f in mapping.items():
            if f == "main_name":
                mapping[i] = "name"
    return mapping
