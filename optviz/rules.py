"""The optimizer rule language: an update rule written the way the course writes it.

    m = beta1*m + (1 - beta1)*g
    v = beta2*v + (1 - beta2)*g*g
    x = x - lr/(1 - beta1**t) * m / (sqrt(v)/sqrt(1 - beta2**t) + eps)

Statements (one per line, or separated by ``;``) run in order once per step. ``x`` is the parameter
and must be assigned; ``g`` is the gradient at the step's starting ``x``; ``t`` is the step number
(1, 2, ...). Every other name that is assigned is *state*: one value per coordinate, kept from step
to step, 0 before the first step unless the rule says otherwise with ``name[0] = expression`` (the
state's value before step 1, from numbers, hyperparameters, ``x`` and states set above it: a
running product starts with ``p[0] = 1``). A state read before the statement that assigns it holds
its value from the previous step. Names read but never assigned are hyperparameters.

Expressions: numbers, ``+ - * / **``, unary minus, parentheses, comparisons (``< <= > >= == !=``,
true where they hold) and the elementwise functions ``sqrt abs sign exp log minimum maximum where``
(``where(condition, a, b)``). Nothing else: the text is parsed with :mod:`ast`, only that whitelist is
accepted, and the tree becomes numpy closures; nothing is passed to ``eval`` or ``exec``. Bad text
raises :class:`RuleError` (a ``ValueError``) saying what is wrong and on which line; huge or deeply
nested text is refused before it is parsed.

The built-in optimizers (``optviz.optimizers``) are written in this language: the numpy path that
surfaces and networks run, the step inspector's state names and the formula on screen all come
from their rules.
"""
from __future__ import annotations

import ast
import copy
import functools
import math
import operator
import re
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .errors import CodedError
from .expr import _number, _prec, binop_latex  # the formula's numbers and brackets as custom surfaces write them

MAX_LENGTH = 2000  # characters
MAX_STATEMENTS = 40
MAX_NODES = 600  # parts of all the expressions together
MAX_DEPTH = 40  # brackets inside brackets
GIVEN = ("x", "g", "t")
FUNCTIONS: dict[str, tuple[Callable, int]] = {
    "sqrt": (np.sqrt, 1), "abs": (np.abs, 1), "sign": (np.sign, 1), "exp": (np.exp, 1),
    "log": (np.log, 1), "minimum": (np.minimum, 2), "maximum": (np.maximum, 2), "where": (np.where, 3),
}
_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
           ast.Pow: np.power}
_COMPARE = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
            ast.Eq: np.equal, ast.NotEq: np.not_equal}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# English messages; the pages show the catalog's ``rule.<code>`` in the chosen language.
MESSAGES = {
    "empty": "the rule is empty; write at least the update of x, e.g. x = x - lr*g",
    "too_long": "the rule is too long ({length} characters, at most {max})",
    "too_deep": "the rule nests brackets too deeply (more than {max} inside each other)",
    "too_many": "the rule has too many statements ({count}, at most {max})",
    "complex": "the rule is too complex (more than {max} parts)",
    "syntax": "line {line}: cannot read it ({msg})",
    "statement": "line {line}: only assignments 'name = expression' are allowed, not '{part}'",
    "target_given": "line {line}: '{name}' cannot be assigned: it is given at every step (g the gradient, t the step number)",
    "target_function": "line {line}: '{name}' cannot be assigned: it is a function",
    "target_start": "line {line}: x[0] cannot be given: x starts where the run starts",
    "no_x": "the rule never assigns x, the parameter: add its update, e.g. x = x - lr*g",
    "name": "line {line}: '{name}' is not a name a rule can use",
    "function": "line {line}: unknown function '{name}'; allowed: {functions}",
    "arity": "line {line}: {name}() takes {n} argument(s), got {got}",
    "not_allowed": "line {line}: '{part}' is not allowed; use numbers, names, + - * / **, comparisons and {functions}",
    "constant": "line {line}: only numbers are allowed as constants, not {value}",
    "init_twice": "line {line}: the start value of '{name}' is given twice",
    "init_state": "line {line}: '{name}[0]' sets a start value, but '{name}' is never assigned in the rule",
    "init_index": "line {line}: only '[0]', the value before the first step, can be given: '{name}[0] = ...'",
    "init_step": "line {line}: the start value of '{name}' uses '{used}', which has no value before the first step",
    "init_before": "line {line}: the start value of '{name}' uses '{used}' before it is assigned: give {used}[0] above this line",
    "missing": "hyperparameter '{name}' has no value: give it one (the rule reads {name} but never assigns it)",
    "unknown": "the rule has no hyperparameter '{name}'; its hyperparameters: {names}",
    "value": "hyperparameter '{name}' must be a finite number, got {value}",
}


class RuleError(CodedError):
    """A rule that cannot be accepted: ``code`` names the reason (a key of MESSAGES)."""

    MESSAGES = MESSAGES


def _functions() -> str:
    return ", ".join(FUNCTIONS)


# --- reading the text ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    line: int  # 1-based, in the text as typed
    target: str
    expr: ast.AST
    init: bool = False  # target[0] = expr: a state's value before the first step


def _split(text: str) -> list[tuple[int, str]]:
    """(line number, statement text) of every non-empty statement; ``;`` separates statements on a
    line, ``#`` starts a comment."""
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0]
        for part in line.split(";"):
            if part.strip():
                out.append((n, part.strip()))
    return out


def _depth(text: str) -> int:
    deepest = level = 0
    for ch in text:
        if ch in "([":
            level += 1
            deepest = max(deepest, level)
        elif ch in ")]":
            level -= 1
    return deepest


def _read(text: str) -> list[Statement]:
    if not isinstance(text, str) or not text.strip():
        raise RuleError("empty")
    if len(text) > MAX_LENGTH:
        raise RuleError("too_long", length=len(text), max=MAX_LENGTH)
    if _depth(text) > MAX_DEPTH:
        raise RuleError("too_deep", max=MAX_DEPTH)
    parts = _split(text)
    if not parts:
        raise RuleError("empty")
    if len(parts) > MAX_STATEMENTS:
        raise RuleError("too_many", count=len(parts), max=MAX_STATEMENTS)
    out, nodes = [], 0
    for line, part in parts:
        try:
            tree = ast.parse(part, mode="exec")
        except SyntaxError as e:
            raise RuleError("syntax", line=line, msg=(e.msg or "syntax error")[:80]) from None
        except (ValueError, MemoryError, RecursionError):
            raise RuleError("syntax", line=line, msg="unreadable text") from None
        nodes += sum(1 for _ in ast.walk(tree))
        if nodes > MAX_NODES:
            raise RuleError("complex", max=MAX_NODES)
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign) or len(tree.body[0].targets) != 1:
            raise RuleError("statement", line=line, part=part[:40])
        target, value = tree.body[0].targets[0], tree.body[0].value
        if isinstance(target, ast.Name):
            out.append(Statement(line, target.id, value))
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            index = target.slice
            if not (isinstance(index, ast.Constant) and index.value == 0 and not isinstance(index.value, bool)):
                raise RuleError("init_index", line=line, name=target.value.id)
            out.append(Statement(line, target.value.id, value, init=True))
        else:
            raise RuleError("statement", line=line, part=part[:40])
    return out


def _check_target(s: Statement) -> None:
    name = s.target
    if name in ("g", "t"):
        raise RuleError("target_given", line=s.line, name=name)
    if name in FUNCTIONS:
        raise RuleError("target_function", line=s.line, name=name)
    if s.init and name == "x":
        raise RuleError("target_start", line=s.line)


def _names(node: ast.AST, line: int) -> list[str]:
    """Every name an expression reads, in order; checks the whole tree against the whitelist."""
    out: list[str] = []

    def visit(n):
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool) or not isinstance(n.value, (int, float)):
                raise RuleError("constant", line=line, value=repr(n.value)[:30])
        elif isinstance(n, ast.Name):
            if n.id in FUNCTIONS:
                raise RuleError("not_allowed", line=line, part=n.id, functions=_functions())
            out.append(n.id)
        elif isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
            visit(n.operand)
        elif isinstance(n, ast.BinOp) and type(n.op) in _BINARY:
            visit(n.left)
            visit(n.right)
        elif isinstance(n, ast.Compare) and all(type(op) in _COMPARE for op in n.ops):
            visit(n.left)
            for c in n.comparators:
                visit(c)
        elif isinstance(n, ast.Call):
            if not isinstance(n.func, ast.Name) or n.func.id not in FUNCTIONS:
                name = n.func.id if isinstance(n.func, ast.Name) else ast.unparse(n.func)
                raise RuleError("function", line=line, name=name[:30], functions=_functions())
            arity = FUNCTIONS[n.func.id][1]
            if len(n.args) != arity or n.keywords:
                raise RuleError("arity", line=line, name=n.func.id, n=arity, got=len(n.args) + len(n.keywords))
            for a in n.args:
                visit(a)
        else:
            raise RuleError("not_allowed", line=line, part=ast.unparse(n)[:40], functions=_functions())

    visit(node)
    return out


# --- turning a tree into numpy ---------------------------------------------------------------------

def _compile(node: ast.AST) -> Callable[[dict], object]:
    """A closure ``env -> value`` for an accepted tree (names are read from ``env``)."""
    if isinstance(node, ast.Constant):
        v = node.value  # ints stay ints: beta**2 is Python's float ** int, as the hand-written rules
        return lambda env: v
    if isinstance(node, ast.Name):
        name = node.id
        return lambda env: env[name]
    if isinstance(node, ast.UnaryOp):
        inner = _compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda env: -inner(env)
        return inner
    if isinstance(node, ast.BinOp):
        op = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: _div,
              ast.Pow: _pow}[type(node.op)]
        a, b = node.left, node.right
        # the common shapes without a call per leaf (a step evaluates these thousands of times)
        if isinstance(a, ast.Name) and isinstance(b, ast.Name):
            na, nb = a.id, b.id
            return lambda env: op(env[na], env[nb])
        if isinstance(a, ast.Constant) and isinstance(b, ast.Name):
            va, nb = a.value, b.id
            return lambda env: op(va, env[nb])
        if isinstance(a, ast.Name) and isinstance(b, ast.Constant):
            na, vb = a.id, b.value
            return lambda env: op(env[na], vb)
        left, right = _compile(a), _compile(b)
        if isinstance(b, ast.Name):
            nb = b.id
            return lambda env: op(left(env), env[nb])
        if isinstance(a, ast.Name):
            na = a.id
            return lambda env: op(env[na], right(env))
        return lambda env: op(left(env), right(env))
    if isinstance(node, ast.Compare):
        parts = [_compile(node.left)] + [_compile(c) for c in node.comparators]
        ops = [_COMPARE[type(o)] for o in node.ops]
        if len(ops) == 1:
            a, b, op = parts[0], parts[1], ops[0]
            return lambda env: _truth(op(a(env), b(env)))

        def chain(env):
            values = [p(env) for p in parts]
            out = ops[0](values[0], values[1])
            for op, a, b in zip(ops[1:], values[1:], values[2:]):
                out = np.logical_and(out, op(a, b))
            return _truth(out)
        return chain
    fn = FUNCTIONS[node.func.id][0]
    args = [_compile(a) for a in node.args]
    if len(args) == 1:
        a = args[0]
        return lambda env: fn(a(env))
    return lambda env: fn(*[a(env) for a in args])


def numbers_only(node, scalars) -> bool:
    """Whether an expression holds only numbers: constants, t and the hyperparameters in
    ``scalars`` (one value each), so it can be computed once per step (the in-place kernel, the C)."""
    return all(not isinstance(n, ast.Name) or n.id == "t" or n.id in scalars or n.id in FUNCTIONS
               for n in ast.walk(node))


def _truth(v):
    """A comparison as a number: 1 where it holds, 0 where not (so (g > 0) + (g > 1) counts)."""
    return v.astype(float) if isinstance(v, np.ndarray) else float(v)


# Arithmetic of Python numbers stays in Python (floats: the same IEEE doubles as numpy's), so a rule's
# scalar parts such as lr/(1 - beta1**t) are computed once per step, exactly as a hand-written update.
def _div(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b == 0:
        return np.divide(float(a), float(b))  # inf or nan, as numpy says it, not ZeroDivisionError
    return a / b


def _pow(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):  # Python's float ** (libm pow)
        try:
            r = float(a) ** b  # 2**5000 would be an exact integer too large for any float
        except (OverflowError, ZeroDivisionError):
            return np.power(float(a), float(b))
        return np.power(float(a), float(b)) if isinstance(r, complex) else r
    return np.power(a, b)  # arrays: the ufunc itself (ndarray ** 2 may take another path)


# --- a rule --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A parsed update rule. ``states`` are the names it keeps from step to step, in the order they
    are first assigned; ``hyperparameters`` the names it reads and never assigns, in reading order."""
    text: str
    statements: tuple  # of Statement: the step, in order
    inits: tuple  # of Statement: name[0] = ..., in order
    states: tuple
    hyperparameters: tuple
    _step: tuple = field(repr=False, compare=False)  # (target, closure) per statement
    _init: tuple = field(repr=False, compare=False)

    def __reduce__(self):
        """Pickled as its text and parsed again (its statements hold compiled closures)."""
        return parsed, (self.text,)

    @property
    def size(self) -> int:
        """Parts of the step's expressions (what one step costs grows with it)."""
        return sum(sum(1 for _ in ast.walk(s.expr)) for s in self.statements)

    def state_type(self):
        return _state_type(self.states)

    def init(self, x, hp: dict):
        """The state before the first step for parameters ``x``: (step 0, one array per state)."""
        x = np.asarray(x, dtype=float)
        env = dict(hp, x=x)
        values = {}
        for name, fn in self._init:
            with np.errstate(all="ignore"):
                env[name] = values[name] = fn(env)
        arrays = [np.array(np.broadcast_to(values[s], x.shape), dtype=float) if s in values
                  else np.zeros_like(x, dtype=float) for s in self.states]
        return self.state_type()(0, *arrays)

    def update(self, x, g, state, hp: dict):
        """One step: ``(x_new, state_new)``; nothing is changed in place. Overflow in a diverging
        rule is not warned about here: the caller decides (the trajectory loops and the MLP
        trainer run it under ``np.errstate``, and report the divergence)."""
        env = dict(hp)
        env.update(zip(self.states, state[1:]))
        env["x"], env["g"], env["t"] = x, g, state[0] + 1
        for name, fn in self._step:
            env[name] = fn(env)
        shape = getattr(x, "shape", ())
        kind = self.state_type()
        if not shape:  # one coordinate as a number (the single-start loop): numbers stay numbers
            return env["x"], kind(env["t"], *[env[s] for s in self.states])
        new = [_as_array(env[s], shape) for s in self.states]
        return _as_array(env["x"], shape), kind(env["t"], *new)


# --- the same step for one start, as Python numbers ----------------------------------------------

class _Hoist(ast.NodeTransformer):
    """Replaces each largest part that holds only numbers (``numbers_only``) by a name ``_c<k>``,
    the same name for the same part; ``parts`` lists them in the order first met."""

    def __init__(self, scalars):
        self.scalars = scalars
        self.parts: dict[str, tuple[str, ast.AST]] = {}

    def visit(self, node):
        if (isinstance(node, ast.expr) and not isinstance(node, (ast.Constant, ast.Name))
                and numbers_only(node, self.scalars)):
            key = ast.dump(node)
            if key not in self.parts:
                self.parts[key] = (f"_c{len(self.parts)}", node)
            return ast.Name(id=self.parts[key][0], ctx=ast.Load())
        return self.generic_visit(node)


class Scalar:
    """A rule's step for one start, its two coordinates as Python numbers (the single-start loop of
    ``optviz.optimize``): each coordinate's names stay in a dict of its own from step to step, so a
    step builds no dict, tuple or array, and the parts that hold only numbers (lr/(1 − β₁ᵗ)...) are
    computed once per step for both coordinates. The operations of ``Rule.update``, in its order:
    the same numbers (tests/test_rules.py)."""

    def __init__(self, rule: Rule, hp: dict, a, b):
        hoist = _Hoist({k for k, v in hp.items() if np.ndim(v) == 0})
        trees = [(s.target, hoist.visit(copy.deepcopy(s.expr))) for s in rule.statements]
        self._pre = tuple((name, _compile(node)) for name, node in hoist.parts.values())
        self._step = tuple((target, _compile(node)) for target, node in trees)
        self.envs = []
        for x in (a, b):
            state = rule.init(x, hp)
            env = dict(hp, x=x, t=0)
            env.update((s, float(v)) for s, v in zip(rule.states, state[1:]))
            self.envs.append(env)

    def step(self, ga, gb) -> tuple:
        """One step with the gradient (ga, gb): the new point."""
        ea, eb = self.envs
        t = ea["t"] + 1
        ea["t"] = eb["t"] = t
        for name, fn in self._pre:
            ea[name] = eb[name] = fn(ea)
        ea["g"], eb["g"] = ga, gb
        for name, fn in self._step:
            ea[name] = fn(ea)
        for name, fn in self._step:
            eb[name] = fn(eb)
        return ea["x"], eb["x"]


# --- the same step, in place: a rule compiled to ufunc calls into preallocated buffers ------------

_UFUNC_CALL = {name: fn for name, (fn, _) in FUNCTIONS.items() if name != "where"}  # those with out=


class InPlace:
    """A rule's step over (2, K) arrays that allocates nothing: every array operation is the ufunc
    the pure ``Rule.update`` calls, with ``out=`` one of a few preallocated buffers (reused once a
    value is no longer needed), and every part that holds only numbers (hyperparameters, t) is
    computed once per step in Python, as the pure update computes it. So the numbers are the pure
    update's, bit for bit (tests/test_kernels.py), for the built-ins and for typed rules alike.

    ``step(x, g, out)`` writes the next point into ``out`` (x itself when omitted); ``reset(cols)``
    zeroes the states of starts that diverged, so their NaNs do not slow the loop down."""

    def __init__(self, rule: Rule, hp: dict, shape):
        self.rule, self.shape = rule, tuple(shape)
        self.t = 0
        x0 = np.zeros(self.shape)
        init = rule.init(x0, hp)  # start values that need no x (those that do are set by ``start``)
        self.states = {name: np.array(v) for name, v in zip(rule.states, init[1:])}
        self._free: list = []
        self._scalar = {k for k, v in hp.items() if np.ndim(v) == 0}
        self._program = []  # (target, op) per statement; op(env) writes target's value
        self.hp = hp
        for s in rule.statements:
            self._program.append(self._statement(s))
        self._steps = self._compiled()
        self._env = {**hp, **self.states}
        self._x_init = any("x" in _names(s.expr, s.line) for s in rule.inits)

    def start(self, x) -> None:
        """Start values that read x (``prev[0] = x``), from the starting points."""
        if self._x_init:
            init = self.rule.init(x, self.hp)
            for name, v in zip(self.rule.states, init[1:]):
                self.states[name][...] = v

    # compiling ----------------------------------------------------------------------------------

    def _is_scalar(self, node) -> bool:
        return numbers_only(node, self._scalar)

    def _buffer(self):
        return self._free.pop() if self._free else np.empty(self.shape)

    def _release(self, operand) -> None:
        kind, value = operand
        if kind == "temp":
            self._free.append(value)

    def _operand(self, node):
        """("scalar", closure) | ("name", name) | ("temp", buffer), appending the ops that compute it."""
        if self._is_scalar(node):
            return ("scalar", _compile(node))
        if isinstance(node, ast.Name):
            return ("name", node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return self._operand(node.operand)
        return ("temp", self._emit(node, None))

    def _emit(self, node, out):
        """Append the ops computing ``node`` into ``out`` (None: a buffer chosen after its inputs are
        computed, so that it can be one of theirs, as an in-place kernel reuses its buffers)."""
        def place():
            return self._buffer() if out is None else out

        if isinstance(node, ast.UnaryOp):  # unary minus (plus was skipped)
            a = self._operand(node.operand)
            self._release(a)
            dest = place()
            self._ops.append((np.negative, (a,), dest))
        elif isinstance(node, (ast.BinOp, ast.Call)) and (isinstance(node, ast.BinOp) or node.func.id in _UFUNC_CALL):
            fn = _BINARY[type(node.op)] if isinstance(node, ast.BinOp) else _UFUNC_CALL[node.func.id]
            args = [self._operand(a) for a in ([node.left, node.right] if isinstance(node, ast.BinOp) else node.args)]
            for a in args:
                self._release(a)
            dest = place()
            self._ops.append((fn, tuple(args), dest))
        else:  # comparisons and where(...): the pure code (where has no out=), copied in
            dest = place()
            self._ops.append((_compile(node), None, dest))
        return dest

    def _statement(self, s: Statement):
        self._ops = []
        if self._is_scalar(s.expr):
            value = _compile(s.expr)
            ops = [(lambda env, value=value: value(env), None, "fill")]
        elif isinstance(s.expr, ast.Name) or (isinstance(s.expr, ast.UnaryOp) and isinstance(s.expr.op, ast.UAdd)):
            ops = [(_compile(s.expr), None, "copy")]
        else:
            ops = None
        if ops is None:
            self._emit(s.expr, "target")
            ops = self._spine_into_target(self._ops, s.target)
        self._ops = []
        return s.target, tuple(ops)

    @staticmethod
    def _spine_into_target(ops: list, target: str) -> list:
        """``m = beta*m + c*g`` computes beta*m straight into m's buffer, as a hand-written kernel
        would (one stream of memory less): the chain of first operands that ends in the statement's
        last op writes into the target, when no op from its start on reads the target's old value.
        (Not for x, whose buffer may be the input itself.) The same operations, in the same order."""
        if target == "x":
            return ops
        links, i = [], len(ops) - 1  # (producer, consumer, argument position) along the spine
        while True:
            args = ops[i][1]
            pos = next((p for p, a in enumerate(args or ()) if a[0] != "scalar"), None)
            if pos is None or args[pos][0] != "temp":
                break
            producer = next(j for j in range(i - 1, -1, -1) if ops[j][2] is args[pos][1])  # its latest writer
            links.append((producer, i, pos))
            i = producer
        if not links:
            return ops
        start = links[-1][0]
        for fn, args, out in ops[start:]:
            if args is None or ("name", target) in args:
                return ops  # the old value is still read (or may be, by a closure)
        out_ops = [list(op) for op in ops]
        for producer, consumer, pos in links:
            out_ops[producer][2] = "target"
            args = list(out_ops[consumer][1])
            args[pos] = ("dest", None)
            out_ops[consumer][1] = tuple(args)
        out_ops = [tuple(op) for op in out_ops]
        return out_ops

    # running ------------------------------------------------------------------------------------

    def _compiled(self):
        """Each op as (ufunc or closure, getters of its inputs, its output), resolved once: a
        buffer is a constant, a name is read from the step's env, a number part is its closure."""
        steps = []
        for target, ops in self._program:
            dest_state = None if target == "x" else self.states[target]
            compiled = []
            for fn, args, where in ops:
                out = None if isinstance(where, str) else where  # None: the statement's target
                if args is None:
                    compiled.append((fn, None, out))
                else:
                    compiled.append((fn, tuple(_getter(a) for a in args), out))
            steps.append((target, dest_state, tuple(compiled)))
        return tuple(steps)

    def step(self, x, g, out=None):
        self.t += 1
        out = x if out is None else out
        env = self._env
        env["x"], env["g"], env["t"] = x, g, self.t
        for target, dest, ops in self._steps:
            if dest is None:
                dest = out
            env[" dest"] = dest
            for fn, getters, buf in ops:
                buf = dest if buf is None else buf
                if getters is None:  # a closure over env (fill, copy, where, comparisons)
                    np.copyto(buf, fn(env))
                elif len(getters) == 2:
                    fn(getters[0](env), getters[1](env), out=buf)
                else:
                    fn(*[get(env) for get in getters], out=buf)
            env[target] = dest

    def reset(self, cols) -> None:
        for b in self.states.values():
            b[:, cols] = 0.0


def _getter(operand):
    kind, value = operand
    if kind == "scalar":
        return value
    if kind == "name":
        return operator.itemgetter(value)
    if kind == "dest":
        return operator.itemgetter(" dest")  # the statement's target buffer (step puts it in env)
    return lambda env, buf=value: buf


def _as_array(v, shape):
    a = np.asarray(v, dtype=float)
    return a if a.shape == shape else np.array(np.broadcast_to(a, shape))


_STATE_TYPES: dict = {}


def _state_type(states: tuple):
    """A named tuple (step, *states) per set of state names (shared, so that equal rules' states
    have one type, as the step inspector and the recorded trajectories expect)."""
    if states not in _STATE_TYPES:
        base = namedtuple("RuleState", ("step",) + states, rename=False)

        def __reduce__(self, states=states):  # pickled by its names (a worker process rebuilds the type)
            return _rebuilt_state, (states, tuple(self))

        _STATE_TYPES[states] = type("RuleState", (base,), {"__slots__": (), "__reduce__": __reduce__})
    return _STATE_TYPES[states]


def _rebuilt_state(states: tuple, values: tuple):
    return _state_type(states)(*values)


def parse(text: str) -> Rule:
    """Read a rule; :class:`RuleError` says what is wrong and where. Nothing runs here."""
    statements = _read(text)
    step = [s for s in statements if not s.init]
    inits = [s for s in statements if s.init]
    for s in statements:
        _check_target(s)
        if not _NAME.match(s.target) or s.target.startswith("__"):
            raise RuleError("name", line=s.line, name=s.target[:30])
    if not any(s.target == "x" for s in step):
        raise RuleError("no_x")
    states: list[str] = []
    for s in step:
        if s.target != "x" and s.target not in states:
            states.append(s.target)
    reads: list[str] = []
    for s in step:
        for name in _names(s.expr, s.line):
            if not _NAME.match(name) or name.startswith("__"):
                raise RuleError("name", line=s.line, name=name[:30])
            reads.append(name)
    seen_init: list[str] = []
    for s in inits:
        if s.target in seen_init:
            raise RuleError("init_twice", line=s.line, name=s.target)
        if s.target not in states:
            raise RuleError("init_state", line=s.line, name=s.target)
        for name in _names(s.expr, s.line):
            if name in ("g", "t"):
                raise RuleError("init_step", line=s.line, name=s.target, used=name)
            if name in states and name not in seen_init:
                raise RuleError("init_before", line=s.line, name=s.target, used=name)
            if name != "x" and name not in states:
                reads.append(name)
        seen_init.append(s.target)
    hyper = []
    for name in reads:
        if name not in GIVEN and name not in states and name not in hyper:
            hyper.append(name)
    return Rule(text, tuple(step), tuple(inits), tuple(states), tuple(hyper),
                tuple((s.target, _compile(s.expr)) for s in step),
                tuple((s.target, _compile(s.expr)) for s in inits))


@functools.lru_cache(maxsize=256)
def parsed(text: str) -> Rule:
    """``parse(text)``, remembered for the last 256 texts (refusals are not remembered)."""
    return parse(text)


def check_values(rule: Rule, hp: dict) -> dict:
    """The hyperparameters' values as numbers: every one the rule reads, none it does not. The lr
    may be one value per start (an lr sweep: a numpy array)."""
    for name in hp:
        if name not in rule.hyperparameters:
            raise RuleError("unknown", name=str(name)[:30], names=", ".join(rule.hyperparameters) or "none")
    out = {}
    for name in rule.hyperparameters:
        if name not in hp:
            raise RuleError("missing", name=name)
        v = hp[name]
        if isinstance(v, np.ndarray):
            if not (v.size and np.issubdtype(v.dtype, np.number) and np.all(np.isfinite(v))):
                raise RuleError("value", name=name, value="an array with non-finite values")
            out[name] = v.astype(float)
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise RuleError("value", name=name, value=repr(v)[:30])
        f = float(v)
        if not math.isfinite(f):
            raise RuleError("value", name=name, value=repr(v)[:30])
        out[name] = f
    return out


# --- the formula on screen --------------------------------------------------------------------------

# How the course writes the names (a rule may use the plain names or these)
SYMBOLS = {"lr": r"\eta", "eta": r"\eta", "beta": r"\beta", "beta1": r"\beta_1", "beta2": r"\beta_2",
           "b1": r"\beta_1", "b2": r"\beta_2", "eps": r"\varepsilon", "epsilon": r"\varepsilon",
           "rho": r"\rho", "alpha": r"\alpha", "gamma": r"\gamma", "mu": r"\mu", "lam": r"\lambda",
           "weight_decay": r"\lambda", "momentum_decay": r"\psi", "delta": r"\delta", "tau": r"\tau",
           "x": r"x", "g": r"g", "t": r"t"}


def symbol(name: str) -> str:
    """LaTeX for a name: lr → η, beta1 → β₁, m_hat → \\hat{m}, v2 → v_{2}, long names upright."""
    if name in SYMBOLS:
        return SYMBOLS[name]
    if name.endswith("_hat") and len(name) > 4:
        return rf"\hat{{{symbol(name[:-4])}}}"
    m = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    if m:
        return rf"{symbol(m.group(1))}_{{{m.group(2)}}}"
    if "_" in name:
        head, _, tail = name.partition("_")
        return rf"{symbol(head)}_{{\mathrm{{{tail}}}}}"
    return name if len(name) == 1 else rf"\mathrm{{{name}}}"


def latex(node: ast.AST) -> str:
    """LaTeX of an accepted expression: \\frac{a}{b}, \\sqrt{v}, g^{2} for g*g, β₁ for beta1."""
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.Name):
        return symbol(node.id)
    if isinstance(node, ast.UnaryOp):
        inner = latex(node.operand)
        inner = rf"\left({inner}\right)" if _prec(node.operand) <= 2 else inner
        return ("-" if isinstance(node.op, ast.USub) else "+") + inner
    if isinstance(node, ast.Compare):
        signs = {ast.Lt: "<", ast.LtE: r"\le", ast.Gt: ">", ast.GtE: r"\ge", ast.Eq: "=", ast.NotEq: r"\ne"}
        parts = [latex(node.left)]
        for op, c in zip(node.ops, node.comparators):
            parts += [signs[type(op)], latex(c)]
        return " ".join(parts)
    if isinstance(node, ast.Call):
        name, args = node.func.id, [latex(a) for a in node.args]
        if name == "sqrt":
            return rf"\sqrt{{{args[0]}}}"
        if name == "abs":
            return rf"\left|{args[0]}\right|"
        if name == "where":
            return rf"\begin{{cases}} {args[1]} & \text{{if }} {args[0]} \\ {args[2]} & \text{{otherwise}} \end{{cases}}"
        op = {"exp": r"\exp", "log": r"\ln", "sign": r"\operatorname{sign}", "minimum": r"\min",
              "maximum": r"\max"}[name]
        return rf"{op}\left({', '.join(args)}\right)"
    op = type(node.op)
    if op is ast.Mult and ast.dump(node.left) == ast.dump(node.right) and _prec(node.left) == 5:
        return f"{latex(node.left)}^{{2}}"  # g*g: g²
    if op is ast.Mult and isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Mult) \
            and ast.dump(node.left.right) == ast.dump(node.right) and _prec(node.right) == 5:
        # (1 - β)·g·g: (1 − β) g²
        inner = ast.BinOp(node.left.left, ast.Mult(), ast.BinOp(node.right, ast.Pow(), ast.Constant(2)))
        return latex(inner)
    def times(left: str, right: str) -> str:
        return f"{left} {right}" if not right[:1].isdigit() else rf"{left} \cdot {right}"
    return binop_latex(node, latex(node.left), latex(node.right), times)


def latex_lines(rule: Rule) -> list[str]:
    """One LaTeX line per statement: start values as m_0 = …, then the step with ← for assignment."""
    out = [rf"{symbol(s.target)}_{{0}} = {latex(s.expr)}" for s in rule.inits]
    out += [rf"{symbol(s.target)} \leftarrow {latex(s.expr)}" for s in rule.statements]
    return out


def latex_block(rule: Rule) -> str:
    """The whole rule as one aligned LaTeX block (for ``st.latex``)."""
    lines = [line.replace(r"\leftarrow", r"&\leftarrow", 1) if r"\leftarrow" in line
             else line.replace("=", "&=", 1) for line in latex_lines(rule)]
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"
