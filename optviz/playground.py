"""Computations behind the optimizer playground (numpy only): races, diagnostics, lr sweeps, presets."""
from __future__ import annotations

import math
import re
import urllib.parse
from dataclasses import dataclass, field

import numpy as np

from . import memo
from . import optimizers as _optimizers
from . import rules as _rules
from . import surfaces as _surfaces
from .basins import basin_map
from .expr import custom_surface
from .trajectory import OptimizeResult, estimate_seconds, optimize

MAX_RUNS = 8  # built-in racers; a typed rule races with them
MAX_RACE_STEPS = 5000  # the steps of a playground race (the page's input and a link)


CUSTOM = "custom"  # a typed surface, keyed as "custom:<expression>" (surface_of)
RULE = "rule"  # the name of a run of a typed rule (optviz.rules)


@dataclass(frozen=True)
class RunSpec:
    """One racer: an optimizer name and the hyperparameters that differ from its defaults; or, with
    ``rule`` (name RULE), a typed update rule with a value for each of its hyperparameters."""
    name: str
    hyperparams: tuple[tuple[str, float], ...] = ()
    rule: str = ""

    @property
    def params(self) -> dict[str, float]:
        return dict(self.hyperparams)

    def full_params(self) -> dict[str, float]:
        if self.rule:
            return self.params
        return {**_optimizers.hyperparameters(self.name), **self.params}

    def label(self) -> str:
        shown = {k: v for k, v in self.full_params().items() if k in ("lr",) or k in self.params}
        name = "Rule" if self.rule else _optimizers.display_name(self.name)
        return f"{name} (" + ", ".join(f"{k}={v:g}" for k, v in shown.items()) + ")"

    def with_params(self, **hp: float) -> "RunSpec":
        """The same run with some hyperparameters changed."""
        if self.rule:
            return rule_spec(self.rule, **{**self.params, **hp})
        return spec(self.name, **{**self.params, **hp})

    def build(self) -> _optimizers.Optimizer:
        if self.rule:
            return _optimizers.parse_rule(self.rule, **self.params)
        return _optimizers.get(self.name, **self.params)


def spec(name: str, **hp: float) -> RunSpec:
    return RunSpec(name, tuple(sorted((k, float(v)) for k, v in hp.items())))


def rule_spec(text: str, **hp: float) -> RunSpec:
    """A run of a typed rule; the hyperparameters in the order the rule reads them (as its inputs
    show them), so that one rule with the same values is one run however they were given."""
    try:
        order = _rules.parsed(text).hyperparameters
    except _rules.RuleError:
        order = ()
    names = [k for k in order if k in hp] + [k for k in hp if k not in order]
    return RunSpec(RULE, tuple((k, float(hp[k])) for k in names), text)


# --- runs as text (for URLs and CSV): "sgd:lr=0.1|adam:lr=0.3,beta1=0.9|rule[x %3D x - lr*g]:lr=0.1"

_RUN_RE = re.compile(r"^([a-z_]+)(?:\[([^\]|]*)\])?(?::(.*))?$")
_RULE_SAFE = " *+-/()<>!._"  # the rule's characters kept as they are; = , ; [ ] | : # newline encoded


def format_runs(specs: list[RunSpec]) -> str:
    def one(s: RunSpec) -> str:
        head = s.name + (f"[{urllib.parse.quote(s.rule, safe=_RULE_SAFE)}]" if s.rule else "")
        return head + (":" + ",".join(f"{k}={v!r}" for k, v in s.hyperparams) if s.hyperparams else "")
    return "|".join(one(s) for s in specs)


def parse_runs(text: str) -> list[RunSpec]:
    """Inverse of :func:`format_runs`; every optimizer, rule and value is validated (ValueError if not)."""
    specs = []
    for part in [p for p in text.split("|") if p]:
        m = _RUN_RE.match(part.strip())
        if not m or (m.group(2) is not None) != (m.group(1) == RULE):
            raise ValueError(f"cannot read optimizer {part[:60]!r}")
        hp = {}
        for item in filter(None, (m.group(3) or "").split(",")):
            key, _, value = item.partition("=")
            try:
                hp[key] = float(value)
            except ValueError:
                raise ValueError(f"{key} must be a number, got {value!r}") from None
        s = rule_spec(urllib.parse.unquote(m.group(2)), **hp) if m.group(2) is not None else spec(m.group(1), **hp)
        s.build()  # validates the name, the rule and every value
        specs.append(s)
    if not specs:
        raise ValueError("no optimizer given")
    typed = [s for s in specs if s.rule]
    if len(specs) - len(typed) > MAX_RUNS or len(typed) > 1:
        raise ValueError(f"at most {MAX_RUNS} optimizers and one typed rule at once")
    return specs


# --- a typed rule: which optimizer is it? -----------------------------------------------------------

# The names a typed rule may give a built-in's hyperparameters (the course's and the papers').
ALIASES = {"lr": ("lr", "eta"), "beta": ("beta", "b", "mu", "momentum"), "beta1": ("beta1", "b1"),
           "beta2": ("beta2", "b2"), "eps": ("eps", "epsilon"), "rho": ("rho",),
           "weight_decay": ("weight_decay", "wd", "lam"), "momentum_decay": ("momentum_decay", "psi")}
# Rule examples a student starts from: (id, text, hyperparameters)
RULE_EXAMPLES = {
    "sgd": ("x = x - lr*g", {"lr": 0.1}),
    "momentum": ("v = beta*v - lr*g\nx = x + v", {"lr": 0.1, "beta": 0.9}),
    "adam": ("m = beta1*m + (1 - beta1)*g\nv = beta2*v + (1 - beta2)*g**2\nm_hat = m/(1 - beta1**t)\n"
             "v_hat = v/(1 - beta2**t)\nx = x - lr*m_hat/(sqrt(v_hat) + eps)",
             {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
    "adam_no_bias": ("m = beta1*m + (1 - beta1)*g\nv = beta2*v + (1 - beta2)*g**2\n"
                     "x = x - lr*m/(sqrt(v) + eps)", {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
    "sign": ("x = x - lr*sign(g)", {"lr": 0.1}),
    "lion": ("c = beta1*m + (1 - beta1)*g\nx = x - lr*(sign(c) + weight_decay*x)\nm = beta2*m + (1 - beta2)*g",
             {"lr": 0.1, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0}),
}
# A hyperparameter a rule reads starts at the value people use for that name (else 0.1)
USUAL_VALUES = {"lr": 0.1, "eta": 0.1, "beta": 0.9, "b": 0.9, "mu": 0.9, "momentum": 0.9, "beta1": 0.9,
                "b1": 0.9, "beta2": 0.999, "b2": 0.999, "eps": 1e-8, "epsilon": 1e-8, "rho": 0.9,
                "weight_decay": 0.01, "wd": 0.01, "lam": 0.01, "momentum_decay": 0.004, "psi": 0.004}
RECOGNIZE_TOL = 1e-9  # relative: a rule within this of a built-in on every test run is that built-in
_TESTS = (("quadratic", ((-7.0, 2.0), (3.0, -1.5)), 60), ("rosenbrock", ((-1.5, 2.0), (0.5, -0.5)), 60))


def usual_value(name: str) -> float:
    return USUAL_VALUES.get(name, 0.1)


@dataclass(frozen=True)
class Recognition:
    """What a typed rule is: ``name`` the built-in it equals (``equal``: to ``difference``, the
    largest relative difference on the test runs) or, if none, the closest one, which first differs
    at ``step`` by ``difference``; ``name`` None when no built-in takes its hyperparameters."""
    name: str | None
    equal: bool
    difference: float
    step: int = -1


def _builtin_like(d, params: dict) -> dict | None:
    """A built-in's hyperparameters from a typed rule's (by name, ALIASES), defaults for the rest;
    None if the rule has a hyperparameter the built-in cannot take."""
    hp, used = {}, set()
    for h in d.hyper:
        for alias in ALIASES.get(h.name, (h.name,)):
            if alias in params:
                hp[h.name] = params[alias]
                used.add(alias)
                break
    return hp if used == set(params) else None


def _compare(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """(largest relative difference, first step beyond RECOGNIZE_TOL or −1) of two trajectories."""
    worst, first = 0.0, -1
    for k in range(len(a)):
        pa, pb = a[k], b[k]
        fa, fb = np.isfinite(pa), np.isfinite(pb)
        if (fa != fb).any():
            return (math.inf, k) if first < 0 else (max(worst, math.inf), first)
        if not fa.any():
            continue
        with np.errstate(all="ignore"):
            d = float(np.max(np.abs(pa[fa] - pb[fb]) / np.maximum(np.abs(pb[fb]), 1e-12)))
        worst = max(worst, d)
        if first < 0 and d > RECOGNIZE_TOL:
            first = k
    return worst, first


def recognize(spec_: RunSpec) -> Recognition:
    """Runs a typed rule and every built-in that takes its hyperparameters on fixed test problems
    (x²+10y² and Rosenbrock, two starts each, 60 steps): the one it equals, or the closest."""
    best = Recognition(None, False, math.inf)
    typed = spec_.build()
    for d in _optimizers.DEFINITIONS:
        hp = _builtin_like(d, spec_.params)
        if hp is None:
            continue
        try:
            builtin = _optimizers.get(d.name, **hp)
        except ValueError:
            continue
        worst, first = 0.0, -1
        for sid, starts, steps in _TESTS:
            a = optimize(sid, typed, np.array(starts), steps).points
            b = optimize(sid, builtin, np.array(starts), steps).points
            w, f = _compare(a, b)
            worst = max(worst, w)
            if f >= 0:
                first = f if first < 0 else min(first, f)
        r = Recognition(d.name, first < 0, worst, first)
        if r.equal:
            return r
        if best.name is None or (r.step, -r.difference) > (best.step, -best.difference):
            best = r
    return best


# --- a race --------------------------------------------------------------------------------------

def race(surface, specs: list[RunSpec], start, steps: int, noise: float = 0.0, seed: int = 0,
         record_states: bool = True) -> list[OptimizeResult]:
    """Run every racer from the same start (and, with noise, the same noise seed)."""
    return [optimize(surface, s.build(), start=start, steps=steps, noise=noise, seed=seed,
                     record_states=record_states) for s in specs]


def stability_limit(surface, spec_: RunSpec) -> float | None:
    """Largest stable lr on a quadratic surface: 2/λ_max for SGD, 2(1+β)/λ_max for heavy-ball
    momentum (Polyak); None where no closed form applies."""
    surf = _surfaces.get(surface)
    base = surf.stability_limit
    if base is None:
        return None
    if spec_.name == "sgd":
        return base
    if spec_.name == "momentum":
        return base * (1.0 + spec_.full_params()["beta"])
    return None


@dataclass
class Diagnosis:
    """What the page says about one run: divergence, the stability limit, the final state."""
    label: str
    diverged_at: int
    limit: float | None
    lr: float
    regime: str  # "diverged", "unstable", "edge", "stable", "unknown"
    final_loss: float
    final_point: tuple[float, float]
    distance: float

    @property
    def suggested_lr(self) -> float:
        """A learning rate worth trying after a divergence: a tenth of this one, and at most half
        the stability limit where one is known (at the limit itself plain GD oscillates for ever)."""
        return min(self.lr / 10, self.limit / 2) if self.limit else self.lr / 10


def diagnose(surface, spec_: RunSpec, result: OptimizeResult) -> Diagnosis:
    lr = spec_.full_params()["lr"]
    limit = stability_limit(surface, spec_)
    if result.diverged_at >= 0:
        regime = "diverged"
    elif limit is None:
        regime = "unknown"
    elif math.isclose(lr, limit, rel_tol=1e-9):
        regime = "edge"
    elif lr > limit:
        regime = "unstable"
    else:
        regime = "stable"
    k = result.last_finite_index()
    p = result.points[k]
    surf = result.surface
    return Diagnosis(spec_.label(), result.diverged_at, limit, lr, regime, float(result.losses[k]),
                     (float(p[0]), float(p[1])), float(surf.distance_to_minimum(p[0], p[1])))


# --- learning-rate sweep -------------------------------------------------------------------------

def lr_grid(lo: float = 1e-4, hi: float = 10.0, n: int = 41) -> np.ndarray:
    return np.logspace(math.log10(lo), math.log10(hi), n)


@dataclass
class Sweep:
    lrs: np.ndarray
    final_loss: np.ndarray  # NaN where the run diverged
    diverged: np.ndarray
    best_lr: float | None  # lowest final loss among the runs that did not diverge

    @property
    def best_at_edge(self) -> bool:
        """The best lr is the smallest or largest one swept: a better one may lie beyond."""
        return self.best_lr is not None and self.best_lr in (self.lrs[0], self.lrs[-1])


def lr_sweep(surface, spec_: RunSpec, start, steps: int, lrs: np.ndarray | None = None) -> Sweep:
    """Final loss after ``steps`` for each lr, all lrs in one vectorized run (one column each)."""
    lrs = lr_grid() if lrs is None else np.asarray(lrs, dtype=float)
    surf = _surfaces.get(surface)
    if "lr" not in spec_.full_params():  # a typed rule that names its step size otherwise: no sweep
        return Sweep(lrs, np.full(lrs.size, np.nan), np.zeros(lrs.size, bool), None)
    opt = _optimizers.get(spec_.build(), lr=lrs)
    starts = np.tile(np.asarray(start, dtype=float), (lrs.size, 1))
    res = optimize(surf, opt, start=starts, steps=steps)
    final = res.losses[-1].copy()
    diverged = res.diverged_at >= 0
    final[diverged] = np.nan
    best = None
    if np.isfinite(final).any():
        best = float(lrs[np.nanargmin(final)])
    return Sweep(lrs, final, diverged, best)


# --- scrub: one hyperparameter's grid, every value's trajectory in one batched run --------------

SCRUB_VALUES = 48  # values a scrub slider steps through (plus the run's own)


def _sig(values: np.ndarray, digits: int = 3) -> np.ndarray:
    """Values rounded to ``digits`` significant digits: what a person would type, and what the
    slider shows and writes back (0.0123, not 0.012345678)."""
    return np.array([float(f"{x:.{digits}g}") for x in np.asarray(values, dtype=float)])


def scrub_params(spec_: RunSpec) -> list[str]:
    """The hyperparameters a run can be scrubbed over: every one of a built-in optimizer (lr
    first); of a typed rule, its lr when it has one."""
    names = list(spec_.full_params())
    if spec_.rule:
        return ["lr"] if "lr" in names else []
    return ["lr"] + [n for n in names if n != "lr"]


def scrub_values(surface, spec_: RunSpec, param: str, start, steps: int, n: int = SCRUB_VALUES) -> np.ndarray:
    """About ``n`` values of ``param`` to scrub through, sorted, the run's own among them.

    lr: log-spaced over the run's stable range and a little beyond (to 1.5× the largest stable lr:
    the closed-form limit where there is one, else the largest lr of the sweep that did not
    diverge), down to a thousandth of it (and below the run's own lr). A β in [0, 1): 1 − β
    log-spaced from 1 to 10⁻³ (β = 0 … 0.999, dense near 1 where it matters). ε and other positive
    values: log-spaced over their accepted range; a weight decay: 0 and log-spaced above."""
    full = spec_.full_params()
    if param not in full:
        raise ValueError(f"{spec_.label()} has no hyperparameter {param!r}")
    current = float(full[param])
    lo_b, hi_b = _optimizers.bounds().get(param, (1e-6, 100.0))
    if param == "lr":
        hi = stability_limit(surface, spec_)
        if hi is None:
            sw = lr_sweep(surface, spec_, start, steps)
            stable = sw.lrs[~sw.diverged & np.isfinite(sw.final_loss)]
            hi = float(stable.max()) if stable.size else current
        top = min(1.5 * hi, hi_b)
        bottom = max(min(hi / 1000, current / 3), lo_b)
        grid = np.logspace(math.log10(bottom), math.log10(top), n)
    elif lo_b == 0.0 and hi_b < 1.0:  # a decay rate β in [0, 1)
        grid = 1.0 - np.logspace(0, -3, n)
    elif lo_b > 0:
        grid = np.logspace(math.log10(lo_b), math.log10(hi_b), n)
    else:  # zero or positive (a weight decay)
        grid = np.concatenate([[0.0], np.logspace(-4, math.log10(hi_b), n - 1)])
    grid = _sig(grid)
    grid = grid[(grid >= lo_b) & (grid <= hi_b)]
    if param == "lr" or lo_b > 0:
        grid = grid[grid > 0]
    return np.unique(np.concatenate([grid, [current]]))


@dataclass
class Scrub:
    """Trajectories of one run for each value of one hyperparameter (a batched result, one
    column per value), and where the run's own value sits."""
    param: str
    values: np.ndarray
    result: OptimizeResult
    current: int  # index of the run's own value


def scrub(surface, spec_: RunSpec, param: str, start, steps: int) -> Scrub:
    """Every value's trajectory from the same start, all in one vectorized run."""
    surf = _surfaces.get(surface)
    values = scrub_values(surf, spec_, param, start, steps)
    opt = _optimizers.get(spec_.build(), **{param: values})
    starts = np.tile(np.asarray(start, dtype=float), (values.size, 1))
    res = optimize(surf, opt, start=starts, steps=steps)
    res.losses.flags.writeable = False
    current = int(np.argmin(np.abs(values - spec_.full_params()[param])))
    return Scrub(param, values, res, current)


def scrub_seconds(surface, spec_: RunSpec, steps: int) -> float:
    """Estimated CPU seconds of ``scrub``: its grid run and, for lr without a closed-form limit, the sweep."""
    n = SCRUB_VALUES + 1
    need = estimate_seconds(surface, _optimizers.get(spec_.build(), lr=np.ones(n)), n, steps) \
        if "lr" in spec_.full_params() else 0.0
    return need + sweep_seconds(surface, spec_, steps)


# --- what a setting costs (estimated CPU seconds; see optviz.trajectory.estimate_seconds) ------

def race_seconds(surface, specs: list[RunSpec], steps: int, noise: float = 0.0) -> float:
    """Estimated CPU seconds of ``race(surface, specs, start, steps, noise)`` and of its losses."""
    return sum(estimate_seconds(surface, s.build(), 1, steps, noise=noise) for s in specs)


def sweep_seconds(surface, spec_: RunSpec, steps: int, lrs: np.ndarray | None = None) -> float:
    """Estimated CPU seconds of ``lr_sweep(surface, spec_, start, steps, lrs)``."""
    lrs = lr_grid() if lrs is None else np.asarray(lrs, dtype=float)
    if "lr" not in spec_.full_params():
        return 0.0
    return estimate_seconds(surface, _optimizers.get(spec_.build(), lr=lrs), lrs.size, steps)


def round_noise(noise: float) -> float:
    """σ to two significant digits from 0.01 on (0 below 0.005, else at least 0.01): 362 noise
    levels from 0 to 100, so links cannot ask for endless distinct (uncacheable) races."""
    noise = float(noise)
    if not math.isfinite(noise) or noise < 0.005:
        return 0.0
    return max(0.01, float(f"{noise:.2g}"))


# --- step inspector ------------------------------------------------------------------------------

def inspect_step(result: OptimizeResult, k: int) -> dict:
    """Position, gradient, next update and optimizer state of a single-start run at step k."""
    if result.states is None or result.grads is None:
        raise ValueError("run the optimizer with record_states=True to inspect steps")
    k = int(np.clip(k, 0, result.steps))
    out = {"step": k, "position": result.points[k], "loss": float(result.losses[k]),
           "gradient": result.grads[k]}
    out["update"] = result.points[k + 1] - result.points[k] if k < result.steps else np.full(2, np.nan)
    state = result.states[k]
    for name in getattr(state, "_fields", ()):
        if name != "step":
            out[name] = np.asarray(getattr(state, name)).reshape(-1)[:2]
    # the lr plain SGD would need to make the same move: |Δ| / |g| per coordinate
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.asarray(out["gradient"], dtype=float)
        out["effective_lr"] = np.where(g != 0, np.abs(out["update"]) / np.abs(g), np.nan)
    return out


# --- presets -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preset:
    id: str
    surface: str
    start: tuple[float, float]
    steps: int
    runs: tuple[RunSpec, ...]
    noise: float = 0.0
    extra: dict = field(default_factory=dict, compare=False, hash=False)


PRESETS: dict[str, Preset] = {p.id: p for p in (
    # course notes 003: x²+10y² from (−7, 2), lr 0.1, 30 iterations
    Preset("course_ellipse", "quadratic", (-7.0, 2.0), 30, (
        spec("sgd", lr=0.1), spec("momentum", lr=0.1, beta=0.9), spec("adagrad", lr=0.1, eps=1e-8),
        spec("rmsprop", lr=0.1, beta=0.99), spec("adam", lr=0.1))),
    # ゼロから作るDeep Learning, 6.1: x²/20+y² from (−7, 2), 30 updates, per-method learning rates
    Preset("book_ellipse", "quadratic_book", (-7.0, 2.0), 30, (
        spec("sgd", lr=0.95), spec("momentum", lr=0.1, beta=0.9), spec("adagrad", lr=1.5, eps=1e-7),
        spec("adam", lr=0.3))),
    Preset("lr_limit", "quadratic", (-7.0, 2.0), 40, (
        spec("sgd", lr=0.02), spec("sgd", lr=0.09), spec("sgd", lr=0.1), spec("sgd", lr=0.105))),
    Preset("rosenbrock_valley", "rosenbrock", (-1.5, 2.0), 2000, (
        spec("sgd", lr=0.001), spec("momentum", lr=0.001, beta=0.9), spec("nesterov", lr=0.001, beta=0.9),
        spec("rmsprop", lr=0.001), spec("adam", lr=0.02))),
    Preset("saddle_escape", "saddle", (-1.8, 0.01), 40, (
        spec("sgd", lr=0.05), spec("momentum", lr=0.05, beta=0.9), spec("rmsprop", lr=0.05),
        spec("adam", lr=0.05))),
    Preset("rastrigin_local", "rastrigin", (2.3, 3.1), 300, (
        spec("sgd", lr=0.002), spec("momentum", lr=0.002, beta=0.9), spec("adagrad", lr=1.0),
        spec("rmsprop", lr=0.3))),
    Preset("himmelblau_minima", "himmelblau", (0.0, 0.0), 300, (
        spec("sgd", lr=0.01), spec("momentum", lr=0.005, beta=0.9), spec("adagrad", lr=0.5),
        spec("adam", lr=0.1))),
)}
DEFAULT_PRESET = "course_ellipse"


def to_csv(results: list[OptimizeResult], labels: list[str]) -> str:
    """All trajectories as CSV: run, optimizer, step, x, y, loss (full float64 precision)."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["run", "optimizer", "step", "x", "y", "loss"])
    for label, res in zip(labels, results):
        for i, ((x, y), loss) in enumerate(zip(res.points, res.losses)):
            w.writerow([label, res.optimizer.name, i, repr(float(x)), repr(float(y)), repr(float(loss))])
    return buf.getvalue()


# --- results shared by every session of the app (optviz.memo: bounded by bytes, arrays read-only) -----------
# Sizes measured with memo.nbytes on real entries: a custom surface ≈ 2 kB; a race of the default
# preset (5 runs × 30 steps) ≈ 43 kB, of 8 runs × 5 000 steps with recorded states ≈ 11 MB (the
# largest); a sweep ≈ 1 kB; a basin map of 100² ≈ 0.24 MB, of 200² ≈ 0.93 MB (the largest).

@memo.memo(max_mb=2, name="playground.custom")  # ≈ 1 000 surfaces
def cached_custom(text: str):
    return custom_surface(text)


def surface_of(surface_key: str):
    """A registry surface by its name, or a custom one as ``custom:<expression>``."""
    return cached_custom(surface_key[len(CUSTOM) + 1:]) if surface_key.startswith(CUSTOM + ":") else surface_key


@memo.memo(max_mb=64, name="playground.race", offload=True)  # 5 of the largest races, 1 500 of the default
def cached_race(surface_key: str, runs_text: str, start, steps: int, noise: float):
    results = race(surface_of(surface_key), parse_runs(runs_text), start, steps, noise=noise)
    for r in results:  # losses (a cached property) computed here, once for everyone, and read-only
        r.losses.flags.writeable = False
    return results


@memo.memo(max_mb=4, name="playground.sweep", offload=True)  # ≈ 3 700 sweeps
def cached_sweep(surface_key: str, run_text: str, start, steps: int):
    return lr_sweep(surface_of(surface_key), parse_runs(run_text)[0], start, steps)


@memo.memo(max_mb=32, name="playground.basins", offload=True,  # 34 of the largest maps, 130 of the default 100²
           key=lambda surface_key, run_text, steps, n, progress=None: (surface_key, run_text, steps, n))
def cached_basin(surface_key: str, run_text: str, steps: int, n: int, progress=None):
    """Basin maps shared by all sessions; the key leaves out ``progress``, the computing session's
    progress bar (the others wait for the result, then find it stored)."""
    return basin_map(surface_of(surface_key), parse_runs(run_text)[0].build(), steps, n, progress=progress)


@memo.memo(max_mb=24, name="playground.scrub", offload=True)  # 6 of the largest (49 values × 5 000 steps), ≈ 600 of the default
def cached_scrub(surface_key: str, run_text: str, param: str, start, steps: int) -> Scrub:
    return scrub(surface_of(surface_key), parse_runs(run_text)[0], param, start, steps)
