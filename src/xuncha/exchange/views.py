"""离线交换: export a bundle, upload one to import, decide conflicts, register peers' keys."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.core import safezip
from xuncha.exchange import keys, selectors, services
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import ServiceError
from xuncha.web.views.common import form_errors, run_action, staff_view


class ExportForm(forms.Form):
    inspection = forms.IntegerField(label="巡察")
    peer = forms.CharField(label="发往", max_length=100)


class PeerForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    public_key = forms.CharField(label="公钥", max_length=400, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label="数据包")


def _page(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("exchange"))


@staff_view
def exchange_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    can_exchange = permissions.allowed(actor, "exchange_bundles")
    can_peers = permissions.allowed(actor, "manage_peers")
    if not (can_exchange or can_peers):
        raise DjangoPermissionDenied(permissions.DENIED_MESSAGES["exchange_bundles"])
    return render(request, "exchange/exchange.html", {
        "can_exchange": can_exchange, "can_peers": can_peers, "peers": list(selectors.peers()),
        "inspections": list(selectors.exportable_inspections(actor)) if can_exchange else [],
        "conflicts": selectors.open_conflicts() if can_exchange else [],
        "transfers": list(selectors.transfers()) if can_exchange else [],
        "public_key": keys.public_text(), "fingerprint": keys.own_fingerprint(),
        "peer_form": PeerForm()})


@require_POST
@staff_view
def bundle_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return _page(request)
    permissions.require(actor, "exchange_bundles")
    try:
        exported = services.export_bundle(actor, form.cleaned_data["inspection"], form.cleaned_data["peer"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _page(request)
    return FileResponse(exported.file, as_attachment=True, filename=exported.name,
                        content_type="application/zip")


@require_POST
@staff_view
def bundle_import(request: HttpRequest, actor: Actor) -> HttpResponse:
    permissions.require(actor, "exchange_bundles")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
        return _page(request)
    upload = form.cleaned_data["file"]
    limit = safezip.LIMITS.max_total_bytes
    if upload.size > limit:
        messages.error(request, f"数据包超过 {limit // safezip.MB} MB，未导入。")
        return _page(request)
    try:
        result = services.import_bundle(actor, upload.read(), upload.name)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, result.line())
    return _page(request)


@require_POST
@staff_view
def conflict_decide(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    choice = request.POST.get("choice", "")
    return run_action(request, reverse("exchange") + "#conflicts", lambda: services.decide(actor, pk, choice),
                      f"已决定：{services.CHOICES.get(choice, '')}。")


@require_POST
@staff_view
def peer_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = PeerForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return _page(request)
    data = form.cleaned_data
    return run_action(request, reverse("exchange") + "#peers",
                      lambda: services.register_key(actor, data["name"], data["public_key"]),
                      f"已登记“{data['name'].strip()}”的公钥。")
