"""A unit may decline (不予公开) or merge a comment about itself, but not unseen: the office is
told with the reason and a link, and its comment list keeps the declined ones."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xuncha.ledger.actor import Actor
from xuncha.ledger.services import accounts
from xuncha.notify.models import Notification
from xuncha.portal.services import comments

CITIZEN = Actor(user=None, role="anonymous", ip="203.0.113.9")
ACCUSATION = "社区书记在低保评定中优亲厚友，请上级查处。"


@pytest.fixture
def admin2(cast):
    """A second person of the office: told of a unit's decline, not of the office's own."""
    user = accounts.create_staff(cast.system, "admin2", "Xuncha-Test-2025!", "office_admin",
                                 display_name="巡察办二").user
    cast.users["admin2"] = user
    return user


def _told() -> list[str]:
    return sorted(Notification.objects.filter(kind="comment_declined").values_list(
        "recipient__username", flat=True))


def test_a_unit_declining_a_comment_tells_the_office_with_the_reason_and_a_link(
        notice, cast, admin2, django_capture_on_commit_callbacks):
    comment = comments.post(CITIZEN, notice, ACCUSATION).comment
    with django_capture_on_commit_callbacks(execute=True):
        comments.moderate(cast.actor("editor"), comment, "decline", "内容不实，涉及个人")
    assert _told() == ["admin", "admin2"]  # the office; not the unit's own editor
    note = Notification.objects.filter(kind="comment_declined").first()
    assert note.title == "群众意见被承办单位不予公开：天宝社区"
    assert note.link == f"/comments/{comment.pk}/"
    assert "理由：内容不实，涉及个人" in note.body and note.body.startswith("editor：")
    # The office still finds it: the 不予公开 tab of its comment list, and the link opens it.
    from django.test import Client

    client = Client()
    client.force_login(cast.users["admin"])
    page = client.get(reverse("portal-staff:comments"), {"state": "declined"}).content.decode()
    assert "不予公开" in page and f'href="{reverse("portal-staff:comment", args=[comment.pk])}"' in page
    assert client.get(note.link).status_code == 200


def test_a_unit_merging_a_comment_tells_the_office_once(notice, cast, django_capture_on_commit_callbacks):
    admin = cast.actor("admin")
    first = comments.moderate(admin, comments.post(CITIZEN, notice, "消防栓没有水，请尽快处理。").comment, "publish")
    second = comments.post(CITIZEN, notice, ACCUSATION).comment
    with django_capture_on_commit_callbacks(execute=True):
        comments.moderate(cast.actor("leader"), second, "merge", "与前一条重复", into=first)
    assert _told() == ["admin"]
    note = Notification.objects.get(kind="comment_declined")
    assert note.title == "群众意见被承办单位合并：天宝社区" and "与前一条重复" in note.body


def test_the_office_declining_or_a_unit_publishing_tells_nobody(notice, cast, admin2,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comments.moderate(cast.actor("admin"), comments.post(CITIZEN, notice, ACCUSATION).comment, "decline",
                          "重复提交")
        comments.moderate(cast.actor("editor"), comments.post(CITIZEN, notice, "建议增设路灯照明。").comment,
                          "publish")
    assert _told() == []
