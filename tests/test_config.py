"""Settings: strict parsing, unknown names, and documentation of every setting."""

import os
from pathlib import Path

import pytest

from xuncha import config

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_it_uses_safe_defaults():
    values = config.load({})
    assert values["XUNCHA_DATA_DIR"] == Path("./var").resolve()
    assert values["XUNCHA_DEBUG"] is False
    assert values["XUNCHA_EVIDENCE_MAX_MB"] == 20 and values["XUNCHA_WARNING_DAYS"] == 10
    assert values["XUNCHA_SESSION_IDLE_MINUTES"] == 30


@pytest.mark.parametrize(("name", "raw"), [("XUNCHA_DEBUG", "maybe"), ("XUNCHA_EVIDENCE_MAX_MB", "20MB"),
                                           ("XUNCHA_WARNING_DAYS", "0")])
def test_it_refuses_a_bad_value_naming_the_variable(name, raw):
    with pytest.raises(config.ConfigError, match=name):
        config.load({name: raw})


def test_it_lists_unknown_xuncha_variables():
    assert config.unknown_names({"XUNCHA_DEBGU": "1", "XUNCHA_DEBUG": "1", "PATH": "/bin"}) == ["XUNCHA_DEBGU"]


def test_it_masks_secrets_when_describing():
    rows = dict((name, shown) for name, shown, _ in config.describe(config.load({"XUNCHA_SECRET_KEY": "s3cr3t"})))
    assert rows["XUNCHA_SECRET_KEY"] == "(set)"


def test_every_setting_is_documented():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = [s.name for s in config.SETTINGS if f"`{s.name}`" not in text]
    assert not missing, f"undocumented settings: {missing}"


def test_every_cli_command_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = ["serve", "demo", "createuser", "check", "parse", "render", "import", "lint",
                "reuse", "reindex", "worker", "daily"]
    for command in commands:
        assert f"xuncha {command}" in text, command


def test_the_cache_is_a_database_table_unless_redis_or_none_is_asked_for():
    assert config.load({})["XUNCHA_CACHE_URL"] == "db"
    assert config.load({"XUNCHA_CACHE_URL": ""})["XUNCHA_CACHE_URL"] == "db"
    for raw in ("none", "locmem", "redis://127.0.0.1:6379/0", "rediss://cache.example:6380/1"):
        assert config.load({"XUNCHA_CACHE_URL": raw})["XUNCHA_CACHE_URL"] == raw
    with pytest.raises(config.ConfigError, match="XUNCHA_CACHE_URL"):
        config.load({"XUNCHA_CACHE_URL": "memcached://127.0.0.1:11211"})


def test_the_default_cache_is_shared_by_every_process_of_the_database(settings):
    if os.environ.get("XUNCHA_CACHE_URL", "db") not in {"", "db"}:
        pytest.skip("the suite runs with another cache")
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_trusted_proxies_are_addresses_or_networks():
    raw = "127.0.0.1, 10.8.0.0/24,::1"
    proxies = config.load({"XUNCHA_TRUSTED_PROXIES": raw})["XUNCHA_TRUSTED_PROXIES"]
    assert [str(network) for network in proxies] == ["127.0.0.1/32", "10.8.0.0/24", "::1/128"]
    assert config.load({})["XUNCHA_TRUSTED_PROXIES"] == []
    for raw in ("proxy.example", "10.8.0.1/24", "10.0.0.0/33"):
        with pytest.raises(config.ConfigError, match="XUNCHA_TRUSTED_PROXIES"):
            config.load({"XUNCHA_TRUSTED_PROXIES": raw})


def test_https_is_off_by_default_for_the_laptop_demo():
    values = config.load({})
    assert values["XUNCHA_HTTPS"] is False and values["XUNCHA_HSTS_PRELOAD"] is False
