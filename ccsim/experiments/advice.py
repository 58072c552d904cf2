"""Warnings about a scenario that runs but cannot answer what it seems to ask.

Two kinds, each one sentence a planner can act on:

* **A horizon shorter than a time constant** of something switched on: the training ramp,
  hang-up deterrence, a monthly free quota on the paid line, and sickness and attrition (which
  need about a quarter to separate from noise). The run still measures the reported window, but
  the policy is not yet at its full effect there, or the measure is mostly noise.
* **An unstable queue**: no caller ever gives up, and the work offered over the horizon is more
  than the agents on duty can do. Waits then grow with the horizon and measure only its length.

The CLI prints these before it runs, and the report shows them at the top.
"""

from __future__ import annotations

import numpy as np

from ccsim.config.scenario import Scenario
from ccsim.model import arrivals as arrival_model
from ccsim.model.calendar import Calendar
from ccsim.model.staffing import headcount_grid

QUARTER_DAYS = 91  # sickness and attrition separate from noise over about a quarter (13 weeks)


def horizon_warnings(scenario: Scenario) -> list[str]:
    """Time constants of switched-on parts longer than the reported horizon."""
    days = scenario.horizon.days
    warm = scenario.lead_days
    lived = days + warm  # policies act from the first simulated day, warm-up included
    span = f"{lived} days ({warm} of them warm-up)" if warm else f"{lived} days"
    notes: list[str] = []
    policies = scenario.policies
    training = policies.active("training")
    if training is not None and training.ramp_weeks * 7 > lived:
        reach = lived / (training.ramp_weeks * 7)
        notes.append(f"training ramps up over {training.ramp_weeks:g} weeks, but the run lasts {span}: by its "
                     f"end the effects reach {reach:.0%} of full (raise horizon.days or set ramp_weeks)")
    hang_up = policies.active("hang_up")
    if hang_up is not None and hang_up.deterrence > 0 and hang_up.deterrence_days > lived:
        notes.append(f"hang-up deterrence builds over {hang_up.deterrence_days:g} days, but the run lasts {span}: "
                     f"abusive callers fall by at most {hang_up.deterrence * lived / hang_up.deterrence_days:.0%} "
                     f"of the configured {hang_up.deterrence:.0%}")
    paid = policies.active("paid_line")
    if paid is not None and paid.free_minutes_per_month > 0 and lived < 30:
        notes.append(f"the paid line's free quota is per 30-day month, but the run lasts {span}: few callers "
                     "use up their free minutes, so revenue and deterrence are understated")
    workforce = scenario.workforce
    if workforce is not None and workforce.absence is not None and days < QUARTER_DAYS:
        notes.append(f"sickness and attrition are simulated, but {days} reported days are too few to tell them "
                     f"from noise (about {QUARTER_DAYS} days, a quarter, are needed; try --set horizon.days=91)")
    return notes


def stability_warnings(scenario: Scenario) -> list[str]:
    """Queues whose offered work exceeds the agents' time when nobody abandons."""
    if any(segment.patience is not None for segment in scenario.segments.values()):
        return []  # abandonment keeps every queue stable
    calendar = Calendar.from_horizon(scenario.horizon)
    expected = arrival_model.expected_counts(scenario.arrivals, calendar)
    talk = sum(s.share * s.talk_time.mean_value for s in scenario.segments.values())
    wrap = np.mean([g.wrap_up.mean_value for g in scenario.groups.values()])
    work = float(expected.sum()) * (talk + wrap)
    agents = sum(float(headcount_grid(g.staffing, calendar).sum()) for g in scenario.groups.values()
                 if not g.staffing.shifts)
    agents *= calendar.interval
    agents += sum(shift.length * sum(shift.count_on(_weekday(calendar, d)) for d in range(calendar.days))
                  for g in scenario.groups.values() for shift in g.staffing.shifts)
    if agents <= 0 or work < agents:
        return []
    return [f"nobody abandons and the offered work ({work / 3600:,.0f} agent-hours) is {work / agents:.2f} times "
            f"the agents' time on duty ({agents / 3600:,.0f} h): the queue is unstable, and waits measure only "
            "how long the horizon is (add patience or agents)"]


def _weekday(calendar: Calendar, day: int) -> str:
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[int(calendar.weekday[day])]


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Every warning about ``scenario``, horizon first."""
    return horizon_warnings(scenario) + stability_warnings(scenario)
