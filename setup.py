"""Optional compiled build of the engine's hot path; everything else about the package is in pyproject.toml.

``pip install .`` (and the editable install of ``make setup``) is pure Python. With
``CCSIM_COMPILE=1`` the modules in :data:`COMPILED` are compiled to C extensions with mypyc (part
of mypy, which must then be installed, with ``--no-build-isolation``; ``make compiled`` does it):
the same source, type-checked by mypy, with results identical byte for byte
(``tests/test_compiled.py``). Measured: the benchmark's engine about 2.2 times as fast, the
13-week baseline run about 1.7 times (tables and Parquet are not compiled). These are the modules
every event passes through, and the policies, which all derive from the compiled ``Policy`` (an
interpreted class cannot inherit from a compiled one, so every module under ``model/policies/`` is
compiled, a new one included). The rest of the package stays interpreted and is imported by them
as usual (compiling the workforce too gained nothing measurable, and modules that mix integers
into float columns, such as ``model/window.py``, would change type under mypyc). Constants they
share are ``Final`` and event handlers type what they unpack, so that compiled code reads them
directly rather than looking them up by name.
"""

import os
from glob import glob

from setuptools import setup

COMPILED = [
    "ccsim/model/centre.py",
    "ccsim/model/clock.py",
    "ccsim/model/callers.py",
    "ccsim/model/routing.py",
    "ccsim/model/agents.py",
    "ccsim/model/ivr.py",
    "ccsim/model/frustration.py",
    "ccsim/model/conversation.py",
    "ccsim/model/redials.py",
    "ccsim/model/duty.py",
    "ccsim/rng.py",
    "ccsim/metrics/records.py",
    *sorted(path for path in glob("ccsim/model/policies/*.py") if not path.endswith("__init__.py")),
]

if os.environ.get("CCSIM_COMPILE") == "1":
    from mypyc.build import mypycify

    setup(ext_modules=mypycify(COMPILED, opt_level="3"))
else:
    setup()
