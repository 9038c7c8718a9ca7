from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "xuncha.notify"
    verbose_name = "通知与督办"

    def ready(self) -> None:
        from xuncha.ledger import selectors
        from xuncha.notify import events, timeline

        events.connect()
        if timeline.supervision_records not in selectors.TIMELINE_SOURCES:
            selectors.TIMELINE_SOURCES.append(timeline.supervision_records)
