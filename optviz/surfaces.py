"""2-D test surfaces: value and analytic gradient side by side, vectorized over arrays of x and y.

Each surface is a small frozen record. ``f(x, y)`` and ``grad(x, y)`` accept numpy arrays of any
(matching) shape; ``grad`` returns the pair ``(df/dx, df/dy)``.

Each is written once, here: f and its gradient as Python functions (checked against central
differences in the tests). numpy runs them; the fused C runs a translation of each gradient that is
plain arithmetic, generated from the function's own statements (optviz.codegen) when the library is
built; a quadratic's constant Hessian is read off its gradient (``constant_hessian``). To add a
surface: its two functions and its entry in ``_ALL``, nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Array = np.ndarray
_TAU = 2.0 * np.pi


@dataclass(frozen=True)
class Surface:
    id: str
    latex: str
    f: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], tuple[Array, Array]]
    minima: tuple[tuple[float, float], ...]  # global minima (empty when unbounded below)
    view: tuple[tuple[float, float], tuple[float, float]]  # ((xmin, xmax), (ymin, ymax))
    start: tuple[float, float]
    log_levels: bool = False  # contour levels spaced logarithmically (steep valleys)
    hessian: tuple[tuple[float, float], tuple[float, float]] | None = None  # constant Hessian of a quadratic
    local_minima: tuple[tuple[float, float], ...] = ()  # other (non-global) minima worth marking
    numeric_gradient: bool = False  # gradient by central differences (custom surfaces)
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __reduce__(self):
        """Pickled by name, not by its functions (lambdas, which pickle cannot carry to a worker
        process, optviz.worker): a registry surface is looked up again by its id."""
        if SURFACES.get(self.id) is not self:
            raise TypeError(f"surface {self.id!r} is not in the registry and cannot be pickled")
        return get, (self.id,)

    def value(self, x, y) -> Array:
        return self.f(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    @property
    def min_value(self) -> float | None:
        if not self.minima:
            return None
        return float(self.f(np.float64(self.minima[0][0]), np.float64(self.minima[0][1])))

    @property
    def stability_limit(self) -> float | None:
        """Largest learning rate for which plain gradient descent converges on a quadratic: 2/λ_max.

        None when the surface is not a quadratic with a positive-definite Hessian.
        """
        if self.hessian is None:
            return None
        eig = np.linalg.eigvalsh(np.array(self.hessian, dtype=float))
        if eig.min() <= 0:
            return None
        return float(2.0 / eig.max())

    def distance_to_minimum(self, x, y) -> Array:
        """Euclidean distance from (x, y) to the nearest global minimum (NaN if there is none)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if not self.minima:
            return np.full(np.broadcast(x, y).shape, np.nan)
        d = [np.hypot(x - mx, y - my) for mx, my in self.minima]
        return np.minimum.reduce(d) if len(d) > 1 else d[0]


def constant_hessian(grad) -> tuple[tuple[float, float], tuple[float, float]]:
    """The Hessian of a quadratic, read off its gradient (which is then linear): column j is
    grad(e_j) − grad(0), exact for the small coefficients of the registry's quadratics."""
    g0 = grad(0.0, 0.0)
    cols = [grad(1.0, 0.0), grad(0.0, 1.0)]
    return tuple(tuple(float(cols[j][i] - g0[i]) for j in range(2)) for i in range(2))


# --- the registry ------------------------------------------------------------------------------

def _quadratic_f(x, y):
    return x * x + 10.0 * y * y


def _quadratic_g(x, y):
    return 2.0 * x, 20.0 * y


def _book_f(x, y):
    return x * x / 20.0 + y * y


def _book_g(x, y):
    return x / 10.0, 2.0 * y


def _rosen_f(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosen_g(x, y):
    r = y - x * x
    return -2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * (y * y * y)


def _beale_f(x, y):
    a, b, c = _beale_terms(x, y)
    return a * a + b * b + c * c


def _beale_g(x, y):
    a, b, c = _beale_terms(x, y)
    gx = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1)
    gy = 2 * a * x + 2 * b * (2 * x * y) + 2 * c * (3 * x * y * y)
    return gx, gy


def _himmel_f(x, y):
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def _himmel_g(x, y):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


def _rastrigin_f(x, y):
    return 20.0 + x * x - 10.0 * np.cos(_TAU * x) + y * y - 10.0 * np.cos(_TAU * y)


def _rastrigin_g(x, y):
    return 2.0 * x + 10.0 * _TAU * np.sin(_TAU * x), 2.0 * y + 10.0 * _TAU * np.sin(_TAU * y)


def _saddle_f(x, y):
    return x * x - y * y


def _saddle_g(x, y):
    return 2.0 * x, -2.0 * y


def _booth_f(x, y):
    return (x + 2 * y - 7.0) ** 2 + (2 * x + y - 5.0) ** 2


def _booth_g(x, y):
    a = x + 2 * y - 7.0
    b = 2 * x + y - 5.0
    return 2 * a + 4 * b, 4 * a + 2 * b


def _ackley_f(x, y):
    r = np.sqrt(0.5 * (x * x + y * y))
    return (-20.0 * np.exp(-0.2 * r) - np.exp(0.5 * (np.cos(_TAU * x) + np.cos(_TAU * y)))
            + np.e + 20.0)


def _ackley_g(x, y):
    r = np.sqrt(0.5 * (x * x + y * y))
    # d/dx of -20 exp(-0.2 r) is 4 exp(-0.2 r) * 0.5 x / r; at r = 0 the (sub)gradient 0 is used.
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(r > 0, 2.0 * np.exp(-0.2 * r) / np.where(r > 0, r, 1.0), 0.0)
    e = np.exp(0.5 * (np.cos(_TAU * x) + np.cos(_TAU * y)))
    return k * x + e * np.pi * np.sin(_TAU * x), k * y + e * np.pi * np.sin(_TAU * y)


def _camel_f(x, y):
    x2 = x * x
    y2 = y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2


def _camel_g(x, y):
    x2 = x * x
    return 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y, x - 8.0 * y + 16.0 * (y * y * y)


def _rastrigin_local_minima(kmax: int = 5) -> tuple[tuple[float, float], ...]:
    """Rastrigin's other minima: in each coordinate u² − 10cos 2πu has a minimum near every integer
    k (a little closer to 0), where 2u + 20π sin 2πu = 0; Newton from u = k finds it."""
    u = np.arange(-kmax, kmax + 1, dtype=float)
    for _ in range(30):
        u = u - (2.0 * u + 10.0 * _TAU * np.sin(_TAU * u)) / (2.0 + 10.0 * _TAU**2 * np.cos(_TAU * u))
    return tuple((float(a), float(b)) for a in u for b in u if (a, b) != (0.0, 0.0))


_CAMEL_MIN = (0.08984201368301331, -0.7126564032704135)
_HIMMEL_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
)

_ALL = (
    Surface("quadratic", r"x^2 + 10y^2", _quadratic_f, _quadratic_g, ((0.0, 0.0),),
            ((-8.0, 8.0), (-4.0, 4.0)), (-7.0, 2.0), hessian=constant_hessian(_quadratic_g)),
    Surface("quadratic_book", r"\frac{x^2}{20} + y^2", _book_f, _book_g, ((0.0, 0.0),),
            ((-10.0, 10.0), (-5.0, 5.0)), (-7.0, 2.0), hessian=constant_hessian(_book_g)),
    Surface("rosenbrock", r"(1-x)^2 + 100(y-x^2)^2", _rosen_f, _rosen_g, ((1.0, 1.0),),
            ((-2.0, 2.0), (-1.0, 3.0)), (-1.5, 2.0), log_levels=True),
    Surface("beale", r"(1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2", _beale_f, _beale_g,
            ((3.0, 0.5),), ((-4.5, 4.5), (-4.5, 4.5)), (1.0, 1.5), log_levels=True),
    Surface("himmelblau", r"(x^2+y-11)^2 + (x+y^2-7)^2", _himmel_f, _himmel_g, _HIMMEL_MINIMA,
            ((-5.0, 5.0), (-5.0, 5.0)), (0.0, 0.0), log_levels=True),
    Surface("rastrigin", r"20 + \sum_{u\in\{x,y\}} \left(u^2 - 10\cos 2\pi u\right)", _rastrigin_f,
            _rastrigin_g, ((0.0, 0.0),), ((-5.12, 5.12), (-5.12, 5.12)), (2.3, 3.1),
            local_minima=_rastrigin_local_minima()),
    Surface("saddle", r"x^2 - y^2", _saddle_f, _saddle_g, (), ((-2.0, 2.0), (-2.0, 2.0)),
            (-1.8, 0.01), hessian=constant_hessian(_saddle_g)),
    Surface("booth", r"(x+2y-7)^2 + (2x+y-5)^2", _booth_f, _booth_g, ((1.0, 3.0),),
            ((-10.0, 10.0), (-10.0, 10.0)), (-6.0, -6.0), hessian=constant_hessian(_booth_g)),
    Surface("ackley", r"-20e^{-0.2\sqrt{(x^2+y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
            _ackley_f, _ackley_g, ((0.0, 0.0),), ((-5.0, 5.0), (-5.0, 5.0)), (3.2, 2.6)),
    Surface("six_hump_camel", r"\left(4 - 2.1x^2 + \frac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)y^2",
            _camel_f, _camel_g, (_CAMEL_MIN, (-_CAMEL_MIN[0], -_CAMEL_MIN[1])),
            ((-2.0, 2.0), (-1.2, 1.2)), (-1.5, 1.0),
            local_minima=((-1.7036067, 0.7960836), (1.7036067, -0.7960836),
                          (-1.6071047, -0.5686515), (1.6071047, 0.5686515))),
)

SURFACES: dict[str, Surface] = {s.id: s for s in _ALL}
ALL: tuple[Surface, ...] = _ALL
IDS: tuple[str, ...] = tuple(SURFACES)


def get(surface: str | Surface) -> Surface:
    """The surface with this id (a Surface passes through). Unknown ids raise ValueError."""
    if isinstance(surface, Surface):
        return surface
    try:
        return SURFACES[surface]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown surface {surface!r}; choose one of: {', '.join(IDS)}"
        ) from None


def numeric_gradient(f: Callable[[Array, Array], Array], h: float = 1e-6):
    """Central-difference gradient of f, vectorized like f. Step scaled with |x| for accuracy."""
    def grad(x, y):
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        hx = h * np.maximum(1.0, np.abs(x))
        hy = h * np.maximum(1.0, np.abs(y))
        gx = (f(x + hx, y) - f(x - hx, y)) / (2 * hx)
        gy = (f(x, y + hy) - f(x, y - hy)) / (2 * hy)
        return gx, gy
    return grad
