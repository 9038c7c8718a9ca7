"""Staff pages of the notify app: 通知 (the inbox and its settings), 督办 and 约谈, the ladder."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.core.render import PdfUnavailable
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.notify import letters, selectors, services
from xuncha.notify.choices import INTERVIEW_STATE, SUPERVISION_MOVES, SUPERVISION_STATE
from xuncha.notify.forms import AnswerForm, DecisionForm, InterviewForm, LadderForm, PreferenceForm
from xuncha.notify.ladder_config import current
from xuncha.notify.models import Interview, Preference, Supervision
from xuncha.web.views.common import back, id_param, paginate, run_action, staff_view, submit

SUPERVISION_TABS = [("open", "待报结"), ("overdue", "逾期未报结"), ("answered", "待审核"), ("closed", "已办结"),
                    ("", "全部")]


@staff_view
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    unread = request.GET.get("status") == "unread"
    page = paginate(request, selectors.inbox(actor, unread_only=unread))
    return render(request, "notify/inbox.html", {"page": page, "status": "unread" if unread else ""})


@require_POST
@staff_view
def inbox_read(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    note = services.mark_read(actor, pk)
    if request.POST.get("open") and note.link.startswith("/") and not note.link.startswith("//"):
        return HttpResponseRedirect(note.link)  # opening a notification marks it read
    return back(request, reverse("inbox"))


@require_POST
@staff_view
def inbox_read_all(request: HttpRequest, actor: Actor) -> HttpResponse:
    return run_action(request, reverse("inbox"), lambda: services.mark_all_read(actor), "已全部标为已读。")


@staff_view
def preferences(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method == "POST":
        return submit(request, reverse("inbox-preferences"), "通知设置已保存。",
                      lambda data: services.save_preferences(actor, data["email_kinds"], data["digest"]),
                      PreferenceForm(request.POST))
    from django.conf import settings

    row = Preference.objects.filter(user_id=actor.user_id).first()
    initial = ({"email_kinds": row.email_kinds, "digest": row.digest} if row else
               {"email_kinds": list(settings.NOTIFY_EMAIL_KINDS), "digest": True})
    return render(request, "notify/preferences.html", {"form": PreferenceForm(initial=initial),
                                                       "email": getattr(actor.user, "email", "")})


@staff_view
def supervision_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    status = request.GET.get("status", "open")
    status = status if status in dict(SUPERVISION_TABS) else "open"
    unit, inspection = _narrowing(request)
    rows = selectors.supervisions(actor, status, unit, inspection).select_related("inspection__unit")
    return render(request, "notify/supervision_list.html", {
        "page": paginate(request, rows), "status": status, "tabs": SUPERVISION_TABS,
        "states": SUPERVISION_STATE, "can_manage": permissions.allowed(actor, "manage_ladder"),
        "counts": selectors.ladder_counts(actor, unit_id=unit, inspection_id=inspection),
        **_filter_context(actor, Supervision, unit, inspection)})


def _narrowing(request: HttpRequest) -> tuple[int | None, int | None]:
    return id_param(request.GET.get("unit")), id_param(request.GET.get("inspection"))


def _filter_context(actor: Actor, model: type[Supervision] | type[Interview], unit: int | None,
                    inspection: int | None) -> dict:
    """The unit and inspection choices, and the filters again for the pager and the tabs."""
    kept = urlencode({k: v for k, v in (("unit", unit), ("inspection", inspection)) if v})
    return {"choices": selectors.choices(actor, model), "unit": unit, "inspection": inspection,
            "drill_query": kept}


@staff_view
def supervision_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    found = selectors.supervision(actor, pk)
    moves = services.possible_moves(actor, found)
    return render(request, "notify/supervision_detail.html", {
        "s": found, "measures": selectors.supervised_measures(found), "moves": moves,
        "state_label": SUPERVISION_STATE.label(found.state), "state_colour": SUPERVISION_STATE.colour(found.state),
        "answer_form": AnswerForm(), "decision_form": DecisionForm(), "labels": SUPERVISION_MOVES})


@require_POST
@staff_view
def supervision_move(request: HttpRequest, actor: Actor, pk: int, name: str) -> HttpResponse:
    found = selectors.supervision(actor, pk)
    form = AnswerForm(request.POST) if name == "answer" else DecisionForm(request.POST)
    return submit(request, reverse("supervision", args=[pk]), f"已{SUPERVISION_MOVES[name].label}。",
                  lambda data: services.move(actor, found, name, data["text"]), form)


@staff_view
def supervision_letter(request: HttpRequest, actor: Actor, pk: int, fmt: str) -> HttpResponse:
    found = selectors.supervision(actor, pk)
    if fmt not in letters.FORMATS:
        raise Http404("没有这种格式。")
    try:
        data, content_type, name = letters.download(actor, found, fmt)
    except PdfUnavailable as exc:
        messages.error(request, exc.message)
        return back(request, reverse("supervision", args=[pk]))
    response = HttpResponse(data, content_type=content_type)
    from django.utils.encoding import escape_uri_path

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view
def interview_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("status", "")
    state = state if state in INTERVIEW_STATE else ""
    unit, inspection = _narrowing(request)
    rows = selectors.interviews(actor, state, unit, inspection).select_related("inspection__unit")
    return render(request, "notify/interview_list.html", {
        "page": paginate(request, rows), "status": state, "states": INTERVIEW_STATE,
        **_filter_context(actor, Interview, unit, inspection)})


@staff_view
def interview_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    found = selectors.interview(actor, pk)
    if request.method == "POST":
        return submit(request, reverse("interview", args=[pk]), "约谈情况已登记。",
                      lambda d: services.record_interview(actor, found, d["held_on"], d["people"], d["notes"]),
                      InterviewForm(request.POST))
    steps = found.steps.select_related("measure__finding").order_by("measure_id")
    return render(request, "notify/interview_detail.html", {
        "i": found, "steps": steps, "form": InterviewForm(),
        "can_record": permissions.allowed(actor, "record_interview"),
        "state_label": INTERVIEW_STATE.label(found.state), "state_colour": INTERVIEW_STATE.colour(found.state)})


@staff_view
def ladder_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    permissions.require(actor, "manage_ladder")
    if request.method == "POST":
        form = LadderForm(request.POST)
        return submit(request, reverse("ladder-settings"), "督办设置已保存。",
                      lambda d: services.save_ladder(actor, d["reminder_days"], d["interview_days"],
                                                     d["reply_days"], d["issuer"], form.audiences()), form)
    ladder = current()
    initial = {"reminder_days": ",".join(str(d) for d in reversed(ladder.reminder_days)),
               "interview_days": ladder.interview_days, "reply_days": ladder.reply_days, "issuer": ladder.issuer}
    initial.update({f"aud_{kind}": list(chosen) for kind, chosen in ladder.audiences.items()})
    return render(request, "notify/ladder_settings.html", {"form": LadderForm(initial=initial)})
