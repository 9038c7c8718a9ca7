from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "xuncha.notify"
    verbose_name = "通知与督办"

    def ready(self) -> None:
        from xuncha.analytics import providers
        from xuncha.ledger import selectors
        from xuncha.notify import analytics, events, moves, timeline  # moves: the 督办's transition table

        providers.register("supervision", analytics.supervisions)  # 督办 on 统计分析

        events.connect()
        del moves  # imported for its registration with ledger.transitions
        if timeline.supervision_records not in selectors.TIMELINE_SOURCES:
            selectors.TIMELINE_SOURCES.append(timeline.supervision_records)
