"""The ledger as Excel out, and notices or ledgers in (upload, preview, confirm)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.core.ledger_xlsx import write_xlsx
from xuncha.ledger import selectors
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.services import audit, exports, imports, storage
from xuncha.web import forms, uploads
from xuncha.web.views.common import run_action, staff_view
from xuncha.web.views.files import XLSX, download_name, quote_name, stored_download


@staff_view
def ledger_export(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    rows = selectors.ledger_rows(inspection)
    data = write_xlsx(rows, title=f"{inspection.unit.name}巡察整改台账")
    audit.record_now(actor, "ledger.export", inspection, f"导出台账：{inspection.unit.name}",
                     after={"format": "xlsx"})
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote_name(download_name(inspection.unit.name + '整改台账', '.xlsx'))}")
    return response


@staff_view
def round_export_page(request, actor, pk: int) -> HttpResponse:
    """导出台账 (a link, GET): a small round's workbook at once; for a large one, a page offering
    the export as a job (started by POST only, so a prefetch starts nothing) and its state."""
    round_ = selectors.get_round(actor, pk)
    measures = exports.measure_count(actor, round_)
    if not exports.is_large(actor, round_, measures):
        return _round_workbook(actor, round_)
    jobs = exports.export_jobs(actor, round_)
    return render(request, "web/round_export.html", {
        "round": round_, "measures": measures, "jobs": jobs,
        "pending": any(j.state in {"queued", "running"} for j in jobs)})


@require_POST
@staff_view
def round_export(request, actor, pk: int) -> HttpResponse:
    """Start the export: the workbook at once, or a job when the round is large."""
    round_ = selectors.get_round(actor, pk)
    if exports.is_large(actor, round_):
        exports.request_export(actor, round_)
        messages.info(request, "本轮台账较大，已提交后台任务生成；完成后可在本页或“后台任务”页下载。")
        return redirect("round-export-page", pk=pk)
    return _round_workbook(actor, round_)


def _round_workbook(actor, round_) -> HttpResponse:
    data = exports.round_workbook(actor, round_)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote_name(download_name(round_.name + '整改台账', '.xlsx'))}")
    return response


@staff_view
def round_export_download(request, actor, job: int):
    found = exports.export_file(actor, job)
    return stored_download(exports.KIND, found.name, download_name(found.filename[:-5], ".xlsx"), XLSX)


def _import_page(request, inspection, form, status: int = 200, **extra) -> HttpResponse:
    return render(request, "web/import.html", {"inspection": inspection, "form": form, **extra},
                  status=status)


@staff_view
def import_upload(request, actor, pk: int) -> HttpResponse:
    inspection = selectors.get_inspection(actor, pk)
    imports.require_commit(actor, inspection)  # 403 before anything is read or stored
    if request.method != "POST":
        try:  # what this inspection takes from this person: findings, measures, or both
            kind = imports.KIND_LABELS[imports.import_kind(actor, inspection)]
        except ServiceError as exc:
            return _import_page(request, inspection, None, refused=exc.message)
        return _import_page(request, inspection, forms.ImportForm(), kind_label=kind)
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
    request.session[f"import:{inspection.pk}"] = {"token": staged.token, "name": staged.name,
                                                  "kind": staged.preview.kind}
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
    accept = request.POST.get("accept_mismatch") == "1"
    try:
        prepared = imports.staged_preview(actor, inspection, token, name)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("import", pk=pk)
    if pending.get("kind") not in (None, prepared.kind):  # the inspection changed since the preview
        messages.error(request, imports.STATE_CHANGED)
        return redirect("import", pk=pk)
    if prepared.mismatches and not accept:
        # Shown again with the choice to make: nothing is imported into the wrong inspection by a click.
        return _import_page(request, inspection, forms.ImportForm(), 400, preview=prepared, token=token,
                            refused=imports.MISMATCH_REFUSED.format(what="；".join(prepared.mismatches)))
    if imports.is_large(prepared):
        def queue():
            job = imports.commit_later(actor, inspection, token, name, pending.get("kind") or "")
            request.session.pop(f"import:{inspection.pk}", None)
            return job

        return run_action(request, reverse("inspection", args=[pk]), queue,
                          f"“{name}”较大，已转入后台导入，完成后刷新本页即可看到；进度见“后台任务”。")

    def commit():
        result = imports.commit_staged(actor, inspection, token, name, prepared, accept_mismatch=accept,
                                       kind=pending.get("kind"))
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
