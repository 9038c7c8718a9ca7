"""Old Office formats (.doc, .wps, .xls, .et) converted to .docx/.xlsx by LibreOffice.

LibreOffice is optional (it is large): where `soffice` is installed, the file is converted in a
temporary folder with a fresh profile, a timeout and no network; where it is not, the file is
refused with a message saying how to convert it by hand (另存为 .docx / .xlsx).
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

# Old format → what LibreOffice converts it to, and the name people know the program by.
CONVERSIONS: dict[str, tuple[str, str]] = {
    ".doc": ("docx", "Word 97-2003 文档"),
    ".wps": ("docx", "WPS 文字文档"),
    ".xls": ("xlsx", "Excel 97-2003 工作簿"),
    ".et": ("xlsx", "WPS 表格文档"),
}
_PROGRAMS = {"docx": "WPS 或 Word", "xlsx": "WPS 或 Excel"}
TIMEOUT_SECONDS = 60  # a notice converts in a few seconds; a file that hangs LibreOffice is refused


class ConvertRefused(ValueError):
    """The file could not be converted; `message` is for people (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def how_to_convert(suffix: str) -> str:
    target, kind = CONVERSIONS[suffix]
    return (f"服务器未安装 LibreOffice，无法读取{kind}（{suffix}）。请用{_PROGRAMS[target]}打开该文件，"
            f"点击“文件—另存为”，保存为 .{target} 格式后再上传。")


@functools.cache
def _offline_prefix() -> tuple[str, ...]:
    """`unshare -rn` (a network namespace with no network) where the system allows it."""
    if shutil.which("unshare") is None:
        return ()
    try:
        done = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ()
    return ("unshare", "-rn") if done.returncode == 0 else ()


def _environment(folder: Path) -> dict[str, str]:
    # Only what LibreOffice needs; proxies point nowhere, so a linked image is never fetched.
    env = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL", "TZ") if key in os.environ}
    dead = "http://127.0.0.1:9"
    return env | {"HOME": str(folder), "TMPDIR": str(folder), "http_proxy": dead,
                  "https_proxy": dead, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "no_proxy": ""}


def _run(command: list[str], folder: Path, timeout: float) -> None:
    # Its own process group, so that a timeout ends soffice.bin as well as the launcher.
    process = subprocess.Popen(command, cwd=folder, env=_environment(folder),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ConvertRefused(f"LibreOffice 转换超过 {timeout:.0f} 秒未完成，已停止。"
                             "请用 WPS 或 Office 将文件另存为 .docx 或 .xlsx 格式后再上传。") from None


def convert(data: bytes, suffix: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The .docx or .xlsx bytes of an old-format file; ConvertRefused when that cannot be done."""
    suffix = suffix.lower()
    target, kind = CONVERSIONS[suffix]
    program = soffice()
    if program is None:
        raise ConvertRefused(how_to_convert(suffix))
    with tempfile.TemporaryDirectory(prefix="xuncha-convert-") as name:
        folder = Path(name)
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        out = folder / "out"
        command = [*_offline_prefix(), program, "--headless", "--norestore", "--nolockcheck",
                   "--nodefault", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--convert-to", target, "--outdir", str(out), str(source)]
        try:
            _run(command, folder, timeout)
        except OSError:
            raise ConvertRefused(how_to_convert(suffix)) from None
        result = out / f"input.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConvertRefused(f"LibreOffice 无法转换这份{kind}（文件可能已损坏或已加密）。"
                                 f"请用{_PROGRAMS[target]}打开后另存为 .{target} 格式再上传。")
        return result.read_bytes()
