"""The 督办 ladder: each step exactly once per measure and deadline, however often the day runs."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from tests.conftest import PASSWORD
from xuncha.ledger.models import AuditEvent, Measure
from xuncha.ledger.services import accounts, extensions, measures
from xuncha.notify import ladder
from xuncha.notify.models import Interview, LadderStep, Notification, Supervision

DEADLINE = dt.date(2025, 11, 15)  # the cast's measure (天宝社区, owner 社区党委)


def _day(clock, offset: int) -> dt.date:
    return clock.set(DEADLINE + dt.timedelta(days=offset))


def _kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _steps(measure) -> list[str]:
    return sorted(LadderStep.objects.filter(measure=measure).values_list("step", flat=True))


def test_it_walks_the_ladder_once_per_step_across_repeated_daily_runs(cast, clock):
    users = cast.users
    for offset in range(-25, 40):
        day = _day(clock, offset)
        ladder.run(day)
        assert ladder.run(day) == {"remind-0": 0, "remind-10": 0, "remind-20": 0, "supervise": 0,
                                   "interview": 0, "answer-overdue": 0, "comment-overdue": 0,
                                   "notifications": 0}, day
    assert _steps(cast.measure) == ["interview", "remind-0", "remind-10", "remind-20", "supervise"]
    # Before the deadline the unit's editor hears of each reminder once; the leader only from overdue on.
    assert _kinds(users["editor"]) == ["overdue", "reminder", "reminder", "reminder"]
    # The 督办 unanswered past its 报结 date (day 16 after it) is told to the unit head and the office.
    assert _kinds(users["leader"]) == ["interview", "overdue", "reply_overdue", "supervision"]
    assert _kinds(users["admin"]) == ["interview", "reply_overdue", "supervision"]
    assert _kinds(users["street_editor"]) == []
    # The other unit's editor hears only of the other unit's measure (due 2025-12-31).
    titles = list(Notification.objects.filter(recipient=users["outsider"]).values_list("title", flat=True))
    assert len(titles) == 2 and all("建设社区" in t for t in titles)
    supervision = Supervision.objects.get()
    assert supervision.opened_on == DEADLINE + dt.timedelta(days=1) and supervision.state == "open"
    assert supervision.reply_due == supervision.opened_on + dt.timedelta(days=15)
    assert Interview.objects.get().opened_on == DEADLINE + dt.timedelta(days=31)


def test_each_step_is_on_the_findings_timeline(cast, clock):
    from xuncha.ledger.selectors import finding_timeline

    for offset in (-20, -10, 0, 1, 31):
        ladder.run(_day(clock, offset))
    reminders = list(AuditEvent.objects.filter(finding_id=cast.finding.pk, action="ladder.remind")
                     .order_by("at", "id").values_list("summary", flat=True))
    assert len(reminders) == 3
    assert reminders[0] == "到期前20天提醒：措施“每次支部会议第一项学习总书记重要讲话”，完成时限 2025年11月15日"
    # The 督办 and the 约谈 are one record each (the act, naming its measures), on the timeline
    # of every finding they cover.
    supervision, interview = Supervision.objects.get(), Interview.objects.get()
    acts = AuditEvent.objects.filter(action__in=["ladder.supervise", "ladder.interview"]).order_by("id")
    assert [(e.object_type, e.object_id) for e in acts] == [("supervision", supervision.pk),
                                                           ("interview", interview.pk)]
    summaries = [entry.summary for entry in finding_timeline(cast.finding.pk)]
    assert any(s.startswith(f"逾期督办：{supervision.number}，") for s in summaries)
    assert any(s.startswith("逾期超过30天，列入约谈：") for s in summaries)
    # Written in bulk, the records are still links of the one hash chain.
    from xuncha.ledger.services import audit_chain

    assert audit_chain.verify().ok
    assert acts[0].after == {"measures": 1}


def test_xuncha_daily_runs_the_ladder_and_a_second_run_changes_nothing(cast, clock):
    _day(clock, 1)
    call_command("daily", date=clock.day.isoformat())
    # Each run of the command is itself on the audit (daily.run); the ladder's records are not repeated.
    steps = AuditEvent.objects.exclude(action="daily.run")
    rows = (LadderStep.objects.count(), Notification.objects.count(), steps.count())
    call_command("daily", date=clock.day.isoformat())
    assert (LadderStep.objects.count(), Notification.objects.count(), steps.count()) == rows
    assert AuditEvent.objects.filter(action="daily.run").count() == 2
    assert Supervision.objects.count() == 1


def test_a_measure_first_seen_close_to_its_deadline_gets_only_the_nearest_reminder(cast, clock):
    day = _day(clock, -5)
    assert ladder.run(day)["remind-10"] == 1
    assert _steps(cast.measure) == ["remind-10"]
    ladder.run(_day(clock, -4))
    assert _steps(cast.measure) == ["remind-10"]


def test_finished_and_ongoing_measures_are_left_alone(cast, clock):
    Measure.objects.filter(pk=cast.measure.pk).update(status="done")
    for offset in (-20, 1, 31):
        ladder.run(_day(clock, offset))
    assert _steps(cast.measure) == []


def test_a_new_deadline_starts_the_ladder_again(cast, clock, today):
    ladder.run(_day(clock, -10))
    measure = Measure.objects.get(pk=cast.measure.pk)
    # A fixed deadline moves only by a 延期 the office approves.
    request = extensions.request_extension(cast.actor("editor"), measure, DEADLINE + dt.timedelta(days=30),
                                           "需待区级资金下达后实施，申请延期三十天")
    extensions.approve_extension(cast.actor("admin"), request)
    ladder.run(_day(clock, 10))  # 20 days before the new deadline
    ladder.run(_day(clock, 20))
    assert _steps(cast.measure) == ["remind-10", "remind-10", "remind-20"]
    assert set(LadderStep.objects.values_list("deadline", flat=True)) == {
        DEADLINE, DEADLINE + dt.timedelta(days=30)}


def test_the_owner_is_told_when_the_owner_text_names_a_person_of_the_unit(cast, clock):
    owner = accounts.create_staff(cast.system, "zhangwei", PASSWORD, "unit_leader", unit=cast.tianbao,
                                  display_name="张伟").user
    stranger = accounts.create_staff(cast.system, "zhangwei2", PASSWORD, "unit_editor", unit=cast.jianshe,
                                     display_name="张伟").user
    Measure.objects.filter(pk=cast.measure.pk).update(owner="社区党委 张伟")
    ladder.run(_day(clock, -20))
    assert _kinds(owner) == ["reminder"]  # as the owner, though leaders hear only from overdue on
    assert _kinds(stranger) == []  # the same name in another unit is someone else


def test_measures_of_one_unit_overdue_on_one_day_share_one_supervision(cast, clock):
    measures.create_measure(cast.system, cast.finding, "完善会议记录", deadline=DEADLINE)
    ladder.run(_day(clock, 1))
    supervision = Supervision.objects.get()
    assert supervision.steps.count() == 2
    assert Notification.objects.filter(recipient=cast.users["admin"], kind="supervision").count() == 1
    (event,) = AuditEvent.objects.filter(action="ladder.supervise")
    assert event.object_id == supervision.pk and event.inspection_id == cast.inspection.pk
    assert "措施“每次支部会议第一项学习总书记重要讲话”等2项，" in event.summary
