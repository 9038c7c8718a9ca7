"""Requesters hear the decisions on their 销号 and 延期 requests, and the next decider hears a
request waiting for them: each an audit action of notify.events.EVENT_KINDS, told once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from xuncha.ledger.models import Finding, Measure
from xuncha.ledger.services import accounts, closeouts, extensions, measures
from xuncha.notify.choices import KIND
from xuncha.notify.models import Notification

ACCOUNT = "已召开5次支部会议，均落实第一议题，会议记录已归档。"
NEW_KINDS = ("closeout_to_endorse", "closeout_to_decide", "closeout_approved", "extension_decided")


@pytest.fixture
def editor2(cast):
    """A second editor of 天宝社区: "the unit's editors" are more than the requester."""
    user = accounts.create_staff(cast.system, "editor2", "Xuncha-Test-2025!", "unit_editor", unit=cast.tianbao,
                                 display_name="王二").user
    cast.users["editor2"] = user
    return user


def _addresses() -> None:
    for user in get_user_model().objects.all():
        get_user_model().objects.filter(pk=user.pk).update(email=f"{user.username}@example.org")


def _told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def _mailed(kind_label: str) -> list[str]:
    return sorted(m.to[0].split("@")[0] for m in mail.outbox if kind_label in m.subject + m.body)


def _finished(cast) -> Finding:
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10), ACCOUNT, mark="done")
    return Finding.objects.get(pk=cast.finding.pk)


def test_the_new_kinds_have_chinese_labels_and_are_mailed_by_default(settings):
    for kind in (*NEW_KINDS, "comment_declined"):
        assert kind in KIND and not KIND.label(kind).isascii()
        assert kind in settings.NOTIFY_EMAIL_KINDS


def test_a_closeout_goes_to_the_leader_then_the_office_and_its_approval_to_the_requester(
        cast, today, committed, editor2):
    _addresses()
    with committed():
        request = closeouts.request_closeout(cast.actor("editor"), _finished(cast), "已整改到位")
    assert _told("closeout_to_endorse") == ["leader"]  # the unit's leader, not the office yet
    assert _told("closeout_to_decide") == []
    note = Notification.objects.get(kind="closeout_to_endorse")
    assert note.title == "销号申请待单位负责人审核：天宝社区"
    assert note.link == f"/findings/{cast.finding.pk}/"
    assert _mailed("销号申请待单位负责人审核") == ["leader"]

    with committed():
        closeouts.endorse_closeout(cast.actor("leader"), request, "情况属实")
    assert _told("closeout_to_decide") == ["admin"]
    assert Notification.objects.get(kind="closeout_to_decide").link == f"/findings/{cast.finding.pk}/"

    mail.outbox.clear()
    with committed():
        closeouts.approve_closeout(cast.actor("admin"), request, "同意")
    # The requester is also an editor of the unit: told once; the other editor too; the office
    # (who decided) is not told of its own act.
    assert _told("closeout_approved") == ["editor", "editor2"]
    note = Notification.objects.get(kind="closeout_approved", recipient=cast.users["editor"])
    assert note.title == "销号申请已同意：天宝社区" and note.link == f"/findings/{cast.finding.pk}/"
    assert _mailed("销号申请已同意") == ["editor", "editor2"]
    # Nobody got anything twice for any of the three acts.
    keys = list(Notification.objects.values_list("recipient_id", "kind"))
    assert len(keys) == len(set(keys))


def test_without_the_leaders_endorsement_a_request_goes_to_the_office(cast, today, committed, settings):
    settings.CLOSEOUT_ENDORSEMENT = False
    with committed():
        closeouts.request_closeout(cast.actor("editor"), _finished(cast))
    assert _told("closeout_to_endorse") == []
    assert _told("closeout_to_decide") == ["admin"]


def test_an_extension_decision_tells_the_requester_and_the_units_editors(cast, today, committed, editor2):
    _addresses()
    measure = Measure.objects.get(pk=cast.measure.pk)
    with committed():
        request = extensions.request_extension(cast.actor("editor2"), measure, dt.date(2025, 12, 31), "需统一部署")
        extensions.approve_extension(cast.actor("admin"), request, "同意")
    assert _told("extension_decided") == ["editor", "editor2"]  # the requester is an editor: once
    note = Notification.objects.get(kind="extension_decided", recipient=cast.users["editor2"])
    assert note.title == "延期申请已同意：天宝社区" and note.link == f"/findings/{cast.finding.pk}/"
    assert f"措施“{cast.measure.text[:10]}" in note.body  # which deadline it is about
    assert sorted(m.to[0] for m in mail.outbox if "延期申请已同意" in m.subject + m.body) == [
        "editor2@example.org", "editor@example.org"]

    with committed():
        second = extensions.request_extension(cast.actor("editor"), Measure.objects.get(pk=measure.pk),
                                              dt.date(2026, 1, 31), "再延一月")
        extensions.refuse_extension(cast.actor("admin"), second, "理由不充分，请按期完成")
    refused = Notification.objects.filter(kind="extension_decided", title="延期申请未获同意：天宝社区")
    assert sorted(refused.values_list("recipient__username", flat=True)) == ["editor", "editor2"]
    assert all("理由不充分，请按期完成" in n.body for n in refused)


def test_the_kinds_are_on_the_preferences_page_ticked_by_default(login, cast):
    page = login("editor").get(reverse("inbox-preferences")).content.decode()
    for kind in (*NEW_KINDS, "comment_declined"):
        assert KIND.label(kind) in page
        (box,) = re.findall(rf'<input[^>]*value="{kind}"[^>]*>', page)
        assert "checked" in box, kind


def test_saved_preferences_get_the_new_kinds_except_a_choice_of_no_email(cast):
    import importlib

    from django.apps import apps

    from xuncha.notify import services
    from xuncha.notify.models import Preference

    services.save_preferences(cast.actor("editor"), ["supervision"], digest=True)
    services.save_preferences(cast.actor("leader"), [], digest=False)
    importlib.import_module("xuncha.notify.migrations.0006_notification_decision_kinds").add_new_kinds(apps, None)
    kinds = dict(Preference.objects.values_list("user__username", "email_kinds"))
    assert kinds["editor"] == ["supervision", *NEW_KINDS, "comment_declined"]
    assert kinds["leader"] == []
