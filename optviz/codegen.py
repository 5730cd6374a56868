"""C for the fused trajectory kernels, generated from the built-in optimizers' rules.

``codegen.write()`` writes ``optviz/_fused_rules.h``, which ``_fused.c`` includes: for each
built-in whose rule C can compute exactly as numpy does, its hyperparameters, the parts of a step
that hold only numbers (computed once per step), the start values of its states and its update of
one coordinate, all written from the rule's tree. Only the built-ins' rules become C (never text a
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
from dataclasses import dataclass

from . import optimizers, rules

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


def header(ks: list[Kernel] | None = None) -> str:
    """The C header for ``ks`` (default: every built-in that can be fused), its hash at the end."""
    ks = kernels() if ks is None else ks
    body = "\n\n".join(k.c for k in ks)
    names = " ".join(f"X(A, {k.name}, {k.name.upper()})" for k in ks)
    text = (f"/* Generated by optviz/codegen.py from the rules in optviz/optimizers.py: do not edit. */\n"
            f"#define N_OPTIMIZERS {len(ks)}\n#define MAX_STATES {max(len(k.states) for k in ks)}\n"
            f"#define FOR_EACH_OPTIMIZER(X, A) {names}\n\n{body}\n")
    return text + f"\n#define RULES_HASH {version(text)}\n"


def version(text: str) -> int:
    """A number naming the header's contents (so a library built from other rules is not used)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def current_version(ks: list[Kernel] | None = None) -> int:
    """The RULES_HASH that ``header(ks)`` ends with."""
    return int(header(ks).rsplit("RULES_HASH ", 1)[1])


def write() -> None:
    """Write optviz/_fused_rules.h (make calls this when a rule changes)."""
    from pathlib import Path

    Path(__file__).with_name("_fused_rules.h").write_text(header())
