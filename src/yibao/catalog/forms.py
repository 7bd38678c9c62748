"""Forms of the catalogue pages: the item filter, the search box and the upload."""

from pathlib import Path

from django import forms

from yibao.catalog.constants import PowerType
from yibao.catalog.parsing.document import SUPPORTED_SUFFIXES
from yibao.catalog.parsing.errors import clip
from yibao.core.forms import Form

UPLOAD_SUFFIXES = SUPPORTED_SUFFIXES
UPLOAD_FORMATS = "、".join(UPLOAD_SUFFIXES)  # for messages: .txt、.tsv、.md、…
UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def _bureau_choices(bureaus) -> list[tuple[str, str]]:
    """Choices for a bureau select: (id, name（count）) for (bureau, count) pairs."""
    return [("", "全部单位")] + [(str(b.pk), f"{b.name}（{count}）" if count is not None else b.name)
                                  for b, count in bureaus]


def _type_choices(counts: dict[str, int] | None) -> list[tuple[str, str]]:
    """The ten types, each with its count when counts are given."""
    choices = [("", "全部类型")]
    for value, label in PowerType.choices:
        if counts is None:
            choices.append((value, label))
        else:
            choices.append((value, f"{label}（{counts.get(value, 0)}）"))
    return choices


class ItemFilterForm(Form):
    """Filter the current items by bureau, type and a word in the name."""

    bureau = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label="事项类型", required=False)
    q = forms.CharField(label="事项名称", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "事项名称或编码"}))

    def __init__(self, *args, bureaus=(), type_counts: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].choices = _bureau_choices(bureaus)
        self.fields["type"].choices = _type_choices(type_counts)


class SearchForm(Form):
    """The search box with its filters."""

    KIND_CHOICES = [("", "事项和条文"), ("item", "仅事项"), ("article", "仅条文")]

    q = forms.CharField(label="检索词", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "检索事项、依据条文，如：骗取、封存、骗保",
                                                      "autocomplete": "off"}))
    bureau = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label="事项类型", required=False)
    kind = forms.ChoiceField(label="范围", required=False, choices=KIND_CHOICES)

    def __init__(self, *args, bureaus=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].choices = _bureau_choices(bureaus)
        self.fields["type"].choices = _type_choices(None)

    def kinds(self) -> tuple[str, ...]:
        kind = self.cleaned_data.get("kind")
        return (kind,) if kind else ("item", "article")


class CatalogUploadForm(Form):
    """Upload one catalogue document; 单位 and 日期 fill in what the file does not say."""

    file = forms.FileField(label="清单文件", help_text=f"支持 {UPLOAD_FORMATS} 格式（Markdown 表格、网页表格均可）",
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_SUFFIXES)}))
    bureau = forms.CharField(label="单位", required=False, max_length=100,
                             help_text="文件未写明所属单位时填写，如：栾川县医疗保障局",
                             widget=forms.TextInput(attrs={"list": "bureau-names"}))
    date = forms.DateField(label="日期", required=False, help_text="清单发布日期；文件未写明日期时必填",
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"invalid": "日期格式不正确，应为 YYYY-MM-DD。"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(f"不支持的文件格式“{clip(suffix, 12) if suffix else '无扩展名'}”，"
                                        f"请上传 {UPLOAD_FORMATS} 文件。")
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError("文件过大（超过 20 MB）。")
        if upload.size == 0:
            raise forms.ValidationError("文件为空。")
        return upload

    def clean_bureau(self):
        return self.cleaned_data["bureau"].strip()
