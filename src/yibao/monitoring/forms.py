"""Forms of the monitoring pages: a new run, the finding filters, review actions, leads.

All are the project's forms (yibao.core.forms.Form): a stock error names its field in Chinese, dates
are typed 年-月-日, and a value quoted back in a message is shortened (yibao.core.text.shorten).
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from yibao.core.forms import DateInput, Form
from yibao.core.text import shorten

from .constants import (
    MANUAL_TRANSITIONS,
    TRANSITIONS,
    Engine,
    FindingStatus,
    LeadSource,
    LeadStatus,
    PartyType,
    Severity,
)
from .engine.rules import BASIS_LAW, RULES


class RunForm(Form):
    """新建筛查: a dataset folder on the server, the engine and an optional rule configuration."""

    bureau = forms.ModelChoiceField(label="单位", queryset=None, empty_label=None)
    dataset_path = forms.CharField(
        label="数据集目录", max_length=500,
        help_text="服务器上的数据集文件夹，内含 mdtrt_d、setl_d、fee_list_d 等表（.csv 或 .parquet）",
        widget=forms.TextInput(attrs={"placeholder": "/data/yibao/datasets/2024-03", "size": 60}))
    engine = forms.ChoiceField(label="引擎", choices=Engine.choices, initial=Engine.DUCKDB)
    config_path = forms.CharField(
        label="规则配置文件", max_length=500, required=False,
        help_text="可选：YAML 文件，停用规则或调整参数；留空则使用默认参数",
        widget=forms.TextInput(attrs={"placeholder": "/data/yibao/rules.yaml", "size": 60}))

    def __init__(self, *args, bureaus: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = bureaus
        self.fields["dataset_path"].widget.attrs["list"] = "dataset-choices"
        roots = "、".join(str(r) for r in dataset_roots())
        self.fields["dataset_path"].help_text += f"；须位于 {roots} 之内"

    @cached_property
    def datasets(self) -> list[Path]:
        """The datasets to suggest: looked for only when the form is shown, not when it is posted."""
        return find_datasets()

    def clean_dataset_path(self) -> str:
        path = Path(self.cleaned_data["dataset_path"].strip()).expanduser()
        if not _exists(path, Path.is_dir):
            raise forms.ValidationError(f"数据集目录不存在：{shorten(path, PATH_ECHO_LIMIT)}")
        return str(_inside_roots(path, "数据集目录"))

    def clean_config_path(self) -> str:
        value = self.cleaned_data["config_path"].strip()
        if value and not _exists(Path(value).expanduser(), Path.is_file):
            raise forms.ValidationError(f"配置文件不存在：{shorten(value, PATH_ECHO_LIMIT)}")
        return str(_inside_roots(Path(value).expanduser(), "配置文件")) if value else ""


def _exists(path: Path, test: Callable[[Path], bool]) -> bool:
    # A name the file system cannot even look up (too long, a NUL byte) is a folder that is not there.
    try:
        return test(path)
    except (OSError, ValueError):
        return False


# A folder is recognised by its end: quote more of a path than of other values.
PATH_ECHO_LIMIT = 120


def dataset_roots() -> list[Path]:
    """The folders the web may read datasets and configurations from (settings.YIBAO_DATASET_ROOTS)."""
    return [Path(r).expanduser().resolve() for r in settings.YIBAO_DATASET_ROOTS]


def _inside_roots(path: Path, what: str) -> Path:
    # resolve() follows links and "..": a link inside a root pointing outside it is refused too.
    real = path.resolve()
    if not any(real == root or root in real.parents for root in dataset_roots()):
        roots = "、".join(str(r) for r in dataset_roots())
        raise forms.ValidationError(f"{what}不在允许的目录内：{shorten(path, PATH_ECHO_LIMIT)}"
                                    f"（允许：{roots}；由 YIBAO_DATASET_ROOTS 设置）")
    return real


DATASET_SEARCH_DEPTH = 3
DATASET_SUGGESTIONS = 50
DATASET_SEARCH_FOLDERS = 2000  # folders looked into at most: a form must not wait on a huge share


def find_datasets() -> list[Path]:
    """Folders under the roots whose tables the engine finds (engine.dataset.find_tables), for the
    form's suggestions: at most DATASET_SUGGESTIONS, searched DATASET_SEARCH_DEPTH levels deep."""
    from .engine.dataset import DatasetError, find_tables

    found: list[Path] = []
    visited = 0

    def walk(folder: Path, depth: int) -> None:
        nonlocal visited
        visited += 1
        if visited > DATASET_SEARCH_FOLDERS:
            return
        try:
            find_tables(folder)
        except (DatasetError, OSError):  # not a dataset (or not readable): look inside
            pass
        else:
            found.append(folder)
            return
        try:
            children = sorted(folder.iterdir())
        except OSError:
            return
        if depth < DATASET_SEARCH_DEPTH:
            for c in children:
                if len(found) < DATASET_SUGGESTIONS and c.is_dir() and not c.name.startswith("."):
                    walk(c, depth + 1)

    for root in dataset_roots():
        if root.is_dir():
            walk(root, 0)
    return found[:DATASET_SUGGESTIONS]


def _rule_choices() -> list[tuple[str, str]]:
    return [("", "全部规则")] + [(r.id, f"{r.id} {r.name}") for r in RULES.values()]


class FindingFilterForm(Form):
    """Filter findings by bureau, run, rule, institution, status, severity and a code."""

    bureau = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None)
    run = forms.TypedChoiceField(label="筛查批次", required=False, coerce=int, empty_value=None)
    rule = forms.ChoiceField(label="规则", required=False)
    institution = forms.ChoiceField(label="机构", required=False)
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), ("open", "待处理（未排除、未纳入线索）"), *FindingStatus.choices])
    severity = forms.ChoiceField(label="性质", required=False, choices=[("", "全部"), *Severity.choices])
    q = forms.CharField(label="编号", required=False, max_length=64,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "人员编号、结算ID或明细流水号"}))

    def __init__(self, *args, bureaus=(), runs=(), institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].choices = [("", "全部单位")] + [(str(b.pk), b.name) for b in bureaus]
        self.fields["run"].choices = [("", "全部批次")] + [
            (str(r.pk), f"#{r.pk} {timezone.localtime(r.started_at):%Y-%m-%d %H:%M}（{r.finding_count} 条）") for r in runs]
        self.fields["rule"].choices = _rule_choices()
        self.fields["institution"].choices = [("", "全部机构")] + [
            (code, f"{name}（{code}）" if name else code) for code, name in institutions]

    def filters(self) -> dict:
        """The valid filters; an invalid value counts as no filter."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def filter_findings(findings: QuerySet, filters: dict, *, with_status: bool = True) -> QuerySet:
    """Apply FindingFilterForm.filters() to a queryset of findings."""
    if filters.get("bureau"):
        findings = findings.filter(bureau_id=filters["bureau"])
    if filters.get("run"):
        findings = findings.filter(sightings__run_id=filters["run"])
    if filters.get("rule"):
        findings = findings.filter(rule_id=filters["rule"])
    if filters.get("institution"):
        findings = findings.filter(fixmedins_code=filters["institution"])
    if filters.get("severity"):
        findings = findings.filter(severity=filters["severity"])
    if filters.get("q"):
        q = filters["q"]
        findings = findings.filter(Q(psn_no=q) | Q(setl_id=q) | Q(feedetl_sn=q) | Q(med_list_codg=q))
    if with_status and filters.get("status"):
        if filters["status"] == "open":
            findings = findings.exclude(status__in=[FindingStatus.DISMISSED, FindingStatus.HANDLING])
        else:
            findings = findings.filter(status=filters["status"])
    return findings


CREATE_LEADS = "create_leads"


class BulkActionForm(Form):
    """One action on the ticked findings: a review transition, or grouping them into leads."""

    action = forms.ChoiceField(label="操作", choices=[
        *((name, TRANSITIONS[name].label) for name in MANUAL_TRANSITIONS), (CREATE_LEADS, "归集为线索")],
        error_messages={"required": "请选择操作。", "invalid_choice": "未知的操作。"})
    reason = forms.CharField(label="理由", required=False, max_length=2000,
                             widget=forms.TextInput(attrs={"placeholder": "排除、撤销须填写理由", "size": 36}))
    appeal_text = forms.CharField(label="申诉内容", required=False, max_length=4000,
                                  widget=forms.TextInput(attrs={"placeholder": "登记申诉时填写", "size": 30}))
    appeal_date = forms.DateField(label="申诉日期", required=False, widget=DateInput())
    group_by = forms.ChoiceField(label="归集方式", required=False, initial="institution",
                                 choices=[("institution", "按机构"), ("person", "按人员")])
    by_rule = forms.BooleanField(label="按规则分别生成", required=False, initial=True)


class TransitionForm(Form):
    """One transition of one finding, on its page."""

    transition = forms.ChoiceField(choices=[(n, TRANSITIONS[n].label) for n in MANUAL_TRANSITIONS],
                                   error_messages={"invalid_choice": "未知的操作。"})
    reason = forms.CharField(label="理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    appeal_text = forms.CharField(label="申诉内容", required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    appeal_date = forms.DateField(label="申诉日期", required=False, widget=DateInput())


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
