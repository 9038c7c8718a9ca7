from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "xuncha.exchange"
    label = "exchange"
    verbose_name = "离线交换"
