"""Forms of the account pages: own password change and the second factor's token."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from yibao.core.forms import ChineseErrorsMixin


class PasswordChangeForm(ChineseErrorsMixin, forms.Form):
    old_password = forms.CharField(label="当前密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label="新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text=password_validation.password_validators_help_text_html())
    new_password2 = forms.CharField(label="再次输入新密码",
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, user: Any, *args: Any, **kwargs: Any):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError("当前密码不正确。", code="password_incorrect")
        return old

    def clean(self) -> dict:
        data = super().clean()
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        elif new1:
            if new1 == data.get("old_password"):
                self.add_error("new_password1", "新密码不能与当前密码相同。")
            else:
                try:
                    password_validation.validate_password(new1, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        return data


class TokenForm(ChineseErrorsMixin, forms.Form):
    token = forms.CharField(label="动态口令或恢复码", max_length=16,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                                          "inputmode": "numeric"}))

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip().replace(" ", "")
