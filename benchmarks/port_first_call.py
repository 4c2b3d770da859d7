"""Snorkel's labeling story on a first call in a fresh process: Snorkel 0.10 against ``weaksup.snorkel``.

The same code runs under both packages (only the import prefix differs), each in its own fresh
interpreter: import the labeling and label-model modules, apply eight keyword LFs with
``PandasLFApplier`` to the bundled YouTube comments (1,586 rows), ``LFAnalysis.lf_summary``, fit
``LabelModel`` and ``predict_proba`` (cold), then fit again (warm). Best of ``--rounds`` rounds per
step (each round a fresh process for each package). Every label matrix is checked equal.

    python benchmarks/port_first_call.py             # writes the port_first_call section of RESULTS.md
    python benchmarks/port_first_call.py --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from _results import write_section  # benchmarks/_results.py (scripts run from benchmarks/)

SECTION = "port_first_call"
DATA = Path(__file__).resolve().parents[1] / "weaksup" / "datasets" / "data" / "youtube_spam"

STORY = r'''
import hashlib, json, sys, time, warnings
warnings.simplefilter("ignore")
pkg, data = sys.argv[1], sys.argv[2]
T = {}
t0 = time.perf_counter()
import glob
import pandas as pd
exec(f"from {pkg}.labeling import labeling_function, PandasLFApplier, LFAnalysis")
exec(f"from {pkg}.labeling.model import LabelModel")
T["import"] = time.perf_counter() - t0
files = sorted(glob.glob(data + "/Youtube0[1-4]*.csv"))
df = pd.concat([pd.read_csv(f) for f in files]).rename(columns={"CONTENT": "text"}).reset_index(drop=True)

def keyword(word, label):
    @labeling_function(name=f"kw_{word}")
    def lf(x):
        return label if word in x.text.lower() else -1
    return lf

lfs = [keyword(w, 1) for w in ("my", "subscribe", "http", "please", "channel", "check")]
lfs += [keyword(w, 0) for w in ("song", "love")]
t = time.perf_counter(); L = PandasLFApplier(lfs).apply(df, progress_bar=False); T["apply"] = time.perf_counter() - t
t = time.perf_counter(); LFAnalysis(L, lfs).lf_summary(); T["lf_summary"] = time.perf_counter() - t
t = time.perf_counter()
model = LabelModel(cardinality=2, verbose=False)
model.fit(L, seed=0, progress_bar=False)
model.predict_proba(L)
T["LabelModel fit + predict_proba"] = time.perf_counter() - t
T["first call, all steps"] = time.perf_counter() - t0
t = time.perf_counter()
LabelModel(cardinality=2, verbose=False).fit(L, seed=0, progress_bar=False)
T["LabelModel fit, warm"] = time.perf_counter() - t
import numpy as np
T["L_sha"] = hashlib.sha256(np.ascontiguousarray(np.asarray(L, dtype=np.int64)).tobytes()).hexdigest()
print(json.dumps(T))
'''

PACKAGES = {"Snorkel 0.10": "snorkel", "weaksup.snorkel": "weaksup.snorkel"}


def one_run(pkg: str) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    out = subprocess.run([sys.executable, "-c", STORY, pkg, str(DATA)], capture_output=True, text=True, env=env,
                         timeout=600, cwd=Path(__file__).resolve().parent)
    if out.returncode:
        raise SystemExit(f"{pkg} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load0 = os.getloadavg()[0]
    runs: dict[str, list[dict]] = {name: [] for name in PACKAGES}
    for _ in range(args.rounds):
        for name, pkg in PACKAGES.items():
            runs[name].append(one_run(pkg))
    shas = {r["L_sha"] for rs in runs.values() for r in rs}
    if len(shas) != 1:
        raise SystemExit("the label matrices differ between Snorkel and weaksup.snorkel")
    steps = [k for k in runs["Snorkel 0.10"][0] if k != "L_sha"]
    best = {name: {s: min(r[s] for r in rs) for s in steps} for name, rs in runs.items()}
    lines = [
        "## Snorkel's labeling story, first call in a fresh process (`benchmarks/port_first_call.py`)", "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, Python "
        f"{platform.python_version()}, load average {load0:.1f} before / {os.getloadavg()[0]:.1f} after, 2 shared "
        f"cores. The same script under each package (only the import prefix differs), each run a fresh interpreter; "
        f"best of {args.rounds} rounds per step. Eight keyword LFs on the bundled YouTube comments (1,586 rows); the "
        "label matrices are equal.", "",
        "| step | Snorkel 0.10 (s) | weaksup.snorkel (s) | ratio |", "|---|---:|---:|---:|"]
    for s in steps:
        a, b = best["Snorkel 0.10"][s], best["weaksup.snorkel"][s]
        lines.append(f"| {s} | {a:.3f} | {b:.3f} | {a / b:.1f}x |" if b > 0 else f"| {s} | {a:.3f} | {b:.3f} | |")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
