"""Forms of the 账号管理 page: they parse input; ledger.services.accounts decides."""

from __future__ import annotations

from django import forms

from xuncha.core.statuses import ROLE
from xuncha.ledger.models import Team, Unit
from xuncha.web.forms import StaffForm


def _unit_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label="所属单位", queryset=Unit.objects.order_by("path"),
                                  required=False, empty_label="（联络员、负责人必选）")


def _team_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label="所属巡察组", queryset=Team.objects.order_by("name"),
                                  required=False, empty_label="（巡察组成员必选）")


class RoleForm(StaffForm):
    role = forms.ChoiceField(label="角色", choices=ROLE.django_choices())
    unit = _unit_field()
    team = _team_field()


class AccountCreateForm(RoleForm):
    username = forms.CharField(label="登录名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=50, required=False)
    field_order = ["username", "display_name", "role", "unit", "team"]
