"""API tokens: hashed at rest, shown once, scoped, expiring, revocable, and every use logged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from xuncha.api import tokens
from xuncha.api.models import ApiToken, TokenUse
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, PermissionDenied
from xuncha.ledger.models import AuditEvent, Staff
from xuncha.ledger.services import accounts

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_it_keeps_only_a_hash_and_a_prefix_of_the_token(cast):
    issued = tokens.create_token(cast.actor("editor"), cast.users["editor"], "OA", "read", 30)
    row = ApiToken.objects.get()
    assert issued.secret.startswith(f"xc_{row.prefix}_")
    assert row.digest == tokens.digest(issued.secret) and issued.secret not in row.digest
    assert AuditEvent.objects.filter(action="token.create", object_id=row.pk).count() == 1


def test_nobody_makes_a_token_for_someone_else(cast):
    with pytest.raises(PermissionDenied):
        tokens.create_token(cast.actor("editor"), cast.users["leader"])


def test_the_command_prints_the_token_as_its_last_word_and_it_works(cast):
    out = io.StringIO()
    call_command("token", "create", "editor", "--scope", "write", "--days", "7", stdout=out)
    secret = out.getvalue().split()[-1]
    assert bearer(secret).get("/api/v1/measures").status_code == 200
    listing = io.StringIO()
    call_command("token", "list", "editor", stdout=listing)
    assert ApiToken.objects.get().prefix in listing.getvalue() and secret not in listing.getvalue()
    call_command("token", "revoke", ApiToken.objects.get().prefix, stdout=io.StringIO())
    response = bearer(secret).get("/api/v1/measures")
    assert response.status_code == 401 and response.json()["message"] == "接口令牌已吊销。"
    assert list(AuditEvent.objects.filter(action__startswith="token.").order_by("seq")
                .values_list("action", flat=True)) == ["token.create", "token.revoke"]


def test_every_use_is_logged_with_status_method_path_and_address(cast):
    secret = tokens.create_token(cast.system, cast.users["editor"], scope="read").secret
    client = bearer(secret)
    client.get("/api/v1/measures?colour=red", REMOTE_ADDR="198.51.100.7")
    client.get(f"/api/v1/measures/{cast.other_measure.pk}", REMOTE_ADDR="198.51.100.7")
    client.post(f"/api/v1/measures/{cast.measure.pk}/status", {"status": "in_progress"},
                content_type="application/json", REMOTE_ADDR="198.51.100.7")
    uses = list(TokenUse.objects.order_by("id").values_list("method", "path", "status", "ip"))
    assert uses == [("GET", "/api/v1/measures?colour=red", 200, "198.51.100.7"),
                    ("GET", f"/api/v1/measures/{cast.other_measure.pk}", 404, "198.51.100.7"),
                    ("POST", f"/api/v1/measures/{cast.measure.pk}/status", 403, "198.51.100.7")]
    assert ApiToken.objects.get().last_used_at is not None


def test_an_expired_token_and_a_deactivated_persons_token_stop_working(cast, monkeypatch):
    secret = tokens.create_token(cast.system, cast.users["editor"], days=1).secret
    assert bearer(secret).get("/api/v1/rounds").status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    monkeypatch.setattr("xuncha.clock.now", lambda: later)
    assert bearer(secret).get("/api/v1/rounds").json()["message"] == "接口令牌已过期。"
    monkeypatch.undo()
    other = tokens.create_token(cast.system, cast.users["leader"]).secret
    from xuncha.ledger.models import Staff

    accounts.set_active(cast.actor("sysadmin"), Staff.objects.get(user=cast.users["leader"]), False)
    response = bearer(other).get("/api/v1/rounds")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_the_tokens_page_shows_a_new_token_once_and_revokes_it(login, cast):
    client = login("editor")
    page = client.post(reverse("api-tokens"), {"name": "区纪委平台", "scope": "read", "days": "30"})
    assert page.status_code == 200
    token = ApiToken.objects.get()
    secret = page.context["issued"].secret
    assert secret in page.content.decode()
    again = client.get(reverse("api-tokens")).content.decode()
    assert token.prefix in again and secret not in again
    client.post(reverse("api-token-revoke", args=[token.pk]))
    assert ApiToken.objects.get().revoked_at is not None


def test_someone_elses_token_cannot_be_revoked_from_the_page(login, cast):
    token = tokens.create_token(cast.system, cast.users["leader"]).token
    assert login("editor").post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_the_three_administrators_get_no_token_and_an_old_one_stops_working(cast):
    # The 三员 do not use the API: no token is made for them, even by the command line, and a token
    # made before an account's role became one of theirs is refused with the role's reason.
    for name in ("sysadmin", "secadmin", "auditadmin"):
        with pytest.raises(InvalidInput):
            tokens.create_token(cast.system, cast.users[name])
    secret = tokens.create_token(cast.system, cast.users["editor"], scope="write").secret
    Staff.objects.filter(user=cast.users["editor"]).update(role="sys_admin", unit=None)
    response = bearer(secret).get("/api/v1/rounds")
    assert response.status_code == 403
    assert response.json()["message"] == "您的角色不使用数据接口。"


def test_a_read_only_role_gets_no_write_token_from_the_service(cast):
    # 监督查看 holds only actions that look (permissions.READS): read, never write — even from the system.
    with pytest.raises(InvalidInput) as refused:
        tokens.create_token(cast.actor("supervisor"), cast.users["supervisor"], scope="write")
    assert refused.value.field == "scope" and "只能创建只读（read）令牌" in refused.value.message
    with pytest.raises(InvalidInput):
        tokens.create_token(cast.system, cast.users["supervisor"], scope="write")
    assert not ApiToken.objects.exists()
    read = tokens.create_token(cast.actor("supervisor"), cast.users["supervisor"], scope="read")
    assert read.token.scope == "read" and bearer(read.secret).get("/api/v1/rounds").status_code == 200
    # Everyone whose role writes something still gets one.
    for name in ("admin", "editor", "leader", "team_member"):
        assert tokens.create_token(cast.system, cast.users[name], scope="write").token.scope == "write"


def test_may_write_is_read_from_the_permission_table():
    assert permissions.READS.issubset(permissions.ACTIONS) and permissions.WRITES
    for role in ("office_admin", "team_member", "unit_editor", "unit_leader", "system"):
        assert permissions.may_write(Actor(user=None, role=role)), role
    assert not permissions.may_write(Actor(user=None, role="supervisor"))
    supervisor_holds = {action for action, roles in permissions.ACTIONS.items() if "supervisor" in roles}
    assert supervisor_holds <= permissions.READS


def test_the_page_offers_a_read_only_role_only_a_read_token_and_refuses_write(login, cast):
    client = login("supervisor")
    page = client.get(reverse("api-tokens"))
    options = page.context["form"].fields["scope"].choices
    assert [code for code, _ in options] == ["read"]
    html = page.content.decode()
    assert 'value="write"' not in html and "只能创建只读令牌" in html
    refused = client.post(reverse("api-tokens"), {"name": "纪委平台", "scope": "write", "days": "30"})
    assert refused.status_code == 200 and not ApiToken.objects.exists()
    assert tokens.READ_ONLY_MESSAGE in refused.content.decode()
    made = client.post(reverse("api-tokens"), {"name": "纪委平台", "scope": "read", "days": "30"})
    assert made.status_code == 200 and ApiToken.objects.get().scope == "read"
    # Someone whose role writes is offered both.
    both = login("editor").get(reverse("api-tokens")).context["form"].fields["scope"].choices
    assert [code for code, _ in both] == ["read", "write"]


def test_the_command_refuses_a_write_token_for_a_read_only_role(cast):
    with pytest.raises(CommandError, match="只能创建只读（read）令牌"):
        call_command("token", "create", "supervisor", "--scope", "write", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
    out = io.StringIO()
    call_command("token", "create", "supervisor", "--scope", "read", stdout=out)
    assert "只读" in out.getvalue() and ApiToken.objects.get().scope == "read"


def test_an_old_write_token_of_a_read_only_role_reads_only_and_is_listed_so(login, cast):
    # Made before the rule (or before the person's role became 监督查看): it works as a read token.
    secret = tokens.create_token(cast.system, cast.users["editor"], scope="write").secret
    Staff.objects.filter(user=cast.users["editor"]).update(role="supervisor", unit=None)
    client = bearer(secret)
    assert client.get("/api/v1/rounds").status_code == 200
    write = client.post(f"/api/v1/measures/{cast.measure.pk}/status", {"status": "in_progress"},
                        content_type="application/json")
    assert write.status_code == 403 and write.json()["message"] == "该账号的角色只能查看，接口令牌只能用于查询。"
    listed = login("editor").get(reverse("api-tokens")).content.decode()
    assert "只读（角色只能查看）" in listed and ">读写<" not in listed
    listing = io.StringIO()
    call_command("token", "list", "editor", stdout=listing)
    assert "  read  " in listing.getvalue()
