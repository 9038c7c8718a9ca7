from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "xuncha.ledger"
    verbose_name = "整改台账"
