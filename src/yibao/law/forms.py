"""The calculator's form: the facts a legal reviewer enters."""

from decimal import Decimal

from django import forms

from yibao.core.forms import Form
from yibao.law.calculator import BASE_LABELS, CIRCUMSTANCE_LABELS, PARTY_LABELS
from yibao.law.discretion import available_benchmarks

MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": Decimal("0")}
# One field per named base (base_illegal_gains, …): a provision computed on two bases needs each.
BASE_PREFIX = "base_"


class AssessmentForm(Form):
    provisions = forms.CharField(
        label="适用条款", widget=forms.Textarea(attrs={"rows": 2, "placeholder": "每行一条，如：《条例》第40条第1款"}),
        help_text="可写简称：《条例》第40条第1款、社保法第八十七条、医疗保障基金使用监督管理条例第三十八条第一款第（一）项",
    )
    party = forms.ChoiceField(label="当事人类型", choices=list(PARTY_LABELS.items()))
    amount = forms.DecimalField(label="计算基数（元）", required=False,
                                help_text="罚则只按一种基数计算时填写，如骗取金额；按两种以上基数计算的，请在“分项计算基数”中分别填写",
                                **MONEY)
    unit_fine = forms.DecimalField(label="单位罚款数额（元）", required=False,
                                   help_text="责任人员按单位罚款的百分比处罚时填写", **MONEY)
    circumstances = forms.MultipleChoiceField(label="情节", required=False, widget=forms.CheckboxSelectMultiple,
                                              choices=list(CIRCUMSTANCE_LABELS.items()))
    age = forms.IntegerField(label="年龄（个人）", required=False, min_value=0, max_value=150)
    act_date = forms.DateField(label="违法行为发生日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    act_end_date = forms.DateField(label="连续或继续状态终了日期", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    discovery_date = forms.DateField(label="发现日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    decision_date = forms.DateField(label="拟作出决定日期", required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    benchmark = forms.ChoiceField(label="裁量基准")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benchmark"].choices = [(b.name, b.title) for b in available_benchmarks()]
        for name, label in BASE_LABELS.items():
            self.fields[BASE_PREFIX + name] = forms.DecimalField(label=f"{label}（元）", required=False, **MONEY)

    def fact_fields(self) -> list:
        return [f for f in self if not f.name.startswith(BASE_PREFIX)]

    def named_base_fields(self) -> list:
        return [f for f in self if f.name.startswith(BASE_PREFIX)]

    def bases_entered(self) -> bool:
        return any(f.value() not in (None, "") or f.errors for f in self.named_base_fields())

    def amounts(self) -> dict[str, Decimal]:
        """The named bases entered, e.g. {"illegal_gains": Decimal("1500")}."""
        d = self.cleaned_data
        return {name: d[BASE_PREFIX + name] for name in BASE_LABELS if d.get(BASE_PREFIX + name) is not None}

    def clean_provisions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["provisions"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError("请至少填写一个适用条款。")
        return lines

