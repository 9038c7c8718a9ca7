"""Changes made in 整改成效评估: the scheme, rater scores, scoring runs, report downloads. Audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from xuncha import clock
from xuncha.core import scoring
from xuncha.core.formula import FormulaError
from xuncha.evaluation import selectors
from xuncha.evaluation.models import Rating, Run, Scheme, SchemeItem
from xuncha.jobs.queue import enqueue
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, NotFound
from xuncha.ledger.models import Inspection, Round
from xuncha.ledger.services import audit
from xuncha.ledger.services.cas import swap

MAX_ITEMS = 60
ITEM_FIELDS = ["kind", "name", "weight", "formula", "rated", "note", "position"]


def _number(text: str, field: str, label: str, low: float = 0, high: float = 1000) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{label}应为数字。", field=field) from None
    if not value.is_finite() or not low <= value <= high:
        raise InvalidInput(f"{label}应在{low:g}到{high:g}之间。", field=field)
    return value.quantize(Decimal("0.01"))


def check_formula(kind: str, text: str) -> None:
    """Compile the formula as scoring would; a FormulaError becomes the form's Chinese error."""
    try:
        scoring.compile_item("check", kind, "check", 0, text)
    except FormulaError as exc:
        raise InvalidInput(f"公式无效：{exc.message}", field="formula") from None


def indicator_total(scheme: Scheme) -> Decimal:
    return sum((i.weight for i in scheme.items.filter(kind=scoring.INDICATOR)), Decimal(0))


def _check_indicator_total(scheme: Scheme, item_id: int | None, points: Decimal) -> None:
    """The indicators' weights total at most 满分 (100); a unit's page and report say 满分100."""
    others = sum((i.weight for i in scheme.items.filter(kind=scoring.INDICATOR).exclude(pk=item_id or 0)),
                 Decimal(0))
    full = Decimal(str(scoring.FULL_MARKS))
    if others + points > full:
        raise InvalidInput(f"评分指标分值合计不能超过{float(full):g}分：其他评分指标已有{float(others):g}分，本项最多"
                           f"{float(max(full - others, Decimal(0))):g}分。请先调低其他指标的分值。", field="weight")


def require_full_marks(scheme: Scheme) -> None:
    """A scheme is scored only when its indicators total exactly 满分 (100)."""
    total = indicator_total(scheme)
    if total != Decimal(str(scoring.FULL_MARKS)):
        raise InvalidInput(f"评分指标分值合计为{float(total):g}分，应为{scoring.FULL_MARKS:g}分。"
                           "请先在评估方案中调整各指标分值，再开始评分。")


def _bump(scheme: Scheme, version: int | None, **changes) -> None:
    swap(Scheme, scheme.pk, {"version": version}, updated_at=clock.now(), **changes)


@transaction.atomic
def save_item(actor: Actor, scheme: Scheme, version: int | None, item_id: int | None, *, kind: str, name: str,
              weight: str, formula: str, rated: bool = False, note: str = "", position: int = 0) -> SchemeItem:
    """Add or change one item of the scheme; the formula is checked before anything is saved."""
    permissions.require(actor, "manage_evaluation")
    if kind not in scoring.KINDS:
        raise InvalidInput("请选择项目类型：评分指标、扣分项或一票否决。", field="kind")
    name = name.strip()
    if not name:
        raise InvalidInput("请填写项目名称。", field="name")
    points = Decimal(0) if kind == scoring.VETO else _number(weight, "weight", "分值", 0, 100)
    check_formula(kind, formula)
    if kind == scoring.INDICATOR:
        _check_indicator_total(scheme, item_id, points)
    fields = {"kind": kind, "name": name[:200], "weight": points, "formula": formula.strip(),
              "rated": bool(rated) and kind == scoring.INDICATOR, "note": note.strip()[:300],
              "position": max(0, int(position or 0))}
    if item_id:
        item = SchemeItem.objects.filter(pk=item_id, scheme=scheme).first()
        if item is None:
            raise NotFound()
        before = audit.snapshot(item, ITEM_FIELDS)
        SchemeItem.objects.filter(pk=item.pk).update(**fields)
        item.refresh_from_db()
    else:
        if scheme.items.count() >= MAX_ITEMS:
            raise InvalidInput(f"一个方案最多{MAX_ITEMS}个项目。")
        before = None
        item = SchemeItem.objects.create(scheme=scheme, **{"position": scheme.items.count() + 1, **fields})
    _bump(scheme, version)
    audit.record(actor, "evaluation.item_save", item, f"评估项目：{item.name}（{scoring.KINDS[kind]}）"[:300],
                 before=before, after=audit.snapshot(item, ITEM_FIELDS))
    return item


@transaction.atomic
def delete_item(actor: Actor, scheme: Scheme, version: int | None, item_id: int) -> None:
    permissions.require(actor, "manage_evaluation")
    item = SchemeItem.objects.filter(pk=item_id, scheme=scheme).first()
    if item is None:
        raise NotFound()
    before = audit.snapshot(item, ITEM_FIELDS)
    _bump(scheme, version)
    audit.record(actor, "evaluation.item_delete", item, f"删除评估项目：{item.name}"[:300], before=before)
    item.delete()


def parse_grades(text: str) -> list[list]:
    """"好 90" lines (best first) → [["好", 90.0], …]; the last grade takes every lower total."""
    grades = []
    for line in text.replace("，", " ").replace(",", " ").splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise InvalidInput(f"等次“{line.strip()}”应写成“等次名称 最低分”，如“好 90”。", field="grades")
        low = float(_number(parts[1], "grades", f"等次“{parts[0]}”的最低分", 0, 1000))
        grades.append([parts[0][:20], low])
    if not grades:
        raise InvalidInput("请至少设定一个等次。", field="grades")
    lows = [g[1] for g in grades]
    if lows != sorted(lows, reverse=True) or len(set(lows)) != len(lows):
        raise InvalidInput("等次应从高到低排列，最低分依次递减。", field="grades")
    return grades


@transaction.atomic
def update_scheme(actor: Actor, scheme: Scheme, version: int | None, name: str, grades: str, groups: str,
                  sources: str = "") -> Scheme:
    permissions.require(actor, "manage_evaluation")
    name = name.strip()
    if not name:
        raise InvalidInput("请填写方案名称。", field="name")
    parsed = parse_grades(grades)
    names = list(dict.fromkeys(g.strip()[:100] for g in groups.replace("、", "\n").splitlines() if g.strip()))
    if len(names) > 10:
        raise InvalidInput("评分组最多10个。", field="groups")
    before = audit.snapshot(scheme, ["name", "grades", "rater_groups", "sources"])
    _bump(scheme, version, name=name[:200], grades=parsed, rater_groups=names, sources=sources.strip())
    scheme.refresh_from_db()
    audit.record(actor, "evaluation.scheme_update", scheme, f"修改评估方案：{scheme.name}"[:300], before=before,
                 after=audit.snapshot(scheme, ["name", "grades", "rater_groups", "sources"]))
    return scheme


@transaction.atomic
def save_ratings(actor: Actor, inspection: Inspection, scores: dict[tuple[int, str], str]) -> int:
    """The rater groups' scores (0–100) of the rated indicators for one unit; blank clears one."""
    permissions.require(actor, "manage_evaluation")
    scheme = selectors.current_scheme()
    rated = {i.pk: i for i in scheme.items.filter(rated=True)}
    changed = {}
    for (item_id, group), text in scores.items():
        if item_id not in rated or group not in scheme.rater_groups:
            raise InvalidInput("评分项目或评分组不存在，请刷新后重试。")
        key = {"round_id": inspection.round_id, "unit_id": inspection.unit_id, "item_id": item_id, "group": group}
        if not str(text).strip():
            if Rating.objects.filter(**key).delete()[0]:
                changed[f"{rated[item_id].name}/{group}"] = None
            continue
        value = _number(text, "score", f"{group}对“{rated[item_id].name}”的评分", 0, 100)
        Rating.objects.update_or_create(**key, defaults={"score": value, "entered_by_id": actor.user_id,
                                                         "entered_at": clock.now()})
        changed[f"{rated[item_id].name}/{group}"] = str(value)
    audit.record(actor, "evaluation.rate", inspection, f"录入评分：{inspection.unit.name}"[:300],
                 after={"scores": changed})
    return len(changed)


def snapshot_of(scheme: Scheme) -> dict:
    return {"name": scheme.name, "grades": scheme.grades, "groups": scheme.rater_groups,
            "items": [{"key": str(i.pk), "kind": i.kind, "name": i.name, "weight": float(i.weight),
                       "formula": i.formula, "rated": i.rated} for i in selectors.items(scheme)]}


@transaction.atomic
def start_run(actor: Actor, round_: Round) -> Run:
    """Score every unit of the round as a job (its record is the queue's job.enqueue)."""
    permissions.require(actor, "manage_evaluation")
    scheme = selectors.current_scheme()
    require_full_marks(scheme)
    run = Run.objects.create(round=round_, scheme=scheme, scheme_version=scheme.version,
                             snapshot=snapshot_of(scheme), created_by_id=actor.user_id, created_at=clock.now())
    enqueue("evaluation.score", {"pk": run.pk}, actor=actor, key=f"evaluation.score:{run.pk}",
            title=f"整改成效评估：{round_.name}"[:200])
    return run


def record_report(actor: Actor, inspection: Inspection, name: str, fmt: str) -> None:
    """A report names the unit's scores: each download is recorded."""
    audit.record_now(actor, "evaluation.report", inspection, f"下载评估报告：{name}"[:300],
                     after={"format": fmt, "round": inspection.round_id, "unit": inspection.unit_id})
