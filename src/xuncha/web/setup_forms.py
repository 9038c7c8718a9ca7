"""Forms of 巡察安排. They parse input; services.setup decides what is allowed."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from xuncha.core.statuses import ROUND_TYPE, UNIT_KIND
from xuncha.ledger.models import Round, Staff, Team, Unit
from xuncha.web.forms import DATE_WIDGET, StaffForm


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE_WIDGET)


class FastSelect(forms.Select):
    """A <select> built with one string join: a province has 10,000 units, and Django's
    template per option took most of a page's time."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")}
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) in chosen else ""}>{escape(label)}</option>'
            for v, label in self.choices)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final)}>{options}</select>')


# Up to this many units a unit is picked from a list; beyond it (a province has 10,000) the list
# would weigh half a megabyte on every page, so the name is typed instead.
UNIT_LIST_MAX = 300


class UnitChoiceField(forms.ModelChoiceField):
    """A unit: from a list indented as the tree, or by its name once the units are many."""

    widget = FastSelect

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.by_name = False

    def label_from_instance(self, obj: Unit) -> str:
        return "　" * max(obj.path.count("/") - 2, 0) + obj.name

    def use_names(self) -> None:
        self.by_name = True
        self.widget = forms.TextInput(attrs={"placeholder": "输入单位全称或简称"})
        self.help_text = "单位较多，请输入名称（与单位树中的名称或简称一致）"

    def to_python(self, value):
        if not self.by_name:
            return super().to_python(value)
        name = str(value or "").strip()
        if not name:
            return None
        matches = list(Unit.objects.filter(Q(name=name) | Q(short_name=name))[:2])
        if not matches:
            raise forms.ValidationError(f"未找到名为“{name}”的单位。")
        if len(matches) > 1:
            raise forms.ValidationError(f"有多个单位名为“{name}”，请输入全称。")
        return matches[0]

    def prepare_value(self, value):
        if not self.by_name:
            return super().prepare_value(value)
        if isinstance(value, Unit):
            return value.name
        if isinstance(value, int) or str(value).isdigit():
            unit = Unit.objects.filter(pk=value).only("name").first()
            return unit.name if unit else ""
        return value


def units_by_name_when_many(form: forms.Form, *fields: str) -> None:
    """Switch the form's unit fields to typed names when the tree is too big to list."""
    if Unit.objects.count() > UNIT_LIST_MAX:
        for name in fields:
            form.fields[name].use_names()


class StaffChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj: Staff) -> str:
        team = f"（现属{obj.team.name}）" if obj.team_id else "（未编组）"
        return f"{obj.display_name or obj.user.username}{team}"


def _units():
    return Unit.objects.only("id", "name", "path").order_by("path")


class RoundForm(StaffForm):
    name = forms.CharField(label="轮次名称", max_length=200)
    level = forms.CharField(label="巡察主体", max_length=100, required=False,
                            help_text="如：区委、党工委")
    type = forms.ChoiceField(label="巡察类型", choices=ROUND_TYPE.django_choices(), initial="regular")
    start = _date("开始日期")
    end = _date("结束日期")
    rectification_months = forms.IntegerField(label="集中整改期（月）", required=False, min_value=1,
                                              max_value=24, help_text="留空则使用系统默认值")


class UnitForm(StaffForm):
    name = forms.CharField(label="单位名称", max_length=200)
    short_name = forms.CharField(label="简称", max_length=100, required=False)
    kind = forms.ChoiceField(label="类型", choices=UNIT_KIND.django_choices(), initial="community")
    parent = UnitChoiceField(label="上级单位", queryset=_units(), required=False, empty_label="（无，顶层单位）")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units_by_name_when_many(self, "parent")


class TeamForm(StaffForm):
    name = forms.CharField(label="巡察组名称", max_length=100)


class MemberForm(StaffForm):
    staff = StaffChoiceField(label="巡察组成员账号", empty_label="请选择",
                             queryset=Staff.objects.filter(role="team_member")
                             .select_related("user", "team").order_by("display_name", "user__username"))


class InspectionDatesForm(StaffForm):
    start = _date("进驻日期")
    end = _date("结束日期")
    feedback_date = _date("反馈日期")
    rectification_end = forms.DateField(label="集中整改期截止", required=False, widget=DATE_WIDGET,
                                        help_text="留空则按反馈日期和轮次的集中整改期推算")

    def service_dates(self) -> dict:
        data = self.cleaned_data
        return {"start": data["start"], "end": data["end"], "feedback_date": data["feedback_date"],
                "rectification_end_date": data["rectification_end"]}


class InspectionForm(InspectionDatesForm):
    """Field names are the model's: round, team, unit, start, end, feedback_date, rectification_end."""

    round = forms.ModelChoiceField(label="巡察轮次", queryset=Round.objects.all(), empty_label="请选择",
                                   widget=FastSelect)
    team = forms.ModelChoiceField(label="巡察组", queryset=Team.objects.order_by("name"), empty_label="请选择",
                                  widget=FastSelect)
    unit = UnitChoiceField(label="被巡察单位", queryset=_units(), empty_label="请选择")
    field_order = ["round", "team", "unit", "start", "end", "feedback_date", "rectification_end"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units_by_name_when_many(self, "unit")


class BulkInspectionForm(InspectionDatesForm):
    """Several units of a round at once: ticked in the tree and/or pasted one name a line."""

    team = forms.ModelChoiceField(label="巡察组", queryset=Team.objects.order_by("name"), empty_label="请选择",
                                  widget=FastSelect)
    # Ticked in the tree picker of the round page (a unit's children at a time), not listed here:
    # a province's 10,000 checkboxes would make the page useless.
    units = forms.ModelMultipleChoiceField(label="从单位树中选择", queryset=Unit.objects.all(), required=False,
                                           widget=forms.MultipleHiddenInput)
    names = forms.CharField(label="或粘贴单位名称（每行一个）", required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 5}))
    field_order = ["team", "units", "names", "start", "end", "feedback_date", "rectification_end"]
