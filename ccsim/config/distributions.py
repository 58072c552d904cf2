"""Probability distributions as tagged blocks in scenario files.

Each block names its family with ``dist`` and states its parameters with units, for example
``{dist: lognormal, mean: 5min, cv: 1.1}``. Every family can turn a uniform number ``u`` in (0, 1)
into a draw by its inverse distribution function (:meth:`sampler`). The model feeds it keyed
uniforms (see :mod:`ccsim.rng`), so a caller's talk time is the same quantile of its distribution
in every scenario: when a policy scales the mean, the draw scales with it, which is what makes
common random numbers effective.

Times are in seconds; a distribution used as a multiplier (for example a talk-time factor) is
unitless and its values are read as plain numbers.
"""

from __future__ import annotations

import csv
import math
import os
import stat
import statistics
from collections.abc import Callable
from pathlib import Path
from statistics import NormalDist
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator

from ccsim.config import limits as L
from ccsim.config.types import Duration, StrictModel

Sampler = Callable[[float], float]
# NormalDist.inv_cdf checks its arguments, then calls this function of the statistics module; a
# sampler's u is always inside (0, 1), so it calls the function itself: a third less per lognormal
# draw, and the same values bit for bit (tests/test_distributions.py).
_normal_inv_cdf: Callable[[float, float, float], float] = getattr(
    statistics, "_normal_dist_inv_cdf", lambda p, mu, sigma: NormalDist(mu, sigma).inv_cdf(p))


class Exponential(StrictModel):
    """Exponential with the given mean (memoryless; Erlang models assume it)."""

    dist: Literal["exponential"]
    """Family: exponential."""
    mean: Duration = Field(gt=0, description="Mean, in seconds (or with a unit).")

    @property
    def mean_value(self) -> float:
        return self.mean

    def sampler(self) -> Sampler:
        mean = self.mean
        log = math.log
        return lambda u: -mean * log(1.0 - u)

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        return -self.mean * np.log1p(-u)


class Lognormal(StrictModel):
    """Lognormal, given by its mean with ``cv``, ``sd`` or ``log_sd``, or by ``median`` and ``log_sd``.

    Service times in call centres are close to lognormal (Brown et al. 2005) with a log-sd of
    about 0.9 to 1.1.
    """

    dist: Literal["lognormal"]
    """Family: lognormal."""
    mean: Duration | None = Field(default=None, gt=0, description="Mean (seconds or with unit).")
    median: Duration | None = Field(default=None, gt=0, description="Median (seconds or with unit).")
    cv: float | None = Field(le=L.MAX_CV, default=None, gt=0, description="Coefficient of variation (sd / mean).")
    sd: Duration | None = Field(default=None, gt=0, description="Standard deviation.")
    log_sd: float | None = Field(le=L.MAX_LOG_SD, default=None, gt=0, description="Standard deviation of log(X).")

    @model_validator(mode="after")
    def _one_parameterisation(self) -> Lognormal:
        given = {k for k in ("mean", "median", "cv", "sd", "log_sd") if getattr(self, k) is not None}
        allowed = [{"mean", "cv"}, {"mean", "sd"}, {"mean", "log_sd"}, {"median", "log_sd"}]
        if given not in allowed:
            raise ValueError(
                "lognormal needs exactly one of: mean+cv, mean+sd, mean+log_sd, median+log_sd "
                f"(got {', '.join(sorted(given)) or 'nothing'})"
            )
        return self

    @property
    def log_params(self) -> tuple[float, float]:
        """(mu, sigma) of log(X)."""
        if self.median is not None:
            assert self.log_sd is not None  # the validator pairs a median with log_sd
            return math.log(self.median), float(self.log_sd)
        assert self.mean is not None
        if self.log_sd is not None:
            sigma = float(self.log_sd)
        else:
            assert self.cv is not None or self.sd is not None  # the validator asks for one spread
            cv = self.cv if self.cv is not None else float(self.sd or 0.0) / self.mean
            sigma = math.sqrt(math.log1p(cv * cv))
        return math.log(self.mean) - sigma * sigma / 2.0, sigma

    @property
    def mean_value(self) -> float:
        mu, sigma = self.log_params
        return math.exp(mu + sigma * sigma / 2.0)

    def sampler(self) -> Sampler:
        mu, sigma = self.log_params
        exp, inv = math.exp, _normal_inv_cdf
        return lambda u: exp(inv(u, mu, sigma))

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        from scipy import special  # here: scipy.special costs every command start-up about 1 s

        mu, sigma = self.log_params
        return np.exp(mu + sigma * special.ndtri(u))


class Gamma(StrictModel):
    """Gamma, given by ``mean`` and ``cv`` or by ``shape`` and ``scale``."""

    dist: Literal["gamma"]
    """Family: gamma."""
    mean: Duration | None = Field(default=None, gt=0)
    """Mean (seconds or with unit); with cv, or with shape or scale."""
    cv: float | None = Field(le=L.MAX_CV, default=None, gt=0)
    """Coefficient of variation (sd / mean); shape = 1 / cv^2."""
    shape: float | None = Field(default=None, ge=L.MAX_CV**-2, le=L.MAX_SHAPE)  # the shape of the largest cv
    """Shape k (unitless)."""
    scale: Duration | None = Field(default=None, gt=0)
    """Scale theta (seconds or with unit); mean = shape x scale."""

    @model_validator(mode="after")
    def _one_parameterisation(self) -> Gamma:
        given = {k for k in ("mean", "cv", "shape", "scale") if getattr(self, k) is not None}
        if given not in ({"mean", "cv"}, {"shape", "scale"}):
            raise ValueError(
                f"gamma needs mean+cv or shape+scale (got {', '.join(sorted(given)) or 'nothing'})"
            )
        return self

    @property
    def shape_scale(self) -> tuple[float, float]:
        if self.shape is not None:
            assert self.scale is not None  # the validator pairs shape with scale
            return float(self.shape), float(self.scale)
        assert self.cv is not None and self.mean is not None  # otherwise mean with cv
        cv2 = float(self.cv) ** 2
        return 1.0 / cv2, float(self.mean) * cv2

    @property
    def mean_value(self) -> float:
        k, theta = self.shape_scale
        return k * theta

    def sampler(self) -> Sampler:
        # Here: only gamma times need scipy (see LogNormal.quantiles). cython_special's scalar
        # gammaincinv is the same C function as the ufunc, bit for bit, without the ufunc's
        # array machinery: 0.5 µs a draw instead of 1.2 µs, and it returns a Python float.
        from scipy.special.cython_special import gammaincinv

        k, theta = self.shape_scale
        return lambda u: gammaincinv(k, u) * theta

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        from scipy import special

        k, theta = self.shape_scale
        return special.gammaincinv(k, u) * theta


class Weibull(StrictModel):
    """Weibull, given by ``shape`` with ``scale`` or ``mean``."""

    dist: Literal["weibull"]
    """Family: weibull."""
    shape: float = Field(ge=L.MIN_SHAPE, le=L.MAX_SHAPE)
    """Shape k (unitless); below 1 a long tail, 1 exponential."""
    scale: Duration | None = Field(default=None, gt=0)
    """Scale lambda (seconds or with unit); give scale or mean."""
    mean: Duration | None = Field(default=None, gt=0)
    """Mean (seconds or with unit); give mean or scale."""

    @model_validator(mode="after")
    def _scale_or_mean(self) -> Weibull:
        if (self.scale is None) == (self.mean is None):
            raise ValueError("weibull needs shape and exactly one of scale or mean")
        return self

    @property
    def scale_value(self) -> float:
        if self.scale is not None:
            return float(self.scale)
        assert self.mean is not None  # the validator asks for scale or mean
        return float(self.mean) / math.gamma(1.0 + 1.0 / self.shape)

    @property
    def mean_value(self) -> float:
        return self.scale_value * math.gamma(1.0 + 1.0 / self.shape)

    def sampler(self) -> Sampler:
        scale, inv_shape = self.scale_value, 1.0 / self.shape
        log = math.log
        return lambda u: scale * (-log(1.0 - u)) ** inv_shape

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        return self.scale_value * (-np.log1p(-u)) ** (1.0 / self.shape)


class Deterministic(StrictModel):
    """Always the same value."""

    dist: Literal["deterministic"]
    """Family: deterministic."""
    value: Duration = Field(ge=0)

    @property
    def mean_value(self) -> float:
        return self.value

    def sampler(self) -> Sampler:
        value = self.value
        return lambda u: value

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        return np.full_like(u, self.value, dtype=float)


class Uniform(StrictModel):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    """Family: uniform."""
    low: Duration = Field(ge=0)
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("uniform needs high >= low")
        return self

    @property
    def mean_value(self) -> float:
        return (self.low + self.high) / 2.0

    def sampler(self) -> Sampler:
        low, width = self.low, self.high - self.low
        return lambda u: low + width * u

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * u


class Empirical(StrictModel):
    """Resampling of observed values, listed in ``values`` or read from a CSV ``file``.

    ``column`` names the column (default: the first one). ``unit`` scales the numbers, e.g.
    ``unit: min`` when the file holds minutes.

    Which files may be read: a relative path is taken from the scenario file's folder and must stay
    inside it (``data/talk.csv`` is fine, ``../talk.csv`` is refused), so a scenario passed on by
    someone else reads nothing beside or above it; an absolute path (``/srv/logs/talk.csv``) is the
    explicit way to name a file elsewhere. Either way only a regular file of at most
    :data:`~ccsim.config.limits.MAX_DATA_FILE_BYTES` is read (no device, pipe or folder), and no
    message quotes its content.
    """

    dist: Literal["empirical"]
    """Family: empirical."""
    values: tuple[float, ...] | None = Field(default=None, min_length=1, max_length=L.MAX_VALUES)
    """The observed values (in units of unit); or give file instead."""
    file: str | None = None
    """CSV file with a header row: relative to the scenario's folder and inside it, or an absolute path."""
    column: str | None = None
    """Column of file to read (default: the first)."""
    unit: Duration = Field(default=1.0, gt=0, description="Value of 1 in the data, e.g. 1min.")

    @field_validator("unit", mode="before")
    @classmethod
    def _bare_unit(cls, value: object) -> object:
        # "min" means one minute: the unit names a unit without a number.
        if isinstance(value, str) and value.strip().isalpha():
            return f"1{value.strip()}"
        return value

    @model_validator(mode="before")
    @classmethod
    def _read_file(cls, data: object, info: ValidationInfo) -> object:
        if not isinstance(data, dict) or data.get("file") is None or data.get("values") is not None:
            return data
        if not isinstance(data["file"], str) or not data["file"].strip():
            raise ValueError("empirical file: expected the name of a CSV file")
        base = Path((info.context or {}).get("base_dir", "."))
        return {**data, "values": read_column(data_file(base, data["file"]), data.get("column"))}

    @field_validator("values")
    @classmethod
    def _non_negative(cls, values: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if values is not None and min(values) < 0:
            raise ValueError("empirical values must be >= 0")
        return values

    @model_validator(mode="after")
    def _within_limit(self) -> Empirical:
        if self.values and max(self.values) * self.unit > L.MAX_DURATION:
            raise ValueError(f"empirical values times unit must be at most {L.MAX_DURATION:g} s (ten years)")
        return self

    @model_validator(mode="after")
    def _has_values(self) -> Empirical:
        if not self.values:
            raise ValueError("empirical needs a non-empty list of values or a CSV file")
        return self

    @property
    def scaled(self) -> np.ndarray:
        return np.sort(np.asarray(self.values, dtype=float)) * self.unit

    @property
    def mean_value(self) -> float:
        return float(self.scaled.mean())

    def sampler(self) -> Sampler:
        values = tuple(self.scaled.tolist())
        n = len(values)
        return lambda u: values[int(u * n)]

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        values = self.scaled
        return values[(u * len(values)).astype(int)]


def data_file(base: Path, name: str) -> Path:
    """The file an empirical block names: absolute as given, relative from ``base`` and inside it.

    The check is on the path as written (``..`` climbing out), not on where symbolic links lead,
    so a data folder linked into the scenario's folder still works.
    """
    path = Path(name)
    if path.is_absolute():
        return path
    inside = os.path.normpath(base / path)
    folder = os.path.normpath(base)
    if os.path.commonpath([os.path.abspath(inside), os.path.abspath(folder)]) != os.path.abspath(folder):
        raise ValueError(f"empirical data file {name!r}: a relative path must stay inside the scenario's folder; "
                         "give an absolute path to read a file elsewhere")
    return Path(inside)


def read_column(path: Path, column: object) -> list[float]:
    """The numbers in one column of a CSV file (a header row first).

    Only a regular file of at most :data:`~ccsim.config.limits.MAX_DATA_FILE_BYTES` is read, so a
    device or a huge file cannot hang a run; messages never quote the file's content.
    """
    shown = str(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise ValueError(f"cannot read empirical data file {shown!r}: {exc.strerror or 'not found'}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"empirical data file {shown!r} is not a regular file")
    if info.st_size > L.MAX_DATA_FILE_BYTES:
        raise ValueError(f"empirical data file {shown!r} is larger than {L.MAX_DATA_FILE_BYTES // 2**20} MiB")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise ValueError(f"cannot read empirical data file {shown!r}: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error):
        raise ValueError(f"empirical data file {shown!r} is not a UTF-8 CSV file") from None
    if not rows:
        raise ValueError(f"empirical data file {shown!r} is empty")
    header, body = rows[0], rows[1:]
    if column is None:
        index = 0
    elif column in header:
        index = header.index(column)
    else:
        raise ValueError(f"column {column!r} not in the header of {shown!r} ({len(header)} columns)")
    values = []
    for number, row in enumerate(body, start=2):
        if len(row) > index and row[index].strip():
            try:
                values.append(float(row[index]))
            except ValueError:
                raise ValueError(f"{shown!r} line {number}: not a number in the data column") from None
    return values


class MixtureComponent(StrictModel):
    """One weighted component of a mixture."""

    weight: float = Field(le=L.MAX_WEIGHT, gt=0)
    """Relative weight of this component (weights are normalised to sum to 1)."""
    distribution: Distribution
    """The component's distribution (any family but a mixture)."""


class Mixture(StrictModel):
    """A finite mixture, e.g. the three-phase hyperexponential of redial delays."""

    dist: Literal["mixture"]
    """Family: mixture."""
    components: tuple[MixtureComponent, ...] = Field(min_length=1)
    """The component distributions, each with its weight."""

    @property
    def weights(self) -> np.ndarray:
        w = np.array([c.weight for c in self.components], dtype=float)
        return w / w.sum()

    @property
    def mean_value(self) -> float:
        return float(sum(w * c.distribution.mean_value for w, c in zip(self.weights, self.components)))

    def sampler(self) -> Sampler:
        # One uniform picks the component and, rescaled within that component's band, is again a
        # uniform that the component inverts: no second draw is needed.
        bounds = np.cumsum(self.weights).tolist()
        bounds[-1] = 1.0
        lows = [0.0] + bounds[:-1]
        parts = [c.distribution.sampler() for c in self.components]
        bands = list(zip(lows, bounds, parts))

        def draw(u: float) -> float:
            for low, high, part in bands:
                if u < high:
                    return part(min(max((u - low) / (high - low), 1e-16), 1 - 1e-16))
            return parts[-1](u)

        return draw

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        draw = self.sampler()
        return np.array([draw(x) for x in np.ravel(u)]).reshape(np.shape(u))


Distribution = Annotated[
    Union[Exponential, Lognormal, Gamma, Weibull, Deterministic, Uniform, Empirical, Mixture],
    Field(discriminator="dist"),
]
"""Any distribution block; ``dist`` selects the family."""

MixtureComponent.model_rebuild()
Mixture.model_rebuild()


def constant(value: float) -> Deterministic:
    """A deterministic distribution, for defaults in code."""
    return Deterministic(dist="deterministic", value=value)
