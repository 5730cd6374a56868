"""Widgets and state of the optimizer playground (Streamlit); the computations live in
``optviz.playground`` and the figures in ``optviz.plots.playground``."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import streamlit as st

from .. import budget, optimizers, surfaces, worker
from . import rule_editor
from .. import playground as pg
from ..basins import GRIDS as BASIN_GRIDS, MAX_BASIN_STEPS, estimate_seconds_map
from ..expr import DEFAULT_START, ExpressionError
from ..plots import playground as plots
from .ui import (HYPERPARAM_BOUNDS, UrlState, chart, chart_points, coded_message, hyperparam_step, in_pieces,
                 keep_widgets, lr_step, plot_tr, scrub_value, tr)

CUSTOM = pg.CUSTOM
DEFAULT_EXPR = "sin(x)*cos(y) + 0.1*(x**2 + y**2)"
# bounds of the number inputs (and of values accepted from a URL)
BOUNDS = {"lr": (1e-6, 100.0), **HYPERPARAM_BOUNDS}
COORD = 1e4


@dataclass
class Settings:
    surface_id: str
    expr: str
    start: tuple[float, float]
    steps: int
    noise: float
    runs: list[pg.RunSpec]
    fair: bool


def _run_key(i: int, param: str) -> str:
    return f"pg_r{i}_{param}"


_RUN_WIDGET = re.compile(r"^pg_r(\d+)_(\w+)$")


def _clear_run_widgets(only: int | None = None, keep=("name", "lr")) -> None:
    for k in list(st.session_state):
        m = _RUN_WIDGET.match(str(k))
        if m and (only is None or (int(m.group(1)) == only and m.group(2) not in keep)):
            del st.session_state[k]


def _on_name_change(i: int) -> None:
    """A new optimizer for row i starts from its own defaults (the lr is kept for the race)."""
    _clear_run_widgets(only=i)


def _runs_from_widgets() -> list[pg.RunSpec]:
    specs = []
    for i in range(len(st.session_state.get("pg_runs", []))):
        name = st.session_state.get(_run_key(i, "name"))
        if name is None:
            specs.append(st.session_state["pg_runs"][i])
            continue
        defaults = optimizers.hyperparameters(name)
        hp = {"lr": st.session_state.get(_run_key(i, "lr"), defaults["lr"])}
        for p, d in defaults.items():
            v = st.session_state.get(_run_key(i, p), d)
            if p != "lr" and v != d:
                hp[p] = v
        specs.append(pg.spec(name, **hp))
    return specs


def apply_preset(preset_id: str) -> None:
    p = pg.PRESETS[preset_id]
    st.session_state.update(pg_surface=p.surface, pg_x0=p.start[0], pg_y0=p.start[1],
                            pg_steps=p.steps, pg_noise=p.noise, pg_runs=list(p.runs), pg_step=0,
                            pg_fair=False)
    _clear_run_widgets()


def _matches_preset(p: pg.Preset) -> bool:
    ss = st.session_state
    runs = _runs_from_widgets()
    return (ss.get("pg_surface") == p.surface and (ss.get("pg_x0"), ss.get("pg_y0")) == p.start
            and ss.get("pg_steps") == p.steps and ss.get("pg_noise") == p.noise
            and [r.full_params() for r in runs] == [r.full_params() for r in p.runs]
            and [r.name for r in runs] == [r.name for r in p.runs])


def _on_preset() -> None:
    choice = st.session_state.get("pg_preset")
    if choice in pg.PRESETS:
        apply_preset(choice)


def _add_run() -> None:
    runs = _runs_from_widgets()
    st.session_state["pg_runs"] = runs + [runs[-1] if runs else pg.spec("adam", lr=0.1)]
    _clear_run_widgets()


def _remove_run(i: int) -> None:
    runs = _runs_from_widgets()
    st.session_state["pg_runs"] = runs[:i] + runs[i + 1:]
    _clear_run_widgets()


def scrub_pick(points: list[dict], grid) -> tuple[int, str, float] | None:
    """(run, hyperparameter, value) of a click on the scrubbed path, or None for a click elsewhere;
    ``grid`` is (run, hyperparameter, values) of the figure drawn."""
    if not grid:
        return None
    value = scrub_value(points, grid[2])
    return None if value is None else (grid[0], grid[1], value)


def _on_scrub_select() -> None:
    """A click on the scrubbed path writes the value under the slider back to its run; a click
    elsewhere on the contour moves the start, as on the race's chart."""
    points = chart_points("pg_scrub_chart")
    picked = scrub_pick(points, st.session_state.get("pg_scrub_grid"))
    if picked is None:
        _move_start(points)
        return
    run, param, value = picked
    st.session_state[_run_key(run, param)] = value
    st.session_state["pg_scrub_msg"] = picked


def scrub_controls(runs: list[pg.RunSpec], fair: bool) -> tuple[int, str] | None:
    """The scrub switch and, when it is on, which run and which of its hyperparameters; None when off."""
    on = st.toggle(tr("playground.scrub"), key="pg_scrub", help=tr("playground.scrub_help"), disabled=fair)
    if not on or fair:
        return None
    rows = [i for i, r in enumerate(runs) if not r.rule and pg.scrub_params(r)]
    if not rows:
        st.info(tr("playground.scrub_none"))
        return None
    if st.session_state.get("pg_scrub_run") not in rows:
        st.session_state["pg_scrub_run"] = rows[0]
    c1, c2 = st.columns(2)
    i = c1.selectbox(tr("playground.scrub_run"), rows, key="pg_scrub_run",
                     format_func=lambda i: f"{i + 1} · {runs[i].label()}")
    params = pg.scrub_params(runs[i])
    if st.session_state.get("pg_scrub_param") not in params:
        st.session_state["pg_scrub_param"] = params[0]
    param = c2.selectbox(tr("playground.scrub_param"), params, key="pg_scrub_param")
    return i, param


def scrub_chart(surface, key: str, settings: Settings, runs, results, labels, run: int, param: str) -> None:
    """The contour with run ``run``'s path for every value of ``param`` under an in-figure slider."""
    done = st.session_state.pop("pg_scrub_msg", None)
    if done is not None:
        st.toast(tr("playground.scrub_set", run=done[0] + 1, param=done[1], value=done[2]))
    sc = pg.cached_scrub(key, pg.format_runs([runs[run]]), param, tuple(settings.start), settings.steps)
    st.session_state["pg_scrub_grid"] = (run, param, sc.values.tolist())
    chart(plots.scrub_figure(surface, results, labels, sc, run, tr=plot_tr), key="pg_scrub_chart",
          on_select=_on_scrub_select, selection_mode="points")
    st.caption(tr("playground.scrub_tip", param=param, lo=sc.values[0], hi=sc.values[-1],
                  count=sc.values.size, run=run + 1))


def scrub_seconds(surface, settings: Settings, runs: list[pg.RunSpec], scrub) -> float:
    return 0.0 if scrub is None else pg.scrub_seconds(surface, runs[scrub[0]], settings.steps)


def _move_start(points: list[dict]) -> None:
    """A click on the contour (or on a path) moves the start point there, rounded to what a person
    would type (a path point is not −1.8883999999999999)."""
    if points:
        st.session_state.update(pg_x0=round(float(points[0]["x"]), 2), pg_y0=round(float(points[0]["y"]), 2),
                                pg_step=0)


def _on_chart_select() -> None:
    _move_start(chart_points("pg_chart"))


def surface_start(sid: str) -> tuple[float, float]:
    """Where a surface's race starts unless told otherwise: its own start (a custom one: DEFAULT_START)."""
    start = surfaces.get(sid).start if sid in surfaces.IDS else DEFAULT_START
    return float(start[0]), float(start[1])


def _on_surface_change() -> None:
    """A new surface starts from its own start point: the old one may lie far outside its view."""
    x, y = surface_start(st.session_state.get("pg_surface"))
    st.session_state.update(pg_x0=x, pg_y0=y, pg_step=0)


def _on_noise_change() -> None:
    """σ as typed, to two significant digits (pg.round_noise): 0.123 runs, and is cached, as 0.12."""
    st.session_state["pg_noise"] = pg.round_noise(st.session_state.get("pg_noise", 0.0))


# Widgets whose values Streamlit drops when a run does not draw them (another page was open, or
# the expression box while the surface is not custom): ``init_state`` keeps them (ui.keep_widgets).
# The racers' rows are re-seeded from ``pg_runs`` instead (``save_state``), because the page
# deletes their widgets on purpose to reset them.
PERSISTED = ("pg_surface", "pg_expr", "pg_x0", "pg_y0", "pg_steps", "pg_noise", "pg_fair", "pg_preset",
             "pg_step", "pg_3d", "pg_sweep", "pg_basin", "pg_basin_n", "pg_basin_runs", "pg_basin_color",
             "pg_scrub", "pg_scrub_run", "pg_scrub_param")


def save_state(runs: list[pg.RunSpec]) -> None:
    st.session_state["pg_runs"] = [r for r in runs if not r.rule]  # the typed rule lives in its editor


def init_state(url: UrlState) -> None:
    """First run of a session: seed every widget from the URL, or from the default preset; later
    runs restore the widgets Streamlit dropped."""
    if st.session_state.get("pg_init"):
        keep_widgets("pg_kept", PERSISTED)
        return
    st.session_state["pg_init"] = True
    apply_preset(pg.DEFAULT_PRESET)
    st.session_state["pg_preset"] = pg.DEFAULT_PRESET
    st.session_state["pg_surface"] = url.choice("s", st.session_state["pg_surface"], [*surfaces.IDS, CUSTOM])
    st.session_state["pg_expr"] = url.text("expr", DEFAULT_EXPR, max_len=200)
    # a link that names a surface but no start starts at that surface's own (Himmelblau's, not the
    # default preset's (−7, 2), which lies outside Himmelblau's view)
    for key, name, value in zip(("pg_x0", "pg_y0"), ("x", "y"), surface_start(st.session_state["pg_surface"])):
        st.session_state[key] = url.number(name, value, -COORD, COORD)
    st.session_state["pg_steps"] = url.number("steps", st.session_state["pg_steps"], 1, pg.MAX_RACE_STEPS, integer=True)
    st.session_state["pg_noise"] = pg.round_noise(url.number("noise", 0.0, 0.0, 100.0))
    st.session_state["pg_fair"] = url.flag("fair", False)
    st.session_state["pg_3d"] = url.flag("3d", False)  # the 3-D view and the sweep, as a link shows them
    st.session_state["pg_sweep"] = url.flag("sweep", False)
    # the tab a link opens on: the sweep or the 3-D view when it shows them (only the open tab is drawn)
    st.session_state["pg_first_tab"] = "sweep" if st.session_state["pg_sweep"] else \
        "3d" if st.session_state["pg_3d"] else "inspect"
    raw = url.text("runs", "", max_len=1000)
    if raw:
        try:
            runs = pg.parse_runs(raw)
            for s in runs:
                if s.rule and not rule_editor.valid_values(s):
                    raise ValueError("a typed rule's value out of range")
                for p, v in ({} if s.rule else s.params).items():
                    lo, hi = BOUNDS[p]
                    if not lo <= v <= hi:
                        raise ValueError(f"{p} out of range")
            st.session_state["pg_runs"] = [s for s in runs if not s.rule] or [pg.spec("adam", lr=0.1)]
            typed = next((s for s in runs if s.rule), None)
            if typed is not None:
                rule_editor.from_link("pg", typed)
        except ValueError:
            url.fallbacks.append(f"runs={raw}")
    st.session_state["pg_step"] = url.number("k", 0, 0, pg.MAX_RACE_STEPS, integer=True)
    scrub = url.text("scrub", "", max_len=40)  # "2:beta1": run 2 scrubbed over β₁ (checked when drawn)
    m = re.fullmatch(r"(\d{1,2}):(\w{1,20})", scrub)
    if m:
        st.session_state.update(pg_scrub=True, pg_scrub_run=int(m.group(1)) - 1, pg_scrub_param=m.group(2))
    elif scrub:
        url.fallbacks.append(f"scrub={scrub}")
    # a link names no preset: show the one its settings are (the course's figure), or none
    st.session_state["pg_preset"] = next((pid for pid, p in pg.PRESETS.items() if _matches_preset(p)), "")
    keep_widgets("pg_kept", PERSISTED)  # remembered from the first run on


def sidebar_controls() -> tuple[Settings, object]:
    """Preset, surface and start in the sidebar; returns the settings and the Surface (or None)."""
    sb = st.sidebar
    chosen = st.session_state.get("pg_preset")
    if chosen in pg.PRESETS and not _matches_preset(pg.PRESETS[chosen]):
        st.session_state["pg_preset"] = ""  # the settings were changed by hand
    sb.selectbox(tr("playground.preset"), ["", *pg.PRESETS], key="pg_preset", on_change=_on_preset,
                 format_func=lambda p: tr(f"playground.preset_{p}") if p else tr("playground.preset_none"))
    sb.selectbox(tr("playground.surface"), [*surfaces.IDS, CUSTOM], key="pg_surface",
                 on_change=_on_surface_change, format_func=lambda s: tr(f"playground.surface_{s}"))
    surface, error = None, None
    if st.session_state["pg_surface"] == CUSTOM:
        sb.text_input(tr("playground.expr"), key="pg_expr", max_chars=200, help=tr("playground.expr_help"))
        try:
            surface = pg.cached_custom(st.session_state["pg_expr"])
        except ExpressionError as e:  # said in the page's language; user text only inside `code`
            error = coded_message("expr.", e)
    else:
        surface = surfaces.get(st.session_state["pg_surface"])
    c1, c2 = sb.columns(2)
    c1.number_input(tr("playground.start_x"), -COORD, COORD, key="pg_x0", step=0.1, format="%g")
    c2.number_input(tr("playground.start_y"), -COORD, COORD, key="pg_y0", step=0.1, format="%g")
    sb.number_input(tr("playground.steps"), 1, pg.MAX_RACE_STEPS, key="pg_steps", step=10)
    sb.number_input(tr("playground.noise"), 0.0, 100.0, key="pg_noise", step=0.1, format="%g",
                    help=tr("playground.noise_help"), on_change=_on_noise_change)
    sb.toggle(tr("playground.fair"), key="pg_fair", help=tr("playground.fair_help"))
    s = Settings(st.session_state["pg_surface"], st.session_state["pg_expr"],
                 (float(st.session_state["pg_x0"]), float(st.session_state["pg_y0"])),
                 int(st.session_state["pg_steps"]), pg.round_noise(st.session_state["pg_noise"]),
                 _runs_from_widgets(), bool(st.session_state["pg_fair"]))
    return s, (surface if error is None else error)


TABS = ("inspect", "loss", "3d", "sweep", "basin", "export")


def tabs() -> dict:
    """The result tabs by name; only the open one is computed and drawn (``.open``), so a change
    redraws what is seen, not five hidden tabs. A link opens on the tab that shows what it asks."""
    labels = [tr(f"playground.tab_{t}") for t in TABS]
    first = st.session_state.get("pg_first_tab", "inspect")
    return dict(zip(TABS, st.tabs(labels, default=tr(f"playground.tab_{first}"), key="pg_tab", on_change="rerun")))


def run_editor() -> list[pg.RunSpec]:
    """One row per racer: optimizer, lr, the other hyperparameters and the formula in a popover,
    remove; then the student's own rule, when it is on (rule_editor.editor)."""
    runs = st.session_state["pg_runs"]
    for i, spec_ in enumerate(runs):
        full = spec_.full_params()
        cols = st.columns([3, 2.4, 1], vertical_alignment="bottom", gap="small")
        name = cols[0].selectbox(tr("playground.optimizer"), optimizers.NAMES, format_func=optimizers.display_name,
                                 key=UrlState.widget(_run_key(i, "name"), spec_.name),
                                 on_change=_on_name_change, args=(i,),
                                 label_visibility="visible" if i == 0 else "collapsed")
        params = optimizers.hyperparameters(name)
        if name != spec_.name:
            full = {**params, "lr": full["lr"]}
        lo, hi = BOUNDS["lr"]
        lr_key = UrlState.widget(_run_key(i, "lr"), full["lr"])
        cols[1].number_input("lr", lo, hi, key=lr_key, format="%g",
                             step=lr_step(st.session_state.get(lr_key, full["lr"])),
                             label_visibility="visible" if i == 0 else "collapsed")
        with cols[2].popover("", icon=":material/tune:", help=tr("playground.more_params")):
            st.latex(rule_editor.rules.latex_block(optimizers.definition(name).parsed))
            for p in params:
                if p != "lr":
                    lo, hi = BOUNDS[p]
                    st.number_input(p, lo, hi, key=UrlState.widget(_run_key(i, p), full.get(p, params[p])),
                                    format="%g", step=hyperparam_step(p, params[p]))
            st.button(tr("playground.remove"), key=f"pg_remove_{i}", on_click=_remove_run, args=(i,),
                      disabled=len(runs) <= 1, icon=":material/delete:")
    st.button(tr("playground.add"), on_click=_add_run, disabled=len(runs) >= pg.MAX_RUNS)
    own = rule_editor.editor("pg")
    return _runs_from_widgets() + ([own] if own is not None else [])


def race(surface_key: str, runs: list[pg.RunSpec], start, steps: int, noise: float) -> list:
    """The race, one stored piece per run (pg.race runs each alone from the same start and noise
    seed, so the pieces are the race): a changed run recomputes only itself, and a tab closed
    mid-race stops at the next run (ui.in_pieces)."""
    pieces = in_pieces(tr("playground.racing"), pg.cached_race,
                       [(surface_key, pg.format_runs([r]), tuple(start), steps, noise) for r in runs])
    return [result for (result,) in pieces]


def sweeps(surface_key: str, runs: list[pg.RunSpec], start, steps: int) -> list:
    """The learning-rate sweep of every run, one stored piece each."""
    return in_pieces(tr("playground.sweeping"), pg.cached_sweep,
                     [(surface_key, pg.format_runs([r]), tuple(start), steps) for r in runs])


# --- what a setting costs: refused or shrunk before it starts (optviz.budget) -------------------

def race_seconds(surface, settings: Settings, runs: list[pg.RunSpec]) -> float:
    """Estimated CPU seconds of the race, with the fair comparison's sweeps when it is on."""
    need = pg.race_seconds(surface, runs, settings.steps, settings.noise)
    if settings.fair:
        need += sweep_seconds(surface, settings, runs)
    return need


def sweep_seconds(surface, settings: Settings, runs: list[pg.RunSpec]) -> float:
    return sum(pg.sweep_seconds(surface, r, settings.steps) for r in runs)


def too_costly(kind: str, need: float, **fmt) -> str:
    """The message for work refused: how long it would take, the limit, and what to reduce."""
    return tr(f"playground.cost_{kind}", need=f"{need:.0f}", max=f"{budget.MAX_SECONDS:g}", **fmt)


def basin_plan(surface, specs: list[pg.RunSpec], steps: int, n: int, seconds: float) -> tuple[int, int]:
    """(grid, steps) for the basin maps of ``specs`` within ``seconds`` (estimated): the grid and
    steps asked for if they fit, else the largest smaller grid of the page's that does, else the
    smallest grid with fewer steps; (grid, 0) when not even one step fits."""
    def cost(g: int, k: int) -> float:
        return sum(estimate_seconds_map(surface, s.build(), k, g) for s in specs)

    if cost(n, steps) <= seconds:
        return n, steps
    for g in sorted((g for g in BASIN_GRIDS if g < n), reverse=True):
        if cost(g, steps) <= seconds:
            return g, steps
    g = min(n, BASIN_GRIDS[0])
    lo, hi = 0, steps  # the most steps that fit (the cost grows with the steps)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if cost(g, mid) <= seconds else (lo, mid - 1)
    return g, lo


def surface_key(s: Settings) -> str:
    return f"{CUSTOM}:{s.expr}" if s.surface_id == CUSTOM else s.surface_id


def with_lr(spec_: pg.RunSpec, lr: float) -> pg.RunSpec:
    """The run with another lr, rounded to 3 significant digits (lr=0.075, not 0.0749894): the
    race then runs, and its label shows, exactly that lr."""
    return spec_.with_params(lr=float(f"{lr:.3g}"))


def inspector_table(results, labels, k: int) -> dict[str, list[str]]:
    """Rows: position, gradient, update, every state the runs' rules keep (by the rule's own names,
    in the order they first appear), effective step; one column per run, values (x, y)."""
    infos = [pg.inspect_step(r, k) for r in results]
    fixed = ("step", "loss", "position", "gradient", "update", "effective_lr")
    states = list(dict.fromkeys(key for info in infos for key in info if key not in fixed))
    shown = ["position", "gradient", "update", *states, "effective_lr"]
    names = [tr(f"playground.state_{key}") if key not in states else tr("playground.state_named", name=key)
             for key in shown]
    table = {tr("playground.quantity"): names}
    for label, info in zip(labels, infos):
        table[label] = [_pair(info.get(key)) for key in shown]
    return table


def summary_table(diagnoses, labels) -> dict[str, list[str]]:
    """Final loss, distance to the minimum and the divergence step of each run, as people read them."""
    def num(v):
        return f"{v:.4g}" if np.isfinite(v) else "—"
    return {tr("playground.col_run"): labels,
            tr("playground.col_final_loss"): [num(d.final_loss) for d in diagnoses],
            tr("playground.col_distance"): [num(d.distance) for d in diagnoses],
            tr("playground.col_diverged"): [str(d.diverged_at) if d.diverged_at >= 0 else "—"
                                            for d in diagnoses]}


def _pair(value) -> str:
    """(x, y) to 4 significant digits; "—" where there is nothing (no state, or no next update
    after the last step or a divergence)."""
    if value is None:
        return "—"
    v = np.asarray(value, dtype=float).ravel()[:2]
    return "—" if not np.isfinite(v).all() else "(" + ", ".join(f"{a:.4g}" for a in v) + ")"


def basin_section(surface, key: str, settings: Settings, runs, labels,
                  seconds: float = budget.MAX_SECONDS) -> None:
    """The basin-of-attraction tab: one or two optimizers mapped over a grid of starts, within
    ``seconds`` of (estimated) computing: a smaller grid, or fewer steps, when it would take more."""
    if not st.toggle(tr("playground.basin_show"), key="pg_basin"):
        return
    c1, c2, c3 = st.columns([3, 2, 2])
    chosen = c1.multiselect(tr("playground.basin_runs"), list(range(len(runs))), default=[0],
                            placeholder=tr("app.choose"),
                            max_selections=2, format_func=lambda i: labels[i], key="pg_basin_runs")
    n = c2.select_slider(tr("playground.basin_grid"), [25, 50, 100, 150, 200], value=100, key="pg_basin_n")
    color_by = c3.radio(tr("playground.basin_color"), ["minimum", "steps", "loss"], horizontal=True,
                        key="pg_basin_color", format_func=lambda c: tr(f"playground.basin_color_{c}"))
    steps = min(settings.steps, MAX_BASIN_STEPS)
    if not chosen:
        st.caption(tr("playground.basin_intro", n=n, count=n * n, steps=steps))
        st.info(tr("playground.basin_none"))
        return
    asked_n, asked_steps = n, steps
    n, steps = basin_plan(surface, [runs[i] for i in chosen], asked_steps, asked_n, seconds)
    if steps < 1:
        st.warning(too_costly("basin", sum(estimate_seconds_map(surface, runs[i].build(), asked_steps, asked_n)
                                           for i in chosen)))
        return
    st.caption(tr("playground.basin_intro", n=n, count=n * n, steps=steps))
    budget.heavy(sum(estimate_seconds_map(surface, runs[i].build(), steps, n) for i in chosen))
    if asked_steps < settings.steps:
        st.caption(tr("playground.basin_capped", steps=settings.steps, cap=asked_steps, count=asked_n * asked_n))
    if (n, steps) != (asked_n, asked_steps):
        st.info(tr("playground.basin_budget", max=f"{budget.MAX_SECONDS:g}", n=n, steps=steps,
                   asked_n=asked_n, asked_steps=asked_steps))
    cols = st.columns(len(chosen))
    for col, i in zip(cols, chosen):
        bar = col.progress(0.0, text=tr("playground.basin_progress", count=n * n))
        shown = [0.0]  # the fraction on the bar, sent again while a worker computes (optviz.worker)

        def progress(f, bar=bar):
            shown[0] = f
            bar.progress(f, text=tr("playground.basin_progress", count=n * n))

        with worker.ticking(lambda: progress(shown[0])):
            bmap = pg.cached_basin(key, pg.format_runs([runs[i]]), steps, n, progress=progress)
        bar.empty()
        with col:
            chart(plots.basin_figure(surface, bmap, labels[i], color_by, tr=plot_tr))
