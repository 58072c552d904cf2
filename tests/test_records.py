"""The output schema: the recorder writes each record kind's columns in order, and codes map to labels."""

from __future__ import annotations

import inspect
import struct

import numpy as np
import pandas as pd
import pytest

from ccsim.metrics import records as R
from ccsim.metrics.tables import _labels

KINDS = [
    ("leg", "legs", R.LEG_COLUMNS),
    ("call", "calls", R.CALL_COLUMNS),
    ("story", "stories", R.STORY_COLUMNS),
    ("duty_stretch", "duty", R.DUTY_COLUMNS),
    ("break_piece", "breaks", R.BREAK_COLUMNS),
    ("strain_interval", "strain_intervals", R.STRAIN_INTERVAL_COLUMNS),
]


@pytest.mark.parametrize(("method", "rows", "columns"), KINDS)
def test_recorder_writes_the_schema_columns_in_order(method, rows, columns):
    writer = getattr(R.Recorder(), method)
    assert tuple(inspect.signature(writer).parameters) == columns
    recorder = R.Recorder()
    # Every column gets its own value by name (flags alternate): a row that swaps two columns cannot pass.
    types = R.COLUMN_TYPES[rows]
    values = {name: (index % 2 == 0) if types.get(name) == "?" else index + 7 for index, name in enumerate(columns)}
    getattr(recorder, method)(**values)
    written = recorder.finish()[rows]
    assert len(written) == 1
    assert {name: written[name][0].item() for name in columns} == values


@pytest.mark.parametrize(("codes", "labels"), [
    (R.LegOutcome, R.LEG_OUTCOMES), (R.CallOutcome, R.CALL_OUTCOMES), (R.TalkOutcome, R.TALK_OUTCOMES),
    (R.StoryOutcome, R.STORY_OUTCOMES), (R.DifficultCause, R.DIFFICULT_CAUSES), (R.DutyKind, R.DUTY_KINDS),
    (R.BreakResult, R.BREAK_RESULTS), (R.Status, R.STATUSES),
])
def test_codes_are_contiguous_and_their_labels_are_the_categories(codes, labels):
    values = sorted(int(m) for m in codes)
    assert values == list(range(len(values)))
    none = getattr(codes, "NONE", None)
    assert len(labels) == len(values) - (1 if none is not None else 0)
    if none is not None:
        assert int(none) == len(labels)  # the last code, shown as a missing label
    frame = pd.Series(np.array(values, dtype=float))
    categorical = _labels(frame, labels)
    assert list(categorical.categories) == list(labels)
    shown = [None if pd.isna(v) else v for v in categorical]
    assert shown[:len(labels)] == list(labels)
    assert all(v is None for v in shown[len(labels):])


def test_labels_the_tables_have_always_shown():
    # Measures, reports and calibration read these strings: they must not change with the codes.
    assert R.TALK_OUTCOMES == ("resolved", "transfer_warm", "transfer_cold", "unresolved", "misroute_transfer",
                               "cut_off", "hung_up", "open")
    assert R.STORY_OUTCOMES == ("open", "resolved", "lost", "diverted")
    assert R.DUTY_KINDS == ("on_duty", "break", "off_phone", "training")
    assert R.CALL_OUTCOMES[R.CALL_CALLBACK_LOST] == "callback_lost"
    assert len(R.CALL_OUTCOMES) == R.TRIGGER_FRESH


def _engine_rows(path: str, monkeypatch) -> dict[str, list[tuple]]:
    """Every row the engine wrote for a two-day run of ``path``, as written (tuples of Python numbers)."""
    from ccsim.config.load import load_scenario
    from ccsim.model.centre import ContactCentre

    written: dict[str, list[tuple]] = {kind: [] for kind in R.ALL_COLUMNS}

    def keeping(method, kind):
        original = getattr(R.Recorder, method)

        def keep(self, *row):
            written[kind].append(row)
            original(self, *row)
        return keep

    for method, kind, _ in KINDS:
        monkeypatch.setattr(R.Recorder, method, keeping(method, kind))
    typed_rows = R.typed_rows

    def keeping_agent_days(kind, rows):
        rows = list(rows)
        written[kind].extend(rows)
        return typed_rows(kind, rows)

    monkeypatch.setattr(R, "typed_rows", keeping_agent_days)  # the workforce's agent-days are packed at the end
    scenario = load_scenario(path, ["horizon.days=2"]).scenario
    ContactCentre(scenario, 0).run()
    monkeypatch.undo()  # the rows are re-packed by plain Recorders below
    return written


@pytest.mark.parametrize("path", ["configs/baseline.yaml",
                                  "configs/policies/combined.yaml", "configs/policies/paid_line.yaml",
                                  "configs/policies/warm_transfers.yaml"])
def test_typed_records_hold_exactly_the_values_the_engine_wrote(path, monkeypatch):
    """Each column's type keeps every value the engine writes in it (no id, code or count cut short)."""
    for kind, rows in _engine_rows(path, monkeypatch).items():
        assert rows or kind in ("strain_intervals", "agent_days"), kind
        recorder = R.Recorder()
        if kind in R.RECORD_KINDS:
            method = next(m for m, k, _ in KINDS if k == kind)
            for row in rows:
                getattr(recorder, method)(*row)
            typed = recorder.finish()[kind]
        else:
            typed = R.typed_rows(kind, rows)
        as_written = np.array(rows, dtype=float).reshape(len(rows), len(R.ALL_COLUMNS[kind]))
        for j, column in enumerate(R.ALL_COLUMNS[kind]):
            np.testing.assert_array_equal(typed[column].astype(float), as_written[:, j], err_msg=f"{kind}.{column}")


def test_a_value_too_large_for_its_column_type_is_refused():
    with pytest.raises((OverflowError, ValueError)):
        R.typed_rows("duty", [(2**40, 0, 0, 0.0, 1.0, 0)])
    with pytest.raises(struct.error):
        R.Recorder().duty_stretch(2**40, 0, 0, 0.0, 1.0, 0)


def test_a_packed_row_is_one_element_of_its_kinds_dtype():
    for kind in R.RECORD_KINDS:
        assert R.row_struct(kind).size == R.record_dtype(kind).itemsize, kind
