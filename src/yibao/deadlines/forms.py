"""The deadline calculator's form: the same inputs as `yibao deadline`."""

from django import forms

from yibao.core.forms import Form
from yibao.deadlines.periods import STATUTORY_PERIODS, StatutoryPeriod

# A guard against a slip of the keyboard, not a legal limit: periods longer than this are fixed in
# months or years, which this calculator does not count.
MAX_DAYS = 3660

DAYS, WORKDAYS = "days", "workdays"
UNIT_CHOICES = [(DAYS, "自然日（届满日遇休息日、法定节假日顺延）"), (WORKDAYS, "工作日（不含法定节假日和休息日）")]


def period_unit(period: StatutoryPeriod) -> str:
    return f"{period.days}个工作日" if period.workdays else f"{period.days}日"


def _period_choices() -> list[tuple[str, str]]:
    choices = [("", "不选：按下面的天数计算")]
    for key, p in STATUTORY_PERIODS.items():
        when = "前" if p.backwards else "起"
        choices.append((key, f"{p.description}（{p.counted_from}{when}{period_unit(p)}，{p.citation.label()}）"))
    return choices


class DeadlineForm(Form):
    start = forms.DateField(label="起算日", help_text="当日不计入期限；倒数的期限（如听证通知）填事件之日")
    period = forms.ChoiceField(label="法定期限", required=False, choices=_period_choices())
    days = forms.IntegerField(label="期限天数", required=False, min_value=1, max_value=MAX_DAYS)
    unit = forms.ChoiceField(label="计算方式", choices=UNIT_CHOICES, initial=DAYS, widget=forms.RadioSelect)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("period") and data.get("days") is None and "days" not in self.errors:
            self.add_error("days", "请填写“期限天数”，或选择一个法定期限。")
        return data

    @property
    def statutory_period(self) -> StatutoryPeriod | None:
        key = self.cleaned_data.get("period")
        return STATUTORY_PERIODS[key] if key else None
