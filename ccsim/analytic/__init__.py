"""Exact stationary queueing formulas (Erlang B, C and A) and staffing built on them.

Times are in seconds and rates per second throughout.
"""

from ccsim.analytic.erlang import (
    SERVICE_LEVEL_KEYS,
    ErlangAResult,
    erlang_a,
    erlang_a_abandon_within,
    erlang_a_offered_wait_exceeds,
    erlang_a_service_levels,
    erlang_a_wait_exceeds,
    erlang_b,
    erlang_c,
    erlang_c_asa,
    erlang_c_service_level,
    erlang_c_service_levels,
    erlang_c_wait_exceeds,
)
from ccsim.analytic.staffing import (
    interval_requirements,
    lagged_arrival_rates,
    min_agents_erlang_a,
    min_agents_erlang_c,
    square_root_staffing,
)

__all__ = [
    "SERVICE_LEVEL_KEYS",
    "ErlangAResult",
    "erlang_a",
    "erlang_a_abandon_within",
    "erlang_a_offered_wait_exceeds",
    "erlang_a_service_levels",
    "erlang_a_wait_exceeds",
    "erlang_b",
    "erlang_c",
    "erlang_c_asa",
    "erlang_c_service_level",
    "erlang_c_service_levels",
    "erlang_c_wait_exceeds",
    "interval_requirements",
    "lagged_arrival_rates",
    "min_agents_erlang_a",
    "min_agents_erlang_c",
    "square_root_staffing",
]
