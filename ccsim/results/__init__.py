"""Results folders: their file names, writing and reading them, completeness, and provenance.

One home for what ``ccsim run``, ``compare``, ``staff``, ``calibrate`` and ``backtest`` write and
what ``ccsim report`` and ``ccsim export`` read:

* :mod:`~ccsim.results.names`: every file name and the folder layouts;
* :mod:`~ccsim.results.files`: atomic writes of one file (bytes or JSON);
* :mod:`~ccsim.results.folder`: a folder written aside and moved into place whole, its
  completeness marker, and the check that refuses an incomplete or mixed folder;
* :mod:`~ccsim.results.provenance`: run id, command, versions and times;
* :mod:`~ccsim.results.parts`: each replication's tables saved as it finishes, merged at the end;
* :mod:`~ccsim.results.run`: one run's folder, written from replications and read back as a
  validated scenario with its summary and tables.
"""

from ccsim.results.files import atomic_write, write_json
from ccsim.results.folder import IncompleteResults, OutputError, OutputFolder, check_complete, is_results_folder
from ccsim.results.names import (
    COMPARISON_FILE,
    COMPARISON_TABLE,
    COMPLETE_FILE,
    PROVENANCE_FILE,
    REPLICATIONS_CSV,
    REPORT_FILE,
    SCENARIO_FILE,
    SUMMARY_CSV,
    SUMMARY_JSON,
    TABLES_DIR,
    WRITTEN_BY_CCSIM,
    unique_labels,
)
from ccsim.results.parts import TABLE_NAMES
from ccsim.results.provenance import environment, new_run_id, run_provenance
from ccsim.results.run import SavedRun, read_results, scenario_document, write_results

__all__ = [
    "unique_labels",
    "COMPARISON_FILE",
    "COMPARISON_TABLE",
    "COMPLETE_FILE",
    "PROVENANCE_FILE",
    "REPLICATIONS_CSV",
    "REPORT_FILE",
    "SCENARIO_FILE",
    "SUMMARY_CSV",
    "SUMMARY_JSON",
    "TABLES_DIR",
    "TABLE_NAMES",
    "WRITTEN_BY_CCSIM",
    "IncompleteResults",
    "OutputError",
    "OutputFolder",
    "SavedRun",
    "atomic_write",
    "check_complete",
    "environment",
    "is_results_folder",
    "new_run_id",
    "read_results",
    "run_provenance",
    "scenario_document",
    "write_json",
    "write_results",
]
