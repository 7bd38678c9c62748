"""Forms of the lead pages: the list's filters, a lead registered by hand, a status move.

The project's forms (yibao.core.forms.Form): a stock error names its field in Chinese, dates are typed 年-月-日.
"""

import datetime as dt
from decimal import Decimal
from functools import cache

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from yibao.core.forms import DateInput, Form
from yibao.monitoring.engine.rules import BASIS_LAW

from .constants import LeadSource, LeadStatus, PartyType


class LeadFilterForm(Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *LeadStatus.choices])
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部来源"), *LeadSource.choices])
    q = forms.CharField(label="编号", required=False, max_length=64,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "线索编号或当事人编号"}))

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v}


class LeadStatusForm(Form):
    status = forms.ChoiceField(label="变更为", choices=LeadStatus.choices)
    reason = forms.CharField(label="理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, allowed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, LeadStatus(s).label) for s in allowed]


@cache
def provision_choices() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The encoded penalty provisions as grouped choices (law → citations), one per clause where the
    provision lists clauses. A value is a citation the calculator resolves; for an article encoded
    with one paragraph only the paragraph is left out, as the screening rules' bases cite it."""
    from yibao.law.numerals import to_chinese_numeral as cn
    from yibao.law.provisions import load_library

    library = load_library()
    paragraphs: dict[tuple[str, int], set[int]] = {}
    for p in library.provisions:
        paragraphs.setdefault((p.law, p.article), set()).add(p.paragraph)
    groups: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    # The 条例 the screening rules cite first: most leads are under it.
    for p in sorted(library.provisions, key=lambda p: (p.law != BASIS_LAW, p.law, p.article, p.paragraph,
                                                       p.valid_from)):
        if p.id in seen:
            continue
        seen.add(p.id)
        latest = library.versions(p.id)[-1]
        article = f"第{cn(p.article)}条"
        where = article if paragraphs[(p.law, p.article)] == {1} else f"{article}第{cn(p.paragraph)}款"
        title = p.citation[:p.citation.index("》") + 1]
        options = groups.setdefault(title, [])
        if latest.clauses:
            for number, text in sorted(latest.clauses.items()):
                label = f"{where}第（{cn(number)}）项 {text}"
                options.append((f"{title}{where}第（{cn(number)}）项", label[:80]))
        else:
            options.append((f"{title}{where}", f"{where} {latest.conduct}"[:80]))
    return tuple((title, tuple(options)) for title, options in groups.items())


def _party_choices() -> list[tuple[str, str]]:
    return [("", "请选择"), *PartyType.choices]


class LeadRegisterForm(Form):
    """登记线索: a lead from any source but monitoring (a complaint, an assignment, a referral…), entered by hand."""

    bureau = forms.ModelChoiceField(label="单位", queryset=None, empty_label=None,
                                    error_messages={"required": "请选择单位。", "invalid_choice": "请选择可登记线索的单位。"})
    source = forms.ChoiceField(
        label="线索来源", choices=[("", "请选择"), *((v, label) for v, label in LeadSource.choices
                                                 if v != LeadSource.MONITORING)],
        help_text="智能监控线索由确认违规的疑点归集生成，不在此登记",
        error_messages={"required": "请选择线索来源。", "invalid_choice": "请选择线索来源。"})
    party_type = forms.ChoiceField(label="当事人类型", choices=_party_choices,
                                   error_messages={"required": "请选择当事人类型。", "invalid_choice": "请选择当事人类型。"})
    party_code = forms.CharField(label="当事人编号", max_length=64, required=False,
                                 help_text="定点医药机构编号或人员编号（如有）")
    party_name = forms.CharField(label="当事人名称", max_length=200, error_messages={"required": "请填写当事人名称。"})
    summary = forms.CharField(label="线索摘要", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写线索摘要。"},
                              help_text="反映的问题、涉及的时间和费用、线索提供方等")
    suspected_loss = forms.DecimalField(
        label="涉嫌基金损失（元）", max_digits=18, decimal_places=2, min_value=Decimal("0"), initial=Decimal("0"),
        error_messages={"required": "请填写涉嫌基金损失，未知时填 0。", "invalid": "请填写金额，如 5000 或 5000.50。",
                        "min_value": "涉嫌基金损失不能为负数。", "max_decimal_places": "金额最多保留两位小数（到分）。",
                        "max_digits": "金额过大。", "max_whole_digits": "金额过大。"})
    provisions = forms.MultipleChoiceField(
        label="适用条款", required=False, widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="可多选（按住 Ctrl）；据此和涉嫌损失由罚款计算器测算罚款幅度。不选则不测算。",
        # Not the stock message: it names the field but not that the list is of the encoded provisions.
        error_messages={"invalid_choice": "“适用条款”中没有这一条，请从已编码的条款中选择。"})
    received_date = forms.DateField(label="接收日期", widget=DateInput(),
                                    error_messages={"required": "请填写接收日期。"})
    evidence_notes = forms.CharField(label="证据说明", max_length=4000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text="可选：已收到的举报材料、交办或移送函、检查记录、媒体报道等")

    def __init__(self, *args, bureaus: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = bureaus
        self.fields["provisions"].choices = provision_choices()
        self.fields["received_date"].initial = timezone.localdate

    def clean_summary(self) -> str:
        value = self.cleaned_data["summary"].strip()
        if not value:
            raise forms.ValidationError("请填写线索摘要。")
        return value

    def clean_party_name(self) -> str:
        value = self.cleaned_data["party_name"].strip()
        if not value:
            raise forms.ValidationError("请填写当事人名称。")
        return value

    def clean(self) -> dict:
        data = super().clean()
        party, chosen = data.get("party_type"), data.get("provisions") or []
        if party and chosen:
            from yibao.law.calculator import citation_applies_to

            wrong = [c for c in chosen if not citation_applies_to(c, party)]
            if wrong:
                self.add_error("provisions", f"以下条款不处罚“{PartyType(party).label}”，请核对当事人类型或条款："
                                             + "；".join(wrong))
        return data

    def clean_received_date(self) -> dt.date:
        value = self.cleaned_data["received_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("接收日期不能晚于今天。")
        return value
