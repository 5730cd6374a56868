"""Safe parsing of user-typed surfaces such as ``x**2 + 10*y**2`` or ``sin(x)*cos(y)``.

The text is parsed with :mod:`ast` and only a whitelist is accepted: numbers, the variables x and y,
the constants pi and e, + − * / ** (constant exponents up to ±MAX_EXPONENT), and numpy math
functions called by name. The tree is turned into nested numpy closures: nothing is ever passed to
``eval`` or ``exec``. Anything else raises :class:`ExpressionError` with a message for people.
"""
from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .errors import CodedError
from .surfaces import Surface, numeric_gradient

MAX_LENGTH = 200
MAX_NODES = 120
MAX_EXPONENT = 16

FUNCTIONS: dict[str, Callable] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "abs": np.abs, "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh, "arctan": np.arctan,
    "atan": np.arctan, "log1p": np.log1p, "expm1": np.expm1,
}
CONSTANTS = {"pi": math.pi, "e": math.e}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}


# English messages; the pages show the catalog's ``expr.<code>`` in the chosen language.
MESSAGES = {
    "empty": "the expression is empty; try x**2 + 10*y**2",
    "too_long": "the expression is too long ({length} characters, at most {max})",
    "syntax": "cannot read the expression: {msg} at character {offset}",
    "complex": "the expression is too complex (more than {max} parts)",
    "constant": "only numbers are allowed as constants, not {value}",
    "name": "unknown name '{name}': use x, y, pi, e and the functions {functions}",
    "exponent": "an exponent must be a plain number, such as x**2 (or the base a positive number, such as 2**x or e**x)",
    "exponent_large": "exponent {p:g} is too large (at most {max})",
    "function": "unknown function '{name}'; allowed: {functions}",
    "arity": "{name}() takes exactly one argument",
    "attribute": "attribute access (a.b) is not allowed",
    "not_allowed": "'{part}' is not allowed in an expression; use numbers, x, y, + - * / ** and functions such as sin(x)",
    "view": "the view range must have min < max",
    "not_finite": "the expression is not finite anywhere in the view",
}


class ExpressionError(CodedError):
    """A user expression that cannot be accepted: ``code`` names the reason (a key of MESSAGES),
    ``params`` fill its message; ``str()`` is the English message."""

    MESSAGES = MESSAGES


def _functions() -> str:
    return ", ".join(sorted(FUNCTIONS))


def _has_variable(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id in ("x", "y") for n in ast.walk(node))


def _compile(node: ast.AST) -> Callable:
    if isinstance(node, ast.Expression):
        return _compile(node.body)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError("constant", value=repr(node.value)[:30])
        v = float(node.value)
        return lambda x, y: v
    if isinstance(node, ast.Name):
        if node.id == "x":
            return lambda x, y: x
        if node.id == "y":
            return lambda x, y: y
        if node.id in CONSTANTS:
            c = CONSTANTS[node.id]
            return lambda x, y: c
        raise ExpressionError("name", name=node.id[:30], functions=_functions())
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda x, y: -inner(x, y)
        return inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op = _BINARY[type(node.op)]
        left = _compile(node.left)
        if isinstance(node.op, ast.Pow):
            p = _constant_value(node.right)
            if p is None:
                base = _constant_value(node.left)
                if base is None and isinstance(node.left, ast.Name) and node.left.id in CONSTANTS:
                    base = CONSTANTS[node.left.id]
                if base is not None and base > 0 and _has_variable(node.right):  # 2**x, e**(-x**2)
                    exponent = _compile(node.right)
                    return lambda x, y: base ** exponent(x, y)
                raise ExpressionError("exponent")
            if abs(p) > MAX_EXPONENT:
                raise ExpressionError("exponent_large", p=p, max=MAX_EXPONENT)
            return lambda x, y: left(x, y) ** p
        right = _compile(node.right)
        return lambda x, y: op(left(x, y), right(x, y))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = getattr(node.func, "id", None) or ast.unparse(node.func)
            raise ExpressionError("function", name=name[:30], functions=_functions())
        if len(node.args) != 1 or node.keywords:
            raise ExpressionError("arity", name=node.func.id)
        fn = FUNCTIONS[node.func.id]
        arg = _compile(node.args[0])
        return lambda x, y: fn(arg(x, y))
    if isinstance(node, ast.Attribute):
        raise ExpressionError("attribute")
    raise ExpressionError("not_allowed", part=ast.unparse(node)[:40])


# --- LaTeX of a parsed expression, for the formula above the plot ------------------------------

_LATEX_FUNCTIONS = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "exp": r"\exp", "log": r"\ln",
                    "tanh": r"\tanh", "sinh": r"\sinh", "cosh": r"\cosh", "arctan": r"\arctan",
                    "atan": r"\arctan", "log1p": r"\operatorname{log1p}", "expm1": r"\operatorname{expm1}"}
_PREC = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}


def _number(v) -> str:
    text = f"{float(v):.10g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exp)}}}"
    return text


def _prec(node) -> int:
    if isinstance(node, ast.BinOp):
        return _PREC[type(node.op)]
    if isinstance(node, ast.UnaryOp):
        return 3
    if isinstance(node, ast.Compare):  # (in update rules) binds loosest
        return 0
    return 5


def to_latex(node: ast.AST) -> str:
    """LaTeX for an accepted expression tree: x^{12}, \\frac{a}{b}, \\sin\\left(x\\right)."""
    if isinstance(node, ast.Expression):
        return to_latex(node.body)
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.Name):
        return {"pi": r"\pi"}.get(node.id, node.id)
    if isinstance(node, ast.UnaryOp):
        inner = to_latex(node.operand)
        inner = rf"\left({inner}\right)" if _prec(node.operand) <= 2 else inner
        return ("-" if isinstance(node.op, ast.USub) else "+") + inner
    if isinstance(node, ast.Call):
        arg = to_latex(node.args[0])
        name = node.func.id
        if name == "sqrt":
            return rf"\sqrt{{{arg}}}"
        if name == "abs":
            return rf"\left|{arg}\right|"
        return rf"{_LATEX_FUNCTIONS[name]}\left({arg}\right)"
    def times(left: str, right: str) -> str:
        if isinstance(node.left, ast.Constant) and right[0].isalpha():
            return f"{left}{right}"  # 10y^{2}, not 10 · y^{2}
        return rf"{left} \cdot {right}"
    return binop_latex(node, to_latex(node.left), to_latex(node.right), times)


def binop_latex(node: ast.BinOp, left: str, right: str, times) -> str:
    """LaTeX of ``left op right`` (both already LaTeX): fractions, powers, the brackets precedence
    needs; ``times(left, right)`` writes a product (custom surfaces and update rules differ there)."""
    op, p = type(node.op), _prec(node)
    if op is ast.Div:
        return rf"\frac{{{left}}}{{{right}}}"
    if op is ast.Pow:
        base = left if _prec(node.left) == 5 and not isinstance(node.left, ast.Call) else rf"\left({left}\right)"
        return f"{base}^{{{right}}}"
    left = rf"\left({left}\right)" if _prec(node.left) < p else left
    # the right operand of − (and of ·) needs brackets at equal precedence: a − (b + c)
    right = rf"\left({right}\right)" if _prec(node.right) < p or (op is ast.Sub and _prec(node.right) == p) \
        else right
    if op is ast.Mult:
        return times(left, right)
    return f"{left} {'+' if op is ast.Add else '-'} {right}"


def _constant_value(node: ast.AST) -> float | None:
    """The value of a numeric literal, possibly signed (``2``, ``-0.5``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _constant_value(node.operand)
        if v is not None:
            return -v if isinstance(node.op, ast.USub) else v
    return None


# --- a quadratic typed by hand: its exact Hessian and minimum ------------------------------------

POLY_DEGREE = 4  # the highest degree kept while expanding; beyond it the text is no quadratic


def polynomial(node: ast.AST) -> dict[tuple[int, int], float] | None:
    """The expression as a polynomial {(i, j): coefficient of xⁱyʲ}, expanded from the accepted
    tree (+ − ·, division by a constant, whole powers up to POLY_DEGREE); None for anything else
    (a function, x/y, 2**x, a higher degree)."""
    if isinstance(node, ast.Expression):
        return polynomial(node.body)
    if isinstance(node, ast.Constant):
        return {(0, 0): float(node.value)}
    if isinstance(node, ast.Name):
        return {"x": {(1, 0): 1.0}, "y": {(0, 1): 1.0}}.get(node.id) or (
            {(0, 0): CONSTANTS[node.id]} if node.id in CONSTANTS else None)
    if isinstance(node, ast.UnaryOp):
        inner = polynomial(node.operand)
        if inner is None:
            return None
        return {k: -v for k, v in inner.items()} if isinstance(node.op, ast.USub) else inner
    if not isinstance(node, ast.BinOp):
        return None
    a, b = polynomial(node.left), polynomial(node.right)
    if a is None or b is None:
        return None
    op = type(node.op)
    if op in (ast.Add, ast.Sub):
        sign = 1.0 if op is ast.Add else -1.0
        out = dict(a)
        for k, v in b.items():
            out[k] = out.get(k, 0.0) + sign * v
        return _capped(out)
    if op is ast.Mult:
        return _times(a, b)
    c = b.get((0, 0), 0.0) if _degree(b) == 0 else None
    if op is ast.Div:
        return {k: v / c for k, v in a.items()} if c else None
    if op is ast.Pow and c is not None and c == int(c) and 0 <= c <= POLY_DEGREE:
        out = {(0, 0): 1.0}
        for _ in range(int(c)):
            out = _times(out, a)
            if out is None:
                return None
        return out
    return None


def _degree(p: dict) -> int:
    return max((i + j for (i, j), v in p.items() if v != 0), default=0)


def _capped(p: dict) -> dict | None:
    return p if _degree(p) <= POLY_DEGREE else None


def _times(a: dict, b: dict) -> dict | None:
    if _degree(a) + _degree(b) > POLY_DEGREE:
        return None
    out: dict = {}
    for (i, j), u in a.items():
        for (k, m), v in b.items():
            out[i + k, j + m] = out.get((i + k, j + m), 0.0) + u * v
    return out


# Curvature below which a direction counts as flat: absolutely, below CURVATURE_FLOOR (over the
# whole range of starts the page accepts, |x| ≤ 10⁴, such a term changes f by less than 5·10⁻⁵, and
# no run of at most 5000 steps with lr ≤ 100 feels it: lr·λ·steps ≤ 5·10⁻⁷), and relatively, below
# RANK_TOL × the largest curvature (rounding of the eigenvalues of a 2 × 2 matrix is ~10⁻¹⁶ of it).
# 1e-320·x² is flat, so is the smaller eigenvalue of (x + y)² up to rounding; x² + 1e-10·y² is not.
CURVATURE_FLOOR = 1e-12
RANK_TOL = 1e-12
SLOPE_TOL = 1e-9  # a slope along a flat direction counts when above this share of the whole gradient at 0


@dataclass(frozen=True)
class QuadraticForm:
    """A polynomial of degree ≤ 2, ½ zᵀHz + gᵀz + c, and what it has to offer an optimizer.

    ``kind``: "minimum" (H positive definite: one minimum), "valley" (H singular and positive
    semi-definite, g in its range: a whole line of lowest points), "flat" (no curvature and no
    slope worth the name: every point is as low as any), "unbounded" (a direction of negative
    curvature — a hill or a saddle — or a slope along a flat direction, as a plane has: no minimum,
    f falls without end). ``limit`` is 2/λmax, the largest lr plain gradient descent converges
    with, only where it means something: a bounded quadratic with λmax > 0 (always finite here)."""
    hessian: tuple
    kind: str
    minimum: tuple | None
    limit: float | None
    eigenvalues: tuple


def quadratic_form(tree: ast.AST) -> QuadraticForm | None:
    """The exact Hessian, minimum and stability limit of a polynomial of degree 1 or 2 read off
    its coefficients; None for anything else (a constant, a higher degree, a function)."""
    p = polynomial(tree)
    if p is None or _degree(p) not in (1, 2) or not all(math.isfinite(v) for v in p.values()):
        return None
    a, b, c = p.get((2, 0), 0.0), p.get((1, 1), 0.0), p.get((0, 2), 0.0)
    hessian = ((2.0 * a, b), (b, 2.0 * c))
    H = np.array(hessian)
    g = np.array([p.get((1, 0), 0.0), p.get((0, 1), 0.0)])
    if not (np.isfinite(H).all() and np.isfinite(g).all()):  # 2 × 10³⁰⁸ overflowed
        return None
    with np.errstate(all="ignore"):  # coefficients near 10³⁰⁸ overflow: caught just below
        lam, V = np.linalg.eigh(H)  # ascending; V's columns are the directions
        slope = V.T @ g  # the linear term along each direction
        size = float(np.hypot(*g))
    if not (np.isfinite(lam).all() and np.isfinite(slope).all() and math.isfinite(size)):
        return None
    tol = max(CURVATURE_FLOOR, RANK_TOL * float(np.abs(lam).max()))
    flat = np.abs(lam) <= tol
    sloped = flat & (np.abs(slope) > SLOPE_TOL * size)
    eig = (float(lam[0]), float(lam[1]))
    if (lam < -tol).any() or sloped.any():
        return QuadraticForm(hessian, "unbounded", None, None, eig)
    if flat.all():
        return QuadraticForm(hessian, "flat", None, None, eig)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # the lowest point (of the valley's floor: the one nearest 0), −H⁺g over the curved directions
        z = -(V[:, ~flat] @ (slope[~flat] / lam[~flat]))
        if not flat.any():
            z = np.linalg.solve(H, -g)  # the same numbers as ever for a quadratic with a minimum
    if not np.isfinite(z).all():  # farther than numbers go: it falls for as long as anyone can follow
        return QuadraticForm(hessian, "unbounded", None, None, eig)
    limit = 2.0 / float(lam[1])  # λmax ≥ 10⁻¹²: at most 2 × 10¹²
    if flat.any():
        return QuadraticForm(hessian, "valley", None, limit, eig)
    return QuadraticForm(hessian, "minimum", (float(z[0]) + 0.0, float(z[1]) + 0.0), limit, eig)  # (no −0)


# --- what evaluating an expression costs (the playground refuses work beyond its budget) ---------
# Seconds per numpy call and per point of the arrays it gets, for each kind of part. Measured on the
# 2-core development machine with other work running: ten copies of each part added up, evaluated
# on 1, 41, 2 000 and 16 384 points (time.thread_time, best of 3); a part's figure is the largest
# seen for its kind, rounded up. A name or number: 0.2–0.3 µs, nothing per point. + − × ÷, abs,
# sqrt and the fast powers (x², √x, 1/x): 0.6–1.0 µs and 0.8–2 ns per point. Any other function
# or power (sin, tanh, x³, x^-3, 2^x): 0.7–1.5 µs and 6–19 ns per point on values in ±3 (x^-3: 18.5),
# up to 29 on values near 10⁵ (x³, 2^x) and 41 on subnormal ones (x³); 25 ns covers all but such
# extremes (sin, tan of 10³⁰⁰: 76, 103 ns), which the safety of the other constants absorbs.
LEAF_COST = (0.3e-6, 0.0)
CHEAP_COST = (1.0e-6, 2e-9)
HEAVY_COST = (1.5e-6, 25e-9)
CHEAP_FUNCTIONS = frozenset({"abs", "sqrt"})
CHEAP_POWERS = frozenset({0.0, 0.5, 1.0, -1.0, 2.0})  # numpy's fast paths
# Around the parts: ``_function`` (np.errstate, broadcasting, a copy) per evaluation, and the
# central differences (four evaluations, steps, quotients) per gradient. Measured with the
# expression ``x``: a gradient costs 50 µs per call and 41 ns per point.
EVAL_WRAP = (10e-6, 5e-9)
GRADIENT_WRAP = (20e-6, 30e-9)


def _parts_cost(tree: ast.AST) -> tuple[float, float]:
    call = point = 0.0
    names = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}  # sin in sin(x): no call
    for node in ast.walk(tree):
        if id(node) in names:
            continue
        if isinstance(node, (ast.Constant, ast.Name)):
            c = LEAF_COST
        elif isinstance(node, ast.UnaryOp):
            c = CHEAP_COST
        elif isinstance(node, ast.BinOp):
            p = _constant_value(node.right) if isinstance(node.op, ast.Pow) else None
            c = HEAVY_COST if isinstance(node.op, ast.Pow) and p not in CHEAP_POWERS else CHEAP_COST
        elif isinstance(node, ast.Call):
            c = CHEAP_COST if getattr(node.func, "id", "") in CHEAP_FUNCTIONS else HEAVY_COST
        else:
            continue  # Load, operators, the Expression wrapper: no call of their own
        call, point = call + c[0], point + c[1]
    return call, point


def gradient_cost(tree: ast.AST) -> tuple[float, float]:
    """(seconds per call, seconds per point) of the numerical gradient of an accepted expression:
    four evaluations and the central differences around them. An upper bound by construction
    (every part is charged as the slowest of its kind); tests check its units and monotonicity."""
    call, point = _parts_cost(tree)
    return (GRADIENT_WRAP[0] + 4 * (EVAL_WRAP[0] + call), GRADIENT_WRAP[1] + 4 * (EVAL_WRAP[1] + point))


def _tree(text: str) -> ast.Expression:
    text = text.replace("^", "**")  # the common math notation
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ExpressionError("syntax", msg=e.msg, offset=e.offset) from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError("complex", max=MAX_NODES)
    return tree


def _checked_tree(text: str) -> ast.Expression:
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError("too_long", length=len(text), max=MAX_LENGTH)
    return _tree(text)


def _function(tree: ast.Expression) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    compiled = _compile(tree)

    def f(x, y):
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(compiled(x, y), dtype=float), np.broadcast(x, y).shape) * 1.0

    return f


def parse(text: str) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Compile ``text`` to a vectorized ``f(x, y)``; raises ExpressionError for anything unsafe."""
    return _function(_checked_tree(text))


DEFAULT_START = (3.0, 3.0)


@dataclass(frozen=True)
class CustomSurface(Surface):
    """A typed surface. Its stability limit is its quadratic form's (None unless it is a quadratic
    that is bounded below with λmax > 0): 2/λmax recomputed from a singular or indefinite Hessian
    would be infinite or meaningless. ``cost``: (seconds per call, per point) of its gradient."""
    quadratic: QuadraticForm | None = None
    cost: tuple = GRADIENT_WRAP

    @property
    def stability_limit(self) -> float | None:
        return self.quadratic.limit if self.quadratic is not None else None

    def __reduce__(self):
        """Pickled as its text, view and start, and parsed again (optviz.worker)."""
        return custom_surface, (self.extra["text"], self.view, self.start)


def custom_surface(text: str, view=((-5.0, 5.0), (-5.0, 5.0)), start=DEFAULT_START) -> CustomSurface:
    """A Surface from user text; its gradient is numerical (central differences). A polynomial of
    degree ≤ 2 gets its exact Hessian, and its minimum and stability limit where it has them (none
    when it is unbounded below or has a line of minima: ``quadratic.kind`` says which); any other
    surface's minimum is estimated on a grid over the view (marked as approximate)."""
    tree = _checked_tree(text)
    f = _function(tree)
    (x0, x1), (y0, y1) = view
    if not (x0 < x1 and y0 < y1):
        raise ExpressionError("view")
    X, Y = np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201))
    Z = f(X, Y)
    if not np.isfinite(Z).any():
        raise ExpressionError("not_finite")
    i = np.nanargmin(np.where(np.isfinite(Z), Z, np.nan))
    approx_min = (float(X.flat[i]), float(Y.flat[i]))
    # contour levels on a log scale when most of the view lies far below its highest values (a
    # narrow valley, a steep rim), as the registry does for Rosenbrock
    finite = Z[np.isfinite(Z)]
    low, median, high = finite.min(), np.median(finite), finite.max()
    with np.errstate(over="ignore"):  # values near ±10³⁰⁸: a difference may overflow (to inf: log levels)
        log_levels = bool(high - low > 15 * max(median - low, 1e-12))  # Rosenbrock 17.5, Booth 10.8
    latex = to_latex(tree)
    # a quadratic gets its exact Hessian (so the 2/λmax stability limit) and, if it has one, its
    # minimum; one without a minimum gets no star (the grid's lowest point of a surface that falls
    # without end is only a corner of the view)
    quad = quadratic_form(tree)
    minimum = quad.minimum if quad is not None else None
    extra = {"text": text} if quad is not None else {"approx_min": approx_min, "text": text}
    return CustomSurface("custom", latex, f, numeric_gradient(f), (minimum,) if minimum else (), view, start,
                         log_levels=log_levels, hessian=quad.hessian if quad is not None else None,
                         numeric_gradient=True, extra=extra, quadratic=quad, cost=gradient_cost(tree))
