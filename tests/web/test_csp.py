"""Content-Security-Policy: every page the office admin can open carries the site's strict policy.

The URL list is walked from the resolver, so a new page is covered without anyone adding it here.
"""

import io
import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from xuncha.ledger.models import Evidence, Notice, ReuseCheck
from xuncha.ledger.services import closeouts, measures

pytestmark = pytest.mark.django_db

# Pages that must be among those answering 200, or the walk proves nothing.
KEY_PAGES = {"workbench", "rounds", "round", "findings", "inspection", "finding", "notice",
             "reuse-checks", "reuse-check", "jobs"}
# ... and among those the system administrator opens (the Django admin is theirs alone).
SYS_ADMIN_PAGES = {"accounts", "account", "admin:index", "admin:ledger_unit_changelist",
                   "admin:auth_user_change"}
KEYWORDS = {"'self'", "'none'"}
# The one documented exception (docs/security.md): an evidence PDF framed by the site's own pages.
FRAMEABLE = {"evidence-inline"}


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(directives: dict[str, list[str]], where: str) -> None:
    assert directives["default-src"] == ["'self'"], where
    assert directives["frame-ancestors"] == ["'none'"], where
    assert directives["object-src"] == ["'none'"], where
    assert directives["base-uri"] == ["'none'"], where
    assert directives["form-action"] == ["'self'"], where
    assert set(directives["img-src"]) <= {"'self'", "data:"}, where
    for name in ("script-src", "style-src"):
        for source in directives.get(name, []):
            assert source == "'self'" or re.fullmatch(r"'(nonce|sha256)-[A-Za-z0-9+/=]+'", source), \
                (where, name, source)
    for name, sources in directives.items():  # no origin but the site's own
        for source in sources:
            assert source in KEYWORDS or source == "data:" or source.startswith(("'nonce-", "'sha256-")), \
                (where, name, source)


def named_patterns(patterns=None, namespace=""):
    """(name, kwarg names) of every named URL pattern, admin included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", list(entry.pattern.regex.groupindex)


def candidate_urls(name: str, kwargs: list[str], ids: list[int]):
    values = {"app_label": ["ledger", "auth"], "fmt": ["html", "xlsx", "docx"]}
    choices = [values.get(kwarg) or (ids if kwarg.endswith(("pk", "id")) else None)
               for kwarg in kwargs]
    if None in choices:
        return
    for combination in itertools.product(*choices):
        try:
            yield reverse(name, kwargs=dict(zip(kwargs, combination, strict=True)))
        except NoReverseMatch:
            return


@pytest.fixture
def everything(login, cast, today, django_capture_on_commit_callbacks):
    """One of each kind of object a page shows: evidence, a sign-off request, a notice, a check."""
    measures.report_progress(cast.actor("editor"), cast.measure, today, "完成",
                             [("记录.pdf", [b"%PDF-1.4 x"])], mark="done")
    closeouts.request_closeout(cast.actor("editor"), cast.finding)
    login("editor").post(reverse("notice-create", args=[cast.inspection.pk]))
    client = login("admin")
    batch = io.BytesIO("会议记录：每周通报进度，逐一建立台账。".encode())
    batch.name = "甲.txt"
    with django_capture_on_commit_callbacks(execute=True):  # the check runs as a job
        client.post(reverse("reuse-checks"), {"files": [batch], "title": "述职", "threshold": "30"})
    assert ReuseCheck.objects.get().state == "done"
    assert Evidence.objects.exists() and Notice.objects.exists() and ReuseCheck.objects.exists()
    return client


def test_every_page_the_office_admin_opens_has_the_strict_policy(everything, cast):
    missing = KEY_PAGES - walk(everything, cast)
    assert not missing, f"pages that never answered 200: {missing}"


def test_every_page_the_system_administrator_opens_has_the_strict_policy(everything, cast, login):
    editor = cast.users["editor"]
    missing = SYS_ADMIN_PAGES - walk(login("sysadmin"), cast, editor.pk, editor.staff.pk)
    assert not missing, f"pages that never answered 200: {missing}"


def walk(client, cast, *extra_ids: int) -> set[str]:
    """Open every named URL with each id; check the policy of each answer; return the names
    that answered 200."""
    ids = sorted({cast.inspection.round_id, cast.inspection.pk, cast.finding.pk, cast.measure.pk,
                  *Evidence.objects.values_list("pk", flat=True),
                  *Notice.objects.values_list("pk", flat=True),
                  *ReuseCheck.objects.values_list("pk", flat=True), cast.tianbao.pk, 1, *extra_ids})
    answered = set()
    for name, kwargs in named_patterns():
        for url in candidate_urls(name, kwargs, ids):
            response = client.get(url)
            directives = policy(response)
            if name in FRAMEABLE and response.status_code == 200:
                assert directives["frame-ancestors"] == ["'self'"], url
                assert directives["default-src"] == ["'none'"], url
            else:
                assert_strict(directives, url)  # every response, whatever its status
            if response.status_code == 200:
                answered.add(name)
                break
    return answered


def test_the_login_and_error_pages_have_the_policy_too(client):
    for response in (client.get(reverse("login")), client.get("/no-such-page/")):
        assert_strict(policy(response), response.request["PATH_INFO"])


def test_a_reuse_report_may_keep_its_own_style_block_and_nothing_else(everything):
    check = ReuseCheck.objects.get()
    response = everything.get(reverse("reuse-export", args=[check.pk, "html"]))
    assert response.status_code == 200
    styles = policy(response)["style-src"]
    assert styles[0] == "'self'" and len(styles) == 2 and styles[1].startswith("'sha256-")
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_no_template_has_an_inline_style_handler_or_script_the_policy_would_block():
    from pathlib import Path

    import xuncha

    root = Path(xuncha.__file__).parent
    # A <script type="application/json"> is data the policy does not run (the API page's settings).
    blocked = re.compile(r"""\sstyle=|\son[a-z]+=|<style|<script(?![^>]*\b(src|nonce)=)(?![^>]*application/json)"""
                         r"""|javascript:""", re.IGNORECASE)
    found = [f"{path.relative_to(root)}: {match.group(0).strip()}"
             for path in root.glob("**/templates/**/*.html")
             for match in blocked.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found
