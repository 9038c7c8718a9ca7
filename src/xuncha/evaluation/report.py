"""A unit's evaluation report (.docx, PDF), from its live score, through core.render."""

from __future__ import annotations

from xuncha import clock
from xuncha.core.render.evaluation import EvaluationReport, report_docx, report_pdf
from xuncha.evaluation import runs, selectors
from xuncha.ledger.models import Inspection

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"docx": (report_docx, DOCX), "pdf": (report_pdf, "application/pdf")}


def report_for(inspection: Inspection) -> EvaluationReport:
    from xuncha.notify import ladder_config

    unit_score, measured = runs.score_unit(inspection)
    scheme = selectors.current_scheme()
    return EvaluationReport(unit=inspection.unit.name, round=inspection.round.name, scheme=f"《{scheme.name}》",
                            issuer=ladder_config.current().issuer, date=clock.today(), score=unit_score,
                            facts=measured, full_marks=selectors.compiled(scheme).full_marks)


def render(inspection: Inspection, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, content type, file name) of the report in one format ("docx" or "pdf")."""
    make, content_type = FORMATS[fmt]
    name = f"整改成效评估-{inspection.unit.name}-{clock.today().isoformat()}.{fmt}"
    return make(report_for(inspection)), content_type, name
