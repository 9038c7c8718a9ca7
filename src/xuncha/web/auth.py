"""Loads a session's user together with its Staff row, unit and team: one query, not two."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """ModelBackend whose get_user, run on every request, joins the row services.actor reads."""

    def get_user(self, user_id):
        model = get_user_model()
        users = model._default_manager.select_related("staff__unit", "staff__team")
        try:
            user = users.get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
