"""Basic statistics of numeric data (toy's own implementation of the documented API).

Means and variances are computed exactly: every value is turned into an integer ratio, the
sums are kept as Fractions, and only the final result is converted back to the type of the
data (an int stays an int when the result is whole, as CPython's do)."""

import math
import random
from collections import Counter, namedtuple
from fractions import Fraction

__all__ = ["NormalDist", "StatisticsError", "correlation", "covariance", "fmean",
           "geometric_mean", "harmonic_mean", "linear_regression", "mean", "median",
           "median_grouped", "median_high", "median_low", "mode", "multimode", "pstdev",
           "pvariance", "quantiles", "stdev", "variance"]


class StatisticsError(ValueError):
    pass


# ---- exact sums ------------------------------------------------------------------------------

def _ratio(x):
    try:
        return x.as_integer_ratio()
    except AttributeError:
        pass
    if isinstance(x, Fraction):
        return x.numerator, x.denominator
    raise TypeError("can't convert type '%s' to numerator/denominator" % type(x).__name__)


def _result_type(current, value):
    """The type a result over mixed data takes: bool counts as int, int gives way to float or
    Fraction, and mixing float with Fraction/Decimal is allowed only as CPython allows it."""
    kind = type(value)
    if kind is bool:
        kind = int
    if current is None or current is kind:
        return kind
    if issubclass(kind, current):
        return kind
    if issubclass(current, kind):
        return current
    if current is int:
        return kind
    if kind is int:
        return current
    if issubclass(kind, float) or issubclass(current, float):
        return float
    raise TypeError("don't know how to coerce %s and %s" % (current.__name__, kind.__name__))


def _exact_sum(data):
    """(type, exact Fraction sum, count)."""
    kind = None
    total = Fraction(0)
    count = 0
    partial = {}
    for x in data:
        kind = _result_type(kind, x)
        n, d = _ratio(x)
        partial[d] = partial.get(d, 0) + n
        count += 1
    for d, n in partial.items():
        total += Fraction(n, d)
    return kind, total, count


def _convert(value, kind):
    """The exact Fraction `value` as an instance of `kind`."""
    if kind is int:
        return value.numerator if value.denominator == 1 else float(value)
    if kind is Fraction or kind is None:
        return value
    if issubclass(kind, int):
        kind = float
    try:
        return kind(value)
    except TypeError:
        return kind(value.numerator) / kind(value.denominator)


def _finite(kind, value):
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return True


# ---- averages --------------------------------------------------------------------------------

def mean(data):
    """Return the sample arithmetic mean of data."""
    kind, total, n = _exact_sum(data)
    if n < 1:
        raise StatisticsError("mean requires at least one data point")
    return _convert(total / n, kind)


def fmean(data, weights=None):
    """Convert data to floats and compute the arithmetic mean."""
    if weights is None:
        values = [float(x) for x in data]
        if not values:
            raise StatisticsError("fmean requires at least one data point")
        return math.fsum(values) / len(values)
    values = list(data)
    weights = list(weights)
    if len(weights) != len(values):
        raise StatisticsError("data and weights must be the same length")
    total = math.fsum(weights)
    if not total:
        raise StatisticsError("sum of weights must be non-zero")
    return math.fsum(x * w for x, w in zip(values, weights)) / total


def geometric_mean(data):
    """Convert data to floats and compute the geometric mean."""
    try:
        return math.exp(fmean(math.log(x) for x in data))
    except (ValueError, StatisticsError):
        raise StatisticsError("geometric mean requires a non-empty dataset containing "
                              "positive numbers") from None


def harmonic_mean(data, weights=None):
    """Return the harmonic mean of data."""
    data = list(data)
    errmsg = "harmonic mean does not support negative values"
    n = len(data)
    if n < 1:
        raise StatisticsError("harmonic_mean requires at least one data point")
    if n == 1 and weights is None:
        x = data[0]
        if isinstance(x, (int, float, Fraction)):
            if x < 0:
                raise StatisticsError(errmsg)
            return x
        raise TypeError("unsupported type")
    weights = [1] * n if weights is None else list(weights)
    if len(weights) != n:
        raise StatisticsError("Number of weights does not match data size")
    if any(w < 0 for w in weights):
        raise StatisticsError("Weights must be non-negative")
    if any(x < 0 for x in data):
        raise StatisticsError(errmsg)
    if any(x == 0 for x in data):
        return 0
    kind, weight_sum, _ = _exact_sum(weights)
    kind = None
    total = Fraction(0)
    for x, w in zip(data, weights):
        kind = _result_type(kind, x)
        total += Fraction(*_ratio(w)) / Fraction(*_ratio(x))
    if total <= 0:
        raise StatisticsError("Weighted sum must be positive")
    # Each weight / value is a true division, so int data gives a float mean.
    return _convert(weight_sum / total, float if kind is int else kind)


def median(data):
    """Return the median (middle value) of numeric data."""
    data = sorted(data)
    n = len(data)
    if n == 0:
        raise StatisticsError("no median for empty data")
    if n % 2 == 1:
        return data[n // 2]
    return (data[n // 2 - 1] + data[n // 2]) / 2


def median_low(data):
    """Return the low median of numeric data."""
    data = sorted(data)
    if not data:
        raise StatisticsError("no median for empty data")
    return data[(len(data) - 1) // 2]


def median_high(data):
    """Return the high median of data."""
    data = sorted(data)
    if not data:
        raise StatisticsError("no median for empty data")
    return data[len(data) // 2]


def median_grouped(data, interval=1):
    """Return the 50th percentile (median) of grouped continuous data."""
    data = sorted(data)
    n = len(data)
    if n == 0:
        raise StatisticsError("no median for empty data")
    if n == 1:
        return data[0]
    middle = data[n // 2]
    for value in (middle, interval):
        if isinstance(value, (str, bytes)):
            raise TypeError("expected number but got %r" % (value,))
    lower = middle - interval / 2
    below = sum(1 for x in data if x < middle)
    within = sum(1 for x in data if x == middle)
    return lower + interval * (n / 2 - below) / within


def mode(data):
    """Return the most common data point from discrete or nominal data."""
    counts = Counter(iter(data)).most_common(1)
    if not counts:
        raise StatisticsError("no mode for empty data")
    return counts[0][0]


def multimode(data):
    """Return a list of the most frequently occurring values."""
    counts = Counter(iter(data))
    if not counts:
        return []
    top = max(counts.values())
    return [value for value, count in counts.items() if count == top]


def quantiles(data, *, n=4, method="exclusive"):
    """Divide data into n continuous intervals with equal probability."""
    if n < 1:
        raise StatisticsError("n must be at least 1")
    data = sorted(data)
    size = len(data)
    if size < 2:
        raise StatisticsError("must have at least two data points")
    if method == "inclusive":
        span = size - 1
        cuts = []
        for i in range(1, n):
            j, delta = divmod(i * span, n)
            cuts.append((data[j] * (n - delta) + data[j + 1] * delta) / n)
        return cuts
    if method == "exclusive":
        span = size + 1
        cuts = []
        for i in range(1, n):
            j, delta = divmod(i * span, n)
            j = min(max(j, 1), size - 1)
            delta = i * span - j * n
            cuts.append((data[j - 1] * (n - delta) + data[j] * delta) / n)
        return cuts
    raise ValueError("Unknown method: %r" % (method,))


# ---- spread ----------------------------------------------------------------------------------

def _sum_of_squares(data, center=None):
    """(type, exact sum of squared deviations from the mean (or center), count, exact mean)."""
    data = list(data)
    kind, total, n = _exact_sum(data)
    if n == 0:
        return kind, Fraction(0), 0, Fraction(0)
    centre = total / n if center is None else Fraction(*_ratio(center))
    squares = Fraction(0)
    for x in data:
        deviation = Fraction(*_ratio(x)) - centre
        squares += deviation * deviation
    return kind, squares, n, centre


def _sqrt_of_fraction(value):
    """Correctly rounded float square root of a non-negative Fraction."""
    n, d = value.numerator, value.denominator
    if n == 0:
        return 0.0
    # Scale so the integer root has well over 53 significant bits, then round once.
    shift = max(0, 110 - (n.bit_length() - d.bit_length())) // 2 * 2
    root = math.isqrt((n << shift) // d)
    exact = root * root * d == n << shift
    approx = Fraction(root, 1 << (shift // 2))
    result = float(approx)
    if not exact:
        # The true root is slightly above `approx`; nudge only when that crosses a tie.
        upper = float(Fraction(root + 1, 1 << (shift // 2)))
        if upper != result:
            midpoint = (Fraction(result) + Fraction(upper)) / 2
            if midpoint * midpoint < value:
                result = upper
    return result


def variance(data, xbar=None):
    """Return the sample variance of data."""
    kind, squares, n, _ = _sum_of_squares(data, xbar)
    if n < 2:
        raise StatisticsError("variance requires at least two data points")
    return _convert(squares / (n - 1), kind)


def pvariance(data, mu=None):
    """Return the population variance of ``data``."""
    kind, squares, n, _ = _sum_of_squares(data, mu)
    if n < 1:
        raise StatisticsError("pvariance requires at least one data point")
    return _convert(squares / n, kind)


def _root(kind, value):
    if kind is not None and not issubclass(kind, (int, float)) and hasattr(kind, "sqrt"):
        return _convert(value, kind).sqrt()
    return _sqrt_of_fraction(value)


def stdev(data, xbar=None):
    """Return the square root of the sample variance."""
    kind, squares, n, _ = _sum_of_squares(data, xbar)
    if n < 2:
        raise StatisticsError("stdev requires at least two data points")
    return _root(kind, squares / (n - 1))


def pstdev(data, mu=None):
    """Return the square root of the population variance."""
    kind, squares, n, _ = _sum_of_squares(data, mu)
    if n < 1:
        raise StatisticsError("pstdev requires at least one data point")
    return _root(kind, squares / n)


# ---- two variables ---------------------------------------------------------------------------

def _paired(x, y, what):
    x, y = list(x), list(y)
    if len(x) != len(y):
        raise StatisticsError("%s requires that both inputs have same number of data points"
                              % what)
    if len(x) < 2:
        raise StatisticsError("%s requires at least two data points" % what)
    return x, y


def covariance(x, y, /):
    """Covariance."""
    x, y = _paired(x, y, "covariance")
    n = len(x)
    xbar, ybar = math.fsum(x) / n, math.fsum(y) / n
    sxy = math.fsum((xi - xbar) * (yi - ybar) for xi, yi in zip(x, y))
    return sxy / (n - 1)


def correlation(x, y, /):
    """Pearson's correlation coefficient."""
    x, y = _paired(x, y, "correlation")
    n = len(x)
    xbar, ybar = math.fsum(x) / n, math.fsum(y) / n
    sxy = math.fsum((xi - xbar) * (yi - ybar) for xi, yi in zip(x, y))
    sxx = math.fsum((d := xi - xbar) * d for xi in x)
    syy = math.fsum((d := yi - ybar) * d for yi in y)
    try:
        return sxy / math.sqrt(sxx * syy)
    except ZeroDivisionError:
        raise StatisticsError("at least one of the inputs is constant")


LinearRegression = namedtuple("LinearRegression", ("slope", "intercept"))


def linear_regression(x, y, /, *, proportional=False):
    """Slope and intercept for simple linear regression."""
    x, y = _paired(x, y, "linear regression")
    n = len(x)
    if proportional:
        sxy = math.fsum(xi * yi for xi, yi in zip(x, y))
        sxx = math.fsum(xi * xi for xi in x)
        if not sxx:
            raise StatisticsError("x is constant")
        return LinearRegression(slope=sxy / sxx, intercept=0.0)
    xbar, ybar = math.fsum(x) / n, math.fsum(y) / n
    sxy = math.fsum((xi - xbar) * (yi - ybar) for xi, yi in zip(x, y))
    sxx = math.fsum((d := xi - xbar) * d for xi in x)
    try:
        slope = sxy / sxx
    except ZeroDivisionError:
        raise StatisticsError("x is constant")
    return LinearRegression(slope=slope, intercept=ybar - slope * xbar)


# ---- the normal distribution -----------------------------------------------------------------

class NormalDist:
    """Normal distribution of a random variable"""

    __slots__ = {"_mu": "Arithmetic mean of a normal distribution",
                 "_sigma": "Standard deviation of a normal distribution"}

    def __init__(self, mu=0.0, sigma=1.0):
        if sigma < 0.0:
            raise StatisticsError("sigma must be non-negative")
        self._mu = float(mu)
        self._sigma = float(sigma)

    @classmethod
    def from_samples(cls, data):
        data = list(data)
        return cls(fmean(data), stdev(data))

    def samples(self, n, *, seed=None):
        gauss = random.gauss if seed is None else random.Random(seed).gauss
        return [gauss(self._mu, self._sigma) for _ in range(n)]

    def pdf(self, x):
        variance = self._sigma * self._sigma
        if not variance:
            raise StatisticsError("pdf() not defined when sigma is zero")
        diff = x - self._mu
        return math.exp(diff * diff / (-2.0 * variance)) / math.sqrt(math.tau * variance)

    def cdf(self, x):
        if not self._sigma:
            raise StatisticsError("cdf() not defined when sigma is zero")
        return 0.5 * (1.0 + math.erf((x - self._mu) / (self._sigma * math.sqrt(2.0))))

    def inv_cdf(self, p):
        if p <= 0.0 or p >= 1.0:
            raise StatisticsError("p must be in the range 0.0 < p < 1.0")
        if self._sigma <= 0.0:
            raise StatisticsError("cdf() not defined when sigma at or below zero")
        return self._mu + self._sigma * _standard_normal_quantile(p)

    def quantiles(self, n=4):
        return [self.inv_cdf(i / n) for i in range(1, n)]

    def overlap(self, other):
        if not isinstance(other, NormalDist):
            raise TypeError("Expected another NormalDist instance")
        x, y = self, other
        if (y._sigma, y._mu) < (x._sigma, x._mu):
            x, y = y, x
        x_var, y_var = x.variance, y.variance
        if not x_var or not y_var:
            raise StatisticsError("overlap() not defined when sigma is zero")
        dv = y_var - x_var
        dm = math.fabs(y._mu - x._mu)
        if not dv:
            return 1.0 - math.erf(dm / (2.0 * x._sigma * math.sqrt(2.0)))
        a = x._mu * y_var - y._mu * x_var
        b = x._sigma * y._sigma * math.sqrt(dm * dm + dv * math.log(y_var / x_var))
        x1 = (a + b) / dv
        x2 = (a - b) / dv
        return 1.0 - (math.fabs(y.cdf(x1) - x.cdf(x1)) + math.fabs(y.cdf(x2) - x.cdf(x2)))

    def zscore(self, x):
        if not self._sigma:
            raise StatisticsError("zscore() not defined when sigma is zero")
        return (x - self._mu) / self._sigma

    @property
    def mean(self):
        return self._mu

    @property
    def median(self):
        return self._mu

    @property
    def mode(self):
        return self._mu

    @property
    def stdev(self):
        return self._sigma

    @property
    def variance(self):
        return self._sigma * self._sigma

    def __add__(x1, x2):
        if isinstance(x2, NormalDist):
            return NormalDist(x1._mu + x2._mu, math.hypot(x1._sigma, x2._sigma))
        return NormalDist(x1._mu + x2, x1._sigma)

    def __sub__(x1, x2):
        if isinstance(x2, NormalDist):
            return NormalDist(x1._mu - x2._mu, math.hypot(x1._sigma, x2._sigma))
        return NormalDist(x1._mu - x2, x1._sigma)

    def __mul__(x1, x2):
        return NormalDist(x1._mu * x2, x1._sigma * math.fabs(x2))

    def __truediv__(x1, x2):
        return NormalDist(x1._mu / x2, x1._sigma / math.fabs(x2))

    def __pos__(x1):
        return NormalDist(x1._mu, x1._sigma)

    def __neg__(x1):
        return NormalDist(-x1._mu, x1._sigma)

    __radd__ = __add__

    def __rsub__(x1, x2):
        return -(x1 - x2)

    __rmul__ = __mul__

    def __eq__(x1, x2):
        if not isinstance(x2, NormalDist):
            return NotImplemented
        return x1._mu == x2._mu and x1._sigma == x2._sigma

    def __hash__(self):
        return hash((self._mu, self._sigma))

    def __repr__(self):
        return "%s(mu=%r, sigma=%r)" % (type(self).__name__, self._mu, self._sigma)

    def __getstate__(self):
        return self._mu, self._sigma

    def __setstate__(self, state):
        self._mu, self._sigma = state


def _polynomial(coefficients, x):
    """coefficients[0] + coefficients[1] * x + ..., by Horner's rule."""
    total = 0.0
    for c in reversed(coefficients):
        total = total * x + c
    return total


# Wichura's rational approximations (Applied Statistics algorithm AS 241, PPND16), accurate
# to about 1e-16: one pair for the central region, two for the tails.
_CENTRAL = ((3.387132872796366608, 133.14166789178437745, 1971.5909503065514427,
             13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
             33430.575583588128105, 2509.0809287301226727),
            (1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
             21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
             5226.495278852545925))
_NEAR_TAIL = ((1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
               3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
               0.0227238449892691845833, 7.7454501427834140764e-4),
              (1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
               0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
               1.05075007164441684324e-9))
_FAR_TAIL = ((6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358,
              0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
              2.71155556874348757815e-5, 2.01033439929228813265e-7),
             (1.0, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
              7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
              2.04426310338993978564e-15))


def _standard_normal_quantile(p):
    """The z with Phi(z) = p."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        numerator, denominator = _CENTRAL
        return q * _polynomial(numerator, r) / _polynomial(denominator, r)
    r = math.sqrt(-math.log(p if q <= 0.0 else 1.0 - p))
    if r <= 5.0:
        numerator, denominator = _NEAR_TAIL
        r -= 1.6
    else:
        numerator, denominator = _FAR_TAIL
        r -= 5.0
    z = _polynomial(numerator, r) / _polynomial(denominator, r)
    return -z if q < 0.0 else z
