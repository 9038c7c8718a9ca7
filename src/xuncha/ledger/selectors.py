"""Read queries for pages and the API, always limited to what the actor may see.

Each list is built with a fixed number of queries whatever its length (select_related /
prefetch_related), and tests hold a baseline of those counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from xuncha import clock
from xuncha.core.ledger_xlsx import LedgerRow
from xuncha.core.lint.ledger import LedgerItem, LedgerMeasure, LedgerSnapshot, lint_ledger
from xuncha.core.statuses import (
    FINDING_READY_FOR_CLOSEOUT,
    MEASURE_FINISHED,
    MEASURE_UNFINISHED,
    WarningWindow,
)
from xuncha.ledger import derived, permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import (
    AuditEvent,
    Closeout,
    Evidence,
    Finding,
    Inspection,
    Measure,
    Notice,
    ProgressReport,
    Round,
)


def warning_window() -> WarningWindow:
    return WarningWindow.on(clock.today(), settings.WARNING_DAYS)


def findings_in_scope(actor: Actor) -> QuerySet[Finding]:
    return Finding.objects.filter(permissions.scope_filter(actor, via="inspection__"))


def measures_in_scope(actor: Actor) -> QuerySet[Measure]:
    return Measure.objects.filter(permissions.scope_filter(actor, via="finding__inspection__"))


def get_inspection(actor: Actor, pk: int) -> Inspection:
    inspection = (permissions.visible_inspections(actor).select_related("round", "team", "unit")
                  .filter(pk=pk).first())
    if inspection is None:
        raise NotFound()
    return inspection


def get_finding(actor: Actor, pk: int) -> Finding:
    finding = (findings_in_scope(actor).select_related("inspection__round", "inspection__team",
                                                       "inspection__unit", "previous__inspection__round")
               .filter(pk=pk).first())
    if finding is None:
        raise NotFound()
    return finding


def get_measure(actor: Actor, pk: int) -> Measure:
    measure = measures_in_scope(actor).select_related("finding__inspection__unit").filter(pk=pk).first()
    if measure is None:
        raise NotFound()
    return measure


def get_closeout(actor: Actor, pk: int) -> Closeout:
    closeout = (Closeout.objects.filter(permissions.scope_filter(actor, via="finding__inspection__"))
                .select_related("finding__inspection__unit").filter(pk=pk).first())
    if closeout is None:
        raise NotFound()
    return closeout


# ---- 工作台 -------------------------------------------------------------------------------

URGENT_COUNT_CAP = 1000


@dataclass
class Workbench:
    totals: dict
    urgent_measures: list
    urgent_count: int
    pending_closeouts: list
    recent: list
    window: WarningWindow
    urgent_cap: int = URGENT_COUNT_CAP


def workbench(actor: Actor, limit: int = 15) -> Workbench:
    """The actor's 工作台. Totals come from the inspections' maintained summaries, not counts."""
    window = warning_window()
    totals = permissions.visible_inspections(actor).aggregate(
        findings_total=Sum("findings_total"), findings_finished=Sum("findings_finished"),
        findings_closed=Sum("findings_closed"), measures_total=Sum("measures_total"),
        measures_finished=Sum("measures_finished"))
    totals = {k: v or 0 for k, v in totals.items()}
    urgent = (measures_in_scope(actor).exclude(status__in=MEASURE_FINISHED)
              .filter(deadline__lte=window.yellow_until).order_by("deadline", "id"))
    urgent_measures = list(urgent.select_related("finding__inspection__unit")[:limit])
    # Counting every overdue measure of a province is slow and says no more than "over a thousand".
    # A positive status list lets the database count from the (status, deadline) index.
    urgent_count = (measures_in_scope(actor).filter(status__in=MEASURE_UNFINISHED, deadline__lte=window.yellow_until)
                    .order_by()[:URGENT_COUNT_CAP + 1].count())
    for measure in urgent_measures:
        measure.warning = window.level(measure.deadline, finished=False)
    pending = (Closeout.objects.filter(state="requested")
               .filter(permissions.scope_filter(actor, via="finding__inspection__"))
               .select_related("finding__inspection__unit", "requested_by").order_by("requested_at")[:limit])
    return Workbench(totals=totals, urgent_measures=urgent_measures, urgent_count=urgent_count,
                     pending_closeouts=list(pending), recent=recent_changes(actor, limit), window=window)


def recent_changes(actor: Actor, limit: int = 15) -> list[AuditEvent]:
    events = AuditEvent.objects.order_by("-at", "-id")
    if permissions.ACTIONS["view"].get(actor.role) != permissions.ALL:
        # A unit's or a team's inspections are few: their events come from the (inspection_id, at) index.
        events = events.filter(inspection_id__in=permissions.visible_inspections(actor).values("pk"))
    return list(events[:limit])


# ---- rounds and inspections ---------------------------------------------------------------

def rounds(actor: Actor) -> QuerySet[Round]:
    visible = permissions.visible_inspections(actor)
    return (Round.objects.filter(inspections__in=visible).distinct()
            .annotate(findings_total=Sum("inspections__findings_total",
                                         filter=Q(inspections__in=visible)),
                      findings_finished=Sum("inspections__findings_finished",
                                            filter=Q(inspections__in=visible)))
            .order_by("-start", "-id"))


def get_round(actor: Actor, pk: int) -> Round:
    round_ = Round.objects.filter(pk=pk, inspections__in=permissions.visible_inspections(actor)).first()
    if round_ is None:
        raise NotFound()
    return round_


def round_inspections(actor: Actor, round_: Round) -> QuerySet[Inspection]:
    return (permissions.visible_inspections(actor).filter(round=round_)
            .select_related("unit", "team").order_by("unit__path"))


def search_findings(actor: Actor, round_: Round | None = None, q: str = "", status: str = "",
                    inspection: Inspection | None = None, extra: Q | None = None) -> QuerySet[Finding]:
    findings = findings_in_scope(actor)
    if extra is not None:  # the 统计分析 drill-down filters (analytics.drill)
        findings = findings.filter(extra)
    if round_ is not None:
        findings = findings.filter(inspection__round=round_)
    if inspection is not None:
        findings = findings.filter(inspection=inspection)
    if status:
        findings = findings.filter(status=status)
    for word in q.split()[:5]:
        findings = findings.filter(Q(title__icontains=word) | Q(description__icontains=word)
                                   | Q(category__icontains=word) | Q(measures__text__icontains=word)
                                   | Q(inspection__unit__name__icontains=word))
    if q:
        findings = findings.distinct()
    # Prefetch, not a join: a single-table ORDER BY walks the (inspection, position, id) index and stops
    # after one page, where a join makes SQLite sort every finding of the province first.
    return findings.prefetch_related("inspection__unit", "inspection__round").order_by(
        "inspection_id", "position", "id")


@dataclass
class Category:
    name: str
    findings: list = field(default_factory=list)
    continued: bool = False  # its earlier findings are on the previous page


def findings_tree(inspection: Inspection,
                  findings: QuerySet[Finding] | None = None) -> list[Category]:
    """category → finding → measures, in document order, with warning levels and ledger 体检
    filled in. `findings` (one page of them, say) defaults to all of the inspection's."""
    window = warning_window()
    measures = Measure.objects.order_by("position", "id").annotate(
        report_count=Count("reports", distinct=True), evidence_count=Count("reports__evidence", distinct=True))
    if findings is None:
        findings = Finding.objects.filter(inspection=inspection).order_by("position", "id")
    findings = list(findings.prefetch_related(
        Prefetch("measures", queryset=measures),
        Prefetch("closeouts", queryset=Closeout.objects.order_by("-requested_at", "-id"))))
    by_element: dict[str, list] = {}
    for diagnostic in lint_ledger(ledger_snapshot(inspection, findings)):
        by_element.setdefault(diagnostic.element, []).append(diagnostic)
    tree = []
    for name, group in groupby(findings, key=lambda f: f.category):
        category = Category(name=name or "")
        for finding in group:
            finding.warning = window.level(finding.next_deadline, finished=finding.status == "closed")
            finding.diagnostics = by_element.get(f"finding:{finding.pk}", [])
            for measure in finding.measures.all():
                measure.warning = window.level(measure.deadline, finished=measure.status in MEASURE_FINISHED)
                measure.diagnostics = by_element.get(f"measure:{measure.pk}", [])
            category.findings.append(finding)
        tree.append(category)
    return tree


# Findings per page of an inspection: each carries its measures (3.3 on average at province
# scale) and their 体检, so 25 findings are about as many ledger rows as a 50-row list.
FINDINGS_PER_PAGE = 25
# Finished as the inspection's summary counts them (services.derived.refresh_inspection).
FINDING_FINISHED = FINDING_READY_FOR_CLOSEOUT | {"closed"}


@dataclass
class CategorySummary:
    """A category of the inspection page's index: its findings counted, and where it opens."""

    number: int  # 1-based, in document order: the page's ?category= value
    name: str
    total: int
    finished: int
    first: int = 0  # position of its first finding


@dataclass
class InspectionPage:
    categories: list[CategorySummary]
    category: CategorySummary | None  # the one shown, or None for all
    page: Page  # of findings, in document order
    tree: list[Category]  # the page's findings by category, measures and 体检 filled in


def inspection_categories(inspection: Inspection) -> list[CategorySummary]:
    """Every category with its counts, in the order the categories first appear (one query)."""
    rows = (Finding.objects.filter(inspection=inspection).order_by().values("category")
            .annotate(first=Min("position"), total=Count("id"),
                      finished=Count("id", filter=Q(status__in=FINDING_FINISHED)))
            .order_by("first", "category"))
    return [CategorySummary(number, row["category"] or "", row["total"], row["finished"],
                            row["first"]) for number, row in enumerate(rows, start=1)]


def inspection_page(inspection: Inspection, category: int | None = None,
                    page: str | int | None = None, per_page: int | None = None) -> InspectionPage:
    """One page of an inspection's findings (optionally of one category), with measures and
    ledger 体检 for that page only: the query count and the page's size do not grow with the
    inspection."""
    categories = inspection_categories(inspection)
    chosen = next((c for c in categories if c.number == category), None)
    findings = Finding.objects.filter(inspection=inspection).order_by("position", "id")
    if chosen is not None:
        findings = findings.filter(category=chosen.name)
    current = Paginator(findings, per_page or FINDINGS_PER_PAGE).get_page(page)
    tree = findings_tree(inspection, current.object_list)
    if tree and current.number > 1:
        opening = next((c for c in categories if c.name == tree[0].name), None)
        tree[0].continued = opening is not None and tree[0].findings[0].position > opening.first
    return InspectionPage(categories=categories, category=chosen, page=current, tree=tree)


def ledger_snapshot(inspection: Inspection, findings: list[Finding]) -> LedgerSnapshot:
    """The ledger as plain data for core.lint (findings prefetched as in findings_tree)."""
    copied: dict[int, list] = {}
    for report in ProgressReport.objects.filter(measure__finding__in=[f.pk for f in findings],
                                                copied_share__isnull=False).order_by("date", "id"):
        copied.setdefault(report.measure_id, []).append((report.date, report.copied_share, report.copied_from))
    items = []
    for finding in findings:
        closeouts = list(finding.closeouts.all())
        items.append(LedgerItem(
            id=finding.pk, number=finding.number, title=finding.title, description=finding.description,
            previous_id=finding.previous_id, closeout=closeouts[0].state if closeouts else None,
            measures=[LedgerMeasure(id=m.pk, text=m.text, owner=m.owner, lead=m.lead, kind=m.kind,
                                    deadline=m.deadline, status=m.status, evidence=m.evidence_count,
                                    reports=m.report_count, copied=copied.get(m.pk, []))
                              for m in finding.measures.all()]))
    return LedgerSnapshot(rectification_end=inspection.rectification_end, findings=items)


@dataclass
class FindingPage:
    finding: Finding
    measures: list
    closeouts: list
    lookbacks: list
    timeline: list
    pending_closeout: Closeout | None
    actions: set
    ready_for_closeout: bool


def finding_page(actor: Actor, pk: int) -> FindingPage:
    finding = get_finding(actor, pk)
    window = warning_window()
    finding.warning = window.level(finding.next_deadline, finished=finding.status == "closed")
    measures = list(finding.measures.order_by("position", "id").prefetch_related(
        "reports__evidence", "reports__author"))
    for measure in measures:
        measure.warning = window.level(measure.deadline, finished=measure.status in MEASURE_FINISHED)
    closeouts = list(finding.closeouts.select_related("requested_by", "decided_by"))
    return FindingPage(
        finding=finding, measures=measures, closeouts=closeouts,
        lookbacks=list(finding.lookbacks.select_related("checked_by")),
        timeline=list(AuditEvent.objects.filter(finding_id=finding.pk).order_by("-at", "-id")[:200]),
        pending_closeout=next((c for c in closeouts if c.state == "requested"), None),
        actions=permissions.actions_for(actor, finding.inspection),
        ready_for_closeout=derived.ready_for_closeout(finding),
    )


def evidence_for_download(actor: Actor, pk: int) -> Evidence:
    evidence = (Evidence.objects.filter(pk=pk)
                .filter(permissions.scope_filter(actor, via="report__measure__finding__inspection__"))
                .first())
    if evidence is None:
        raise NotFound()
    return evidence


# ---- documents out -----------------------------------------------------------------------

def ledger_rows(inspection: Inspection) -> list[LedgerRow]:
    """The inspection's 台账: one row per measure with its latest progress and evidence names."""
    findings = (Finding.objects.filter(inspection=inspection).order_by("position", "id")
                .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("position", "id")
                                           .prefetch_related("reports__evidence"))))
    rows = []
    for finding in findings:
        for measure in finding.measures.all():
            reports = sorted(measure.reports.all(), key=lambda r: (r.date, r.pk))
            rows.append(LedgerRow(
                number=finding.number or str(finding.position), category=finding.category, finding=finding.title,
                measure=measure.text, lead=measure.lead, owner=measure.owner, deadline=measure.deadline,
                ongoing=measure.kind == "ongoing", progress=reports[-1].text if reports else "",
                status=measure.status, completed_on=measure.completed_on,
                evidence="、".join(e.original_name for r in reports for e in r.evidence.all())))
    return rows


def _person(field: str):
    """A person by name (the staff account's display name), the login name only without one."""
    return Coalesce(NullIf(F(f"{field}__first_name"), Value("")), F(f"{field}__username"))


def get_notice(actor: Actor, pk: int) -> Notice:
    # Only the names of the people: three whole user rows made this the page's costliest query.
    # No ORDER BY (first() would add one): building the SQL is most of this query's cost.
    rows = (Notice.objects.filter(permissions.scope_filter(actor, via="inspection__"))
            .select_related("inspection__unit", "inspection__round", "inspection__team")
            .annotate(created_by_name=_person("created_by"), approved_by_name=_person("approved_by"),
                      published_by_name=_person("published_by"))
            .filter(pk=pk).order_by()[:1])
    if not rows:
        raise NotFound()
    return rows[0]


def inspection_notices(inspection: Inspection) -> list[Notice]:
    return list(Notice.objects.filter(inspection=inspection).order_by("-version"))
