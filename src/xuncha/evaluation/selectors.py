"""Reads for 整改成效评估 and 随机抽查: the current scheme, runs, results, draws."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from xuncha.core import scoring
from xuncha.evaluation.models import CheckItem, Draw, Rating, Result, Run, Scheme, SchemeItem
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import Inspection, Round


def current_scheme() -> Scheme:
    """The scheme runs use: the first one (the data migration creates the default)."""
    scheme = Scheme.objects.order_by("id").first()
    if scheme is None:
        from xuncha.evaluation.defaults import create_default

        scheme = create_default(Scheme, SchemeItem)
    return scheme


def items(scheme: Scheme) -> list[SchemeItem]:
    return list(scheme.items.order_by("position", "id"))


def compiled(scheme: Scheme, rows: list[SchemeItem] | None = None) -> scoring.Scheme:
    rows = items(scheme) if rows is None else rows
    return scoring.Scheme(
        items=tuple(scoring.compile_item(str(r.pk), r.kind, r.name, float(r.weight), r.formula, r.rated)
                    for r in rows),
        grades=tuple((str(label), float(low)) for label, low in scheme.grades),
        groups=tuple(scheme.rater_groups))


def require_view(actor: Actor) -> None:
    permissions.require(actor, "view_evaluation")


def rounds(actor: Actor) -> list[Round]:
    require_view(actor)
    return list(Round.objects.annotate(units=Count("inspections")).order_by("-start", "-id"))


def get_round(actor: Actor, pk: int) -> Round:
    require_view(actor)
    found = Round.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def get_inspection(actor: Actor, round_id: int, unit_id: int) -> Inspection:
    require_view(actor)
    found = (Inspection.objects.filter(round_id=round_id, unit_id=unit_id)
             .select_related("unit", "round", "team").first())
    if found is None:
        raise NotFound()
    return found


def latest_run(round_id: int) -> Run | None:
    return Run.objects.filter(round_id=round_id).order_by("-created_at", "-id").first()


def latest_runs(round_ids: list[int]) -> dict[int, Run]:
    """Each round's latest run, in one query."""
    found: dict[int, Run] = {}
    for run in Run.objects.filter(round_id__in=round_ids).order_by("round_id", "-created_at", "-id"):
        found.setdefault(run.round_id, run)
    return found


def latest_done_run(round_id: int) -> Run | None:
    return Run.objects.filter(round_id=round_id, state="done").order_by("-created_at", "-id").first()


def results(run: Run | None) -> list[Result]:
    if run is None:
        return []
    return list(run.results.select_related("unit").order_by("-total", "unit__name", "unit_id"))


def result_of(run: Run | None, unit_id: int) -> Result | None:
    return None if run is None else run.results.filter(unit_id=unit_id).first()


def ratings(round_id: int, unit_id: int) -> dict[str, list[float]]:
    """{item key: [each group's score]} for the scoring."""
    out: dict[str, list[float]] = {}
    for item_id, score in Rating.objects.filter(round_id=round_id, unit_id=unit_id).values_list("item_id", "score"):
        out.setdefault(str(item_id), []).append(float(score))
    return out


def ratings_for_round(round_id: int) -> dict[int, dict[str, list[float]]]:
    out: dict[int, dict[str, list[float]]] = {}
    rows = Rating.objects.filter(round_id=round_id).values_list("unit_id", "item_id", "score")
    for unit_id, item_id, score in rows:
        out.setdefault(unit_id, {}).setdefault(str(item_id), []).append(float(score))
    return out


def rating_table(round_id: int, unit_id: int) -> dict[tuple[int, str], float]:
    return {(r.item_id, r.group): float(r.score)
            for r in Rating.objects.filter(round_id=round_id, unit_id=unit_id)}


# ---- 随机抽查 ---------------------------------------------------------------------------------

def require_checks(actor: Actor) -> None:
    permissions.require(actor, "view_random_checks")


def draws(actor: Actor, round_id: int | None = None) -> list[Draw]:
    require_checks(actor)
    found = Draw.objects.select_related("round").annotate(
        drawn=Count("items"), failed=Count("items", filter=Q(items__result="failed")),
        checked=Count("items", filter=~Q(items__result="")))
    if round_id:
        found = found.filter(round_id=round_id)
    return list(found.order_by("-created_at", "-id"))


def get_draw(actor: Actor, pk: int) -> Draw:
    require_checks(actor)
    found = Draw.objects.select_related("round", "created_by").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def draw_items(draw: Draw) -> list[CheckItem]:
    return list(draw.items.select_related("finding", "inspection__unit", "checked_by")
                .order_by("position", "id"))


def get_check_item(actor: Actor, pk: int) -> CheckItem:
    require_checks(actor)
    found = CheckItem.objects.select_related("draw", "finding", "inspection__unit").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def failed_checks_by_inspection(inspection_ids: Iterable[int]) -> dict[int, float]:
    """The 统计分析 provider: failed re-checks per inspection."""
    rows = (CheckItem.objects.filter(inspection_id__in=inspection_ids, result="failed")
            .values("inspection_id").annotate(n=Count("id")).values_list("inspection_id", "n"))
    return {iid: float(n) for iid, n in rows}
