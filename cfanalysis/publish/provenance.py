"""Where a published number came from: the package version and the code's commit."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

__all__ = ["git_commit", "package_version"]

PACKAGE_DIR = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def package_version() -> str:
    try:
        return metadata.version("cfanalysis")
    except metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def git_commit() -> str:
    """Short commit of the code that made the report, with '+changes' when the tree is dirty.

    Asked once per process: every report and summary of a run carries the same answer.
    """
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=PACKAGE_DIR,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=PACKAGE_DIR, capture_output=True, text=True, check=True).stdout.strip()
        return commit + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
