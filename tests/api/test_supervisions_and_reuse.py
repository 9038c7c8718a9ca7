"""督办 through the API (read where the caller may see it, 报结 and its decision, the 督办函), and
雷同 checks started through the API (202 with the check's URL, then its state and result)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.helpers import actions_since, last_seq, shape
from xuncha.ledger.models import ReuseCheck
from xuncha.notify import ladder
from xuncha.notify.models import Supervision

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervision(cast) -> Supervision:
    ladder.run(dt.date(2025, 11, 16))  # the cast's measure was due 2025-11-15
    return Supervision.objects.get()


def test_the_unit_and_the_office_see_the_supervision_and_strangers_do_not(cast, api, supervision):
    listed = api("editor").get("/api/v1/supervisions").json()
    assert [s["id"] for s in listed["items"]] == [supervision.pk] and listed["items"][0]["state"] == "open"
    assert api("outsider").get("/api/v1/supervisions").json()["count"] == 0
    assert api("admin").get("/api/v1/supervisions?status=closed").json()["count"] == 0
    detail = api("editor").get(f"/api/v1/supervisions/{supervision.pk}").json()
    assert detail["number"] == supervision.number and detail["moves"] == ["answer"]
    assert [m["measure_id"] for m in detail["measures"]] == [cast.measure.pk]
    for path in (f"/api/v1/supervisions/{supervision.pk}", f"/api/v1/supervisions/{supervision.pk}/letter/docx"):
        assert api("outsider").get(path).status_code == 404, path
    refused = api("outsider").post(f"/api/v1/supervisions/{supervision.pk}/answer", {"text": "已整改"})
    assert refused.status_code == 404 and shape(refused)["code"] == "not_found"


def test_answer_then_accept_through_the_notify_service(cast, api, supervision):
    editor, since = api("editor"), last_seq()
    empty = editor.post(f"/api/v1/supervisions/{supervision.pk}/answer", {})
    assert empty.status_code == 400 and shape(empty)["errors"] == {"text": ["请填写报结情况。"]}
    tag = editor.get(f"/api/v1/supervisions/{supervision.pk}")["ETag"]
    answered = editor.post(f"/api/v1/supervisions/{supervision.pk}/answer", {"text": "已全部整改完毕。"},
                           HTTP_IF_MATCH=tag)
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == "answered" and answered.json()["moves"] == []
    stale = editor.post(f"/api/v1/supervisions/{supervision.pk}/answer", {"text": "再报"}, HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    by_editor = editor.post(f"/api/v1/supervisions/{supervision.pk}/accept", {})
    assert by_editor.status_code == 403 and shape(by_editor)["code"] == "forbidden"
    accepted = api("admin").post(f"/api/v1/supervisions/{supervision.pk}/accept", {"text": "同意办结"})
    assert accepted.status_code == 200 and accepted.json()["state"] == "closed"
    again = api("admin").post(f"/api/v1/supervisions/{supervision.pk}/return", {"text": "退回"})
    assert again.status_code == 409 and shape(again)["code"] == "invalid_move"
    assert [a for a in actions_since(since) if a.startswith("supervision.")] == ["supervision.answer",
                                                                          "supervision.accept"]


def test_the_letter_is_downloaded_and_recorded(cast, api, supervision):
    since = last_seq()
    response = api("editor").get(f"/api/v1/supervisions/{supervision.pk}/letter/docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "wordprocessingml" in response["Content-Type"]
    assert actions_since(since) == ["supervision.letter"]
    assert api("editor").get(f"/api/v1/supervisions/{supervision.pk}/letter/odt").status_code == 422


def _batch(*texts: str) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"{i}.txt", text.encode()) for i, text in enumerate(texts, 1)]


def test_a_reuse_check_is_started_with_202_and_read_at_its_url(cast, api, django_capture_on_commit_callbacks):
    text = "会议记录：每周通报进度，逐一建立台账，明确责任人和完成时限，确保整改落实到位。"
    with django_capture_on_commit_callbacks(execute=True):  # the queued job runs here, as a worker would
        started = api("team_member").upload("/api/v1/reuse-checks", {
            "title": "述职报告", "min_run": "10", "threshold": "0.2", "files": _batch(text, "前言。" + text)})
    assert started.status_code == 202, started.content
    body = started.json()
    assert body["title"] == "述职报告" and body["files"] == 2
    assert started["Location"].endswith(body["url"]) and body["url"] == f"/api/v1/reuse-checks/{body['id']}"
    check = api("team_member").get(body["url"]).json()
    assert check["state"] == "done" and check["pair_count"] == 1 and check["min_run"] == 10
    assert check["result"]["pairs"]
    assert ReuseCheck.objects.get().created_by == cast.users["team_member"]
    # Another team's inspector does not see it; the office does.
    assert api("other_team").get(body["url"]).status_code == 404
    assert api("admin").get(body["url"]).status_code == 200


def test_a_reuse_check_refused(cast, api):
    refused = api("editor").upload("/api/v1/reuse-checks", {"files": _batch("一段文字")})
    assert refused.status_code == 403 and shape(refused)["message"] == "只有巡察办、巡察组和监督部门可以使用雷同检测。"
    nothing = api("team_member").upload("/api/v1/reuse-checks", {"title": "空"})
    assert nothing.status_code == 400 and "请选择要检测的文件" in shape(nothing)["message"]
    odd = api("team_member").upload("/api/v1/reuse-checks", {"threshold": "3", "files": _batch("x")})
    assert odd.status_code == 422 and set(shape(odd)["errors"]) == {"threshold"}
    assert api("editor_read").upload("/api/v1/reuse-checks", {"files": _batch("x")}).status_code == 403
    assert not ReuseCheck.objects.exists()


def test_supervisions_are_listed_by_unit_and_by_inspection(cast, api, supervision):
    other = Supervision.objects.create(inspection=cast.other_inspection, unit_name="建设社区", issuer="区委巡察办",
                                       opened_on=supervision.opened_on, reply_due=supervision.reply_due)

    def ids(query: str) -> list[int]:
        return [s["id"] for s in api("admin").get(f"/api/v1/supervisions?{query}").json()["items"]]

    assert sorted(ids("")) == sorted([supervision.pk, other.pk])
    assert ids(f"unit={cast.street.pk}") == ids(f"unit={cast.tianbao.pk}") == [supervision.pk]
    assert ids(f"unit={cast.jianshe.pk}") == ids(f"inspection={cast.other_inspection.pk}") == [other.pk]
    assert ids("unit=999999") == []
    assert api("admin").get("/api/v1/supervisions?unit=abc").status_code == 422
