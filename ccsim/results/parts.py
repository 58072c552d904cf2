"""A run's tables on disk: each replication's tables written as it finishes, merged into ``tables/`` at the end.

A long run's tables are about as large as everything else it holds, so the process that
simulates a replication writes them to Parquet at once (one part file per table and
replication, in :data:`PARTS_DIR` of the folder being written) and sends back only its KPIs; the
process that writes the folder never holds more than one replication's table at a time. At the
end each table's parts are appended, in replication order, as row groups of
``tables/<name>.parquet``: the same columns and rows, with a leading ``replication`` column, as
one table over all replications.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ccsim.metrics.tables import RunTables, with_timestamps
from ccsim.results.names import TABLES_DIR

TABLE_NAMES = tuple(f.name for f in fields(RunTables))
PARTS_DIR = ".table-parts"
"""Inside a folder being written: one Parquet file per table and replication, gone once merged."""


def saved_frame(frame: pd.DataFrame, replication: int, start_date: dt.date) -> pd.DataFrame:
    """A replication's table as saved: internal (``_``) columns dropped, a timestamp beside each time
    (:func:`~ccsim.metrics.tables.with_timestamps`, from 00:00 of ``start_date``), a leading ``replication`` column.

    Timestamps are added here, a slice at a time, rather than in the tables in memory: they are
    a fifth of a long run's largest tables and no measure reads them.
    """
    frame = with_timestamps(frame.drop(columns=[c for c in frame.columns if c.startswith("_")]), start_date)
    frame.insert(0, "replication", replication)
    return frame


def _part_path(folder: Path, name: str, replication: int) -> Path:
    return Path(folder) / PARTS_DIR / f"{name}.{replication:06d}.parquet"


@dataclass(frozen=True)
class TableParts:
    """Where a worker saves each replication's tables: the parts folder of the results folder ``folder``.

    Handed to :func:`ccsim.experiments.runner.replicate` as ``save_tables`` (it is sent to the
    worker processes, so it is plain data). ``start_date``: the scenario's first day, which the
    saved timestamps count from.
    """

    folder: Path
    start_date: dt.date

    def __call__(self, replication: int, tables: RunTables) -> None:
        write_parts(self.folder, tables, replication, self.start_date)


SLICE_ROWS = 262_144
"""Rows converted to Arrow and written at a time: a whole long-run table converted at once would
be held twice (pandas and Arrow). Each slice is a row group of the part file."""


def write_parts(folder: Path, tables: RunTables, replication: int, start_date: dt.date) -> None:
    """Write one replication's tables as parts into ``folder`` (each file whole or not at all)."""
    for name in TABLE_NAMES:
        path = _part_path(folder, name, replication)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        write_table(partial, _slices(getattr(tables, name), replication, start_date))
        os.replace(partial, path)


def _slices(frame: pd.DataFrame, replication: int, start_date: dt.date) -> Iterator[pa.Table]:
    """``frame`` as saved (:func:`saved_frame`), :data:`SLICE_ROWS` rows at a time, as Arrow tables."""
    for start in range(0, max(len(frame), 1), SLICE_ROWS):
        yield _arrow(saved_frame(frame.iloc[start:start + SLICE_ROWS], replication, start_date))


def _arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def _row_groups(path: Path) -> Iterator[pa.Table]:
    """A Parquet file's row groups one at a time (a long run's table is never read whole)."""
    with pq.ParquetFile(path) as file:
        if file.num_row_groups == 0:  # an empty table still has its columns
            yield file.schema_arrow.empty_table()
        for index in range(file.num_row_groups):
            yield file.read_row_group(index)


def write_table(path: Path, parts: Iterable[pa.Table]) -> None:
    """Append ``parts`` (same columns) as row groups of one Parquet file at ``path``.

    A column that is all missing in one part (arrow type ``null``) takes the type of the others.
    """
    writer: pq.ParquetWriter | None = None
    try:
        for part in parts:
            if writer is None:
                writer = pq.ParquetWriter(path, part.schema, use_dictionary=dictionary_columns(part.schema))
            elif not part.schema.equals(writer.schema, check_metadata=False):
                part = part.cast(writer.schema) if _only_nulls_differ(part.schema, writer.schema) else part
            writer.write_table(part)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # no replication: an empty table, as an empty frame saves
        pd.DataFrame().to_parquet(path, index=False)


def dictionary_columns(schema: pa.Schema) -> list[str]:
    """The columns worth dictionary encoding: labels, flags and small codes, not times or ids.

    Parquet tries a dictionary for every column by default and gives up on one with too many
    distinct values only after building it: on times and ids that doubles the time to write a
    table and makes the file larger.
    """
    return [field.name for field in schema
            if not (pa.types.is_floating(field.type) or pa.types.is_timestamp(field.type)
                    or pa.types.is_duration(field.type)
                    or (pa.types.is_integer(field.type) and field.type.bit_width >= 32))]


def _only_nulls_differ(part: pa.Schema, first: pa.Schema) -> bool:
    return part.names == first.names and all(
        a.type == b.type or pa.types.is_null(a.type) for a, b in zip(part, first))


def merge_parts(folder: Path, replications: list[int]) -> list[str]:
    """Merge the parts of ``replications`` (in that order) into ``folder/tables/*.parquet``; returns the files written.

    The parts folder is removed afterwards, with any parts of replications not asked for (an
    interrupted run's unfinished ones).
    """
    folder = Path(folder)
    written = []
    for name in TABLE_NAMES:
        path = folder / TABLES_DIR / f"{name}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        if len(replications) == 1:  # one part is already the table: moved, not read and written again
            os.replace(_part_path(folder, name, replications[0]), path)
        else:
            write_table(path, (group for r in replications for group in _row_groups(_part_path(folder, name, r))))
        written.append(f"{TABLES_DIR}/{name}.parquet")
    shutil.rmtree(folder / PARTS_DIR, ignore_errors=True)
    return written


def write_held_tables(folder: Path, results: Iterable[tuple[int, RunTables]], start_date: dt.date) -> list[str]:
    """Write tables held in memory, (replication, tables) in order, into ``folder/tables/*.parquet``."""
    results = list(results)
    written = []
    for name in TABLE_NAMES:
        path = Path(folder) / TABLES_DIR / f"{name}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_table(path, _converted(name, results, start_date))
        written.append(f"{TABLES_DIR}/{name}.parquet")
    return written


def _converted(name: str, results: list[tuple[int, RunTables]], start_date: dt.date) -> Iterator[pa.Table]:
    for replication, tables in results:
        yield from _slices(getattr(tables, name), replication, start_date)
