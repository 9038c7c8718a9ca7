"""The `xuncha` command: its own commands plus every Django management command.

    xuncha serve [--host H --port P]     run the staff site
    xuncha demo [--load-only]            load the sample notices and demo users, then serve
    xuncha createuser NAME --role R --unit U [--team T] [--password-stdin]
    xuncha unlock USERNAME               end a login lockout before its time
    xuncha check                         print the effective settings, warn on unknown XUNCHA_* names
    xuncha parse FILE... [--json]        read notices into NoticeDoc (no database needed)
    xuncha worker                        run the background jobs (batch 雷同 checks, daily work)
    xuncha daily [--date YYYY-MM-DD]     run the day's scheduled work now, once per day
    xuncha migrate | shell | …           any Django management command
"""

from __future__ import annotations

import os
import sys


def _print_settings() -> None:
    from xuncha import config

    values = config.load()
    print("xuncha 生效配置（effective settings）:")
    for name, shown, help_text in config.describe(values):
        print(f"  {name} = {shown}\n      {help_text}")
    database = os.environ.get("DATABASE_URL")
    print(f"  DATABASE_URL = {_mask_url(database) if database else '(unset: embedded SQLite in the data folder)'}")
    for name in config.unknown_names():
        print(f"警告：未知的配置项 {name}（拼写错误？可用的配置项见 docs/configuration.md）", file=sys.stderr)


def _mask_url(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


# Commands of the plain-Python core: they need no database and start without Django.
CORE_COMMANDS = {"parse": "xuncha.commands.parse", "render": "xuncha.commands.render",
                 "lint": "xuncha.commands.lint", "reuse": "xuncha.commands.reuse"}


# Django commands that would change accounts or data behind the audit trail: refused here, with
# the audited way to do the same thing (tests/test_audit_commands.py lists every command).
BYPASSING_COMMANDS = {
    "changepassword": "请使用员工站点的“修改密码”页面，或由管理员重设密码（均记入审计日志）。",
    "createsuperuser": "请使用 xuncha createuser --role 创建账号（记入审计日志）。",
    "flush": "清空数据库会一并清除审计日志，xuncha 不提供此操作；确需重建请删除数据库后重新迁移。",
    "loaddata": "直接载入数据会绕过审计日志，xuncha 不提供此操作；请使用 xuncha import 或 xuncha restore。",
    "addstatictoken": "恢复码请在员工站点的“双因素认证”页面生成，或由安全管理员重置（均记入审计日志）。",
    "axes_reset": "请使用 xuncha unlock USERNAME 解除锁定（记入审计日志）。",
    "axes_reset_ip": "请使用 xuncha unlock USERNAME 解除锁定（记入审计日志）。",
    "axes_reset_username": "请使用 xuncha unlock USERNAME 解除锁定（记入审计日志）。",
    "axes_reset_ip_username": "请使用 xuncha unlock USERNAME 解除锁定（记入审计日志）。",
    "axes_reset_logs": "登录记录按审计要求保存，xuncha 不提供手工删除。",
    "axes_reset_failure_logs": "登录记录按审计要求保存，xuncha 不提供手工删除。",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in BYPASSING_COMMANDS:
        print(f"xuncha {argv[0]}：不可用。{BYPASSING_COMMANDS[argv[0]]}", file=sys.stderr)
        return 2
    if argv and argv[0] in CORE_COMMANDS:
        import importlib

        return importlib.import_module(CORE_COMMANDS[argv[0]]).main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    from xuncha.config import ConfigError

    try:
        if argv and argv[0] == "check":
            _print_settings()
            argv = ["check", *argv[1:]]  # then Django's own system checks
        from django.core.management import execute_from_command_line

        execute_from_command_line(["xuncha", *argv])
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
