"""The ledger: rounds, inspections, findings, measures and progress (pages and actions)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.analytics import drill
from xuncha.core.statuses import FINDING_STATUS, MEASURE_KIND
from xuncha.ledger import permissions, selectors, worklists
from xuncha.ledger.errors import Conflict, ServiceError
from xuncha.ledger.models import Round, Team, Unit
from xuncha.ledger.services import exports, extensions, findings, measures, numbering, submissions
from xuncha.web import forms, uploads
from xuncha.web.views.common import EditConflict, back, form_errors, paginate, staff_view, submit


def finding_url(pk: int) -> str:
    return reverse("finding", args=[pk])


def once(request, call):
    """The service call, saved at most once per form token (back button, double click)."""
    return lambda *data: submissions.once(request.user, request.POST.get("form_token", ""),
                                          lambda: call(*data))


@staff_view
def workbench(request, actor):
    return render(request, "web/workbench.html", {"wb": selectors.workbench(actor)})


UNIT_CHOICES_MAX = 300  # above this a unit is chosen from a link (the 工作台, the round page)


@staff_view
def measure_list(request, actor):
    """整改措施 of every visible inspection, filtered, most urgent first."""
    filters = worklists.MeasureFilters(**forms.MeasureFilterForm(request.GET).filters())
    if filters.status not in worklists.STATUS_FILTERS:
        filters.status = ""
    page = worklists.measure_page(actor, filters, request.GET.get("page"))
    visible = permissions.visible_inspections(actor)
    everything = permissions.ACTIONS["view"].get(actor.role) == permissions.ALL
    # The office sees every round and team: no join over the province's inspections to list them.
    rounds = Round.objects.all() if everything else Round.objects.filter(inspections__in=visible).distinct()
    teams = Team.objects.all() if everything else Team.objects.filter(inspections__in=visible).distinct()
    unit_choices = None
    if filters.round or not everything:
        # A province has thousands of units: a choice list only for a round or a unit's own scope.
        chosen = visible.filter(round_id=filters.round) if filters.round else visible
        unit_choices = list(Unit.objects.filter(inspections__in=chosen).distinct()
                            .order_by("path")[:UNIT_CHOICES_MAX + 1])
    return render(request, "web/measure_list.html", {
        "page": page, "f": filters, "query": filters.query(), "cap": worklists.COUNT_CAP,
        "rounds": rounds.order_by("-start", "-id"), "teams": teams.order_by("name"),
        "units": unit_choices if unit_choices is not None and len(unit_choices) <= UNIT_CHOICES_MAX else None,
        "unit_name": Unit.objects.filter(pk=filters.unit).values_list("name", flat=True).first()
        if filters.unit else "",
        "statuses": worklists.STATUS_FILTERS, "colours": worklists.COLOURS, "kinds": MEASURE_KIND,
        "ages": worklists.AGES,
    })


@staff_view
def todo(request, actor, key: str):
    """The full list behind a 工作台 count (sign-offs to endorse, 延期 requests, …)."""
    if key not in worklists.WORKLISTS:
        raise Http404("没有这个待办清单。")
    title, _, kind = worklists.WORKLISTS[key]
    page = worklists.CappedPaginator(worklists.worklist(actor, key), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "web/todo_list.html", {"title": title, "kind": kind, "page": page, "key": key,
                                                  "cap": worklists.COUNT_CAP})


@staff_view
def round_list(request, actor):
    return render(request, "web/round_list.html", {"rounds": selectors.rounds(actor)})


@staff_view
def round_detail(request, actor, pk: int):
    round_ = selectors.get_round(actor, pk)
    search = forms.SearchForm(request.GET)
    search.is_valid()
    q, status = search.cleaned_data.get("q", ""), search.cleaned_data.get("status", "")
    inspections = paginate(request, selectors.round_inspections(actor, round_), "upage")
    overdue = worklists.overdue_counts(list(inspections.object_list))
    for inspection in inspections.object_list:
        inspection.overdue = overdue.get(inspection.pk, 0)
    context = {"round": round_, "q": q, "status": status, "statuses": FINDING_STATUS,
               "inspections": inspections, "exports": exports.export_jobs(actor, round_),
               "can_setup": permissions.allowed(actor, "manage_setup")}
    if q or status:
        context["page"] = paginate(request, selectors.search_findings(actor, round_, q, status))
    return render(request, "web/round_detail.html", context)


@staff_view
def finding_list(request, actor):
    search = forms.SearchForm(request.GET)
    search.is_valid()
    q, status = search.cleaned_data.get("q", ""), search.cleaned_data.get("status", "")
    filters = drill.clean(request.GET)
    extra = drill.finding_filter(filters, selectors.findings_in_scope(actor)) if filters else None
    page = paginate(request, selectors.search_findings(actor, q=q, status=status, extra=extra))
    return render(request, "web/finding_list.html",
                  {"page": page, "q": q, "status": status, "statuses": FINDING_STATUS,
                   "drill": filters, "drill_query": urlencode(filters),
                   "drill_label": drill.describe(filters) if filters else ""})


@staff_view
def inspection_detail(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    category = request.GET.get("category", "")
    page = selectors.inspection_page(inspection, int(category) if category.isdigit() else None,
                                     request.GET.get("page"))
    return render(request, "web/inspection_detail.html", {
        "inspection": inspection, "p": page, "tree": page.tree,
        "actions": permissions.actions_for(actor, inspection),
        "finding_form": forms.FindingForm(categories=[c.name for c in page.categories if c.name]),
        "notices": selectors.inspection_notices(inspection),
    })


def _finding_response(request, actor, pk: int, conflict: EditConflict | None = None, status: int = 200):
    page = selectors.finding_page(actor, pk)
    for m in page.measures:
        m.edit_form = forms.MeasureForm(auto_id=f"m{m.pk}_%s", initial={
            "text": m.text, "lead": m.lead, "owner": m.owner, "kind": m.kind, "deadline": m.deadline})
        if m.deadline:  # a set deadline moves only by a 延期 the office approves: shown, not offered
            m.edit_form.fields["deadline"].disabled = True
            m.edit_form.fields["deadline"].help_text = "调整完成时限请提出延期申请。"
        m.extension_form = forms.ExtensionForm(auto_id=f"x{m.pk}_%s")
    return render(request, "web/finding_detail.html", {
        "p": page, "finding": page.finding, "actions": page.actions, "conflict": conflict,
        "measure_form": forms.MeasureForm(), "lookback_form": forms.LookbackForm(),
        "closeout_form": forms.CloseoutRequestForm(),
        "finding_form": forms.FindingForm(categories=numbering.categories(page.finding.inspection), initial={
            "category": page.finding.category, "title": page.finding.title,
            "description": page.finding.description, "source": page.finding.source}),
        "here": reverse("finding", args=[pk]),
    }, status=status)


@staff_view
def finding_detail(request, actor, pk: int):
    return _finding_response(request, actor, pk)


def _saved(form_class, obj) -> list[tuple[str, str]]:
    rows = []
    for name, field_ in form_class.base_fields.items():
        if not hasattr(obj, name):  # a form-only field (e.g. 新增类别)
            continue
        value = getattr(obj, name)
        if hasattr(field_, "choices") and value:
            value = dict(field_.choices).get(value, value)
        rows.append((str(field_.label), "" if value is None else str(value)))
    return rows


def _edit(request, actor, obj, form_class, save, finding_pk: int, kind: str, action: str, success: str):
    """Save an edit; on a conflict show the saved version beside the typed one (kept, not lost)."""
    form, seen = form_class(request.POST), forms.VersionForm(request.POST)
    if not (form.is_valid() and seen.is_valid()):
        form_errors(request, form)
        form_errors(request, seen)
        return back(request, finding_url(finding_pk))
    try:
        save(form.cleaned_data, seen.cleaned_data["version"])
    except Conflict:
        obj.refresh_from_db()
        kept = form_class(request.POST, auto_id="conflict_%s")
        kept.is_valid()
        conflict = EditConflict(kind, obj.pk, _saved(form_class, obj), kept, action, obj.version)
        return _finding_response(request, actor, finding_pk, conflict, status=409)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return back(request, finding_url(finding_pk))


@require_POST
@staff_view
def finding_create(request, actor, pk: int):
    inspection = selectors.get_inspection(actor, pk)
    return submit(request, reverse("inspection", args=[pk]), "已新增反馈问题。",
                  once(request, lambda data: findings.create_finding(actor, inspection, **data)),
                  forms.FindingForm(request.POST))


@require_POST
@staff_view
def finding_update(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    return _edit(request, actor, finding, forms.FindingForm,
                 lambda data, version: findings.update_finding(actor, finding, version, **data),
                 pk, "finding", reverse("finding-update", args=[pk]), "已保存反馈问题。")


@require_POST
@staff_view
def measure_create(request, actor, pk: int):
    finding = selectors.get_finding(actor, pk)
    return submit(request, finding_url(pk), "已新增整改措施。",
                  once(request, lambda data: measures.create_measure(actor, finding, **data)),
                  forms.MeasureForm(request.POST))


@require_POST
@staff_view
def measure_update(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)

    def save(data: dict, version: int):
        if measure.deadline:  # the field is shown disabled (the browser sends nothing for it)
            data = {name: value for name, value in data.items() if name != "deadline"}
        return measures.update_measure(actor, measure, version, **data)

    return _edit(request, actor, measure, forms.MeasureForm, save,
                 measure.finding_id, "measure", reverse("measure-update", args=[pk]), "已保存整改措施。")


@require_POST
@staff_view
def extension_request(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    return submit(request, finding_url(measure.finding_id), "已提交延期申请，等待巡察办审核。",
                  once(request, lambda data: extensions.request_extension(
                      actor, measure, data["new_deadline"], data["reason"])),
                  forms.ExtensionForm(request.POST))


@require_POST
@staff_view
def extension_decide(request, actor, pk: int, decision: str):
    extension = selectors.get_extension(actor, pk)
    call, done = ((extensions.approve_extension, "已同意延期。") if decision == "approve"
                  else (extensions.refuse_extension, "已不同意延期。"))
    return submit(request, finding_url(extension.measure.finding_id), done,
                  lambda data: call(actor, extension, data["comment"]), forms.CommentForm(request.POST))


@require_POST
@staff_view
def measure_status(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    return submit(request, finding_url(measure.finding_id), "已更新措施状态。",
                  lambda data: measures.change_measure_status(
                      actor, measure, data["status"], data["version"], data["completed_on"]),
                  forms.MeasureStatusForm(request.POST))


@require_POST
@staff_view
def progress_create(request, actor, pk: int):
    measure = selectors.get_measure(actor, pk)
    too_large = uploads.too_large_message(request)
    if too_large:  # the file was dropped while streaming in: nothing to report with
        return uploads.too_large(request, too_large, finding_url(measure.finding_id))

    def report(data):
        files = [(f.name, f.chunks()) for f in data["files"]]
        return measures.report_progress(actor, measure, data["date"], data["text"], files, data["mark"] or None,
                                        data["version"])

    return submit(request, finding_url(measure.finding_id), "已报送整改进展。", once(request, report),
                  forms.ProgressForm(request.POST, request.FILES))
