"""随机抽查: draw signed-off findings of a round with a recorded seed, re-check each, reopen the failed.

The draw is reproducible: the population (the round's signed-off finding ids, sorted) is stored
with the seed, and `random.Random(seed).sample(population, k)` gives the same findings again.
A failed re-check reopens its finding through the `recheck_reopen` move of ledger.transitions.
"""

from __future__ import annotations

import math
import random
import secrets

from django.db import transaction

from xuncha import clock
from xuncha.evaluation.defaults import DEFAULT_CHECKLIST
from xuncha.evaluation.models import CheckItem, Draw
from xuncha.ledger import derived, permissions, transitions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import Conflict, InvalidInput
from xuncha.ledger.models import Finding, Round
from xuncha.ledger.services import audit
from xuncha.ledger.services.cas import swap

MAX_SEED = 2**31 - 1
MAX_CHECKLIST = 20


def population(round_: Round) -> list[int]:
    """The round's signed-off (已销号) findings, by id."""
    return list(Finding.objects.filter(inspection__round=round_, status="closed").order_by("id")
                .values_list("id", flat=True))


def sample_size(mode: str, size: int, total: int) -> int:
    k = size if mode == "count" else math.ceil(total * size / 100)
    return min(k, total)


def drawn_ids(seed: int, ids: list[int], k: int) -> list[int]:
    """The draw itself: the same seed and population always give the same findings."""
    return random.Random(seed).sample(ids, k)


def checklist_lines(text: str) -> list[str]:
    lines = list(dict.fromkeys(line.strip()[:200] for line in (text or "").splitlines() if line.strip()))
    if len(lines) > MAX_CHECKLIST:
        raise InvalidInput(f"检查项最多{MAX_CHECKLIST}条。", field="checklist")
    return lines or list(DEFAULT_CHECKLIST)


def _seed(text: str) -> int:
    text = (text or "").strip()
    if not text:
        return secrets.randbelow(MAX_SEED) + 1
    if not text.isdigit() or not 0 < int(text) <= MAX_SEED:
        raise InvalidInput(f"随机种子应为1到{MAX_SEED}之间的整数；留空则由系统生成。", field="seed")
    return int(text)


@transaction.atomic
def draw(actor: Actor, round_: Round, mode: str, size: str, seed: str = "", checklist: str = "") -> Draw:
    permissions.require(actor, "random_checks")
    if mode not in {"count", "percent"}:
        raise InvalidInput("请选择按数量或按比例抽取。", field="mode")
    if not str(size).strip().isdigit() or int(size) < 1:
        raise InvalidInput("抽取数量应为正整数。", field="size")
    number = int(size)
    if mode == "percent" and number > 100:
        raise InvalidInput("抽取比例应在1%到100%之间。", field="size")
    ids = population(round_)
    if not ids:
        raise InvalidInput("该轮次还没有已销号的问题，无法抽查。", field="round")
    value = _seed(seed)
    chosen = drawn_ids(value, ids, sample_size(mode, number, len(ids)))
    lines = checklist_lines(checklist)
    found = Draw.objects.create(round=round_, seed=value, mode=mode, size=number, population=ids,
                                checklist=lines, created_by_id=actor.user_id, created_at=clock.now())
    inspections = dict(Finding.objects.filter(pk__in=chosen).values_list("id", "inspection_id"))
    CheckItem.objects.bulk_create([
        CheckItem(draw=found, finding_id=fid, inspection_id=inspections[fid], position=n,
                  checklist=[{"text": line, "ok": None} for line in lines])
        for n, fid in enumerate(chosen, start=1)])
    what = f"{number}%" if mode == "percent" else f"{number}个"
    audit.record(actor, "random_check.draw", round_,
                 f"随机抽查：{round_.name}，从{len(ids)}个已销号问题中抽取{what}，种子{value}"[:300],
                 after={"draw": found.pk, "seed": value, "mode": mode, "size": number, "population": len(ids),
                        "findings": chosen})
    return found


def reproduces(found: Draw, items: list[CheckItem]) -> bool:
    """Does the stored seed and population give the stored findings again?"""
    k = sample_size(found.mode, found.size, len(found.population))
    return drawn_ids(found.seed, found.population, k) == [i.finding_id for i in items]


def _checklist(texts: list[str], ticks: set[int]) -> list[dict]:
    rows = [{"text": t.strip()[:200], "ok": n in ticks} for n, t in enumerate(texts) if t.strip()]
    if len(rows) > MAX_CHECKLIST:
        raise InvalidInput(f"检查项最多{MAX_CHECKLIST}条。", field="checklist")
    return rows


@transaction.atomic
def record(actor: Actor, item: CheckItem, version: int | None, result: str, note: str,
           texts: list[str], ticks: set[int]) -> CheckItem:
    """The re-check's result; 未通过 reopens the signed-off finding (registered move, history row)."""
    permissions.require(actor, "random_checks")
    if result not in {"passed", "failed"}:
        raise InvalidInput("请选择抽查结果：通过或未通过。", field="result")
    note = note.strip()
    if result == "failed" and not note:
        raise InvalidInput("抽查未通过时请写明具体情况。", field="note")
    checklist = _checklist(texts, ticks)
    if result == "passed" and any(not row["ok"] for row in checklist):
        raise InvalidInput("还有检查项未勾选为符合，不能判定为通过。", field="checklist")
    if item.result:
        raise Conflict("该抽查事项已有结果，不能重复登记。")
    finding = Finding.objects.select_for_update().select_related("inspection__unit").get(pk=item.finding_id)
    swap(CheckItem, item.pk, {"version": version, "result": ""}, result=result, note=note, checklist=checklist,
         checked_by_id=actor.user_id, checked_at=clock.now())
    item.refresh_from_db()
    audit.record(actor, "random_check.record", item.finding,
                 f"随机抽查：{'通过' if result == 'passed' else '未通过'}" + (f"（{note[:80]}）" if note else ""),
                 after={"check": item.pk, "draw": item.draw_id, "result": result, "note": note,
                        "checklist": checklist})
    if result == "failed" and finding.status == "closed":
        transitions.apply(actor, finding, "recheck_reopen", note, changes={"reopened": True})
        derived.refresh_finding(finding.pk, actor)
    else:  # counted per unit in the summaries all the same
        derived.refresh_inspection(finding.inspection_id)
    return item
