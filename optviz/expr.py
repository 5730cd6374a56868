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


class ExpressionError(ValueError):
    """A user expression that cannot be accepted; the message says why."""


def _compile(node: ast.AST) -> Callable:
    if isinstance(node, ast.Expression):
        return _compile(node.body)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExpressionError(f"only numbers are allowed as constants, not {node.value!r}")
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
        raise ExpressionError(f"unknown name {node.id!r}: use x, y, pi, e and the functions "
                              f"{', '.join(sorted(FUNCTIONS))}")
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
                raise ExpressionError("an exponent must be a plain number, such as x**2")
            if abs(p) > MAX_EXPONENT:
                raise ExpressionError(f"exponent {p:g} is too large (at most {MAX_EXPONENT})")
            return lambda x, y: left(x, y) ** p
        right = _compile(node.right)
        return lambda x, y: op(left(x, y), right(x, y))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = getattr(node.func, "id", None) or ast.unparse(node.func)
            raise ExpressionError(f"unknown function {name!r}; allowed: {', '.join(sorted(FUNCTIONS))}")
        if len(node.args) != 1 or node.keywords:
            raise ExpressionError(f"{node.func.id}() takes exactly one argument")
        fn = FUNCTIONS[node.func.id]
        arg = _compile(node.args[0])
        return lambda x, y: fn(arg(x, y))
    if isinstance(node, ast.Attribute):
        raise ExpressionError("attribute access (a.b) is not allowed")
    raise ExpressionError(f"{type(node).__name__} is not allowed in an expression; use numbers, "
                          "x, y, + - * / ** and functions such as sin(x)")


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


def parse(text: str) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Compile ``text`` to a vectorized ``f(x, y)``; raises ExpressionError for anything unsafe."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the expression is empty; try x**2 + 10*y**2")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is too long ({len(text)} characters, at most {MAX_LENGTH})")
    text = text.replace("^", "**")  # the common math notation
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"cannot read the expression: {e.msg} at character {e.offset}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"the expression is too complex (more than {MAX_NODES} parts)")
    compiled = _compile(tree)

    def f(x, y):
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(compiled(x, y), dtype=float), np.broadcast(x, y).shape) * 1.0

    return f


def custom_surface(text: str, view=((-5.0, 5.0), (-5.0, 5.0)), start=(3.0, 3.0)) -> Surface:
    """A Surface from user text; its gradient is numerical (central differences), and its minimum
    is estimated on a grid over the view (marked as approximate)."""
    f = parse(text)
    (x0, x1), (y0, y1) = view
    if not (x0 < x1 and y0 < y1):
        raise ExpressionError("the view range must have min < max")
    X, Y = np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201))
    Z = f(X, Y)
    if not np.isfinite(Z).any():
        raise ExpressionError("the expression is not finite anywhere in the view")
    i = np.nanargmin(np.where(np.isfinite(Z), Z, np.nan))
    approx_min = (float(X.flat[i]), float(Y.flat[i]))
    latex = text.replace("**", "^").replace("*", r"\cdot ")
    return Surface("custom", latex, f, numeric_gradient(f), (), view, start, numeric_gradient=True,
                   extra={"approx_min": approx_min, "text": text})
