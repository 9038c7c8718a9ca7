"""Loads a session's user together with its Staff row, unit and team: one query, not two."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """ModelBackend whose get_user, run on every request, joins the row services.actor reads."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("staff__unit", "staff__team")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
