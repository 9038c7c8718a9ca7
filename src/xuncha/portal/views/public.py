"""The public pages: notices by round, unit and date, search, a notice, a unit, downloads, QR codes."""

from __future__ import annotations

import io

import segno
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import wraps

from xuncha.core.document import NoticeDoc
from xuncha.core.render import RENDERERS
from xuncha.core.render.html import fragment
from xuncha.core.render.outline import outline
from xuncha.core.vocabulary import item_heading
from xuncha.ledger.errors import NotFound
from xuncha.ledger.services import notices as notice_service
from xuncha.portal import selectors
from xuncha.portal.middleware import public
from xuncha.portal.services import search
from xuncha.web.views.files import download_name, stored_download

PAGE_SIZE = 20
FORMAT_LABELS = {"pdf": "PDF", "docx": "Word（.docx）", "html": "网页（.html）", "txt": "纯文本（.txt）"}


def portal_view(view):
    """A hidden or missing object is a 404 in Chinese, as on the staff site."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404("页面不存在。") from None

    return wrapper


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@portal_view
def index(request):
    selectors.refresh_index()
    query = request.GET.get("q", "")[:search.MAX_QUERY].strip()
    filters = selectors.Filters(query=query, round_id=_int(request.GET.get("round")),
                                unit_id=_int(request.GET.get("unit")), year=_int(request.GET.get("year")))
    page = Paginator(selectors.notices(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    if filters.query:
        page.object_list = selectors.entries_for(list(page.object_list))
    kept = request.GET.copy()
    kept.pop("page", None)
    return public(render(request, "portal/index.html", {
        "page": page, "filters": filters, "kept": kept.urlencode(), "rounds": selectors.rounds(),
        "years": selectors.years(),
        "tree": selectors.unit_tree(), "filtered": bool(query or filters.round_id or filters.unit_id
                                                        or filters.year)}))


def _meta(notice, doc: NoticeDoc) -> dict:
    return {"issuer": doc.issuer or notice.inspection.unit.name, "written": doc.notice_date,
            "published": notice.published_at}


@portal_view
def notice_page(request, pk: int):
    notice = selectors.published_notice(pk)
    doc = NoticeDoc.from_dict(notice.doc)
    versions = selectors.versions(notice)
    numbers = {v.pk: v.public_version for v in versions}
    comments = selectors.published_comments([notice.inspection_id])
    for comment in comments:  # said on another version: its number shown beside the item
        comment.on_version = numbers.get(comment.notice_id) if comment.notice_id != notice.pk else None
    files = [{**f, "label": FORMAT_LABELS.get(f["format"], f["format"]),
              "url": reverse("portal:download", args=[notice.pk, f["format"]])}
             for f in notice.files if f.get("format") in RENDERERS]
    items = [item_heading(f.path or [], f.title) for f in doc.findings]
    return public(render(request, "portal/notice.html", {
        "notice": notice, "doc": doc, "article": fragment(outline(doc)), "meta": _meta(notice, doc),
        "files": files, "versions": versions, "current": versions[0] if versions else notice,
        "superseded": bool(versions) and versions[0].pk != notice.pk, "comments": comments,
        "number": numbers.get(notice.pk, 1),
        "items": items, "unit": notice.inspection.unit}))


@portal_view
def notice_download(request, pk: int, fmt: str):
    notice = selectors.published_notice(pk)
    stored = next((f for f in notice.files if f.get("format") == fmt), None)
    if stored is None or fmt not in RENDERERS:
        raise Http404("没有这种格式的文件。")
    renderer = RENDERERS[fmt]
    name = download_name(notice.doc.get("title") or "通报", renderer.suffix)
    response = stored_download(notice_service.FILES, notice_service.stored_name(notice, stored), name,
                               renderer.content_type)
    # A published file never changes: its sha256 is its ETag, and it may be kept for a year.
    response["ETag"] = f'"{stored["sha256"]}"'
    response.portal_cache_control = "public, max-age=31536000, immutable"
    return response


@portal_view
def unit_page(request, pk: int):
    selectors.refresh_index()
    unit = selectors.public_unit(pk)
    published = selectors.unit_notices(unit)
    if not published and not unit.children.exists():
        raise NotFound()
    return public(render(request, "portal/unit.html", {
        "unit": unit, "published": published, "children": selectors.child_units(unit)}))


@portal_view
def qr_svg(request, kind: str, pk: int):
    """A QR code of the public page of a notice or a unit, drawn here (segno), as SVG."""
    if kind == "notice":
        selectors.published_notice(pk)
        target = reverse("portal:notice", args=[pk])
    else:
        selectors.public_unit(pk)
        target = reverse("portal:unit", args=[pk])
    out = io.BytesIO()
    segno.make(request.build_absolute_uri(target), error="m").save(
        out, kind="svg", scale=4, border=2, title="扫码查看整改进展、提出意见")
    return public(HttpResponse(out.getvalue(), content_type="image/svg+xml"))
