"""Reading the notices named on a command line, the same way for every command."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from xuncha.core.document import NoticeDoc
from xuncha.core.parse import LoadError, NotANotice, parse_file


class Notices:
    """Iterates (name, NoticeDoc) over the files; a file that fails is reported and remembered."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.failed = False

    def __iter__(self) -> Iterator[tuple[str, NoticeDoc]]:
        for name in self.names:
            try:
                doc = parse_file(name)
            except (LoadError, NotANotice) as exc:
                print(f"{name}：{exc.message}", file=sys.stderr)
                self.failed = True
                continue
            yield name, doc
