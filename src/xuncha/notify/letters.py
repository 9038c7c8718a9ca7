"""The 督办函 of a 督办, from its rows (rendered on request: the rows do not change once made)."""

from __future__ import annotations

from xuncha.core.render.letter import LetterItem, SupervisionLetter, letter_docx, letter_pdf
from xuncha.notify.models import Supervision
from xuncha.notify.selectors import supervised_measures

FORMATS = {
    "docx": (letter_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (letter_pdf, "application/pdf"),
}


def letter_for(supervision: Supervision) -> SupervisionLetter:
    items = [LetterItem(finding=m.measure.finding.title, measure=m.measure.text, deadline=m.deadline,
                        owner=m.measure.owner) for m in supervised_measures(supervision)]
    return SupervisionLetter(number=supervision.number, addressee=supervision.unit_name,
                             issuer=supervision.issuer, date=supervision.opened_on,
                             reply_due=supervision.reply_due, round=supervision.inspection.round.name,
                             items=items)


def render_letter(supervision: Supervision, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, content type, file name) of the letter in one format ("docx" or "pdf")."""
    render, content_type = FORMATS[fmt]
    name = f"督办函-{supervision.opened_on.isoformat()}-{supervision.pk}.{fmt}"
    return render(letter_for(supervision)), content_type, name
