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
    op, p = type(node.op), _prec(node)
    left, right = to_latex(node.left), to_latex(node.right)
    if op is ast.Div:
        return rf"\frac{{{left}}}{{{right}}}"
    if op is ast.Pow:
        base = left if _prec(node.left) == 5 and not isinstance(node.left, ast.Call) else rf"\left({left}\right)"
        return f"{base}^{{{right}}}"
    left = rf"\left({left}\right)" if _prec(node.left) < p else left
    # the right operand of − (and of ·) needs brackets at equal precedence: a − (b + c)
    right = rf"\left({right}\right)" if _prec(node.right) < p or (op is ast.Sub and _prec(node.right) == p) \
        else right
    if op is ast.Mult and isinstance(node.left, ast.Constant) and right[0].isalpha():
        return f"{left}{right}"  # 10y^{2}, not 10 · y^{2}
    sign = {ast.Add: "+", ast.Sub: "-"}.get(op, r"\cdot")
    return f"{left} {sign} {right}"


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


def quadratic_form(tree: ast.AST):
    """(Hessian, minimum) of a quadratic expression: the constant Hessian ((fxx, fxy), (fxy, fyy))
    read off its coefficients, and its minimum −H⁻¹∇f(0) when H is positive definite (else None).
    None for an expression that is not a polynomial of degree 2."""
    p = polynomial(tree)
    if p is None or _degree(p) != 2 or not all(math.isfinite(v) for v in p.values()):
        return None
    a, b, c = p.get((2, 0), 0.0), p.get((1, 1), 0.0), p.get((0, 2), 0.0)
    hessian = ((2.0 * a, b), (b, 2.0 * c))
    H = np.array(hessian)
    if np.linalg.eigvalsh(H).min() <= 0:
        return hessian, None
    z = np.linalg.solve(H, -np.array([p.get((1, 0), 0.0), p.get((0, 1), 0.0)]))
    return hessian, (float(z[0]) + 0.0, float(z[1]) + 0.0)  # (+ 0.0: no −0)


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


def custom_surface(text: str, view=((-5.0, 5.0), (-5.0, 5.0)), start=DEFAULT_START) -> Surface:
    """A Surface from user text; its gradient is numerical (central differences). A quadratic's
    Hessian and minimum are exact (read off its coefficients); any other surface's minimum is
    estimated on a grid over the view (marked as approximate)."""
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
    log_levels = bool(high - low > 15 * max(median - low, 1e-12))  # Rosenbrock 17.5, Booth 10.8
    latex = to_latex(tree)
    # a quadratic gets its exact Hessian (so the 2/λmax stability limit) and, if it has one, its minimum
    quad = quadratic_form(tree)
    hessian, minimum = quad if quad is not None else (None, None)
    extra = {"text": text} if minimum is not None else {"approx_min": approx_min, "text": text}
    return Surface("custom", latex, f, numeric_gradient(f), (minimum,) if minimum else (), view, start,
                   log_levels=log_levels, hessian=hessian, numeric_gradient=True, extra=extra)
