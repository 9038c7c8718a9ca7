"""The 督办函 of a 督办: rendered from its rows at the first download (never inside the daily
run), then stored with its sha256 and served from storage while the digest matches, so every
download is the letter as issued. A stored copy found changed or missing is rendered again."""

from __future__ import annotations

import hashlib
import logging

from django.db import IntegrityError, transaction

from xuncha import clock
from xuncha.core.render.letter import LetterItem, SupervisionLetter, letter_docx, letter_pdf
from xuncha.ledger.actor import Actor
from xuncha.ledger.services import audit, storage
from xuncha.notify.models import LetterFile, Supervision
from xuncha.notify.selectors import supervised_measures

log = logging.getLogger(__name__)

LETTERS = "letters"  # the storage kind (filestores.KINDS)
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


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored(kept: LetterFile) -> bytes | None:
    """The stored bytes while they are the ones kept; None when changed or gone."""
    try:
        data = storage.read_bytes(LETTERS, kept.name)
    except FileNotFoundError:
        data = None
    if data is not None and _digest(data) == kept.sha256:
        return data
    log.warning("stored letter %s of supervision %s is changed or missing; rendering it again",
                kept.name, kept.supervision_id)
    return None


def _keep(supervision: Supervision, fmt: str, data: bytes, kept: LetterFile | None) -> str:
    """Store the rendered letter and its digest; returns the digest."""
    digest = _digest(data)
    name = storage.save_bytes(LETTERS, storage.unique_name(f"{supervision.pk}/", f".{fmt}"), data)
    values = {"name": name, "sha256": digest, "size": len(data), "made_at": clock.now()}
    try:
        with transaction.atomic():
            storage.delete_on_rollback(LETTERS, [name])
            if kept is None:
                LetterFile.objects.create(supervision=supervision, fmt=fmt, **values)
            elif LetterFile.objects.filter(pk=kept.pk, sha256=kept.sha256).update(**values):
                storage.delete_after_commit(LETTERS, [kept.name])
            else:
                storage.delete(LETTERS, [name])  # another download replaced it first
    except IntegrityError:
        pass  # another first download stored it at the same moment; this copy is not kept
    return digest


def render_letter(supervision: Supervision, fmt: str) -> tuple[bytes, str, str, str]:
    """(bytes, content type, file name, sha256) of the letter in one format ("docx" or "pdf")."""
    render, content_type = FORMATS[fmt]
    name = f"督办函-{supervision.opened_on.isoformat()}-{supervision.pk}.{fmt}"
    kept = LetterFile.objects.filter(supervision=supervision, fmt=fmt).first()
    data = _stored(kept) if kept is not None else None
    if data is not None:
        return data, content_type, name, kept.sha256
    data = render(letter_for(supervision))
    return data, content_type, name, _keep(supervision, fmt, data, kept)


def download(actor: Actor, supervision: Supervision, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, content type, file name) of the letter for `actor`, recorded: the letter names the
    people answerable for each measure, so every download of it is an audited act."""
    data, content_type, name, digest = render_letter(supervision, fmt)
    audit.record_now(actor, "supervision.letter", supervision, f"下载督办函：{name}"[:300],
                     after={"format": fmt, "sha256": digest})
    return data, content_type, name
