"""The data folder is the server account's alone: created 0700, every file in it 0600.

Each process that writes there (server, worker, commands) loads the settings, which call
`secure` first: the umask makes every later file and folder owner-only, whoever creates it
(SQLite, the storage API, backups, the secret key).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077
# Files of the embedded database that earlier versions may have left readable by everyone.
DATABASE_FILES = ("xuncha.sqlite3", "xuncha.sqlite3-wal", "xuncha.sqlite3-shm", "secret_key")


def secure(folder: Path) -> None:
    """Set the owner-only umask, create the folder 0700, and close up a database left open."""
    os.umask(UMASK)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    _tighten(folder, FOLDER_MODE)
    for name in DATABASE_FILES:
        _tighten(folder / name, FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    """Remove group and other rights from a path this account owns (others are left alone)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(stat.S_IMODE(info.st_mode) & mode)
