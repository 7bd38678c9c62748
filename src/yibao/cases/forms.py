"""The filing form (从线索立案), and the small forms of the case page's actions drawn from the action table
(services/registry.py): their widgets and how their posted values are read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from yibao.core.forms import DATE_INPUT_FORMATS, DateInput, Form
from yibao.org.models import Officer

from .constants import PartyType
from .models import Case, Lead
from .procedure import Refusal, ServiceCode
from .services.leads import FILABLE_LEAD_STATUSES
from .services.registry import CaseAction, Kind


class OfficerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        return f"{obj.name}（{obj.certificate_number or '无执法证'}）"


class FilingForm(Form):
    lead = forms.ModelChoiceField(label="线索", queryset=Lead.objects.none(), required=False,
                                  empty_label="（不从线索立案）")
    title = forms.CharField(label="案由", max_length=300)
    facts_summary = forms.CharField(label="违法事实摘要", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    party_type = forms.ChoiceField(label="当事人类型", choices=PartyType.choices)
    party_name = forms.CharField(label="当事人姓名或名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    address = forms.CharField(label="住所或地址", max_length=300, required=False)
    legal_representative = forms.CharField(label="法定代表人或者主要负责人", max_length=100, required=False)
    contact = forms.CharField(label="联系方式", max_length=100, required=False)
    officers = OfficerChoice(label="办案执法人员（至少两人）", queryset=Officer.objects.none(),
                             widget=forms.CheckboxSelectMultiple)
    act_end_on = forms.DateField(label="违法行为发生或终了日期", widget=DateInput())
    discovered_on = forms.DateField(label="发现日期", widget=DateInput(), required=False,
                                    help_text="留空则取线索接收日期")
    life_health_harm = forms.BooleanField(label="涉及公民生命健康安全且有危害后果（追责时效五年）", required=False)
    provisions = forms.CharField(label="适用条款（每行一条）", widget=forms.Textarea(attrs={"rows": 2}),
                                 required=False)
    amount = forms.DecimalField(label="涉案金额（元）", required=False, min_value=0, decimal_places=2)
    review_required = forms.BooleanField(label="属行政处罚法第五十八条须法制审核的情形", required=False, initial=True,
                                         help_text="本局每案审核或罚款达到本局数额的，不论是否勾选都须审核")
    deliberation_required = forms.BooleanField(label="情节复杂，须集体讨论", required=False,
                                               help_text="罚款达到本局数额的，不论是否勾选都须集体讨论")

    def __init__(self, *args: Any, bureau_ids: list[int] | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        leads = Lead.objects.filter(status__in=FILABLE_LEAD_STATUSES).select_related("bureau")
        officers = Officer.objects.filter(active=True).select_related("bureau")
        if bureau_ids is not None:
            leads, officers = leads.filter(bureau_id__in=bureau_ids), officers.filter(bureau_id__in=bureau_ids)
        self.fields["lead"].queryset = leads
        self.fields["lead"].label_from_instance = lambda ld: f"{ld.number} {ld.party_name}（{ld.get_status_display()}）"
        self.fields["officers"].queryset = officers


class SummaryForm(Form):
    """当场处罚 (简易程序): the numbered form handed to the party on the spot."""

    decision_number = forms.CharField(label="当场处罚决定书编号", max_length=60)
    decided_on = forms.DateField(label="决定日期", widget=DateInput(), required=False, help_text="留空为今天")
    place = forms.CharField(label="地点", max_length=200, required=False)
    party_type = forms.ChoiceField(label="当事人类型", choices=PartyType.choices)
    party_name = forms.CharField(label="当事人姓名或名称", max_length=200)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    facts_summary = forms.CharField(label="违法事实", widget=forms.Textarea(attrs={"rows": 3}))
    provisions = forms.CharField(label="依据（每行一条）", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    fine = forms.DecimalField(label="罚款（元）", required=False, min_value=0, decimal_places=2,
                              help_text="警告不填；公民二百元以下、法人或者其他组织三千元以下（行政处罚法第五十一条）")
    officers = OfficerChoice(label="执法人员（两人，含本人）", queryset=Officer.objects.none(),
                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, bureau_ids: list[int] | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        officers = Officer.objects.filter(active=True).select_related("bureau")
        self.fields["officers"].queryset = officers if bureau_ids is None else officers.filter(bureau_id__in=bureau_ids)


class SearchForm(Form):
    q = forms.CharField(label="案号、案由或当事人", required=False)
    state = forms.ChoiceField(label="状态", required=False)
    officer = forms.CharField(label="执法人员", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        from .models.case import CASE_STATE_CHOICES

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "全部"), *CASE_STATE_CHOICES]


# How each kind of action input shows on the case page (the template's widgets).
PAGE_WIDGETS: dict[Kind, str] = {
    Kind.TEXT: "text", Kind.LONG_TEXT: "textarea", Kind.DATE: "date", Kind.CHOICE: "select", Kind.MONEY: "text",
    Kind.FLAG: "checkbox", Kind.USER: "select", Kind.OFFICER: "select", Kind.OFFICER_ID: "select", Kind.PARTY_ID: "select",
    Kind.NAMES: "textarea", Kind.INSTALMENTS: "textarea", Kind.NUMBERS: "checkboxes",
}


def action_fields(action: CaseAction, case: Case) -> list[tuple[str, str, str, Any]]:
    """The form of an action on the case page: (name, label, widget, choices) for each input."""
    return [(i.name, i.label, PAGE_WIDGETS[i.kind], i.choices(case) if callable(i.choices) else i.choices)
            for i in action.inputs]


def _refuse(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def page_date(value: str, label: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise _refuse(f"“{label}”不是有效的日期，请按 年-月-日 填写，如 2026-03-02")


def page_instalments(value: str) -> list[tuple[dt.date, str]]:
    """Lines of "date amount" (分期安排); the service checks the amounts."""
    out = []
    for line in (value or "").splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise _refuse(f"分期安排每行应为“日期 金额”，收到：{line}")
        out.append((page_date(parts[0], "分期日期"), parts[1]))
    return out


def page_values(action: CaseAction, post: Any) -> dict[str, Any]:
    """The inputs of an action as posted from its form on the case page, read by kind; a value the page
    cannot read (a date, a choice left empty) is refused in Chinese. Empty texts go to the service, which
    says what it needs and why."""
    values: dict[str, Any] = {}
    for i in action.inputs:
        raw = post.get(i.name, "")
        label = i.short_label
        if i.kind == Kind.DATE:
            value: Any = page_date(raw, label)
            if value is None and i.required:
                raise _refuse(f"请填写{label}")
        elif i.kind in (Kind.USER, Kind.OFFICER, Kind.OFFICER_ID, Kind.PARTY_ID):
            raw = raw.strip()
            value = int(raw) if raw.isdigit() else None
            if value is None and (i.required or raw):
                raise _refuse(f"请选择{label}")
        elif i.kind == Kind.FLAG:
            value = bool(raw)
        elif i.kind == Kind.MONEY:
            value = raw.strip() or None
        elif i.kind == Kind.NAMES:
            value = raw.replace("，", "\n").replace("、", "\n").splitlines()
        elif i.kind == Kind.INSTALMENTS:
            value = page_instalments(raw)
        elif i.kind == Kind.NUMBERS:
            value = [int(v) for v in post.getlist(i.name) if v.strip().isdigit()]
        else:
            value = raw or (i.default if i.default is not None else "")
        values[i.name] = value
    return values
