from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xuncha.portal"
    label = "portal"
    verbose_name = "群众监督"
    default_auto_field = "django.db.models.BigAutoField"
