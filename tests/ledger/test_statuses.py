import datetime as dt

import pytest

from xuncha.core.statuses import FINDING_STATUS, MEASURE_STATUS, WarningWindow, derive_finding_status


@pytest.mark.parametrize(("measures", "closed", "reopened", "expected"), [
    ([], False, False, "open"),
    (["planned", "planned"], False, False, "open"),
    (["in_progress", "planned"], False, False, "not_done"),
    (["done", "planned"], False, False, "partly"),
    (["done", "done"], False, False, "done"),
    (["done", "ongoing"], False, False, "ongoing"),
    (["done", "done"], True, False, "closed"),
    (["done", "done"], False, True, "reopened"),
])
def test_it_derives_the_finding_status_from_measures_and_sign_off(measures, closed, reopened, expected):
    assert derive_finding_status(measures, closed=closed, reopened=reopened) == expected


def test_every_status_has_a_chinese_label_and_a_colour():
    for choices in (FINDING_STATUS, MEASURE_STATUS):
        for choice in choices:
            assert choice.label and not choice.label.isascii()
            assert choice.colour in {"grey", "blue", "green", "teal", "orange", "red", "purple"}


def test_the_warning_is_red_past_the_deadline_yellow_within_the_window_green_after():
    window = WarningWindow.on(dt.date(2025, 11, 20), days=10)
    assert window.level(dt.date(2025, 11, 19), finished=False).value == "red"
    assert window.level(dt.date(2025, 11, 20), finished=False).value == "yellow"
    assert window.level(dt.date(2025, 11, 30), finished=False).value == "yellow"
    assert window.level(dt.date(2025, 12, 1), finished=False).value == "green"
    assert window.level(dt.date(2025, 1, 1), finished=True).value == "green"
    assert window.level(None, finished=False).value == "green"
