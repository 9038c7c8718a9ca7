"""Notice rules that need other documents: a finding that repeats one of the same unit's earlier notices.

`xuncha lint --corpus DIR` reads every notice in DIR and reports, as `repeat-finding`, each finding
whose title matches (character-bigram Jaccard ≥ 0.6) a finding of an earlier notice about the same
unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import Diagnostic, Rule
from xuncha.core.lint.ledger import BOILERPLATE as LEDGER_BOILERPLATE
from xuncha.core.lint.ledger import REPEAT
from xuncha.core.parse import LoadError, NotANotice, parse_file
from xuncha.core.parse.loaders import LOADERS

SIMILAR = 0.6


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if ch.isalnum())
    return {text[i:i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def load_corpus(folder: str | Path) -> list[NoticeDoc]:
    """Every readable notice under the folder; unreadable files are skipped."""
    docs = []
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and path.suffix.lower() in LOADERS:
            try:
                docs.append(parse_file(path))
            except (LoadError, NotANotice):
                continue
    return docs


def _when(doc: NoticeDoc):
    return doc.feedback_date or doc.inspection_start or doc.notice_date


def repeats(doc: NoticeDoc, corpus: Iterable[NoticeDoc]) -> Iterator[Diagnostic]:
    when = _when(doc)
    earlier = [other for other in corpus
               if other.unit and other.unit == doc.unit and other.source != doc.source
               and (when is None or _when(other) is None or _when(other) < when)]
    for item in doc.findings:
        best = max(((similarity(item.title, old.title), other, old) for other in earlier for old in other.findings),
                   key=lambda t: t[0], default=None)
        if best and best[0] >= SIMILAR:
            _, other, old = best
            yield REPEAT.diagnostic(
                f"问题“{item.title}”与{other.source or '此前通报'}中的“{old.title}”相同或相近，是重复出现的问题；"
                "请查找上轮整改为何失效，措施要针对根源。", span=item.span, finding=item.path)


BOILERPLATE = Rule(LEDGER_BOILERPLATE.slug, LEDGER_BOILERPLATE.severity, LEDGER_BOILERPLATE.description,
                   lambda doc: iter(()),  # needs other documents: see copied_from
                   catches=["与另一社区通报的整改措施部分逐字相同"],
                   passes=["只共用“欢迎广大党员干部群众……监督”等套话"])
CORPUS_RULES = [REPEAT, BOILERPLATE]


def copied_from(sources: Iterable[tuple[str, float, list[tuple[int, int]]]], longest: int = 5) -> list[Diagnostic]:
    """`boilerplate` on a notice: for each (source, share copied from it, spans in this notice),
    the longest shared passages marked, the source named."""
    found = []
    for source, share, spans in sources:
        for span in sorted(spans, key=lambda s: s[0] - s[1])[:longest]:
            found.append(BOILERPLATE.diagnostic(
                f"这段与“{source}”相同（本通报 {share:.0%} 的内容与其雷同）；"
                "请结合本单位实际情况重写，不要照搬。", span=span))
    return found
