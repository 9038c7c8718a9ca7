"""`xuncha createuser NAME --role ROLE --unit UNIT`: a staff account with its role.

The password never comes from the command line (it would stay in the shell history and show
in the process list): it is asked twice at a terminal, read as one line of standard input
with --password-stdin, or else generated and shown once.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from xuncha.core.statuses import ROLE
from xuncha.ledger import passwords
from xuncha.ledger.actor import system_actor
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.models import Team, Unit
from xuncha.ledger.services import accounts


def read_password(from_stdin: bool, user=None) -> tuple[str, bool]:
    """(password, generated): from standard input, a prompt asked twice, or generated."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CommandError("标准输入中没有密码（--password-stdin 读取一行）。")
        return line, False
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if not first:
            return passwords.generate(user=user), True
        if getpass.getpass("再次输入密码：") != first:
            raise CommandError("两次输入的密码不一致。")
        return first, False
    return passwords.generate(user=user), True


class Command(BaseCommand):
    help = "创建工作人员账号（Create a staff account with a role）"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.allow_abbrev = False  # "--password X" must be refused, not read as --password-stdin
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="登录名")
        parser.add_argument("--role", required=True, choices=ROLE.values())
        parser.add_argument("--unit", help="单位名称（联络员、负责人必填）")
        parser.add_argument("--team", help="巡察组名称（巡察组成员必填）")
        parser.add_argument("--display-name", default="", help="姓名")
        parser.add_argument("--password-stdin", action="store_true",
                            help="从标准输入读取一行作为密码；不加此项时在终端上询问两次，"
                                 "非终端则随机生成并显示一次")

    def handle(self, *args, name, role, unit, team, display_name, password_stdin,
               **options) -> None:
        unit_obj = team_obj = None
        if unit:
            unit_obj = Unit.objects.filter(name=unit).first()
            if unit_obj is None:
                raise CommandError(f"找不到单位“{unit}”。")
        if team:
            team_obj = Team.objects.filter(name=team).first()
            if team_obj is None:
                raise CommandError(f"找不到巡察组“{team}”。")
        password, generated = read_password(password_stdin, get_user_model()(username=name, first_name=display_name))
        try:
            accounts.create_staff(system_actor(), name, password, role, unit=unit_obj,
                                  team=team_obj, display_name=display_name,
                                  must_change=generated)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已创建账号 {name}（{ROLE.label(role)}）")
        if generated:
            self.stdout.write(f"密码：{password}（只显示这一次）")
