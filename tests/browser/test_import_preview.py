"""An office admin uploads a notice of another inspection: the preview shows what would be stored,
the 体检 hints and the mismatch, and confirming needs the explicit choice. Screenshots at desktop
and phone widths are written to XUNCHA_SCREENSHOTS when it is set."""

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.browser.test_rectification_flow import log_in
from xuncha.ledger.models import Finding
from xuncha.ledger.services import setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = next((Path(__file__).resolve().parents[2] / "src/xuncha/demo/notices").glob("000_*.txt"))


def _shot(page, name: str) -> None:
    folder = os.environ.get("XUNCHA_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_a_mismatched_notice_is_previewed_in_full_and_needs_the_choice(page, live_server, cast, tmp_path):
    round_ = setup.create_round(cast.system, "2026年区委第一轮巡察", start=dt.date(2026, 1, 5))
    target = setup.create_inspection(cast.system, round_, cast.team4, cast.jianshe, start=dt.date(2026, 1, 5),
                                     end=dt.date(2026, 2, 20), feedback_date=dt.date(2026, 3, 10))
    upload = tmp_path / "通报.txt"
    upload.write_bytes(SAMPLE.read_bytes())
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/inspections/{target.pk}/import")
    page.locator("input[name=file]").set_input_files(str(upload))
    page.locator("form.card button").click()
    page.wait_for_selector("#import-preview")
    assert "建设社区" in page.locator("#import-mismatches").inner_text()
    assert page.locator("#import-plan tbody tr").count() >= 8
    _shot(page, "import-preview-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "import-preview-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.check("#accept-mismatch")
    page.locator("#import-preview button.primary").click()
    page.wait_for_load_state()
    assert Finding.objects.filter(inspection=target).count() == 8


def test_the_team_imports_its_findings_and_the_unit_previews_its_measures_onto_them(page, live_server, cast,
                                                                                      tmp_path):
    round_ = setup.create_round(cast.system, "2025年区委第三轮巡察（新）", start=dt.date(2025, 7, 2))
    target = setup.create_inspection(cast.system, round_, cast.team4, cast.tianbao, start=dt.date(2025, 7, 2),
                                     end=dt.date(2025, 8, 10), feedback_date=dt.date(2025, 9, 15))
    upload = tmp_path / "通报.txt"
    upload.write_bytes(SAMPLE.read_bytes())
    log_in(page, live_server.url, "team_member")
    page.goto(f"{live_server.url}/inspections/{target.pk}/import")
    assert "反馈问题清单" in page.locator("#import-kind").inner_text()
    page.locator("input[name=file]").set_input_files(str(upload))
    page.locator("form.card button").click()
    page.wait_for_selector("#import-preview")
    assert "反馈问题清单" in page.locator("#import-preview-kind").inner_text()
    _shot(page, "import-findings-1280.png")
    page.locator("#import-preview button.primary").click()
    page.wait_for_load_state()
    assert Finding.objects.filter(inspection=target).count() == 8
    page.context.clear_cookies()
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/inspections/{target.pk}/import")
    page.locator("input[name=file]").set_input_files(str(upload))
    page.locator("form.card button").click()
    page.wait_for_selector("#import-preview")
    assert "整改措施和进展" in page.locator("#import-preview-kind").inner_text()
    _shot(page, "import-measures-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "import-measures-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#import-preview button.primary").click()
    page.wait_for_load_state()
    assert Finding.objects.filter(inspection=target, measures__isnull=False).distinct().count() == 8
