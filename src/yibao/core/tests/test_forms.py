"""The project's forms: Chinese messages naming the field, dates as 年-月-日, no browser limits."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms

from yibao.core.forms import DATE_PLACEHOLDER, Form, LoginForm
from yibao.core.text import shorten


class LeadLikeForm(Form):
    name = forms.CharField(label="线索名称", max_length=200)
    code = forms.CharField(label="编号", min_length=4, required=False)
    count = forms.IntegerField(label="期限天数", min_value=1, max_value=365, required=False)
    amount = forms.DecimalField(label="金额（元）", max_digits=6, decimal_places=2, required=False)
    kind = forms.ChoiceField(label="期限类型", choices=[("workdays", "工作日"), ("days", "自然日")], required=False)
    received = forms.DateField(label="接收日期", required=False,
                               widget=forms.DateInput(attrs={"type": "date", "class": "wide"}))
    own_words = forms.CharField(label="理由", required=False, max_length=5,
                                error_messages={"required": "请说明理由。"})


def errors_of(**data) -> dict:
    form = LeadLikeForm(data={"name": "某医院", **data})
    assert not form.is_valid()
    return form.errors


def test_a_too_long_text_is_refused_naming_the_field_and_both_lengths():
    assert errors_of(name="药" * 250)["name"] == ["“线索名称”不能超过 200 个字符（当前 250 个）。"]


def test_a_missing_required_field_is_named():
    form = LeadLikeForm(data={})
    assert form.errors["name"] == ["请填写“线索名称”。"]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"code": "ab"}, "code", "“编号”至少要 4 个字符（当前 2 个）。"),
    ({"count": "0"}, "count", "“期限天数”不能小于 1。"),
    ({"count": "400"}, "count", "“期限天数”不能大于 365。"),
    ({"count": "五"}, "count", "“期限天数”应为整数。"),
    ({"amount": "1234567"}, "amount", "“金额（元）”最多 6 位数字。"),
    ({"amount": "12345.6"}, "amount", "“金额（元）”的整数部分最多 4 位。"),
    ({"amount": "1.234"}, "amount", "“金额（元）”最多 2 位小数。"),
    ({"amount": "abc"}, "amount", "“金额（元）”应为数字。"),
    ({"received": "09/30/2025"}, "received", "“接收日期”不是有效的日期，请按 年-月-日 填写，如 2025-09-30。"),
])
def test_stock_messages_become_chinese_sentences_naming_the_field(data, field, message):
    assert errors_of(**data)[field] == [message]


def test_an_invalid_choice_is_not_quoted_back():
    long_value = "x" * 5000
    assert errors_of(kind=long_value)["kind"] == ["“期限类型”中没有这个选项，请重新选择。"]


def test_a_message_the_form_author_wrote_is_kept():
    form = LeadLikeForm(data={"name": "某医院", "own_words": "太长的理由文字"})
    form.fields["own_words"].required = True
    assert not form.is_valid()
    assert form.errors["own_words"] == ["“理由”不能超过 5 个字符（当前 7 个）。"]
    assert form.fields["own_words"].error_messages["required"] == "请说明理由。"


def test_the_class_level_fields_keep_django_s_messages():
    LeadLikeForm(data={})
    assert "线索名称" not in str(LeadLikeForm.base_fields["name"].validators[-1].message)


@pytest.mark.parametrize("typed", ["2025-09-30", "2025/9/30", "2025.09.30", "2025年9月30日", "20250930", " 2025-9-30 "])
def test_a_date_is_accepted_the_ways_people_write_it(typed):
    form = LeadLikeForm(data={"name": "某医院", "received": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["received"] == dt.date(2025, 9, 30)


def test_a_date_field_renders_as_a_text_input_showing_year_month_day():
    html = str(LeadLikeForm(initial={"received": dt.date(2025, 9, 30)})["received"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="2025-09-30"' in html
    assert f'placeholder="{DATE_PLACEHOLDER}"' in html
    assert 'class="wide"' in html  # the form's own attributes stay


def test_a_text_field_carries_no_maxlength_so_the_server_explains_a_long_text():
    html = str(LeadLikeForm()["name"])
    assert "maxlength" not in html


def test_other_inputs_still_parse_after_the_rewrite():
    form = LeadLikeForm(data={"name": "某医院", "count": "15", "amount": "12.50", "kind": "days"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["count"] == 15 and form.cleaned_data["amount"] == Decimal("12.50")


def test_the_login_form_refuses_a_user_name_longer_than_any_user_s(db):
    form = LoginForm(data={"username": "u" * 200, "password": "pw"})
    assert not form.is_valid()
    assert form.errors["username"] == ["“用户名”不能超过 150 个字符（当前 200 个）。"]


def test_shorten_keeps_a_short_value_whole_and_cuts_a_long_one_naming_its_length():
    assert shorten("2025-13-45") == "2025-13-45"
    assert shorten("a\n b") == "a b"
    assert shorten("药" * 100, 10) == "药" * 9 + "…（共 100 字）"
