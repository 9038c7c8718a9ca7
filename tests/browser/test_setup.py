"""From an empty database the office sets up a round through 巡察安排; a team member then enters
a finding on the inspection. No Django admin, no shell."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.browser.steps import log_in, log_out
from tests.conftest import PASSWORD
from xuncha.ledger.actor import system_actor
from xuncha.ledger.models import Finding, Inspection, Staff
from xuncha.ledger.services import accounts, setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, section: str, fields: dict, button: str = "button.primary"):
    form = page.locator(f"{section} form")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    form.locator(button).click()


def test_the_office_sets_up_an_inspection_and_the_team_enters_a_finding(page, live_server):
    # Accounts are the system administrator's (their own pages); a team member's account needs a
    # team, so the inspector starts in another one and the office moves them.
    system = system_actor()
    accounts.create_staff(system, "office", PASSWORD, "office_admin", display_name="王主任")
    accounts.create_staff(system, "inspector", PASSWORD, "team_member", display_name="李组员",
                          team=setup.create_team(system, "区委第二巡察组"))
    base = live_server.url

    log_in(page, base, "office")
    page.click("nav >> text=巡察安排")
    page.click("text=单位树")
    submit(page, "#unit-create", {"name": "示范区委", "kind": "党委"})
    page.wait_for_selector("text=已新增单位")
    submit(page, "#unit-create", {"name": "天宝街道党工委", "kind": "街道党工委", "parent": "示范区委"})
    page.wait_for_selector("text=已新增单位")
    submit(page, "#unit-create", {"name": "天宝社区", "parent": "　天宝街道党工委"})
    page.wait_for_selector("text=已新增单位")
    assert "天宝社区" in page.locator("#unit-tree").inner_text()

    page.click(".subnav >> text=巡察组")
    submit(page, "#team-create", {"name": "区委第四巡察组"})
    page.wait_for_selector("text=已新建巡察组")
    page.click("#setup-teams >> text=区委第四巡察组")
    submit(page, "#member-add", {"staff": "李组员（现属区委第二巡察组）"})
    page.wait_for_selector("text=已编入巡察组")
    assert "李组员" in page.locator("#team-members").inner_text()

    page.click(".subnav >> text=巡察轮次")
    submit(page, "#round-create", {"name": "2026年区委第一轮巡察", "level": "区委", "start": "2026-03-01",
                                   "end": "2026-02-01"})
    page.wait_for_selector("text=轮次结束日期不能早于开始日期")
    assert page.locator("#round-create [name=name]").input_value() == "2026年区委第一轮巡察"
    submit(page, "#round-create", {"end": "2026-05-31"})
    page.wait_for_selector("text=已新建巡察轮次")

    submit(page, "#inspection-create", {"team": "区委第四巡察组", "unit": "　　天宝社区", "start": "2026-03-02",
                                        "end": "2026-04-10", "feedback_date": "2026-04-01"})
    page.wait_for_selector("text=反馈日期不能早于结束日期")
    submit(page, "#inspection-create", {"feedback_date": "2026-05-10"})
    page.wait_for_selector("text=已新增巡察安排")
    row = page.locator("#setup-inspections tbody tr").first.inner_text()
    assert "天宝社区" in row and "区委第四巡察组" in row and "2026-07-10" in row
    log_out(page)

    inspection = Inspection.objects.get()
    assert Staff.objects.get(display_name="李组员").team_id == inspection.team_id
    log_in(page, base, "inspector")
    page.goto(f"{base}{reverse('rounds')}")
    page.click("text=2026年区委第一轮巡察")
    page.click("#unit-progress >> text=天宝社区")
    page.click("text=新增反馈问题")
    submit(page, "details.card", {"new_category": "一、党的建设方面", "title": "“三会一课”制度落实不到位",
                                  "description": "2025年支部委员会仅召开4次。"})
    page.wait_for_selector("text=已新增反馈问题")
    finding = Finding.objects.get()
    assert (finding.category, finding.number, finding.inspection_id) == ("党的建设方面", "一/（一）", inspection.pk)
    assert "“三会一课”制度落实不到位" in page.locator("#findings-tree").inner_text()


def test_the_bulk_form_keeps_every_choice_while_browsing_the_tree_and_after_a_refusal(page, live_server):
    system = system_actor()
    accounts.create_staff(system, "office", PASSWORD, "office_admin", display_name="王主任")
    district = setup.create_unit(system, "示范区委", kind="committee")
    street = setup.create_unit(system, "天宝街道党工委", parent=district, kind="street")
    tianbao = setup.create_unit(system, "天宝社区", parent=street)
    setup.create_unit(system, "光明社区", parent=street)
    setup.create_unit(system, "建设社区", parent=district)
    team = setup.create_team(system, "区委第四巡察组")
    round_ = setup.create_round(system, "2026年区委第一轮巡察", start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 31))
    setup.create_inspection(system, round_, team, tianbao)

    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}{reverse('setup-round', args=[round_.pk])}")
    bulk = page.locator("#inspections-bulk form")
    bulk.locator("[name=team]").select_option(label="区委第四巡察组")
    bulk.locator("[name=names]").fill("天宝社区")
    bulk.locator("[name=start]").fill("2026-03-05")
    bulk.locator("#unit-picker >> text=下级 2 个").click()  # 示范区委's units
    page.wait_for_selector("#unit-picker >> text=建设社区")
    bulk = page.locator("#inspections-bulk form")
    assert bulk.locator("[name=names]").input_value() == "天宝社区"
    assert bulk.locator("[name=start]").input_value() == "2026-03-05"
    assert bulk.locator("[name=team] option:checked").inner_text() == "区委第四巡察组"
    bulk.locator("label:has-text('建设社区') input").check()
    bulk.locator("#unit-picker >> text=下级 2 个").click()  # 天宝街道党工委's units
    page.wait_for_selector("#unit-picker >> text=光明社区")
    bulk = page.locator("#inspections-bulk form")
    bulk.locator("#unit-picker label:has-text('光明社区') input").check()
    bulk.locator("button.primary").click()
    page.wait_for_selector("text=天宝社区在2026年区委第一轮巡察中已有巡察安排")
    bulk = page.locator("#inspections-bulk form")
    assert bulk.locator("input[name=units]:checked").count() == 2  # 建设社区 (another level) and 光明社区
    assert bulk.locator("[name=start]").input_value() == "2026-03-05"
    bulk.locator("[name=names]").fill("")
    bulk.locator("[name=start]").press("Enter")  # Enter saves the form; it does not browse the tree
    page.wait_for_selector("text=已批量新增2个巡察安排")
    assert sorted(Inspection.objects.filter(round=round_).values_list("unit__name", flat=True)) == [
        "光明社区", "天宝社区", "建设社区"]
