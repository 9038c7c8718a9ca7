"""Taking an evidence file back: its uploader before sign-off, the system administrator
after it (with a reason). The file leaves storage once the change commits."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.ledger import permissions, selectors
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.services import evidence as evidence_files
from xuncha.web.views.common import run_action, staff_view


def _finding_url(evidence) -> str:
    return reverse("finding", args=[evidence.report.measure.finding_id]) + "#timeline"


@require_POST
@staff_view
def evidence_withdraw(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    evidence = selectors.evidence_for_download(actor, pk)
    return run_action(request, _finding_url(evidence), lambda: evidence_files.withdraw(actor, pk),
                      f"已撤回佐证材料“{evidence.original_name}”，文件已从存储中删除。")


@staff_view
def evidence_remove(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    permissions.require(actor, "remove_evidence")
    evidence = selectors.evidence_for_download(actor, pk)
    if request.method == "POST":
        try:
            evidence_files.remove(actor, pk, request.POST.get("reason", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已删除佐证材料“{evidence.original_name}”，文件已从存储中删除。")
            return redirect(_finding_url(evidence))
    return render(request, "web/evidence_remove.html", {"evidence": evidence})
