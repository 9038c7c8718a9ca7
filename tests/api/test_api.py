"""The JSON API as its callers meet it: one error shape, scopes, hidden objects, ETags, pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.api.helpers import shape
from xuncha.ledger.models import AuditEvent, Evidence, Measure

pytestmark = pytest.mark.django_db


def test_it_answers_anonymous_requests_with_401_in_the_error_shape(cast):
    for method, path in (("get", "/api/v1/measures"), ("get", f"/api/v1/measures/{cast.measure.pk}"),
                         ("post", f"/api/v1/measures/{cast.measure.pk}/status")):
        response = getattr(Client(), method)(path)
        assert response.status_code == 401, path
        assert shape(response)["code"] == "unauthenticated"


def test_a_wrong_token_is_401(cast):
    response = Client(HTTP_AUTHORIZATION="Bearer xc_00000000_nope").get("/api/v1/rounds")
    assert response.status_code == 401 and shape(response)["message"] == "接口令牌无效。"


def test_a_read_token_may_not_write(cast, api):
    response = api("editor_read").post(f"/api/v1/measures/{cast.measure.pk}/status", {"status": "in_progress"})
    assert response.status_code == 403 and shape(response)["code"] == "forbidden"
    assert api("editor_read").get(f"/api/v1/measures/{cast.measure.pk}").status_code == 200


def test_another_units_objects_are_404_not_403(cast, api):
    outsider = api("outsider")
    for path in (f"/api/v1/measures/{cast.measure.pk}", f"/api/v1/findings/{cast.finding.pk}",
                 f"/api/v1/inspections/{cast.inspection.pk}", f"/api/v1/units/{cast.tianbao.pk}"):
        assert outsider.get(path).status_code == 404, path
    response = outsider.post(f"/api/v1/measures/{cast.measure.pk}/status", {"status": "in_progress"})
    assert response.status_code == 404 and shape(response)["message"] == "记录不存在，或您无权查看。"


def test_the_measure_list_takes_the_pages_filters_and_pages(cast, api, today):
    body = api("admin").get("/api/v1/measures?colour=red&page_size=1").json()
    assert [m["id"] for m in body["items"]] == [cast.measure.pk]  # deadline 11-15, today 11-20
    assert body["items"][0]["warning"] == "red" and body["count"] == 1 and body["next"] is None
    both = api("admin").get("/api/v1/measures?page_size=1").json()
    assert both["count"] == 2 and both["next"] == 2 and both["pages"] == 2
    assert api("editor").get("/api/v1/measures").json()["count"] == 1  # the other unit's is hidden
    assert api("admin").get(f"/api/v1/measures?unit={cast.jianshe.pk}").json()["items"][0]["id"] == \
        cast.other_measure.pk


def test_bad_input_is_422_with_field_errors_in_chinese(cast, api):
    response = api("editor").post(f"/api/v1/findings/{cast.finding.pk}/measures", {"kind": "whenever"})
    body = shape(response)
    assert response.status_code == 422 and body["code"] == "invalid_input"
    assert body["errors"]["text"] == ["必填。"] and body["errors"]["kind"] == ["不是允许的取值。"]
    assert api("admin").get("/api/v1/measures?page=0").status_code == 422


def test_a_service_refusal_keeps_its_chinese_message(cast, api):
    response = api("editor").post(f"/api/v1/measures/{cast.measure.pk}/status", {"status": "planned"})
    assert response.status_code == 409 and shape(response)["code"] == "invalid_move"
    assert "不能从" in response.json()["message"]


def test_etags_give_304_and_if_match_refuses_a_stale_write_with_412(cast, api):
    editor = api("editor")
    first = editor.get(f"/api/v1/measures/{cast.measure.pk}")
    tag = first["ETag"]
    assert editor.get(f"/api/v1/measures/{cast.measure.pk}", HTTP_IF_NONE_MATCH=tag).status_code == 304
    changed = editor.patch(f"/api/v1/measures/{cast.measure.pk}", {"owner": "社区党委办公室"}, HTTP_IF_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    stale = editor.patch(f"/api/v1/measures/{cast.measure.pk}", {"owner": "又一次"}, HTTP_IF_MATCH=tag)
    assert stale.status_code == 412 and shape(stale)["code"] == "precondition_failed"
    assert Measure.objects.get(pk=cast.measure.pk).owner == "社区党委办公室"


def test_a_progress_report_with_evidence_goes_through_the_service_and_is_audited(cast, api, today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    since = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = api("editor").upload(f"/api/v1/measures/{cast.measure.pk}/reports", {
        "date": "2025-11-10", "text": "已召开专题会议。", "mark": "done",
        "files": [SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 x")]})
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["evidence"][0]["original_name"] == "会议记录.pdf"
    actions = list(AuditEvent.objects.filter(seq__gt=since).values_list("action", flat=True))
    assert actions.count("progress.report") == 1
    assert Measure.objects.get(pk=cast.measure.pk).status == "done"
    evidence = Evidence.objects.get()
    download = api("editor").get(f"/api/v1/evidence/{evidence.pk}/download")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 x"
    assert api("outsider").get(f"/api/v1/evidence/{evidence.pk}/download").status_code == 404


def test_the_site_session_may_call_the_api_and_csrf_applies_to_writes(cast, client):
    client.force_login(cast.users["editor"])
    assert client.get("/api/v1/measures").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.users["editor"])
    response = strict.post(f"/api/v1/measures/{cast.measure.pk}/status", {"status": "in_progress"},
                           content_type="application/json")
    assert response.status_code == 403 and shape(response)["code"] == "csrf_failed"


def test_the_schema_and_the_docs_page_are_served_without_a_cdn(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/measures" in schema["paths"]
    page = client.get("/api/docs").content.decode()
    assert "/static/" in page and "cdn" not in page.lower()
    assert '<html lang="zh-CN">' in page and "返回工作台" in page and 'href="/account/tokens/"' in page


def test_every_operation_is_named_in_chinese():
    from xuncha.api.api import api

    schema = api.get_openapi_schema()
    names = {f"{method.upper()} {path}": op["summary"] for path, ops in schema["paths"].items()
             for method, op in ops.items()}
    assert names["GET /api/v1/rounds"] == "巡察轮次列表"
    assert names["POST /api/v1/interviews/{id}/record"] == "登记约谈情况"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names.values()), names
    assert len(set(names.values())) == len(names)  # no two operations share a name


def test_closeout_lifecycle_through_the_api(cast, api, today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    editor = api("editor")
    editor.upload(f"/api/v1/measures/{cast.measure.pk}/reports", {
        "date": "2025-11-10", "text": "已完成。", "mark": "done",
        "files": [SimpleUploadedFile("记录.pdf", b"%PDF-1.4 x")]})
    requested = editor.post(f"/api/v1/findings/{cast.finding.pk}/closeouts", {"comment": "已完成"})
    assert requested.status_code == 201, requested.content
    pk = requested.json()["id"]
    assert api("leader").post(f"/api/v1/closeouts/{pk}/endorse", {"comment": "同意"}).status_code == 200
    assert api("editor").post(f"/api/v1/closeouts/{pk}/approve", {"comment": "同意"}).status_code == 403
    approved = api("admin").post(f"/api/v1/closeouts/{pk}/approve", {"comment": "同意"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    lookback = api("admin").post(f"/api/v1/findings/{cast.finding.pk}/lookbacks",
                                 {"date": dt.date(2025, 11, 19).isoformat(), "result": "sustained"})
    assert lookback.status_code == 201, lookback.content


API_LISTS = {
    "measures": "/api/v1/measures?status=all&page_size=100",
    "measures_red": "/api/v1/measures?colour=red&page_size=100",
    "findings": "/api/v1/findings?page_size=100",
    "reports": None,  # filled with the cast's measure below
    "inspections": "/api/v1/inspections",
    "notices": "/api/v1/notices",
    "summary": "/api/v1/analytics/summary",
}
# Queries per list request, the same for 5 rows as for 32: the token and its person (2), the
# use log's row and the token's last use (2, with their savepoint on SQLite), then the list
# itself (its page count and rows, prefetched like the pages: see tests/web/test_pages.py).
API_QUERY_BASELINE = {"measures": 14, "measures_red": 15, "findings": 12, "reports": 12, "inspections": 10,
                      "notices": 10, "summary": 11}


@pytest.mark.parametrize("name", sorted(API_LISTS))
def test_api_lists_keep_their_query_count_whatever_the_rows(cast, api, today, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xuncha.ledger.services import findings as finding_services
    from xuncha.ledger.services import measures as measure_services

    url = API_LISTS[name] or f"/api/v1/measures/{cast.measure.pk}/reports?page_size=100"
    client, counts = api("admin"), []
    for extra in (3, 27):
        for i in range(extra):
            finding = finding_services.create_finding(cast.system, cast.inspection, f"问题{i}")
            measure_services.create_measure(cast.system, finding, f"措施{i}", deadline=dt.date(2025, 11, 1))
            measure_services.report_progress(cast.system, cast.measure, dt.date(2025, 11, 10), f"进展{i}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries for 5 rows, {counts[1]} for 32"
    assert counts[0] <= API_QUERY_BASELINE[name], f"{name}: {counts[0]} queries, baseline {API_QUERY_BASELINE[name]}"


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/measures/abc/xyz", "/api/nothing", "/api/v2/rounds",
                                  "/api/v1/measures/"])
def test_an_unknown_path_is_404_in_the_error_shape(cast, api, path):
    for client in (api("editor"), Client()):
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, (method, path)
            assert response["Content-Type"].startswith("application/json")
            body = shape(response)
            assert body["code"] == "not_found" and body["errors"] == {}
            assert body["message"] == "没有这个接口，请核对路径（接口说明见 /api/docs）。"


def test_a_method_the_path_does_not_take_is_405_in_the_error_shape(cast, api):
    for client in (api("admin").client, Client()):
        response = client.delete("/api/v1/rounds")
        assert response.status_code == 405
        assert response["Content-Type"].startswith("application/json") and "GET" in response["Allow"]
        body = shape(response)
        assert body["code"] == "method_not_allowed" and body["message"].startswith("该接口不接受 DELETE 请求（可用：")
    posted = api("admin").post("/api/", {})
    assert posted.status_code == 405 and shape(posted)["code"] == "method_not_allowed"


def test_an_operations_own_404_keeps_its_message(cast, api):
    response = api("outsider").get(f"/api/v1/measures/{cast.measure.pk}")
    assert response.status_code == 404 and shape(response)["message"] == "记录不存在，或您无权查看。"


def test_the_api_root_and_v1_lead_to_the_documentation_page(client):
    for path in ("/api/", "/api/v1/", "/api", "/api/v1"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert response.redirect_chain[-1][0] == "/api/docs", (path, response.redirect_chain)
    assert client.get("/api/").status_code == 302
