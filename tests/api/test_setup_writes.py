"""巡察安排 through the API: rounds, units, teams (and members), inspections (one, or several units
of a round at once), by the services the 巡察安排 pages call, with their rules and refusals."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.api.helpers import actions_since, last_seq, shape
from xuncha.ledger.models import Inspection, Round, Staff, Unit
from xuncha.ledger.services import setup

pytestmark = pytest.mark.django_db


def test_the_office_makes_and_changes_a_round(cast, api):
    admin, since = api("admin"), last_seq()
    made = admin.post("/api/v1/rounds", {"name": "2026年区委第一轮巡察", "level": "区委", "start": "2026-03-01",
                                         "rectification_months": 3})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["type"] == "regular" and body["rectification_months"] == 3 and uuid.UUID(body["uid"])
    # A round without inspections yet is there for the office to arrange (as on the 巡察安排 page).
    read = admin.get(f"/api/v1/rounds/{body['id']}")
    assert read.status_code == 200
    changed = admin.patch(f"/api/v1/rounds/{body['id']}", {"end": "2026-05-31", "rectification_months": None},
                          HTTP_IF_MATCH=read["ETag"])
    assert changed.status_code == 200, changed.content
    assert changed.json()["end"] == "2026-05-31" and changed.json()["rectification_months"] is None
    assert changed.json()["name"] == "2026年区委第一轮巡察"  # what was not sent stays
    stale = admin.patch(f"/api/v1/rounds/{body['id']}", {"name": "又改"}, HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    assert actions_since(since) == ["round.create", "round.update"]
    assert admin.get(f"/api/v1/rounds?uid={body['uid']}").json()["count"] == 1


def test_a_round_refusal_names_its_field_in_chinese(cast, api):
    response = api("admin").post("/api/v1/rounds", {"name": "第二轮", "start": "2026-03-01", "end": "2026-01-01"})
    body = shape(response)
    assert response.status_code == 400 and body["errors"] == {"end": ["轮次结束日期不能早于开始日期。"]}
    missing = api("admin").post("/api/v1/rounds", {"type": "weekly"})
    assert missing.status_code == 422
    assert shape(missing)["errors"] == {"name": ["必填。"], "type": ["不是允许的取值。"]}


def test_units_are_made_renamed_and_moved_with_their_sub_tree(cast, api):
    admin = api("admin")
    made = admin.post("/api/v1/units", {"name": "新华社区", "short_name": "新华", "parent": cast.street.pk})
    assert made.status_code == 201, made.content
    assert made.json()["path"] == f"{cast.street.path}{made.json()['id']}/"
    moved = admin.patch(f"/api/v1/units/{cast.street.pk}", {"parent": cast.jianshe.pk, "kind": "street"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["name"] == "天宝街道党工委"  # unchanged fields stay
    assert Unit.objects.get(pk=cast.tianbao.pk).path.startswith(moved.json()["path"])
    top = admin.patch(f"/api/v1/units/{cast.street.pk}", {"parent": None})
    assert top.json()["parent_id"] is None
    under_itself = admin.patch(f"/api/v1/units/{cast.street.pk}", {"parent": cast.tianbao.pk})
    assert under_itself.status_code == 400 and "parent" in shape(under_itself)["errors"]
    nowhere = admin.post("/api/v1/units", {"name": "无主社区", "parent": 999_999})
    assert nowhere.status_code == 400 and shape(nowhere)["errors"] == {"parent": ["上级单位不存在（id 999999）。"]}


def test_teams_and_their_members(cast, api):
    admin, since = api("admin"), last_seq()
    made = admin.post("/api/v1/teams", {"name": "区委第九巡察组"})
    assert made.status_code == 201
    team = made.json()["id"]
    again = admin.post("/api/v1/teams", {"name": "区委第九巡察组"})
    assert again.status_code == 400 and shape(again)["errors"] == {"name": ["已有名为区委第九巡察组的巡察组。"]}
    assert admin.patch(f"/api/v1/teams/{team}", {"name": "区委第十巡察组"}).json()["name"] == "区委第十巡察组"
    member = Staff.objects.get(user=cast.users["other_team"])
    added = admin.post(f"/api/v1/teams/{team}/members", {"staff": member.pk})
    assert added.status_code == 200 and added.json()["team_id"] == team and added.json()["username"] == "other_team"
    assert [m["id"] for m in admin.get(f"/api/v1/teams/{team}/members").json()["items"]] == [member.pk]
    not_a_member = admin.post(f"/api/v1/teams/{team}/members",
                              {"staff": Staff.objects.get(user=cast.users["editor"]).pk})
    assert not_a_member.status_code == 400 and "staff" in shape(not_a_member)["errors"]
    removed = admin.client.delete(f"/api/v1/teams/{team}/members/{member.pk}")
    assert removed.status_code == 200 and removed.json()["team_id"] is None
    assert actions_since(since) == ["team.create", "team.update", "staff.team", "staff.team"]


def test_inspections_one_at_a_time_and_several_units_at_once(cast, api):
    admin = api("admin")
    round_ = cast.inspection.round
    street = admin.post("/api/v1/inspections", {"round": round_.pk, "team": cast.team2.pk, "unit": cast.street.pk,
                                                "start": "2025-07-02", "feedback_date": "2025-09-20"})
    assert street.status_code == 201, street.content
    # 集中整改期 counted from the feedback date by the round's rule (the service's).
    assert street.json()["rectification_end"] == setup.rectification_end(round_, dt.date(2025, 9, 20)).isoformat()
    taken = admin.post("/api/v1/inspections", {"round": round_.pk, "team": cast.team2.pk, "unit": cast.street.pk})
    assert taken.status_code == 400
    assert shape(taken)["errors"] == {"unit": ["天宝街道党工委在2025年区委第三轮巡察中已有巡察安排。"]}
    bad_dates = admin.patch(f"/api/v1/inspections/{street.json()['id']}", {"end": "2025-07-01"})
    assert bad_dates.status_code == 400 and shape(bad_dates)["errors"] == {"end": ["结束日期不能早于进驻日期。"]}
    moved = admin.patch(f"/api/v1/inspections/{street.json()['id']}", {"team": cast.team4.pk})
    assert moved.status_code == 200 and moved.json()["team_id"] == cast.team4.pk
    assert moved.json()["feedback_date"] == "2025-09-20"  # what was not sent stays

    later = admin.post("/api/v1/rounds", {"name": "2026年区委第一轮巡察"}).json()["id"]
    batch = admin.post(f"/api/v1/rounds/{later}/inspections", {
        "team": cast.team2.pk, "units": [cast.tianbao.pk], "names": "建设社区\n",
        "start": "2026-03-02", "end": "2026-04-30"})
    assert batch.status_code == 201, batch.content
    assert batch.json()["count"] == 2
    assert {i["unit_id"] for i in batch.json()["items"]} == {cast.tianbao.pk, cast.jianshe.pk}
    unknown = admin.post(f"/api/v1/rounds/{later}/inspections", {"team": cast.team2.pk, "names": "不存在社区"})
    assert unknown.status_code == 400 and "不存在社区" in shape(unknown)["errors"]["names"][0]
    assert Inspection.objects.filter(round_id=later).count() == 2  # all or none


def test_only_the_office_arranges_and_strangers_see_404(cast, api):
    refused = api("editor").post("/api/v1/rounds", {"name": "第四轮"})
    assert refused.status_code == 403 and shape(refused)["message"] == "只有巡察办或系统管理员可以进行巡察安排。"
    # The editor sees its own unit (403: it exists for them); another unit's editor does not (404).
    assert api("editor").patch(f"/api/v1/units/{cast.tianbao.pk}", {"name": "x"}).status_code == 403
    assert api("outsider").patch(f"/api/v1/units/{cast.tianbao.pk}", {"name": "x"}).status_code == 404
    assert api("team_member").get(f"/api/v1/teams/{cast.team4.pk}/members").status_code == 403
    assert api("outsider").get(f"/api/v1/teams/{cast.team4.pk}/members").status_code == 404
    read_only = api("editor_read").post("/api/v1/units", {"name": "只读社区"})
    assert read_only.status_code == 403 and shape(read_only)["code"] == "forbidden"
    assert not Round.objects.filter(name="第四轮").exists() and Unit.objects.count() == 4


def test_every_object_carries_its_uid_and_is_found_by_it(cast, api, today):
    admin = api("admin")
    for path, obj in ((f"/api/v1/measures/{cast.measure.pk}", cast.measure),
                      (f"/api/v1/findings/{cast.finding.pk}", cast.finding),
                      (f"/api/v1/inspections/{cast.inspection.pk}", cast.inspection),
                      (f"/api/v1/units/{cast.tianbao.pk}", cast.tianbao),
                      (f"/api/v1/teams/{cast.team4.pk}", cast.team4)):
        assert admin.get(path).json()["uid"] == str(obj.uid), path
    found = admin.get(f"/api/v1/measures?uid={cast.measure.uid}&status=all").json()
    assert [m["id"] for m in found["items"]] == [cast.measure.pk]
    assert admin.get(f"/api/v1/findings?uid={cast.other_finding.uid}").json()["items"][0]["id"] == \
        cast.other_finding.pk
    assert admin.get(f"/api/v1/measures?uid={uuid.uuid4()}").json()["count"] == 0
    # Another unit's object by its uid: not there for the caller.
    assert api("outsider").get(f"/api/v1/measures?uid={cast.measure.uid}&status=all").json()["count"] == 0
    assert admin.get("/api/v1/measures?uid=not-a-uuid").status_code == 422


def test_a_body_that_is_not_a_json_object_is_refused(cast, api):
    """A PATCH whose fields are all optional must not take `null`, `[]` or `"x"` for an empty object."""
    admin = api("admin")
    for body in ("null", "[null, null]", '"AAA"', "false"):
        response = admin.client.patch(f"/api/v1/units/{cast.tianbao.pk}", body, content_type="application/json")
        assert response.status_code == 422, body
        assert shape(response)["errors"] == {"__all__": ["请求体应为 JSON 对象。"]}
    assert Unit.objects.get(pk=cast.tianbao.pk).name == "天宝社区"
