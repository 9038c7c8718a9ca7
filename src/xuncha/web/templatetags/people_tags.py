"""People by their names (Staff.display_name), never their login names, without a query."""

from __future__ import annotations

from django import template
from django.contrib.auth import get_user_model

register = template.Library()


@register.filter
def person(user) -> str:
    """The staff row's name when it came with the user; else the account's full name, which
    accounts.create_staff sets to the same name; the login name only for an unnamed account."""
    if user is None:
        return "系统"
    staff = getattr(user, "staff", None) if get_user_model().staff.is_cached(user) else None
    if staff is not None and staff.display_name:
        return staff.display_name
    return user.get_full_name() or user.get_username()
