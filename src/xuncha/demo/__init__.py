"""The five real sample notices shipped with xuncha (public government documents, verbatim)."""

from __future__ import annotations

from importlib import resources

from xuncha.core.parse.loaders import decode_text


def sample_notices() -> list[tuple[str, str]]:
    """(file name, text) of every sample notice, in name order."""
    folder = resources.files("xuncha.demo") / "notices"
    return [(entry.name, decode_text(entry.read_bytes()))
            for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".txt")]
