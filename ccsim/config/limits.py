"""Physical bounds on what one scenario may state or ask for.

Every number in a scenario is finite and lies within a range that a real contact centre can
have; beyond it a value is a typing error (``1e999s``, ``10000000`` agents) that would otherwise
run for hours, exhaust memory or produce garbage. The ranges are generous: the largest single
sites have a few thousand seats and take a few hundred thousand calls a day. The table in
``docs/scenario-format.md`` ("Bounds") lists them with these reasons.
"""

from __future__ import annotations

from ccsim import units

MAX_DAYS = 3660
"""Longest horizon: ten years of days."""

MAX_DURATION = MAX_DAYS * units.DAY
"""Longest duration of any kind (a horizon of ten years), in seconds."""

MAX_AGENTS = 10_000
"""Agents one scenario may define over all its groups and shifts (the largest sites seat a few thousand)."""

MAX_CALLS_PER_DAY = 1_000_000.0
"""Fresh calls on one day of weight 1 (the largest centres take a few hundred thousand)."""

MAX_RATE_PER_HOUR = MAX_CALLS_PER_DAY / 4
"""Arrival rate in any interval, calls per hour."""

MAX_CALLS_PER_RUN = 20_000_000.0
"""Expected fresh calls in one replication; beyond this a run takes hours (about 30 000 calls a second)."""

MAX_CUSTOMERS = 10_000_000
"""Persons in a customer base (one array entry each)."""

MAX_FACTOR = 10.0
"""Any multiplier of a time, a probability or a hazard (talk-time, transfer, misroute, quit factors)."""

MAX_WEIGHT = 1_000.0
"""Relative weights: day-of-week volume weights and strain weights."""

MAX_HOURLY_COST = 10_000.0
"""Pay or trainer cost per agent-hour, currency units."""

MAX_PRICE = 1_000.0
"""A price per minute or per call, or telephony cost per minute, currency units."""

MAX_LUMP_COST = 10_000_000.0
"""One-off costs: a hire, a lost customer, currency units."""

MAX_ELASTICITY = 100.0
"""Price elasticity per currency unit: at 100 a price of 0.05 already deters 99 %."""

MAX_STRAIN = 1_000_000.0
"""Strain levels and shocks (one unit is about one minute of normal talk)."""

MAX_CV = 20.0
"""Coefficient of variation of any distribution (talk times have about 1; 20 is extreme)."""

MAX_LOG_SD = 5.0
"""Standard deviation of log(X) of a lognormal (mean / median = exp(12.5) at 5)."""

MIN_SHAPE = 0.05
"""Smallest Weibull shape; below it the mean (Gamma(1 + 1/shape)) overflows floating point."""

MAX_SHAPE = 1_000.0
"""Largest gamma or Weibull shape (nearly deterministic). The smallest gamma shape is 1 / MAX_CV^2."""

MAX_VALUES = 10_000_000
"""Observations in an empirical distribution."""

MAX_DATA_FILE_BYTES = 200 * 2**20
"""Largest empirical data file (200 MiB)."""

MAX_SCENARIO_BYTES = 4 * 2**20
"""Largest scenario file (4 MiB; the shipped ones are under 20 KiB)."""

MAX_YAML_DEPTH = 64
"""Deepest nesting of mappings and lists in a scenario file."""

MAX_YAML_NODES = 1_000_000
"""Values in a scenario file after aliases are expanded (a "billion laughs" file has 10^9)."""

MAX_COUNT = 1_000
"""Small counts: transfers in one call, attempts per problem, terminations before a block."""

MAX_SEED = 2**64 - 1
"""Largest root seed."""

HOURS_PER_WEEK = 168 * units.HOUR
"""A week: no agent can spend more of it on anything."""
