"""Every label model on every labeled set we have, side by side with Snorkel and crowd-kit.

Writes the ``label_suite`` section of benchmarks/RESULTS.md. Sets (copies in benchmarks/data with
their SOURCES.md): WRENCH youtube, sms, trec, hausa, tennis (fit on the train votes, paper metric on
test) and crowd bluebirds, dog, web, rte, adult2 (fit on all items, accuracy on the gold items).
Every contender's probabilities go through the same tie rule: a tie goes to tied class
``row index mod #tied`` (Snorkel's). No gold label is used by any contender.

crowd-kit's aggregators are transductive (they label the items they were fitted on), so on the
WRENCH sets they are fitted on the train and test votes together and scored on the test rows; rows
without a vote get a uniform distribution (then the tie rule), as for every other contender.

    python benchmarks/label_suite.py              # all contenders, all sets
    python benchmarks/label_suite.py --no-write   # print only
    python benchmarks/label_suite.py --only weaksup  # our models only, print only (seconds, not minutes)
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _results import write_section  # benchmarks/_results.py (scripts run from benchmarks/)
from sklearn.metrics import f1_score

import weaksup as ws
from weaksup.utils import probs_to_preds

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
SECTION = "label_suite"
WRENCH = {"youtube": "acc", "sms": "f1", "trec": "acc", "hausa": "acc", "tennis": "f1"}
CROWD = ("bluebirds", "dog", "web", "rte", "adult2")


# ------------------------------------------------------------------------------------------------
# data: every set as (L_fit, L_eval, y_eval, metric); L_eval's rows are a subset of what is scored
# ------------------------------------------------------------------------------------------------
def load_sets() -> dict[str, dict]:
    sets: dict[str, dict] = {}
    for name, metric in WRENCH.items():
        ds = ws.datasets.load_wrench(DATA / "wrench" / name, splits=("train", "test"))
        sets[name] = {"kind": "wrench", "name": name, "fit": ds["train"].L, "eval": ds["test"].L,
                      "y": ds["test"].y, "metric": metric}
    for name in CROWD:
        folder = DATA / "crowd" / name
        k = len(json.loads((folder / "label.json").read_text()))
        ann = pd.read_csv(folder / "annotations.csv", dtype={"item": str, "worker": str})
        gold = pd.read_csv(folder / "gold.csv", dtype={"item": str})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ws.errors.WeaksupWarning)  # adult2's conflicting repeats
            L = ws.LabelMatrix.from_annotations(ann, item="item", annotator="worker", label="label", cardinality=k)
        pos = L.index.get_indexer(pd.Index(gold["item"]))
        if (pos < 0).any():
            raise SystemExit(f"{name}: gold items without annotations")
        sets[name] = {"kind": "crowd", "fit": L, "eval": L[pos], "y": gold["label"].to_numpy(), "metric": "acc",
                      "eval_rows": pos}
    return sets


def score(metric: str, y: np.ndarray, P: np.ndarray) -> float:
    pred = probs_to_preds(P, tie_break="index")
    if metric == "f1":
        return 100 * float(f1_score(y, pred, pos_label=1, average="binary", zero_division=0))
    return 100 * float((pred == y).mean())


# ------------------------------------------------------------------------------------------------
# contenders: each returns the probabilities of the eval rows, fitting on the fit rows
# ------------------------------------------------------------------------------------------------
def weaksup_contender(factory: Callable[[int], object]) -> Callable[[dict], np.ndarray]:
    def run(s: dict) -> np.ndarray:
        k = s["fit"].infer_cardinality()
        model = factory(k)
        model.fit(s["fit"])
        return model.predict_proba(s["eval"])
    return run


def snorkel_contender(kind: str) -> Callable[[dict], np.ndarray]:
    def run(s: dict) -> np.ndarray:
        from snorkel.labeling.model import LabelModel, MajorityLabelVoter

        k = s["fit"].infer_cardinality()
        if kind == "mv":
            return MajorityLabelVoter(cardinality=k).predict_proba(s["eval"].to_dense())
        lm = LabelModel(cardinality=k, verbose=False)
        lm.fit(s["fit"].to_dense(), seed=0, progress_bar=False)
        return lm.predict_proba(s["eval"].to_dense())
    return run


def crowdkit_contender(name: str) -> Callable[[dict], np.ndarray]:
    def run(s: dict) -> np.ndarray:
        from crowdkit import aggregation as agg

        k = s["fit"].infer_cardinality()
        if s["kind"] == "wrench":  # transductive: fit on train + test votes, read the test rows
            L_all = s["fit"].append_rows(s["eval"].with_cardinality(s["fit"].cardinality))
            rows = np.arange(s["fit"].n_rows, L_all.n_rows)
        else:
            L_all, rows = s["fit"], s["eval_rows"]
        coo = L_all.csr.tocoo()
        df = pd.DataFrame({"task": coo.row, "worker": coo.col, "label": coo.data.astype(np.int64) - 1})
        model = {"DawidSkene": lambda: agg.DawidSkene(n_iter=100),
                 "OneCoinDawidSkene": lambda: agg.OneCoinDawidSkene(n_iter=100),
                 "GLAD": lambda: agg.GLAD(n_iter=100, silent=True),
                 "MACE": lambda: agg.MACE(n_iter=100, random_state=0)}[name]()
        proba = model.fit_predict_proba(df)
        P = np.full((L_all.n_rows, k), 1.0 / k)
        cols = [c for c in proba.columns if 0 <= int(c) < k]
        P[np.asarray(proba.index, dtype=np.int64)[:, None], np.asarray(cols, dtype=np.int64)[None, :]] = \
            proba[cols].to_numpy()
        return P[rows]
    return run


def contenders() -> dict[str, Callable[[dict], np.ndarray]]:
    out: dict[str, Callable[[dict], np.ndarray]] = {
        f"weaksup LabelModel (default: {ws.LabelModel.__name__})": weaksup_contender(
            lambda k: ws.LabelModel(cardinality=k)),
    }
    for cls in (ws.MajorityVoter, ws.WeightedMajorityVoter, ws.AgreementModel, ws.DawidSkene, ws.GenerativeModel,
                ws.MatrixCompletion, ws.Triplet):
        if cls is ws.LabelModel:
            continue
        out[f"weaksup {cls.__name__}"] = weaksup_contender(lambda k, cls=cls: cls(cardinality=k))
    out["Snorkel MajorityLabelVoter"] = snorkel_contender("mv")
    out["Snorkel LabelModel"] = snorkel_contender("lm")
    for name in ("DawidSkene", "OneCoinDawidSkene", "GLAD", "MACE"):
        out[f"crowd-kit {name}"] = crowdkit_contender(name)
    return out


def calibration(sets: dict) -> pd.DataFrame:
    """The default's expected calibration error (10 bins) and class-balance gap on eval rows with a vote.

    Balance gap: the largest difference, over classes, between the mean predicted probability and
    the share of rows predicted that class (the end model trains on the probabilities).
    """
    rows = {}
    for name, s in sets.items():
        k = s["fit"].infer_cardinality()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ws.LabelModel(cardinality=k).fit(s["fit"])
        voted = s["eval"].csr.getnnz(axis=1) > 0
        rows[name] = _calibration(model.predict_proba(s["eval"])[voted], s["y"][voted], k)
        oracle = _with_gold_accuracies(model, s, k)
        if oracle is not None:  # is the gap a matter of estimating accuracies? (gold labels used here only)
            rows[name]["balance gap, gold-train LF accuracies"] = _calibration(
                oracle.predict_proba(s["eval"])[voted], s["y"][voted], k)["balance gap"]
    return pd.DataFrame(rows)


def _calibration(P: np.ndarray, y: np.ndarray, k: int) -> dict:
    pred, conf = probs_to_preds(P, tie_break="index"), P.max(axis=1)
    bins = np.minimum((conf * 10).astype(int), 9)
    ece = sum(abs((pred[bins == b] == y[bins == b]).mean() - conf[bins == b].mean()) * (bins == b).mean()
              for b in range(10) if (bins == b).any())
    mean_p = P.mean(axis=0)
    return {"ECE": ece, "balance gap": np.abs(mean_p - np.bincount(pred, minlength=k) / len(pred)).max(),
            "probability vs gold balance": np.abs(mean_p - np.bincount(y, minlength=k) / len(y)).max()}


def _with_gold_accuracies(model, s: dict, k: int):
    """The fitted one-coin default with every LF's accuracy replaced by its accuracy on the gold train labels.

    WRENCH sets only (crowd sets have no separate train labels), and only when the default fitted
    one accuracy per LF; LFs with fewer than 5 train votes keep the learned accuracy.
    """
    if s["kind"] != "wrench" or np.any(getattr(model, "class_conditional_lfs_", False)):
        return None
    train = ws.datasets.load_wrench(DATA / "wrench" / s["name"], splits=("train",))["train"]
    D, y = train.L.to_dense(), train.y
    acc = np.array(model.lf_accuracy_, dtype=np.float64)
    for j in range(D.shape[1]):
        fired = D[:, j] != -1
        if fired.sum() >= 5:
            acc[j] = (D[fired, j] == y[fired]).mean()
    acc = np.clip(acc, 1.0 / k + 1e-4, 1 - 1e-4)
    w = np.log((k - 1) * acc / (1 - acc))
    oracle = ws.AgreementModel(cardinality=k, class_conditional="never")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle.fit(train.L)
    oracle.weights_, oracle.lf_accuracy_ = w, acc
    oracle.log_table_ = np.concatenate([np.zeros((len(w), 1, k)), w[:, None, None] * np.eye(k)[None]], axis=1)
    oracle.class_balance_ = np.asarray(model.class_balance_)
    return oracle


def run_suite(only: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    sets = load_sets()
    scores, seconds = {}, {}
    for cname, fn in contenders().items():
        if only and only.lower() not in cname.lower() and not cname.startswith("weaksup LabelModel") \
                and cname != "weaksup MajorityVoter":
            continue
        scores[cname], seconds[cname] = {}, {}
        for sname, s in sets.items():
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    P = fn(s)
                except Exception as exc:  # a peer that cannot run a set: recorded, never hidden
                    print(f"  {cname} on {sname}: {type(exc).__name__}: {exc}")
                    scores[cname][sname], seconds[cname][sname] = np.nan, np.nan
                    continue
            seconds[cname][sname] = time.perf_counter() - t0
            scores[cname][sname] = score(s["metric"], s["y"], P)
        print(f"{cname:55s} " + " ".join(f"{scores[cname][s]:6.2f}" for s in sets))
    return pd.DataFrame(scores).T, pd.DataFrame(seconds).T, calibration(sets)


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out["mean"] = table.mean(axis=1)
    out["mean gap to best"] = (table.max(axis=0) - table).mean(axis=1)
    out["mean rank"] = table.rank(axis=0, ascending=False, method="average").mean(axis=1)
    return out.sort_values("mean", ascending=False)


def markdown(table: pd.DataFrame, seconds: pd.DataFrame, calib: pd.DataFrame) -> list[str]:
    summary = summarize(table)
    sets = list(table.columns)
    default = next(i for i in table.index if i.startswith("weaksup LabelModel"))
    mv = "weaksup MajorityVoter"
    lines = [f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
             f"Python {platform.python_version()}. Metric: accuracy, binary F1 of class 1 for sms and tennis; crowd "
             "sets: accuracy on the gold items. Ties: tied class `row index mod #tied` for every contender. "
             "No gold labels used.", "",
             "| model | " + " | ".join(sets) + " | mean | mean gap to best | mean rank | time (s, all sets) |",
             "|---|" + "---|" * (len(sets) + 4)]
    for name, row in summary.iterrows():
        cells = " | ".join("–" if np.isnan(row[s]) else f"{row[s]:.2f}" for s in sets)
        lines.append(f"| {name} | {cells} | {row['mean']:.2f} | {row['mean gap to best']:.2f} | "
                     f"{row['mean rank']:.2f} | {np.nansum(seconds.loc[name].to_numpy()):.2f} |")
    lines += ["", "Targets for the default (issue 13), measured in this run:"]
    worst = (table.loc[default] - table.loc[mv]).min()
    worst_set = (table.loc[default] - table.loc[mv]).idxmin()
    best_mean = summary["mean"].idxmax()
    gap = summary.loc[default, "mean gap to best"]
    lines.append(f"- default >= majority vote - 0.5 on every set: worst margin {worst:+.2f} ({worst_set}) — "
                 + ("met" if worst >= -0.5 else "**missed**"))
    lines.append(f"- default has the highest mean: best mean is {best_mean} ({summary['mean'].max():.2f}); default "
                 f"{summary.loc[default, 'mean']:.2f} — " + ("met" if best_mean == default else "**missed**"))
    lines.append(f"- default's mean gap to each set's best <= 1.0: {gap:.2f} — " + ("met" if gap <= 1.0 else "**missed**"))
    worst_gap = calib.loc["balance gap"].max()
    lines += ["", "Calibration of the default on eval rows with a vote (ECE: 10 equal-width confidence bins; balance "
              "gap: max over classes of |mean probability - share predicted|, target <= 0.05; probability vs gold "
              "balance: max over classes of |mean probability - share of gold labels|; last row: the balance gap "
              "when the one-coin default's LF accuracies are replaced by their accuracies on the gold train labels, "
              "WRENCH sets only — gold labels are used in these two rows only, to see whether the gap is an "
              "estimation problem):", "",
              "| | " + " | ".join(calib.columns) + " |", "|---|" + "---|" * len(calib.columns)]
    for metric, row in calib.iterrows():
        lines.append(f"| {metric} | " + " | ".join("–" if np.isnan(v) else f"{v:.3f}" for v in row) + " |")
    lines.append(f"- balance gap <= 0.05 on every set: worst {worst_gap:.3f} ({calib.loc['balance gap'].idxmax()}) — "
                 + ("met" if worst_gap <= 0.05 else "**missed**"))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", help="run only contenders whose name contains this (and the default); "
                        "implies --no-write (the section compares every contender)")
    args = parser.parse_args()
    table, seconds, calib = run_suite(args.only)
    if args.only:
        args.no_write = True
    lines = markdown(table, seconds, calib)
    print("\n".join(lines))
    if not args.no_write:
        write_section(SECTION, "\n".join(["## Label models on every set (`benchmarks/label_suite.py`)", "", *lines]))


if __name__ == "__main__":
    main()
