"""Forms of the monitoring pages: a new run, the finding filters, review actions (lead forms: cases.lead_forms).

All are the project's forms (yibao.core.forms.Form): a stock error names its field in Chinese, dates
are typed 年-月-日, and a value quoted back in a message is shortened (yibao.core.text.shorten).
"""

from collections.abc import Callable
from functools import cached_property
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
    Severity,
)
from .engine.rules import RULES


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

    # The roots are checked before the file system is asked anything: a path outside them gets the same
    # answer whether or not it exists, so the form cannot be used to map the server's folders.
    def clean_dataset_path(self) -> str:
        path = Path(self.cleaned_data["dataset_path"].strip()).expanduser()
        real = _inside_roots(path, "数据集目录")
        if not _exists(path, Path.is_dir):
            raise forms.ValidationError(f"数据集目录不存在：{shorten(path, PATH_ECHO_LIMIT)}")
        return str(real)

    def clean_config_path(self) -> str:
        value = self.cleaned_data["config_path"].strip()
        if not value:
            return ""
        path = Path(value).expanduser()
        if path.suffix.lower() not in CONFIG_SUFFIXES:
            raise forms.ValidationError("规则配置文件应为 .yaml 或 .yml 文件")
        real = _inside_roots(path, "配置文件")
        if not _exists(path, Path.is_file):
            raise forms.ValidationError(f"配置文件不存在：{shorten(value, PATH_ECHO_LIMIT)}")
        return str(real)


def _exists(path: Path, test: Callable[[Path], bool]) -> bool:
    # A name the file system cannot even look up (too long, a NUL byte) is a folder that is not there.
    try:
        return test(path)
    except (OSError, ValueError):
        return False


# A folder is recognised by its end: quote more of a path than of other values.
PATH_ECHO_LIMIT = 120
# The web reads only files named as rule configurations: never a key, a password file or a log.
CONFIG_SUFFIXES = (".yaml", ".yml")


def dataset_roots() -> list[Path]:
    """The folders the web may read datasets and configurations from (settings.YIBAO_DATASET_ROOTS)."""
    return [Path(r).expanduser().resolve() for r in settings.YIBAO_DATASET_ROOTS]


def _inside_roots(path: Path, what: str) -> Path:
    # resolve() follows links and "..": a link inside a root pointing outside it is refused too.
    try:
        real = path.resolve()
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a link loop: not a path the form accepts
        real = Path("/\0")
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
