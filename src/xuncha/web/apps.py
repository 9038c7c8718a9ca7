from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xuncha.web"
    verbose_name = "工作人员网站"

    def ready(self) -> None:
        from django.conf import settings

        from xuncha.core import safezip
        from xuncha.web import proxy  # noqa: F401  (registers its deploy check)

        safezip.configure(max_total_mb=settings.ZIP_MAX_MB)
