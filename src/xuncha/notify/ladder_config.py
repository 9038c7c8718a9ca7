"""The ladder in force: the office's LadderConfig row over the defaults of settings.NOTIFY_LADDER."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from xuncha.notify.choices import AUDIENCE, KIND


@dataclass(frozen=True)
class Ladder:
    reminder_days: tuple[int, ...]  # ascending, e.g. (0, 10, 20)
    interview_days: int
    reply_days: int
    issuer: str
    audiences: dict[str, tuple[str, ...]]

    def audience(self, kind: str) -> tuple[str, ...]:
        return self.audiences.get(kind, ())


def parse_days(raw: str) -> tuple[int, ...]:
    """"20,10,0" → (0, 10, 20); ValueError on anything else."""
    days = {int(part) for part in raw.replace("，", ",").split(",") if part.strip()}
    if not days or min(days) < 0 or max(days) > 365:
        raise ValueError(raw)
    return tuple(sorted(days))


def defaults() -> Ladder:
    base = settings.NOTIFY_LADDER
    return Ladder(reminder_days=tuple(sorted(base["reminder_days"])),
                  interview_days=base["interview_days"], reply_days=base["reply_days"],
                  issuer=base["issuer"], audiences=clean_audiences(base["audiences"]))


def clean_audiences(raw: dict) -> dict[str, tuple[str, ...]]:
    """Only known kinds and audiences, in the tables' order."""
    return {kind.value: tuple(a.value for a in AUDIENCE if a.value in (raw.get(kind.value) or ()))
            for kind in KIND}


def current() -> Ladder:
    from xuncha.notify.models import LadderConfig

    row = LadderConfig.objects.filter(pk=1).first()
    if row is None:
        return defaults()
    base = defaults()
    return Ladder(reminder_days=parse_days(row.reminder_days), interview_days=row.interview_days,
                  reply_days=row.reply_days, issuer=row.issuer or base.issuer,
                  audiences={**base.audiences, **{k: v for k, v in clean_audiences(row.audiences).items()
                                                  if k in row.audiences}})
