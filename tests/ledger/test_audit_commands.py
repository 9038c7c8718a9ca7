"""Every management command `xuncha` can run is either audited, harmless, or refused.

The list is Django's own (`get_commands()`), so a new command — ours or a library's — fails
`test_every_command_is_accounted_for` until it is given a line here.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

from xuncha import cli
from xuncha.ledger.models import AuditEvent
from xuncha.ledger.services import imports, setup, storage
from xuncha.ledger.services.evidence import KIND as EVIDENCE

pytestmark = pytest.mark.django_db

# Commands that change data: the audit action(s) each leaves (tried below).
AUDITED = {
    "audit": "audit.verify (and audit.archive: tests/ledger/test_audit_archive.py)",
    "createuser": "staff.create",
    "import": "notice.import / ledger.import",
    "demo": "every row through the services (unit.create, finding.create, …)",
    "unlock": "login.release",
    "verify-published": "published.verify (published_file.mismatch per changed file)",
    "purge-orphans": "files.purge_orphans",
    "purge-staging": "imports.purge",
    "reindex": "reuse.reindex",
    "daily": "daily.run, and each job's own records",
    "token": "token.create / token.revoke (list only reads): tests/api/test_tokens.py",
    "provenance": "provenance.scan",
    "bundle": "bundle.export, bundle.import (bundle.refused), bundle.register_key, bundle.conflict "
              "(tests/exchange/test_round_trip.py drives them; `bundle key` and `conflicts` only print)",
}
# Commands whose writes reach the data only through the audited doors (URLs, jobs).
SERVERS = {
    "serve": "the staff site: every URL is tried in tests/web/test_audit_every_door.py",
    "runserver": "Django's development server (the same URLs)",
    "testserver": "Django's test server on a fixture database",
    "worker": "runs queued jobs; each job writes through an audited service",
    "qcluster": "django-q's worker (what `xuncha worker` starts)",
}
# Commands that change no record of the application (or only its schema, caches, static files).
HARMLESS = {name: "reads, prints or builds files only" for name in (
    "check", "diffsettings", "showmigrations", "sqlmigrate", "sqlflush", "sqlsequencereset", "inspectdb",
    "findstatic", "collectstatic", "compilemessages", "makemessages", "makemigrations", "squashmigrations",
    "optimizemigration", "startapp", "startproject", "test", "sendtestemail", "qinfo", "qmemory", "qmonitor",
    "axes_list_attempts", "createcachetable")}
HARMLESS |= {
    "migrate": "schema changes by the operator; data migrations chain their records (0006_audit_chain)",
    "clearsessions": "removes expired sessions only (also the daily task sessions.purge)",
    "remove_stale_contenttypes": "removes content types of models that no longer exist",
    "export_openapi_schema": "django-ninja's: prints or writes the API's OpenAPI schema",
}
# Host-level tools of the operator, outside the application (docs/security.md, "Not covered").
OPERATOR = {
    "shell": "a Python shell with database access",
    "dbshell": "the database's own shell",
    "dumpdata": "a full dump, like a backup",
    "backup": "copies the database and files to an archive (kept out of the trail: the restore drill "
              "proves the restored rows equal the backed-up ones)",
    "restore": "replaces an empty database with a backup, chain included",
}
REFUSED = set(cli.BYPASSING_COMMANDS)


def test_every_command_is_accounted_for():
    known = set(AUDITED) | set(SERVERS) | set(HARMLESS) | set(OPERATOR) | REFUSED
    missing = sorted(set(get_commands()) - known)
    assert not missing, f"commands without an audit case in tests/ledger/test_audit_commands.py: {missing}"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_commands_that_would_bypass_the_audit_are_refused_by_xuncha(name, capsys):
    assert cli.main([name]) == 2
    err = capsys.readouterr().err
    assert f"xuncha {name}：不可用" in err


def _actions_after(since: int) -> list[str]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True))


def _last() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _run(*args, stdin: str | None = None) -> None:
    import sys

    if stdin is not None:
        old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        if stdin is not None:
            sys.stdin = old


def test_createuser_unlock_import_reindex_verify_leave_their_records(cast, today):
    since = _last()
    _run("createuser", "newclerk", "--role", "unit_editor", "--unit", "天宝社区", "--password-stdin",
         stdin="Ganbu-2025-anquan!\n")
    _run("unlock", "editor")
    unit = setup.create_unit(cast.system, "新华社区", parent=cast.street)
    inspection = setup.create_inspection(cast.system, cast.inspection.round, cast.team4, unit,
                                         start=dt.date(2025, 7, 2), end=dt.date(2025, 8, 10),
                                         feedback_date=dt.date(2025, 9, 15))
    notice = sorted(Path("src/xuncha/demo/notices").glob("*.txt"))[0]
    _run("import", str(notice), "--inspection", str(inspection.pk), "--yes", "--accept-mismatch")
    _run("reindex")
    _run("audit", "verify")
    _run("verify-published")
    actions = _actions_after(since)
    for action in ("staff.create", "login.release", "notice.import", "reuse.reindex", "audit.verify",
                   "published.verify"):
        assert action in actions, (action, actions)


def test_purges_leave_a_record_when_they_remove_something(cast, monkeypatch):
    storage.save_bytes(EVIDENCE, "orphan/lost.pdf", b"%PDF-1.4 x")
    storage.save_bytes(imports.STAGED, "staged/old.txt", b"x")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    monkeypatch.setattr("xuncha.clock.now", lambda: later)
    since = _last()
    _run("purge-orphans")
    _run("purge-staging")
    assert _actions_after(since) == ["files.purge_orphans", "imports.purge"]


def test_the_daily_command_leaves_a_record_of_its_run(cast):
    since = _last()
    _run("daily", "--date", "2025-11-21")
    actions = _actions_after(since)
    assert actions[-1] == "daily.run"
    assert "audit.verify" in actions and "published.verify" in actions


def test_the_demo_loads_through_audited_services(db, tmp_path, settings):
    since = _last()
    _run("demo", "--load-only")
    actions = set(_actions_after(since))
    assert {"unit.create", "staff.create", "inspection.create"} <= actions
