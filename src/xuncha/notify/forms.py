"""Forms of the notify pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms

from xuncha.notify.choices import AUDIENCE, KIND


class AnswerForm(forms.Form):
    text = forms.CharField(label="报结情况", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
                           help_text="逐项说明整改落实情况、逾期原因和下一步措施。")


class DecisionForm(forms.Form):
    text = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           required=False)


class InterviewForm(forms.Form):
    held_on = forms.DateField(label="约谈日期", widget=forms.DateInput(attrs={"type": "date"}))
    people = forms.CharField(label="约谈人员", max_length=300,
                             help_text="约谈人和被约谈人，如：巡察办主任王某；社区党委书记李某")
    notes = forms.CharField(label="约谈情况", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
                            required=False)


class PreferenceForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(label="通过邮件接收", choices=KIND.django_choices(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    digest = forms.BooleanField(label="接收每日汇总邮件", required=False)


class LadderForm(forms.Form):
    reminder_days = forms.CharField(label="到期前提醒（天）", max_length=60,
                                    help_text="逗号分隔，0 表示到期当日。如：20,10,0")
    interview_days = forms.IntegerField(label="逾期多少天转约谈", min_value=1, max_value=365)
    reply_days = forms.IntegerField(label="报结期限（天）", min_value=1, max_value=90)
    issuer = forms.CharField(label="督办单位（督办函落款）", max_length=100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in KIND:
            self.fields[f"aud_{kind.value}"] = forms.MultipleChoiceField(
                label=kind.label, choices=AUDIENCE.django_choices(), required=False,
                widget=forms.CheckboxSelectMultiple)

    def audiences(self) -> dict[str, list[str]]:
        return {kind.value: self.cleaned_data.get(f"aud_{kind.value}") or [] for kind in KIND}

    def audience_fields(self):
        return [self[f"aud_{kind.value}"] for kind in KIND]
