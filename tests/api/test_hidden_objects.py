"""Every object endpoint of the schema, tried with another unit's token, answers 404 (never 403,
which would tell that the object exists). The list comes from the schema itself: a new path with
an {id} is tried without anyone remembering to add it."""

from __future__ import annotations

import datetime as dt
from string import Formatter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from xuncha.api.api import api as ninja_api
from xuncha.ledger.actor import actor_for
from xuncha.ledger.models import Evidence, ReuseCheck, Staff
from xuncha.ledger.services import closeouts, extensions, findings, measures, notices, setup
from xuncha.notify.models import Interview, Supervision
from xuncha.portal.services import comments

pytestmark = pytest.mark.django_db

# A valid body per action, so that nothing but the object's visibility can refuse the request.
BODIES = {
    ("post", "findings"): {"title": "会议记录不规范"},
    ("post", "measures"): {"text": "补全会议记录"},
    ("post", "status"): {"status": "in_progress"},
    ("post", "lookbacks"): {"date": "2025-11-19", "result": "sustained"},
    ("post", "extensions"): {"new_deadline": "2026-01-31", "reason": "需要等待上级批复"},
    ("post", "reply"): {"text": "已安排维修，请监督。"},
    ("post", "record"): {"held_on": "2025-11-19", "people": "巡察办主任王某；社区党委书记李某"},
    ("post", "members"): {"staff": 1},
    ("post", "inspections"): {"team": 1},
    ("patch", "{id}"): {"name": "改名"},
}
FORM_BODIES = {("post", "reports"): {"date": "2025-11-10", "text": "已召开会议"}}


@pytest.fixture
def tianbao(cast, today, settings):
    """天宝社区's objects of every kind, made through the services."""
    settings.ALLOWED_HOSTS = ["testserver"]
    system, editor = cast.system, cast.actor("editor")
    measures.report_progress(editor, cast.measure, dt.date(2025, 11, 10), "完成", [("记录.pdf", [b"%PDF-1.4 x"])],
                             mark="done")
    closeout = closeouts.request_closeout(editor, cast.finding)
    second = findings.create_finding(system, cast.inspection, "台账不完整")
    pending = measures.create_measure(system, second, "补齐台账", deadline=dt.date(2025, 12, 1))
    extension = extensions.request_extension(editor, pending, dt.date(2025, 12, 31), "需要等待上级批复")
    notice = notices.publish(cast.actor("admin"), notices.approve(cast.actor("leader"), notices.draft_from_ledger(
        editor, cast.inspection)), override_reason="测试")
    comment = comments.post(actor_for(AnonymousUser(), "203.0.113.9"), notice, "消防栓还没有水。", "张三",
                            "13812345678").comment
    later = setup.create_round(system, "2026年区委第一轮巡察", start=dt.date(2026, 3, 1))
    setup.create_inspection(system, later, cast.team4, cast.tianbao, start=dt.date(2026, 3, 2))
    check = ReuseCheck.objects.create(title="述职报告", created_by=cast.users["admin"])
    supervision = Supervision.objects.create(inspection=cast.inspection, unit_name="天宝社区", issuer="区委巡察办",
                                             opened_on=dt.date(2025, 11, 16), reply_due=dt.date(2025, 11, 26))
    interview = Interview.objects.create(inspection=cast.inspection, unit_name="天宝社区",
                                         opened_on=dt.date(2025, 12, 16))
    return {"rounds": later.pk, "units": cast.tianbao.pk, "teams": cast.team4.pk,
            "inspections": cast.inspection.pk, "findings": cast.finding.pk, "measures": cast.measure.pk,
            "closeouts": closeout.pk, "extensions": extension.pk, "notices": notice.pk, "comments": comment.pk,
            "evidence": Evidence.objects.get().pk, "reuse-checks": check.pk, "supervisions": supervision.pk,
            "interviews": interview.pk,
            "staff": Staff.objects.get(user=cast.users["team_member"]).pk}


def object_operations():
    """(method, path template, parameters) of every operation on one object."""
    schema = ninja_api.get_openapi_schema()
    for template, operations in schema["paths"].items():
        if "{id}" not in template:
            continue
        for method, operation in operations.items():
            yield method, template, operation.get("parameters", [])


def _url(template: str, ids: dict, parameters: list) -> str:
    kind = template.removeprefix("/api/v1/").split("/")[0]
    values = {"id": ids[kind]}
    for parameter in parameters:
        if parameter["in"] == "path" and parameter["name"] != "id":
            # A choice (a move, a format) takes its first value; another object's id its own.
            schema = parameter["schema"]
            values[parameter["name"]] = schema["enum"][0] if "enum" in schema else ids[parameter["name"]]
    names = [name for _, name, _, _ in Formatter().parse(template) if name]
    return template.format(**{name: values[name] for name in names})


def test_every_object_endpoint_answers_404_to_another_units_token(cast, tianbao, secrets_):
    tried = 0
    for method, template, parameters in object_operations():
        kind = template.removeprefix("/api/v1/").split("/")[0]
        # 雷同 batches are their authors' (and the office's): another team's inspector is the stranger.
        stranger = "other_team" if kind == "reuse-checks" else "outsider"
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secrets_[stranger]}")
        url = _url(template, tianbao, parameters)
        action = (method, template.rstrip("/").split("/")[-1])
        if action in FORM_BODIES:
            response = client.post(url, FORM_BODIES[action])
        else:
            response = getattr(client, method)(url, BODIES.get(action, {}), content_type="application/json")
        assert response.status_code == 404, (method.upper(), url, response.status_code, response.content[:200])
        assert response.json()["code"] == "not_found"
        tried += 1
    assert tried >= 40


def test_the_owner_unit_sees_the_same_objects(cast, tianbao, secrets_):
    """The same ids are there for 天宝社区's own editor: the 404s above are about visibility."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secrets_['editor']}")
    for kind in ("units", "inspections", "findings", "measures", "closeouts", "extensions", "notices", "comments",
                 "supervisions", "interviews"):
        assert client.get(f"/api/v1/{kind}/{tianbao[kind]}").status_code == 200, kind
