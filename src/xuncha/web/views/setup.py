"""巡察安排: the office sets up rounds, the unit tree, teams and inspections in the staff site.

A refused form is shown again with what was typed and the service's Chinese message beside
it; a saved one redirects (so reloading the page sends nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.ledger import setup_selectors as reads
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.services import setup
from xuncha.web import setup_forms as f
from xuncha.web.views.common import paginate, staff_view


def _save(request, form, call: Callable, success: str | Callable[[object], str], done: str | Callable[[object], str],
          page: Callable[[dict], HttpResponse], slot: str) -> HttpResponse:
    """Validate, call the service, redirect; on refusal re-render the page with the bound form.
    `done` is the URL to go to, or a function of what the service returned."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ServiceError as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return HttpResponseRedirect(done(result) if callable(done) else done)
    messages.error(request, "未保存，请按提示修改后重新提交。")
    response = page({slot: form})
    response.status_code = 400
    return response


# ---- rounds ---------------------------------------------------------------------------------

def _home(request, actor, forms: dict | None = None) -> HttpResponse:
    context = {"rounds": reads.rounds(actor), "round_form": f.RoundForm(), **(forms or {})}
    return render(request, "web/setup_home.html", context)


@staff_view
def home(request, actor):
    return _home(request, actor)


@require_POST
@staff_view
def round_create(request, actor):
    reads.check(actor)
    return _save(request, f.RoundForm(request.POST), lambda data: setup.create_round(actor, **data),
                 "已新建巡察轮次，请继续安排巡察组和被巡察单位。",
                 lambda round_: reverse("setup-round", args=[round_.pk]),
                 lambda forms: _home(request, actor, forms), "round_form")


def _level(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() else None


def _round_page(request, actor, round_, forms: dict | None = None, under: int | None = None,
                ticked: list[str] | None = None) -> HttpResponse:
    """The round's page. `under` is the level of the unit tree shown in the bulk form's picker (else
    the address's ?under=); `ticked` the units ticked in that form (else those of a refused bulk form),
    shown ticked wherever they are in the tree, so that nothing ticked is lost by browsing or a refusal."""
    initial = {"name": round_.name, "level": round_.level, "type": round_.type, "start": round_.start,
               "end": round_.end, "rectification_months": round_.rectification_months}
    if under is None:
        under = _level(request.GET.get("under"))
    bulk = (forms or {}).get("bulk_form")
    if ticked is None:
        ticked = bulk.data.getlist("units") if bulk is not None and bulk.is_bound else []
    ticked_ids = list(dict.fromkeys(int(pk) for pk in ticked if str(pk).isdigit()))
    picker = reads.unit_picker(round_, under)
    shown = {u.pk for u in picker.children}
    context = {
        "round": round_, "inspections": paginate(request, reads.round_inspections(round_)),
        "picker": picker, "ticked": {str(pk) for pk in ticked_ids},
        "ticked_elsewhere": reads.ticked_units(round_, [pk for pk in ticked_ids if pk not in shown]),
        "round_form": f.RoundForm(initial=initial, auto_id="round_%s"),
        "inspection_form": f.InspectionForm(initial={"round": round_.pk}, auto_id="one_%s"),
        "bulk_form": f.BulkInspectionForm(auto_id="bulk_%s"),
        **(forms or {}),
    }
    return render(request, "web/setup_round.html", context)


@staff_view
def round_page(request, actor, pk: int):
    return _round_page(request, actor, reads.get_round(actor, pk))


@require_POST
@staff_view
def round_update(request, actor, pk: int):
    round_ = reads.get_round(actor, pk)
    here = reverse("setup-round", args=[pk])
    return _save(request, f.RoundForm(request.POST, auto_id="round_%s"),
                 lambda data: setup.update_round(actor, round_, **data), "已保存巡察轮次。", here,
                 lambda forms: _round_page(request, actor, round_, forms), "round_form")


# ---- inspections ----------------------------------------------------------------------------

@require_POST
@staff_view
def inspection_create(request, actor):
    reads.check(actor)
    form = f.InspectionForm(request.POST, auto_id="one_%s")

    def call(data):
        return setup.create_inspection(actor, data["round"], data["team"], data["unit"],
                                       **form.service_dates())

    def page(forms):
        round_ = form.cleaned_data.get("round") if hasattr(form, "cleaned_data") else None
        if round_ is None:
            return _home(request, actor)
        return _round_page(request, actor, round_, forms)

    return _save(request, form, call, "已新增巡察安排。",
                 lambda inspection: reverse("setup-round", args=[inspection.round_id]), page,
                 "inspection_form")


@require_POST
@staff_view
def inspections_bulk(request, actor, pk: int):
    """Save the bulk form, or (its 下级/上级 buttons, name "browse") show another level of the unit
    tree with the form as the user left it: team, ticked units, pasted names and dates."""
    round_ = reads.get_round(actor, pk)
    ticked = request.POST.getlist("units")
    if "browse" in request.POST:
        form = f.BulkInspectionForm(auto_id="bulk_%s", initial={
            name: request.POST.get(name, "") for name in f.BulkInspectionForm.base_fields if name != "units"})
        return _round_page(request, actor, round_, {"bulk_form": form}, under=_level(request.POST["browse"]),
                           ticked=ticked)
    form = f.BulkInspectionForm(request.POST, auto_id="bulk_%s")

    def call(data):
        return setup.create_inspections_from_names(actor, round_, data["team"], data["names"],
                                                   list(data["units"]), **form.service_dates())

    return _save(request, form, call, lambda made: f"已批量新增{len(made)}个巡察安排。",
                 reverse("setup-round", args=[pk]),
                 lambda forms: _round_page(request, actor, round_, forms, under=_level(request.POST.get("at")),
                                           ticked=ticked), "bulk_form")


def _inspection_page(request, actor, inspection, form=None) -> HttpResponse:
    form = form or f.InspectionForm(initial={
        "round": inspection.round_id, "team": inspection.team_id, "unit": inspection.unit,
        "start": inspection.start, "end": inspection.end, "feedback_date": inspection.feedback_date,
        "rectification_end": inspection.rectification_end})
    form.fields["round"].disabled = True  # an inspection stays in its round
    return render(request, "web/setup_inspection.html", {"inspection": inspection, "form": form})


@staff_view
def inspection_page(request, actor, pk: int):
    return _inspection_page(request, actor, reads.get_inspection(actor, pk))


@require_POST
@staff_view
def inspection_update(request, actor, pk: int):
    inspection = reads.get_inspection(actor, pk)
    form = f.InspectionForm(request.POST, initial={"round": inspection.round_id})
    form.fields["round"].disabled = True

    def call(data):
        setup.update_inspection(actor, inspection, data["team"], data["unit"], **form.service_dates())

    return _save(request, form, call, "已保存巡察安排。", reverse("setup-round", args=[inspection.round_id]),
                 lambda forms: _inspection_page(request, actor, inspection, forms["form"]), "form")


# ---- the unit tree --------------------------------------------------------------------------

def _units_page(request, actor, forms: dict | None = None) -> HttpResponse:
    page = paginate(request, reads.unit_tree(actor))
    context = {"page": page, "tree": reads.tree_rows(page), "unit_form": f.UnitForm(), **(forms or {})}
    return render(request, "web/setup_units.html", context)


@staff_view
def units(request, actor):
    return _units_page(request, actor)


@require_POST
@staff_view
def unit_create(request, actor):
    reads.check(actor)
    return _save(request, f.UnitForm(request.POST), lambda data: setup.create_unit(actor, **data),
                 "已新增单位。", reverse("setup-units"), lambda forms: _units_page(request, actor, forms),
                 "unit_form")


def _unit_page(request, actor, unit, form=None) -> HttpResponse:
    form = form or f.UnitForm(initial={"name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
                                       "parent": unit.parent})
    return render(request, "web/setup_unit.html", {"unit": unit, "form": form})


@staff_view
def unit_page(request, actor, pk: int):
    return _unit_page(request, actor, reads.get_unit(actor, pk))


@require_POST
@staff_view
def unit_update(request, actor, pk: int):
    unit = reads.get_unit(actor, pk)
    return _save(request, f.UnitForm(request.POST), lambda data: setup.update_unit(actor, unit, **data),
                 "已保存单位。", reverse("setup-units"),
                 lambda forms: _unit_page(request, actor, unit, forms["form"]), "form")


# ---- teams and their members ----------------------------------------------------------------

def _teams_page(request, actor, forms: dict | None = None) -> HttpResponse:
    context = {"teams": reads.teams(actor), "team_form": f.TeamForm(), **(forms or {})}
    return render(request, "web/setup_teams.html", context)


@staff_view
def teams(request, actor):
    return _teams_page(request, actor)


@require_POST
@staff_view
def team_create(request, actor):
    reads.check(actor)
    return _save(request, f.TeamForm(request.POST), lambda data: setup.create_team(actor, data["name"]),
                 "已新建巡察组。", reverse("setup-teams"), lambda forms: _teams_page(request, actor, forms),
                 "team_form")


def _team_page(request, actor, team, forms: dict | None = None) -> HttpResponse:
    context = {"team": team, "name_form": f.TeamForm(initial={"name": team.name}),
               "member_form": f.MemberForm(), **(forms or {})}
    return render(request, "web/setup_team.html", context)


@staff_view
def team_page(request, actor, pk: int):
    return _team_page(request, actor, reads.get_team(actor, pk))


@require_POST
@staff_view
def team_rename(request, actor, pk: int):
    team = reads.get_team(actor, pk)
    return _save(request, f.TeamForm(request.POST), lambda data: setup.rename_team(actor, team, data["name"]),
                 "已修改巡察组名称。", reverse("setup-team", args=[pk]),
                 lambda forms: _team_page(request, actor, team, forms), "name_form")


@require_POST
@staff_view
def member_add(request, actor, pk: int):
    team = reads.get_team(actor, pk)
    return _save(request, f.MemberForm(request.POST),
                 lambda data: setup.assign_member(actor, team, data["staff"]),
                 "已编入巡察组。", reverse("setup-team", args=[pk]),
                 lambda forms: _team_page(request, actor, team, forms), "member_form")


@require_POST
@staff_view
def member_remove(request, actor, pk: int, staff_pk: int):
    team = reads.get_team(actor, pk)
    staff = reads.get_staff(actor, staff_pk)
    try:
        setup.remove_member(actor, team, staff)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已调出巡察组。")
    return HttpResponseRedirect(reverse("setup-team", args=[pk]))
