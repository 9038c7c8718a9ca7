"""体检 of a notice for its page, kept in Django's cache so a page view does not redo it.

The two parts have different lifetimes:
- the rules on the notice itself depend only on its doc (masks are applied into the doc), on
  XUNCHA_LINT and on the code of the rules: they are cached under a digest of all three, so an
  edit, a mask or an upgrade reads a new key and nothing has to be deleted;
- the 雷同 part depends on every other indexed text, which changes whenever anyone in the
  province reports progress: it is cached under the text's digest for REUSE_TTL seconds only.
  A source copied from appears on the page at most that late; publishing never reads the cache
  (services.notices.publish_checks runs both parts afresh).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache as django_cache

from xuncha import core
from xuncha.core.lint import Diagnostic
from xuncha.ledger.models import Notice
from xuncha.ledger.services import notices

log = logging.getLogger(__name__)

REUSE_TTL = 120  # seconds: how late a newly indexed source may show on a notice page


@cache
def code_digest() -> str:
    """The core's source, so a new or changed rule after an upgrade misses the old entries."""
    digest = hashlib.sha256()
    for path in sorted(Path(core.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _digest(*parts: object) -> str:
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def lint_key(notice: Notice) -> str:
    return "notice-lint:" + _digest(notice.doc, settings.LINT_OVERRIDES, code_digest())


def reuse_key(notice: Notice) -> str:
    text = notice.doc.get("text") or ""
    return (f"notice-reuse:{notice.pk}:{notice.inspection_id}:"
            + _digest(text, settings.LINT_OVERRIDES.get("boilerplate"), code_digest()))


def fetch(entries: dict[str, tuple[Callable[[], Any], int | None]]) -> dict[str, Any]:
    """{key: (compute, timeout)} → {key: value}: one cache round trip for all the keys, and
    each missing value computed and stored. Values must be plain data (lists, dicts, text)."""
    try:
        found = django_cache.get_many(list(entries))
    except Exception as exc:  # the cache is a speed-up: never stop the page for it
        log.warning("cache unavailable: %s", exc)
        return {key: compute() for key, (compute, _) in entries.items()}
    for key, (compute, timeout) in entries.items():
        if key in found:
            continue
        found[key] = compute()
        try:
            django_cache.set(key, found[key], **({} if timeout is None else {"timeout": timeout}))
        except Exception as exc:
            log.warning("cache unavailable: %s", exc)
    return found


def entries(notice: Notice) -> dict[str, tuple[Callable[[], Any], int | None]]:
    """The two parts of publish_checks as cache entries of diagnostics in their dict form."""
    def lint() -> list[dict]:
        return [d.to_dict() for d in notices.lint_checks(notice)]

    def boilerplate() -> list[dict]:
        return [d.to_dict() for d in notices.boilerplate_checks(notice)]

    return {lint_key(notice): (lint, None), reuse_key(notice): (boilerplate, REUSE_TTL)}


def diagnostics(found: dict[str, Any], keys: list[str]) -> list[Diagnostic]:
    """The diagnostics of fetch(entries(notice)) under keys, in publish_checks' order."""
    stored = [d for key in keys for d in found[key]]
    return [Diagnostic(**{**d, "span": tuple(d["span"]) if d["span"] else None}) for d in stored]


def page_checks(notice: Notice) -> list[Diagnostic]:
    """What publish_checks would say, from the cache when nothing it depends on has changed."""
    wanted = entries(notice)
    return diagnostics(fetch(wanted), list(wanted))
