"""LF dependency learning: planted edges recovered, the accuracy error with and without the structure, real sets.

Writes the ``dependencies`` section of benchmarks/RESULTS.md; every number is measured in this run.

    python benchmarks/dependencies.py            # full grid (a few minutes)
    python benchmarks/dependencies.py --small    # quick run while developing

Synthetic matrices (``weaksup.models._simulate.simulate_dependent_lfs``): ``m`` LFs, accuracies
0.6-0.9, coverage 0.2-0.6, wrong votes uniform; planted edges two disjoint pairs and a chain of three
(``(0,1), (2,3), (5,6), (6,7)``), where the later LF copies the earlier one's vote with probability
``strength`` wherever it votes. "accuracy error" is the mean absolute error of the learned LF
accuracies against each LF's accuracy on the sample (the issue's measure). Real sets: every labeled set of
label_suite (its data, metric and tie rule), the default against ``DependencyAwareModel`` and majority vote.
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
                            ("dep", DependencyAwareModel(cardinality=k)),
                            ("dep0", DependencyAwareModel(cardinality=k, max_iter=0))):
            model.fit(L)
            out[f"mae_{name}"] = float(np.abs(model.accuracies_ - ea).mean())
            out[f"acc_{name}"] = float((model.predict(L, tie_break="index") == y).mean())
        out["mae_oracle"] = np.nan
        if edges and n <= 2000:  # the true structure given: how much of a loss is the learner's, how much noise
            oracle = DependencyAwareModel(cardinality=k, dependencies=edges).fit(L)
            out["mae_oracle"] = float(np.abs(oracle.accuracies_ - ea).mean())
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
                            ("dep0", DependencyAwareModel(max_iter=0)),
                            ("strict", DependencyAwareModel(structure_params={"alpha": 1e-12})),
                            ("dup", DependencyAwareModel(structure_params={"min_strength": 0.999}))):
            model.fit(L)
            scores[name] = 100 * float((model.predict(ds["test"].L, tie_break="random", seed=0) == ds["test"].y).mean())
    return learner, secs, scores


def real_sets() -> dict[str, dict[str, float]]:
    """label_suite's sets (fit on the fit rows, its metric on the eval rows): default, DependencyAwareModel, MV."""
    import label_suite  # benchmarks/label_suite.py: the same data, metric and tie rule

    from weaksup.models import AgreementModel, MajorityVoter
    from weaksup.models.dependent import DependencyAwareModel

    out = {}
    for name, s in label_suite.load_sets().items():
        k = s["fit"].infer_cardinality()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[name] = {label: label_suite.score(s["metric"], s["y"], model.fit(s["fit"]).predict_proba(s["eval"]))
                         for label, model in (("default", AgreementModel(cardinality=k)),
                                              ("dep", DependencyAwareModel(cardinality=k)),
                                              ("mv", MajorityVoter(cardinality=k)))}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    ns = (2000, 10000) if args.small else (2000, 10000, 50000)
    seeds = (0,) if args.small else (0, 1, 2, 3)
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
                                 "n_better": sum(r["mae_dep"] < r["mae_default"] for r in res),
                                 "n_better0": sum(r["mae_dep0"] < r["mae_default"] for r in res),
                                 "n_seeds": len(res),
                                 "n_better_oracle": sum(r["mae_oracle"] < r["mae_default"] for r in res),
                                 "dep_same": all(abs(r["mae_dep"] - r["mae_default"]) < 1e-12 for r in res)})
                    print(rows[-1], f"{time.time() - t0:.0f}s", flush=True)
    learner, secs, scores = trec()
    real = real_sets()
    text = render(rows, learner, secs, scores, seeds, time.time() - t0, real)
    write_section(SECTION, text)
    print(text)


def render(rows, learner, secs, scores, seeds, total, real):
    lines = ["## LF dependency learning (`StructureLearner`, `DependencyAwareModel`)", "",
             f"`python benchmarks/dependencies.py` ({total:.0f} s). Structure from the votes alone: sparse + low-rank split "
             "of the inverse covariance of the one-hot votes (exact duplicates grouped first); each LF pair's residual "
             "partial correlations (one per pair of one-hot votes) are tested together, a chi-square against their "
             "delta-method covariance, and the pair is kept above the Bonferroni bound for the number of pairs tested at "
             "family-wise alpha = 0.001 (4.24 sd at m = 10, 4.55 at m = 20) if its largest residual is above 0.03. The "
             "model fits each dependent LF against LFs it does not depend on, down-weights co-voting group members by "
             "the group's copy rate, then refines every LF by EM over all LFs with those weights (`no EM`: "
             "`max_iter=0`, only the fits against the LFs outside the group). Planted edges: (0,1), (2,3), (5,6), (6,7) "
             f"(strength 0 = no edges); mean over seeds {list(seeds)}, min P / min R the worst seed. accuracy error = "
             "MAE of learned LF accuracies vs their accuracy on the sample; label acc = accuracy of the hard labels.", "",
             "| n | m | k | strength | edge P (min) | edge R (min) | false edges | structure s | acc. error default | "
             "acc. error Triplet | acc. error structure, no EM | acc. error with structure | label acc default | "
             "label acc with structure |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['n']} | {r['m']} | {r['k']} | {r['strength']} | {r['precision']:.2f} ({r['min_precision']:.2f}) "
                     f"| {r['recall']:.2f} ({r['min_recall']:.2f}) | {r['false']:.1f} | {r['t_struct']:.2f} | "
                     f"{r['mae_default']:.3f} | {r['mae_triplet']:.3f} | {r['mae_dep0']:.3f} | {r['mae_dep']:.3f} | {r['acc_default']:.3f} | "
                     f"{r['acc_dep']:.3f} |")
    big = [r for r in rows if r["n"] >= 10000 and r["strength"] > 0]
    met = all(r["min_precision"] >= 0.9 and r["min_recall"] >= 0.9 for r in big)
    dep_rows = [r for r in rows if r["strength"] > 0]
    weak = [r for r in dep_rows if r["n"] == 2000 and r["strength"] == 0.2]
    none_rows = [r for r in rows if r["strength"] == 0]
    lines += ["",
              f"**Targets.** Edge precision and recall >= 0.9 on every seed where n >= 10k: **{'met' if met else 'missed'}** "
              f"(worst precision {min(r['min_precision'] for r in big):.2f}, worst recall {min(r['min_recall'] for r in big):.2f}; "
              f"at n = 2000 worst precision {min(r['min_precision'] for r in rows if r['n'] == 2000):.2f}, worst recall "
              f"{min(r['min_recall'] for r in rows if r['n'] == 2000):.2f}). "
              f"Structure improves the accuracy error (mean over the seeds) in every setting with dependencies: "
              f"**{'met' if all(r['mae_dep'] < r['mae_default'] for r in dep_rows) else 'missed'}** "
              f"({sum(r['mae_dep'] < r['mae_default'] for r in dep_rows)}/{len(dep_rows)} settings); "
              f"the stricter reading, on every seed of every setting: "
              f"**{'met' if all(r['dep_better'] for r in dep_rows) else 'missed'}** ({sum(r['dep_better'] for r in dep_rows)}/{len(dep_rows)} "
              f"settings; {sum(r['n_better'] for r in dep_rows)}/{sum(r['n_seeds'] for r in dep_rows)} fits, against "
              f"{sum(r['n_better0'] for r in dep_rows)} without the EM refinement); "
              f"costs nothing without dependencies (no edge found, identical accuracies): "
              f"**{'met' if all(r['dep_same'] for r in none_rows) else 'missed'}** ({sum(r['dep_same'] for r in none_rows)}/{len(none_rows)}).",
              "",
              f"**trec** (train split, 5033 rows x 68 LFs, {secs:.1f} s): exact duplicate groups found "
              f"{[[learner.lf_names_[j] for j in g] for g in learner.duplicates_]} (the known 8/39/63 and 27/62); "
              f"{len(learner.edges_)} dependent pairs in {len(learner.groups_)} groups in all (real keyword LFs overlap: "
              f"`LFAnalysis(L).lf_dependencies()` lists them). Test accuracy, fitted on train without dev labels: default "
              f"{scores['default']:.2f}, `DependencyAwareModel` {scores['dep']:.2f} (no EM {scores['dep0']:.2f}; "
              f"stricter test, alpha = 1e-12: {scores['strict']:.2f}; only the exact duplicates as groups, "
              f"`structure_params={{'min_strength': 0.999}}`: {scores['dup']:.2f}). "
              f"{'No variant reaches the default on trec.' if max(scores['dep'], scores['strict'], scores['dup']) < scores['default'] else ''}",
              "",
              "**Notes.** The planted dependencies are copies. Every LF keeps its vote in the EM refinement (shrunk by its "
              "group's copy rate) instead of being left out of the other LFs' fits, which is what lowers the error at "
              "n = 2000 (the `no EM` column). With the true structure given (n = 2000, strength 0.2) the model beats the "
              f"default on {sum(r['n_better_oracle'] for r in weak)}/{sum(r['n_seeds'] for r in weak)} fits, "
              + ("so the losses left are the learner's: at n = 2000 it misses weak planted edges on some seeds (worst "
                 f"recall {min(r['min_recall'] for r in weak):.2f}), and correcting the edges it found gives the missed "
                 "ones more sway. "
                 if all(r['n_better_oracle'] == r['n_seeds'] for r in weak) else
                 "so part of the loss at this size and strength is sampling noise of the fits, not the learner. ")
              + "On trec (one-class keyword LFs) "
              "agreement says nothing about copying, since two LFs voting one class agree whenever both vote, so copy "
              "rates there come from co-firing beyond what the label explains, and conflicting one-class LFs (different "
              "classes) are reported but not grouped; that took trec from 59.0 (previous version) to the number above, but "
              "grouping only the exact duplicates already scores below the default, so no stricter significance rule "
              "brings it to the default. The default label model stays `AgreementModel`; "
              "`DependencyAwareModel` is opt-in, and `lf_dependencies()` is first a report of LFs to merge or fix."]
    names = list(real)
    lines += ["", "**Every labeled set of label_suite** (fit on its fit rows, its metric on the eval rows, ties "
              "`row index mod #tied`):", "",
              "| model | " + " | ".join(names) + " | mean |", "|---|" + "---|" * (len(names) + 1)]
    for key, label in (("default", "default (AgreementModel)"), ("dep", "DependencyAwareModel"), ("mv", "majority vote")):
        vals = [real[n][key] for n in names]
        lines.append(f"| {label} | " + " | ".join(f"{v:.2f}" for v in vals) + f" | {np.mean(vals):.2f} |")
    worse = [n for n in names if real[n]["dep"] < real[n]["mv"] - 0.5]
    lines += ["", "`DependencyAwareModel` is more than 0.5 below majority vote on: " + (", ".join(
        f"{n} ({real[n]['dep']:.2f} vs {real[n]['mv']:.2f})" for n in worse) or "none") + ". On youtube it groups "
              "the five SPAM LFs (they co-fire) and counts their votes as fewer, so the HAM LFs win the conflicts and "
              "the SPAM LFs end at chance: the one-class fit tips to the other side (the default's one-sided weakness, "
              "see lf_subsets). It is for LFs known or measured to copy each other, not a default."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
