"""The parser against 98 hand-annotated real notices and reports (tests/corpus/README.md).

The floors are a ratchet: raise them when the parser gets better, never lower them.
"""

import pytest

from tests.corpus.accuracy import FIELDS, annotations, score

OVERALL_FLOOR = 0.994
REFUSED_CEILING = 0


@pytest.fixture(scope="module")
def result():
    return score()


def test_the_corpus_is_real_and_fully_annotated():
    entries = annotations()
    assert len(entries) >= 60
    assert {"巡察", "巡视"} <= {e["kind"] for e in entries}
    for entry in entries:
        assert entry["source"].startswith("http")
        assert set(FIELDS) - {"phones", "emails", "addresses"} <= set(entry)
        assert set(entry["contacts"]) == {"phones", "emails", "addresses"}


def test_accuracy_does_not_fall_below_its_floor(result, capsys):
    with capsys.disabled():
        print("\n" + result.text_table())
    assert result.overall >= OVERALL_FLOOR
    assert len(result.refused) <= REFUSED_CEILING
