"""Small helpers shared by the staff views."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from xuncha.ledger.errors import Conflict, NotFound, PermissionDenied, ServiceError
from xuncha.web.context import actor

CONFLICT_WHAT = {"measure": "整改措施", "finding": "反馈问题", "notice": "通报草稿"}


@dataclass
class EditConflict:
    """Someone saved first: both versions are shown, and what this user typed is kept
    (templates: web/_edit_conflict.html)."""

    kind: str  # measure / finding / notice
    pk: int
    current: list[tuple[str, str]]  # (label, saved value)
    form: object  # the typed values, bound, carrying the current version
    action: str  # where the kept form posts to
    version: int | None  # the current version, when the form does not carry it itself

    @property
    def what(self) -> str:
        return CONFLICT_WHAT[self.kind]


def staff_view(view):
    """Login required; a hidden or missing object is a 404, never a hint that it exists."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, actor(request), *args, **kwargs)
        except NotFound:
            raise Http404("记录不存在，或您无权查看。") from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None

    return wrapper


def back(request, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return HttpResponseRedirect(target)


def run_action(request, fallback: str, call, success: str, on_conflict=None) -> HttpResponse:
    """Call a service; show its Chinese refusal as a message instead of an error page.
    `on_conflict` answers an edit conflict (someone saved first) with a page of its own."""
    try:
        call()
    except NotFound:
        raise Http404("记录不存在，或您无权查看。") from None
    except PermissionDenied as exc:
        from xuncha.web.refusals import record_refusal

        record_refusal(request, exc.message, 403)
        messages.error(request, exc.message)
    except ServiceError as exc:
        if on_conflict is not None and isinstance(exc, Conflict):
            return on_conflict()
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return back(request, fallback)


def submit(request, fallback: str, success: str, call, *bound_forms) -> HttpResponseRedirect:
    """Validate the forms; show their errors, or call the service with their cleaned data."""
    valid = [form.is_valid() for form in bound_forms]  # every form, so every error is shown
    if not all(valid):
        for form in bound_forms:
            form_errors(request, form)
        return back(request, fallback)
    return run_action(request, fallback, lambda: call(*(form.cleaned_data for form in bound_forms)), success)


def form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def id_param(text: str | None) -> int | None:
    """A row id from a query string; anything else (empty, "abc", "-1") is no filter."""
    return int(text) if text and text.isdigit() else None


def paginate(request, queryset, param: str = "page"):
    paginator = Paginator(queryset, settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get(param))


def server_error(request):
    """The 500 page with the request id, so a user can quote it; no context processors, which
    could fail again."""
    from django.http import HttpResponseServerError
    from django.template import loader

    context = {"request_id": getattr(request, "request_id", "")}
    return HttpResponseServerError(loader.get_template("500.html").render(context))


def csrf_failure(request, reason: str = ""):
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)
