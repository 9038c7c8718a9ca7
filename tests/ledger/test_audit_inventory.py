"""An inventory of the code: nothing updates or deletes audit records.

Every module under src/ is parsed; a name bound to anything built from `AuditEvent` (a queryset,
a row) is followed, and each call that writes (`update`, `delete`, `save`, `create`, `bulk_*`,
`raw`, `execute`) on such a receiver is listed, as is any SQL text naming the audit table. The
list must be exactly the allowed writers: appending to the chain, the archive's removal (only
with XUNCHA_AUDIT_ARCHIVE_DELETE), and the migration that chained the records written before.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "xuncha"
WRITES = {"update", "delete", "save", "create", "bulk_create", "bulk_update", "update_or_create",
          "get_or_create", "raw", "execute", "_raw_delete"}
# Statements whose SQL text is an argument: caught when that text is built from the audit table.
STATEMENTS = {"executemany", "copy"}
SQL = re.compile(r"\b(update|delete\s+from|truncate|drop\s+table|alter\s+table)\b[^;]*ledger_auditevent",
                 re.IGNORECASE | re.DOTALL)
ALLOWED = {
    ("ledger/services/audit_chain.py", "append", "create"),  # the one way in: the end of the chain
    # The same, many records at once: plain rows into the audit table (COPY / executemany).
    ("ledger/services/audit_chain.py", "_insert", "copy"),
    ("ledger/services/audit_chain.py", "_insert", "executemany"),
    ("ledger/services/audit_archive.py", "archive", "delete"),  # the archive, when configured
    ("ledger/migrations/0006_audit_chain.py", "chain_existing", "save"),  # chaining older rows once
}


def _mentions_audit(node: ast.AST, tainted: set[str]) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and (inner.id == "AuditEvent" or inner.id in tainted):
            return True
        if isinstance(inner, ast.Attribute) and inner.attr == "AuditEvent":
            return True
        if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "get_model"
                and any(isinstance(a, ast.Constant) and a.value == "AuditEvent" for a in inner.args)):
            return True
    return False


class Finder(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path, self.found, self.function = path, [], "<module>"
        self.tainted: set[str] = set()

    def visit_FunctionDef(self, node) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def _bind(self, targets, value) -> None:
        if value is not None and _mentions_audit(value, self.tainted):
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        self.tainted.add(name.id)

    def visit_Assign(self, node) -> None:
        self._bind(node.targets, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node) -> None:
        self._bind([node.target], node.value)
        self.generic_visit(node)

    def visit_For(self, node) -> None:
        self._bind([node.target], node.iter)
        self.generic_visit(node)

    def visit_NamedExpr(self, node) -> None:
        self._bind([node.target], node.value)
        self.generic_visit(node)

    def visit_Call(self, node) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and (
                (func.attr in WRITES and _mentions_audit(func.value, self.tainted))
                or (func.attr in STATEMENTS and any(_mentions_audit(a, self.tainted) for a in node.args))):
            self.found.append((self.path, self.function, func.attr))
        self.generic_visit(node)

    def visit_Constant(self, node) -> None:
        if isinstance(node.value, str) and SQL.search(node.value):
            self.found.append((self.path, self.function, "sql"))


def inventory() -> set[tuple[str, str, str]]:
    found = set()
    for path in sorted(SRC.rglob("*.py")):
        finder = Finder(path.relative_to(SRC).as_posix())
        finder.visit(ast.parse(path.read_text(encoding="utf-8")))
        found.update(finder.found)
    return found


def test_no_code_path_updates_or_deletes_audit_records():
    assert inventory() == ALLOWED


def test_the_inventory_would_see_a_forbidden_write(tmp_path):
    """The finder itself: each way of writing an audit row that it must catch."""
    code = '''
from xuncha.ledger.models import AuditEvent
def a(): AuditEvent.objects.filter(pk=1).update(summary="x")
def b():
    rows = AuditEvent.objects.filter(action="login")
    rows.delete()
def c():
    event = AuditEvent.objects.get(pk=1)
    event.summary = "x"
    event.save()
def d(cursor): cursor.execute("UPDATE ledger_auditevent SET summary = 'x'")
def e():
    for event in AuditEvent.objects.all():
        event.delete()
'''
    finder = Finder("sample.py")
    finder.visit(ast.parse(code))
    assert {(f, w) for _, f, w in finder.found} == {("a", "update"), ("b", "delete"), ("c", "save"),
                                                    ("d", "sql"), ("e", "delete")}


def test_the_archive_deletes_only_when_the_setting_allows():
    source = (SRC / "ledger/services/audit_archive.py").read_text(encoding="utf-8")
    guarded = re.search(r"if remove:\n(\s+#.*\n)*\s+AuditEvent\.objects\.filter\([^)]*\)\.delete\(\)", source)
    assert guarded and "remove = settings.AUDIT_ARCHIVE_DELETE" in source
