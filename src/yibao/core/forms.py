"""The base of every form: Chinese error messages that name their field, and dates written 年-月-日.

Django's stock messages say neither which field is wrong ("确保该值不超过 200 个字符") nor, for a
choice, anything but the whole value typed back. `ChineseErrorsMixin` rewrites every message a form
author has not written, naming the field by its label: “线索名称”不能超过 200 个字符（当前 250 个）。

Dates: `<input type="date">` shows the browser's locale (mm/dd/yyyy in an English browser), so date
fields become text inputs that show 2025-09-30 and accept the ways people write a date
(docs/frontend.md says why).

The browser's own checks (English tooltips, and `maxlength` silently cutting a pasted text) are off:
base.html marks every form `novalidate`, and the mixin drops `maxlength`/`minlength`, so what the user
sees is the server's message.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators

DATE_FORMAT = "%Y-%m-%d"
# The first is the one shown; the others are what people type from a paper document.
DATE_INPUT_FORMATS = (DATE_FORMAT, "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
DATE_PLACEHOLDER = "年-月-日，如 2025-09-30"

# Browser-side limits that would act before the server could explain anything.
BROWSER_LIMIT_ATTRS = ("maxlength", "minlength")


class DateInput(forms.DateInput):
    """A text input showing yyyy-mm-dd whatever the browser's language."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None, format: str | None = None):
        base = {"placeholder": DATE_PLACEHOLDER, "autocomplete": "off", "class": "date-input", "size": "14"}
        attrs = {k: v for k, v in (attrs or {}).items() if k != "type"}
        super().__init__({**base, **attrs}, format=format or DATE_FORMAT)


def _messages(label: str) -> dict[str, str]:
    """The messages by error code; %(…)s are Django's parameters of that error."""
    q = f"“{label.replace('%', '%%')}”"
    return {
        "required": f"请填写{q}。",
        "required_choice": f"请选择{q}。",
        "max_length": f"{q}不能超过 %(limit_value)d 个字符（当前 %(show_value)d 个）。",
        "min_length": f"{q}至少要 %(limit_value)d 个字符（当前 %(show_value)d 个）。",
        "max_value": f"{q}不能大于 %(limit_value)s。",
        "min_value": f"{q}不能小于 %(limit_value)s。",
        "step_size": f"{q}应为 %(limit_value)s 的整数倍。",
        "invalid_date": f"{q}不是有效的日期，请按 年-月-日 填写，如 2025-09-30。",
        "invalid_datetime": f"{q}不是有效的日期时间，请按 年-月-日 时:分 填写，如 2025-09-30 14:30。",
        "invalid_time": f"{q}不是有效的时间，请按 时:分 填写，如 14:30。",
        "invalid_integer": f"{q}应为整数。",
        "invalid_number": f"{q}应为数字。",
        "invalid_email": f"{q}不是有效的电子邮箱地址。",
        "invalid_url": f"{q}不是有效的网址。",
        # The value typed is not quoted back: it may be long, and the list shows the valid ones.
        "invalid_choice": f"{q}中没有这个选项，请重新选择。",
        "invalid_pk_value": f"{q}中没有这个选项，请重新选择。",
        "invalid_list": f"{q}请从列表中选择。",
        "max_digits": f"{q}最多 %(max)s 位数字。",
        "max_decimal_places": f"{q}最多 %(max)s 位小数。",
        "max_whole_digits": f"{q}的整数部分最多 %(max)s 位。",
        "invalid_file": f"{q}不是文件，请重新选择。",
        "missing_file": f"没有收到{q}，请重新选择。",
        "empty_file": f"上传的{q}是空文件。",
        "file_name_length": f"{q}的文件名不能超过 %(max)d 个字符（当前 %(length)d 个）。",
        "contradiction": f"{q}：请选择文件或勾选清除，不能同时进行。",
        "null_characters_not_allowed": f"{q}含有不允许的空字符。",
    }


def _field_codes(field: forms.Field) -> dict[str, str]:
    """Which of `_messages` each error code of this kind of field uses."""
    choice = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField, forms.FileField))
    codes = {"required": "required_choice" if choice else "required", "invalid_choice": "invalid_choice",
             "invalid_pk_value": "invalid_pk_value", "invalid_list": "invalid_list"}
    if isinstance(field, forms.DateTimeField):
        codes["invalid"] = "invalid_datetime"
    elif isinstance(field, forms.DateField):
        codes["invalid"] = "invalid_date"
    elif isinstance(field, forms.TimeField):
        codes["invalid"] = "invalid_time"
    elif isinstance(field, (forms.FloatField, forms.DecimalField)):  # both are IntegerFields in Django
        codes["invalid"] = "invalid_number"
    elif isinstance(field, forms.IntegerField):
        codes["invalid"] = "invalid_integer"
    elif isinstance(field, forms.EmailField):
        codes["invalid"] = "invalid_email"
    elif isinstance(field, forms.URLField):
        codes["invalid"] = "invalid_url"
    if isinstance(field, forms.FileField):
        codes.update(invalid="invalid_file", missing="missing_file", empty="empty_file",
                     max_length="file_name_length", contradiction="contradiction")
    return codes


def _stock_error_messages(field: forms.Field) -> dict[str, Any]:
    """The messages Django gives this kind of field, as Field.__init__ collects them."""
    stock: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        stock.update(getattr(cls, "default_error_messages", {}))
    return stock


_VALIDATOR_CODES = {
    validators.MaxLengthValidator: "max_length",
    validators.MinLengthValidator: "min_length",
    validators.MaxValueValidator: "max_value",
    validators.MinValueValidator: "min_value",
    validators.StepValueValidator: "step_size",
    validators.ProhibitNullCharactersValidator: "null_characters_not_allowed",
    validators.EmailValidator: "invalid_email",
    validators.URLValidator: "invalid_url",
}


def _named_validator(validator: Any, messages: dict[str, str]) -> Any:
    """A copy of a stock validator whose message names the field; a validator with its own message is kept."""
    if isinstance(validator, validators.DecimalValidator):
        if "messages" in vars(validator):
            return validator
        named = copy.copy(validator)
        named.messages = {code: messages.get(code, message) for code, message in validator.messages.items()}
        return named
    for cls, code in _VALIDATOR_CODES.items():
        if isinstance(validator, cls):
            if "message" in vars(validator):  # the author's own words
                return validator
            named = copy.copy(validator)
            named.message = messages[code]
            return named
    return validator


def name_field_errors(field: forms.Field, label: str) -> None:
    """Rewrite the stock error messages of one (per-form) field so that they name it."""
    messages = _messages(label)
    stock = _stock_error_messages(field)
    for code, key in _field_codes(field).items():
        current = field.error_messages.get(code)
        if current is not None and code in stock and str(current) == str(stock[code]):
            field.error_messages[code] = messages[key]
    field.validators = [_named_validator(v, messages) for v in field.validators]


def use_text_date_input(field: forms.Field) -> None:
    """Show a date field as yyyy-mm-dd text and accept the usual written forms."""
    if not isinstance(field, forms.DateField) or field.widget.is_hidden:
        return
    if not isinstance(field.widget, DateInput):
        old = field.widget
        field.widget = DateInput(attrs=old.attrs)
        field.widget.is_required = old.is_required
    field.input_formats = list(DATE_INPUT_FORMATS)


class ChineseErrorsMixin:
    """Mix into any Django form: field-named Chinese messages, text date inputs, no browser limits."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            name_field_errors(field, str(field.label or name))
            use_text_date_input(field)
            for attr in BROWSER_LIMIT_ATTRS:
                field.widget.attrs.pop(attr, None)


class Form(ChineseErrorsMixin, forms.Form):
    """The project's plain form."""


class ModelForm(ChineseErrorsMixin, forms.ModelForm):
    """The project's model form."""


class LoginForm(ChineseErrorsMixin, AuthenticationForm):
    """The login form: a too-long or missing user name is told as such, in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        # AuthenticationForm sets max_length after the field is built, so nothing checks it: a name
        # longer than any user's would only be told "用户名或密码不正确".
        username.validators.append(validators.MaxLengthValidator(username.max_length))
        name_field_errors(username, str(username.label))
