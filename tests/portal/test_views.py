"""The portal over HTTP: anonymous pages, caching, the comment form's defences, the 查询码, hosts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from xuncha.portal.models import PublicComment
from xuncha.portal.services import comments, guard
from xuncha.portal.services import search as search_service
from xuncha.portal.services.guard import cache

PHONE = "13812345678"


@pytest.fixture
def anon(db):
    return Client()


def answer_of(token: str) -> str:
    return str(cache.get(f"portal:challenge:{token}")["answer"])


def form_post(anon, notice, **overrides):
    page = anon.get(reverse("portal:comment", args=[notice.pk]))
    token = re.search(r'name="challenge" value="([^"]+)"', page.content.decode()).group(1)
    data = {"text": f"消防栓还没有水，我的电话{PHONE}", "phone": PHONE, "item": "1", "challenge": token,
            "answer": answer_of(token), **overrides}
    return anon.post(reverse("portal:comment", args=[notice.pk]), data)


def test_it_shows_published_notices_to_anyone(anon, notice, cast):
    draft_text = "草稿中的秘密内容"
    from tests.portal.conftest import make_notice
    make_notice(cast, version=2, text=draft_text, state="draft")
    index = anon.get(reverse("portal:index"))
    assert index.status_code == 200 and "天宝社区" in index.content.decode()
    page = anon.get(reverse("portal:notice", args=[notice.pk]))
    html = page.content.decode()
    for words in ("发布机构", "成文日期", "2025年11月10日", "发布日期", "SHA-256", "ab" * 32, "0433-5750316"):
        assert words in html
    assert draft_text not in html
    assert anon.get(reverse("portal:notice", args=[notice.pk + 1])).status_code == 404
    assert anon.get(reverse("portal:unit", args=[cast.tianbao.pk])).status_code == 200


def test_published_pages_are_cached_with_an_etag(anon, notice):
    first = anon.get(reverse("portal:notice", args=[notice.pk]))
    assert first["Cache-Control"].startswith("public, max-age=")
    again = anon.get(reverse("portal:notice", args=[notice.pk]), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert "csrftoken" not in first.cookies


def test_a_published_reply_shows_on_the_cached_page_at_once(anon, notice, cast):
    url = reverse("portal:notice", args=[notice.pk])
    assert "已联系供水公司" not in anon.get(url).content.decode()
    posted = comments.post(cast.actor("admin"), notice, "消防栓依然没有水。", item=1)
    comments.moderate(cast.actor("editor"), posted.comment, "publish")
    comments.reply(cast.actor("editor"), PublicComment.objects.get(pk=posted.comment.pk), "已联系供水公司。")
    assert "已联系供水公司" in anon.get(url).content.decode()


def test_a_comment_gets_a_query_code_and_stays_held(anon, notice):
    done = form_post(anon, notice)
    html = done.content.decode()
    assert done.status_code == 200 and "查询码" in html
    code = re.search(r'id="query-code">([^<]+)<', html).group(1)
    comment = comments.find_by_code(code)
    assert comment.state == "held" and PHONE not in comment.text
    assert done["Cache-Control"] == "no-store"
    assert PHONE not in anon.get(reverse("portal:notice", args=[notice.pk])).content.decode()


def test_the_confirmation_looks_the_code_up_by_post_without_the_code_in_a_url(anon, notice, settings):
    settings.PORTAL_LOOKUP_LIMIT = 9  # a code: 3 an hour
    html = form_post(anon, notice).content.decode()
    code = re.search(r'id="query-code">([^<]+)<', html).group(1).strip()
    form = re.search(r'<form method="post" action="([^"]+)" class="done-actions">(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("portal:lookup")
    assert f'<input type="hidden" name="code" value="{code}">' in form.group(2)
    assert not re.search(r'href="[^"]*' + re.escape(code), html)
    shown = anon.post(form.group(1), {"code": code}).content.decode()
    assert "待审核" in shown and f'value="{code}"' in shown
    # … and it counts against the code's look-up limit like any other look-up.
    assert [anon.post(form.group(1), {"code": code}).status_code for _ in range(3)] == [200, 200, 429]


def test_the_challenge_is_single_use_and_the_honeypot_refuses(anon, notice):
    page = anon.get(reverse("portal:comment", args=[notice.pk]))
    token = re.search(r'name="challenge" value="([^"]+)"', page.content.decode()).group(1)
    answer = answer_of(token)
    assert guard.question(token) not in page.content.decode()  # only in the image
    data = {"text": "消防栓还没有水。", "challenge": token, "answer": answer}
    assert anon.post(reverse("portal:comment", args=[notice.pk]), data).status_code == 200
    assert anon.post(reverse("portal:comment", args=[notice.pk]), data).status_code == 400
    assert form_post(anon, notice, website="http://spam.example").status_code == 400
    assert form_post(anon, notice, answer="0").status_code == 400
    assert PublicComment.objects.count() == 1


def test_the_challenge_image_is_drawn_here(anon, notice):
    token = guard.new_challenge()
    image = anon.get(reverse("portal:challenge", args=[token]))
    assert image["Content-Type"] == "image/svg+xml" and image.content.startswith(b"<svg")


def test_posting_is_rate_limited_per_address(anon, notice, settings):
    settings.PORTAL_COMMENT_LIMIT = 2
    assert form_post(anon, notice).status_code == 200
    assert form_post(anon, notice).status_code == 200
    refused = form_post(anon, notice)
    assert refused.status_code == 429 and "频繁" in refused.content.decode()


def test_a_wrong_code_is_answered_like_an_unknown_one(anon, notice):
    posted = comments.post(comments_actor(), notice, "消防栓还没有水。")
    wrong = posted.code[:-1] + ("A" if posted.code[-1] != "A" else "B")
    bodies = [strip_token(anon.post(reverse("portal:lookup"), {"code": c}).content.decode())
              for c in (wrong, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")]
    assert bodies[0] == bodies[1] and "未找到" in bodies[0]
    found = anon.post(reverse("portal:lookup"), {"code": posted.code}).content.decode()
    assert "待审核" in found


def test_lookups_are_rate_limited_per_code(anon, notice, settings):
    settings.PORTAL_LOOKUP_LIMIT = 9  # a code: 3 an hour
    posted = comments.post(comments_actor(), notice, "消防栓还没有水。")
    statuses = [anon.post(reverse("portal:lookup"), {"code": posted.code}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_forms_need_the_csrf_token(notice):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("portal:lookup"), {"code": "X" * 16}).status_code == 403


def test_rating_needs_the_code_and_a_reply(anon, notice, cast):
    posted = comments.post(comments_actor(), notice, "消防栓还没有水。")
    response = anon.post(reverse("portal:rate"), {"code": posted.code, "rating": "satisfied"})
    assert "答复之后才能评价" in response.content.decode()
    comments.reply(cast.actor("editor"), posted.comment, "已经处理完毕。")
    anon.post(reverse("portal:rate"), {"code": posted.code, "rating": "satisfied"})
    assert PublicComment.objects.get().rating == "satisfied"


def test_the_portal_host_serves_only_the_portal(anon, notice, settings):
    settings.PORTAL_HOST = "gk.example.gov.cn"
    settings.ALLOWED_HOSTS = ["testserver", "gk.example.gov.cn"]
    assert anon.get("/", HTTP_HOST="gk.example.gov.cn").status_code == 302
    assert anon.get(reverse("login"), HTTP_HOST="gk.example.gov.cn").status_code == 404
    assert anon.get(reverse("portal:index"), HTTP_HOST="gk.example.gov.cn").status_code == 200
    assert anon.get(reverse("login")).status_code == 200


def test_feed_sitemap_and_qr_codes(anon, notice, cast):
    search_service.sync()
    feed = anon.get(reverse("portal:feed"))
    assert feed["Content-Type"].startswith("application/atom+xml") and notice.doc["title"] in feed.content.decode()
    sitemap = anon.get(reverse("portal:sitemap")).content.decode()
    assert reverse("portal:notice", args=[notice.pk]) in sitemap
    assert reverse("portal:unit", args=[cast.tianbao.pk]) in sitemap
    qr = anon.get(reverse("portal:notice-qr", args=[notice.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_staff_comment_pages_are_scoped(login, notice, cast):
    posted = comments.post(comments_actor(), notice, "消防栓还没有水。")
    url = reverse("portal-staff:comment", args=[posted.comment.pk])
    assert login("editor").get(url).status_code == 200
    assert login("outsider").get(url).status_code == 404
    assert "消防栓" not in login("outsider").get(reverse("portal-staff:comments")).content.decode()
    editor = login("editor")
    editor.post(reverse("portal-staff:publish", args=[posted.comment.pk]))
    assert PublicComment.objects.get().state == "published"
    assert login("editor").get(reverse("portal-staff:settings")).status_code == 403
    answered = editor.post(reverse("portal-staff:reply", args=[posted.comment.pk]),
                           {"reply": "已联系供水公司，本周内修复。"}, follow=True).content.decode()
    assert "答复已保存，已与意见一同在公开网站显示。" in answered  # the comment is public already


def test_the_moderation_box_shows_the_decision_once_made(login, notice, cast):
    first = comments.post(comments_actor(), notice, "消防栓还没有水。")
    url = reverse("portal-staff:comment", args=[first.comment.pk])
    editor = login("editor")
    held = editor.get(url).content.decode()
    assert 'id="moderation"' in held and 'id="moderation-result"' not in held
    editor.post(reverse("portal-staff:publish", args=[first.comment.pk]))
    box = re.search(r'<section class="card" id="moderation">(.*?)</section>', editor.get(url).content.decode(),
                    re.S).group(1)
    for words in ("审核结果", "已公开", "审核人", "editor", "审核时间"):
        assert words in box
    assert "<form" not in box  # nothing published to merge into yet: no empty form either
    second = comments.post(comments_actor(), notice, "路灯也坏了很久。")
    editor.post(reverse("portal-staff:decline", args=[second.comment.pk]), {"reason": "与巡察整改无关"})
    declined = editor.get(reverse("portal-staff:comment", args=[second.comment.pk])).content.decode()
    box = re.search(r'id="moderation">(.*?)</section>', declined, re.S).group(1)
    assert "不予公开" in box and "与巡察整改无关" in box and "理由" in box


def test_the_nav_has_the_supervision_line(login, cast):
    assert "群众监督" in login("editor").get(reverse("workbench")).content.decode()


def comments_actor():
    from xuncha.ledger.actor import Actor

    return Actor(user=None, role="anonymous", ip="198.51.100.7")


def strip_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_live_ledger_shows_only_when_the_office_turns_it_on(anon, notice, cast):
    from xuncha.portal.services import rounds

    url = reverse("portal:unit", args=[cast.tianbao.pk])
    assert "实时进展" not in anon.get(url).content.decode()
    with pytest.raises(Exception, match="只有巡察办"):
        rounds.set_live_progress(cast.actor("editor"), cast.inspection.round, True)
    rounds.set_live_progress(cast.actor("admin"), cast.inspection.round, True)
    assert "实时进展" in anon.get(url).content.decode()


def test_an_older_version_is_marked_superseded_and_still_readable(anon, notice, cast):
    from tests.portal.conftest import make_notice

    newer = make_notice(cast, version=2, text="更正后的通报。")
    old_page = anon.get(reverse("portal:notice", args=[notice.pk])).content.decode()
    assert "已被更正后的" in old_page and reverse("portal:notice", args=[newer.pk]) in old_page
    assert "现行" in anon.get(reverse("portal:notice", args=[newer.pk])).content.decode()


def test_a_correction_keeps_the_comments_on_earlier_versions_and_numbers_only_published_ones(anon, notice, cast):
    from tests.portal.conftest import make_notice

    posted = comments.post(comments_actor(), notice, "消防栓还没有水。", item=1)
    comments.moderate(cast.actor("admin"), posted.comment, "publish")
    make_notice(cast, version=2, text="未发布的草稿。", state="draft")
    newer = make_notice(cast, version=3, text="更正后的通报。")
    current = anon.get(reverse("portal:notice", args=[newer.pk])).content.decode()
    assert "消防栓还没有水" in current and "就第 1 版中“（二）安全隐患排查工作不到位”" in current
    assert "第 2 版</strong>（本页）" in current and "第 3 版" not in current
    old = anon.get(reverse("portal:notice", args=[notice.pk])).content.decode()
    assert "本文为第 1 版，已被更正后的" in old and "第 2 版</a>代替" in old
    unit = anon.get(reverse("portal:unit", args=[cast.tianbao.pk])).content.decode()
    assert "消防栓还没有水" in unit



def test_a_published_comment_is_escaped(anon, notice, cast):
    posted = comments.post(comments_actor(), notice, "<script>alert(1)</script>消防栓没水")
    comments.moderate(cast.actor("admin"), posted.comment, "publish")
    html = anon.get(reverse("portal:notice", args=[notice.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_office_edits_the_holiday_calendar_and_units_may_not(login, cast):
    from xuncha.portal.models import Holiday

    url = reverse("portal-staff:holiday")
    login("editor").post(url, {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"})
    assert not Holiday.objects.exists()
    login("admin").post(url, {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"})
    assert Holiday.objects.get().name == "国庆节"


def test_revealing_the_commenter_shows_the_phone_once_and_audits_it(login, notice, cast):
    from xuncha.ledger.models import AuditEvent

    posted = comments.post(comments_actor(), notice, "消防栓还没有水。", name="王小明", phone=PHONE)
    page = login("editor").post(reverse("portal-staff:reveal", args=[posted.comment.pk])).content.decode()
    assert PHONE in page and "王小明" in page
    assert AuditEvent.objects.filter(action="comment.reveal").count() == 1
    detail = login("editor").get(reverse("portal-staff:comment", args=[posted.comment.pk])).content.decode()
    assert PHONE not in detail


def test_public_pages_carry_the_content_security_policy_from_the_cache_too(anon, notice):
    url = reverse("portal:notice", args=[notice.pk])
    first, cached = anon.get(url), anon.get(url)
    for response in (first, cached):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script" not in first.content.decode()


def test_paging_keeps_the_filters(anon, notice, cast, monkeypatch):
    from xuncha.ledger.models import Notice
    from xuncha.portal.views import public as public_views

    monkeypatch.setattr(public_views, "PAGE_SIZE", 1)
    Notice.objects.create(inspection=cast.other_inspection, doc={"title": "建设社区的通报", "text": "合同"},
                          created_by=cast.users["admin"], state="published", published_at=notice.published_at)
    html = anon.get(reverse("portal:index"), {"round": cast.inspection.round_id}).content.decode()
    assert f"?round={cast.inspection.round_id}&amp;page=2" in html


def test_the_units_workbench_lists_the_comments_it_is_to_answer(login, notice, cast, monkeypatch):
    posted = comments.post(cast.actor("admin"), notice, "消防栓依然没有水，请尽快处理。", item=1)
    editor = login("editor")
    page = editor.get(reverse("workbench")).content.decode()
    assert 'id="count-comments-to-answer"' in page and "消防栓依然没有水" in page
    assert "（二）安全隐患排查工作不到位" in page
    listed = editor.get(reverse("todo", args=["comments-to-answer"])).content.decode()
    assert reverse("portal-staff:comment", args=[posted.comment.pk]) in listed
    tab = editor.get(reverse("portal-staff:comments") + "?state=unanswered").content.decode()
    assert "消防栓依然没有水" in tab and 'id="tab-unanswered" aria-current="page"' in tab
    # Another unit's editor has nothing to answer; past its deadline the row says so; a reply ends it.
    assert "消防栓" not in login("outsider").get(reverse("todo", args=["comments-to-answer"])).content.decode()
    monkeypatch.setattr("xuncha.clock.today", lambda: posted.comment.reply_due + dt.timedelta(days=1))
    editor = login("editor")  # the fixture logs one client in as each person in turn
    assert "（已逾期）" in editor.get(reverse("workbench")).content.decode()
    comments.reply(cast.actor("editor"), PublicComment.objects.get(pk=posted.comment.pk), "已联系供水公司修复。")
    page = editor.get(reverse("workbench")).content.decode()
    assert "消防栓依然没有水" not in page and 'id="task-comments-to-answer"' not in page


def test_the_comment_forms_items_are_named_with_their_section_markers(anon, notice):
    notice.doc["findings"][1]["path"] = ["二", "（一）", "1"]  # a third level: "1" alone repeats per section
    notice.save(update_fields=["doc"])
    page = anon.get(reverse("portal:comment", args=[notice.pk])).content.decode()
    assert ">（一）1.安全隐患排查工作不到位</option>" in page
