"""Documents: notices parsed, .docx rendered, PDFs and ledger rows read per second, on one core.

    python bench/documents.py --json [--notices 1000] [--rows 20000] [--cpu-time] [--no-imports]

The corpus is generated from the five sample notices: each generated notice takes one sample
and changes its unit, team, dates and the order and wording of its findings, so no two are the
same text. The ledger is a generated 台账 of --rows rows (one per measure, three per finding)
exported with xuncha's own writer. Baselines in the same run: reading the same ledger with
openpyxl, and building the same .docx through python-docx's object API alone
(bench/docx_baseline.py-style: a paragraph and run per block, fonts set through the API).
PDFs read: the five samples rendered by xuncha (render_pdf, 40 A4 pages in all) read back by
load_pdf, per notice and per page, against the same reader on pdfminer's characters (the
baseline, same run); skipped (null) where WeasyPrint cannot run. PDFs written: generated
notices through render_pdf (drawn on the official grid, render/pdf_grid.py), against the same
notices through WeasyPrint's HTML print layout (the baseline, same run). Notices imported: the
five samples parsed once, each committed into
an empty inspection of a fresh SQLite database (imports.import_notice: one permission check,
bulk inserts, one audit record), against the same notices replayed through the per-row services
the screens use (--no-imports skips this part, which sets up Django).
The last line is one JSON object: {"parse_per_s", "docx_per_s", "xlsx_rows_per_s", …}.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import sys
import time
from pathlib import Path

from xuncha.core.document import NoticeDoc
from xuncha.core.ledger_xlsx import LedgerRow, read_xlsx, write_xlsx
from xuncha.core.parse import NotANotice, parse_text
from xuncha.core.render import render_docx, render_text
from xuncha.demo import sample_notices

UNITS = ["天宝社区", "建设社区", "福华社区", "十八坊社区", "新港社区", "和平社区", "胜利社区", "光华社区"]
TEAMS = ["区委第一巡察组", "区委第二巡察组", "区委第三巡察组", "区委第四巡察组", "区委巡察五组"]


def corpus(count: int, seed: int = 11) -> list[str]:
    """Notice texts: each sample with another unit, team, dates and findings order."""
    rng = random.Random(seed)
    docs = [parse_text(text, source=name) for name, text in sample_notices()]
    texts = []
    for index in range(count):
        base = docs[index % len(docs)]
        start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))
        findings = list(base.findings)
        rng.shuffle(findings)
        doc = NoticeDoc(**{**base.__dict__, "text": "", "unit": rng.choice(UNITS) + str(index),
                           "team": rng.choice(TEAMS), "inspection_start": start,
                           "inspection_end": start + dt.timedelta(days=rng.randint(20, 90)),
                           "feedback_date": start + dt.timedelta(days=rng.randint(100, 200)),
                           "notice_date": start + dt.timedelta(days=rng.randint(300, 500)),
                           "findings": findings, "sections": []})
        texts.append(render_text(doc))
    return texts


def real_texts() -> list[str]:
    """The real-notice corpus of the tests (public pages as printed, furniture included)."""
    folder = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "real"
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]


def parse_or_refuse(text: str) -> None:
    """Parse one real text; a refusal (a text with no features of a notice) is an answer too."""
    with contextlib.suppress(NotANotice):
        parse_text(text)


def ledger_rows(count: int, seed: int = 5) -> list[LedgerRow]:
    rng = random.Random(seed)
    docs = [parse_text(text) for _, text in sample_notices()]
    findings = [f for doc in docs for f in doc.findings]
    measures = [m for f in findings for m in f.measures] or ["整改措施"]
    rows = []
    for index in range(count):
        finding = findings[(index // 3) % len(findings)]
        rows.append(LedgerRow(
            number=str(index // 3 + 1), category=finding.category or "反馈问题", finding=finding.title,
            measure=rng.choice(measures)[:300], lead="社区书记", owner="社区党委",
            deadline=dt.date(2025, 12, 31) - dt.timedelta(days=rng.randint(0, 300)), ongoing=False,
            progress="已按计划推进。", status=rng.choice(["done", "in_progress", "planned"]),
            completed_on=None, evidence="", remarks=""))
    return rows


# Wall time by default; --cpu-time counts this process's CPU time instead, for a machine shared
# with other work (where a process waits its turn for a core, the wall clock measures the queue).
CLOCK = time.perf_counter


def rate(work, items: int, minimum_seconds: float = 2.0) -> float:
    """Items per second, repeating the work for at least minimum_seconds."""
    done, start = 0, CLOCK()
    while True:
        work()
        done += items
        elapsed = CLOCK() - start
        if elapsed >= minimum_seconds:
            return done / elapsed


def docx_via_api(doc: NoticeDoc) -> bytes:
    """The baseline: the same paragraphs through python-docx's object API, fonts set per run."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from xuncha.core.render.outline import outline

    plan = outline(doc)
    document = docx.Document()
    for text in [plan.title, *(b.plain() for b in plan.blocks)]:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.line_spacing = Pt(28.9)
        run = paragraph.add_run(text)
        run.font.name, run.font.size = "仿宋_GB2312", Pt(16)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def openpyxl_rows(data: bytes) -> int:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return sum(1 for row in sheet.iter_rows(values_only=True) if any(row))


def pdf_rates() -> tuple[float | None, float | None, float | None]:
    """(notices, pages) read per second from the samples' own PDFs, and the pdfminer baseline's
    notices per second; None without WeasyPrint."""
    from pdfminer.pdfpage import PDFPage

    from xuncha.core.parse import pdf as pdf_reader
    from xuncha.core.parse.loaders import load_pdf
    from xuncha.core.render import PdfUnavailable, render_pdf

    try:
        pdfs = [render_pdf(parse_text(text)) for _, text in sample_notices()]
    except PdfUnavailable:
        return None, None, None
    pages = sum(len(list(PDFPage.get_pages(io.BytesIO(pdf)))) for pdf in pdfs)
    per_s = rate(lambda: [load_pdf(pdf) for pdf in pdfs], len(pdfs))
    chosen = pdf_reader._layout
    pdf_reader._layout = pdf_reader._pdfminer_layout
    try:
        baseline = rate(lambda: [load_pdf(pdf) for pdf in pdfs], len(pdfs))
    finally:
        pdf_reader._layout = chosen
    return per_s, per_s * pages / len(pdfs), baseline


def pdf_render_rates(docs: list[NoticeDoc]) -> tuple[float | None, float | None]:
    """Notices written as PDF per second by render_pdf (the grid writer where it can run), and by
    WeasyPrint through the HTML print layout (the baseline, same run); None where one cannot run."""
    from xuncha.core.render import PdfUnavailable, render_pdf
    from xuncha.core.render.outline import outline
    from xuncha.core.render.pdf import weasyprint_pdf

    try:
        ours = rate(lambda: [render_pdf(d) for d in docs], len(docs))
    except PdfUnavailable:
        ours = None
    plans = [outline(d) for d in docs[:3]]
    try:
        baseline = rate(lambda: [weasyprint_pdf(p) for p in plans], len(plans))
    except PdfUnavailable:
        baseline = None
    return ours, baseline


def notice_import_rates(count: int, baseline_count: int = 5) -> dict:
    """Sample notices imported per second through the bulk path, and through the screens' services."""
    import tempfile

    os.environ.setdefault("XUNCHA_DATA_DIR", tempfile.mkdtemp(prefix="xuncha-bench-documents-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xuncha.ledger.actor import system_actor
    from xuncha.ledger.models import AuditEvent
    from xuncha.ledger.services import findings, imports, measures, reuse
    from xuncha.ledger.services import setup as ledger_setup

    reuse.index_many = lambda texts: None  # the 雷同 index is filled after the commit, not timed here
    actor = system_actor()
    team = ledger_setup.get_or_create_team(actor, "区委第四巡察组")
    docs = [parse_text(text) for _, text in sample_notices()]

    def inspection(number: int):
        unit = ledger_setup.create_unit(actor, f"社区{number}", kind="community")
        round_ = ledger_setup.create_round(actor, f"第{number}轮", start=dt.date(2025, 7, 2))
        return ledger_setup.create_inspection(actor, round_, team, unit, start=dt.date(2025, 7, 2),
                                              end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 15))

    targets = [inspection(n) for n in range(count + baseline_count)]
    audits_before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        imports.import_notice(actor, targets[0], docs[0])
    one = {"queries": len(queries), "audit_records": AuditEvent.objects.count() - audits_before}
    start = time.perf_counter()
    for number, target in enumerate(targets[1:count], start=1):
        imports.import_notice(actor, target, docs[number % len(docs)])
    bulk = (count - 1) / (time.perf_counter() - start)

    start = time.perf_counter()
    for number, target in enumerate(targets[count:]):
        doc = docs[number % len(docs)]
        plan = imports.notice_plan(target, doc)
        for item in plan:  # what an import did before: the screens' services, row by row
            finding = findings.create_finding(actor, target, title=item.title, category=item.category,
                                              number=item.number)
            for m in item.measures:
                measure = measures.create_measure(actor, finding, text=m.text, kind=m.kind, deadline=m.deadline)
                if m.report:
                    measures.report_progress(actor, measure, m.report[0], m.report[1])
    replay = baseline_count / (time.perf_counter() - start)
    return {"notices_imported_per_s": round(bulk, 1), "baseline_replay_notices_per_s": round(replay, 2),
            "import_speedup": round(bulk / replay, 1), "import_queries_one_notice": one["queries"],
            "import_audit_records_one_notice": one["audit_records"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always printed)")
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--imports", type=int, default=200, help="sample notices imported into the ledger")
    parser.add_argument("--no-imports", action="store_true")
    parser.add_argument("--cpu-time", action="store_true",
                        help="rates by this process's CPU time, not the wall clock (a shared machine)")
    args = parser.parse_args()
    if args.cpu_time:
        global CLOCK
        CLOCK = time.process_time
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the goals are for one core
    texts = corpus(args.notices)
    parse_per_s = rate(lambda: [parse_text(t) for t in texts], len(texts))
    # The goal counts real notices too: the real-corpus texts as public pages print them.
    real = real_texts()
    real_parse_per_s = rate(lambda: [parse_or_refuse(t) for t in real], len(real))
    docs = [parse_text(t) for t in texts[:50]]
    docx_per_s = rate(lambda: [render_docx(d) for d in docs], len(docs))
    docx_api_per_s = rate(lambda: [docx_via_api(d) for d in docs[:10]], 10)
    data = write_xlsx(ledger_rows(args.rows))
    book = read_xlsx(data)
    assert len(book.rows) == args.rows and not book.errors, "the generated ledger must read back whole"
    xlsx_rows_per_s = rate(lambda: read_xlsx(data), args.rows)
    openpyxl_rows_per_s = rate(lambda: openpyxl_rows(data), args.rows, minimum_seconds=1.0)
    pdf_per_s, pdf_pages_per_s, pdfminer_per_s = pdf_rates()
    pdf_write_per_s, weasyprint_per_s = pdf_render_rates(docs[:10])
    result = {
        "parse_per_s": round(parse_per_s, 1), "real_parse_per_s": round(real_parse_per_s, 1),
        "real_texts": len(real), "docx_per_s": round(docx_per_s, 1),
        "xlsx_rows_per_s": round(xlsx_rows_per_s), "notices": len(texts), "ledger_rows": args.rows,
        "baseline_docx_api_per_s": round(docx_api_per_s, 1), "docx_speedup": round(docx_per_s / docx_api_per_s, 2),
        "baseline_openpyxl_rows_per_s": round(openpyxl_rows_per_s),
        "xlsx_speedup": round(xlsx_rows_per_s / openpyxl_rows_per_s, 1),
        "pdf_read_per_s": pdf_per_s and round(pdf_per_s, 1),
        "pdf_pages_per_s": pdf_pages_per_s and round(pdf_pages_per_s),
        "baseline_pdfminer_read_per_s": pdfminer_per_s and round(pdfminer_per_s, 1),
        "pdf_read_speedup": pdf_per_s and round(pdf_per_s / pdfminer_per_s, 2),
        "pdf_write_per_s": pdf_write_per_s and round(pdf_write_per_s, 1),
        "baseline_weasyprint_write_per_s": weasyprint_per_s and round(weasyprint_per_s, 2),
        "pdf_write_speedup": pdf_write_per_s and weasyprint_per_s and round(pdf_write_per_s / weasyprint_per_s, 1),
    }
    if not args.no_imports:
        result.update(notice_import_rates(args.imports))
    print(f"parse {parse_per_s:.0f}/s (real corpus {real_parse_per_s:.0f}/s) · "
          f"docx {docx_per_s:.1f}/s (python-docx API {docx_api_per_s:.1f}/s) · "
          f"ledger rows {xlsx_rows_per_s:.0f}/s (openpyxl {openpyxl_rows_per_s:.0f}/s) · "
          f"PDF read {pdf_per_s or 0:.1f} notices/s ({pdf_pages_per_s or 0:.0f} pages/s; pdfminer "
          f"{pdfminer_per_s or 0:.1f}/s) · PDF written {pdf_write_per_s or 0:.1f}/s (WeasyPrint "
          f"{weasyprint_per_s or 0:.2f}/s) · notices imported "
          f"{result.get('notices_imported_per_s', 0)}/s (screens {result.get('baseline_replay_notices_per_s', 0)}/s)",
          file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
