"""Flags as a viewer may read them: the other side of a pair is named only to whoever may see it.

A unit never learns another unit's file names or findings from a flag: it reads
"与其他单位的佐证材料相同" instead, unless the viewer may see both inspections.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from xuncha.core.provenance import SOURCES
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.models import Finding
from xuncha.provenance.kinds import FLAG_KIND
from xuncha.provenance.models import Flag

SHOWN = 100  # flags listed on one finding (the rest are counted)


@dataclass(frozen=True)
class FlagView:
    kind: str
    label: str
    colour: str
    text: str
    link: str = ""  # the other finding, when the viewer may open it
    link_text: str = ""
    times: int = 1  # the same sentence for several pairs (one photo in three reports), said once


def _date(day) -> str:
    return f"{day:%Y年%-m月%-d日}"


def _other_side(flag: Flag, finding: Finding):
    """(this file, other file, other finding) as seen from `finding`."""
    if flag.finding_id == finding.pk:
        return flag.evidence, flag.other, flag.other_finding
    return flag.other, flag.evidence, flag.finding


def _pair_text(actor: Actor, flag: Flag, finding: Finding) -> FlagView:
    mine, other, other_finding = _other_side(flag, finding)
    what = "相同" if flag.kind == "same_file" else f"近似（相差 {flag.distance} 位）"
    subject = f"佐证材料“{mine.original_name}”" if mine is not None else "佐证材料"
    kind = FLAG_KIND[flag.kind]
    inspection = other_finding.inspection
    same_unit = inspection.unit_id == finding.inspection.unit_id
    if not permissions.allowed(actor, "view", inspection):
        whose = "本单位其他巡察" if same_unit else "其他单位"
        return FlagView(flag.kind, kind.label, kind.colour, f"{subject}与{whose}的佐证材料{what}。")
    whose = "本单位" if same_unit else f"{inspection.unit.name}"
    if inspection.round_id != finding.inspection.round_id:
        whose += f"（{inspection.round.name}）"
    return FlagView(flag.kind, kind.label, kind.colour,
                    f"{subject}与{whose}问题“{other_finding.title[:40]}”的佐证材料“{other.original_name}”{what}。",
                    reverse("finding", args=[other_finding.pk]), "查看该问题")


def _text(flag: Flag, finding: Finding) -> str:
    feedback = finding.inspection.feedback_date
    if flag.kind == "made_before_feedback":
        source = SOURCES.get(getattr(getattr(flag.evidence, "fingerprint", None), "made_source", ""),
                             "文件创建时间")
        return (f"佐证材料“{flag.evidence.original_name}”的{source}为{_date(flag.on_date)}，"
                f"早于反馈日期{_date(feedback) if feedback else ''}。")
    if flag.kind == "made_after_upload":
        source = SOURCES.get(getattr(getattr(flag.evidence, "fingerprint", None), "made_source", ""),
                             "文件创建时间")
        uploaded = getattr(getattr(flag.evidence, "fingerprint", None), "uploaded_at", None)
        when = f"，晚于上传时间{_date(timezone.localtime(uploaded).date())}" if uploaded else "，晚于上传时间"
        return (f"佐证材料“{flag.evidence.original_name}”的{source}为{_date(flag.on_date)}{when}"
                "：拍摄或制作设备的时间可能不准，材料形成时间请另行核实。")
    if flag.kind == "progress_before_feedback":
        return f"一条整改进展的日期为{_date(flag.on_date)}，早于反馈日期{_date(feedback) if feedback else ''}。"
    return (f"{_date(flag.on_date)}完成时限截止前，本单位集中上传了 {flag.count} 个佐证材料"
            "，请核实是否为临期突击补材料。")


def finding_flags(actor: Actor, finding: Finding) -> list[FlagView]:
    """The flags of a finding the actor may view, in the order of the kinds."""
    if not permissions.allowed(actor, "view", finding.inspection):
        return []
    flags = (Flag.objects.filter(Q(finding=finding) | Q(other_finding=finding))
             .select_related("evidence__fingerprint", "other", "finding__inspection__unit",
                             "finding__inspection__round", "other_finding__inspection__unit",
                             "other_finding__inspection__round")
             .order_by("id")[:SHOWN])
    order = {kind: i for i, kind in enumerate(FLAG_KIND.values())}
    views = []
    for flag in sorted(flags, key=lambda f: (order.get(f.kind, 99), f.pk)):
        if flag.kind in ("same_file", "near_image"):
            views.append(_pair_text(actor, flag, finding))
        else:
            kind = FLAG_KIND[flag.kind]
            views.append(FlagView(flag.kind, kind.label, kind.colour, _text(flag, finding)))
    return _once(views)


def _once(views: list[FlagView]) -> list[FlagView]:
    """Flags that read the same are listed once with how many there are, in their first place."""
    counted: dict[FlagView, int] = {}
    for view in views:
        counted[view] = counted.get(view, 0) + 1
    return [dataclasses.replace(view, times=n) for view, n in counted.items()]
