"""The session's user is loaded with its staff row, unit and team in one query."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xuncha.ledger.actor import actor_for
from xuncha.web.auth import StaffBackend

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_its_role_unit_and_team_in_one_query(cast):
    with CaptureQueriesContext(connection) as queries:
        editor = actor_for(StaffBackend().get_user(cast.users["editor"].pk))
        member = actor_for(StaffBackend().get_user(cast.users["team_member"].pk))
    assert len(queries) == 2
    assert (editor.role, editor.unit.name, editor.team) == ("unit_editor", "天宝社区", None)
    assert (member.role, member.team.name) == ("team_member", "区委第四巡察组")


def test_a_user_without_a_staff_row_has_no_role_and_an_inactive_one_no_session(cast):
    plain = get_user_model().objects.create_user("plain", password="x-Password-123")
    assert actor_for(StaffBackend().get_user(plain.pk)).role == "none"
    get_user_model().objects.filter(pk=plain.pk).update(is_active=False)
    assert StaffBackend().get_user(plain.pk) is None


def test_pages_build_the_actor_without_another_query(login, cast):
    client = login("editor")
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries if 'FROM "ledger_staff"' in q["sql"]]
