"""Export findings to an xlsx workbook: Chinese headers, names beside codes, personal data masked by role."""

import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from yibao.cases.models import LeadFinding

from .constants import FindingStatus, Severity
from .models import Institution
from .services import people_display

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 200_000

# (header, width)
FINDING_COLUMNS = (
    ("疑点编号", 10), ("规则", 6), ("规则名称", 16), ("性质", 9), ("状态", 12), ("定点医药机构编号", 16),
    ("定点医药机构名称", 26), ("人员编号", 14), ("姓名", 10), ("身份证号", 20), ("结算ID", 14),
    ("费用明细流水号", 16), ("医疗目录编码", 16), ("日期", 11), ("月份", 8), ("疑点金额（元）", 14),
    ("依据", 44), ("首次发现", 17), ("最近发现", 17), ("发现次数", 8), ("初审人", 10), ("复审人", 10),
    ("排除理由", 30), ("线索编号", 20),
)
SUMMARY_COLUMNS = (("规则", 6), ("规则名称", 16), ("性质", 9), ("疑点数", 8), ("疑点金额（元）", 16))
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
STATUS_LABELS = dict(FindingStatus.choices)
SEVERITY_LABELS = dict(Severity.choices)


def _user_label(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _run_label(run: Any) -> str:
    # Text, not a datetime cell: the run number goes with the time, and a spreadsheet has no time
    # zone, so the time is written as the bureau reads it (Asia/Shanghai), never in UTC.
    return f"#{run.pk} {timezone.localtime(run.started_at):%Y-%m-%d %H:%M}"


def _sheet(wb: Workbook, title: str, columns: tuple, first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append([h for h, _ in columns])
    for i, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = "A2"
    return ws


def findings_workbook(findings: QuerySet, *, user: Any) -> tuple[bytes, int]:
    """The workbook of these findings (at most MAX_ROWS) and how many rows it holds."""
    rows = list(
        findings.select_related("first_seen_run", "last_seen_run", "first_reviewer", "second_reviewer")
        .order_by("rule_id", "fixmedins_code", "psn_no", "setl_id", "feedetl_sn", "id")[:MAX_ROWS]
    )
    names: dict[tuple[int, str], str] = {}
    codes = {(f.bureau_id, f.fixmedins_code) for f in rows if f.fixmedins_code}
    for inst in Institution.objects.filter(code__in={c for _, c in codes}).only("bureau_id", "code", "name"):
        names[(inst.bureau_id, inst.code)] = inst.name
    people = people_display((f.psn_no for f in rows), user=user, where="疑点导出")
    leads = dict(LeadFinding.objects.filter(finding__in=rows).values_list("finding_id", "lead__number")) if rows else {}

    wb = Workbook()
    ws = _sheet(wb, "疑点明细", FINDING_COLUMNS, first=True)
    totals: dict[str, list] = defaultdict(lambda: [0, Decimal("0")])
    for f in rows:
        person = people.get(f.psn_no or "", {})
        ws.append([
            f.pk, f.rule_id, f.rule_name, SEVERITY_LABELS.get(f.severity, f.severity), STATUS_LABELS.get(f.status, f.status),
            f.fixmedins_code or "", names.get((f.bureau_id, f.fixmedins_code or ""), ""), f.psn_no or "",
            person.get("name") or "", person.get("certno") or "", f.setl_id or "", f.feedetl_sn or "",
            f.med_list_codg or "", f.day or "", f.month or "", f.amount, f.basis,
            _run_label(f.first_seen_run), _run_label(f.last_seen_run), f.times_seen,
            _user_label(f.first_reviewer), _user_label(f.second_reviewer), f.dismissed_reason, leads.get(f.pk, ""),
        ])
        ws.cell(row=ws.max_row, column=16).number_format = "#,##0.00"
        t = totals[f.rule_id]
        t[0] += 1
        t[1] += f.amount
    summary = _sheet(wb, "按规则汇总", SUMMARY_COLUMNS)
    by_rule = {f.rule_id: f for f in rows}
    for rule_id in sorted(totals):
        n, amount = totals[rule_id]
        f = by_rule[rule_id]
        summary.append([rule_id, f.rule_name, SEVERITY_LABELS.get(f.severity, f.severity), n, amount])
        summary.cell(row=summary.max_row, column=5).number_format = "#,##0.00"
    summary.append(["合计", "", "", sum(t[0] for t in totals.values()), sum((t[1] for t in totals.values()), Decimal("0"))])
    summary.cell(row=summary.max_row, column=5).number_format = "#,##0.00"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), len(rows)


__all__ = ["XLSX_CONTENT_TYPE", "findings_workbook"]
