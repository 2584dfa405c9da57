"""Read once, hand on: a loaded :class:`~cfanalysis.data.loader.Dataset` passed to a run's notebooks.

A report run loads and validates the data once, in the runner, and writes the loaded Dataset to
a private temporary folder (:func:`write_snapshot`). It starts each notebook's kernel with the
snapshot's path in the environment variable :data:`SNAPSHOT_ENV`, so the notebooks' own
``cf.load_data(data_dir, as_of=as_of)`` returns the runner's Dataset instead of reading the files
again (:func:`handed_on`). The notebooks' code does not change, and the Dataset is the same
object the runner checked: same frames, same load report, same SHA-256 checksums in provenance.

The snapshot is used only when it answers the same question: the same data folder, the same
``as_of`` and team aliases, and every input file still has the checksum it had when it was read
(a file changed since is read afresh). Outside a report run the variable is not set and
``load_data`` reads the files as always.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cfanalysis.data.loader import Dataset

__all__ = ["SNAPSHOT_ENV", "handed_on", "write_snapshot"]

SNAPSHOT_ENV = "CFANALYSIS_DATASET_SNAPSHOT"


@dataclass(frozen=True)
class _Snapshot:
    """What was loaded, and the question it answers."""

    key: tuple[str, str, str]  # (data folder, as_of, team aliases) as load_data resolved them
    sources: dict[str, str]  # absolute path of each input file -> its SHA-256 when read
    dataset: Dataset


def snapshot_key(data_dir: Path, as_of: object, team_aliases: str | Path | None) -> tuple[str, str, str]:
    """The arguments of a load, resolved as :func:`~cfanalysis.data.loader.load_data` resolves them."""
    import pandas as pd

    day = pd.Timestamp(as_of if as_of is not None else pd.Timestamp.today()).normalize()
    return (str(Path(data_dir).resolve()), str(day), str(Path(team_aliases).resolve()) if team_aliases else "")


def _sources(data: Dataset) -> dict[str, str]:
    """Each input file the Dataset was read from (found in its data folder) and its checksum."""
    folder = Path(data.report.data_dir)
    files = dict(data.files)
    for per_year in data.commentary_files.values():
        files.update(per_year)
    return {str((folder / name).resolve()): digest for name, digest in files.items() if (folder / name).is_file()}


def write_snapshot(data: Dataset, path: str | Path, *, as_of: object, team_aliases: str | Path | None = None) -> Path:
    """Write ``data`` (as ``load_data(data.report.data_dir, as_of=as_of)`` returned it) to ``path``.

    ``path`` should be in a folder only this user can read (``tempfile.mkdtemp``): the frames
    hold the contract's fields, which are not for publication. Values the personal-data guard
    keeps from the raw files are left out.
    """
    from dataclasses import replace

    path = Path(path)
    report = data.report
    tables = {name: replace(load, guarded_values=None) for name, load in report.tables.items()}
    handed = replace(data, report=replace(report, tables=tables))
    snapshot = _Snapshot(snapshot_key(report.data_dir, as_of, team_aliases), _sources(data), handed)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        pickle.dump(snapshot, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return path


def handed_on(data_dir: Path, as_of: object, team_aliases: str | Path | None) -> Dataset | None:
    """The runner's Dataset when a report run supplies one for these arguments, else None.

    Read from the file named by :data:`SNAPSHOT_ENV`; None when it is unset, missing, for
    another folder or date, or when an input file has changed since it was read.
    """
    path = os.environ.get(SNAPSHOT_ENV)
    if not path or not Path(path).is_file():
        return None
    from cfanalysis.data.files import sha256_of

    with open(path, "rb") as handle:
        snapshot = pickle.load(handle)  # noqa: S301 - written by this user's report run, in a private folder
    if not isinstance(snapshot, _Snapshot) or snapshot.key != snapshot_key(data_dir, as_of, team_aliases):
        return None
    for source, digest in snapshot.sources.items():
        if not Path(source).is_file() or sha256_of(Path(source)) != digest:
            return None
    return snapshot.dataset
