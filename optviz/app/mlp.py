"""Widgets, state and training loop of the MLP trainer page (Streamlit)."""
from __future__ import annotations

import html
import math
import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from .. import budget, datasets, drawn, features, landscape, memo, netview, optimizers, rules, userdata, worker
from . import rule_editor
from .. import playground as pg
from .. import evaluation as ev
from ..mlp import INITS, MLP, layer_units
from ..plots import mlp as plots
from ..training import Trainer, batch_size_for, epoch_seconds, n_weights
from ..training import compare_within
from .ui import HYPERPARAM_BOUNDS, UrlState, chart, chart_points, coded_message, hyperparam_step, keep_widgets, lr_step, plot_tr, tr

ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "elu", "swish", "gelu", "identity")
DATASETS = (*datasets.CLASSIFICATION, "draw", "regression", "upload")
PRESETS = {
    "xor_2": dict(data="xor", n=200, noise=0.15, hidden="2", act="tanh", opt="adam", lr=0.05, epochs=300,
                  mode="full"),
    "spiral_depth": dict(data="spiral", n=300, noise=0.1, hidden="16, 16, 16", act="tanh", opt="adam", lr=0.02,
                         epochs=600, mode="full"),
    "circles_features": dict(data="circles", n=200, noise=0.1, hidden="", act="tanh", feats=["x2", "y2"],
                             opt="adam", lr=0.1, epochs=200, mode="full"),
    "batch_modes": dict(data="moons", n=200, noise=0.2, hidden="8, 8", act="tanh", opt="sgd", lr=0.05,
                        epochs=50, mode="mini", batch=16, compare=["sgd", "momentum", "adam"]),
    "overfit": dict(data="moons", n=40, noise=0.35, test=0.5, hidden="64, 64", act="relu", opt="adam", lr=0.01,
                    epochs=600, mode="full"),
    "overfit_l2": dict(data="moons", n=40, noise=0.35, test=0.5, hidden="64, 64", act="relu", opt="adam",
                       lr=0.01, epochs=600, mode="full", reg="l2", rate=0.01),
}
MAX_COMPARE = 4  # optimizers in one comparison (the multiselect's limit, and a link's)
DEFAULTS = dict(data="moons", n=400, noise=0.2, classes=3, test=0.25, seed=0, hidden="8, 8", act="tanh",
                init="xavier", feats=[], reg="none", rate=0.001, opt="adam", lr=0.02, epochs=200, mode="full",
                batch=32, stop=0.0, compare=[])
NUMBERS = dict(n=(4, 2000, True), noise=(0.0, 2.0, False), classes=(2, 6, True), test=(0.0, 0.6, False),
               seed=(0, 10_000, True), rate=(0.0, 1.0, False), lr=(1e-5, 10.0, False), epochs=(1, 3000, True),
               batch=(1, 2000, True), stop=(0.0, 10.0, False))
MAX_HIDDEN, MAX_WIDTH = 6, 256
# bounds of the optimizers' own hyperparameters (the learning rate has its own widget)
REDRAW_SECONDS = 0.3  # live charts during training: about three redraws a second
# One epoch at most this long (estimated): Stop, any other click and a closed tab end a run between
# two epochs (Streamlit stops a script at its next call into Streamlit), so within about a second.
MAX_EPOCH_SECONDS = 1.0


def hyperparameters(name: str) -> dict:
    """Optimizer ``name``'s hyperparameters other than lr, with the core's defaults."""
    return {k: v for k, v in optimizers.hyperparameters(name).items() if k != "lr"}


def _hp_key(opt: str, name: str) -> str:
    return f"mlp_hp_{opt}_{name}"


HP_KEYS = [_hp_key(o, h) for o in optimizers.NAMES for h in hyperparameters(o)]
RULE = pg.RULE  # "your rule": a typed update rule (optviz.rules), edited with rule_editor.editor
OPTIMIZERS = (*optimizers.NAMES, RULE)


def optimizer_label(name: str) -> str:
    return tr("rule.yours") if name == RULE else optimizers.display_name(name)


def _rule_hp(text: str) -> dict:
    """The typed rule's hyperparameters but lr (the page's own lr input), as its editor holds them."""
    try:
        names = rules.parsed(text).hyperparameters
    except rules.RuleError:
        return {}
    return {h: st.session_state.get(f"mlp_rule_hp_{h}", pg.usual_value(h)) for h in names if h != "lr"}


RULE_HP = "rh_"  # a typed rule's hyperparameters in a link: rh_beta=0.9 (its names cannot clash with the page's)


def parse_hidden(text: str) -> list[int]:
    """'16, 16' → [16, 16]; empty → [] (no hidden layer). ValueError with a message otherwise."""
    items = [t.strip() for t in text.replace("、", ",").split(",") if t.strip()]
    if len(items) > MAX_HIDDEN:
        raise ValueError(tr("mlp.err_layers", max=MAX_HIDDEN))
    try:
        sizes = [int(t) for t in items]
    except ValueError:
        raise ValueError(tr("mlp.err_width", max=MAX_WIDTH)) from None
    if any(not 1 <= s <= MAX_WIDTH for s in sizes):
        raise ValueError(tr("mlp.err_width", max=MAX_WIDTH))
    return sizes


def _k(name):
    return f"mlp_{name}"


def apply_preset(pid: str) -> None:
    for k, v in {**DEFAULTS, **PRESETS[pid]}.items():
        st.session_state[_k(k)] = v
    for o in optimizers.NAMES:
        for h, v in hyperparameters(o).items():
            st.session_state[_hp_key(o, h)] = v
    # a preset starts again: no trained network, no comparison (set, not popped: the page reads them)
    st.session_state.update(mlp_trainer=None, mlp_compare_result=None, mlp_run=None, mlp_path=None)


def _on_preset():
    if st.session_state.get("mlp_preset") in PRESETS:
        apply_preset(st.session_state["mlp_preset"])


def init_state(url: UrlState) -> None:
    if st.session_state.get("mlp_init"):
        return
    st.session_state["mlp_init"] = True
    for k, v in DEFAULTS.items():
        st.session_state[_k(k)] = v
    st.session_state["mlp_preset"] = ""
    ss = st.session_state
    ss[_k("data")] = url.choice("data", ss[_k("data")], [d for d in DATASETS if d != "upload"])
    for k, (lo, hi, integer) in NUMBERS.items():
        ss[_k(k)] = url.number(k, ss[_k(k)], lo, hi, integer=integer)
    ss[_k("hidden")] = url.text("hidden", ss[_k("hidden")], max_len=60)
    ss[_k("act")] = url.choice("act", ss[_k("act")], ACTIVATIONS)
    ss[_k("init")] = url.choice("init", ss[_k("init")], INITS)
    ss[_k("feats")] = url.choices("feats", [], features.NAMES) if url._raw("feats") else []
    ss[_k("reg")] = url.choice("reg", ss[_k("reg")], ["none", "l2", "l1"])
    ss[_k("opt")] = url.choice("opt", ss[_k("opt")], OPTIMIZERS)
    if ss[_k("opt")] == RULE:  # a typed rule: its text and its hyperparameters by their own names
        text = url.text("rule", pg.RULE_EXAMPLES["sgd"][0], max_len=rules.MAX_LENGTH)
        try:
            names = rules.parsed(text).hyperparameters
            rule_editor.set_rule("mlp", text, {h: url.number(RULE_HP + h, pg.usual_value(h), -rule_editor.VALUE_LIMIT,
                                                          rule_editor.VALUE_LIMIT) for h in names if h != "lr"})
        except rules.RuleError:
            url.fallbacks.append(f"rule={text}")
            ss[_k("opt")] = DEFAULTS["opt"]
    ss[_k("mode")] = url.choice("mode", ss[_k("mode")], ["full", "mini", "sgd"])
    ss["mlp_drawn"], ss["mlp_drawn_error"] = drawn.empty(), None
    if url._raw("pts"):
        try:
            ss["mlp_drawn"] = drawn.decode(url.text("pts", "", max_len=3 * drawn.MAX_POINTS + 3))
        except drawn.DrawnError as e:
            ss["mlp_drawn_error"] = e
    ss[_k("compare")] = url.choices("compare", [], optimizers.NAMES, max_items=MAX_COMPARE) \
        if url._raw("compare") else []
    for o in optimizers.NAMES:  # the URL carries the chosen optimizer's hyperparameters only
        for h, v in hyperparameters(o).items():
            ss[_hp_key(o, h)] = url.number(h, v, *HYPERPARAM_BOUNDS[h]) if o == ss[_k("opt")] else v


def controls() -> dict:
    # the batch size in full-batch mode, β1 while SGD is chosen, everything below an error
    keep_widgets("mlp_kept", [_k(k) for k in DEFAULTS] + HP_KEYS)
    sb = st.sidebar
    sb.selectbox(tr("mlp.preset"), ["", *PRESETS], key="mlp_preset", on_change=_on_preset,
                 format_func=lambda p: tr(f"mlp.preset_{p}") if p else tr("mlp.preset_none"))
    sb.subheader(tr("mlp.data_header"))
    sb.selectbox(tr("mlp.dataset"), DATASETS, key=_k("data"), format_func=lambda d: tr(f"mlp.data_{d}"))
    if st.session_state[_k("data")] == "upload":
        sb.file_uploader(tr("mlp.upload"), type=["csv", "txt"], key="mlp_upload", help=tr("mlp.upload_help"))
    elif st.session_state[_k("data")] == "draw":
        _drawing_controls(sb)
    else:
        sb.slider(tr("mlp.n"), 4, 2000, key=_k("n"), step=4)
        sb.slider(tr("mlp.noise"), 0.0, 2.0, key=_k("noise"), step=0.05)
        if st.session_state[_k("data")] in ("spiral", "blobs"):
            sb.slider(tr("mlp.classes"), 2, 6, key=_k("classes"))
    sb.slider(tr("mlp.test_fraction"), 0.0, 0.6, key=_k("test"), step=0.05)
    sb.number_input(tr("mlp.seed"), 0, 10_000, key=_k("seed"))
    sb.subheader(tr("mlp.net_header"))
    sb.text_input(tr("mlp.hidden"), key=_k("hidden"), help=tr("mlp.hidden_help"))
    sb.selectbox(tr("mlp.activation"), ACTIVATIONS, key=_k("act"))
    sb.selectbox(tr("mlp.init"), INITS, key=_k("init"), format_func=lambda i: tr(f"mlp.init_{i}"))
    if st.session_state[_k("data")] != "regression":
        sb.multiselect(tr("mlp.features"), features.NAMES, key=_k("feats"), placeholder=tr("app.choose"),
                       format_func=lambda f: tr(f"mlp.feat_{f}"))
    c1, c2 = sb.columns(2)
    c1.selectbox(tr("mlp.reg"), ["none", "l2", "l1"], key=_k("reg"), format_func=lambda r: tr(f"mlp.reg_{r}"))
    c2.number_input(tr("mlp.rate"), 0.0, 1.0, key=_k("rate"), format="%g", step=0.001)
    s = {k: st.session_state.get(_k(k), v) for k, v in DEFAULTS.items()}
    if s["opt"] == RULE:
        s["rule"] = st.session_state.get("mlp_rule_text", pg.RULE_EXAMPLES["sgd"][0])
        s["hp"] = _rule_hp(s["rule"])
    else:
        s["hp"] = hp_of(s["opt"])
    return s


def hp_of(opt: str) -> dict:
    """The hyperparameters chosen for optimizer ``opt`` (its defaults where none were chosen)."""
    return {h: st.session_state.get(_hp_key(opt, h), v) for h, v in hyperparameters(opt).items()}


def url_values(s: dict) -> dict:
    """The settings as they go into the URL: the upload is not a link, the hyperparameters are flat."""
    out = {k: v for k, v in s.items() if k != "hp" and (k != "data" or v != "upload")}
    if s["data"] == "draw":
        out["pts"] = drawn.encode(st.session_state.get("mlp_drawn", drawn.empty()))
    if s["opt"] == RULE:
        return {**out, **{RULE_HP + h: v for h, v in s["hp"].items()}}
    return {**out, **s["hp"]}


def check_optimizer(s: dict) -> None:
    """A typed rule that cannot run: ValueError with the reason in the page's language."""
    if s["opt"] == RULE:
        try:
            optimizer_of(s)
        except rules.RuleError as e:
            raise ValueError(coded_message("rule.", e)) from None


def training_controls() -> None:
    c = st.columns(6)
    c[0].selectbox(tr("mlp.optimizer"), OPTIMIZERS, key=_k("opt"), format_func=optimizer_label)
    c[1].number_input(tr("mlp.lr"), 1e-5, 10.0, key=_k("lr"), format="%g",
                      step=lr_step(st.session_state.get(_k("lr"))))
    c[2].number_input(tr("mlp.epochs"), 1, 3000, key=_k("epochs"), step=10)
    c[3].selectbox(tr("mlp.mode"), ["full", "mini", "sgd"], key=_k("mode"),
                   format_func=lambda m: tr(f"mlp.mode_{m}"))
    if st.session_state[_k("mode")] == "mini":
        c[4].number_input(tr("mlp.batch"), 1, 2000, key=_k("batch"))
    c[5].number_input(tr("mlp.stop"), 0.0, 10.0, key=_k("stop"), format="%g", step=0.01,
                      help=tr("mlp.stop_help"))
    opt = st.session_state[_k("opt")]
    if opt == RULE:
        with st.expander(tr("mlp.rule_settings"), expanded=True):
            rule_editor.editor("mlp", toggle=False, given=("lr",))
    elif hyperparameters(opt):
        with st.expander(tr("mlp.opt_settings", opt=optimizers.display_name(opt))):
            cols = st.columns(4)
            for col, (h, default) in zip(cols, hyperparameters(opt).items()):
                col.number_input(tr(f"mlp.hp_{h}"), *HYPERPARAM_BOUNDS[h], key=_hp_key(opt, h), format="%g",
                                 step=hyperparam_step(h, default),
                                 help=tr("mlp.hp_default", value=default))


@dataclass
class Data:
    X: np.ndarray
    y: np.ndarray
    Xte: np.ndarray
    yte: np.ndarray
    names: list
    task: str  # "classification" or "regression"


@memo.memo(max_mb=8, name="mlp.data")  # ≤ 0.1 MB an entry (2 000 points)
def _make_data(name, n, noise, classes, test, seed):
    kw = {"classes": classes} if name in ("spiral", "blobs") else {}
    X, y = datasets.make(name, n, noise, seed, **kw)
    return X, y, *datasets.train_test_split(X, y, test, seed)


def load_data(s: dict) -> Data:
    """The chosen data set (or the upload), split; ValueError with a message for a bad upload."""
    if s["data"] == "upload":
        f = st.session_state.get("mlp_upload")
        if f is None:
            raise ValueError(tr("mlp.upload_missing"))
        try:
            X, y, names = userdata.parse_csv(f.getvalue())
        except userdata.UserDataError as e:  # said in the page's language; the file's text as code
            raise ValueError(coded_message("userdata.", e)) from None
        Xtr, ytr, Xte, yte = datasets.train_test_split(X, y, s["test"], s["seed"])
        # the class names are a user's text and go into figures, which render a few HTML tags
        return Data(Xtr, ytr, Xte, yte, [html.escape(n, quote=False) for n in names], "classification")
    if s["data"] == "draw":
        X, y = drawn.as_data(st.session_state.get("mlp_drawn", drawn.empty()))
        if len(X) < 4 or len(set(y.tolist())) < 2:
            raise ValueError(tr("mlp.draw_more"))
        Xtr, ytr, Xte, yte = datasets.train_test_split(X, y, s["test"], s["seed"])
        return Data(Xtr, ytr, Xte, yte, [str(c) for c in range(int(y.max()) + 1)], "classification")
    X, y, Xtr, ytr, Xte, yte = _make_data(s["data"], s["n"], s["noise"], s["classes"], s["test"], s["seed"])
    if s["data"] == "regression":
        return Data(Xtr, ytr, Xte, yte, [], "regression")
    return Data(Xtr, ytr, Xte, yte, [str(c) for c in range(int(y.max()) + 1)], "classification")


def layer_sizes(s: dict, data: Data, hidden: list[int]) -> list[int]:
    n_in = data.X.shape[1] + (len(s["feats"]) if data.task == "classification" else 0)
    n_out = len(data.names) if data.task == "classification" else 1
    return [n_in, *hidden, n_out]


def new_model(s: dict, data: Data, hidden: list[int]) -> MLP:
    return MLP(layer_sizes(s, data, hidden), activation=s["act"], init=s["init"],
               loss="cross_entropy" if data.task == "classification" else "mse", seed=s["seed"])


def yield_if_heavy(s: dict, data: Data, hidden: list[int], b: int, compare: int = 1) -> None:
    """Training estimated to take long yields the CPU to the room's light pages (budget.heavy)."""
    sizes = layer_sizes(s, data, hidden)
    budget.heavy(epoch_seconds(sizes, len(data.X), b, len(data.Xte)) * s["epochs"] * compare)


def too_slow(s: dict, data: Data, hidden: list[int], b: int, compare: int = 0) -> str | None:
    """Why this training may not start (a message saying what to reduce), or None. Training is run
    for ``compare`` optimizers, each for the chosen epochs (a comparison), or once (Train, Continue:
    those stop by themselves after budget.MAX_SECONDS and can be continued)."""
    sizes = layer_sizes(s, data, hidden)
    epoch = epoch_seconds(sizes, len(data.X), b, len(data.Xte))
    if epoch > MAX_EPOCH_SECONDS:
        return tr("mlp.too_slow_epoch", weights=n_weights(sizes), n=len(data.X), b=b, seconds=epoch,
                  limit=MAX_EPOCH_SECONDS)
    total = epoch * s["epochs"] * compare
    if compare and total > budget.MAX_SECONDS:
        fit = max(1, int(budget.MAX_SECONDS / (epoch * compare)))
        return tr("mlp.too_slow_compare", k=compare, epochs=s["epochs"], seconds=total,
                  limit=budget.MAX_SECONDS, fit=fit)
    return None


def optimizer_of(s: dict, name: str | None = None):
    name = name or s["opt"]
    if name == RULE:
        rule = rules.parsed(s["rule"])
        return optimizers.from_rule(rule, {**({"lr": s["lr"]} if "lr" in rule.hyperparameters else {}), **s["hp"]})
    return optimizers.get(name, lr=s["lr"], **(s["hp"] if name == s["opt"] else hp_of(name)))


def batch_of(s: dict, n: int) -> int:
    return batch_size_for(s["mode"], n, s["batch"])


def settings_label(s: dict, b: int) -> str:
    """What the weights are trained with, as marked on the curves when it changes."""
    if s["opt"] == RULE:
        hp = ", ".join(f"{h} {v:g}" for h, v in s["hp"].items())
    else:
        hp = ", ".join(f"{tr(f'mlp.hp_{h}')} {v:g}" for h, v in s["hp"].items() if v != hyperparameters(s["opt"])[h])
    name = optimizer_label(s["opt"])
    opt = f"{name} ({hp})" if hp else name
    reg = tr("mlp.change_reg", reg=tr(f"mlp.reg_{s['reg']}"), rate=s["rate"]) if s["reg"] != "none" \
        else tr("mlp.change_reg_none")
    return tr("mlp.change", opt=opt, lr=s["lr"], reg=reg, mode=mode_label(s, b))


def mode_label(s: dict, b: int) -> str:
    return tr("mlp.change_mini", b=b) if s["mode"] == "mini" else tr(f"mlp.mode_{s['mode']}")


def start_run(s: dict, data: Data, hidden: list[int], b: int, reg: dict, fresh: bool) -> Trainer:
    """A new trainer (Train) or the current one with the settings now chosen (Continue). What it is
    trained with and when the run started are kept in the session first, so that a run cut short by
    Stop (which reruns the page mid-run) still reports them."""
    ss = st.session_state
    label = settings_label(s, b)
    if fresh:
        trainer = Trainer(new_model(s, data, hidden), optimizer_of(s), b, s["seed"], **reg)
        ss["mlp_path"] = None  # the weights along the run, for the loss landscape
    else:
        trainer = ss["mlp_trainer"]
        kept = trainer.configure(optimizer_of(s), b, **reg)
        if label != ss.get("mlp_trained_with"):
            state = tr("mlp.state_kept") if kept else tr("mlp.state_fresh")
            trainer.history.changes.append((trainer.history.epochs, f"{label}; {state}"))
    ss.update(mlp_trainer=trainer, mlp_trained_with=label,
              mlp_run={"start": time.perf_counter(), "seconds": 0.0}, mlp_landscape=None)
    ss.pop("mlp_replay", None)  # a new run is shown at its end
    if ss.get("mlp_path") is None and _landscape_allowed(trainer.model, data):
        ss["mlp_path"] = landscape.PathRecorder(trainer.model.n_params)
        ss["mlp_path"].add(trainer.history.epochs, landscape.flat(trainer.model))
    return trainer


def _landscape_allowed(model: MLP, data: Data) -> bool:
    """Whether this network's loss landscape fits one click: only then are its weights recorded along
    a run (up to 4 MB a session; for a network whose landscape is refused anyway, none)."""
    return landscape.seconds(model, len(data.X)) <= budget.MAX_SECONDS


def train(trainer: Trainer, s: dict, data: Data, extra, epochs: int, on_update) -> None:
    """Run ``epochs`` epochs with a progress bar, calling ``on_update(history)`` about every
    REDRAW_SECONDS. Stops early at the test-loss target. The seconds taken so far are kept in
    ``st.session_state["mlp_run"]`` after every epoch. Heavy training runs in a worker process
    (optviz.worker), one piece of REDRAW_SECONDS at a time."""
    X = features.expand(data.X, extra)
    Xte = features.expand(data.Xte, extra) if len(data.Xte) else None
    yte = data.yte if Xte is not None else None
    bar = st.progress(0.0, text=tr("mlp.training", done=0, total=epochs))
    # a click interrupts this run (Streamlit reruns the page); the weights learned so far are kept
    stop = st.empty()
    stop.button(tr("mlp.stop_button"), key="mlp_stop_run")
    run = st.session_state["mlp_run"]
    start_epoch = trainer.history.epochs
    path = st.session_state.get("mlp_path")

    def show(h):
        done = h.epochs - start_epoch
        bar.progress(done / epochs, text=tr("mlp.training", done=done, total=epochs))

    if worker.wanted():
        _train_in_worker(trainer, s, X, data.y, Xte, yte, epochs, path, show, on_update)
    else:
        _train_here(trainer, s, X, data.y, Xte, yte, epochs, path, show, on_update)
    run["seconds"] = time.perf_counter() - run["start"]
    bar.empty()
    stop.empty()  # the run is over: nothing left to stop


def _train_here(trainer: Trainer, s: dict, X, y, Xte, yte, epochs: int, path, show, on_update) -> None:
    run = st.session_state["mlp_run"]
    start_epoch, last = trainer.history.epochs, time.perf_counter()
    deadline = budget.Deadline(budget.MAX_SECONDS)  # a run is a bounded piece: Continue goes on

    def callback(epoch, h):
        nonlocal last
        if path is not None and epoch % path.stride == 0:
            path.add(epoch, landscape.flat(trainer.model))
        now = time.perf_counter()
        run["seconds"] = now - run["start"]
        if now - last >= REDRAW_SECONDS:
            show(h)
            on_update(h)
            last = time.perf_counter()
        if deadline.expired() and epoch - start_epoch < epochs:
            run["cut"] = dict(done=epoch - start_epoch, total=epochs)
            return True
        return bool(s["stop"] and h.test_loss and h.test_loss[-1] <= s["stop"])

    trainer.run(X, y, epochs, Xte, yte, callback=callback)


def _train_in_worker(trainer: Trainer, s: dict, X, y, Xte, yte, epochs: int, path, show, on_update) -> None:
    """The same run in pieces in a worker process: the trainer is sent, trains REDRAW_SECONDS, and
    comes back to be drawn. A click or a closed tab stops the worker at once (its piece is lost,
    the weights of the pieces before it are kept); the budget counts the worker's CPU seconds."""
    run = st.session_state["mlp_run"]
    start_epoch, used = trainer.history.epochs, 0.0
    with worker.ticking(lambda: show(trainer.history)):
        while (done := trainer.history.epochs - start_epoch) < epochs:
            new, records, cpu, reached = worker.call(
                ("fn", "optviz.training", "train_piece"), (trainer, X, y, epochs - done, Xte, yte),
                dict(seconds=REDRAW_SECONDS, stop_loss=s["stop"] or 0.0, record_every=path.stride if path else 0))
            trainer.__dict__.update(new.__dict__)  # the same trainer (the session's), trained further
            for epoch, weights in records:
                path.add(epoch, weights)
            used += cpu
            h = trainer.history
            run["seconds"] = time.perf_counter() - run["start"]
            show(h)
            on_update(h)
            done = h.epochs - start_epoch
            if reached or not (h.loss and math.isfinite(h.loss[-1])):
                return
            if used >= budget.MAX_SECONDS and done < epochs:
                run["cut"] = dict(done=done, total=epochs)
                return


def compare(s: dict, data: Data, hidden, extra, reg, b: int) -> dict | None:
    """The chosen optimizers trained from the same initial weights (training.compare). The result
    keeps the settings it was run with, for its caption. The progress bar moves within each run, so
    that a click (Stop or any other) or a closed tab ends the comparison at once; None when it ran
    out of its budget of computing (said on the page). Heavy comparisons run in a worker process."""
    names, epochs = s["compare"], s["epochs"]
    bar = st.progress(0.0)
    stop = st.empty()
    stop.button(tr("mlp.stop_button"), key="mlp_stop_compare")
    last, shown = time.perf_counter(), [0, 0]

    def show(i, epoch):
        shown[:] = i, epoch
        bar.progress((i + epoch / epochs) / len(names),
                     text=tr("mlp.compare_progress", name=optimizers.display_name(names[i]), i=i + 1, k=len(names)))

    model = new_model(s, data, hidden)
    args = (model, {n: optimizer_of(s, n) for n in names}, features.expand(data.X, extra), data.y, epochs, b, s["seed"])
    kw = dict(seconds=budget.MAX_SECONDS, record=_landscape_allowed(model, data), **reg)
    if worker.wanted():
        with worker.ticking(lambda: show(*shown)):
            done = worker.call(("fn", "optviz.training", "compare_within"), args, kw, progress=show)
    else:
        def progress(i, epoch):
            nonlocal last
            if time.perf_counter() - last >= REDRAW_SECONDS:
                show(i, epoch)
                last = time.perf_counter()

        done = compare_within(*args, progress=progress, **kw)
    bar.empty()
    stop.empty()
    if done is None:
        st.warning(tr("mlp.compare_stopped", limit=budget.MAX_SECONDS))
        return None
    runs = [(f"{optimizers.display_name(r.name)} (lr={s['lr']:g})", r.history,
             _boundary(r.model, data, extra) if data.task == "classification" else None, r.initial) for r in done]
    return dict(runs=runs, epochs=epochs, lr=s["lr"], mode=mode_label(s, b), model=done[0].model,
                paths=[r.path for r in done], landscape=None)


def compare_landscape(result: dict, data: Data, extra) -> None:
    """The compared runs' paths on one plane (the principal directions of all their weights), through
    the first run's trained weights, over the training loss there; on a click."""
    X = features.expand(data.X, extra)
    if st.button(tr("mlp.land_compare"), key="mlp_land_compare"):
        if not _too_big(result["model"], X, recorded=all(p is not None for p in result["paths"])):
            plane, paths = landscape.joint_pca_plane(result["paths"])
            (a0, a1), (b0, b1) = landscape.span(np.vstack(paths))  # every run's path in view
            land = _surface(result["model"], X, data.y, plane, np.linspace(a0, a1, landscape.GRID),
                            np.linspace(b0, b1, landscape.GRID))
            result["landscape"] = dict(land=land, paths=paths, explained=plane.explained)
    shown = result.get("landscape")
    if shown:
        labels = [r[0] for r in result["runs"]]
        chart(plots.landscape(shown["land"], list(zip(labels, shown["paths"])), tr=plot_tr))
        e1, e2 = shown["explained"]
        st.caption(tr("mlp.land_caption_compare", first=labels[0], loss=shown["land"].centre_loss,
                      e1=f"{100 * e1:.0f}", e2=f"{100 * e2:.0f}"))


def _too_big(model: MLP, X, recorded: bool = True) -> bool:
    """True, said on the page, when the model's loss landscape on X would take more than one click
    may (or its path was not recorded for that reason)."""
    seconds = landscape.seconds(model, len(X))
    if seconds > budget.MAX_SECONDS or not recorded:
        st.error(tr("mlp.land_too_big", seconds=f"{seconds:.0f}", limit=f"{budget.MAX_SECONDS:g}"))
        return True
    return False


def _surface(model: MLP, X, y, plane, alphas=None, betas=None):
    """landscape.surface with a progress bar."""
    bar = st.progress(0.0)
    land = landscape.surface(model, X, y, plane, alphas, betas,
                             on_progress=lambda done, total: bar.progress(done / total))
    bar.empty()
    return land


def _boundary(model, data, extra):
    return ev.boundary_grid(model, data.X, extra, n=50)


class Board:
    """The data with the network's boundary (or curve), and the training curves beside it, drawn
    in place: once before a run (so the data stays in view), live during it, and after it."""

    def __init__(self, data: Data, extra):
        left, right = st.columns([3, 2])
        self.board, self.curves = left.empty(), right.empty()
        self.replay = st.empty()  # after a run: the epoch whose network is shown
        self.net = st.empty()  # inside the network, under both
        self.data, self.extra, self.draws = data, extra, 0

    def draw(self, trainer: Trainer | None, final: bool = False) -> None:
        """``final``: the run is over, so the slider over the recorded epochs is drawn and the boundary
        and the network view show the weights of the epoch it names."""
        d, n = self.data, self.draws
        self.draws += 1  # each redraw of a placeholder needs its own element key
        model = self._replayed(trainer) if final and trainer is not None else trainer.model if trainer else None
        with self.board.container():
            if d.task == "regression":
                curve = ev.regression_curve(model, d.X) if trainer else None
                chart(plots.regression(d.X, d.y, curve, title=tr("mlp.fit_title"), tr=plot_tr), key=f"mlp_b{n}")
            else:
                grid = ev.boundary_grid(model, d.X, self.extra) if trainer else None
                title = tr("mlp.boundary_title") if trainer else tr("mlp.data_title")
                chart(plots.boundary(d.X, d.y, d.names, grid, d.Xte, d.yte, title=title, tr=plot_tr), key=f"mlp_b{n}")
        if trainer is not None and trainer.history.epochs:
            with self.curves.container():
                chart(plots.history(trainer.history, tr=plot_tr), key=f"mlp_h{n}")
        if trainer is not None:
            with self.net.container():
                st.subheader(tr("mlp.inside_header"))
                view = netview.view(model, d.X, d.y, self.extra)
                chart(plots.network_view(view, d.names, tr=plot_tr), key=f"mlp_n{n}")
                st.caption(tr("mlp.net_caption", shown=netview.MAX_SHOWN))

    def _replayed(self, trainer: Trainer) -> MLP:
        """The network at the epoch chosen on the replay slider (the recorded weights of the run,
        ``mlp_path``); the trained network itself at the last epoch or without a recording."""
        ss = st.session_state
        path, now = ss.get("mlp_path"), trainer.history.epochs
        if path is None or not path.points:
            return trainer.model
        epochs = [e for e in path.epochs if e < now] + [now]
        if len(epochs) < 2:
            return trainer.model
        if ss.get("mlp_replay") not in epochs:
            ss["mlp_replay"] = now
        with self.replay.container():
            epoch = st.select_slider(tr("mlp.replay"), epochs, key="mlp_replay", help=tr("mlp.replay_help"))
        if epoch == now:
            return trainer.model
        return landscape.with_weights(trainer.model, path.points[path.epochs.index(epoch)])


def summary(trainer: Trainer, classify: bool) -> str:
    h = trainer.history
    fmt = lambda v: "—" if not v or v[-1] is None else f"{v[-1]:.4g}"  # noqa: E731
    run = st.session_state.get("mlp_run") or {}
    values = dict(epochs=h.epochs, loss=fmt(h.loss), test_loss=fmt(h.test_loss), params=trainer.model.n_params,
                  updates=h.updates, seconds=run.get("seconds", 0.0))
    if not classify:  # no accuracy for a regression
        return tr("mlp.summary_regression", **values)
    return tr("mlp.summary", acc=fmt(h.accuracy), test_acc=fmt(h.test_accuracy), **values)


def confusion(trainer: Trainer, data: Data, extra):
    """The confusion matrix on the test points, or on the training points when there are none."""
    on_test = len(data.Xte) > 0
    X, y = (data.Xte, data.yte) if on_test else (data.X, data.y)
    pred = ev.predicted_classes(trainer.model, features.expand(X, extra))
    return plots.confusion(ev.confusion_matrix(y, pred, len(data.names)), data.names,
                           points="test" if on_test else "train", tr=plot_tr)


def symmetry_note(trainer: Trainer) -> str | None:
    """What zero initialization did, when a hidden layer's units are not all different: every weight
    below the output still 0 (f(0) = 0: no gradient reaches them), or units that stayed copies of
    each other (the same start, the same gradient at every step). None for a healthy network."""
    layers = layer_units(trainer.model)
    if all(u.distinct == u.units for u in layers):
        return None
    if all(u.zero for u in layers):
        return tr("mlp.sym_dead", act=trainer.model.act.name)
    details = ", ".join(tr("mlp.sym_layer", layer=i + 1, distinct=u.distinct, units=u.units)
                        for i, u in enumerate(layers) if u.distinct < u.units)
    return tr("mlp.sym_copies", details=details)


def first_layer_table(trainer: Trainer, most: int = 16) -> dict:
    """The first hidden layer's incoming weights and bias, one row per unit (the first ``most``)."""
    W, b = trainer.model.params[0]
    table = {f"w{j + 1}": [float(v) for v in W[j, :most]] for j in range(min(W.shape[0], 8))}
    table["b"] = [float(v) for v in b[:most]]
    return table


LANDSCAPE_KINDS = ("pca", "random")


def landscape_section(trainer: Trainer, data: Data, extra) -> None:
    """After training: the training loss on a 2-D slice through the trained weights (PCA of the
    path, or two filter-normalised random directions), on a click, with a progress bar; kept until
    the network changes."""
    ss = st.session_state
    st.subheader(tr("mlp.land_header"))
    kind = st.radio(tr("mlp.land_kind"), LANDSCAPE_KINDS, key="mlp_land_kind", horizontal=True,
                    format_func=lambda k: tr(f"mlp.land_kind_{k}"))
    X = features.expand(data.X, extra)
    if st.button(tr("mlp.land_draw"), key="mlp_land_draw") and not _too_big(trainer.model, X):
        path = ss.get("mlp_path")
        points = path.trajectory(landscape.flat(trainer.model)) if path is not None else None
        if kind == "pca" and (points is None or len(points) < 3):
            st.error(tr("mlp.land_no_path"))
        else:
            plane = landscape.pca_plane(points) if kind == "pca" else landscape.random_plane(trainer.model, trainer.seed)
            land = _surface(trainer.model, X, data.y, plane)
            ss["mlp_landscape"] = dict(kind=kind, land=land, path=plane.path, explained=plane.explained,
                                       epochs=trainer.history.epochs)
    shown = ss.get("mlp_landscape")
    if shown and shown["epochs"] == trainer.history.epochs:
        path = shown["path"]
        chart(plots.landscape(shown["land"], None if path is None else [(tr("mlp.land_path"), path)], tr=plot_tr))
        e1, e2 = shown["explained"]
        st.caption(tr(f"mlp.land_caption_{shown['kind']}", loss=shown["land"].centre_loss,
                      e1=f"{100 * e1:.0f}" if e1 == e1 else "—", e2=f"{100 * e2:.0f}" if e2 == e2 else "—",
                      points=len(shown["path"]) if shown["path"] is not None else 0))


# --- a data set drawn by hand -------------------------------------------------------------------------

DRAW_BASES = tuple(d for d in datasets.CLASSIFICATION)


def _drawing_controls(sb) -> None:
    """The class a tap adds, a generated data set to start from, Clear, and the CSV of the drawing."""
    ss = st.session_state
    sb.slider(tr("mlp.classes"), 2, 6, key=_k("classes"))
    sb.radio(tr("mlp.draw_class"), list(range(ss[_k("classes")])), key="mlp_draw_class", horizontal=True)
    c1, c2 = sb.columns([3, 2])
    c1.selectbox(tr("mlp.draw_base"), DRAW_BASES, key="mlp_draw_base", format_func=lambda d: tr(f"mlp.data_{d}"))
    c2.button(tr("mlp.draw_use"), key="mlp_draw_use", on_click=_use_base)
    sb.button(tr("mlp.draw_clear"), key="mlp_draw_clear", on_click=lambda: ss.update(mlp_drawn=drawn.empty()))
    sb.download_button(tr("mlp.draw_csv"), drawn.to_csv(ss.get("mlp_drawn", drawn.empty())), "optviz-drawing.csv",
                       "text/csv", key="mlp_draw_download")


def drawing_key(s: dict) -> str | None:
    """The drawing, in a form that changes with every point (a new drawing trains a new network)."""
    return drawn.encode(st.session_state.get("mlp_drawn", drawn.empty())) if s["data"] == "draw" else None


def _use_base() -> None:
    ss = st.session_state
    X, y = datasets.make(ss.get("mlp_draw_base", "moons"), 120, noise=0.1, seed=int(ss.get(_k("seed"), 0)))
    ss["mlp_drawn"] = drawn.from_data(X, y)


def _on_tap() -> None:
    points = chart_points("mlp_pad")
    if points and "x" in points[0] and "y" in points[0]:
        ss = st.session_state
        ss["mlp_drawn"] = drawn.click(ss.get("mlp_drawn", drawn.empty()), float(points[0]["x"]),
                                      float(points[0]["y"]), int(ss.get("mlp_draw_class", 0)))


def drawing_pad() -> None:
    """Above the trainer when the data set is drawn: the pad (a tap adds a point of the chosen class,
    a tap on a point removes it) and what a link to the drawing could not hold."""
    ss = st.session_state
    if ss.get("mlp_drawn_error") is not None:
        st.warning(tr("mlp.draw_bad_link", message=coded_message("mlp.draw_err_", ss["mlp_drawn_error"])))
    points = ss.get("mlp_drawn", drawn.empty())
    st.caption(tr("mlp.draw_caption", n=len(points), most=drawn.MAX_POINTS))
    chart(plots.drawing_pad(points, drawn.BOX, tr=plot_tr), key="mlp_pad", on_select=_on_tap, selection_mode="points")
