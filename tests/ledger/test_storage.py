"""The storage helpers: streams capped as they are read, files tied to their transaction."""

import hashlib

import pytest
from django.db import transaction

from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.services import storage

pytestmark = pytest.mark.django_db


def counted(chunks: list[bytes], seen: list[int]):
    """The chunks as a stream that notes how many were read."""
    for chunk in chunks:
        seen.append(1)
        yield chunk


def test_it_saves_a_stream_with_its_size_and_hash_and_reads_it_back():
    saved = storage.save_stream("evidence", "a/b.bin", [b"hello ", b"world"], limit=100)
    assert (saved.name, saved.size) == ("a/b.bin", 11)
    assert saved.sha256 == hashlib.sha256(b"hello world").hexdigest()
    assert storage.read_bytes("evidence", "a/b.bin") == b"hello world"
    handle, size = storage.open_stream("evidence", "a/b.bin")
    with handle:
        assert (handle.read(), size) == (b"hello world", 11)
    assert list(storage.walk("evidence")) == ["a/b.bin"]


def test_it_stops_reading_a_stream_at_its_limit_and_stores_nothing():
    seen: list[int] = []
    with pytest.raises(storage.TooLarge, match="超过 1 KB 的大小限制"):
        storage.save_stream("imports", "big", counted([b"x" * 600] * 100, seen), limit=1048)
    assert len(seen) == 2  # the third chunk was never asked for
    assert list(storage.walk("imports")) == []


def test_a_check_that_refuses_the_content_stores_nothing():
    def refuse(head: bytes, size: int) -> None:
        raise InvalidInput("不行")

    with pytest.raises(InvalidInput):
        storage.save_stream("evidence", "x", [b"MZ"], limit=100, check=refuse)
    assert not storage.exists("evidence", "x")


def test_a_file_tied_to_a_transaction_that_rolls_back_is_removed():
    with pytest.raises(RuntimeError), transaction.atomic():
        name = storage.save_bytes("notices", "1/v1/t/notice.txt", b"x")
        storage.delete_on_rollback("notices", [name])
        raise RuntimeError("audit failed")
    assert list(storage.walk("notices")) == []


def test_a_file_is_removed_when_an_outer_transaction_rolls_back_after_its_own_committed():
    with pytest.raises(RuntimeError), transaction.atomic():
        with transaction.atomic():
            storage.delete_on_rollback("evidence", [storage.save_bytes("evidence", "kept?", b"x")])
        assert storage.exists("evidence", "kept?")  # still there while the outer one runs
        raise RuntimeError("a later step failed")
    assert not storage.exists("evidence", "kept?")


def test_a_file_tied_to_a_transaction_that_commits_stays(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        storage.delete_on_rollback("evidence", [storage.save_bytes("evidence", "kept", b"x")])
    assert storage.read_bytes("evidence", "kept") == b"x"


def test_a_file_to_delete_after_commit_stays_if_the_change_rolls_back(
        django_capture_on_commit_callbacks):
    storage.save_bytes("imports", "staged", b"x")
    with pytest.raises(RuntimeError), transaction.atomic():
        storage.delete_after_commit("imports", ["staged"])
        raise RuntimeError("import failed")
    assert storage.exists("imports", "staged")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        storage.delete_after_commit("imports", ["staged"])
    assert not storage.exists("imports", "staged")


def test_a_missing_file_is_file_not_found_and_deleting_it_is_harmless():
    with pytest.raises(FileNotFoundError):
        storage.open_stream("evidence", "gone")
    storage.delete("evidence", ["gone"])


def test_the_same_helpers_work_against_s3_compatible_storage(s3_storage):
    seen: list[int] = []
    with pytest.raises(storage.TooLarge):
        storage.save_stream("evidence", "big", counted([b"x" * 600] * 10, seen), limit=1000)
    assert s3_storage() == [] and len(seen) == 2
    storage.save_stream("evidence", "ab12", [b"%PDF-1.4 ", b"s3"], limit=100)
    storage.save_bytes("notices", "7/v1/tok/notice-v1.txt", b"notice")
    assert s3_storage() == ["evidence/ab12", "notices/7/v1/tok/notice-v1.txt"]
    handle, size = storage.open_stream("evidence", "ab12")
    assert (handle.read(), size) == (b"%PDF-1.4 s3", 11)
    assert list(storage.walk("notices")) == ["7/v1/tok/notice-v1.txt"]
    with pytest.raises(FileNotFoundError):
        storage.open_stream("evidence", "gone")
    with pytest.raises(RuntimeError), transaction.atomic():
        storage.delete_on_rollback("evidence", [storage.save_bytes("evidence", "rolled", b"x")])
        raise RuntimeError("audit failed")
    assert s3_storage() == ["evidence/ab12", "notices/7/v1/tok/notice-v1.txt"]


def test_a_storage_that_fails_is_a_chinese_refusal_and_leaves_no_rows(cast, today, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    from xuncha.ledger.models import Evidence
    from xuncha.ledger.services import measures

    def broken(self, name, content, max_length=None):
        raise OSError("connection reset by the storage server")

    monkeypatch.setattr(FileSystemStorage, "save", broken)
    with pytest.raises(storage.StorageUnavailable, match="文件存储暂时不可用"):
        measures.report_progress(cast.actor("editor"), cast.measure, today, "附材料",
                                 [("a.pdf", [b"%PDF-1.4 a"])])
    assert not Evidence.objects.exists()
