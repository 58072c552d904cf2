"""A results folder is written aside and moved into place whole, so it is never half one run.

Every command that writes a folder (run, compare, staff, calibrate, backtest) asks for an
:class:`OutputFolder`: a hidden folder beside the target (``.NAME.partial-<run id>``) that it
fills, then :meth:`OutputFolder.commit` writes ``complete.json`` (the run id and every file with
its size) and renames the folder into place. ``--overwrite`` swaps the old folder out only at
that moment, so a run that fails or is killed leaves the old results as they were (and at most
a hidden partial folder, which no reader takes for results). :func:`check_complete` refuses a
folder without the marker, with files the marker does not list, or with files of another run.

A sweep is the exception: it keeps each finished task as its own file in place so that an
interrupted sweep can resume (see :mod:`ccsim.experiments.sweep.store`).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ccsim.results.files import write_json
from ccsim.results.names import (
    COMPARISON_FILE,
    COMPLETE_FILE,
    PROVENANCE_FILE,
    RUN_FILES,
    TABLES_DIR,
    WRITTEN_BY_CCSIM,
)
from ccsim.results.provenance import new_run_id


class OutputError(ValueError):
    """An output folder that cannot be written (the message names it and says why)."""


class IncompleteResults(ValueError):
    """A results folder that a run did not finish writing, or that mixes files of two runs."""


def is_results_folder(path: Path) -> bool:
    """Whether ``path`` holds what a ccsim command wrote (so that ``--overwrite`` may replace it)."""
    return any((path / name).exists() for name in WRITTEN_BY_CCSIM) or any(
        (child / name).exists() for child in path.iterdir() if child.is_dir() for name in WRITTEN_BY_CCSIM)


class OutputFolder:
    """Where one command writes its results: :attr:`path` until :meth:`commit` moves it to :attr:`target`.

    Made before any work starts, so a target that cannot be written is refused at once. The
    rules: a new or empty target is fine; a non-empty one only with ``overwrite`` and only when
    ccsim wrote it (it is then replaced whole, never mixed into); a file is never a target.
    """

    def __init__(self, target: Path, overwrite: bool):
        self.target = Path(target)
        self.run_id = new_run_id()
        # Beside the target, on the same file system, so that the move is a rename ("." has no name: absolute).
        self._place = Path(os.path.abspath(self.target))
        self._check_target(overwrite)
        self.path = self._place.parent / f".{self._place.name}.partial-{self.run_id[:12]}"
        try:
            self.path.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"--out {self.target}: cannot create the folder ({exc.strerror or exc})") from None
        self.committed = False

    def _check_target(self, overwrite: bool) -> None:
        target = self.target
        try:
            here = Path.cwd()
            if here == self._place or self._place in here.parents:
                # Replacing it would leave the shell in a deleted folder.
                raise OutputError(f"--out {target}: is the current folder or holds it; give a folder inside it")
            if target.exists() and not target.is_dir():
                raise OutputError(f"--out {target}: exists and is not a folder")
            if target.is_dir() and any(target.iterdir()):
                if not overwrite:
                    raise OutputError(f"--out {target}: folder is not empty; choose another folder or pass "
                                      "--overwrite")
                if not is_results_folder(target):
                    raise OutputError(f"--out {target}: holds files ccsim did not write; --overwrite replaces only "
                                      "results folders (choose another folder)")
            if target.parent.exists() and not target.parent.is_dir():
                raise OutputError(f"--out {target}: cannot create the folder ({target.parent} is not a folder)")
        except OSError as exc:
            raise OutputError(f"--out {target}: cannot use the folder ({exc.strerror or exc})") from None

    def commit(self) -> Path:
        """Mark the folder complete (unless a writer already did) and move it into place; returns the target."""
        if not (self.path / COMPLETE_FILE).exists():
            mark_complete(self.path, _files_under(self.path), self.run_id)
        old = self._place.parent / f".{self._place.name}.old-{self.run_id[:12]}"
        try:
            replaced = self._place.exists()
            if replaced:
                os.replace(self._place, old)
            os.replace(self.path, self._place)
        except OSError as exc:
            raise OutputError(f"--out {self.target}: cannot move the results into place ({exc.strerror or exc}); "
                              f"they are complete in {self.path}") from None
        self.committed = True
        if replaced:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    def discard(self) -> None:
        """Remove the unfinished folder (nothing happens after :meth:`commit`)."""
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def mark_complete(out: Path, files: list[str], run_id: str | None) -> None:
    """Record that ``files`` (paths inside ``out``) form the finished run ``run_id``; written last."""
    write_json(out / COMPLETE_FILE, {"run_id": run_id, "files": {name: (out / name).stat().st_size
                                                                 for name in files}})


def _marker(path: Path) -> dict:
    document = json.loads((path / COMPLETE_FILE).read_text())
    if not isinstance(document, dict) or not isinstance(document.get("files"), dict):
        raise ValueError("no list of files")
    return document


def check_complete(path: Path) -> None:
    """Refuse a folder whose run stopped while writing, or whose files are not all of one run.

    Mixed: a listed file is missing, a table or run file is there that the marker does not list,
    the provenance names another run, or (in a comparison) the scenario's folder is of another run
    than the comparison around it.
    """
    try:
        marker = _marker(path)
    except (OSError, ValueError, TypeError):
        raise IncompleteResults(f"{path}: incomplete results folder (the run stopped while writing it, or "
                                "it was not written by this version); run it again with --overwrite") from None
    listed = marker["files"]
    # Sizes are recorded for provenance but not compared: tools may rewrite a table in place.
    changed = [name for name in listed if not (path / name).is_file()]
    tables = path / TABLES_DIR
    extra = [f"{TABLES_DIR}/{p.name}" for p in tables.glob("*.parquet")] if tables.is_dir() else []
    extra += [name for name in RUN_FILES if (path / name).is_file()]
    changed += [name for name in extra if name not in listed]
    run_id = marker.get("run_id")
    if run_id is not None:
        changed += [name for name, other in ((PROVENANCE_FILE, _provenance_run(path)),
                                             (f"../{COMPLETE_FILE}", _comparison_run(path)))
                    if other is not None and other != run_id]
    if changed:
        raise IncompleteResults(f"{path}: files of different runs are mixed ({', '.join(sorted(changed)[:5])}); "
                                "run it again into an empty folder or with --overwrite")


def _provenance_run(path: Path) -> str | None:
    try:
        return json.loads((path / PROVENANCE_FILE).read_text()).get("run_id")
    except (OSError, ValueError, AttributeError):
        return None


def _comparison_run(path: Path) -> str | None:
    """The run id of the comparison whose folder holds ``path`` (None when it is not in one)."""
    parent = path.parent
    if not (parent / COMPARISON_FILE).is_file():
        return None
    try:
        return _marker(parent).get("run_id")
    except (OSError, ValueError, TypeError):
        return None
