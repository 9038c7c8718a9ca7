from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "xuncha.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from xuncha.jobs import registry

        registry.discover()
