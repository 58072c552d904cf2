"""With every caller-journey and workforce feature off, the model is the single-queue model."""

from __future__ import annotations

import json

from tests.golden_digest import GOLDEN, digest


def test_single_queue_output_unchanged():
    assert digest() == json.loads(GOLDEN.read_text())
