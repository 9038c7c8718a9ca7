from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "xuncha.analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from xuncha.analytics import summaries
        from xuncha.ledger import derived

        # Kept in the transaction of every change that refreshes an inspection's own counts.
        if summaries.refresh_inspection not in derived.INSPECTION_HOOKS:
            derived.INSPECTION_HOOKS.append(summaries.refresh_inspection)
