"""The storage aliases built from the settings: local folders or one S3 bucket, a place per kind."""

from pathlib import Path

import pytest

from xuncha import config, filestores


def test_files_are_kept_locally_by_default_in_a_folder_per_kind(tmp_path):
    assert config.load({})["XUNCHA_STORAGE"] == "local"
    aliases = filestores.local(tmp_path)
    assert {a["OPTIONS"]["location"] for a in aliases.values()} == {
        str(Path(tmp_path) / kind)
        for kind in ("evidence", "notices", "imports", "reuse-checks", "thumbnails", "exports", "letters")}
    assert all(a["OPTIONS"]["file_permissions_mode"] == 0o600 for a in aliases.values())


def test_s3_keeps_every_kind_in_one_private_bucket_under_its_own_prefix():
    aliases = filestores.s3("xuncha", "http://127.0.0.1:9000", "cn-north-1", "key", "secret")
    options = aliases[filestores.alias("evidence")]["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("xuncha", "evidence")
    assert options["default_acl"] is None and options["region_name"] == "cn-north-1"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    prefixes = {a["OPTIONS"]["location"] for a in aliases.values()}
    assert prefixes == {"evidence", "notices", "imports", "reuse-checks", "thumbnails", "exports", "letters"}
    assert "endpoint_url" not in filestores.s3("xuncha")[filestores.alias("notices")]["OPTIONS"]


def test_an_unknown_storage_is_refused_naming_the_variable():
    with pytest.raises(config.ConfigError, match="XUNCHA_STORAGE"):
        config.load({"XUNCHA_STORAGE": "ftp"})


def shown(environ: dict) -> dict:
    return {name: value for name, value, _ in config.describe(config.load(environ))}


def test_the_s3_secret_is_masked_when_describing():
    assert shown({"XUNCHA_S3_SECRET_KEY": "k"})["XUNCHA_S3_SECRET_KEY"] == "(set)"
    assert shown({})["XUNCHA_S3_SECRET_KEY"] == "(unset)"
