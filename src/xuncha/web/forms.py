"""Forms: they parse and validate input; services decide what is allowed."""

from __future__ import annotations

from django import forms

from xuncha.core.numerals import strip_marker
from xuncha.core.statuses import FINDING_SOURCE, LOOKBACK_RESULT, MEASURE_KIND, MEASURE_STATUS, OVERDUE_AGES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class StaffForm(forms.Form):
    """Labels end with the full-width colon of Chinese text (Django's default is ":")."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class FindingForm(StaffForm):
    """The category is picked from the inspection's own list or typed as a new one; the number
    is made by the system (services.numbering)."""

    category = forms.CharField(label="问题类别", max_length=300, required=False, widget=forms.Select)
    new_category = forms.CharField(label="或新增类别", max_length=300, required=False,
                                   help_text="不必写“一、”“（一）”等序号，系统自动编号")
    title = forms.CharField(label="问题", max_length=500)
    description = forms.CharField(label="具体表现", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    source = forms.ChoiceField(label="来源", choices=FINDING_SOURCE.django_choices(), initial="feedback")

    def __init__(self, *args, categories: list[str] | tuple = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = self.initial.get("category", "")
        names = list(dict.fromkeys([*categories, *([current] if current else [])]))
        self.fields["category"].widget.choices = [("", "（不分类）"), *((c, c) for c in names)]

    def clean(self) -> dict:
        data = super().clean()
        new = strip_marker(data.pop("new_category", "") or "")
        if new:
            data["category"] = new
        return data


class MeasureForm(StaffForm):
    text = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.CharField(label="责任领导", max_length=100, required=False)
    owner = forms.CharField(label="责任部门/责任人", max_length=200, required=False)
    kind = forms.ChoiceField(label="类型", choices=MEASURE_KIND.django_choices(), initial="deadline")
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE_WIDGET)


class VersionForm(StaffForm):
    """The row version the user saw: a save from a stale page is refused, not merged."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class MeasureStatusForm(StaffForm):
    status = forms.ChoiceField(label="状态", choices=MEASURE_STATUS.django_choices())
    version = forms.IntegerField(widget=forms.HiddenInput)
    completed_on = forms.DateField(label="完成日期", required=False, widget=DATE_WIDGET)


class ProgressForm(StaffForm):
    date = forms.DateField(label="日期", widget=DATE_WIDGET)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    mark = forms.ChoiceField(label="措施状态", required=False,
                             choices=[("", "不变"), *MEASURE_STATUS.django_choices()[1:]])
    files = MultipleFileField(label="佐证材料", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(StaffForm):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CloseoutRequestForm(StaffForm):
    """The 销号 sheet: a statement, and the optional 问题根源 and 举一反三."""

    comment = forms.CharField(label="申请说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    root_cause = forms.CharField(label="问题根源", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    lessons = forms.CharField(label="举一反三", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ExtensionForm(StaffForm):
    new_deadline = forms.DateField(label="申请延至", widget=DATE_WIDGET)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class MeasureFilterForm(StaffForm):
    """Filters of the measure list; unknown values are dropped, never an error page."""

    round = forms.IntegerField(label="轮次", required=False)
    unit = forms.IntegerField(label="单位", required=False)
    team = forms.IntegerField(label="巡察组", required=False)
    colour = forms.ChoiceField(label="预警", required=False, choices=[("", "全部"), ("red", "红色（已逾期）"),
                                                                     ("yellow", "黄色（临期）"),
                                                                     ("green", "绿色（正常）")])
    owner = forms.CharField(label="责任人", required=False, max_length=100)
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *MEASURE_KIND.django_choices()])
    status = forms.CharField(label="状态", required=False, max_length=20)
    evidence = forms.CharField(required=False, max_length=10)
    age = forms.ChoiceField(label="逾期天数", required=False,
                            choices=[("", "全部"), *((key, label) for key, label, _, _ in OVERDUE_AGES)])

    def filters(self) -> dict:
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return {k: v for k, v in data.items() if v not in (None, "")}


class LookbackForm(StaffForm):
    date = forms.DateField(label="日期", widget=DATE_WIDGET)
    result = forms.ChoiceField(label="结论", choices=LOOKBACK_RESULT.django_choices())
    comment = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ImportForm(StaffForm):
    file = forms.FileField(label="通报或台账文件",
                           help_text="支持 .txt、.docx、.html、.pdf 格式的通报，或 .xlsx、.xls 格式的台账")


class NoticePartsForm(StaffForm):
    overview = forms.CharField(label="整改工作总体情况", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    plans = forms.CharField(label="下一步工作打算", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    phones = forms.CharField(label="联系电话", max_length=200, required=False)
    emails = forms.CharField(label="电子邮箱", max_length=200, required=False)
    addresses = forms.CharField(label="通讯地址", max_length=300, required=False)
    notice_date = forms.DateField(label="成文日期", required=False, widget=DATE_WIDGET,
                                  help_text="留空则在审定时取审定当天")
    version = forms.IntegerField(widget=forms.HiddenInput)


class SearchForm(StaffForm):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    status = forms.CharField(required=False, max_length=20)


def _password_field(label: str, autocomplete: str) -> forms.CharField:
    return forms.CharField(label=label, strip=False, max_length=128,
                           error_messages={"required": f"请填写{label}。"},
                           widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}))


class PasswordChangeForm(StaffForm):
    old_password = _password_field("原密码", "current-password")
    new_password1 = _password_field("新密码", "new-password")
    new_password2 = _password_field("再次输入新密码", "new-password")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data
