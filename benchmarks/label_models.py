"""Label models vs Snorkel: WRENCH accuracy, synthetic recovery, speed and memory.

Writes the ``label_models`` section of benchmarks/RESULTS.md. Every number is measured in
this run, with Snorkel (``pip install weaksup[bench]``) side by side.

    python benchmarks/label_models.py                  # full size (1M x 50 speed, 10M x 100 fit)
    python benchmarks/label_models.py --small          # quick run while developing
    python benchmarks/label_models.py --skip-speed     # accuracy tables only

Speed and memory: each contender runs in its own fresh subprocess (weaksup's default never
imports torch; Snorkel's does) that loads the same matrix from disk (Snorkel: the dense int64 array its appliers produce; weaksup: the sparse
LabelMatrix its appliers produce), then times ``fit`` + ``predict_proba``. Peak memory is the
process's peak resident set (``VmHWM`` from /proc, the same as ``ru_maxrss``), reported both
in total and above the resident set just before fitting (input and imports already loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from _results import write_section  # benchmarks/_results.py (scripts run from benchmarks/)

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data" / "wrench"
SECTION = "label_models"
TARGETS = {"youtube": 84.0, "sms": 23.97, "trec": 64.2}
REFERENCE = {"youtube": (81.6, 84.0), "sms": (20.43, 21.54), "trec": (61.0, 47.27)}  # issue: Snorkel MV, LM


# ------------------------------------------------------------------------------------------------
# synthetic label matrices
# ------------------------------------------------------------------------------------------------
def synthetic(n: int, m: int, k: int, seed: int = 0, balance=None, acc=None, cov=None, copies=()):
    """Sparse ``label + 1`` CSR of ``m`` conditionally independent LFs (plus correlated copies).

    ``copies``: pairs ``(src, p)``: an extra LF that repeats LF ``src``'s vote with
    probability ``p`` wherever ``src`` votes (and abstains otherwise), i.e. a correlated pair.
    Returns ``(csr, y, acc, cov)`` with the true accuracy of every column.
    """
    rng = np.random.default_rng(seed)
    balance = np.full(k, 1.0 / k) if balance is None else np.asarray(balance, dtype=np.float64)
    y = rng.choice(k, size=n, p=balance).astype(np.int8)
    acc = rng.uniform(0.55, 0.95, m) if acc is None else np.asarray(acc, dtype=np.float64)
    cov = rng.uniform(0.05, 0.3, m) if cov is None else np.asarray(cov, dtype=np.float64)
    cols: list[tuple[np.ndarray, np.ndarray]] = []
    for j in range(m):
        rows = np.flatnonzero(rng.random(n, dtype=np.float32) < cov[j]).astype(np.int64)
        truth = y[rows]
        right = rng.random(len(rows), dtype=np.float32) < acc[j]
        wrong = (truth + rng.integers(1, k, len(rows))) % k
        cols.append((rows, np.where(right, truth, wrong).astype(np.int8)))
    accs, covs = list(acc), list(cov)
    for src, p in copies:
        rows, votes = cols[src]
        keep = rng.random(len(rows)) < p
        cols.append((rows[keep], votes[keep]))
        accs.append(acc[src])
        covs.append(cov[src] * p)
    indptr_counts = np.zeros(n + 1, dtype=np.int64)
    for rows, _ in cols:
        indptr_counts[rows + 1] += 1
    indptr = np.cumsum(indptr_counts)
    nnz = int(indptr[-1])
    indices = np.empty(nnz, dtype=np.int32)
    data = np.empty(nnz, dtype=np.int8)
    fill = indptr[:-1].copy()
    for j, (rows, votes) in enumerate(cols):  # columns in order, so every row's indices come out sorted
        pos = fill[rows]
        indices[pos] = j
        data[pos] = votes + 1
        fill[rows] += 1
    csr = sp.csr_matrix((data, indices, indptr), shape=(n, len(cols)))
    return csr, y, np.asarray(accs), np.asarray(covs)


# ------------------------------------------------------------------------------------------------
# WRENCH
# ------------------------------------------------------------------------------------------------
def weaksup_models(k: int) -> dict:
    from weaksup.models import (
        AgreementModel,
        DawidSkene,
        GenerativeModel,
        MajorityVoter,
        MatrixCompletion,
        Triplet,
        WeightedMajorityVoter,
    )

    return {
        "weaksup LabelModel (AgreementModel)": AgreementModel(cardinality=k),
        "weaksup AgreementModel(learn_class_balance=True)": AgreementModel(cardinality=k, learn_class_balance=True),
        "weaksup MajorityVoter": MajorityVoter(cardinality=k),
        "weaksup WeightedMajorityVoter": WeightedMajorityVoter(cardinality=k),
        "weaksup DawidSkene": DawidSkene(cardinality=k),
        "weaksup GenerativeModel": GenerativeModel(cardinality=k),
        "weaksup MatrixCompletion": MatrixCompletion(cardinality=k),
        "weaksup Triplet": Triplet(cardinality=k),
    }


def metric(name: str, y: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import accuracy_score, f1_score

    if name == "sms":
        return 100 * f1_score(y, pred, labels=[1], average=None, zero_division=0)[0]
    return 100 * accuracy_score(y, pred)


def wrench_table(seed: int = 0) -> tuple[list[dict], dict]:
    from snorkel.labeling.model import LabelModel as SnorkelLabelModel
    from snorkel.labeling.model import MajorityLabelVoter

    import weaksup as ws
    from weaksup.utils import probs_to_preds

    rows: list[dict] = []
    selected: dict = {}
    for name in ("youtube", "sms", "trec"):
        d = ws.datasets.load_wrench(str(DATA / name))
        k = len(d.class_names)
        tr, dev, te = d["train"], d["valid"], d["test"]
        y_dev, y_te = np.asarray(dev.y), np.asarray(te.y)
        dev_balance = (np.bincount(y_dev, minlength=k) + 1.0) / (len(y_dev) + k)  # weaksup's add-one rule
        Ltr, Lte = tr.L.to_dense().astype(np.int64), te.L.to_dense().astype(np.int64)
        y_tr = np.asarray(tr.y)
        fired = Ltr >= 0
        gold_acc = np.array([(Ltr[fired[:, j], j] == y_tr[fired[:, j]]).mean() if fired[:, j].any() else np.nan
                             for j in range(Ltr.shape[1])])

        def acc_mae(estimate: np.ndarray, gold_acc: np.ndarray = gold_acc) -> float:
            ok = ~np.isnan(gold_acc)
            return float(np.abs(np.asarray(estimate) - gold_acc)[ok].mean())

        def score(P: np.ndarray, name: str = name, y_te: np.ndarray = y_te) -> float:
            return metric(name, y_te, probs_to_preds(P, tie_break="index"))

        for label, model in weaksup_models(k).items():
            for use_dev in (False, True):
                t0 = time.perf_counter()
                model.fit(tr.L, Y_dev=y_dev if use_dev else None, seed=seed)
                P = model.predict_proba(te.L)
                est = getattr(model, "accuracies_", None) if label != "weaksup MajorityVoter" else None
                rows.append({"dataset": name, "model": label, "dev": use_dev, "score": score(P),
                             "seconds": time.perf_counter() - t0,
                             "acc_mae": acc_mae(est) if est is not None else float("nan")})
        for use_dev in (False, True):
            cb = dev_balance.tolist() if use_dev else None
            mv = MajorityLabelVoter(cardinality=k)  # takes no class balance: "dev" is the same model
            t0 = time.perf_counter()
            rows.append({"dataset": name, "model": "Snorkel MajorityLabelVoter", "dev": use_dev,
                         "score": score(mv.predict_proba(Lte)), "seconds": time.perf_counter() - t0})
            lm = SnorkelLabelModel(cardinality=k, verbose=False)
            t0 = time.perf_counter()
            lm.fit(Ltr, class_balance=cb, seed=seed, progress_bar=False)
            rows.append({"dataset": name, "model": "Snorkel LabelModel", "dev": use_dev,
                         "score": score(lm.predict_proba(Lte)), "seconds": time.perf_counter() - t0,
                         "acc_mae": acc_mae(lm.get_weights())})
        # model selection on the dev split (what WRENCH does), scored on test
        from weaksup.models import select_label_model

        metric_name = "f1" if name == "sms" else "accuracy"
        best, table = select_label_model(tr.L, dev.L, y_dev, metric=metric_name, tie_break="index", seed=seed)
        rows.append({"dataset": name, "model": "weaksup select_label_model (dev split)", "dev": True,
                     "score": score(best.predict_proba(te.L)), "seconds": float("nan")})
        selected[name] = (type(best).__name__, best.get_params(), table.iloc[0].to_dict())
    return rows, selected


def sms_diagnosis() -> dict:
    """Why the sms test F1 says little: the spam LFs' precision on train vs test, and trivial baselines."""
    import weaksup as ws

    d = ws.datasets.load_wrench(str(DATA / "sms"))
    out = {}
    for split in ("train", "valid", "test"):
        L = d[split].L.to_dense()
        y = np.asarray(d[split].y)
        spam_vote = (L == 1).any(axis=1)
        out[split] = {"spam_vote_precision": float(y[spam_vote].mean()) if spam_vote.any() else float("nan"),
                      "no_vote_rows": float((L == -1).all(axis=1).mean())}
    y = np.asarray(d["test"].y)
    out["all_spam_f1"] = metric("sms", y, np.ones_like(y))
    from weaksup.models import MajorityVoter

    L = d["test"].L
    mv = MajorityVoter(cardinality=2).predict(L, tie_break="index")
    empty = np.diff(L.csr.indptr) == 0
    out["mv_novote_ham_f1"] = metric("sms", y, np.where(empty, 0, mv))
    out["mv_novote_spam_f1"] = metric("sms", y, np.where(empty, 1, mv))
    return out


def trec_diagnosis() -> dict:
    """Dawid-Skene's EM on trec started from the gold labels and from majority vote, and the
    gold-fitted table itself: where the likelihood optimum lies relative to the truth."""
    import weaksup as ws
    from weaksup.models._em import expected_counts, majority_posterior, run_em
    from weaksup.models._table import log_posterior
    from weaksup.models.stats import one_hot

    d = ws.datasets.load_wrench(str(DATA / "trec"))
    k = len(d.class_names)
    L = d["train"].L
    y = np.asarray(d["train"].y)
    X = one_hot(L.csr, k)
    w = np.ones(L.n_rows)

    def m_step(C, T):
        theta = (C + 1.0) / (C + 1.0).sum(axis=1, keepdims=True)
        return np.log(theta), (T + 1.0) / (T.sum() + k)

    def evaluate(table, prior):
        out = {"balance": prior.round(3).tolist()}
        for split in ("train", "test"):
            Z = log_posterior(d[split].L.csr, table, np.log(prior))
            out[split] = float((Z.argmax(axis=1) == np.asarray(d[split].y)).mean())
        D = log_posterior(L.csr, table, np.log(prior))
        top = D.max(axis=1, keepdims=True)
        out["loglik"] = float(np.mean(top[:, 0] + np.log(np.exp(D - top).sum(axis=1))))
        return out

    gold = m_step(*expected_counts(X, X.T.tocsr(), w, np.eye(k)[y], L.n_lfs))
    from_gold = run_em(X, w, L.n_lfs, k, m_step, np.eye(k)[y], 500, 1e-9)[:2]
    from_mv = run_em(X, w, L.n_lfs, k, m_step, majority_posterior(X, L.n_lfs, k, np.full(k, 1 / k)), 500, 1e-9)[:2]
    return {"gold": evaluate(*gold), "em_from_gold": evaluate(*from_gold), "em_from_mv": evaluate(*from_mv),
            "true_balance": (np.bincount(y, minlength=k) / len(y)).round(3).tolist()}


# ------------------------------------------------------------------------------------------------
# synthetic recovery
# ------------------------------------------------------------------------------------------------
def recovery_table(n: int, seed: int = 0) -> list[dict]:
    from snorkel.labeling.model import LabelModel as SnorkelLabelModel

    from weaksup.models import AgreementModel, DawidSkene, GenerativeModel, Triplet

    rows = []
    settings = [
        ("balanced, independent", 2, [0.5, 0.5], ()),
        ("1:5, independent", 2, [5 / 6, 1 / 6], ()),
        ("1:20, independent", 2, [20 / 21, 1 / 21], ()),
        ("1:20, 3 correlated pairs", 2, [20 / 21, 1 / 21], ((0, 0.9), (1, 0.9), (2, 0.9))),
        ("k=4, 1:2:3:4, 3 correlated pairs", 4, [0.1, 0.2, 0.3, 0.4], ((0, 0.9), (1, 0.9), (2, 0.9))),
    ]
    for label, k, balance, copies in settings:
        csr, y, acc, cov = synthetic(n, 10, k, seed=seed, balance=balance, copies=copies)
        # the accuracy each LF really has on this sample (what an estimator can recover)
        dense = np.asarray(csr.todense(), dtype=np.int64) - 1
        voted = dense >= 0
        emp_acc = np.array([(dense[voted[:, j], j] == y[voted[:, j]]).mean() for j in range(dense.shape[1])])
        emp_bal = np.bincount(y, minlength=k) / len(y)
        contenders = {
            "weaksup AgreementModel (learn_class_balance)": AgreementModel(cardinality=k, learn_class_balance=True),
            "weaksup GenerativeModel": GenerativeModel(cardinality=k),
            "weaksup DawidSkene": DawidSkene(cardinality=k),
            "weaksup Triplet": Triplet(cardinality=k),
        }
        for name, model in contenders.items():
            model.fit(csr, seed=seed)
            rows.append({"setting": label, "model": name,
                         "acc_mae": float(np.abs(model.accuracies_ - emp_acc).mean()),
                         "balance_mae": float(np.abs(model.class_balance_ - emp_bal).mean()),
                         "test_acc": float((model.predict(csr, tie_break="index") == y).mean())})
        lm = SnorkelLabelModel(cardinality=k, verbose=False)
        lm.fit(dense, seed=seed, progress_bar=False)
        from weaksup.utils import probs_to_preds

        rows.append({"setting": label, "model": "Snorkel LabelModel (class balance: uniform, fixed)",
                     "acc_mae": float(np.abs(lm.get_weights() - emp_acc).mean()),
                     "balance_mae": float(np.abs(np.full(k, 1.0 / k) - emp_bal).mean()),
                     "test_acc": float((probs_to_preds(lm.predict_proba(dense), tie_break="index") == y).mean())})
    return rows


# ------------------------------------------------------------------------------------------------
# speed and memory (each contender in a fresh subprocess)
# ------------------------------------------------------------------------------------------------
def _vm(field: str) -> float:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1)) / 1024.0  # MiB


def worker(kind: str, path: str, k: int) -> None:
    """Run one contender on the matrix in ``path``; print a JSON line with time and memory."""
    if kind.startswith("snorkel"):
        import torch  # imported (by Snorkel anyway) before the clock starts
        from snorkel.labeling.model import LabelModel as SnorkelLabelModel

        torch.set_num_threads(1)

        L = np.load(path + ".dense.npy")
        before = _vm("VmRSS")
        t0 = time.perf_counter()
        model = SnorkelLabelModel(cardinality=k, verbose=False)
        model.fit(L, seed=0, progress_bar=False)
        P = model.predict_proba(L)
    else:
        import weaksup as ws

        LabelModel = ws.LabelModel  # imported before the clock starts, as Snorkel's class is above
        L = ws.LabelMatrix.load(path + ".labels.npz")
        before = _vm("VmRSS")
        t0 = time.perf_counter()
        model = LabelModel(cardinality=k).fit(L, seed=0)
        P = model.predict_proba(L)
    seconds = time.perf_counter() - t0
    print(json.dumps({"kind": kind, "seconds": seconds, "peak_mib": _vm("VmHWM"), "before_mib": before,
                      "rows": int(P.shape[0])}))


def run_worker(kind: str, path: str, k: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([sys.executable, __file__, "--worker", kind, path, str(k)], capture_output=True,
                         text=True, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def speed_table(n: int, m: int, tmp: str, repeats: int = 1) -> tuple[list[dict], dict]:
    import weaksup as ws

    csr, y, acc, _ = synthetic(n, m, 2, seed=1)
    path = str(Path(tmp) / f"L_{n}_{m}")
    np.save(path + ".dense.npy", np.asarray(csr.todense(), dtype=np.int64) - 1)
    ws.LabelMatrix(csr, cardinality=2).save(path + ".labels.npz")
    del csr
    results = []
    for kind in ("weaksup", "snorkel"):
        best = min((run_worker(kind, path, 2) for _ in range(repeats)), key=lambda r: r["seconds"])
        results.append(best)
    # accuracy at this size, in this process (not timed)
    L = ws.LabelMatrix.load(path + ".labels.npz")
    model = ws.LabelModel(cardinality=2).fit(L)
    quality = {"weaksup_acc": float((model.predict(L, tie_break="index") == y).mean()),
               "weaksup_acc_mae": float(np.abs(model.accuracies_ - acc).mean())}
    from snorkel.labeling.model import LabelModel as SnorkelLabelModel

    from weaksup.utils import probs_to_preds

    dense = np.load(path + ".dense.npy")
    lm = SnorkelLabelModel(cardinality=2, verbose=False)
    lm.fit(dense, seed=0, progress_bar=False)
    quality["snorkel_acc"] = float((probs_to_preds(lm.predict_proba(dense), tie_break="index") == y).mean())
    quality["snorkel_acc_mae"] = float(np.abs(lm.get_weights() - acc).mean())
    return results, quality


def _best_of(fn, rounds: int = 3) -> tuple[float, float]:
    """Best wall and best process-CPU seconds of ``rounds`` calls (the machine is shared: CPU time is steadier)."""
    wall, cpu = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def big_fit(n: int, m: int, rounds: int = 3) -> dict:
    import weaksup as ws
    from weaksup.patterns import one_hot_blocks

    t0 = time.perf_counter()
    csr, y, acc, _ = synthetic(n, m, 2, seed=2)
    gen = time.perf_counter() - t0
    L = ws.LabelMatrix(csr, cardinality=2)
    LabelModel = ws.LabelModel  # imported before the clock (the lazy import of the models costs ~1.5 s)
    load0 = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    model = LabelModel(cardinality=2).fit(L)
    fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    P = model.predict_proba(L)
    pred = time.perf_counter() - t0
    out = {"n": n, "m": m, "nnz": int(csr.nnz), "generate_s": gen, "fit_s": fit, "fit_cpu_s": fit_cpu,
           "predict_proba_s": pred, "acc": float((P.argmax(axis=1) == y).mean()),
           "acc_mae": float(np.abs(model.accuracies_ - acc).mean()), "peak_mib": _vm("VmHWM"),
           "passes": getattr(model, "_em_passes", None), "rounds": rounds}
    del P
    out["warm_s"], out["warm_cpu_s"] = _best_of(lambda: LabelModel(cardinality=2).fit(L), rounds)
    # the floor: one pass over every vote, as the fit makes them (products with the one-hot row blocks),
    # and the stored votes read once (int8 votes + int32 columns, nothing computed)
    # on as many threads as the fit runs its row blocks on (summed in block order, as the fit does)
    from concurrent.futures import ThreadPoolExecutor

    from weaksup.models import agreement

    threads = min(agreement._threads(), max(1, L.csr.nnz // agreement._VOTES_PER_THREAD))
    pool = ThreadPoolExecutor(threads)
    rows = agreement._block_rows(L.csr)
    blocks = [(a, b, X, X.T) for a, b, X in one_hot_blocks(L.csr, 2, rows, pool.map)]
    d, q = np.random.default_rng(0).random(2 * m), np.random.default_rng(1).random(n)

    def e_pass() -> None:
        list(pool.map(lambda blk: blk[2] @ d, blocks))

    def m_pass() -> None:
        acc_ = np.zeros(2 * m)
        for part in pool.map(lambda blk: blk[3] @ q[blk[0] : blk[1]], blocks):
            acc_ += part

    out["threads"] = threads
    out["e_pass_s"], out["e_pass_cpu_s"] = _best_of(e_pass, 5)
    out["m_pass_s"], out["m_pass_cpu_s"] = _best_of(m_pass, 5)
    out["build_s"], out["build_cpu_s"] = _best_of(lambda: one_hot_blocks(L.csr, 2, rows, pool.map), 3)
    pool.shutdown()
    out["read_s"], out["read_cpu_s"] = _best_of(lambda: (np.add.reduce(L.csr.data, dtype=np.int64),
                                                         np.add.reduce(L.csr.indices, dtype=np.int64)), 5)
    out["load"] = (load0, os.getloadavg()[0])
    return out


# ------------------------------------------------------------------------------------------------
# report
# ------------------------------------------------------------------------------------------------
def render(wrench, selected, diag, trec, recovery, speed, quality, big, args) -> str:
    import snorkel

    import weaksup as ws

    lines = ["## Label models (`benchmarks/label_models.py`)", "",
             f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
             f"{os.cpu_count()} CPUs, Python {platform.python_version()}, weaksup {ws.__version__}, "
             f"snorkel {snorkel.__version__}. Default `weaksup.LabelModel` = `{ws.LabelModel.__name__}`.", ""]
    lines += ["### WRENCH test splits (fit on train votes; no gold labels used unless the row says dev)", "",
              "Metric: accuracy (youtube, trec), binary F1 of SPAM (sms). Every model's `predict_proba` goes "
              "through the same `probs_to_preds(tie_break=\"index\")` (Snorkel's rule: a tie goes to tied class "
              "`row index mod #tied`). \"dev\": class balance from the valid split's labels (add-one smoothed), "
              "for Snorkel too. `select_label_model` picks a model on the valid split and is scored on test.", ""]
    models = list(dict.fromkeys(r["model"] for r in wrench))
    head = "| model | " + " | ".join(f"{d} | {d} (dev)" for d in ("youtube", "sms", "trec")) + " |"
    lines += [head, "|---" * 7 + "|"]
    for mdl in models:
        cells = []
        for dname in ("youtube", "sms", "trec"):
            for dev in (False, True):
                hit = [r for r in wrench if r["model"] == mdl and r["dataset"] == dname and r["dev"] == dev]
                cells.append(f"{hit[0]['score']:.2f}" if hit else "")
        lines.append(f"| {mdl} | " + " | ".join(cells) + " |")
    lines += ["| target for the default (issue) | > 84.0 | | > 23.97 | | > 64.2 | |", ""]
    default = {(r["dataset"], r["dev"]): r["score"] for r in wrench if r["model"].startswith("weaksup LabelModel")}
    verdict = []
    for dname, target in TARGETS.items():
        s = default[(dname, False)]
        verdict.append(f"{dname}: {s:.2f} vs > {target} — {'met' if s > target else '**missed**'}")
    lines += ["Default without dev labels: " + "; ".join(verdict) + ".", ""]
    lines += ["select_label_model picked (metric on the valid split): " + "; ".join(
        f"{dname}: {name} ({row.get('class_balance')} balance, valid {row.get('f1', row.get('accuracy')):.3f})"
        for dname, (name, _, row) in selected.items()) + ".", ""]
    lines += ["**sms: the target is missed, and no calibrated label model can meet it on these files.** "
              f"The spam LFs' precision (share of rows with a SPAM vote that are spam) is "
              f"{diag['train']['spam_vote_precision']:.2f} on train, {diag['valid']['spam_vote_precision']:.2f} on "
              f"valid and {diag['test']['spam_vote_precision']:.2f} on test, and {diag['test']['no_vote_rows']:.0%} of "
              f"test rows get no vote: the valid/test weak labels (same files as microsoft/automatic-rule-induction) "
              f"do not behave like the train ones (DyGen's copy), see data/wrench/SOURCES.md. Predicting SPAM for "
              f"every test row scores F1 {diag['all_spam_f1']:.2f}. Scores near 20 come from predicting SPAM on "
              f"no-vote rows (a uniform prior and the index tie-break send half of them to SPAM), not from the "
              f"LFs: majority vote scores {diag['mv_novote_ham_f1']:.2f} with no-vote rows sent to HAM and "
              f"{diag['mv_novote_spam_f1']:.2f} with all of them sent to SPAM. A model that gives no-vote rows the "
              f"learned or dev class balance (13% spam) predicts HAM there, hence the low \"dev\" column.", ""]
    lines += ["Why the likelihood models (DawidSkene, GenerativeModel) collapse on sms and trec: EM maximises the "
              "marginal likelihood of a conditionally independent model, and these LF sets are not (trec has exact "
              "duplicate LFs 8/39/63 and 27/62, one LF covering 62% of rows at 23% accuracy, and most LFs vote one "
              "class). Measured on trec with Dawid-Skene's EM (abstain modelled, add-one smoothing): "
              f"the table fitted to the *gold* train labels has mean log-likelihood {trec['gold']['loglik']:.3f} and "
              f"train/test accuracy {trec['gold']['train']:.3f}/{trec['gold']['test']:.3f}; EM started from those "
              f"gold labels climbs to {trec['em_from_gold']['loglik']:.3f} while accuracy falls to "
              f"{trec['em_from_gold']['train']:.3f}/{trec['em_from_gold']['test']:.3f} and the class balance "
              f"drifts from {trec['true_balance']} to {trec['em_from_gold']['balance']}; started from majority vote "
              f"it reaches {trec['em_from_mv']['loglik']:.3f}, balance {trec['em_from_mv']['balance']}, accuracy "
              f"{trec['em_from_mv']['train']:.3f}/{trec['em_from_mv']['test']:.3f}. So better optimisation or "
              "initialisation cannot fix it: the likelihood itself prefers the wrong answer. The gold table also "
              "scores lower on test than on train because the test split's LF coverage differs, so abstain "
              "evidence misleads there. The default (`AgreementModel`) avoids the three failure routes: abstains carry no "
              "evidence, the class prior is not fed back into the fit, and accuracies are learned only where LFs "
              "overlap and are kept above chance with a Beta(0.7) prior of 100 pseudo-rows.", ""]
    lines += ["LF accuracies learned from the train votes (no dev labels) against each LF's accuracy on the gold "
              "train labels (mean absolute error over LFs that fire; lower is better). Real LFs break the "
              "independence assumption and many fire on a handful of rows, so no model recovers them well; "
              "the default leaves LFs that never overlap another LF at its prior (0.7).", "",
              "| model | youtube | sms | trec |", "|---|---|---|---|"]
    for mdl in models:
        vals = [next((r.get("acc_mae", float("nan")) for r in wrench
                      if r["model"] == mdl and r["dataset"] == dname and not r["dev"]), float("nan"))
                for dname in ("youtube", "sms", "trec")]
        if not all(np.isnan(vals)):
            lines.append(f"| {mdl} | " + " | ".join(f"{v:.3f}" for v in vals) + " |")
    lines.append("")
    lines += ["### Synthetic recovery (10 LFs, accuracies U(0.55, 0.95), coverage U(5%, 30%), "
              f"n = {args.recovery_n:,})", "",
              "Mean absolute error of the recovered per-LF accuracies (against each LF's accuracy on the sample) "
              "and of the class balance; \"correlated pair\": an extra LF copying another's vote 90% of the time. "
              "Snorkel's LabelModel cannot learn the class balance (uniform unless given), so its balance error is "
              "that of the uniform prior.", "",
              "| setting | model | accuracy MAE | class balance MAE | label accuracy |", "|---|---|---|---|---|"]
    for r in recovery:
        lines.append(f"| {r['setting']} | {r['model']} | {r['acc_mae']:.3f} | {r['balance_mae']:.3f} | "
                     f"{r['test_acc']:.3f} |")
    lines.append("")
    corr = {r["model"]: r for r in recovery if r["setting"] == "1:20, 3 correlated pairs"}
    ours = corr["weaksup AgreementModel (learn_class_balance)"]
    best_other = min((r for r in corr.values() if r is not ours), key=lambda r: r["acc_mae"])
    learned = {r["dataset"]: r["score"] for r in wrench
               if r["model"].startswith("weaksup AgreementModel(learn") and not r["dev"]}
    lines += ["**Weak spots of the default, measured above.** (1) Correlated LFs: an LF that copies another agrees "
              "with it by construction, so both look more accurate than they are (accuracy MAE "
              f"{ours['acc_mae']:.3f} with 3 correlated pairs at 1:20, against {best_other['acc_mae']:.3f} for "
              f"{best_other['model']}); there is no dependency learning. (2) Learned class balance: with "
              "`learn_class_balance=True` the balance is recovered well on synthetic independent LFs, but on WRENCH, "
              "where LFs vote one class, the one-coin model gives the noisier side's LFs weights near zero and the "
              "balance runs to the other class (test score youtube "
              f"{learned.get('youtube', float('nan')):.2f}, sms {learned.get('sms', float('nan')):.2f}, trec "
              f"{learned.get('trec', float('nan')):.2f}); that is why the default prior is uniform. (3) LFs that "
              "never vote together with another LF keep the prior accuracy (0.7): their weight is not learned.", ""]
    if speed:
        w = next(r for r in speed if r["kind"] == "weaksup")
        s = next(r for r in speed if r["kind"] == "snorkel")
        speedup = s["seconds"] / w["seconds"]
        mem_ratio = w["peak_mib"] / s["peak_mib"]
        extra_ratio = (w["peak_mib"] - w["before_mib"]) / max(s["peak_mib"] - s["before_mib"], 1e-9)
        lines += [f"### Speed and memory: n = {args.speed_n:,}, m = {args.speed_m}, k = 2 (fit + predict_proba)", "",
                  "Each side runs in a fresh subprocess (1 thread for torch/BLAS) that first loads the matrix from "
                  "disk: Snorkel the dense int64 array its appliers return, weaksup the sparse LabelMatrix (npz). "
                  "Time: `fit` + `predict_proba`, default settings (Snorkel: `n_epochs=100`). Peak memory: the "
                  "process's peak resident set (VmHWM, = ru_maxrss), and the part above the resident set just "
                  "before `fit` (imports and input already loaded: both model classes are imported before the "
                  "clock). The synthetic LFs vote both classes, so the default fits its class-conditional "
                  "confusion matrices here. Best of "
                  f"{args.repeats} run(s).", "",
                  "| | seconds | peak RSS (MiB) | peak above input (MiB) | label accuracy | accuracy MAE |",
                  "|---|---|---|---|---|---|",
                  f"| weaksup LabelModel | {w['seconds']:.2f} | {w['peak_mib']:.0f} | "
                  f"{w['peak_mib'] - w['before_mib']:.0f} | {quality['weaksup_acc']:.4f} | "
                  f"{quality['weaksup_acc_mae']:.4f} |",
                  f"| Snorkel LabelModel | {s['seconds']:.2f} | {s['peak_mib']:.0f} | "
                  f"{s['peak_mib'] - s['before_mib']:.0f} | {quality['snorkel_acc']:.4f} | "
                  f"{quality['snorkel_acc_mae']:.4f} |",
                  f"| ratio (Snorkel / weaksup time; weaksup / Snorkel memory) | {speedup:.1f}x | {mem_ratio:.2f} | "
                  f"{extra_ratio:.2f} | | |", "",
                  f"Targets: >= 10x faster — {'met' if speedup >= 10 else '**missed**'} ({speedup:.1f}x); "
                  f"<= 1/4 of Snorkel's peak memory — {'met' if mem_ratio <= 0.25 else '**missed**'} "
                  f"({mem_ratio:.2f} of the total peak; {extra_ratio:.2f} of the part above the input).", ""]
    if big:
        lines += [f"### Scale: n = {big['n']:,}, m = {big['m']}, k = 2 ({big['nnz']:,} votes)", "",
                  f"Generating the sparse matrix took {big['generate_s']:.1f} s (not counted). Load average "
                  f"{big['load'][0]:.1f} before / {big['load'][1]:.1f} after on {os.cpu_count()} shared cores, so "
                  "wall times are noisy; process CPU time is given beside them. `LabelModel.fit`, first call in "
                  f"this process: **{big['fit_s']:.1f} s** (CPU {big['fit_cpu_s']:.1f} s); warm, best of "
                  f"{big['rounds']}: **{big['warm_s']:.1f} s** (CPU {big['warm_cpu_s']:.1f} s). Target <= 3 s: "
                  f"first call {'met' if big['fit_s'] <= 3 else '**missed**'}, warm "
                  f"{'met' if big['warm_s'] <= 3 else '**missed**'}. `predict_proba`: {big['predict_proba_s']:.1f} s; "
                  "label accuracy "
                  f"{big['acc']:.4f}, accuracy MAE {big['acc_mae']:.4f}; process peak RSS {big['peak_mib']:.0f} MiB "
                  "(matrix included).", ""]
        if big["passes"]:
            e, mm = big["e_pass_s"], big["m_pass_s"]
            floor = big["passes"] * min(e, mm) + big["build_s"]
            floor_cpu = big["passes"] * min(big["e_pass_cpu_s"], big["m_pass_cpu_s"]) + big["build_cpu_s"]
            lines += [f"Floor, measured in this run (best of 5): one pass over the {big['nnz']:,} votes as the fit "
                      f"makes it (one-hot row blocks times a vector, on the fit's {big['threads']} thread(s)) takes "
                      f"{e:.3f} s (E-step) / {mm:.3f} s "
                      f"(M-step, transposed); reading the stored votes once without computing (int8 votes + int32 "
                      f"columns, one thread) {big['read_s']:.3f} s; building the one-hot blocks {big['build_s']:.2f} "
                      "s. This "
                      f"fit makes {big['passes']} passes (the EM's E- and M-steps, its start and the votes per "
                      f"value), so its floor is {big['passes']} x {min(e, mm):.3f} + {big['build_s']:.2f} = "
                      f"**{floor:.1f} s** (CPU {floor_cpu:.1f} s) against the warm fit's {big['warm_s']:.1f} s "
                      f"(CPU {big['warm_cpu_s']:.1f} s); the rest is the per-row work between the passes "
                      "(sigmoids, weights) and the pattern probe.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="reduced sizes while developing")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "PATH", "K"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], int(args.worker[2]))
        return
    warnings.filterwarnings("ignore")
    import torch

    torch.set_num_threads(1)  # both Snorkel and MatrixCompletion; oversubscribing 2 shared cores stalls torch
    args.recovery_n = 20_000 if args.small else 100_000
    args.speed_n, args.speed_m = (100_000, 50) if args.small else (1_000_000, 50)
    big_n, big_m = (1_000_000, 100) if args.small else (10_000_000, 100)
    t0 = time.time()
    wrench, selected = wrench_table()
    print(f"wrench done {time.time() - t0:.0f}s", flush=True)
    diag = sms_diagnosis()
    trec = trec_diagnosis()
    recovery = recovery_table(args.recovery_n)
    print(f"recovery done {time.time() - t0:.0f}s", flush=True)
    speed, quality, big = [], {}, {}
    if not args.skip_speed:
        with tempfile.TemporaryDirectory() as tmp:
            speed, quality = speed_table(args.speed_n, args.speed_m, tmp, args.repeats)
        print(f"speed done {time.time() - t0:.0f}s", flush=True)
        big = big_fit(big_n, big_m)
        print(f"big done {time.time() - t0:.0f}s", flush=True)
    text = render(wrench, selected, diag, trec, recovery, speed, quality, big, args)
    write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
