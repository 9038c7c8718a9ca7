"""Accuracy on the real-notice corpus (tests/corpus/real): per-field share right, as JSON.

    python bench/corpus_accuracy.py [--misses]

The last line is one JSON object: {"documents", "refused", "fields_right", "fields", "overall",
"per_field": {field: share}}. With --misses, each wrong field is printed first (file, field,
annotated, parsed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.corpus.accuracy import score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every wrong field first")
    args = parser.parse_args()
    result = score()
    if args.misses:
        for miss in result.misses:
            print(json.dumps(miss, ensure_ascii=False))
    print(json.dumps(result.table(), ensure_ascii=False))


if __name__ == "__main__":
    main()
