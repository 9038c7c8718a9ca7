from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "xuncha.notify"
    verbose_name = "通知与督办"

    def ready(self) -> None:
        from xuncha.notify import events

        events.connect()
