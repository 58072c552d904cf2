"""Scalar samplers give exactly the values they are defined by: their quantile functions or the formula they replace."""

from __future__ import annotations

import math
from statistics import NormalDist

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


@pytest.mark.parametrize("spec", [{"dist": "lognormal", "mean": 300, "cv": 1.1},
                                  {"dist": "lognormal", "median": 60, "log_sd": 0.5},
                                  {"dist": "lognormal", "mean": 5, "log_sd": 2.5}])
def test_the_lognormal_sampler_is_exp_of_the_normal_quantile_bit_for_bit(spec):
    """The sampler skips NormalDist.inv_cdf's argument checks, never its arithmetic: same draws as before."""
    lognormal = TypeAdapter(Distribution).validate_python(spec)
    mu, sigma = lognormal.log_params
    standard = NormalDist()
    sampler = lognormal.sampler()
    u = np.concatenate([np.random.default_rng(11).random(20000), [1e-300, 1e-16, 0.02425, 0.5, 0.97575, 1 - 1e-16]])
    for x in u.tolist():
        assert sampler(x) == math.exp(mu + sigma * standard.inv_cdf(x))
    assert type(sampler(0.5)) is float
