"""Evidence reviewed in the finding page: thumbnails, PDFs in a frame sandboxed by the response's
own policy, sha256 and type."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from PIL import Image

from xuncha.ledger.models import Evidence
from xuncha.ledger.services import evidence_review, measures, storage

pytestmark = pytest.mark.django_db


def _png(size=(1200, 800), colour="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _report(cast, *files):
    measures.report_progress(cast.actor("editor"), cast.measure, dt.date(2025, 11, 10), "完成",
                             [(name, [data]) for name, data in files])
    return {e.original_name: e for e in Evidence.objects.all()}


def test_an_image_gets_a_small_thumbnail_made_once_and_stored(login, cast, today):
    photo = _report(cast, ("现场.png", _png()))["现场.png"]
    client = login("editor")
    page = client.get(reverse("finding", args=[cast.finding.pk])).content.decode()
    assert reverse("evidence-thumbnail", args=[photo.pk]) in page
    assert photo.sha256 in page and "实际类型：PNG 图片" in page
    response = client.get(reverse("evidence-thumbnail", args=[photo.pk]))
    assert response["Content-Type"] == "image/jpeg"
    thumb = Image.open(io.BytesIO(response.content))
    assert max(thumb.size) == 320 and thumb.format == "JPEG"
    assert storage.exists("thumbs", f"{photo.stored_name}.jpg")
    assert login("outsider").get(reverse("evidence-thumbnail", args=[photo.pk])).status_code == 404


def test_a_pdf_is_shown_in_a_sandboxed_frame_that_only_this_response_allows(login, cast, today):
    pdf = _report(cast, ("记录.pdf", b"%PDF-1.4 minutes"))["记录.pdf"]
    client = login("editor")
    page = client.get(reverse("finding", args=[cast.finding.pk])).content.decode()
    assert f'<iframe src="{reverse("evidence-inline", args=[pdf.pk])}"' in page
    response = client.get(reverse("evidence-inline", args=[pdf.pk]))
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert {"sandbox", "frame-ancestors 'self'", "default-src 'none'", "script-src 'none'"} <= set(policy)
    page_policy = client.get(reverse("finding", args=[cast.finding.pk]))["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page_policy


def test_svg_and_html_are_never_shown_inline(login, cast, today):
    svg = Evidence(content_type="image/svg+xml")
    html = Evidence(content_type="text/html")
    assert not any(evidence_review.has_thumbnail(e) or evidence_review.shown_inline(e) for e in (svg, html))
    text = _report(cast, ("说明.txt", b"<html><script>alert(1)</script></html>"))["说明.txt"]
    client = login("editor")
    assert client.get(reverse("evidence-inline", args=[text.pk])).status_code == 404
    assert client.get(reverse("evidence-thumbnail", args=[text.pk])).status_code == 404


def test_a_broken_or_huge_image_gets_no_thumbnail_and_no_error():
    assert evidence_review.make_thumbnail(b"\x89PNG\r\n\x1a\n broken") is None
    big = io.BytesIO()
    Image.new("1", (8000, 8000)).save(big, "PNG")  # 64 M pixels in a few kilobytes
    assert evidence_review.make_thumbnail(big.getvalue()) is None
