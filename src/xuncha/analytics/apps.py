from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "xuncha.analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from xuncha.analytics import providers, summaries
        from xuncha.ledger import derived

        providers.register("extensions", providers.extensions)  # 延期 granted, from the ledger

        # Every change that refreshes an inspection's own counts marks it in its transaction;
        # the rows are rewritten by a queued job (docs/analytics.md, Maintained summaries).
        if summaries.mark_changed not in derived.INSPECTION_HOOKS:
            derived.INSPECTION_HOOKS.append(summaries.mark_changed)
