"""Every staff URL: anonymous users get the login page; another unit's editor gets nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from xuncha.ledger.models import AuditEvent, Closeout, Evidence, Finding, Measure, ProgressReport
from xuncha.ledger.services import closeouts, measures

pytestmark = pytest.mark.django_db


def with_evidence_and_request(cast):
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10), "完成",
                             [("记录.pdf", [b"%PDF-1.4 x"])], mark="done")
    request = closeouts.request_closeout(cast.actor("editor"), Finding.objects.get(pk=cast.finding.pk))
    return Evidence.objects.get(), request


def staff_urls(cast, evidence, request):
    return {
        "get": [reverse("workbench"), reverse("rounds"), reverse("round", args=[cast.inspection.round_id]),
                reverse("findings"), reverse("inspection", args=[cast.inspection.pk]),
                reverse("finding", args=[cast.finding.pk]), reverse("evidence-download", args=[evidence.pk])],
        "post": [reverse("finding-create", args=[cast.inspection.pk]),
                 reverse("finding-update", args=[cast.finding.pk]),
                 reverse("measure-update", args=[cast.measure.pk]),
                 reverse("measure-create", args=[cast.finding.pk]),
                 reverse("closeout-request", args=[cast.finding.pk]),
                 reverse("lookback-create", args=[cast.finding.pk]),
                 reverse("measure-status", args=[cast.measure.pk]),
                 reverse("progress-create", args=[cast.measure.pk]),
                 reverse("closeout-approve", args=[request.pk]),
                 reverse("closeout-return", args=[request.pk])],
    }


def test_anonymous_users_get_the_login_page_for_every_staff_url(client, cast, today):
    urls = staff_urls(cast, *with_evidence_and_request(cast))
    for url in urls["get"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url in urls["post"]:
        response = client.post(url, {"text": "x", "comment": "x"})
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_another_units_editor_can_neither_read_nor_change_anything_by_id(login, cast, today):
    evidence, request = with_evidence_and_request(cast)
    client = login("outsider")
    changes = AuditEvent.objects.exclude(result="denied")  # each refused POST is itself recorded
    before = (changes.count(), Measure.objects.count(), ProgressReport.objects.count())
    for url in staff_urls(cast, evidence, request)["get"][4:]:
        assert client.get(url).status_code == 404, url
    form = {"title": "伪造问题", "text": "伪造措施", "kind": "ongoing", "comment": "同意", "status": "in_progress",
            "version": 99, "date": "2025-11-10", "result": "sustained"}
    for url in staff_urls(cast, evidence, request)["post"]:
        assert client.post(url, form).status_code == 404, url
    assert (changes.count(), Measure.objects.count(), ProgressReport.objects.count()) == before
    assert AuditEvent.objects.filter(result="denied", actor_name="outsider").count() == 10
    assert Closeout.objects.get(pk=request.pk).state == "requested"


def test_another_units_editor_does_not_see_the_unit_in_lists(login, cast):
    client = login("outsider")
    page = client.get(reverse("findings")).content.decode()
    assert "财务管理不规范" in page and "第一议题" not in page
    page = client.get(reverse("round", args=[cast.inspection.round_id])).content.decode()
    assert "建设社区" in page and "天宝社区" not in page


def test_a_round_without_inspections_opens_for_the_office_and_the_supervisor_only(login, cast):
    from xuncha.ledger.services import setup

    empty = setup.create_round(cast.actor("admin"), "2026年区委第一轮巡察", start=dt.date(2026, 3, 1),
                               end=dt.date(2026, 5, 1))
    page = login("admin").get(reverse("round", args=[empty.pk])).content.decode()
    assert "本轮尚未安排巡察" in page and reverse("setup-round", args=[empty.pk]) in page
    page = login("supervisor").get(reverse("round", args=[empty.pk])).content.decode()
    assert "本轮尚未安排巡察" in page and reverse("setup-round", args=[empty.pk]) not in page
    for name in ("editor", "team_member", "outsider"):
        assert login(name).get(reverse("round", args=[empty.pk])).status_code == 404, name


def test_a_supervisor_reads_everything_but_gets_no_action_forms(login, cast):
    client = login("supervisor")
    page = client.get(reverse("finding", args=[cast.finding.pk])).content.decode()
    assert "第一议题" in page
    assert reverse("progress-create", args=[cast.measure.pk]) not in page
    assert reverse("measure-create", args=[cast.finding.pk]) not in page
    response = client.post(reverse("measure-create", args=[cast.finding.pk]),
                           {"text": "x", "kind": "ongoing"}, follow=True)
    assert "只有本单位联络员或巡察办可以修改整改措施" in response.content.decode()
    assert Measure.objects.count() == 2


def test_every_staff_page_is_not_stored_by_browsers(login, client, cast):
    assert client.get(reverse("login"))["Cache-Control"] == "no-store"
    client = login("editor")
    for url in [reverse("workbench"), reverse("finding", args=[cast.finding.pk])]:
        assert client.get(url)["Cache-Control"] == "no-store"


def test_forms_are_protected_against_cross_site_posts(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["editor"])
    response = client.post(reverse("measure-create", args=[cast.finding.pk]), {"text": "x", "kind": "ongoing"})
    assert response.status_code == 403
    assert "请刷新页面" in response.content.decode()


def test_the_session_expires_after_thirty_idle_minutes(settings):
    # Renewed at most once a minute by SessionRenewalMiddleware (tests/web/test_middleware.py).
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    assert "xuncha.web.middleware.SessionRenewalMiddleware" in settings.MIDDLEWARE
