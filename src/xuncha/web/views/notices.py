"""Notices: drafting from the ledger, 体检, masking, approval, publication and download."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.core.document import Contacts, NoticeDoc
from xuncha.core.lint.names import rule_name
from xuncha.core.privacy import mask_number
from xuncha.core.render import RENDERERS, PdfUnavailable, render_bytes
from xuncha.core.render.compose import FreeParts, paragraphs
from xuncha.ledger import permissions, selectors
from xuncha.ledger.services import audit, notices, published
from xuncha.web import forms
from xuncha.web.notice_page import notice_page, parts_initial
from xuncha.web.views.common import EditConflict, run_action, staff_view
from xuncha.web.views.files import download_name, quote_name, stored_download


@require_POST
@staff_view
def notice_create(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    created = {}

    def draft():
        created["notice"] = notices.draft_from_ledger(actor, inspection)

    response = run_action(request, reverse("inspection", args=[pk]), draft, "已根据台账生成通报草稿。")
    return redirect("notice", pk=created["notice"].pk) if "notice" in created else response


BOUNDARY = "\n。；：，、！？"
SNAP = 12  # characters: a passage ending this near a boundary is shown up to it
LONG = 20  # only passages this long (copied text); a name or a number is marked exactly


def _to_words(text: str, span) -> tuple[int, int]:
    """A passage as shown: from and to the nearest boundary when one is near, so a mark and its
    tag do not cut a word ("整改[2 雷同照搬]结果" → "整改结果[2 雷同照搬]：")."""
    start, end = span
    if end - start < LONG:
        return start, end
    back = next((i + 1 for i in range(start - 1, max(-1, start - 1 - SNAP), -1) if text[i] in BOUNDARY), None)
    if back is not None or start <= SNAP:
        start = back if back is not None else 0
    ahead = next((i for i in range(end, min(len(text), end + SNAP)) if text[i] in BOUNDARY), None)
    if ahead is not None:
        end = ahead
    return (start, end) if start < end else tuple(span)


def highlighted(text: str, diagnostics) -> str:
    """The notice text as HTML paragraphs, each diagnostic's span marked and anchored, with the
    rule's Chinese name beside it (linking back to the diagnostic in the list)."""
    from django.utils.html import escape

    marks = sorted((*_to_words(text, d.span), index, d) for index, d in enumerate(diagnostics, start=1)
                   if d.span)
    out, position = [], 0
    for start, end, index, diagnostic in marks:
        tag = (f'<a class="lint-tag lint-{diagnostic.severity}" href="#diag-{index}">{index} '
               f'{escape(rule_name(diagnostic.rule))}</a>')
        if start < position:
            # Overlapping spans: the first one is marked; this one is anchored where that ends,
            # so the list's link still lands beside its passage.
            out.append(f'<span id="lint-{index}"></span>{tag}')
            continue
        out.append(escape(text[position:start]))
        mark = f'<mark class="lint-span lint-{diagnostic.severity}"'
        # A passage over several paragraphs is marked in each, so every <p> stays well formed.
        marked = f"</mark>\n{mark}>".join(escape(text[start:end]).split("\n"))
        out.append(f'{mark} id="lint-{index}">{marked}</mark>{tag}')
        position = end
    out.append(escape(text[position:]))
    return "".join(f"<p>{line}</p>" for line in "".join(out).split("\n") if line.strip())


@staff_view
def notice_detail(request, actor, pk: int):
    return _notice_response(request, actor, selectors.get_notice(actor, pk))


def _notice_response(request, actor, notice, conflict: EditConflict | None = None, status: int = 200):
    page = notice_page(notice)  # 体检, preview and form: from the cache while the notice is unchanged
    doc, diagnostics = page.doc, page.diagnostics
    numbers = notices.personal_numbers(notice, diagnostics)
    names = sorted({doc.text[d.span[0]:d.span[1]] for d in diagnostics
                    if d.rule == "personal-info" and d.span and d.span[1] - d.span[0] <= 4})
    return render(request, "web/notice_detail.html", {
        "notice": notice, "inspection": notice.inspection, "preview": page.preview,
        "diagnostics": diagnostics, "marked_text": highlighted(doc.text, diagnostics), "names": names,
        "numbers": [(n, mask_number(n)) for n in dict.fromkeys(numbers)],
        "has_errors": any(d.severity == "error" for d in diagnostics), "form_fields": page.form,
        "has_spans": any(d.span for d in diagnostics),
        "actions": permissions.actions_for(actor, notice.inspection), "formats": RENDERERS,
        "conflict": conflict,
        "superseded_by": notices.newer_published(notice) if notice.state == "approved" else None,
    }, status=status)


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、，,；;\n]+", value) if part.strip()]


@require_POST
@staff_view
def notice_edit(request, actor, pk: int):
    notice = selectors.get_notice(actor, pk)
    form = forms.NoticePartsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
        return redirect("notice", pk=pk)
    data = form.cleaned_data
    parts = FreeParts(overview=paragraphs(data["overview"]), plans=paragraphs(data["plans"]),
                      contacts=Contacts(phones=_split(data["phones"]), emails=_split(data["emails"]),
                                        addresses=_split(data["addresses"])))
    return run_action(request, reverse("notice", args=[pk]),
                      lambda: notices.update_draft(actor, notice, parts, data["version"],
                                                   notice_date=data["notice_date"]), "已保存通报草稿。",
                      on_conflict=lambda: _draft_conflict(request, actor, pk))


def _draft_conflict(request, actor, pk: int):
    """Someone saved the draft first: the saved text beside the typed one, which is kept."""
    notice = selectors.get_notice(actor, pk)
    typed = request.POST.copy()
    typed["version"] = str(notice.row_version)  # saving the kept text is a deliberate overwrite
    kept = forms.NoticePartsForm(typed, auto_id="conflict_%s")
    kept.is_valid()
    fields = forms.NoticePartsForm.base_fields
    saved = [(str(fields[name].label), "" if value is None else str(value))
             for name, value in parts_initial(notice).items()]
    messages.error(request, "保存时发现冲突：他人已修改了这份通报草稿，您填写的内容已保留，请核对后再保存。")
    conflict = EditConflict("notice", pk, saved, kept, reverse("notice-edit", args=[pk]), None)
    return _notice_response(request, actor, notice, conflict, status=409)


@require_POST
@staff_view
def notice_transition(request, actor, pk: int, action: str):
    notice = selectors.get_notice(actor, pk)
    if action == "approve":
        return run_action(request, reverse("notice", args=[pk]), lambda: notices.approve(actor, notice), "通报已审定。")
    reason = request.POST.get("override_reason", "")[:500]
    return run_action(request, reverse("notice", args=[pk]),
                      lambda: notices.publish(actor, notice, override_reason=reason), "通报已发布。")


@require_POST
@staff_view
def notice_mask(request, actor, pk: int):
    notice = selectors.get_notice(actor, pk)
    name = request.POST.get("name", "")[:10]
    return run_action(request, reverse("notice", args=[pk]), lambda: notices.mask_name(actor, notice, name),
                      f"已将“{name}”改为“{name[:1]}某”。")


@require_POST
@staff_view
def notice_mask_number(request, actor, pk: int):
    notice = selectors.get_notice(actor, pk)
    number = request.POST.get("number", "")[:40]
    return run_action(request, reverse("notice", args=[pk]),
                      lambda: notices.mask_number(actor, notice, number),
                      f"已将号码改为“{mask_number(number)}”。")


@staff_view
def notice_download(request, actor, pk: int, fmt: str):
    notice = selectors.get_notice(actor, pk)
    if fmt not in RENDERERS:
        raise Http404("不支持的格式。")
    renderer = RENDERERS[fmt]
    name = download_name(notice.doc.get("title") or "通报", renderer.suffix)
    stored = next((f for f in notice.files if f["format"] == fmt), None)
    if notice.state == "published" and stored:
        try:  # served only while it is the file that was published
            published.ensure_unchanged(actor, notice, stored)
        except published.PublishedFileChanged as exc:
            messages.error(request, exc.message)
            return redirect("notice", pk=pk)
        audit.record_now(actor, "notice.download", notice, f"下载已发布通报（第{notice.version}版，{fmt}）",
                         after={"format": fmt, "sha256": stored.get("sha256")})
        return stored_download(notices.FILES, notices.stored_name(notice, stored), name,
                               renderer.content_type)
    try:
        data = render_bytes(NoticeDoc.from_dict(notice.doc), fmt)
    except PdfUnavailable as exc:
        messages.error(request, exc.message)
        return redirect("notice", pk=pk)
    audit.record_now(actor, "notice.download", notice, f"下载通报草稿（第{notice.version}版，{fmt}）",
                     after={"format": fmt, "state": notice.state})
    response = HttpResponse(data, content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote_name(name)}"
    return response
