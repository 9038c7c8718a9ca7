"""销号 (sign-off) requests and decisions, 回头看 (look-backs) and 延期 (deadline extensions)."""

from __future__ import annotations

from typing import Literal

from ninja import Router

from xuncha.api.auth import actor
from xuncha.api.errors import ERRORS
from xuncha.api.respond import one, paged
from xuncha.api.schemas import (
    CloseoutIn,
    CloseoutOut,
    CommentIn,
    ExtensionIn,
    ExtensionOut,
    Id,
    LookbackIn,
    LookbackOut,
    PageNumber,
    PageSize,
    page_of,
)
from xuncha.ledger import selectors
from xuncha.ledger.models import Closeout, ExtensionRequest, Lookback
from xuncha.ledger.services import closeouts, extensions

router = Router(tags=["销号、回头看与延期"])


@router.get("/findings/{id}/closeouts", response={200: page_of(CloseoutOut), **ERRORS}, url_name="finding-closeouts")
def closeout_list(request, id: Id, page: int = PageNumber, page_size: int | None = PageSize):
    finding = selectors.get_finding(actor(request), id)
    return paged(Closeout.objects.filter(finding=finding).order_by("-requested_at", "-id"), CloseoutOut,
                 page, page_size)


@router.get("/closeouts/{id}", response={200: CloseoutOut, **ERRORS}, url_name="closeout")
def closeout_detail(request, id: Id):
    return one(request, CloseoutOut, selectors.get_closeout(actor(request), id))


@router.post("/findings/{id}/closeouts", response={201: CloseoutOut, **ERRORS}, url_name="finding-closeouts")
def closeout_request(request, id: Id, data: CloseoutIn):
    """申请销号: the finding's measures must be finished (or 长期坚持)."""
    who = actor(request)
    closeout = closeouts.request_closeout(who, selectors.get_finding(who, id), **data.dict())
    return one(request, CloseoutOut, closeout, status=201)


DECISIONS = {"endorse": closeouts.endorse_closeout, "approve": closeouts.approve_closeout,
             "return": closeouts.return_closeout}


@router.post("/closeouts/{id}/{decision}", response={200: CloseoutOut, **ERRORS}, url_name="closeout-decide")
def closeout_decide(request, id: Id, decision: Literal["endorse", "approve", "return"], data: CommentIn):
    """单位负责人审核 (endorse), then the office's 同意销号 (approve) or 退回 (return)."""
    who = actor(request)
    closeout = DECISIONS[decision](who, selectors.get_closeout(who, id), data.comment)
    return one(request, CloseoutOut, closeout)


@router.get("/findings/{id}/lookbacks", response={200: page_of(LookbackOut), **ERRORS}, url_name="finding-lookbacks")
def lookback_list(request, id: Id, page: int = PageNumber, page_size: int | None = PageSize):
    finding = selectors.get_finding(actor(request), id)
    return paged(Lookback.objects.filter(finding=finding).order_by("-date", "-id"), LookbackOut,
                 page, page_size)


@router.post("/findings/{id}/lookbacks", response={201: LookbackOut, **ERRORS}, url_name="finding-lookbacks")
def lookback_create(request, id: Id, data: LookbackIn):
    who = actor(request)
    lookback = closeouts.record_lookback(who, selectors.get_finding(who, id), **data.dict())
    return one(request, LookbackOut, lookback, status=201)


@router.get("/measures/{id}/extensions", response={200: page_of(ExtensionOut), **ERRORS},
            url_name="measure-extensions")
def extension_list(request, id: Id, page: int = PageNumber, page_size: int | None = PageSize):
    measure = selectors.get_measure(actor(request), id)
    return paged(ExtensionRequest.objects.filter(measure=measure).order_by("-requested_at", "-id"),
                 ExtensionOut, page, page_size)


@router.get("/extensions/{id}", response={200: ExtensionOut, **ERRORS}, url_name="extension")
def extension_detail(request, id: Id):
    return one(request, ExtensionOut, selectors.get_extension(actor(request), id))


@router.post("/measures/{id}/extensions", response={201: ExtensionOut, **ERRORS},
             url_name="measure-extensions")
def extension_request(request, id: Id, data: ExtensionIn):
    """申请延期: the office decides (approve / refuse)."""
    who = actor(request)
    extension = extensions.request_extension(who, selectors.get_measure(who, id), data.new_deadline, data.reason)
    return one(request, ExtensionOut, extension, status=201)


@router.post("/extensions/{id}/{decision}", response={200: ExtensionOut, **ERRORS},
             url_name="extension-decide")
def extension_decide(request, id: Id, decision: Literal["approve", "refuse"], data: CommentIn):
    who = actor(request)
    extension = selectors.get_extension(who, id)
    call = extensions.approve_extension if decision == "approve" else extensions.refuse_extension
    return one(request, ExtensionOut, call(who, extension, data.comment))
