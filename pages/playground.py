"""Optimizer playground: race optimizers on a surface and see why they behave as they do."""
import streamlit as st

from optviz import budget
from optviz import playground as pg
from optviz.app import playground as ui
from optviz.app import rule_editor
from optviz.plots import playground as plots
from optviz.app.ui import UrlState, app_frame, chart, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

st.title(tr("playground.title"))
url = UrlState()
ui.init_state(url)
settings, surface = ui.sidebar_controls()
url.show_fallbacks()
if isinstance(surface, str):  # the custom expression was refused: say why, draw nothing
    st.error(tr("playground.expr_error", message=surface))
    st.stop()
st.latex(f"f(x, y) = {surface.latex}")
if surface.numeric_gradient:
    quad = getattr(surface, "quadratic", None)  # a polynomial of degree ≤ 2: what kind of quadratic
    if quad is None:
        st.caption(tr("playground.numeric_gradient"))
    elif quad.kind == "minimum":
        st.caption(tr("playground.numeric_gradient_quadratic"))
    else:  # no minimum to mark: said plainly, not as a star at ±inf
        (st.warning if quad.kind == "unbounded" else st.info)(tr(f"playground.quadratic_{quad.kind}"))

left, right = st.columns([3, 2], gap="medium")
with right:
    st.subheader(tr("playground.optimizers"))
    user_runs = runs = ui.run_editor()
    with st.expander(tr("playground.formulas")):
        rule_editor.formulas(runs)
key = ui.surface_key(settings)


def share(k: int) -> None:
    """The racers for the next run, and the link."""
    ui.save_state(user_runs)
    url.write({"s": settings.surface_id, "x": settings.start[0], "y": settings.start[1],
               "steps": settings.steps, "runs": pg.format_runs(user_runs),
               "noise": settings.noise, "k": k, "fair": settings.fair,
               "3d": bool(st.session_state.get("pg_3d")), "sweep": bool(st.session_state.get("pg_sweep")),
               **({"scrub": f"{scrub[0] + 1}:{scrub[1]}"} if scrub else {}),
               **({"expr": settings.expr} if settings.surface_id == ui.CUSTOM else {})})


# what this run may compute (estimated CPU seconds, optviz.budget): the race first, then the sweep
# tab and the basin maps with what is left; work beyond it is refused before it starts
with left:
    scrub = ui.scrub_controls(user_runs, settings.fair)
seconds_left = budget.MAX_SECONDS - ui.race_seconds(surface, settings, runs) \
    - ui.scrub_seconds(surface, settings, user_runs, scrub)
budget.heavy(budget.MAX_SECONDS - seconds_left)  # long work yields the CPU to the room's light pages
if seconds_left < 0:
    with left:
        st.error(ui.too_costly("race_fair" if settings.fair else "race", budget.MAX_SECONDS - seconds_left))
    share(int(st.session_state.get("pg_step", 0)))
    st.stop()

sweeps = None
if settings.fair:
    sweeps = ui.sweeps(key, runs, settings.start, settings.steps)
    runs = [ui.with_lr(r, sw.best_lr) if sw.best_lr else r for r, sw in zip(runs, sweeps)]

results = ui.race(key, runs, settings.start, settings.steps, settings.noise)
labels = [f"{i + 1} · {r.label()}" for i, r in enumerate(runs)]

with left:  # the contour with trajectories, the playback step and the click-to-start tip
    if st.session_state.get("pg_step", 0) > settings.steps:
        st.session_state["pg_step"] = settings.steps
    k = int(st.session_state.get("pg_step", 0))
    if scrub:
        ui.scrub_chart(surface, key, settings, runs, results, labels, *scrub)
    else:
        chart(plots.contour_with_paths(surface, results, labels, step=k, tr=plot_tr),
              key="pg_chart", on_select=ui._on_chart_select, selection_mode="points")
    st.slider(tr("playground.inspect_step"), 0, settings.steps, key="pg_step")
    st.caption(tr("playground.click_tip"))

with right:  # why it behaves so: stability limits and divergence
    if settings.fair:
        st.info(tr("playground.fair_note", lrs=", ".join(r.label() for r in runs)))
        for label, sw in zip(labels, sweeps):
            if sw.best_at_edge:
                st.warning(tr("playground.fair_edge", label=label, lo=sw.lrs[0], hi=sw.lrs[-1]))
    if surface.stability_limit is not None:
        st.info(tr("playground.limit_info", limit=surface.stability_limit,
                   eig=2 / surface.stability_limit))
    summary = [pg.diagnose(surface, s, r) for s, r in zip(runs, results)]
    for label, d in zip(labels, summary):
        if d.regime == "diverged":
            st.error(tr("playground.diverged_limit" if d.limit else "playground.diverged", label=label,
                        step=d.diverged_at, last=d.diverged_at - 1, suggestion=d.suggested_lr, limit=d.limit))
        elif d.regime == "unstable":
            st.warning(tr("playground.unstable", label=label, limit=d.limit))
        elif d.regime == "edge":
            st.warning(tr("playground.edge", label=label, limit=d.limit))

tab = ui.tabs()
with tab["inspect"]:
    if tab["inspect"].open:
        st.caption(tr("playground.inspect_caption", step=k))
        st.dataframe(ui.inspector_table(results, labels, k))
with tab["loss"]:
    if tab["loss"].open:
        chart(plots.loss_curves(surface, results, labels, tr=plot_tr))
        if surface.minima:  # a saddle or a custom surface has no known minimum to measure from
            chart(plots.distance_curves(surface, results, labels, tr=plot_tr))
        st.dataframe(ui.summary_table(summary, labels), hide_index=True)
with tab["3d"]:
    if tab["3d"].open:
        if st.toggle(tr("playground.show_3d"), key="pg_3d"):
            chart(plots.surface_3d(surface, results, labels, tr=plot_tr))
with tab["sweep"]:
    if tab["sweep"].open:
        if sweeps is not None or st.toggle(tr("playground.compute_sweep"), key="pg_sweep"):
            need = 0.0 if sweeps is not None else ui.sweep_seconds(surface, settings, runs)
            if need > seconds_left:
                st.warning(ui.too_costly("sweep", need))
            else:
                seconds_left -= need
                sweeps = sweeps or ui.sweeps(key, runs, settings.start, settings.steps)
                limits = [pg.stability_limit(surface, r) for r in runs]
                chart(plots.lr_sweep_figure(surface, sweeps, labels, limits, tr=plot_tr),
                                width="stretch")
                st.caption(tr("playground.sweep_caption", steps=settings.steps))
with tab["basin"]:
    if tab["basin"].open:
        ui.basin_section(surface, key, settings, runs, labels, seconds=seconds_left)
with tab["export"]:
    if tab["export"].open:
        st.download_button(tr("app.download_csv"), pg.to_csv(results, labels),
                           file_name="optviz-trajectories.csv", mime="text/csv")
        st.caption(tr("app.sidebar.share_help"))

share(k)
