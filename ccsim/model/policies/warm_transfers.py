"""Warm transfers: the first agent stays on the line and hands the caller over (policies.warm_transfers).

A warm-transferred caller is never lost in the next queue; the handover costs both agents
``handover`` seconds. The policy only rewrites the scenario's transfer rules; the centre applies them.
"""

from __future__ import annotations

from ccsim.config.journey import Transfers
from ccsim.config.policies import WarmTransfers as WarmTransfersSpec


def transfer_rules(transfers: Transfers, warm: WarmTransfersSpec | None) -> Transfers:
    """The transfer rules in force: the scenario's, switched to warm with the policy's handover."""
    if warm is None:
        return transfers
    return transfers.model_copy(update={"mode": "warm", "handover": warm.handover})
