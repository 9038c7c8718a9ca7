from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "xuncha.evaluation"
    verbose_name = "整改成效评估"

    def ready(self) -> None:
        from xuncha.analytics import providers
        from xuncha.evaluation import selectors

        # 随机抽查 results show on 统计分析 beside 延期 and 督办.
        providers.register("failed_checks", selectors.failed_checks_by_inspection)
