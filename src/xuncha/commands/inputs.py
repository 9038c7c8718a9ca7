"""Reading the notices named on a command line, the same way for every command."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

from xuncha import config
from xuncha.core import safezip
from xuncha.core.document import NoticeDoc
from xuncha.core.parse import LoadError, NotANotice, parse_file


def configure_limits() -> None:
    """The zip limits from XUNCHA_ZIP_MAX_MB, as the staff site applies them."""
    setting = config.BY_NAME["XUNCHA_ZIP_MAX_MB"]
    try:
        safezip.configure(max_total_mb=setting.parse(os.environ.get(setting.name, setting.default)))
    except config.ConfigError as exc:
        print(f"配置错误：{setting.name}: {exc}（使用默认值）", file=sys.stderr)


class Notices:
    """Iterates (name, NoticeDoc) over the files; a file that fails is reported and remembered."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.failed = False
        configure_limits()

    def __iter__(self) -> Iterator[tuple[str, NoticeDoc]]:
        for name in self.names:
            try:
                doc = parse_file(name)
            except (LoadError, NotANotice) as exc:
                print(f"{name}：{exc.message}", file=sys.stderr)
                self.failed = True
                continue
            yield name, doc
