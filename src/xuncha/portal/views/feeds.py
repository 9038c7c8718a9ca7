"""The Atom feed of newly published notices, and the sitemap of the portal."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from xuncha.portal import selectors
from xuncha.portal.middleware import public
from xuncha.portal.models import SearchEntry

FEED_SIZE = 50


class NoticeFeed(Feed):
    feed_type = Atom1Feed
    title = "巡察整改进展情况通报"
    subtitle = "新发布的巡察整改进展情况通报"

    def __call__(self, request, *args, **kwargs):
        selectors.refresh_index()
        return public(super().__call__(request, *args, **kwargs))

    def link(self):
        return reverse("portal:index")

    def items(self):
        return list(selectors.current_entries().order_by("-published_at", "-id")[:FEED_SIZE])

    def item_title(self, item: SearchEntry) -> str:
        return item.title

    def item_description(self, item: SearchEntry) -> str:
        return f"{item.inspection.unit.name} · {item.inspection.round.name}"

    def item_link(self, item: SearchEntry) -> str:
        return reverse("portal:notice", args=[item.notice_id])

    def item_pubdate(self, item: SearchEntry):
        return item.published_at

    def item_updateddate(self, item: SearchEntry):
        return item.published_at


def sitemap(request):
    selectors.refresh_index()
    base = request.build_absolute_uri("/")[:-1]
    entries = list(selectors.current_entries().order_by("-published_at")[:40000])
    units = sorted({e.inspection.unit_id for e in entries})
    urls = [(base + reverse("portal:index"), None)]
    urls += [(base + reverse("portal:notice", args=[e.notice_id]), e.published_at) for e in entries]
    urls += [(base + reverse("portal:unit", args=[pk]), None) for pk in units]
    body = render_to_string("portal/sitemap.xml", {"urls": urls})
    return public(HttpResponse(body, content_type="application/xml; charset=utf-8"))
