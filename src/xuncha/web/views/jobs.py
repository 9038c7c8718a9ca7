"""后台任务: the office's view of the job queue, and the retry of a failed job."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.core.statuses import JOB_STATE
from xuncha.jobs import services
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.web.views.common import paginate, run_action, staff_view


@staff_view
def job_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    status = request.GET.get("status", "")  # "status", as the shared pager links it
    page = paginate(request, services.visible_jobs(actor, status))
    return render(request, "web/job_list.html", {
        "page": page, "status": status if status in JOB_STATE else "", "states": JOB_STATE,
        "can_retry": permissions.allowed(actor, "retry_jobs")})


@require_POST
@staff_view
def job_retry(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    permissions.require(actor, "retry_jobs")  # a refusal is a 403 page, not a message
    return run_action(request, reverse("jobs"), lambda: services.retry(actor, pk),
                      "已重新排队，稍后由后台任务进程运行。")
