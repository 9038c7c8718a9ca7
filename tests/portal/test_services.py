"""Comments: posting masks and seals, the 查询码, moderation, replies, ratings, reads for others."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, InvalidMove, PermissionDenied
from xuncha.ledger.models import AuditEvent, StatusChange
from xuncha.portal import selectors
from xuncha.portal.models import Holiday, PublicComment
from xuncha.portal.services import calendar, comments, sealing

CITIZEN = Actor(user=None, role="anonymous", ip="203.0.113.9")
PHONE = "13812345678"


def post(notice, text=f"消防栓还是没有水，请尽快处理，电话{PHONE}。", **kwargs):
    return comments.post(CITIZEN, notice, text, **kwargs)


def test_it_masks_personal_information_and_keeps_the_original_sealed(notice):
    posted = post(notice, name="王小明", phone=PHONE, item=1)
    row = PublicComment.objects.get(pk=posted.comment.pk)
    assert PHONE not in row.text and "138＊＊＊＊5678" in row.text
    assert row.item_label == "（二）安全隐患排查工作不到位"
    assert row.state == "held"
    # The audit names the item as the notice numbers it (the stored index counts from 0).
    from xuncha.ledger.models import AuditEvent
    assert AuditEvent.objects.get(action="comment.post").after["item"] == "（二）安全隐患排查工作不到位"
    for sealed in (row.sealed_text, row.sealed_name, row.sealed_phone):
        assert PHONE not in sealed and "王小明" not in sealed
    assert sealing.unseal(row.sealed_phone) == PHONE
    assert sealing.unseal(row.sealed_name) == "王小明"


def test_a_mistyped_id_number_or_a_card_number_is_masked_all_the_same(notice):
    posted = post(notice, text="身份证号110101199003074512，银行卡6222020200112233445，请核查。")
    assert "199003074512" not in posted.comment.text and "0200112233" not in posted.comment.text


def test_it_takes_the_commenters_own_name_out_of_the_text(notice):
    posted = post(notice, text="我是王小明，小区消防栓没有水。", name="王小明")
    assert "王小明" not in posted.comment.text and "王某" in posted.comment.text


def test_the_key_is_kept_in_the_data_folder_for_the_owner_only(notice):
    post(notice)
    mode = stat.S_IMODE(os.stat(sealing.key_path()).st_mode)
    assert mode == 0o600


def test_a_query_code_is_long_random_and_found_only_by_itself(notice):
    posted = post(notice)
    plain = posted.code.replace("-", "")
    assert len(plain) >= 12
    assert comments.find_by_code(posted.code).pk == posted.comment.pk
    assert comments.find_by_code(posted.code.lower().replace("-", " ")).pk == posted.comment.pk
    assert comments.find_by_code("A" * 16) is None
    assert PublicComment.objects.filter(code_digest__contains=plain).count() == 0
    assert post(notice).code != posted.code


def test_it_refuses_empty_long_and_unpublished(notice, cast):
    with pytest.raises(InvalidInput):
        post(notice, text="好")
    with pytest.raises(InvalidInput):
        post(notice, text="长" * 1001)
    with pytest.raises(InvalidInput):
        post(notice, item=9)
    notice.state = "draft"
    with pytest.raises(InvalidInput):
        post(notice)


def test_reply_deadline_counts_working_days_and_the_office_calendar(notice, monkeypatch):
    monkeypatch.setattr("xuncha.clock.today", lambda: dt.date(2025, 9, 26))  # a Friday
    Holiday.objects.create(date=dt.date(2025, 10, 1), kind="holiday")
    Holiday.objects.create(date=dt.date(2025, 9, 28), kind="workday")  # a Sunday worked
    # 9-28 (worked Sunday), 29, 30, 10-2, 10-3 → five working days
    assert calendar.add_working_days(dt.date(2025, 9, 26), 5) == dt.date(2025, 10, 3)
    assert post(notice).comment.reply_due == calendar.add_working_days(dt.date(2025, 9, 26), 15)


def test_the_unit_publishes_replies_and_the_commenter_rates_once(notice, cast):
    posted = post(notice, item=1)
    editor = cast.actor("editor")
    comment = comments.moderate(editor, posted.comment, "publish")
    comment = comments.reply(editor, comment, "已联系供水公司，消防栓已恢复供水。")
    assert comment.state == "published" and comment.reply
    comment = comments.rate(CITIZEN, comment, "satisfied")
    assert comment.rating == "satisfied"
    with pytest.raises(InvalidMove):
        comments.rate(CITIZEN, comment, "unsatisfied")
    assert [line.move for line in selectors.comment_history(comment)] == ["post", "publish", "reply", "rate"]
    change = StatusChange.objects.get(object_kind="comment", object_id=comment.pk)  # one mechanism
    assert (change.move, change.from_status, change.to_status) == ("publish", "held", "published")
    assert AuditEvent.objects.filter(action="comment.publish", actor_name="editor").exists()


def test_the_commenter_is_named_liuyan_qunzhong_in_the_history_and_recent_changes(notice, cast):
    from xuncha.ledger import selectors as ledger_selectors
    from xuncha.portal.models import CommentFlip

    posted = post(notice, item=1)
    editor = cast.actor("editor")
    comment = comments.reply(editor, comments.moderate(editor, posted.comment, "publish"), "已恢复供水，欢迎监督。")
    comments.rate(CITIZEN, comment, "satisfied")
    names = {line.move: line.actor_name for line in selectors.comment_history(comment)}
    assert names == {"post": "留言群众", "publish": "editor", "reply": "editor", "rate": "留言群众"}
    assert AuditEvent.objects.filter(action="comment.post", actor_name="留言群众").exists()
    recent = {e.action: e.actor_name for e in ledger_selectors.recent_changes(cast.actor("admin"), 50)}
    assert recent["comment.post"] == recent["comment.rate"] == "留言群众"
    # Rows stored before the name was: shown as 留言群众 too, left as they are (the audit chain hashes them).
    CommentFlip.objects.filter(comment=comment, move="post").update(actor_name="未登录用户")
    assert selectors.comment_history(comment)[0].actor_name == "留言群众"
    assert "未登录用户" not in [line.actor_name for line in selectors.comment_history(comment)]
    assert "未登录用户" not in [e.actor_name for e in ledger_selectors.recent_changes(cast.actor("admin"), 50)]


def test_another_units_editor_is_refused(notice, cast):
    posted = post(notice)
    with pytest.raises(PermissionDenied):
        comments.moderate(cast.actor("outsider"), posted.comment, "publish")
    with pytest.raises(PermissionDenied):
        comments.reply(cast.actor("outsider"), posted.comment, "答复内容答复内容")
    with pytest.raises(PermissionDenied):
        comments.reveal(cast.actor("supervisor"), posted.comment)


def test_declining_and_merging_need_a_reason(notice, cast):
    admin = cast.actor("admin")
    first = comments.moderate(admin, post(notice).comment, "publish")
    second = post(notice).comment
    with pytest.raises(InvalidInput):
        comments.moderate(admin, second, "decline")
    merged = comments.moderate(admin, second, "merge", "与前一条相同", into=first)
    assert merged.state == "merged" and merged.merged_into_id == first.pk
    with pytest.raises(InvalidMove):
        comments.moderate(admin, merged, "publish")


def test_looking_at_the_commenter_is_audited(notice, cast):
    posted = post(notice, name="王小明", phone=PHONE)
    contact = comments.reveal(cast.actor("admin"), posted.comment)
    assert contact.phone == PHONE and PHONE in contact.text
    assert AuditEvent.objects.filter(action="comment.reveal", object_id=posted.comment.pk).count() == 1


def test_overdue_replies_and_stats_for_other_branches(notice, cast, monkeypatch):
    monkeypatch.setattr("xuncha.clock.today", lambda: dt.date(2025, 11, 3))
    late, answered = post(notice).comment, post(notice).comment
    comments.reply(cast.actor("editor"), answered, "已整改完毕，谢谢监督。")
    comments.rate(CITIZEN, PublicComment.objects.get(pk=answered.pk), "basically")
    later = dt.date(2025, 12, 31)
    assert list(selectors.overdue_replies(cast.tianbao, later)) == [late]
    assert list(selectors.overdue_replies(cast.street, later)) == []
    assert list(selectors.overdue_replies(cast.street, later, subunits=True)) == [late]
    stats = selectors.comment_stats(cast.tianbao, today=later)
    assert (stats.total, stats.replied, stats.overdue, stats.rated) == (2, 1, 1, 1)
    assert stats.ratings["basically"] == 1 and stats.satisfaction == 1.0


def test_analytics_shows_satisfaction_as_the_share_of_satisfied_and_basically_satisfied(notice, cast):
    from xuncha.analytics import providers
    from xuncha.portal import analytics

    for rating in ("basically", "unsatisfied", "unsatisfied", "satisfied"):
        posted = post(notice).comment
        comments.reply(cast.actor("editor"), posted, "已整改完毕，谢谢监督。")
        comments.rate(CITIZEN, PublicComment.objects.get(pk=posted.pk), rating)
    iid = notice.inspection_id
    # 2 of 4 satisfied or basically satisfied: 50 %, not the 57.5-point mean of 70/30/30/100.
    assert analytics.satisfaction([iid]) == {iid: 50.0}
    figure = next(f for f in providers.figures([iid]) if f.source.key == "satisfaction")
    assert figure.source.label == "满意度（满意及基本满意占比）" and figure.shown == "50.0%"
