from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xuncha.web"
    verbose_name = "工作人员网站"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in

        from xuncha.core import safezip
        from xuncha.web import (
            login_events,  # noqa: F401 (connects the login audit receivers)
            proxy,  # noqa: F401  (registers its deploy check)
        )
        from xuncha.web.middleware import start_session_clock

        safezip.configure(max_total_mb=settings.ZIP_MAX_MB)
        user_logged_in.connect(start_session_clock, dispatch_uid="xuncha-session-clock")
