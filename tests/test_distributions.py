"""Scalar samplers give the values of their vectorised quantile functions, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter

from ccsim.config.distributions import Distribution


@pytest.mark.parametrize("spec", [{"dist": "gamma", "mean": 300, "cv": 0.8}, {"dist": "gamma", "mean": 30, "cv": 3.0},
                                  {"dist": "gamma", "shape": 40, "scale": 5}])
def test_the_gamma_sampler_is_its_quantile_function_bit_for_bit(spec):
    gamma = TypeAdapter(Distribution).validate_python(spec)
    u = np.concatenate([np.random.default_rng(7).random(5000), [1e-300, 1e-16, 0.5, 1 - 1e-16]])
    drawn = np.array([gamma.sampler()(float(x)) for x in u])
    assert drawn.dtype == np.float64 and type(gamma.sampler()(0.5)) is float  # plain floats into the records
    np.testing.assert_array_equal(drawn.view(np.int64), gamma.quantiles(u).view(np.int64))
