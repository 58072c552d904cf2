"""Callback offer: a caller who has waited ``offer_after`` may hang up and keep their place (policies.callback).

Who accepts (``acceptance``) leaves the line but not the queue; when their turn comes the agent
dials out (``dial_time``) and reaches them with probability ``reach``, else the attempt is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim import rng
from ccsim.config.policies import CallbackOffer as CallbackSpec
from ccsim.model.policies.base import Policy

if TYPE_CHECKING:
    from ccsim.model.callers import Call


class CallbackOffer(Policy):
    name = "callback"

    def __init__(self, spec: CallbackSpec):
        self.offer_after = spec.offer_after  # seconds of waiting before the offer
        self.dial_time = spec.dial_time  # agent seconds to call back
        self._acceptance = spec.acceptance
        self._reach = spec.reach

    def accepts(self, call: Call) -> bool:
        return call.u(rng.CALLBACK_ACCEPT) < self._acceptance

    def reaches(self, call: Call) -> bool:
        return call.u(rng.CALLBACK_REACH) < self._reach
