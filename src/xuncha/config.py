"""Configuration from XUNCHA_* environment variables, declared once in a table.

Every setting has a parser that raises on a bad value, a safe default and help text.
`xuncha check` prints the effective values; docs/configuration.md lists them all
(a test fails if one is missing there).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREFIX = "XUNCHA_"


class ConfigError(ValueError):
    """A setting has a value that cannot be used."""


def parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"expected a boolean (true/false), got {raw!r}")


def parse_positive_int(raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"expected a whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"expected a number above zero, got {raw!r}")
    return value


def parse_whole_number(raw: str) -> int:
    """Zero or more (0 usually means "off")."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"expected a whole number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"expected zero or more, got {raw!r}")
    return value


def parse_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def parse_lint_overrides(raw: str) -> dict[str, str]:
    """"wording=off,vague-measure=error" → {"wording": "off", "vague-measure": "error"}."""
    overrides = {}
    for part in parse_list(raw):
        slug, sep, severity = part.partition("=")
        if not sep or severity.strip() not in {"error", "warning", "info", "off"}:
            raise ConfigError(f"expected rule=error|warning|info|off, got {part!r}")
        overrides[slug.strip()] = severity.strip()
    return overrides


def parse_queue(raw: str) -> str:
    """Empty (the database is the queue) or a redis:// URL."""
    value = raw.strip()
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"expected empty (the database) or a redis:// URL, got {raw!r}")
    return value


def parse_storage(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"local", "s3"}:
        raise ConfigError(f"expected local or s3, got {raw!r}")
    return value


CACHE_KINDS = ("db", "locmem", "none")


def parse_cache_url(raw: str) -> str:
    """"" or db (a table in the database), locmem, none, redis://host:6379/0 or rediss://…."""
    value = raw.strip() or "db"
    if value in CACHE_KINDS or value.startswith(("redis://", "rediss://", "unix://")):
        return value
    raise ConfigError(f"expected db, locmem, none or a redis:// URL, got {raw!r}")


def parse_networks(raw: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """"10.0.0.5,192.168.0.0/24,::1" → networks; a single address is a network of one."""
    networks = []
    for part in parse_list(raw):
        try:
            networks.append(ipaddress.ip_network(part))
        except ValueError as exc:
            raise ConfigError(
                f"expected IP addresses or networks (CIDR), got {part!r}: {exc}") from None
    return networks


TWO_FACTOR_POLICIES = ("off", "office", "all")


def parse_two_factor(raw: str) -> str:
    """off (nobody), office (the office, the teams and the three administrators) or all."""
    value = raw.strip().lower()
    if value not in TWO_FACTOR_POLICIES:
        raise ConfigError(f"expected off, office or all, got {raw!r}")
    return value


def parse_path(raw: str) -> Path:
    if not raw.strip():
        raise ConfigError("expected a folder path, got an empty value")
    return Path(raw.strip()).expanduser().resolve()


def parse_email_backend(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"smtp", "console", "none"}:
        raise ConfigError(f"expected smtp, console or none, got {raw!r}")
    return value


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    parse: Callable[[str], Any]
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("XUNCHA_DATA_DIR", "./var", parse_path,
            "Data folder: the SQLite database, evidence files, rendered notices, the secret key."),
    Setting("XUNCHA_DEBUG", "false", parse_bool, "Django debug mode. Never on in production."),
    Setting("XUNCHA_SECRET_KEY", "", str,
            "Signing key. Empty: a random key is generated once and kept in the data folder.", secret=True),
    Setting("XUNCHA_ALLOWED_HOSTS", "127.0.0.1,localhost", parse_list,
            "Host names the server answers to, comma separated."),
    Setting("XUNCHA_CSRF_TRUSTED_ORIGINS", "", parse_list,
            "Extra origins trusted for CSRF when behind a proxy, e.g. https://xuncha.example.gov.cn."),
    Setting("XUNCHA_SESSION_IDLE_MINUTES", "30", parse_positive_int,
            "A staff session ends after this many idle minutes."),
    # -- logging in and passwords (docs/security.md, "身份鉴别") --
    Setting("XUNCHA_SESSION_MAX_HOURS", "8", parse_positive_int,
            "A staff session ends this many hours after login, however active."),
    Setting("XUNCHA_LOCKOUT_FAILURES", "5", parse_positive_int,
            "Failed logins of one account from one address before it is locked there."),
    Setting("XUNCHA_LOCKOUT_MINUTES", "15", parse_positive_int,
            "How long a locked account stays locked for that address, in minutes."),
    Setting("XUNCHA_THROTTLE_FAILURES", "20", parse_positive_int,
            "Failed logins from one address, any accounts, before the address is refused."),
    Setting("XUNCHA_PASSWORD_MIN_LENGTH", "10", parse_positive_int,
            "Shortest password accepted, in characters."),
    Setting("XUNCHA_PASSWORD_MAX_DAYS", "0", parse_whole_number,
            "A password older than this many days must be changed after login; 0: never."),
    Setting("XUNCHA_2FA", "office", parse_two_factor,
            "Who must give a TOTP second factor after the password: off, office (the office, the "
            "inspection teams and the three administrators) or all. The demo runs with off."),
    Setting("XUNCHA_EVIDENCE_MAX_MB", "20", parse_positive_int, "Largest evidence file accepted, in MB."),
    Setting("XUNCHA_REUSE_MAX_MB", "20", parse_positive_int,
            "Largest single document (or zip member) accepted by a 雷同 batch check, in MB."),
    Setting("XUNCHA_ZIP_MAX_MB", "200", parse_positive_int,
            "Most a .docx or .xlsx may unpack to, in MB; more (a zip bomb) is refused unread."),
    Setting("XUNCHA_PROVENANCE_NEAR_BITS", "6", parse_whole_number,
            "Two evidence images whose 64-bit perceptual hashes differ in at most this many bits "
            "are flagged as near-same (0: identical pictures only)."),
    Setting("XUNCHA_PROVENANCE_BURST_FILES", "10", parse_positive_int,
            "A unit uploading at least this many evidence files within the last "
            "XUNCHA_PROVENANCE_BURST_MINUTES before one of its deadlines is flagged."),
    Setting("XUNCHA_PROVENANCE_BURST_MINUTES", "60", parse_positive_int,
            "The window before a deadline's end in which a burst of uploads is counted."),
    Setting("XUNCHA_WARNING_DAYS", "10", parse_positive_int,
            "A measure due within this many days is shown yellow (red once past its deadline)."),
    # -- 销号 policy (docs/configuration.md, "销号") --
    Setting("XUNCHA_CLOSEOUT_ENDORSEMENT", "true", parse_bool,
            "The unit leader endorses a sign-off request (单位负责人审核) before the office decides."),
    Setting("XUNCHA_CLOSEOUT_SEPARATE_APPROVER", "true", parse_bool,
            "Whoever requests a sign-off or a 延期 may not endorse or approve it."),
    Setting("XUNCHA_CLOSEOUT_EVIDENCE", "true", parse_bool,
            "Every finished measure needs an evidence file or a written account before sign-off."),
    Setting("XUNCHA_CLOSEOUT_ACCOUNT_MIN_CHARS", "15", parse_positive_int,
            "Shortest progress report that counts as a written account, in characters."),
    Setting("XUNCHA_CLOSEOUT_REQUIRE_ANALYSIS", "false", parse_bool,
            "A sign-off request must state the root cause (问题根源) and 举一反三."),
    Setting("XUNCHA_RECTIFICATION_MONTHS", "2", parse_positive_int,
            "Default length of the 集中整改期 after the feedback date; a round can set its own."),
    Setting("XUNCHA_PAGE_SIZE", "50", parse_positive_int, "Rows per page in staff lists."),
    Setting("XUNCHA_LOG_LEVEL", "INFO", str.upper, "Log level of the xuncha loggers."),
    Setting("XUNCHA_CACHE_URL", "db", parse_cache_url,
            "Cache of derived page parts (体检 results): db (a table in the database, shared by every"
            " process), redis://host:6379/0, locmem (one process) or none (off)."),
    Setting("XUNCHA_LINT", "", parse_lint_overrides,
            "体检 rules switched off or re-graded, e.g. wording=off,vague-measure=error (staff site and xuncha lint)."),
    # -- background jobs (xuncha.jobs) and the bounds of 雷同 batch checks --
    Setting("XUNCHA_QUEUE", "", parse_queue,
            "Job queue broker: empty for the database itself (SQLite or PostgreSQL), "
            "or a redis:// URL."),
    Setting("XUNCHA_WORKERS", "1", parse_positive_int, "Worker processes per `xuncha worker`."),
    Setting("XUNCHA_JOB_TIMEOUT_SECONDS", "600", parse_positive_int,
            "Longest run of one job; a job silent longer is taken to be dead and run again."),
    Setting("XUNCHA_JOB_RETRY_SECONDS", "30", parse_positive_int,
            "Delay before a failed job's first retry; it doubles with each attempt "
            "(capped at an hour)."),
    Setting("XUNCHA_JOB_KEEP_DAYS", "90", parse_positive_int,
            "Finished jobs (done, failed, cancelled) are removed this many days after they ended."),
    Setting("XUNCHA_JOB_MODULES", "", parse_list,
            "Extra modules whose @job tasks are registered, comma separated (plug-ins, tests)."),
    Setting("XUNCHA_REUSE_CHECK_DAYS", "90", parse_positive_int,
            "雷同 batch checks older than this many days are removed (rows and files) "
            "by the daily run."),
    Setting("XUNCHA_REUSE_BATCH_MAX_MB", "200", parse_positive_int,
            "Largest total size of one 雷同 batch check (all files, zips unpacked), in MB."),
    Setting("XUNCHA_REUSE_BATCH_MAX_FILES", "5000", parse_positive_int,
            "Most documents in one 雷同 batch check."),
    Setting("XUNCHA_REUSE_DAILY_CHECKS", "50", parse_positive_int,
            "Most 雷同 batch checks one person may submit per day."),
    # Stored files (evidence, published notices, staged imports) and upload limits.
    Setting("XUNCHA_IMPORT_MAX_MB", "20", parse_positive_int,
            "Largest notice or ledger file accepted for import, in MB."),
    Setting("XUNCHA_IMPORT_BACKGROUND_ROWS", "1000", parse_positive_int,
            "An import of at least this many measures runs as a background job."),
    Setting("XUNCHA_EXPORT_BACKGROUND_MEASURES", "2000", parse_positive_int,
            "A round export (导出台账) of at least this many measures is built by a background job."),
    Setting("XUNCHA_EXPORT_KEEP_DAYS", "7", parse_positive_int,
            "Round workbooks built by a job are deleted after this many days."),
    Setting("XUNCHA_IMPORT_STAGING_HOURS", "24", parse_positive_int,
            "An uploaded import not confirmed or cancelled within this many hours is deleted."),
    Setting("XUNCHA_STORAGE", "local", parse_storage,
            "Where files are kept: local (folders in the data folder) or s3 (object storage)."),
    Setting("XUNCHA_S3_BUCKET", "", str, "S3 bucket for the files (XUNCHA_STORAGE=s3)."),
    Setting("XUNCHA_S3_ENDPOINT_URL", "", str,
            "S3 endpoint URL, e.g. https://minio.example.gov.cn; empty: the AWS default."),
    Setting("XUNCHA_S3_REGION", "", str, "S3 region name; empty: the client default."),
    Setting("XUNCHA_S3_ACCESS_KEY", "", str, "S3 access key id; empty: the usual boto3 sources."),
    Setting("XUNCHA_S3_SECRET_KEY", "", str, "S3 secret access key.", secret=True),
    # HTTPS deployments: HSTS, redirect, Secure cookies, and the reverse proxy in front.
    Setting("XUNCHA_HTTPS", "false", parse_bool,
            "Served over HTTPS: HSTS for a year (subdomains too), HTTP redirected to HTTPS, "
            "Secure session and CSRF cookies."),
    Setting("XUNCHA_HSTS_PRELOAD", "false", parse_bool,
            "Adds preload to the HSTS header (with XUNCHA_HTTPS); only for a domain submitted to "
            "the browsers' preload list."),
    Setting("XUNCHA_TRUSTED_PROXIES", "", parse_networks,
            "Reverse proxies (addresses or CIDR networks, comma separated) whose X-Forwarded-For "
            "and X-Forwarded-Proto are believed; from any other peer those headers are ignored."),
    Setting("XUNCHA_AUDIT_ARCHIVE_DELETE", "false", parse_bool,
            "Lets `xuncha audit archive` remove the records it wrote to the archive file (only "
            "records older than 180 days); off: they are copied and kept."),
    # E-mail of notifications (xuncha.notify): sent by the worker through Django's mail settings.
    Setting("XUNCHA_EMAIL_BACKEND", "smtp", parse_email_backend,
            "How notification e-mail leaves: smtp, console (printed; the demo) or none."),
    Setting("XUNCHA_EMAIL_HOST", "localhost", str, "SMTP server for notification e-mail."),
    Setting("XUNCHA_EMAIL_PORT", "25", parse_positive_int, "SMTP port."),
    Setting("XUNCHA_EMAIL_USER", "", str, "SMTP user name; empty: no login."),
    Setting("XUNCHA_EMAIL_PASSWORD", "", str, "SMTP password.", secret=True),
    Setting("XUNCHA_EMAIL_TLS", "false", parse_bool, "Use STARTTLS with the SMTP server."),
    Setting("XUNCHA_EMAIL_FROM", "xuncha@localhost", str, "Sender address of notification e-mail."),
    Setting("XUNCHA_SITE_URL", "http://127.0.0.1:8000", str,
            "The staff site's address as people reach it, for the links in e-mails."),
    # The public portal (/public/, xuncha.portal).
    Setting("XUNCHA_PORTAL_HOST", "", str,
            "Host name of the public portal, e.g. gk.example.gov.cn; requests for it see only /public/. "
            "Empty: the portal is served on every host at /public/."),
    Setting("XUNCHA_PORTAL_REPLY_DAYS", "15", parse_positive_int,
            "Working days a unit has to reply to a public comment (weekends and the office's holidays skipped)."),
    Setting("XUNCHA_PORTAL_COMMENT_LIMIT", "5", parse_positive_int,
            "Public comments accepted from one address per hour."),
    Setting("XUNCHA_PORTAL_LOOKUP_LIMIT", "30", parse_positive_int,
            "查询码 look-ups (and ratings) from one address per hour; one code may be tried a third as often."),
    Setting("XUNCHA_PORTAL_CACHE_SECONDS", "60", parse_positive_int,
            "How long browsers and proxies may keep a public portal page (Cache-Control max-age)."),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def load(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Parse every setting; raise ConfigError naming the variable on a bad value."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.name, setting.default)
        try:
            values[setting.name] = setting.parse(raw)
        except ConfigError as exc:
            raise ConfigError(f"{setting.name}: {exc}") from None
    return values


def unknown_names(environ: Mapping[str, str] | None = None) -> list[str]:
    """XUNCHA_* variables that no setting declares (usually a typo)."""
    environ = os.environ if environ is None else environ
    return sorted(n for n in environ if n.startswith(PREFIX) and n not in BY_NAME)


def describe(values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(name, shown value, help) rows for `xuncha check`; secrets are masked."""
    rows = []
    for setting in SETTINGS:
        value = values[setting.name]
        if setting.secret:
            unset = ("(generated, kept in the data folder)" if setting.name == "XUNCHA_SECRET_KEY"
                     else "(unset)")
            shown = "(set)" if value else unset
        elif isinstance(value, list):
            shown = ",".join(map(str, value))
        elif isinstance(value, dict):
            shown = ",".join(f"{k}={v}" for k, v in value.items())
        else:
            shown = str(value)
        rows.append((setting.name, shown, setting.help))
    return rows
