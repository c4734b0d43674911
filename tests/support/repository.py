"""The repository's tracked files as they are on disk, to tell whether something rewrote one."""
from __future__ import annotations

import hashlib
import subprocess

from services.settings import REPO_ROOT


def tracked_files() -> dict[str, tuple[str, int]]:
    """Each tracked file's content digest and modification time (ns)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    files = {}
    for name in filter(None, names):
        path = REPO_ROOT / name
        if path.is_file():
            files[name] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return files
