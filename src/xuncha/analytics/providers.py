"""Counts that other features own, plugged into 统计分析 through one registry.

A provider is a function of (inspection ids) returning {inspection id: value}; the page sums the
values per unit and round. The ids come as a query (used as a subquery: a province's 10,000 ids
written out as parameters cost more to plan than the count itself) or as a list. A source that
is not installed has no provider and shows 未启用.
Where each plugs in (one `register` call in that feature's AppConfig.ready):

    extensions   延期 requests granted   the workflow feature (extension requests)
    supervision  督办 items               the notify feature (督办)
    comments     public comments          the portal (comments)
    reply_days   mean days to reply       the portal (replies)
    satisfaction 满意度 (满意及基本满意占比, %) the portal (ratings: (满意 + 基本满意) / rated)
    provenance   佐证材料核验提示          the provenance feature (flags on findings)
    failed_checks 抽查未通过              the evaluation feature (随机抽查)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

Provider = Callable[[Iterable[int]], dict[int, float]]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    owner: str  # the feature that registers it, shown while it is absent
    average: bool = False  # a mean (reply days, satisfaction) rather than a count
    suffix: str = ""  # written after the value: "%" for a share


SOURCES: tuple[Source, ...] = (
    Source("extensions", "延期", "延期审批"),
    Source("supervision", "督办", "督办"),
    Source("comments", "群众意见", "群众监督"),
    Source("reply_days", "平均回复天数", "群众监督", average=True),
    Source("satisfaction", "满意度（满意及基本满意占比）", "群众监督", average=True, suffix="%"),
    Source("provenance", "佐证材料核验提示", "佐证材料核验"),
    Source("failed_checks", "抽查未通过", "随机抽查"),
)
PROVIDERS: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    if key not in {s.key for s in SOURCES}:
        raise KeyError(f"unknown analytics source {key!r}")
    PROVIDERS[key] = provider


@dataclass
class Figure:
    source: Source
    enabled: bool
    value: float | None = None

    @property
    def shown(self) -> str:
        if not self.enabled:
            return "未启用"
        if self.value is None:
            return "—"
        shown = f"{self.value:.1f}" if self.source.average else str(int(self.value))
        return shown + self.source.suffix


def figures(inspection_ids: Iterable[int]) -> list[Figure]:
    """Each source's total (or mean) over the inspections (a query of their ids or a list), or
    未启用 without a provider."""
    ids = inspection_ids
    out = []
    for source in SOURCES:
        provider = PROVIDERS.get(source.key)
        if provider is None:
            out.append(Figure(source, enabled=False))
            continue
        values = list(provider(ids).values())
        if not values:
            out.append(Figure(source, enabled=True))
        elif source.average:
            out.append(Figure(source, True, sum(values) / len(values)))
        else:
            out.append(Figure(source, True, sum(values)))
    return out


def extensions(inspection_ids: Iterable[int]) -> dict[int, float]:
    """延期 requests the office granted, per inspection."""
    from django.db.models import Count

    from xuncha.ledger.models import ExtensionRequest

    rows = (ExtensionRequest.objects.filter(measure__finding__inspection_id__in=inspection_ids, state="approved")
            .values("measure__finding__inspection_id").annotate(n=Count("id")).order_by()
            .values_list("measure__finding__inspection_id", "n"))
    return {iid: float(n) for iid, n in rows}
