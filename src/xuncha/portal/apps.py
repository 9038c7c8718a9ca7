from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xuncha.portal"
    label = "portal"
    verbose_name = "群众监督"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from xuncha.analytics import providers
        from xuncha.ledger import worklists
        from xuncha.portal import analytics, moves  # moves: the comments' transition table
        from xuncha.portal.selectors import to_answer

        # 群众意见, 平均回复天数 and 满意度 on 统计分析.
        providers.register("comments", analytics.comments)
        providers.register("reply_days", analytics.reply_days)
        providers.register("satisfaction", analytics.satisfaction)
        del moves  # imported for its registration with ledger.transitions
        # The unit's 工作台 lists the comments it is to answer.
        worklists.register("comments-to-answer", "待答复的群众意见", to_answer, "comment",
                           ["unit_editor", "unit_leader"])
