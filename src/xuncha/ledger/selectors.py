"""Read queries for pages and the API, always limited to what the actor may see.

Each list is built with a fixed number of queries whatever its length (select_related /
prefetch_related), and tests hold a baseline of those counts.
"""

from __future__ import annotations

from collections.abc import Callable
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
    CLOSEOUT_OPEN,
    FINDING_READY_FOR_CLOSEOUT,
    FINDING_SOURCE,
    MEASURE_FINISHED,
    MEASURE_KIND,
    WarningWindow,
    finished_late,
)
from xuncha.ledger import permissions, transitions
from xuncha.ledger.actor import Actor, shown_actor
from xuncha.ledger.errors import NotFound, PermissionDenied, ServiceError
from xuncha.ledger.lookups import contains_any
from xuncha.ledger.models import (
    AuditEvent,
    Closeout,
    Evidence,
    ExtensionRequest,
    Finding,
    Inspection,
    Measure,
    Notice,
    ProgressReport,
    Round,
    StatusChange,
)


def warning_window() -> WarningWindow:
    return WarningWindow.on(clock.today(), settings.WARNING_DAYS)


def findings_in_scope(actor: Actor) -> QuerySet[Finding]:
    return Finding.objects.filter(permissions.scope_filter(actor, via="inspection__"))


def measures_in_scope(actor: Actor) -> QuerySet[Measure]:
    return Measure.objects.filter(permissions.scope_filter(actor, via="inspection__"))


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


def get_extension(actor: Actor, pk: int) -> ExtensionRequest:
    extension = (ExtensionRequest.objects.filter(permissions.scope_filter(actor, via="measure__finding__inspection__"))
                 .select_related("measure__finding__inspection__unit").filter(pk=pk).first())
    if extension is None:
        raise NotFound()
    return extension


# ---- 工作台 -------------------------------------------------------------------------------

# Each role's to-do list and the measure list live in ledger.worklists; these names stay here.
def workbench(actor: Actor):
    from xuncha.ledger import worklists

    return worklists.workbench(actor)


# Set-up objects whose changes are news on the office's 工作台 though they belong to no inspection.
PROGRAMME_OBJECTS = ("round", "unit", "team")


def recent_changes(actor: Actor, limit: int = 15) -> list[AuditEvent]:
    """Changes to the programme. Sign-ins, second factors, accounts and refused attempts belong to
    the audit log: otherwise the office's list is all 登录 and 退出."""
    events = AuditEvent.objects.filter(result="ok").order_by("-at", "-id")
    if permissions.ACTIONS["view"].get(actor.role) != permissions.ALL:
        # A unit's or a team's inspections are few: their events come from the (inspection_id, at) index.
        events = events.filter(inspection_id__in=permissions.visible_inspections(actor).values("pk"))
    else:
        events = events.filter(Q(inspection_id__isnull=False) | Q(object_type__in=PROGRAMME_OBJECTS))
    found = list(events[:limit])
    for event in found:  # shown only: the stored, hashed name stays as it is
        event.actor_name = shown_actor(event.actor_name, event.object_type)
    return found


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
    """A round with an inspection the actor sees; one who sees every inspection (the office, the
    supervisor) sees a round with none yet too."""
    rounds = Round.objects.filter(pk=pk)
    if not permissions.allowed(actor, "view"):
        rounds = rounds.filter(inspections__in=permissions.visible_inspections(actor))
    round_ = rounds.first()
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
        findings = findings.filter(contains_any(
            ["title", "description", "category", "measures__text", "inspection__unit__name"], word))
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
    window = WarningWindow.on(clock.today(), inspection.round.warning_days or settings.WARNING_DAYS)
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
                                    deadline=m.deadline, original_deadline=m.original_deadline,
                                    status=m.status, evidence=m.evidence_count,
                                    reports=m.report_count, copied=copied.get(m.pk, []))
                              for m in finding.measures.all()]))
    return LedgerSnapshot(rectification_end=inspection.rectification_end, findings=items)


@dataclass
class TimelineEntry:
    at: object
    actor_name: str
    summary: str
    changes: list[str] = field(default_factory=list)


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
    frozen: str | None = None  # why measures cannot change now
    finding_moves: set = field(default_factory=set)  # names of the finding's possible moves
    closeout_moves: list = field(default_factory=list)  # Move objects on the pending request
    closeout_refusal: str = ""  # why sign-off cannot be requested yet (shown to who may request)


def finding_page(actor: Actor, pk: int) -> FindingPage:
    finding = get_finding(actor, pk)
    days = finding.inspection.round.warning_days or settings.WARNING_DAYS
    window = WarningWindow.on(clock.today(), days)
    finding.warning = window.level(finding.next_deadline, finished=finding.status == "closed")
    closeouts = list(finding.closeouts.select_related("requested_by__staff", "decided_by__staff",
                                                      "endorsed_by__staff"))
    pending = next((c for c in closeouts if c.state in CLOSEOUT_OPEN), None)
    finding._open_closeout = pending  # transitions asks once per measure otherwise
    if pending is not None:
        pending.finding = finding
    measures = list(finding.measures.order_by("position", "id").prefetch_related(
        "reports__evidence", "reports__author__staff",
        Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("requested_by__staff"))))
    for measure in measures:
        measure.finding = finding
        measure.warning = window.level(measure.deadline, finished=measure.status in MEASURE_FINISHED)
        measure.late = finished_late(measure.status, measure.deadline, measure.completed_on)
        measure.pending_extension = next((e for e in measure.extensions.all() if e.state == "requested"), None)
        moves = transitions.available_moves(actor, measure)
        measure.moves = [m for m in moves if m.target]  # the status choices of the progress form
        measure.can_extend = any(m.name == "extend" for m in moves)
        if measure.pending_extension is not None:
            measure.pending_extension.measure = measure
            measure.extension_moves = transitions.available_moves(actor, measure.pending_extension)
    frozen = transitions.MEASURE.frozen(Measure(finding=finding))
    finding_moves = transitions.move_names(actor, finding)
    refusal = ""
    if "request_closeout" not in finding_moves and pending is None and finding.status != "closed":
        try:
            transitions.check(actor, finding, "request_closeout")
        except ServiceError as exc:
            refusal = exc.message if not isinstance(exc, PermissionDenied) else ""
    return FindingPage(
        finding=finding, measures=measures, closeouts=closeouts,
        lookbacks=list(finding.lookbacks.select_related("checked_by__staff")),
        timeline=finding_timeline(finding.pk),
        pending_closeout=pending,
        actions=permissions.actions_for(actor, finding.inspection),
        ready_for_closeout="request_closeout" in finding_moves,
        frozen=frozen, finding_moves=finding_moves,
        closeout_moves=transitions.available_moves(actor, pending) if pending is not None else [],
        closeout_refusal=refusal,
    )


# Field names of audit before/after → how the timeline names them; values of choice fields by label.
FIELD_LABELS = {"text": "措施内容", "lead": "责任领导", "owner": "责任部门/责任人", "kind": "措施类型",
                "deadline": "完成时限", "completed_on": "完成日期", "title": "问题", "category": "问题类别",
                "number": "编号", "description": "具体表现", "source": "来源", "original_deadline": "原完成时限"}
FIELD_CHOICES = {"kind": MEASURE_KIND, "source": FINDING_SOURCE}
STATUS_KEYS = {"status", "state"}


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "（空）"
    if name in FIELD_CHOICES:
        return FIELD_CHOICES[name].label(value)
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _diff(before: dict | None, after: dict | None) -> list[str]:
    """"完成时限：2025-11-15 → 2025-12-31" for each field an audit record says changed."""
    if not before or not after:
        return []
    return [f"{FIELD_LABELS[k]}：{_shown(k, before[k])} → {_shown(k, after[k])}"
            for k in FIELD_LABELS if k in before and k in after and before[k] != after[k]]


def _status_line(change: StatusChange) -> str:
    table = transitions.REGISTRY.get(change.object_kind)
    if table is None:
        return f"{change.from_status} → {change.to_status}"
    new = table.choices.label(change.to_status)
    line = f"{table.title}：{table.choices.label(change.from_status)} → {new}" if change.from_status \
        else f"{table.title}：{new}"  # just made: its first state alone
    return line + (f"（理由：{change.reason}）" if change.reason else "")


# Other apps' records that belong on a finding's timeline without naming it (a 督办 covering several
# findings is one act with one record): each source maps a finding id to a Q over AuditEvent.
TIMELINE_SOURCES: list[Callable[[int], Q]] = []


def finding_timeline(finding_id: int, limit: int = 200) -> list[TimelineEntry]:
    """What happened to a finding and what changed, newest first: the audit records with their
    before/after, and the history rows of every status move (its own and its measures')."""
    wanted = Q(finding_id=finding_id)
    for source in TIMELINE_SOURCES:
        wanted |= source(finding_id)
    events = list(AuditEvent.objects.filter(wanted).order_by("-at", "-id")[:limit])
    changes = list(StatusChange.objects.filter(finding_id=finding_id).order_by("-at", "-id")[:limit])
    by_event: dict[int, list[StatusChange]] = {}
    entries = []
    for change in changes:
        if change.event_id is None:
            entries.append((change.at, change.pk, TimelineEntry(change.at, change.actor_name, _status_line(change))))
        else:
            by_event.setdefault(change.event_id, []).append(change)
    for event in events:
        lines = [_status_line(c) for c in by_event.get(event.pk, [])]
        summary = lines.pop(0) if lines and event.summary.startswith(lines[0].split("：")[0]) else event.summary
        entries.append((event.at, event.pk, TimelineEntry(event.at, event.actor_name, summary,
                                                          lines + _diff(event.before, event.after))))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    return [entry for _, _, entry in entries[:limit]]


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
                .prefetch_related(Prefetch("measures", queryset=LEDGER_MEASURES)))
    return rows_of(findings)


# What a 台账 row reads of a measure (prefetched for every finding of the ledger).
LEDGER_MEASURES = Measure.objects.order_by("position", "id").prefetch_related("reports__evidence")


def rows_of(findings) -> list[LedgerRow]:
    """台账 rows of findings whose measures were prefetched with LEDGER_MEASURES: one a measure,
    and one with the finding alone while it has no measure yet (so the sheet lists every finding)."""
    rows = []
    for finding in findings:
        number = finding.number or str(finding.position)
        measures = finding.measures.all()
        if not measures:
            rows.append(LedgerRow(number=number, category=finding.category, finding=finding.title, measure=""))
        for measure in measures:
            reports = sorted(measure.reports.all(), key=lambda r: (r.date, r.pk))
            rows.append(LedgerRow(
                number=number, category=finding.category, finding=finding.title,
                measure=measure.text, lead=measure.lead, owner=measure.owner, deadline=measure.deadline,
                ongoing=measure.kind == "ongoing", progress=reports[-1].text if reports else "",
                status=measure.status, completed_on=measure.completed_on,
                evidence="、".join([measure.evidence_note] * bool(measure.evidence_note) +
                                  [e.original_name for r in reports for e in r.evidence.all()]),
                remarks="；".join(part for part in (
                    measure.remarks,
                    f"原完成时限{measure.original_deadline:%Y-%m-%d}，已延期" if measure.original_deadline else "")
                    if part)))
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
