from django.apps import AppConfig


class ProvenanceConfig(AppConfig):
    name = "xuncha.provenance"
    verbose_name = "佐证材料核验"

    def ready(self) -> None:
        from xuncha.analytics import drill, providers, report
        from xuncha.ledger.services import measures
        from xuncha.provenance import analytics, services

        # Flags are raised in the transaction of the progress report that brings the files.
        if services.on_report not in measures.REPORT_HOOKS:
            measures.REPORT_HOOKS.append(services.on_report)
        providers.register("provenance", analytics.provider)
        drill.EXTRA_FILTERS["flag"] = analytics.DRILL
        if analytics.chart not in report.EXTRA_CHARTS:
            report.EXTRA_CHARTS.append(analytics.chart)
