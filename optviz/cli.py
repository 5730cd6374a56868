"""Command line: export exactly the app's numbers, e.g. a trajectory as CSV or JSON on stdout.

    python -m optviz trajectory --surface rosenbrock --optimizer adam --lr 0.01 --steps 500 \
        --start=-1.5,2 --format csv
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys

from . import optimizers, surfaces
from .trajectory import optimize

HYPER_FLAGS = ("lr", "beta", "beta1", "beta2", "eps", "weight_decay")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and status 2, instead of argparse's usage dump
        self.exit(2, f"optviz: error: {message}\n")


def _point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y (two numbers), got {text!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise argparse.ArgumentTypeError(f"start must be finite, got {text!r}")
    return x, y


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m optviz", description="optviz numeric core on the command line.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = sub.add_parser("trajectory", help="run an optimizer on a surface; write step,x,y,loss rows")
    t.add_argument("--surface", default="rosenbrock", help=f"one of: {', '.join(surfaces.IDS)}")
    t.add_argument("--optimizer", default="adam", help=f"one of: {', '.join(optimizers.NAMES)}")
    t.add_argument("--steps", type=int, default=100, help="number of steps (default 100)")
    t.add_argument("--start", type=_point, default=None,
                   help="start point X,Y (default: the surface's); write --start=-1.5,2 for negatives")
    for name in HYPER_FLAGS:
        t.add_argument(f"--{name.replace('_', '-')}", dest=name, type=float, default=None,
                       help=f"{name} (default: the optimizer's)")
    t.add_argument("--noise", type=float, default=0.0, help="std of Gaussian gradient noise")
    t.add_argument("--seed", type=int, default=0, help="seed for the gradient noise")
    t.add_argument("--format", choices=("csv", "json"), default="csv")
    sub.add_parser("surfaces", help="list the surface ids")
    sub.add_parser("optimizers", help="list the optimizers and their default hyperparameters")
    return p


def _num(v: float):
    return v if math.isfinite(v) else None


def main(argv=None) -> int:
    """Run the CLI; a reader that stops early (``| head``) ends it quietly, as with other tools."""
    try:
        status = _main(argv)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # the reader is gone: point stdout at /dev/null so the interpreter's final flush is quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = sys.stdout
    if args.command == "surfaces":
        for s in surfaces.ALL:
            out.write(f"{s.id}\t{s.latex}\n")
        return 0
    if args.command == "optimizers":
        for name in optimizers.NAMES:
            hp = ", ".join(f"{k}={v:g}" for k, v in optimizers.hyperparameters(name).items())
            out.write(f"{name}\t{hp}\n")
        return 0
    hyper = {k: getattr(args, k) for k in HYPER_FLAGS if getattr(args, k) is not None}
    try:
        res = optimize(args.surface, args.optimizer, start=args.start, steps=args.steps,
                       noise=args.noise, seed=args.seed, **hyper)
    except ValueError as e:
        parser.error(str(e))
    rows = [(i, float(p[0]), float(p[1]), float(loss)) for i, (p, loss)
            in enumerate(zip(res.points, res.losses))]
    if args.format == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["step", "x", "y", "loss"])
        for i, x, y, loss in rows:
            w.writerow([i, repr(x), repr(y), repr(loss)])  # repr: shortest exact float64 text
    else:
        json.dump({
            "surface": res.surface.id, "optimizer": res.optimizer.name,
            "hyperparams": res.optimizer.hyperparams, "steps": res.steps,
            "diverged_at": res.diverged_at,
            "points": [{"step": i, "x": _num(x), "y": _num(y), "loss": _num(loss)}
                       for i, x, y, loss in rows],
        }, out)
        out.write("\n")
    if res.diverged_at >= 0:
        sys.stderr.write(f"optviz: note: diverged at step {res.diverged_at}; later points are NaN\n")
    return 0
