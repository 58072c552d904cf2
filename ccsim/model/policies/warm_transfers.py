"""Warm transfers: the first agent stays on the line and hands the caller over (policies.warm_transfers).

A warm-transferred caller is never lost in the next queue; the handover costs both agents
``handover`` seconds. The policy only rewrites the scenario's transfer rules; the centre applies them.
"""

from __future__ import annotations

from ccsim.config.journey import Transfers
from ccsim.config.policies import WarmTransfers as WarmTransfersSpec


class TransferRules:
    """The transfer rules in force, as the centre reads them at the end of every conversation.

    Plain attributes rather than the validated ``transfers`` block: read once per conversation,
    they cost less than the block's fields, and the text choices are settled once here.
    """

    __slots__ = ("warm", "handover", "max_transfers", "resolve_at_cap")

    def __init__(self, warm: bool, handover: float, max_transfers: int, resolve_at_cap: bool):
        self.warm = warm  # the first agent stays on the line for the handover
        self.handover = handover  # seconds both agents spend on a warm handover
        self.max_transfers = max_transfers  # transfers allowed within one call
        self.resolve_at_cap = resolve_at_cap  # at the cap the last group resolves it (else it is lost)


def transfer_rules(transfers: Transfers, warm: WarmTransfersSpec | None) -> TransferRules:
    """The transfer rules in force: the scenario's, switched to warm with the policy's handover."""
    if warm is not None:
        transfers = transfers.model_copy(update={"mode": "warm", "handover": warm.handover})
    return TransferRules(transfers.mode == "warm", transfers.handover, transfers.max_transfers,
                         transfers.at_cap == "resolve")
