"""Object responses with ETags, preconditions on writes, and pages of lists."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Schema

from xuncha.api.errors import ApiError
from xuncha.ledger.worklists import COUNT_CAP, CappedPaginator

PAGE_SIZE_MAX = 100


def dump(schema: type[Schema], obj) -> dict:
    return schema.from_orm(obj).model_dump(mode="json")


def etag_of(data: dict) -> str:
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def one(request: HttpRequest, schema: type[Schema], obj, status: int = 200) -> HttpResponse:
    """The object with its ETag; 304 when the caller already holds this version."""
    data = dump(schema, obj)
    tag = etag_of(data)
    seen = request.headers.get("If-None-Match")
    if status == 200 and seen and (seen.strip() == "*" or tag in _tags(seen)):
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = tag
    return response


def require_match(request: HttpRequest, schema: type[Schema], obj) -> None:
    """If-Match on a write: refused with 412 when the object changed since the caller read it."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return
    if etag_of(dump(schema, obj)) not in _tags(header):
        raise ApiError(412, "precondition_failed", "已被他人修改，请重新读取后再试。")


def paged(queryset, schema: type[Schema], number: int, size: int | None, decorate=None) -> dict:
    """One page of a list, counted up to the cap (a province's lists are not counted whole)."""
    size = min(size or settings.PAGE_SIZE, PAGE_SIZE_MAX)
    current = CappedPaginator(queryset, size).get_page(number)
    rows = list(current.object_list)
    if decorate is not None:
        decorate(rows)
    count = current.paginator.count
    return {"count": min(count, COUNT_CAP + 1), "page": current.number, "pages": current.paginator.num_pages,
            "page_size": size, "next": current.next_page_number() if current.has_next() else None,
            "items": rows}
