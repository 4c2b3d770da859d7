"""weaksup's crowd aggregators against crowd-kit's on the five crowd sets: same outputs, time taken.

For every set in benchmarks/data/crowd (bluebirds, dog, web, rte, adult2) and every aggregator
(Dawid-Skene, one-coin Dawid-Skene, GLAD, MACE, Wawa, Zero-Based Skill, M-MSR, KOS on the binary
sets), reports how often our label is crowd-kit's, the largest difference of the probabilities,
both accuracies on the gold items, and the time of fit + predict (ours) against crowd-kit's
``fit_predict_proba`` (``fit_predict`` where it only gives labels): the first call and the best
of 3, and their ratios. Writes the ``crowd_aggregators`` section of benchmarks/RESULTS.md.

Both sides get the same votes: the LabelMatrix built by ``LabelMatrix.from_annotations`` (adult2's
conflicting repeated (item, worker) rows are resolved there, by majority, with a warning) and, for
crowd-kit, that matrix's table from ``annotation_table`` (so the deduplicated one).

    python benchmarks/crowd_aggregators.py                 # all sets, write RESULTS.md
    python benchmarks/crowd_aggregators.py --sets dog --no-write
"""

from __future__ import annotations

import os

# one BLAS thread for both sides: on a small shared machine OpenBLAS's threads make a 30k-element dot
# take milliseconds instead of microseconds, which would time the thread pool, not the algorithms
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from _results import write_section  # noqa: E402  (benchmarks/_results.py; scripts run from benchmarks/)

import weaksup as ws  # noqa: E402
from weaksup.models.crowd import (  # noqa: E402
    GLAD,
    KOS,
    MACE,
    MMSR,
    CrowdDawidSkene,
    OneCoinDawidSkene,
    Wawa,
    ZeroBasedSkill,
    annotation_table,
)
from weaksup.models.crowd._common import Votes, annotator_order, label_order, weighted_votes  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "crowd"
SECTION = "crowd_aggregators"
SETS = ("bluebirds", "dog", "web", "rte", "adult2")
#: after a first call longer than this, a contender is not timed again (its first call is its best)
REPEAT_LIMIT_S = 40.0
#: crowd-kit's M-MSR builds dense (n + P)^2 matrices (P: annotator pairs of positive covariance)
MMSR_MEMORY_LIMIT = 4e9


def patch_crowdkit() -> None:
    """crowd-kit 1.4.2's Wawa and ZeroBasedSkill call sklearn's ``check_is_fitted``, which raises on
    scikit-learn >= 1.6 (no ``__sklearn_tags__``); replace it by the check it means (``skills_`` set)."""
    import crowdkit.aggregation.classification.wawa as wawa
    import crowdkit.aggregation.classification.zero_based_skill as zbs

    def check_is_fitted(estimator, attributes=None):
        if getattr(estimator, attributes, None) is None:
            raise RuntimeError(f"{type(estimator).__name__} is not fitted")

    wawa.check_is_fitted = zbs.check_is_fitted = check_is_fitted


def load(name: str) -> tuple[ws.LabelMatrix, np.ndarray, np.ndarray, int]:
    """The set's LabelMatrix, the rows and labels of its gold items, and how many conflicting repeats it had."""
    folder = DATA / name
    k = len(json.loads((folder / "label.json").read_text()))
    ann = pd.read_csv(folder / "annotations.csv", dtype={"item": str, "worker": str})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ws.errors.WeaksupWarning)
        L = ws.LabelMatrix.from_annotations(ann, item="item", annotator="worker", label="label", cardinality=k)
    conflicts = 0
    for w in caught:
        text = str(w.message)
        if "conflicting" in text:
            conflicts = int(text.split()[0])
    gold = pd.read_csv(folder / "gold.csv", dtype={"item": str})
    pos = L.index.get_indexer(pd.Index(gold["item"]))
    keep = pos >= 0
    return L, pos[keep], gold["label"].to_numpy()[keep], conflicts


def neutral_table(L: ws.LabelMatrix) -> tuple[pd.DataFrame, np.ndarray]:
    """``annotation_table`` with annotators renamed so names sort in order of first appearance and
    classes relabelled in order of first appearance (crowd-kit column ``c`` is our ``classes[c]``).

    crowd-kit 1.4.2's MACE files its M-step counts by sorted names but reads them by first
    appearance; on this table the two orders agree, so it computes the model as published.
    """
    order = annotator_order(L)
    rank = np.empty(L.n_lfs, dtype=np.int64)
    rank[order] = np.arange(len(order))
    classes = label_order(L, L.cardinality)
    relabel = np.empty(len(classes), dtype=np.int64)
    relabel[classes] = np.arange(len(classes))
    tab = annotation_table(L)
    names = {L.lf_names[j]: f"w{rank[j]:06d}" for j in order}
    return tab.assign(worker=tab.worker.map(names), label=relabel[tab.label.to_numpy()]), classes


def mmsr_dense_bytes(L: ws.LabelMatrix) -> float:
    """Memory of the three dense ``(n + P)^2`` matrices crowd-kit's M-MSR sign step allocates."""
    k = L.cardinality
    V = Votes(L.csr, k)
    B = sp.csr_matrix((np.ones(len(V.col)), (V.row, V.col)), shape=(V.n, L.n_lfs))
    common = (B.T @ B).toarray()
    np.fill_diagonal(common, 0)
    agree = np.einsum("icjc->ij", (V.X.T @ V.X).toarray().reshape(L.n_lfs, k, L.n_lfs, k))
    C = np.divide(agree, common, out=np.zeros(common.shape), where=common != 0) * k / (k - 1) - 1 / (k - 1)
    valid = C.sum(axis=1) != 0
    n_new = int(valid.sum() + np.triu(np.sign(C[np.ix_(valid, valid)]) == 1).sum())
    return 3.0 * n_new**2 * 8


def timed(fn: Callable[[], object], repeats: int) -> tuple[object, float, float, int]:
    """``(result of the first call, first call s, best s, calls timed)``: up to ``repeats`` more calls
    unless the first one took over REPEAT_LIMIT_S."""
    t = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t
    best, n = first, 1
    if first <= REPEAT_LIMIT_S:
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
            n += 1
    return out, first, best, n


def top_classes(P: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Boolean (n, k): classes within ``tol`` of the row's largest probability."""
    return P >= P.max(axis=1, keepdims=True) - tol


def first_top(P: np.ndarray) -> np.ndarray:
    return np.argmax(top_classes(P), axis=1)


def run_set(name: str, repeats: int) -> list[dict]:
    import crowdkit.aggregation as ck

    L, gold_rows, gold, conflicts = load(name)
    k = L.cardinality
    voted = np.diff(L.csr.indptr) > 0
    items = L.index[voted]
    table = annotation_table(L)
    neutral, classes = neutral_table(L)
    # (label, ours, crowd-kit, how crowd-kit is called, its table, class map)
    contenders: list[tuple] = [
        ("Dawid-Skene", CrowdDawidSkene, lambda: ck.DawidSkene(), "proba", table, None),
        ("one-coin Dawid-Skene", OneCoinDawidSkene, lambda: ck.OneCoinDawidSkene(), "proba", table, None),
        ("GLAD", GLAD, lambda: ck.GLAD(), "proba", table, None),
        # an int random_state seeds every crowd-kit restart alike: one restart gives its result
        ("MACE", MACE, lambda: ck.MACE(n_restarts=1), "proba", neutral, classes),
        ("MACE, crowd-kit on raw names", MACE, lambda: ck.MACE(n_restarts=1), "proba", table, None),
        ("Wawa", Wawa, lambda: ck.Wawa(), "proba", table, None),
        ("Zero-Based Skill", ZeroBasedSkill, lambda: ck.ZeroBasedSkill(), "proba", table, None),
        ("M-MSR", MMSR, lambda: ck.MMSR(), "labels", table, None),
    ]
    if k == 2:
        contenders.append(("KOS", KOS, lambda: ck.KOS(), "labels", table, None))
    rows = []
    for label, ours_cls, theirs, how, tab, cmap in contenders:
        print(f"  {name}: {label}", flush=True)
        P, our_first, our_best, our_n = timed(lambda cls=ours_cls: cls().fit(L).predict_proba(L), repeats)
        row = {"set": name, "aggregator": label, "n_items": int(voted.sum()), "n_workers": len(annotator_order(L)),
               "k": k, "conflicts": conflicts, "ours_first": our_first, "ours_best": our_best, "ours_n": our_n}
        ours_label = first_top(P)
        row["acc_ours"] = float(np.mean(ours_label[gold_rows] == gold))
        if label == "M-MSR" and mmsr_dense_bytes(L) > MMSR_MEMORY_LIMIT:
            row["skipped"] = f"crowd-kit not run: its sign step needs {mmsr_dense_bytes(L) / 1e9:.0f} GB of dense matrices"
            rows.append(row)
            continue

        def call(theirs=theirs, tab=tab, how=how):
            model = theirs()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = model.fit_predict_proba(tab) if how == "proba" else model.fit_predict(tab)
            return model, out

        (model, out), ck_first, ck_best, ck_n = timed(call, repeats if "raw names" not in label else 0)
        if how == "proba":
            Q = out.reindex(index=items).reindex(columns=range(k)).to_numpy()
            if cmap is not None:
                Q2 = np.empty_like(Q)
                Q2[:, cmap] = Q
                Q = Q2
            theirs_label = np.full(L.n_rows, -1)
            theirs_label[voted] = np.where(np.isnan(Q).all(axis=1), -1, np.nanargmax(np.nan_to_num(Q, nan=-1.0), axis=1))
            row["max_diff"] = float(np.nanmax(np.abs(P[voted] - Q)))
            row["nan_rows"] = int(np.isnan(Q).any(axis=1).sum())
        else:
            theirs_label = np.full(L.n_rows, -1)
            theirs_label[voted] = out.reindex(items).to_numpy()
            if label == "M-MSR":
                skills = model.skills_.reindex(L.lf_names).to_numpy()
                seen = ~np.isnan(skills)
                our_model = ours_cls().fit(L)
                row["max_diff"] = float(np.abs(our_model.skills_[seen] - skills[seen]).max())
                S = weighted_votes(L.csr, our_model.skills_, k)
                row["nonpositive"] = S[voted].sum(axis=1) <= 0
        tops = top_classes(P)
        agree = tops[np.flatnonzero(voted), np.clip(theirs_label[voted], 0, None)] & (theirs_label[voted] >= 0)
        row["agreement"] = float(agree.mean())
        if "nonpositive" in row:  # where crowd-kit's normalisation by the summed weights flips its pick
            nonpositive = row.pop("nonpositive")
            row["nonpositive_items"] = int(nonpositive.sum())
        row["acc_crowdkit"] = float(np.mean(theirs_label[gold_rows] == gold))
        row.update(ck_first=ck_first, ck_best=ck_best, ck_n=ck_n)
        rows.append(row)
    return rows


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def report(rows: list[dict], repeats: int) -> str:
    import crowdkit
    import scipy

    lines = [
        "## Crowd aggregators: weaksup vs crowd-kit (`benchmarks/crowd_aggregators.py`)",
        "",
        f"crowd-kit {crowdkit.__version__}, numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, one BLAS thread; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "Both sides get the same votes (the LabelMatrix from `from_annotations`; crowd-kit its `annotation_table`). "
        "**agree**: share of items whose crowd-kit label is our top class (a tie counts if crowd-kit's pick is among "
        "the tied); **max diff**: largest |our probability - crowd-kit's| over items and classes (M-MSR: largest "
        "|skill difference|, crowd-kit gives no probabilities); **acc**: accuracy on the gold items (ours: first top "
        "class; crowd-kit: its label). Times: ours `fit(L).predict_proba(L)`, crowd-kit `fit_predict_proba(table)` "
        f"(`fit_predict` for M-MSR and KOS); first call, and best of {repeats + 1} calls (of 1 where a first call "
        f"took over {REPEAT_LIMIT_S:.0f} s, marked *); **speed-up** = crowd-kit's time / ours.",
        "",
        "| set | aggregator | agree | max diff | acc ours | acc crowd-kit | first: ours s | crowd-kit s | speed-up | "
        "best: ours s | crowd-kit s | speed-up |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        head = f"| {r['set']} | {r['aggregator']} "
        if "skipped" in r:
            lines.append(head + f"| — | — | {r['acc_ours']:.3f} | — | {fmt_s(r['ours_first'])} | — | — | "
                         f"{fmt_s(r['ours_best'])} | — | — |")
            continue
        star = "*" if r["ck_n"] == 1 and "raw names" not in r["aggregator"] else ""
        timing = (f"| {fmt_s(r['ours_first'])} | {fmt_s(r['ck_first'])} | {r['ck_first'] / r['ours_first']:.0f}x "
                  f"| {fmt_s(r['ours_best'])} | {fmt_s(r['ck_best'])}{star} | {r['ck_best'] / r['ours_best']:.0f}x |")
        if "raw names" in r["aggregator"]:
            timing = "| — | — | — | — | — | — |"
        diff = f"{r['max_diff']:.1e}" if "max_diff" in r else "labels only"
        lines.append(head + f"| {r['agreement']:.4f} | {diff} | {r['acc_ours']:.3f} | "
                     f"{r['acc_crowdkit']:.3f} " + timing)
    sets = {r["set"]: r for r in rows}
    lines += ["", "Sets: " + "; ".join(
        f"{s} {r['n_items']} items x {r['n_workers']} annotators, k = {r['k']}"
        + (f" ({r['conflicts']} conflicting repeated pairs resolved by majority)" if r["conflicts"] else "")
        for s, r in sets.items()) + "."]
    notes = [
        "Dawid-Skene max diff 1e-10: crowd-kit floors the probabilities it returns at 1e-10 in place (inside its "
        "evidence bound) without renormalising them; ours are the last E-step's posteriors.",
        "MACE: crowd-kit 1.4.2 stores the M-step's expected label counts in the sorted order of the annotator "
        "names (and labels) but reads them back in order of first appearance, so its result depends on the names. "
        "The **MACE** rows run crowd-kit on the same table with annotators renamed to sort in order of first "
        "appearance and classes relabelled likewise (where both orders agree, it computes the published model); "
        "the **raw names** rows show what it gives on the original names. crowd-kit is timed with `n_restarts=1`: "
        "with an int `random_state` its 10 default restarts all start from the same draw and give one result "
        "(ours runs it once); timing its default would multiply its times by about 10.",
        "GLAD: its conjugate-gradient M-step (25 iterations, loose tolerance) amplifies rounding: a 1-ulp change of "
        "one input moves probabilities by ~1e-3 on bluebirds. Ours reproduces crowd-kit's sums bit for bit "
        "(Kahan-compensated per group, in pandas' order), which is what makes the difference 0; those sequential "
        "sums are also what bounds its speed-up.",
        "M-MSR: crowd-kit's label is the argmax of the summed weights divided by their total, which reverses the "
        "ranking where the total is negative; our probabilities follow that rule (`softmax(S)` where the total is "
        "positive, `softmax(-S)` where negative), so the labels agree. Items with a non-positive total: " + ", ".join(
            f"{r['set']} {r['nonpositive_items']}" for r in rows if r["aggregator"] == "M-MSR" and "nonpositive_items" in r)
        + ".",
        "Wawa / Zero-Based Skill: crowd-kit 1.4.2 calls scikit-learn's `check_is_fitted`, which fails on "
        "scikit-learn >= 1.6; the benchmark replaces it by the check it means (`skills_` is set).",
    ]
    nan = [f"{r['set']} {r['aggregator']} {r['nan_rows']}" for r in rows if r.get("nan_rows")]
    if nan:
        notes.append("Items where crowd-kit's probabilities are NaN (every voter has weight 0; ours: uniform), "
                     "left out of max diff: " + ", ".join(nan) + ".")
    skipped = [f"{r['set']} {r['aggregator']}: {r['skipped']}" for r in rows if "skipped" in r]
    if skipped:
        notes.append("Not compared: " + "; ".join(skipped) + ".")
    lines += [""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    parser.add_argument("--repeats", type=int, default=2, help="calls after the first (best of 1 + repeats)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    parser.add_argument("--json", type=Path, help="also write the raw rows here")
    parser.add_argument("--from-json", type=Path, help="only render rows written by --json (no runs)")
    args = parser.parse_args()
    if args.from_json:
        rows = json.loads(args.from_json.read_text())
    else:
        patch_crowdkit()
        rows = []
        for name in args.sets:
            rows += run_set(name, args.repeats)
    text = report(rows, args.repeats)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
