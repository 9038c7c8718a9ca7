"""The upload cap applied while the request body streams in."""

import pytest
from django.core.files.uploadhandler import SkipFile
from django.test import RequestFactory
from django.urls import resolve

from xuncha.web.uploads import CappedUploadHandler, too_large_message


def request_to(path: str):
    request = RequestFactory().post(path)
    request.resolver_match = resolve(path)
    return request


def test_it_drops_a_file_as_soon_as_it_passes_its_pages_limit(settings):
    settings.IMPORT_MAX_BYTES = 1000
    request = request_to("/inspections/1/import")
    handler = CappedUploadHandler(request)
    handler.new_file("file", "台账.xlsx", "application/octet-stream", None)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 600, 600)
    assert too_large_message(request) == "文件“台账.xlsx”超过 1 KB 的大小限制，未保存。"


def test_each_file_of_a_request_is_counted_on_its_own(settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    handler = CappedUploadHandler(request_to("/measures/1/progress"))
    for name in ("a.pdf", "b.pdf"):
        handler.new_file("files", name, "application/pdf", None)
        handler.receive_data_chunk(b"x" * 900, 0)


def test_pages_without_a_listed_limit_are_left_to_their_services():
    request = request_to("/inspections/1/")
    handler = CappedUploadHandler(request)
    handler.new_file("file", "a.txt", "text/plain", None)
    assert handler.receive_data_chunk(b"x" * 10_000_000, 0)
    assert too_large_message(request) is None
