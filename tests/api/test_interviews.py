"""约谈 through the API: read where the caller may see them (filters, pages, ETags) and the
office's record of the talk through the notify service, with the page's rules and audit record."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.helpers import actions_since, last_seq, shape
from xuncha.ledger.services import setup
from xuncha.notify import ladder
from xuncha.notify.models import Interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(cast) -> Interview:
    """The cast's measure was due 2025-11-15: a 督办 the next day, a 约谈 a month later."""
    for day in (dt.date(2025, 11, 16), dt.date(2025, 12, 16)):
        ladder.run(day)
    return Interview.objects.get()


def test_the_unit_and_the_office_see_the_interview_and_strangers_do_not(cast, api, interview):
    listed = api("editor").get("/api/v1/interviews").json()
    assert [i["id"] for i in listed["items"]] == [interview.pk]
    item = listed["items"][0]
    assert item["state"] == "planned" and item["unit_name"] == "天宝社区" and item["measure_count"] == 1
    assert item["inspection_id"] == cast.inspection.pk and item["held_on"] is None
    assert api("outsider").get("/api/v1/interviews").json()["count"] == 0
    detail = api("editor").get(f"/api/v1/interviews/{interview.pk}")
    assert detail.status_code == 200 and detail["ETag"]
    assert [m["measure_id"] for m in detail.json()["measures"]] == [cast.measure.pk]
    assert detail.json()["moves"] == []  # the unit reads; only the office records
    assert api("admin").get(f"/api/v1/interviews/{interview.pk}").json()["moves"] == ["record"]
    assert api("editor").get(f"/api/v1/interviews/{interview.pk}",
                             HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
    hidden = api("outsider").get(f"/api/v1/interviews/{interview.pk}")
    assert hidden.status_code == 404 and shape(hidden)["code"] == "not_found"
    assert api(None).get("/api/v1/interviews").status_code == 401
    assert api(None).get(f"/api/v1/interviews/{interview.pk}").status_code == 401


def test_filters_by_state_unit_and_inspection(cast, api, interview):
    admin = api("admin")

    def ids(query: str) -> list[int]:
        response = admin.get(f"/api/v1/interviews?{query}")
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["items"]]

    assert ids("status=planned") == [interview.pk] and ids("status=held") == []
    # A unit takes its sub-units: 天宝社区 is under the street, not under 建设社区.
    assert ids(f"unit={cast.tianbao.pk}") == ids(f"unit={cast.street.pk}") == [interview.pk]
    assert ids(f"unit={cast.jianshe.pk}") == [] and ids("unit=999999") == []
    assert ids(f"inspection={cast.inspection.pk}") == [interview.pk]
    assert ids(f"inspection={cast.other_inspection.pk}") == []
    odd = admin.get("/api/v1/interviews?status=maybe")
    assert odd.status_code == 422 and set(shape(odd)["errors"]) == {"status"}
    paged = admin.get("/api/v1/interviews?page_size=1").json()
    assert (paged["count"], paged["pages"], paged["page_size"], paged["next"]) == (1, 1, 1, None)


def test_the_office_records_the_interview_through_the_notify_service(cast, api, interview, today):
    admin, since = api("admin"), last_seq()
    path = f"/api/v1/interviews/{interview.pk}/record"
    future = admin.post(path, {"held_on": "2025-11-21", "people": "巡察办主任王某"})
    assert future.status_code == 400 and shape(future)["errors"] == {"held_on": ["约谈日期不能晚于今天。"]}
    blank = admin.post(path, {"held_on": "2025-11-19", "people": "   "})
    assert blank.status_code == 400 and shape(blank)["errors"] == {"people": ["请填写约谈人员。"]}
    missing = admin.post(path, {"people": "王某"})
    assert missing.status_code == 422 and set(shape(missing)["errors"]) == {"held_on"}
    tag = admin.get(f"/api/v1/interviews/{interview.pk}")["ETag"]
    recorded = admin.post(path, {"held_on": "2025-11-19", "people": "巡察办主任王某；社区党委书记李某",
                                 "notes": "指出问题，限期整改。"}, HTTP_IF_MATCH=tag)
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert (body["state"], body["held_on"], body["people"], body["notes"]) == (
        "held", "2025-11-19", "巡察办主任王某；社区党委书记李某", "指出问题，限期整改。")
    assert recorded["ETag"] != tag
    stale = admin.post(path, {"held_on": "2025-11-19", "people": "王某"}, HTTP_IF_MATCH=tag)
    assert stale.status_code == 412 and shape(stale)["code"] == "precondition_failed"
    row = Interview.objects.get()
    assert (row.state, row.people, row.recorded_by) == ("held", "巡察办主任王某；社区党委书记李某",
                                                        cast.users["admin"])
    # Sent again (with the current ETag) it corrects the record, as the page's form does.
    corrected = admin.post(path, {"held_on": "2025-11-18", "people": "王某"}, HTTP_IF_MATCH=recorded["ETag"])
    assert corrected.status_code == 200 and corrected.json()["held_on"] == "2025-11-18"
    assert actions_since(since) == ["interview.record", "interview.record"]
    assert api("admin").get("/api/v1/interviews?status=held").json()["count"] == 1


def test_a_record_refused_leaves_the_interview_as_it_was(cast, api, interview):
    path, body = f"/api/v1/interviews/{interview.pk}/record", {"held_on": "2025-11-19", "people": "王某"}
    by_unit = api("editor").post(path, body)
    assert by_unit.status_code == 403 and shape(by_unit)["message"] == "只有巡察办可以登记约谈情况。"
    assert api("editor_read").post(path, body).status_code == 403
    assert api("outsider").post(path, body).status_code == 404
    assert api(None).post(path, body).status_code == 401
    assert Interview.objects.get().state == "planned"


def test_an_interview_of_another_inspection_of_the_same_unit_is_found_by_it(cast, api, interview):
    """Interviews of a later inspection of the unit appear under its inspection only."""
    later = setup.create_round(cast.system, "2026年区委第一轮巡察", start=dt.date(2026, 3, 1))
    second = setup.create_inspection(cast.system, later, cast.team4, cast.tianbao, start=dt.date(2026, 3, 2))
    other = Interview.objects.create(inspection=second, unit_name="天宝社区", opened_on=dt.date(2026, 9, 1))
    admin = api("admin")
    assert [i["id"] for i in admin.get(f"/api/v1/interviews?inspection={second.pk}").json()["items"]] == [other.pk]
    assert [i["id"] for i in admin.get(f"/api/v1/interviews?unit={cast.tianbao.pk}").json()["items"]] == [
        other.pk, interview.pk]  # newest first, as the page lists them
    assert admin.get(f"/api/v1/interviews/{other.pk}").json()["measure_count"] == 0


def test_bad_bodies_are_refused_with_the_field_named(cast, api, interview):
    admin, path = api("admin"), f"/api/v1/interviews/{interview.pk}/record"
    for body, field in (({"held_on": "2025-11-19", "people": "王" * 301}, "people"),
                        ({"held_on": "2025-11-19", "people": "王某\x00"}, "people"),
                        ({"held_on": "1900-01-01", "people": "王某"}, "held_on"),
                        ({"held_on": "2025-11-19", "people": "王某", "notes": "记" * 5001}, "notes")):
        refused = admin.post(path, body)
        assert refused.status_code == 422 and set(shape(refused)["errors"]) == {field}, (body, refused.content)
    for body in ("[]", '"x"', "null"):  # a body that is not a JSON object
        refused = admin.client.post(path, body, content_type="application/json")
        assert refused.status_code == 422, (body, refused.content)
    assert admin.client.post(path, "{", content_type="application/json").status_code == 400  # not JSON
    assert Interview.objects.get().state == "planned"
