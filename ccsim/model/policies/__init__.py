"""The policies at run time, one module each, behind the hooks of :mod:`.base`.

=====================  ====================================================================
policy (scenario key)  module
=====================  ====================================================================
call_time_limit        :mod:`ccsim.model.policies.call_time_limit`
hang_up                :mod:`ccsim.model.policies.hang_up`
paid_line              :mod:`ccsim.model.policies.paid_line`
training               :mod:`ccsim.model.policies.training`
callback               :mod:`ccsim.model.policies.callback`
difficult_team         :mod:`ccsim.model.policies.difficult_team`
warm_transfers         :mod:`ccsim.model.policies.warm_transfers`
ivr_redesign           :mod:`ccsim.model.ivr` (it changes the menu's own probabilities)
=====================  ====================================================================

:mod:`.compose` builds them once per replication, in the order their hooks run.
"""

from ccsim.model.policies.base import Detour, Policy, TalkEnding, TalkPlan
from ccsim.model.policies.compose import PolicySet, build_policies

__all__ = ["Detour", "Policy", "PolicySet", "TalkEnding", "TalkPlan", "build_policies"]
