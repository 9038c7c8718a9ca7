"""巡察安排 in the staff site: the office sets up without the admin; others are refused."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuncha.ledger.models import AuditEvent, Inspection, Round, Staff, Unit
from xuncha.ledger.services import setup

pytestmark = pytest.mark.django_db


def test_the_nav_shows_the_setup_item_to_the_office_only(login, cast):
    assert ">巡察安排</a>" in login("admin").get(reverse("workbench")).content.decode()
    for name in ("editor", "team_member", "supervisor"):
        client = login(name)
        assert "巡察安排" not in client.get(reverse("workbench")).content.decode()
        assert client.get(reverse("setup")).status_code == 403
        assert client.post(reverse("setup-round-create"), {"name": "x", "type": "regular"}).status_code == 403
    assert not Round.objects.filter(name="x").exists()


def test_the_office_creates_a_round_and_a_backwards_one_is_refused_with_the_text_kept(login, cast):
    client = login("admin")
    response = client.post(reverse("setup-round-create"), {
        "name": "2026年区委第一轮巡察", "level": "区委", "type": "regular", "start": "2026-03-01",
        "end": "2026-02-01", "rectification_months": "3"})
    page = response.content.decode()
    assert response.status_code == 400 and "轮次结束日期不能早于开始日期" in page
    assert 'value="2026年区委第一轮巡察"' in page  # what was typed is still there
    response = client.post(reverse("setup-round-create"), {
        "name": "2026年区委第一轮巡察", "level": "区委", "type": "regular", "start": "2026-03-01",
        "end": "2026-04-30", "rectification_months": "3"})
    round_ = Round.objects.get(name="2026年区委第一轮巡察")
    assert response["Location"] == reverse("setup-round", args=[round_.pk])
    assert (round_.level, round_.rectification_months) == ("区委", 3)


def test_the_inspection_form_uses_the_models_field_names_and_checks_dates(login, cast):
    client = login("admin")
    round_ = setup.create_round(cast.system, "第四轮")
    page = client.get(reverse("setup-round", args=[round_.pk])).content.decode()
    for name in ("round", "team", "unit", "start", "end", "feedback_date", "rectification_end"):
        assert f'name="{name}"' in page, name
    form = {"round": round_.pk, "team": cast.team4.pk, "unit": cast.street.pk, "start": "2026-03-02",
            "end": "2026-04-10", "feedback_date": "2026-04-01"}
    response = client.post(reverse("setup-inspection-create"), form)
    assert response.status_code == 400 and "反馈日期不能早于结束日期" in response.content.decode()
    response = client.post(reverse("setup-inspection-create"), {**form, "feedback_date": "2026-05-10"})
    assert response.status_code == 302
    inspection = Inspection.objects.get(round=round_)
    assert inspection.rectification_end == dt.date(2026, 7, 10)
    response = client.post(reverse("setup-inspection-create"), {**form, "feedback_date": "2026-05-10"})
    assert "天宝街道党工委在第四轮中已有巡察安排" in response.content.decode()


def test_several_units_are_arranged_at_once_or_none_with_unknown_names_listed(login, cast):
    client = login("admin")
    round_ = setup.create_round(cast.system, "第四轮")
    url = reverse("setup-inspections-bulk", args=[round_.pk])
    form = {"team": cast.team2.pk, "units": [cast.street.pk], "names": "天宝社区\n幸福社区",
            "feedback_date": "2026-05-10"}
    page = client.post(url, form).content.decode()
    assert "未找到" in page and "幸福社区" in page and "天宝社区\n幸福社区</textarea>" in page
    assert not Inspection.objects.filter(round=round_).exists()
    client.post(url, {**form, "names": "天宝社区\n建设社区"})
    assert Inspection.objects.filter(round=round_).count() == 3


def _ticked(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<input type="checkbox" name="units" value="(\d+)" checked>', page)}


def _picker(page: str) -> str:
    return page.split('id="unit-picker"')[1].split("</fieldset>")[0]


def test_a_refused_bulk_form_comes_back_with_every_choice_and_nothing_ticked_is_dropped(login, cast):
    # The walkthrough: browse 示范区委's units, tick two, paste two names (one already arranged).
    admin = cast.actor("admin")
    client = login("admin")
    round_ = setup.create_round(admin, "第四轮", start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 31))
    guangming = setup.create_unit(admin, "光明社区党委", parent=cast.street)
    setup.create_inspection(admin, round_, cast.team4, guangming)
    url = reverse("setup-inspections-bulk", args=[round_.pk])
    form = {"at": cast.district.pk, "team": cast.team2.pk, "units": [cast.street.pk, cast.jianshe.pk],
            "names": "天宝社区\n光明社区党委", "start": "2026-03-02", "end": "2026-04-10",
            "feedback_date": "2026-05-10"}
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 400 and "光明社区党委在第四轮中已有巡察安排" in page
    assert _ticked(page) == {cast.street.pk, cast.jianshe.pk}  # still ticked, at the level browsed
    assert "下级 2 个" in _picker(page)  # 天宝街道党工委's children: the picker stays under 示范区委
    assert f'<option value="{cast.team2.pk}" selected>' in page
    assert "天宝社区\n光明社区党委</textarea>" in page
    for day in ("2026-03-02", "2026-04-10", "2026-05-10"):
        assert f'value="{day}"' in page
    assert not Inspection.objects.filter(round=round_).exclude(unit=guangming).exists()
    # the duplicate removed, the form as it came back is sent again: all three are arranged
    client.post(url, {**form, "units": sorted(_ticked(page)), "names": "天宝社区"})
    assert sorted(Inspection.objects.filter(round=round_).values_list("unit__name", flat=True)) == [
        "光明社区党委", "天宝社区", "天宝街道党工委", "建设社区"]


def test_units_ticked_at_another_level_come_back_ticked_after_a_refusal(login, cast):
    client = login("admin")
    round_ = setup.create_round(cast.system, "第四轮", start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 31))
    url = reverse("setup-inspections-bulk", args=[round_.pk])
    form = {"team": cast.team2.pk, "units": [cast.street.pk, cast.tianbao.pk], "start": "2026-04-10",
            "end": "2026-03-02"}
    page = client.post(url, form).content.decode()  # shown at the top level: neither unit is there
    assert "结束日期不能早于进驻日期" in page
    assert _ticked(page) == {cast.street.pk, cast.tianbao.pk}
    elsewhere = page.split('id="ticked-elsewhere"')[1].split("</div></div>")[0]
    assert "天宝街道党工委" in elsewhere and "天宝社区" in elsewhere
    client.post(url, {**form, "units": sorted(_ticked(page)), "end": "2026-04-20"})
    assert Inspection.objects.filter(round=round_).count() == 2


def test_browsing_the_unit_tree_keeps_the_bulk_form_as_it_was(login, cast):
    client = login("admin")
    round_ = setup.create_round(cast.system, "第四轮")
    url = reverse("setup-inspections-bulk", args=[round_.pk])
    form = {"team": cast.team2.pk, "units": [cast.district.pk], "names": "建设社区", "start": "2026-03-02"}
    top = client.get(reverse("setup-round", args=[round_.pk])).content.decode()
    assert f'name="browse" value="{cast.district.pk}"' in _picker(top)  # 下级 is a button of the form
    response = client.post(url, {**form, "at": "", "browse": cast.district.pk})
    page = response.content.decode()
    assert response.status_code == 200 and not Inspection.objects.filter(round=round_).exists()
    assert "天宝街道党工委" in _picker(page) and "这个字段是必填项" not in page
    assert _ticked(page) == {cast.district.pk}  # ticked one level up, kept
    assert f'<option value="{cast.team2.pk}" selected>' in page and "建设社区</textarea>" in page
    assert 'value="2026-03-02"' in page and f'name="at" value="{cast.district.pk}"' in page
    page = client.post(url, {**form, "units": [cast.district.pk, cast.street.pk], "at": cast.district.pk,
                             "browse": ""}).content.decode()  # 全部: back to the top
    assert _ticked(page) == {cast.district.pk, cast.street.pk}


def test_a_unit_named_like_a_sibling_is_refused(login, cast):
    client = login("admin")
    form = {"name": "红星社区党委", "kind": "community", "parent": cast.district.pk}
    assert client.post(reverse("setup-unit-create"), form).status_code == 302
    response = client.post(reverse("setup-unit-create"), form)
    assert response.status_code == 400 and "示范区委下已有名为红星社区党委的单位" in response.content.decode()
    assert Unit.objects.filter(name="红星社区党委").count() == 1
    response = client.post(reverse("setup-unit-update", args=[cast.jianshe.pk]), {**form, "kind": "community"})
    assert "示范区委下已有名为红星社区党委的单位" in response.content.decode()


def test_the_unit_tree_adds_renames_and_moves_units_but_refuses_a_cycle(login, cast):
    client = login("admin")
    client.post(reverse("setup-unit-create"), {"name": "幸福村", "kind": "village", "parent": cast.street.pk})
    village = Unit.objects.get(name="幸福村")
    assert village.path.startswith(cast.street.path)
    form = {"name": "天宝街道", "kind": "street", "parent": cast.tianbao.pk}
    response = client.post(reverse("setup-unit-update", args=[cast.street.pk]), form)
    assert "不能把天宝街道党工委移到它自己或它的下级单位之下" in response.content.decode()
    client.post(reverse("setup-unit-update", args=[cast.street.pk]), {**form, "parent": cast.jianshe.pk})
    assert Unit.objects.get(pk=village.pk).path.startswith(f"{cast.district.path}{cast.jianshe.pk}/")
    assert "天宝街道" in client.get(reverse("setup-units")).content.decode()


def test_the_unit_picker_shows_one_level_of_the_tree_with_arranged_units_marked(login, cast):
    client = login("admin")
    url = reverse("setup-round", args=[cast.inspection.round_id])
    top = client.get(url).content.decode()
    assert "示范区委" in top and "天宝社区" not in top.split('id="unit-picker"')[1].split("</fieldset>")[0]
    street = client.get(url, {"under": cast.street.pk}).content.decode()
    picker = street.split('id="unit-picker"')[1].split("</fieldset>")[0]
    assert "天宝社区" in picker and "已安排" in picker  # team 4 inspects it in this round


def test_teams_are_made_and_members_assigned_from_existing_accounts(login, cast):
    client = login("admin")
    client.post(reverse("setup-team-create"), {"name": "区委第五巡察组"})
    team = cast.team4.__class__.objects.get(name="区委第五巡察组")
    member = Staff.objects.get(user=cast.users["team_member"])
    client.post(reverse("setup-member-add", args=[team.pk]), {"staff": member.pk})
    assert Staff.objects.get(pk=member.pk).team_id == team.pk
    editor = Staff.objects.get(user=cast.users["editor"])
    response = client.post(reverse("setup-member-add", args=[team.pk]), {"staff": editor.pk})
    assert response.status_code == 400  # not a team member's account: not even offered
    assert AuditEvent.objects.filter(action="staff.team").count() == 1


SETUP_PAGES = {
    "setup": lambda cast: reverse("setup"),
    "setup-units": lambda cast: reverse("setup-units"),
    "setup-teams": lambda cast: reverse("setup-teams"),
    "setup-round": lambda cast: reverse("setup-round", args=[cast.inspection.round_id]),
}
# Session and user, then the page's own reads: rounds; the tree's count and page, the page's
# inspections counted, the units counted (list or typed name?) and the parent choices; teams and
# their members; the round, its inspections counted and paged, one level of the unit picker and
# which of it is arranged, the units counted, and the four choice lists of the forms.
# +1 on every page for the 通知 nav item's unread count.
SETUP_QUERY_BASELINE = {"setup": 4, "setup-units": 8, "setup-teams": 5, "setup-round": 13}


def _grow(cast, extra: int) -> None:
    round_ = cast.inspection.round
    for _ in range(extra):
        unit = setup.create_unit(cast.system, f"社区{Unit.objects.count()}", parent=cast.street)
        team = setup.create_team(cast.system, f"巡察组{unit.pk}")
        setup.create_round(cast.system, f"轮次{unit.pk}")
        setup.create_inspection(cast.system, round_, team, unit)


@pytest.mark.parametrize("page", sorted(SETUP_PAGES))
def test_setup_pages_keep_their_query_count_whatever_the_rows(login, cast, page):
    client = login("admin")
    client.get(SETUP_PAGES[page](cast))
    counts = []
    for extra in (3, 20):
        _grow(cast, extra)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SETUP_PAGES[page](cast)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries, then {counts[1]}"
    assert counts[0] <= SETUP_QUERY_BASELINE[page], f"{page}: {counts[0]} > {SETUP_QUERY_BASELINE[page]}"


def test_the_django_admin_refuses_a_round_that_ends_before_it_starts(login, cast):
    client = login("sysadmin")  # the Django admin is the system administrator's alone
    response = client.post(reverse("admin:ledger_round_add"), {
        "name": "倒置的轮次", "level": "", "type": "regular", "start": "2026-03-01", "end": "2026-02-01"})
    assert response.status_code == 200 and "轮次结束日期不能早于开始日期" in response.content.decode()
    assert not Round.objects.filter(name="倒置的轮次").exists()


def test_with_many_units_a_unit_is_typed_by_name_instead_of_listed(login, cast, monkeypatch):
    from xuncha.web import setup_forms

    monkeypatch.setattr(setup_forms, "UNIT_LIST_MAX", 2)
    client = login("admin")
    round_ = setup.create_round(cast.system, "第四轮")
    page = client.get(reverse("setup-round", args=[round_.pk])).content.decode()
    assert 'name="unit" placeholder="输入单位全称或简称"' in page and "<option value=\"" not in page.split(
        'name="unit"')[1][:200]
    form = {"round": round_.pk, "team": cast.team4.pk, "unit": "幸福社区"}
    response = client.post(reverse("setup-inspection-create"), form)
    assert "未找到名为“幸福社区”的单位" in response.content.decode()
    client.post(reverse("setup-inspection-create"), {**form, "unit": "天宝社区"})
    assert Inspection.objects.get(round=round_).unit_id == cast.tianbao.pk
    edit = client.get(reverse("setup-unit", args=[cast.tianbao.pk])).content.decode()
    assert 'value="天宝街道党工委"' in edit  # the parent, by name
