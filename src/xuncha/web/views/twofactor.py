"""The second factor: enrolment with a QR code drawn by the server, codes, recovery codes."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.services import twofactor
from xuncha.web.views.common import staff_view

ENROL_KEY = "_2fa_enrol"  # the unconfirmed device being enrolled in this session


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _verified_login(request: HttpRequest, device) -> None:
    request.session.cycle_key()  # a new session id once the second factor is given
    django_otp.login(request, device)


@staff_view
def overview(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "web/two_factor.html", {
        "required": twofactor.required_for(actor.role), "enrolled": twofactor.enrolled(actor.user),
        "verified": request.user.is_verified()})


@staff_view
def setup(request: HttpRequest, actor: Actor) -> HttpResponse:
    # Replacing an authenticator needs the old one first: a password alone must not do it.
    if twofactor.enrolled(actor.user) and not request.user.is_verified():
        return redirect_to_login(_next(request), reverse("two-factor-verify"))
    enrolment = None
    if request.method == "POST":
        device_id = request.session.get(ENROL_KEY)
        try:
            codes = twofactor.confirm_enrolment(actor, device_id or 0, request.POST.get("token", ""))
        except InvalidInput as exc:
            messages.error(request, exc.message)
            enrolment = twofactor.pending_enrolment(actor, device_id or 0)
        else:
            request.session.pop(ENROL_KEY, None)
            _verified_login(request, twofactor.enrolled_device(actor.user))
            return render(request, "web/two_factor_codes.html", {"codes": codes, "next": _next(request),
                                                                 "enrolled_now": True})
    if enrolment is None:
        enrolment = twofactor.begin_enrolment(actor)
        request.session[ENROL_KEY] = enrolment.device.pk
    return render(request, "web/two_factor_setup.html", {"enrolment": enrolment,
                                                         "next": _next(request)})


@staff_view
def verify(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not twofactor.enrolled(actor.user):
        return redirect_to_login(_next(request), reverse("two-factor-setup"))
    if request.method == "POST":
        try:
            device = twofactor.verify(actor, request.POST.get("token", ""))
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            _verified_login(request, device)
            return redirect(_next(request))
    return render(request, "web/two_factor_verify.html", {"next": _next(request)})


@staff_view
def recovery(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method != "POST" or not request.user.is_verified():
        return redirect("two-factor")
    try:
        codes = twofactor.renew_recovery_codes(actor)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("two-factor")
    return render(request, "web/two_factor_codes.html", {"codes": codes, "next": "/"})
