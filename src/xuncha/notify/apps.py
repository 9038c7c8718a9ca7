from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "xuncha.notify"
    verbose_name = "通知与督办"

    def ready(self) -> None:
        from django.urls import reverse

        from xuncha.analytics import providers
        from xuncha.ledger import permissions, selectors, worklists
        from xuncha.notify import analytics, events, moves, timeline  # moves: the 督办's transition table
        from xuncha.notify import selectors as notify_selectors

        providers.register("supervision", analytics.supervisions)  # 督办 on 统计分析

        # The 工作台 of whoever decides 督办 answers (the permission table) lists those waiting.
        worklists.register("supervision-answers", "待审核的督办报结", notify_selectors.answers_to_review,
                           "supervision", sorted(role for role in permissions.ACTIONS["decide_supervision"]
                                                 if role in worklists.ROLE_TASKS),
                           url=lambda: f"{reverse('supervisions')}?status=answered")
        events.connect()
        del moves  # imported for its registration with ledger.transitions
        if timeline.supervision_records not in selectors.TIMELINE_SOURCES:
            selectors.TIMELINE_SOURCES.append(timeline.supervision_records)
