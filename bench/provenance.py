"""佐证材料核验: the cost of fingerprints and flags per upload, and the whole province's pass.

    python bench/provenance.py --json [--files 200000] [--uploads 20] [--quick]

1. Per upload: a 5 MB camera photo (4000×3000 JPEG with an EXIF date) reported with
   `measures.report_progress`, with the fingerprint and flags, against the plain upload (no
   fingerprint, no hook) in the same run; and the fingerprint alone. The flag searches run
   against `--files` fingerprints already in the table (the province's evidence).
2. The whole province: `scan.run` over `--files` generated evidence rows (fingerprints with
   random hashes, 1 % exact copies and 1 % near copies on other findings, EXIF dates, early
   reports), against two baselines measured on a sample in the same process and scaled up:
   the upload path's banded search run once per file, and comparing each hash with every other.

SQLite in a temporary data folder (DATABASE_URL is ignored). Last line: JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid

PASSWORD = "Qz7-upload-Photo-42"


def django_setup() -> None:
    os.environ["XUNCHA_DATA_DIR"] = tempfile.mkdtemp(prefix="xuncha-bench-provenance-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    os.environ.setdefault("XUNCHA_LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def camera_photo(megabytes: float = 5.0) -> bytes:
    """A 4000×3000 JPEG of about `megabytes` (shapes, then noise, as a camera's sensor gives)."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = random.Random(1)
    image = Image.new("RGB", (4000, 3000), (120, 140, 110))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(4000), rng.randrange(3000)
        draw.ellipse((x, y, x + rng.randrange(100, 1200), y + rng.randrange(100, 900)),
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    pixels = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(1).integers(-18, 19, pixels.shape, dtype=np.int16)
    image = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2025:10:08 09:30:00"
    for quality in (95, 92, 88, 84, 80, 75):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
        if out.tell() <= megabytes * 1024 * 1024:
            break
    return out.getvalue()


def world(findings: int):
    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.services import accounts, measures, setup
    from xuncha.ledger.services import findings as finding_services

    system = system_actor()
    team = setup.get_or_create_team(system, "区委第一巡察组")
    round_ = setup.create_round(system, "2025年第三轮巡察", start=dt.date(2025, 7, 1))
    units = [setup.create_unit(system, f"社区{n}") for n in range(10)]
    inspections = [setup.create_inspection(system, round_, team, u, start=dt.date(2025, 7, 2),
                                           end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 15))
                   for u in units]
    measure_list = []
    for n in range(findings):
        finding = finding_services.create_finding(system, inspections[n % 10], f"问题{n}")
        measure_list.append(measures.create_measure(system, finding, f"措施{n}", owner="社区",
                                                    deadline=dt.date(2025, 12, 31)))
    user = accounts.create_staff(system, "office", PASSWORD, "office_admin").user
    return system, user, inspections, measure_list


def generate_evidence(files: int, measure_list, user) -> None:
    """`files` evidence rows with fingerprints, bulk-written: the province's evidence."""
    from django.db import transaction
    from django.utils import timezone

    from xuncha.core import provenance
    from xuncha.ledger.models import Evidence, ProgressReport
    from xuncha.provenance.models import Fingerprint

    rng = random.Random(7)
    reports = ProgressReport.objects.bulk_create([
        ProgressReport(measure=m, date=dt.date(2025, 8, 1) if i % 50 == 0 else dt.date(2025, 10, 10),
                       text="进展", author=user) for i, m in enumerate(measure_list)])
    start = timezone.make_aware(dt.datetime(2025, 9, 20, 9, 0))
    hashes: list[int] = []
    shas: list[str] = []
    with transaction.atomic():
        for first in range(0, files, 20_000):
            evidence, prints = [], []
            for n in range(first, min(files, first + 20_000)):
                measure_index = rng.randrange(len(reports))
                report, measure = reports[measure_index], measure_list[measure_index]
                roll = rng.random()
                sha = uuid.uuid4().hex * 2
                if roll < 0.01 and hashes:  # an exact copy of an earlier file
                    original = rng.randrange(len(hashes))
                    phash, sha = hashes[original], shas[original]
                elif roll < 0.02 and hashes:  # a near copy: a few bits off
                    phash = hashes[rng.randrange(len(hashes))]
                    for bit in rng.sample(range(64), rng.randrange(1, 5)):
                        phash ^= 1 << bit
                else:
                    phash = rng.getrandbits(64)
                hashes.append(phash)
                shas.append(sha[:64])
                row = Evidence(report=report, original_name=f"照片{n}.jpg", stored_name=uuid.uuid4().hex,
                               sha256=sha[:64], size=5_000_000, content_type="image/jpeg", uploaded_by=user)
                evidence.append(row)
                bands = provenance.bands(phash)
                made = start - dt.timedelta(days=40) if roll > 0.99 else start
                prints.append(dict(finding_id=measure.finding_id, inspection_id=measure.finding.inspection_id,
                                   sha256=sha[:64], phash=provenance.to_signed(phash), band0=bands[0],
                                   band1=bands[1], band2=bands[2], band3=bands[3], made_at=made,
                                   made_source="exif",
                                   uploaded_at=start + dt.timedelta(minutes=n % 100_000)))
            Evidence.objects.bulk_create(evidence, batch_size=2000)
            Fingerprint.objects.bulk_create(
                [Fingerprint(evidence=e, **p) for e, p in zip(evidence, prints, strict=True)], batch_size=2000)


def per_upload(photo: bytes, measure_list, system, uploads: int) -> dict:
    from xuncha.core import provenance
    from xuncha.ledger.services import evidence as evidence_files
    from xuncha.ledger.services import measures

    def report(n: int) -> tuple[float, float]:
        """(wall, CPU) milliseconds: the machine is shared, so the CPU time of this process is
        the figure that does not depend on the other processes' load."""
        measure = measure_list[n % len(measure_list)]
        measure.refresh_from_db()
        began, cpu = time.perf_counter(), time.process_time()
        measures.report_progress(system, measure, dt.date(2025, 10, 10), "报送进展", [("照片.jpg", [photo])])
        return (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000

    hooks, read = list(measures.REPORT_HOOKS), provenance.read
    plain, full = [], []
    for n in range(uploads):  # interleaved, so both see the same load
        measures.REPORT_HOOKS[:] = []
        evidence_files.provenance.read = lambda handle, content_type: provenance.Traits()
        plain.append(report(2 * n))
        measures.REPORT_HOOKS[:] = hooks
        evidence_files.provenance.read = read
        full.append(report(2 * n + 1))
    alone = []
    for _ in range(uploads):
        cpu = time.process_time()
        traits = provenance.read(io.BytesIO(photo), "image/jpeg")
        alone.append((time.process_time() - cpu) * 1000)
    assert traits.phash is not None and traits.made_at is not None

    def p50(rows, i):
        return statistics.median(r[i] for r in rows)

    return {"photo_mb": round(len(photo) / 1024 / 1024, 2),
            "upload_plain_p50_ms": round(p50(plain, 0), 1), "upload_with_flags_p50_ms": round(p50(full, 0), 1),
            "upload_plain_cpu_p50_ms": round(p50(plain, 1), 1),
            "upload_with_flags_cpu_p50_ms": round(p50(full, 1), 1),
            "provenance_added_cpu_ms": round(p50(full, 1) - p50(plain, 1), 1),
            "fingerprint_alone_cpu_p50_ms": round(statistics.median(alone), 1),
            "upload_cpu_ratio": round(p50(full, 1) / p50(plain, 1), 2)}


def province_pass(files: int, sample: int) -> dict:
    import numpy as np
    from django.conf import settings

    from xuncha.core import provenance as core
    from xuncha.ledger.actor import system_actor
    from xuncha.provenance import scan, services
    from xuncha.provenance.models import Fingerprint

    began, cpu = time.perf_counter(), time.process_time()
    result = scan.run(system_actor())
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu

    prints = list(Fingerprint.objects.order_by("?")[:sample])
    began = time.perf_counter()
    for p in prints:
        services.near_images([p])
        services.same_files([p])
    per_file = (time.perf_counter() - began) / len(prints) * files

    hashes = np.array(Fingerprint.objects.values_list("phash", flat=True), dtype=np.int64).view(np.uint64)
    began = time.perf_counter()
    for value in hashes[:sample]:
        np.nonzero(np.bitwise_count(hashes ^ value) <= settings.PROVENANCE_NEAR_BITS)
    full_scan = (time.perf_counter() - began) / sample * files
    return {"files": files, "pass_s": round(seconds, 2), "pass_cpu_s": round(cpu_seconds, 2),
            "flags": dict(result.flags),
            "baseline_per_file_search_s": round(per_file, 1), "pass_vs_per_file": round(per_file / seconds, 1),
            "baseline_full_comparison_s": round(full_scan, 1), "pass_vs_full_comparison": round(full_scan / seconds, 1),
            "near_pairs_only_s": round(_time(lambda: core.near_pairs(hashes, settings.PROVENANCE_NEAR_BITS)), 2)}


def _time(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always printed)")
    parser.add_argument("--files", type=int, default=200_000, help="evidence rows of the province")
    parser.add_argument("--uploads", type=int, default=20, help="uploads timed each way")
    parser.add_argument("--quick", action="store_true", help="20,000 files and 5 uploads each way")
    args = parser.parse_args()
    if args.quick:
        args.files, args.uploads = 20_000, 5
    django_setup()
    photo = camera_photo()
    system, user, _, measure_list = world(100)
    began = time.perf_counter()
    generate_evidence(args.files, measure_list, user)
    generated = time.perf_counter() - began
    result = {"generate_s": round(generated, 1), **per_upload(photo, measure_list, system, args.uploads),
              **province_pass(args.files, sample=200)}
    result["load_average"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    for key, value in result.items():
        print(f"{key}: {value}")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
