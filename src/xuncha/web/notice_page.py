"""What the notice page shows, with its costly parts read from the cache in one round trip.

The 体检 results are cached as services.notice_checks explains. The preview and the edit form
are HTML that follows from the notice row alone: every change of a notice goes through a
compare-and-swap that raises row_version, so (id, row_version) names one content for good.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

from xuncha.core.document import NoticeDoc
from xuncha.core.lint import Diagnostic
from xuncha.core.render.html import fragment
from xuncha.core.render.outline import outline
from xuncha.ledger.models import Notice
from xuncha.ledger.services import notice_checks, notices
from xuncha.web import forms


@dataclass
class NoticePage:
    doc: NoticeDoc
    diagnostics: list[Diagnostic]
    preview: SafeString
    form: SafeString  # the edit form's fields, without the CSRF token


def parts_initial(notice: Notice) -> dict:
    parts = notices.stored_parts(notice)
    return {"overview": "\n".join(parts.overview), "plans": "\n".join(parts.plans),
            "phones": "、".join(parts.contacts.phones), "emails": "、".join(parts.contacts.emails),
            "addresses": "、".join(parts.contacts.addresses),
            "notice_date": notice.doc.get("notice_date") or None}


def _html(notice: Notice, doc: NoticeDoc) -> dict:
    form = forms.NoticePartsForm(initial=parts_initial(notice))
    return {"preview": fragment(outline(doc)), "form": str(form.as_div())}


@cache
def forms_digest() -> str:
    """The edit form's source, so a changed form after an upgrade is not served from the cache."""
    return hashlib.sha256(Path(forms.__file__).read_bytes()).hexdigest()[:16]


def html_key(notice: Notice) -> str:
    return (f"notice-html:{notice.pk}:{notice.row_version}:"
            f"{notice_checks.code_digest()}:{forms_digest()}")


def notice_page(notice: Notice) -> NoticePage:
    doc = NoticeDoc.from_dict(notice.doc)
    checks = notice_checks.entries(notice)
    found = notice_checks.fetch({**checks, html_key(notice): (lambda: _html(notice, doc), None)})
    html = found[html_key(notice)]
    return NoticePage(doc=doc, diagnostics=notice_checks.diagnostics(found, list(checks)),
                      preview=mark_safe(html["preview"]), form=mark_safe(html["form"]))
