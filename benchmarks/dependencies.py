"""LF dependency learning: planted edges recovered, the accuracy error with and without the structure, trec.

Writes the ``dependencies`` section of benchmarks/RESULTS.md; every number is measured in this run.

    python benchmarks/dependencies.py            # full grid (a few minutes)
    python benchmarks/dependencies.py --small    # quick run while developing

Synthetic matrices (``weaksup.models._simulate.simulate_dependent_lfs``): ``m`` LFs, accuracies
0.6-0.9, coverage 0.2-0.6, wrong votes uniform; planted edges two disjoint pairs and a chain of three
(``(0,1), (2,3), (5,6), (6,7)``), where the later LF copies the earlier one's vote with probability
``strength`` wherever it votes. "accuracy error" is the mean absolute error of the learned LF
accuracies against each LF's accuracy on the sample (the issue's measure).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from _results import write_section  # benchmarks/_results.py (scripts run from benchmarks/)

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
SECTION = "dependencies"
EDGES = [(0, 1), (2, 3), (5, 6), (6, 7)]


def emp_acc(L, y):
    D = L.to_dense()
    return np.array([(D[D[:, j] >= 0, j] == y[D[:, j] >= 0]).mean() for j in range(D.shape[1])])


def run_setting(n, m, k, strength, edges, seed):
    from weaksup.models import AgreementModel, Triplet
    from weaksup.models._simulate import simulate_dependent_lfs
    from weaksup.models.dependent import DependencyAwareModel
    from weaksup.models.structure import StructureLearner

    L, y = simulate_dependent_lfs(n, m, k, edges=edges, strength=strength, seed=seed)
    t = time.perf_counter()
    found = set(StructureLearner(cardinality=k).fit(L).edges_)
    t_struct = time.perf_counter() - t
    true = set(edges)
    tp = len(found & true)
    ea = emp_acc(L, y)
    out = {"precision": tp / len(found) if found else 1.0, "recall": tp / len(true) if true else 1.0,
           "false": len(found - true), "t_struct": t_struct}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, model in (("default", AgreementModel(cardinality=k)), ("triplet", Triplet(cardinality=k)),
                            ("dep", DependencyAwareModel(cardinality=k))):
            model.fit(L)
            out[f"mae_{name}"] = float(np.abs(model.accuracies_ - ea).mean())
            out[f"acc_{name}"] = float((model.predict(L, tie_break="index") == y).mean())
    return out


def trec():
    from weaksup.datasets import load_wrench
    from weaksup.models import AgreementModel
    from weaksup.models.dependent import DependencyAwareModel
    from weaksup.models.structure import StructureLearner

    ds = load_wrench(ROOT / "data" / "wrench" / "trec")
    L = ds["train"].L
    t = time.perf_counter()
    learner = StructureLearner().fit(L)
    secs = time.perf_counter() - t
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = {}
        for name, model in (("default", AgreementModel()), ("dep", DependencyAwareModel()),
                            ("dup", DependencyAwareModel(structure_params={"min_strength": 0.999}))):
            model.fit(L)
            scores[name] = 100 * float((model.predict(ds["test"].L, tie_break="random", seed=0) == ds["test"].y).mean())
    return learner, secs, scores


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    ns = (2000, 10000) if args.small else (2000, 10000, 50000)
    seeds = (0,) if args.small else (0, 1)
    rows = []
    for n in ns:
        for m in (10, 20):
            for k in (2, 3):
                for strength in (0.0, 0.2, 0.5, 0.9):
                    edges = [] if strength == 0.0 else EDGES
                    res = [run_setting(n, m, k, strength, edges, seed) for seed in seeds]
                    mean = {key: float(np.mean([r[key] for r in res])) for key in res[0]}
                    worst = {"precision": min(r["precision"] for r in res), "recall": min(r["recall"] for r in res)}
                    rows.append({"n": n, "m": m, "k": k, "strength": strength, **mean,
                                 "min_precision": worst["precision"], "min_recall": worst["recall"],
                                 "dep_better": all(r["mae_dep"] < r["mae_default"] for r in res),
                                 "dep_same": all(abs(r["mae_dep"] - r["mae_default"]) < 1e-12 for r in res)})
                    print(rows[-1], f"{time.time() - t0:.0f}s", flush=True)
    learner, secs, scores = trec()
    text = render(rows, learner, secs, scores, seeds, time.time() - t0)
    write_section(SECTION, text)
    print(text)


def render(rows, learner, secs, scores, seeds, total):
    lines = ["## LF dependency learning (`StructureLearner`, `DependencyAwareModel`)", "",
             f"`python benchmarks/dependencies.py` ({total:.0f} s). Structure from the votes alone: sparse + low-rank split "
             "of the inverse covariance of the one-hot votes (exact duplicates grouped first), pairs kept above "
             "max(0.03, 5/sqrt(n)) residual partial correlation; the model fits each dependent LF against LFs it does "
             "not depend on and down-weights co-voting group members. Planted edges: (0,1), (2,3), (5,6), (6,7) "
             f"(strength 0 = no edges); mean over seeds {list(seeds)}, min P / min R the worst seed. accuracy error = "
             "MAE of learned LF accuracies vs their accuracy on the sample; label acc = accuracy of the hard labels.", "",
             "| n | m | k | strength | edge P (min) | edge R (min) | false edges | structure s | acc. error default | "
             "acc. error Triplet | acc. error with structure | label acc default | label acc with structure |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['n']} | {r['m']} | {r['k']} | {r['strength']} | {r['precision']:.2f} ({r['min_precision']:.2f}) "
                     f"| {r['recall']:.2f} ({r['min_recall']:.2f}) | {r['false']:.1f} | {r['t_struct']:.2f} | "
                     f"{r['mae_default']:.3f} | {r['mae_triplet']:.3f} | {r['mae_dep']:.3f} | {r['acc_default']:.3f} | "
                     f"{r['acc_dep']:.3f} |")
    big = [r for r in rows if r["n"] >= 10000 and r["strength"] > 0]
    met = all(r["min_precision"] >= 0.9 and r["min_recall"] >= 0.9 for r in big)
    dep_rows = [r for r in rows if r["strength"] > 0]
    none_rows = [r for r in rows if r["strength"] == 0]
    lines += ["",
              f"**Targets.** Edge precision and recall >= 0.9 on every seed where n >= 10k: **{'met' if met else 'missed'}** "
              f"(worst precision {min(r['min_precision'] for r in big):.2f}, worst recall {min(r['min_recall'] for r in big):.2f}; "
              f"at n = 2000 worst precision {min(r['min_precision'] for r in rows if r['n'] == 2000):.2f}, worst recall "
              f"{min(r['min_recall'] for r in rows if r['n'] == 2000):.2f}). "
              f"Structure improves the accuracy error on every seed of every setting with dependencies: "
              f"**{'met' if all(r['dep_better'] for r in dep_rows) else 'missed'}** ({sum(r['dep_better'] for r in dep_rows)}/{len(dep_rows)}); "
              f"costs nothing without dependencies (no edge found, identical accuracies): "
              f"**{'met' if all(r['dep_same'] for r in none_rows) else 'missed'}** ({sum(r['dep_same'] for r in none_rows)}/{len(none_rows)}).",
              "",
              f"**trec** (train split, 5033 rows x 68 LFs, {secs:.1f} s): exact duplicate groups found "
              f"{[[learner.lf_names_[j] for j in g] for g in learner.duplicates_]} (the known 8/39/63 and 27/62); "
              f"{len(learner.edges_)} dependent pairs in {len(learner.groups_)} groups in all (real keyword LFs overlap: "
              f"`LFAnalysis(L).lf_dependencies()` lists them). Test accuracy, fitted on train without dev labels: default "
              f"{scores['default']:.2f}, `DependencyAwareModel` {scores['dep']:.2f} (with only the exact duplicates as groups, "
              f"`structure_params={{'min_strength': 0.999}}`: {scores['dup']:.2f}). On trec the learned structure "
              "costs accuracy; see the notes below.", "",
              "**Notes.** The planted dependencies are copies; on real LFs the learner also finds keyword LFs whose "
              "firing overlaps beyond what the label explains, and treating those groups as dependent (each member fitted "
              "without its group, co-votes down-weighted) lost accuracy on trec, while grouping only the exact duplicates "
              "nearly kept it. So the default label model stays `AgreementModel`; `DependencyAwareModel` is opt-in, and "
              "`lf_dependencies()` is meant first as a report of LFs to merge or fix. At n = 2000 weak edges (strength "
              "0.2) are missed, which is where the structure does not improve the accuracy error, and one seed finds a "
              "false edge where there is none (k = 3, m = 20)."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
