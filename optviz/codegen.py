"""C for the fused trajectory kernels, generated from the built-in optimizers' rules and the
registry surfaces' gradients.

``codegen.write()`` writes ``optviz/_fused_rules.h``, which ``_fused.c`` includes: for each
built-in whose rule C can compute exactly as numpy does, its hyperparameters, the parts of a step
that hold only numbers (computed once per step), the start values of its states and its update of
one coordinate, all written from the rule's tree; and for each registry surface whose gradient is
plain arithmetic, that gradient, written from the tree of its Python function in surfaces.py (the
one place it is written: numpy runs that function, C its translation). Only the built-ins' rules become C (never text a
user typed), at build time (``make``, and ``pip install`` through setup.py); ``fused.py`` uses a
built library only if it was built from the rules running (``RULES_HASH``).

The C computes the very operations of the pure update (optviz.rules) in the same order: constants
as exact hexadecimal doubles, + − × ÷ and √ correctly rounded in both, Python's float ** (libm's
pow) for powers of numbers, comparisons as 1.0 / 0.0, ``where`` choosing as numpy does. A rule
with exp, log, or a power of an array is not fused (numpy's vectorised versions need not equal
libm's): it runs the numpy loops.
"""
from __future__ import annotations

import ast
import hashlib
import inspect
import textwrap
from dataclasses import dataclass

from . import optimizers, rules
from . import surfaces as _surfaces

PER_START = ("lr",)  # one value per start (an lr sweep runs one lr per start)
_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_FN = {"sqrt": "sqrt", "abs": "fabs", "sign": "np_sign", "minimum": "np_minimum", "maximum": "np_maximum"}


class NotFusable(Exception):
    pass


def _number(v) -> str:
    return float(v).hex()


@dataclass
class _Gen:
    rule: rules.Rule
    hyper: tuple  # hyperparameters read from hp[] (all but PER_START)

    def __post_init__(self):
        self.hoisted: dict[str, tuple[str, str]] = {}  # ast.dump -> (name, C expression)

    def scalar(self, node) -> bool:
        return rules.numbers_only(node, self.hyper)

    def expr(self, node, hoist: bool = True) -> str:
        if hoist and self.scalar(node) and not isinstance(node, (ast.Constant, ast.Name)):
            key = ast.dump(node)
            if key not in self.hoisted:
                self.hoisted[key] = (f"c{len(self.hoisted)}", self.expr(node, hoist=False))
            return self.hoisted[key][0]
        if isinstance(node, ast.Constant):
            return _number(node.value)
        if isinstance(node, ast.Name):
            if node.id == "t":
                return "T"
            if node.id in self.hyper:
                return f"h_{node.id}"
            if node.id in PER_START:
                return node.id
            if node.id == "x":
                return "p"
            if node.id == "g":
                return "g"
            return f"S[{self.rule.states.index(node.id)}][k]"
        if isinstance(node, ast.UnaryOp):
            inner = self.expr(node.operand, hoist)
            return f"(-{inner})" if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            a, b = self.expr(node.left, hoist), self.expr(node.right, hoist)
            if isinstance(node.op, ast.Pow):
                if not (self.scalar(node.left) and self.scalar(node.right)):
                    raise NotFusable("a power of an array")
                return f"pow({a}, {b})"
            return f"({a} {_BIN[type(node.op)]} {b})"
        if isinstance(node, ast.Compare):
            parts = [self.expr(node.left, hoist)] + [self.expr(c, hoist) for c in node.comparators]
            tests = [f"({x} {_CMP[type(op)]} {y})" for op, x, y in zip(node.ops, parts, parts[1:])]
            return f"({' && '.join(tests)} ? 1.0 : 0.0)"
        name = node.func.id
        args = [self.expr(a, hoist) for a in node.args]
        if name == "where":
            return f"(({args[0]}) != 0.0 ? {args[1]} : {args[2]})"
        if name not in _FN:
            raise NotFusable(f"{name}() (numpy's vectorised version need not equal libm's)")
        return f"{_FN[name]}({', '.join(args)})"


@dataclass(frozen=True)
class Kernel:
    name: str
    hyper: tuple  # the order of hp[] passed to C
    states: tuple
    c: str  # the #defines of this optimizer


def kernel(d: optimizers.Definition) -> Kernel:
    """The C of one built-in (NotFusable if its rule cannot be computed exactly in C)."""
    rule = d.parsed
    hyper = tuple(h for h in rule.hyperparameters if h not in PER_START)
    gen = _Gen(rule, hyper)
    update = [f"{'p' if s.target == 'x' else f'S[{rule.states.index(s.target)}][k]'} = {gen.expr(s.expr)};"
              for s in rule.statements]
    init_gen = _Gen(rule, hyper)
    init_gen.scalar = lambda node: False  # start values: computed once per block, nothing to hoist
    init = [f"S[{rule.states.index(s.target)}][k] = {init_gen.expr(s.expr)};" for s in rule.inits]
    n = d.name.upper()
    lines = [f"/* {d.display}: {' | '.join(' '.join(line.split()) for line in rule.text.strip().splitlines())} */",
             f"#define NS_{n} {len(rule.states)}",
             f"#define HP_{n} " + (" ".join(f"const double h_{h} = hp[{j}]; (void)h_{h};" for j, h in enumerate(hyper))
                                   or "(void)hp;"),
             f"#define PRE_{n} " + (" ".join(f"const double {name} = {c}; (void){name};"
                                             for name, c in gen.hoisted.values()) or "(void)T;"),
             f"#define INIT_{n}(p, S) {{ {' '.join(init)} }}",
             f"#define UPDATE_{n}(p, g, S) {{ {' '.join(update)} }}"]
    return Kernel(d.name, hyper, rule.states, "\n".join(lines))


def kernels() -> list[Kernel]:
    out = []
    for d in optimizers.DEFINITIONS:
        try:
            out.append(kernel(d))
        except NotFusable:
            continue
    return out


# --- surfaces: the gradient functions of surfaces.py, as C ------------------------------------

def _function_tree(fn) -> ast.FunctionDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    node = tree.body[0]
    if not isinstance(node, ast.FunctionDef) or [a.arg for a in node.args.args] != ["x", "y"]:
        raise NotFusable(f"{fn.__name__} is not a function of (x, y)")
    return node


class _SurfaceGen:
    """One gradient function's body as C statements: assignments of plain arithmetic to local
    names (also from a call of a helper of (x, y) in the same module, whose body is inlined), and
    ``return gx, gy``. Anything else (a call of numpy's cos, exp...) is NotFusable."""

    def __init__(self, fn):
        self.fn = fn
        self.names = {"x", "y"}
        self.lines: list[str] = []

    def expr(self, node) -> str:
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return _number(node.value)
        if isinstance(node, ast.Name) and node.id in self.names:
            return node.id
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return f"(-{self.expr(node.operand)})"
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            return f"({self.expr(node.left)} {_BIN[type(node.op)]} {self.expr(node.right)})"
        raise NotFusable(f"{self.fn.__name__}: {ast.unparse(node)[:40]} (plain arithmetic only)")

    def assign(self, name: str, value) -> None:
        if name in self.names:
            raise NotFusable(f"{self.fn.__name__}: {name} assigned twice")
        self.lines.append(f"const double {name} = {self.expr(value)};")
        self.names.add(name)

    def body(self, fn, inline: bool = False) -> tuple:
        """The statements of ``fn``; returns the expressions it returns."""
        for st in _function_tree(fn).body:
            if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
                continue  # a docstring
            if isinstance(st, ast.Return) and isinstance(st.value, ast.Tuple):
                return tuple(st.value.elts)
            if isinstance(st, ast.Assign) and len(st.targets) == 1:
                target, value = st.targets[0], st.value
                if isinstance(target, ast.Name):
                    self.assign(target.id, value)
                    continue
                if (isinstance(target, ast.Tuple) and isinstance(value, ast.Call) and not inline
                        and isinstance(value.func, ast.Name) and [ast.unparse(a) for a in value.args] == ["x", "y"]
                        and all(isinstance(t, ast.Name) for t in target.elts)):
                    helper = fn.__globals__.get(value.func.id)
                    parts = self.body(helper, inline=True) if callable(helper) else ()
                    if len(parts) != len(target.elts):
                        raise NotFusable(f"{fn.__name__}: {ast.unparse(st)[:40]}")
                    for t, part in zip(target.elts, parts):
                        self.assign(t.id, part)
                    continue
            raise NotFusable(f"{fn.__name__}: {ast.unparse(st)[:40]}")
        raise NotFusable(f"{fn.__name__} does not return a pair")


def surface_gradient(surface: _surfaces.Surface) -> str:
    """The C of a registry surface's gradient, ``g_<id>(x, y, &gx, &gy)``, translated from its
    Python function (NotFusable unless it is plain arithmetic)."""
    gen = _SurfaceGen(surface.grad)
    parts = gen.body(surface.grad)
    if len(parts) != 2:
        raise NotFusable(f"{surface.id}: the gradient is not a pair")
    gx, gy = (gen.expr(p) for p in parts)
    body = " ".join(gen.lines + [f"*px = {gx};", f"*py = {gy};"])
    return f"GRAD({surface.id}) {{ {body} }}"


def fused_surfaces() -> dict[str, str]:
    """{surface id: its gradient's C} for every registry surface whose gradient is plain
    arithmetic, in the registry's order (the C table's)."""
    out = {}
    for s in _surfaces.ALL:
        try:
            out[s.id] = surface_gradient(s)
        except NotFusable:
            continue
    return out


def header(ks: list[Kernel] | None = None, surfaces: dict[str, str] | None = None) -> str:
    """The C header for ``ks`` (default: every built-in that can be fused) and ``surfaces``
    (default: every registry surface that can), its hash at the end."""
    ks = kernels() if ks is None else ks
    surfaces = fused_surfaces() if surfaces is None else surfaces
    body = "\n\n".join(k.c for k in ks)
    names = " ".join(f"X(A, {k.name}, {k.name.upper()})" for k in ks)
    grads = "\n".join(surfaces.values())
    text = (f"/* Generated by optviz/codegen.py from the rules in optviz/optimizers.py and the gradients in "
            f"optviz/surfaces.py: do not edit. */\n"
            f"#define N_OPTIMIZERS {len(ks)}\n#define MAX_STATES {max(len(k.states) for k in ks)}\n"
            f"#define FOR_EACH_OPTIMIZER(X, A) {names}\n\n{body}\n\n"
            f"/* gradients: surfaces.py's functions, statement by statement */\n"
            f"#define N_SURFACES {len(surfaces)}\n#define SURFACES(X) {' '.join(f'X({s})' for s in surfaces)}\n"
            f"#define GRAD(S) static inline void g_##S(double x, double y, double *px, double *py)\n{grads}\n")
    return text + f"\n#define RULES_HASH {version(text)}\n"


def version(text: str) -> int:
    """A number naming the header's contents (so a library built from other rules is not used)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def current_version(ks: list[Kernel] | None = None, surfaces: dict[str, str] | None = None) -> int:
    """The RULES_HASH that ``header(ks, surfaces)`` ends with."""
    return int(header(ks, surfaces).rsplit("RULES_HASH ", 1)[1])


def write() -> None:
    """Write optviz/_fused_rules.h (make calls this when a rule changes)."""
    from pathlib import Path

    Path(__file__).with_name("_fused_rules.h").write_text(header())
