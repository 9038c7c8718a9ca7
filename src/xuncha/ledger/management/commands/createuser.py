"""`xuncha createuser NAME --role ROLE --unit UNIT`: a staff account with its role."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError

from xuncha.core.statuses import ROLE
from xuncha.ledger.models import Team, Unit
from xuncha.ledger.services import accounts
from xuncha.ledger.services.actor import system_actor
from xuncha.ledger.services.errors import ServiceError


class Command(BaseCommand):
    help = "创建工作人员账号（Create a staff account with a role）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="登录名")
        parser.add_argument("--role", required=True, choices=ROLE.values())
        parser.add_argument("--unit", help="单位名称（联络员、负责人必填）")
        parser.add_argument("--team", help="巡察组名称（巡察组成员必填）")
        parser.add_argument("--display-name", default="", help="姓名")
        parser.add_argument("--password", help="留空则随机生成并显示一次")

    def handle(self, *args, name, role, unit, team, display_name, password, **options) -> None:
        unit_obj = team_obj = None
        if unit:
            unit_obj = Unit.objects.filter(name=unit).first()
            if unit_obj is None:
                raise CommandError(f"找不到单位“{unit}”。")
        if team:
            team_obj = Team.objects.filter(name=team).first()
            if team_obj is None:
                raise CommandError(f"找不到巡察组“{team}”。")
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            accounts.create_staff(system_actor(), name, password, role, unit=unit_obj, team=team_obj,
                                  display_name=display_name)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已创建账号 {name}（{ROLE.label(role)}）")
        if generated:
            self.stdout.write(f"密码：{password}（只显示这一次）")
