"""The whole lifecycle from an empty database, in the staff site only (no Django admin, no shell):
the office sets up a round and an inspection, the team enters findings, the unit's editor adds a
measure, progress and evidence, the unit leader endorses the sign-off request, the office signs off,
the team's look-back reopens the finding, and a notice drafted from the ledger is approved and
published. Each person's 工作台 shows the item they have to act on.

Every main page on the way is photographed at 1280 and 390 px (into XUNCHA_SCREENSHOT_DIR when set)
and must not scroll sideways on a phone. Only the accounts are made outside the browser.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.steps import log_in, log_out
from tests.conftest import PASSWORD
from xuncha.ledger.actor import system_actor
from xuncha.ledger.models import Finding, Notice, Team, Unit
from xuncha.ledger.services import accounts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2026, 6, 10)  # after the feedback, ten days before the measure is due
FIRST = "“三会一课”制度落实不到位"
SECOND = "党费收缴不规范"


def fill(form, fields: dict) -> None:
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)


def submit(page, section: str, fields: dict, button: str = "button.primary") -> None:
    form = page.locator(f"{section} form").first
    fill(form, fields)
    form.locator(button).click()


class Camera:
    """Full-page shots at desktop and phone widths; a phone page must not scroll sideways."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.taken: list[str] = []

    def __call__(self, page, name: str) -> None:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(self.folder / f"lifecycle-{len(self.taken):02d}-{name}-{width}.png"),
                            full_page=True)
            if width == 390:
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= 390, f"{name} is {wide} px wide on a phone"
        page.set_viewport_size({"width": 1280, "height": 900})
        self.taken.append(name)


def test_the_lifecycle_from_an_empty_database(page, live_server, tmp_path, monkeypatch):
    # The ledger's clock starts on TODAY at 9:00 and runs, so the timelines keep their order.
    started, opening = timezone.now(), timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 0)))
    monkeypatch.setattr("xuncha.clock.now", lambda: opening + (timezone.now() - started))
    folder = Path(os.environ.get("XUNCHA_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shoot = Camera(folder)
    base = live_server.url
    system = system_actor()
    accounts.create_staff(system, "office", PASSWORD, "office_admin", display_name="王主任")
    assert not Unit.objects.exists() and not Finding.objects.exists()

    # --- 巡察办: units, a team, a round and an inspection, all in 巡察安排 -------------------------
    log_in(page, base, "office")
    page.click("nav >> text=巡察安排")
    assert "尚无巡察轮次" in page.locator("#setup-rounds").inner_text()
    page.click(".subnav >> text=单位树")
    submit(page, "#unit-create", {"name": "示范区委", "kind": "党委"})
    page.wait_for_selector("text=已新增单位")
    submit(page, "#unit-create", {"name": "天宝社区", "parent": "示范区委"})
    page.wait_for_selector("text=已新增单位")
    assert "天宝社区" in page.locator("#unit-tree").inner_text()
    shoot(page, "setup-units")

    page.click(".subnav >> text=巡察组")
    submit(page, "#team-create", {"name": "区委第四巡察组"})
    page.wait_for_selector("text=已新建巡察组")
    shoot(page, "setup-teams")
    # The people of the unit and the team get their accounts once the unit and the team exist.
    tianbao, team = Unit.objects.get(name="天宝社区"), Team.objects.get(name="区委第四巡察组")
    accounts.create_staff(system, "inspector", PASSWORD, "team_member", team=team, display_name="李组员")
    accounts.create_staff(system, "editor", PASSWORD, "unit_editor", unit=tianbao, display_name="赵联络员")
    accounts.create_staff(system, "leader", PASSWORD, "unit_leader", unit=tianbao, display_name="钱书记")
    page.click("#setup-teams >> text=区委第四巡察组")
    assert "李组员" in page.locator("#team-members").inner_text()

    page.click(".subnav >> text=巡察轮次")
    submit(page, "#round-create", {"name": "2026年区委第一轮巡察", "level": "区委", "start": "2026-03-01",
                                   "end": "2026-05-31"})
    page.wait_for_selector("text=已新建巡察轮次")
    submit(page, "#inspection-create", {"team": "区委第四巡察组", "unit": "　天宝社区", "start": "2026-03-02",
                                        "end": "2026-04-10", "feedback_date": "2026-04-01"})
    page.wait_for_selector("text=反馈日期不能早于结束日期")
    submit(page, "#inspection-create", {"feedback_date": "2026-04-20"})
    page.wait_for_selector("text=已新增巡察安排")
    row = page.locator("#setup-inspections tbody tr").first.inner_text()
    assert "天宝社区" in row and "区委第四巡察组" in row
    shoot(page, "setup-round")
    log_out(page)

    # --- 巡察组: the inspection waits on the team's list until its findings are entered ------------
    log_in(page, base, "inspector")
    waiting = page.locator("#task-findings-to-enter")
    assert "天宝社区" in waiting.inner_text()
    shoot(page, "workbench-team")
    waiting.locator("a", has_text="天宝社区").click()
    for category, title, description in (
            ("一、党的建设方面", FIRST, "2025年支部委员会仅召开4次。"),
            ("二、全面从严治党方面", SECOND, "3名党员连续6个月未交党费。")):
        page.click("summary:has-text('新增反馈问题')")
        submit(page, "details.card:has(summary:has-text('新增反馈问题'))",
               {"new_category": category, "title": title, "description": description})
        page.wait_for_selector("text=已新增反馈问题")
    tree = page.locator("#findings-tree").inner_text()
    assert FIRST in tree and SECOND in tree
    shoot(page, "inspection")
    page.goto(f"{base}{reverse('workbench')}")
    assert page.locator("#task-findings-to-enter").count() == 0
    log_out(page)

    # --- 单位联络员: a measure, then progress with evidence, then the sign-off request ------------
    finding = Finding.objects.get(title=FIRST)
    log_in(page, base, "editor")
    page.click("nav >> text=巡察轮次")
    page.click("text=2026年区委第一轮巡察")
    page.click("#unit-progress >> text=天宝社区")
    page.click(f"#findings-tree >> text={FIRST}")
    measure = {"text": "每月召开支部委员会，每季度上一次党课", "lead": "钱书记", "owner": "社区党委",
               "deadline": "2026-03-01"}
    add_measure = "details.card:has(summary:has-text('新增整改措施'))"
    page.click("summary:has-text('新增整改措施')")
    submit(page, add_measure, measure)
    page.wait_for_selector("text=完成时限不能早于反馈日期（2026年4月20日）")
    # The refused form is open again with what was typed: only the deadline is corrected.
    kept = page.locator(f"{add_measure} form.restored")
    assert kept.locator("[name=text]").input_value() == measure["text"]
    submit(page, add_measure, {"deadline": "2026-06-20"})
    page.wait_for_selector("text=已新增整改措施")
    page.goto(f"{base}{reverse('workbench')}")
    due = page.locator("#task-due-soon")
    assert "每月召开支部委员会" in due.inner_text()
    shoot(page, "workbench-editor")
    due.locator("a", has_text="每月召开支部委员会").click()

    evidence = tmp_path / "支部委员会会议记录.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% minutes of the branch committee, March to June\n")
    page.click("summary:has-text('报送进展')")
    progress = page.locator("form.progress-form")
    fill(progress, {"date": "2026-06-08", "text": "3月至6月每月召开支部委员会，4月、6月各上党课一次。"})
    progress.locator("select[name=mark]").select_option("done")
    progress.locator("input[name=files]").set_input_files(str(evidence))
    progress.locator("button").click()
    page.wait_for_selector("text=已报送整改进展")
    assert page.locator("a.file", has_text="支部委员会会议记录.pdf").count() == 1
    assert "已完成" in page.locator("#finding-status").inner_text()
    request = page.locator("#closeout-request")
    fill(request, {"root_cause": "支部书记对组织生活制度重视不够", "lessons": "对照检查其他三个支部"})
    request.locator("button").click()
    page.wait_for_selector("text=等待单位负责人审核")
    shoot(page, "finding-requested")
    log_out(page)

    # --- 单位负责人: endorses ------------------------------------------------------------------------
    log_in(page, base, "leader")
    endorse = page.locator("#task-closeouts-to-endorse")
    assert FIRST in endorse.inner_text() and "赵联络员" in endorse.inner_text()
    shoot(page, "workbench-leader")
    endorse.locator("a", has_text=FIRST).click()
    # The click starts the navigation; wait for the new page before reading it.
    page.wait_for_selector("text=问题根源：支部书记对组织生活制度重视不够")
    page.fill("#closeout-decision textarea[name=comment]", "情况属实，同意报巡察办。")
    page.click("button:has-text('同意并报巡察办')")
    page.wait_for_selector("text=已审核同意")
    log_out(page)

    # --- 巡察办: signs off ---------------------------------------------------------------------------
    log_in(page, base, "office")
    decide = page.locator("#task-closeouts-to-decide")
    assert FIRST in decide.inner_text()
    recent = page.locator("#recent-changes").inner_text()
    assert "申请销号" in recent and "登录" not in recent and "退出" not in recent
    shoot(page, "workbench-office")
    decide.locator("a", has_text=FIRST).click()
    page.fill("#closeout-decision textarea[name=comment]", "会议记录齐全，同意销号。")
    page.click("button:has-text('同意销号')")
    page.wait_for_selector("text=已同意销号")
    assert "已销号" in page.locator("#finding-status").inner_text()
    timeline = page.locator("#timeline").inner_text()
    assert "已销号" in timeline and "钱书记" in timeline
    shoot(page, "finding-closed")
    log_out(page)

    # --- 巡察组: the look-back finds the problem back and reopens the finding ----------------------
    log_in(page, base, "inspector")
    lookbacks = page.locator("#task-lookbacks-due")
    assert FIRST in lookbacks.inner_text()
    lookbacks.locator("a", has_text=FIRST).click()
    page.click("summary:has-text('记录回头看')")
    form = page.locator("details.card:has(summary:has-text('记录回头看')) form")
    fill(form, {"date": "2026-06-10", "result": "问题反弹", "comment": "5月支部委员会未召开。"})
    form.locator("button.primary").click()
    page.wait_for_selector("#finding-status:has-text('已重新打开')")
    timeline = page.locator("#timeline").inner_text()
    assert "5月支部委员会未召开" in timeline and "已重新打开" in timeline
    shoot(page, "finding-reopened")
    page.goto(f"{base}{reverse('workbench')}")
    assert page.locator("#task-lookbacks-due").count() == 0
    log_out(page)

    # --- 单位联络员: the reopened finding is on the list; a notice is drafted from the ledger ------
    log_in(page, base, "editor")
    assert FIRST in page.locator("#task-reopened").inner_text()
    page.goto(f"{base}{reverse('inspection', args=[finding.inspection_id])}")
    page.click("button:has-text('根据台账生成通报草稿')")
    page.wait_for_selector("#notice-state:has-text('草稿')")
    notice = Notice.objects.get()
    assert FIRST in page.locator("#notice-preview, #lint-text").first.inner_text()
    assert "群众反映意见的渠道" in page.locator("#lint-results").inner_text()
    edit = page.locator("form:has(button:has-text('保存并重新生成'))")
    fill(edit, {"phones": "023-47521234", "emails": "xcb@example.gov.cn", "addresses": "示范区委巡察办"})
    edit.locator("button.primary").click()
    page.wait_for_selector("text=023-47521234")
    assert "群众反映意见的渠道" not in page.locator("#lint-results").inner_text()
    shoot(page, "notice-draft")
    log_out(page)

    # --- 单位负责人: approves the notice ---------------------------------------------------------------
    log_in(page, base, "leader")
    to_approve = page.locator("#task-notices-to-approve")
    assert "天宝社区" in to_approve.inner_text()
    to_approve.locator("a", has_text=f"第{notice.version}版").click()
    page.click("button:has-text('审定')")
    page.wait_for_selector("#notice-state:has-text('已审定')")
    log_out(page)

    # --- 巡察办: publishes -----------------------------------------------------------------------------
    log_in(page, base, "office")
    page.goto(f"{base}{reverse('inspection', args=[finding.inspection_id])}")
    page.locator("#notices a", has_text=f"第{notice.version}版").first.click()
    publish = page.locator("#publish-form")
    if publish.locator("[name=override_reason]").count():
        publish.locator("button.primary").click()  # errors in the text need a stated reason
        page.wait_for_selector("text=理由")
        publish = page.locator("#publish-form")
        publish.locator("[name=override_reason]").fill("经巡察办主任审核同意")
    publish.locator("button.primary").click()
    page.wait_for_selector("#notice-state:has-text('已发布')")
    assert page.locator("text=已发布文件").count() == 1
    published = page.locator("#notice-preview, #lint-text").first.inner_text()
    assert FIRST in published and SECOND in published and "023-47521234" in published
    shoot(page, "notice-published")
    notice.refresh_from_db()
    assert notice.state == "published"
    assert Finding.objects.get(pk=finding.pk).status == "reopened"
    assert len(shoot.taken) >= 10
