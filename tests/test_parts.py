"""Tables saved per replication where they are computed, merged at the end: the same tables as held in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ccsim.experiments.runner import replicate
from ccsim.metrics import records as R
from ccsim.metrics.records import Recorder
from ccsim.metrics.tables import since
from ccsim.model.window import _compacted
from ccsim.results.names import TABLES_DIR
from ccsim.results.parts import PARTS_DIR, TABLE_NAMES, TableParts, merge_parts, saved_frame, write_table
from ccsim.results.run import read_results, write_results
from tests.conftest import mmn

START = dt.date(2026, 1, 5)


def _frames(folder: Path) -> dict[str, pd.DataFrame]:
    run = read_results(folder)
    return {name: run.table(name) for name in TABLE_NAMES}


def test_saved_parts_merge_to_the_tables_held_in_memory(tmp_path):
    scenario = mmn(days=1, replications=2, warmup=0.0, rate_per_hour=120.0, agents=12)
    held = replicate(scenario, jobs=1)
    write_results(tmp_path / "held", scenario, held, {"run_id": "a"})
    saved = replicate(scenario, jobs=2, save_tables=TableParts(tmp_path / "saved", scenario.horizon.start_date))
    assert all(r.tables_saved and len(r.tables.calls) == 0 for r in saved)
    pd.testing.assert_frame_equal(pd.DataFrame([r.kpis for r in saved]), pd.DataFrame([r.kpis for r in held]))
    write_results(tmp_path / "saved", scenario, saved, {"run_id": "b"})
    assert not (tmp_path / "saved" / PARTS_DIR).exists()
    a, b = _frames(tmp_path / "held"), _frames(tmp_path / "saved")
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
    assert sorted(a["calls"]["replication"].unique()) == [0, 1]
    assert len(a["calls"]) == sum(len(r.tables.calls) for r in held) > 0
    # Each replication is a row group of its own: the file was written one replication at a time.
    assert pq.ParquetFile(tmp_path / "saved" / TABLES_DIR / "calls.parquet").num_row_groups == 2


def test_merge_leaves_out_parts_of_replications_not_asked_for(tmp_path):
    scenario = mmn(days=1, replications=3, rate_per_hour=60.0, agents=6)
    results = replicate(scenario, jobs=1, save_tables=TableParts(tmp_path, scenario.horizon.start_date))
    merge_parts(tmp_path, [2, 0])
    calls = pd.read_parquet(tmp_path / TABLES_DIR / "calls.parquet")
    assert list(dict.fromkeys(calls["replication"])) == [2, 0]
    assert len(calls) > 0 and len(results) == 3
    assert not (tmp_path / PARTS_DIR).exists()


def test_a_column_missing_in_one_replication_takes_the_type_of_the_others(tmp_path):
    first = saved_frame(pd.DataFrame({"x": [1.0, 2.0], "label": ["a", "b"]}), 0, START)
    empty = saved_frame(pd.DataFrame({"x": [np.nan], "label": [None]}), 1, START)
    parts = [pa.Table.from_pandas(f, preserve_index=False) for f in (first, empty)]
    write_table(tmp_path / "t.parquet", parts)
    back = pd.read_parquet(tmp_path / "t.parquet")
    assert back["label"].iloc[:2].tolist() == ["a", "b"] and pd.isna(back["label"].iloc[2])
    assert back["replication"].tolist() == [0, 0, 1]


def test_no_replication_writes_an_empty_table(tmp_path):
    write_table(tmp_path / "t.parquet", [])
    assert pd.read_parquet(tmp_path / "t.parquet").empty


def test_recorder_keeps_its_rows_in_order_and_starts_afresh_after_finishing():
    recorder = Recorder()
    n = 20_005
    for i in range(n):
        recorder.duty_stretch(i, 0, 0, float(i), float(i) + 1, 0)
        recorder.strain_interval(i, 0, 1, 0.5, 0.6, 0.7)
    rows = recorder.finish()
    assert rows["duty"].dtype.names == R.DUTY_COLUMNS and rows["duty"]["agent_id"].tolist() == list(range(n))
    assert rows["duty"]["t_end"].tolist() == [i + 1.0 for i in range(n)]
    assert len(rows["legs"]) == 0 and rows["legs"].dtype.names == R.LEG_COLUMNS
    for i in range(n):
        recorder.leg(i, 0, 0, 0.0, 1.0, 2.0, 3.0, 0, 0, 0, 0, 0.0, False)
    legs = recorder.finish()["legs"]
    assert len(legs) == n and legs["call_id"].tolist() == list(range(n))


def test_compacting_in_place_keeps_the_rows_asked_for_in_order():
    rng = np.random.default_rng(3)
    rows = rng.random((100_003, 4))
    keep = rng.random(len(rows)) < 0.7
    expected = rows[keep].copy()
    kept = _compacted(rows, keep)
    assert np.shares_memory(kept, rows)
    np.testing.assert_array_equal(kept, expected)


def test_since_returns_the_frame_itself_when_nothing_is_cut():
    frame = pd.DataFrame({"t": [0.0, 5.0, np.nan]})
    whole = frame.iloc[:2]
    assert since(whole, "t", 0.0) is whole
    assert since(frame, "t", 0.0)["t"].tolist() == [0.0, 5.0]  # NaN: never happened, left out
    assert since(frame, "t", 1.0)["t"].tolist() == [5.0]
