"""core.provenance: perceptual hashes, the dates files state, and the province-wide pair search."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import numpy as np
from PIL import Image

from tests.provenance.photos import photo, picture, retouched
from xuncha.core import provenance

JPEG = "image/jpeg"


def traits(data: bytes, content_type: str = JPEG) -> provenance.Traits:
    return provenance.read(io.BytesIO(data), content_type)


def test_it_hashes_a_shrunk_recompressed_copy_within_a_few_bits():
    original, copy = traits(photo(1)).phash, traits(retouched(1)).phash
    assert original is not None and copy is not None
    assert provenance.hamming(original, copy) <= 4


def test_it_keeps_different_pictures_far_apart():
    hashes = [traits(photo(seed)).phash for seed in range(8)]
    for i in range(len(hashes)):
        for j in range(i):
            assert provenance.hamming(hashes[i], hashes[j]) > 12


def test_it_gives_a_blank_picture_no_hash():
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(out, "PNG")
    assert traits(out.getvalue(), "image/png").phash is None


def test_it_reads_the_exif_date_a_photo_was_taken():
    found = traits(photo(2, taken="2025:08:01 10:20:30"))
    assert found.made_at == dt.datetime(2025, 8, 1, 10, 20, 30)
    assert found.made_source == "exif"


def test_it_says_nothing_of_a_photo_without_a_date_or_of_a_broken_file():
    assert traits(photo(3)).made_at is None
    assert traits(b"\xff\xd8\xff\xe0 not really a jpeg") == provenance.Traits()
    assert traits(b"PK\x03\x04 broken", "application/vnd.openxmlformats-officedocument."
                  "wordprocessingml.document") == provenance.Traits()


def test_it_refuses_to_decode_a_giant_canvas():
    out = io.BytesIO()
    Image.new("L", (8000, 6000)).save(out, "PNG")
    assert traits(out.getvalue(), "image/png").phash is None


def test_it_reads_a_pdfs_creation_date_with_its_offset():
    pdf = (b"%PDF-1.4\n1 0 obj << /Producer (x) /CreationDate (D:20250801093000+08'00') >> endobj\n"
           + b"%" * 400_000 + b"\ntrailer << /Info 1 0 R >>\n%%EOF")
    found = traits(pdf, "application/pdf")
    assert found.made_source == "pdf"
    assert found.made_at == dt.datetime(2025, 8, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_it_reads_a_docx_created_date():
    import docx

    document = docx.Document()
    document.core_properties.created = dt.datetime(2025, 6, 30, 8, 0)
    out = io.BytesIO()
    document.save(out)
    found = traits(out.getvalue(),
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert found.made_source == "office"
    assert found.made_at.replace(tzinfo=None) == dt.datetime(2025, 6, 30, 8, 0)


def test_it_ignores_an_office_file_whose_metadata_part_is_oversized():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("docProps/core.xml", "<dcterms:created>2025-01-01</dcterms:created>"
                         + " " * (provenance.METADATA_BYTES + 10))
    assert traits(out.getvalue(), "application/vnd.openxmlformats-officedocument."
                  "spreadsheetml.sheet").made_at is None


def test_bands_and_probes_cover_the_threshold():
    value = 0x0123_4567_89AB_CDEF
    assert provenance.bands(value) == (0x0123, 0x4567, 0x89AB, 0xCDEF)
    assert provenance.band_radius(6) == 1 and provenance.band_radius(3) == 0
    assert len(list(provenance.probes(0x0123, 1))) == 17
    assert provenance.to_unsigned(provenance.to_signed(2**64 - 1)) == 2**64 - 1


def test_near_pairs_finds_every_pair_a_full_comparison_finds():
    rng = random.Random(7)
    hashes = [rng.getrandbits(64) for _ in range(1500)]
    for _ in range(150):  # planted near copies, 0–6 bits away from an earlier hash
        base = hashes[rng.randrange(len(hashes))]
        for bit in rng.sample(range(64), rng.randrange(7)):
            base ^= 1 << bit
        hashes.append(base)
    found = {tuple(p) for p in provenance.near_pairs(np.array(hashes, dtype=np.uint64), 6, chunk=700)}
    expected = {(i, j) for i in range(len(hashes)) for j in range(i)
                if provenance.hamming(hashes[i], hashes[j]) <= 6}
    assert len(expected) >= 150
    assert found == expected


def test_the_hash_of_a_picture_is_the_hash_of_its_pixels():
    image = picture(5)
    assert provenance.phash(image) == provenance.phash(image.copy())
