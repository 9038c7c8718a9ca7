"""Documents in and out of an inspection: Excel export, import with preview, notices."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.core.document import Contacts, NoticeDoc
from xuncha.core.ledger_xlsx import write_xlsx
from xuncha.core.privacy import mask_number
from xuncha.core.render import RENDERERS, PdfUnavailable, render_bytes
from xuncha.core.render.compose import FreeParts, paragraphs
from xuncha.ledger import permissions, selectors
from xuncha.ledger.services import imports, notices, storage
from xuncha.ledger.services.errors import ServiceError
from xuncha.web import forms, uploads
from xuncha.web.notice_page import notice_page
from xuncha.web.views.common import run_action, staff_view
from xuncha.web.views.files import stored_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_name(text: str, suffix: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text)[:80] + suffix


@staff_view
def ledger_export(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    data = write_xlsx(selectors.ledger_rows(inspection), title=f"{inspection.unit.name}巡察整改台账")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote_name(download_name(inspection.unit.name + '整改台账', '.xlsx'))}")
    return response


def quote_name(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _import_page(request, inspection, form, status: int = 200, **extra) -> HttpResponse:
    return render(request, "web/import.html", {"inspection": inspection, "form": form, **extra},
                  status=status)


@staff_view
def import_upload(request, actor, pk: int) -> HttpResponse:
    inspection = selectors.get_inspection(actor, pk)
    imports.require_commit(actor, inspection)  # 403 before anything is read or stored
    if request.method != "POST":
        return _import_page(request, inspection, forms.ImportForm())
    too_large = uploads.too_large_message(request)
    if too_large:
        return _import_page(request, inspection, forms.ImportForm(), 413, refused=too_large)
    form = forms.ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, inspection, form, 400)
    upload = form.cleaned_data["file"]
    try:
        staged = imports.stage(actor, inspection, upload.name, upload.chunks())
    except ServiceError as exc:
        status = 413 if isinstance(exc, storage.TooLarge) else 400
        return _import_page(request, inspection, forms.ImportForm(), status, refused=exc.message)
    if staged.preview.unreadable:  # nothing to confirm: say why, keep nothing
        imports.cancel_staged(actor, inspection, staged.token, staged.name)
        return _import_page(request, inspection, forms.ImportForm(), 400, preview=staged.preview)
    request.session[f"import:{inspection.pk}"] = {"token": staged.token, "name": staged.name}
    return _import_page(request, inspection, forms.ImportForm(), preview=staged.preview,
                        token=staged.token)


def _pending(request, inspection) -> dict | None:
    """The upload this session staged for the inspection, if the form names it."""
    pending = request.session.get(f"import:{inspection.pk}")
    if not pending or pending["token"] != request.POST.get("token"):
        return None
    return pending


@require_POST
@staff_view
def import_confirm(request, actor, pk: int) -> HttpResponse:
    inspection = selectors.get_inspection(actor, pk)
    pending = _pending(request, inspection)
    if pending is None:
        messages.error(request, "导入已过期，请重新上传文件。")
        return redirect("import", pk=pk)

    token, name = pending["token"], pending["name"]
    try:
        prepared = imports.staged_preview(actor, inspection, token, name)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("import", pk=pk)
    if imports.is_large(prepared):
        def queue():
            job = imports.commit_later(actor, inspection, token, name)
            request.session.pop(f"import:{inspection.pk}", None)
            return job

        return run_action(request, reverse("inspection", args=[pk]), queue,
                          f"“{name}”较大，已转入后台导入，完成后刷新本页即可看到；进度见“后台任务”。")

    def commit():
        result = imports.commit_staged(actor, inspection, token, name, prepared)
        request.session.pop(f"import:{inspection.pk}", None)
        return result

    return run_action(request, reverse("inspection", args=[pk]), commit, f"已导入“{name}”。")


@require_POST
@staff_view
def import_cancel(request, actor, pk: int) -> HttpResponse:
    inspection = selectors.get_inspection(actor, pk)
    pending = _pending(request, inspection)
    if pending is None:
        messages.error(request, "导入已过期，请重新上传文件。")
        return redirect("import", pk=pk)

    def cancel():
        imports.cancel_staged(actor, inspection, pending["token"], pending["name"])
        request.session.pop(f"import:{inspection.pk}", None)

    return run_action(request, reverse("import", args=[pk]), cancel, f"已取消导入“{pending['name']}”。")


@require_POST
@staff_view
def notice_create(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    created = {}

    def draft():
        created["notice"] = notices.draft_from_ledger(actor, inspection)

    response = run_action(request, reverse("inspection", args=[pk]), draft, "已根据台账生成通报草稿。")
    return redirect("notice", pk=created["notice"].pk) if "notice" in created else response


def highlighted(text: str, diagnostics) -> str:
    """The notice text as HTML paragraphs, each diagnostic's span marked and anchored."""
    from django.utils.html import escape

    marks = sorted((d.span[0], d.span[1], index) for index, d in enumerate(diagnostics, start=1) if d.span)
    out, position = [], 0
    for start, end, index in marks:
        if start < position:
            continue  # overlapping spans: the first one wins
        out.append(escape(text[position:start]))
        out.append(f'<mark class="lint-span" id="lint-{index}">{escape(text[start:end])}</mark>')
        position = end
    out.append(escape(text[position:]))
    return "".join(f"<p>{line}</p>" for line in "".join(out).split("\n") if line.strip())


@staff_view
def notice_detail(request, actor, pk: int):
    notice = selectors.get_notice(actor, pk)
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
        "actions": permissions.actions_for(actor, notice.inspection), "formats": RENDERERS,
    })


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
                      lambda: notices.update_draft(actor, notice, parts, data["version"]), "已保存通报草稿。")


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
        return stored_download(notices.FILES, notices.stored_name(notice, stored), name,
                               renderer.content_type)
    try:
        data = render_bytes(NoticeDoc.from_dict(notice.doc), fmt)
    except PdfUnavailable as exc:
        messages.error(request, exc.message)
        return redirect("notice", pk=pk)
    response = HttpResponse(data, content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote_name(name)}"
    return response
