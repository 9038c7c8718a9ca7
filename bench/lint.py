"""体检 speed: notices linted per second, and parsed and linted per second, on one core.

    python bench/lint.py --json [--notices 1000]

The corpus is bench/documents.py's: the five samples with other units, teams, dates and the
findings shuffled. The last line is one JSON object: {"lint_per_s", "parse_and_lint_per_s", …}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from documents import corpus, rate

from xuncha.core.lint import lint
from xuncha.core.parse import parse_text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line (always printed)")
    parser.add_argument("--notices", type=int, default=1000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the goal is for one core
    texts = corpus(args.notices)
    docs = [parse_text(t) for t in texts]
    diagnostics = sum(len(lint(d)) for d in docs)
    lint_per_s = rate(lambda: [lint(d) for d in docs], len(docs))
    both_per_s = rate(lambda: [lint(parse_text(t)) for t in texts], len(texts))
    print(f"lint {lint_per_s:.0f}/s · parse and lint {both_per_s:.0f}/s · {diagnostics} diagnostics on "
          f"{len(docs)} notices", file=sys.stderr)
    print(json.dumps({"lint_per_s": round(lint_per_s, 1), "parse_and_lint_per_s": round(both_per_s, 1),
                      "notices": len(docs), "diagnostics": diagnostics}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
