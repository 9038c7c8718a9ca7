"""Who is acting, and from where: passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.auth import get_user_model

from xuncha.ledger.models import Staff, Team, Unit

ANONYMOUS = "未登录用户"
COMMENTER = "留言群众"  # the public posting or rating a comment on the portal


@dataclass(frozen=True)
class Actor:
    user: object | None  # a User; None only for the system itself (migrations, demo loading)
    role: str
    unit: Unit | None = None
    team: Team | None = None
    ip: str | None = None
    display_name: str = ""

    @property
    def name(self) -> str:
        if self.role == "anonymous":
            return self.display_name or ANONYMOUS
        if self.user is None or self.role == "system":
            return "系统"
        return self.display_name or self.user.get_username()

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


def actor_for(user, ip: str | None = None) -> Actor:
    """The Actor for a logged-in user; an account without a Staff row may do nothing (a Django
    superuser included: no role comes from that flag)."""
    if user is None or not user.is_authenticated:
        return Actor(user=None, role="anonymous", ip=ip)
    if get_user_model().staff.is_cached(user):  # loaded with the user (web.auth.StaffBackend)
        staff = getattr(user, "staff", None)
    else:
        staff = Staff.objects.select_related("unit", "team").filter(user=user).first()
    if staff is None:
        return Actor(user=user, role="none", ip=ip)
    return Actor(user=user, role=staff.role, unit=staff.unit, team=staff.team, ip=ip,
                 display_name=staff.display_name)


def as_commenter(actor: Actor) -> Actor:
    """The portal's anonymous visitor acting on a comment is named 留言群众 in the records."""
    return replace(actor, display_name=COMMENTER) if actor.role == "anonymous" else actor


def shown_actor(name: str, object_type: str) -> str:
    """The name to show for a record's actor: rows written before 留言群众 was stored say 未登录用户."""
    return COMMENTER if name == ANONYMOUS and object_type == "publiccomment" else name


def system_actor() -> Actor:
    """The system itself (demo loading, imports from the command line): allowed everything."""
    return Actor(user=system_user(), role="system")


def system_user():
    """A real account to author rows written by the system (demo data, imports from the CLI)."""
    user, _ = get_user_model().objects.get_or_create(
        username="system", defaults={"is_active": False, "first_name": "系统"})
    return user
