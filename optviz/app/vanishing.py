"""Widgets, URL state, cached computations and the plain-language summary of the vanishing-gradient
page (Streamlit). The experiments live in ``optviz.vanishing``, the figures in
``optviz.plots.vanishing``."""
from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from .. import budget
from .. import vanishing as vg
from ..vanishing import cached_probe, cached_run  # shared by every session, computed in a worker when heavy
from ..plots.vanishing import config_label
from .ui import UrlState, counted, in_pieces, tr

MAX_COMPARISONS = 3
LR_RANGE = (1e-5, 1.0)


@dataclass(frozen=True)
class Settings:
    config: vg.NetConfig
    comparisons: tuple  # of NetConfig
    depth: int
    width: int
    n_samples: int
    seed: int
    dataset: str
    optimizer: str
    lr: float
    epochs: int

    @property
    def configs(self) -> list:
        """The chosen network first, then the comparisons that differ from it."""
        return [self.config] + [c for c in self.comparisons if c != self.config]


# --- state: presets and the URL -------------------------------------------------------------------

def apply_preset(preset_id: str) -> None:
    p = vg.PRESETS[preset_id]
    st.session_state.update(
        vg_depth=p.depth, vg_width=p.width, vg_n=p.n_samples, vg_act=p.config.activation,
        vg_init=p.config.init, vg_bn=p.config.batch_norm, vg_res=p.config.residual, vg_cmp=list(p.comparisons),
        vg_ds=p.dataset, vg_opt=p.optimizer, vg_lr=p.lr, vg_ep=p.epochs)


def _on_preset() -> None:
    if st.session_state.get("vg_preset") in vg.PRESETS:
        apply_preset(st.session_state["vg_preset"])


def _on_custom() -> None:
    """Any change of a setting leaves the preset: the selector then says so."""
    st.session_state["vg_preset"] = ""


def init_state(url: UrlState) -> None:
    """First run of a session: the default preset, then whatever the URL says."""
    if st.session_state.get("vg_init"):
        return
    st.session_state["vg_init"] = True
    apply_preset(vg.DEFAULT_PRESET)
    ss = st.session_state
    ss["vg_preset"] = vg.DEFAULT_PRESET
    ss["vg_depth"] = url.number("d", ss["vg_depth"], 1, vg.MAX_DEPTH, integer=True)
    ss["vg_width"] = url.number("w", ss["vg_width"], 1, vg.MAX_WIDTH, integer=True)
    ss["vg_n"] = url.number("n", ss["vg_n"], 2, vg.MAX_SAMPLES, integer=True)
    ss["vg_seed"] = url.number("seed", 0, 0, 10**6, integer=True)
    ss["vg_act"] = url.choice("a", ss["vg_act"], vg.ACTIVATIONS)
    ss["vg_init"] = url.choice("i", ss["vg_init"], vg.INIT_IDS)
    ss["vg_bn"] = url.flag("bn", ss["vg_bn"])
    ss["vg_res"] = url.flag("res", ss["vg_res"])
    ss["vg_cmp"] = [] if url.text("cmp", "x") == "" else url.choices(
        "cmp", ss["vg_cmp"], [c.id for c in vg.COMPARISONS], max_items=MAX_COMPARISONS)
    ss["vg_ds"] = url.choice("ds", ss["vg_ds"], vg.DATASETS)
    ss["vg_opt"] = url.choice("opt", ss["vg_opt"], vg.OPTIMIZERS)
    ss["vg_lr"] = url.number("lr", ss["vg_lr"], *LR_RANGE)
    ss["vg_ep"] = url.number("ep", ss["vg_ep"], 1, vg.MAX_EPOCHS, integer=True)
    if any(k in st.query_params for k in ("d", "w", "n", "seed", "a", "i", "bn", "res", "cmp", "ds", "opt", "lr", "ep")):
        ss["vg_preset"] = ""


def url_values(s: Settings) -> dict:
    return {"d": s.depth, "w": s.width, "a": s.config.activation, "i": s.config.init,
            "bn": s.config.batch_norm, "res": s.config.residual, "n": s.n_samples, "seed": s.seed,
            "cmp": [c.id for c in s.comparisons], "ds": s.dataset, "opt": s.optimizer, "lr": s.lr,
            "ep": s.epochs}


def sidebar_controls() -> Settings:
    sb = st.sidebar
    sb.selectbox(tr("vanishing.preset"), ["", *vg.PRESETS], key="vg_preset", on_change=_on_preset,
                 format_func=lambda p: tr(f"vanishing.preset_{p}") if p else tr("vanishing.preset_none"))
    sb.subheader(tr("vanishing.section_network"))
    kw = dict(on_change=_on_custom)
    sb.slider(tr("vanishing.depth"), 1, vg.MAX_DEPTH, key="vg_depth", help=tr("vanishing.depth_help"), **kw)
    sb.slider(tr("vanishing.width"), 1, vg.MAX_WIDTH, key="vg_width", **kw)
    sb.selectbox(tr("vanishing.activation"), vg.ACTIVATIONS, key="vg_act",
                 format_func=lambda a: tr(f"vanishing.act_{a}"), **kw)
    sb.selectbox(tr("vanishing.init"), vg.INIT_IDS, key="vg_init", help=tr("vanishing.init_help"),
                 format_func=lambda i: tr(f"vanishing.init_{i}"), **kw)
    sb.toggle(tr("vanishing.bn"), key="vg_bn", help=tr("vanishing.bn_help"), **kw)
    sb.toggle(tr("vanishing.res"), key="vg_res", help=tr("vanishing.res_help"), **kw)
    sb.number_input(tr("vanishing.n_samples"), 2, vg.MAX_SAMPLES, step=100, key="vg_n",
                    help=tr("vanishing.n_samples_help"), **kw)
    sb.number_input(tr("vanishing.seed"), 0, 10**6, step=1, key="vg_seed", **kw)
    sb.multiselect(tr("vanishing.compare"), [c.id for c in vg.COMPARISONS], key="vg_cmp", placeholder=tr("app.choose"),
                   max_selections=MAX_COMPARISONS, help=tr("vanishing.compare_help"),
                   format_func=lambda c: config_label(vg.NetConfig.parse(c), tr), **kw)
    sb.subheader(tr("vanishing.section_training"))
    sb.selectbox(tr("vanishing.dataset"), vg.DATASETS, key="vg_ds",
                 format_func=lambda d: tr(f"vanishing.ds_{d}"), **kw)
    sb.selectbox(tr("vanishing.optimizer"), vg.OPTIMIZERS, key="vg_opt",
                 format_func=lambda o: tr(f"vanishing.opt_{o}"), **kw)
    sb.number_input(tr("vanishing.lr"), *LR_RANGE, key="vg_lr", format="%g", step=0.005, **kw)
    sb.slider(tr("vanishing.epochs"), 1, vg.MAX_EPOCHS, key="vg_ep", **kw)
    ss = st.session_state
    return Settings(vg.NetConfig(ss["vg_act"], ss["vg_init"], bool(ss["vg_bn"]), bool(ss["vg_res"])),
                    tuple(vg.NetConfig.parse(c) for c in ss["vg_cmp"]), int(ss["vg_depth"]),
                    int(ss["vg_width"]), int(ss["vg_n"]), int(ss["vg_seed"]), ss["vg_ds"], ss["vg_opt"],
                    float(ss["vg_lr"]), int(ss["vg_ep"]))


def plan(s: Settings) -> vg.Plan:
    """How many inputs the probes use and how many epochs the runs train, within one change's
    budget (optviz.budget; vg.plan); long work yields the CPU to the room's light pages."""
    p = vg.plan(s.configs, s.depth, s.width, s.n_samples, s.epochs)
    budget.heavy(p.probe_seconds + p.train_seconds)
    return p


def probes(s: Settings, p: vg.Plan) -> list:
    """Probes of every configuration, one piece each (a progress bar while any is computed)."""
    return in_pieces(tr("vanishing.probing"), cached_probe,
                     [(c.id, s.depth, s.width, p.n_samples, s.seed) for c in s.configs])


def runs(s: Settings, p: vg.Plan) -> list:
    """Training runs of every configuration, one piece each (a progress bar while any is computed)."""
    return in_pieces(tr("vanishing.training"), cached_run,
                     [(c.id, s.depth, s.width, s.dataset, s.optimizer, s.lr, s.epochs, s.seed, p.epochs)
                      for c in s.configs])


def samples_note(s: Settings, p: vg.Plan) -> str | None:
    """Says so when the probes use fewer inputs than asked, to stay within one change's budget."""
    if p.n_samples >= s.n_samples:
        return None
    return tr("vanishing.samples_capped", n=p.n_samples, asked=s.n_samples, max=f"{budget.MAX_SECONDS:g}",
              mb=vg.PROBE_MAX_BYTES // (1024 * 1024))


def capped_note(runs: list) -> str | None:
    """Says so when the training runs were cut short to stay within one change's budget."""
    capped = [r for r in runs if r.capped]
    if not capped:
        return None
    r = capped[0]
    return tr("vanishing.train_capped", epochs=r.epochs_allowed, asked=r.epochs_asked,
              max=f"{budget.MAX_SECONDS:g}")


# --- the plain-language summary ------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{100 * x:.0f}"


def summary(chosen: vg.Probe, all_probes: list, learning: list, lr: float | None = None) -> list[str]:
    """Markdown lines that say in words what the charts show, for the chosen network first."""
    lines = []
    verdict = vg.gradient_verdict(chosen.gradient_ratio)
    size = vg.gradient_size_verdict(chosen)
    g = chosen.grad_norms
    if verdict != "none" and size == "tiny":
        lines.append(tr("vanishing.sum_grad_tiny", largest=vg.power_of_ten(float(max(g)))))
    elif size == "huge":
        lines.append(tr("vanishing.sum_grad_huge", smallest=vg.power_of_ten(float(min(g))),
                        largest=vg.power_of_ten(float(max(g)))))
    else:
        grows = verdict == "healthy" and chosen.gradient_ratio > 1  # "38.7 of the output's" misreads
        lines.append(tr("vanishing.sum_grad_growing" if grows else f"vanishing.sum_grad_{verdict}",
                        ratio=vg.power_of_ten(chosen.gradient_ratio)))
    act = vg.activation_verdict(chosen)
    centre = {"sigmoid": "0.5"}.get(chosen.config.activation, "0")
    lines.append(tr(f"vanishing.sum_act_{act}", std=vg.power_of_ten(float(chosen.std[-1])), centre=centre,
                    share=_pct({"saturated": chosen.saturated[-1], "collapsed": chosen.centred[-1],
                                "dead": chosen.zero_share[-1]}.get(act, 0.0))))
    if act == "saturated" and verdict == "healthy":
        lines.append(tr("vanishing.sum_saturated_flowing", ratio=vg.power_of_ten(chosen.gradient_ratio),
                        width=chosen.width))
    if chosen.config.activation == "sigmoid" and not chosen.config.residual:
        k = chosen.depth
        lines.append(tr("vanishing.sum_bound", k=k, layers=counted("vanishing.count_layers", k),
                        bound=vg.power_of_ten(0.25 ** k)))
    if chosen.config.batch_norm:
        lines.append(tr("vanishing.sum_bn"))
    if chosen.config.residual:
        lines.append(tr("vanishing.sum_res", ratio=vg.power_of_ten(chosen.gradient_ratio),
                        std=vg.power_of_ten(float(chosen.std[-1]))))
    if len(all_probes) > 1:
        items = "; ".join(f"{config_label(p.config, tr)}: {vg.power_of_ten(p.gradient_ratio)}" for p in all_probes)
        lines.append(tr("vanishing.sum_compare", items=items))
    by_id = {p.config.id: p for p in all_probes}
    lines += [_training_line(run, by_id.get(run.config.id)) for run in learning]
    stuck = [run for run in learning if _contradicts_note(run, by_id)]
    if stuck:
        lines.append(_why_stuck(stuck[0], by_id[stuck[0].config.id], lr))
    return lines


def _contradicts_note(run: vg.LearningRun, by_id: dict) -> bool:
    """A plain sigmoid network with Xavier weights (either form) stuck at chance: what note 003
    recommends, not learning; the page then says why."""
    c = run.config
    return (c.activation == "sigmoid" and c.init in ("xavier", "xavier_glorot") and not c.batch_norm
            and not c.residual and c.id in by_id and vg.training_verdict(run) == "stuck")


def _why_stuck(run: vg.LearningRun, probe: vg.Probe, lr: float | None) -> str:
    return tr("vanishing.sum_why_sigmoid_xavier", label=config_label(run.config, tr),
              layers=counted("vanishing.count_layers", probe.depth), ratio=vg.power_of_ten(probe.gradient_ratio),
              epoch_count=counted("vanishing.count_epochs", len(run.loss)), lr=f"{lr:g}" if lr else "—")


def _training_line(run: vg.LearningRun, probe: vg.Probe | None) -> str:
    """The verdict of one training run; when it did worse than guessing, the likely cause, read off
    the same network's probe (large weights saturate or blow up the signal) or else the steps."""
    v = vg.training_verdict(run)
    acc = run.accuracy[-1] if run.accuracy and run.accuracy[-1] is not None else math.nan
    cause = vg.weights_too_large(probe) if probe is not None else None
    return tr(f"vanishing.sum_train_{v}", label=config_label(run.config, tr),
              epoch_count=counted("vanishing.count_epochs", len(run.loss)),
              loss=f"{run.loss[-1]:.3f}" if run.loss else "—", chance=f"{run.chance_loss:.3f}",
              acc=_pct(acc) if math.isfinite(acc) else "—",
              times=f"{run.loss[-1] / run.chance_loss:.2g}" if run.loss else "—",
              hint=tr(f"vanishing.hint_{cause}" if cause else "vanishing.hint_lr",
                      std=vg.power_of_ten(float(probe.std[-1])) if probe is not None else "—"))


def scalar_chain_section() -> None:
    """Note 003's scalar demonstration in one click: an expander with the note's chain (ten sigmoid
    units, weight 0.5, input 1), its figure and the numbers the note prints; every value editable."""
    from ..plots.vanishing import scalar_chain_figure
    from .ui import chart, plot_tr

    with st.expander(tr("vanishing.chain_title")):
        st.caption(tr("vanishing.chain_caption"))
        d = vg.NOTE_003_CHAIN
        c1, c2, c3, c4 = st.columns(4)
        depth = c1.number_input(tr("vanishing.chain_depth"), 1, 100, d["depth"], key="vg_chain_depth")
        weight = c2.number_input(tr("vanishing.chain_weight"), -10.0, 10.0, d["weight"], 0.1, key="vg_chain_w")
        x = c3.number_input(tr("vanishing.chain_x"), -10.0, 10.0, d["x"], 0.1, key="vg_chain_x")
        act = c4.selectbox(tr("vanishing.chain_act"), ["sigmoid", "tanh", "relu"], key="vg_chain_act",
                           format_func=lambda a: tr(f"activations.name_{a}"))
        try:
            chain = vg.scalar_chain(depth, weight, x, act)
        except ValueError as e:
            st.error(tr("app.error", message=e))
            return
        chart(scalar_chain_figure(chain, tr=plot_tr))
        st.dataframe({tr("vanishing.chain_layer"): [str(i) for i in range(1, chain.depth + 1)],
                      tr("vanishing.chain_factor"): [f"{v:.4g}" for v in chain.factors],
                      tr("vanishing.chain_grad"): [f"{v:.3e}" for v in chain.gradients]},
                     hide_index=True, height=min(400, 38 + 35 * chain.depth))
