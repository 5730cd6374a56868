import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

import optviz
from optviz.cli import main


def run_cli(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_csv_has_full_precision_numbers_equal_to_the_core(capsys):
    code, out, _ = run_cli(["trajectory", "--surface", "rosenbrock", "--optimizer", "adam",
                            "--lr", "0.01", "--steps", "500", "--start=-1.5,2", "--format", "csv"], capsys)
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["step", "x", "y", "loss"] and len(rows) == 502
    ref = optviz.optimize("rosenbrock", "adam", start=(-1.5, 2), steps=500, lr=0.01)
    got = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    np.testing.assert_array_equal(got[:, :2], ref.points)  # bit for bit
    np.testing.assert_array_equal(got[:, 2], ref.losses)


def test_json_marks_divergence_with_nulls(capsys):
    code, out, err = run_cli(["trajectory", "--surface", "quadratic", "--optimizer", "sgd",
                              "--lr", "0.2", "--steps", "30", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["diverged_at"] == 12 and data["points"][12]["x"] is None
    assert data["points"][11]["x"] is not None and "diverged at step 12" in err


@pytest.mark.parametrize("args,match", [
    (["trajectory", "--surface", "nope"], "unknown surface 'nope'"),
    (["trajectory", "--lr", "-1"], "lr must be a positive"),
    (["trajectory", "--start", "1"], "expected X,Y"),
    (["trajectory", "--optimizer", "sgd", "--beta", "0.9"], "has no hyperparameter 'beta'"),
    (["trajectory", "--format", "xml"], "invalid choice"),
    (["fly"], "invalid choice"),
])
def test_bad_arguments_give_one_line_and_status_2(args, match):
    p = subprocess.run([sys.executable, "-m", "optviz", *args], capture_output=True, text=True)
    assert p.returncode == 2 and p.stdout == ""
    assert len(p.stderr.strip().splitlines()) == 1 and match in p.stderr


def test_help_and_listings_work():
    p = subprocess.run([sys.executable, "-m", "optviz", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "trajectory" in p.stdout
    p = subprocess.run([sys.executable, "-m", "optviz", "optimizers"], capture_output=True, text=True)
    assert "adam\tlr=0.001, beta1=0.9, beta2=0.999, eps=1e-08" in p.stdout


def test_a_reader_that_stops_early_ends_the_export_quietly():
    # `... | head -2`: the pipe closes after two lines of a 100 001-row export
    p = subprocess.Popen([sys.executable, "-m", "optviz", "trajectory", "--optimizer", "sgd",
                          "--lr", "1e-4", "--steps", "100000"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    first = [p.stdout.readline() for _ in range(2)]
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0, err
    assert first[0].startswith(b"step,x,y,loss") and "Traceback" not in err
