"""End models on probabilistic labels, default settings only: WRENCH youtube, sms, trec, hausa and the spam tutorial.

For every dataset and feature set: the label model alone (``weaksup.LabelModel``), the end model with
default settings on its soft labels (``SoftLabelClassifier()`` on the rows with an LF vote), the
self-trained end model (``SelfTrainingClassifier()``, which refines the soft labels with a naive Bayes view of
the features, then re-targets every train row, those without a vote included), the gold-label ceiling (the same end model on every train row's gold label) and Snorkel's
recipe (snorkel's ``LabelModel``, its hard labels, scikit-learn ``LogisticRegression``) side by side. Nothing is tuned per
dataset and the valid split is not used. Features: TF-IDF word 1-2 grams and word 1-5-gram counts, fitted
on train text. Metric: WRENCH's (F1 of class 1 for sms, accuracy otherwise), on test, in %.

The spam tutorial recipe is Snorkel's: the YouTube spam splits of ``load_youtube_spam``, an LF set,
``CountVectorizer(ngram_range=(1, 5))`` fitted on the covered train rows, the label model's soft labels.
LF sets: ``spam_lfs()`` (the Snorkel tutorial's, used while developing the defaults); a held-out set written
for this benchmark before the defaults were chosen and not edited after (``heldout_spam_lfs``); two more written
on 2026-12-02, after the defaults, to confirm them and not edited after their first run (``later_spam_lfs``,
nine LFs, and ``minimal_spam_lfs``, four keywords); and the Snorkel tutorial's own ten LFs (spaCy and TextBlob
ones included) as WRENCH ships their votes on its YouTube split. For these rows the gold ceiling is the same end
model on the gold labels of the rows it trains on (the covered rows), since that is what the recipe can see.

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
SPAM_LF_SETS = ("snorkel tutorial LFs (spam_lfs)", "held-out LFs", "later LFs", "minimal LFs",
                "tutorial's own LFs (WRENCH youtube votes)")
DEVELOPED_ON = SPAM_LF_SETS[0]  # the one LF set the defaults were chosen with; the others are held out
METHODS = ("label model", "default end model", "self-trained", "gold ceiling", "pattern oracle",
           "pattern oracle, self-trained", "Snorkel recipe")


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


def later_spam_lfs() -> list:
    """A third spam LF set, written 2026-12-02 after the defaults were chosen (to confirm them)."""
    import weaksup as ws
    from weaksup.labeling.templates import keyword_lf, regex_lf

    spam, ham, abstain = 1, 0, ws.ABSTAIN

    @ws.labeling_function(vectorized=True)
    def c_caps(df):
        t = df["text"]
        caps = t.str.count(r"[A-Z]") / t.str.len().clip(lower=1)
        return np.where((caps > 0.3) & (t.str.len() > 30), spam, abstain)

    @ws.labeling_function(vectorized=True)
    def c_tiny(df):
        return np.where(df["text"].str.len() < 25, ham, abstain)

    return [
        keyword_lf(["check out", "check my", "check it"], spam, name="c_check"),
        keyword_lf(["subscribe"], spam, name="c_sub"),
        keyword_lf(["http", "youtube.com", "watch?v="], spam, name="c_link"),
        keyword_lf(["please", "plz", "pls"], spam, name="c_please"),
        keyword_lf(["lol", "haha", "omg"], ham, name="c_laugh"),
        keyword_lf(["who is watching", "who's watching", "anyone", "still listening"], ham, name="c_watching"),
        regex_lf(r"\b(shakira|katy|eminem|rihanna|lmfao|psy)\b", ham, case_sensitive=False, name="c_artist"),
        c_caps,
        c_tiny,
    ]


def minimal_spam_lfs() -> list:
    """A fourth spam LF set, four keywords, written with the third."""
    from weaksup.labeling.templates import keyword_lf

    spam, ham = 1, 0
    return [keyword_lf(["http"], spam, name="d_http"), keyword_lf(["subscribe"], spam, name="d_subscribe"),
            keyword_lf(["song"], ham, name="d_song"), keyword_lf(["love"], ham, name="d_love")]


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
    from weaksup.utils import probs_to_preds

    name, k, cov = task["metric"], task["k"], task["covered"]
    X, X_te, y_te, L_tr, L_te = task["X"], task["X_te"], task["y_te"], task["L_tr"], task["L_te"]
    out: dict = {m: [] for m in METHODS}
    timing: dict = {m: 0.0 for m in METHODS}
    lm = ws.LabelModel(cardinality=k).fit(L_tr)
    # ties (rows without a vote, split votes) broken as in label_suite.py: tied class `row index mod #tied`
    out["label model"] = [wrench_metric(name, y_te, probs_to_preds(lm.predict_proba(L_te), tie_break="index"))]
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
            rows = task.get("gold_rows", slice(None))  # the spam recipe: the covered rows it trains on
            gold = ws.SoftLabelClassifier(random_state=seed).fit(X[rows], task["y_tr"][rows])
            out["gold ceiling"].append(wrench_metric(name, y_te, gold.predict(X_te)))
            # the best soft labels any label model can give: each vote pattern's gold class mix (an oracle)
            Q = pattern_oracle(L_tr, task["y_tr"], k)[cov]
            oracle = ws.SoftLabelClassifier(random_state=seed).fit(X[cov], Q)
            out["pattern oracle"].append(wrench_metric(name, y_te, oracle.predict(X_te)))
            oracle_st = ws.train.SelfTrainingClassifier(random_state=seed).fit(X[cov], Q, X_unlabeled=X[~cov])
            out["pattern oracle, self-trained"].append(wrench_metric(name, y_te, oracle_st.predict(X_te)))
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


def pattern_oracle(L, y, k: int) -> np.ndarray:
    """Each row's soft label = the gold class mix of the train rows with its exact vote pattern.

    These are the best calibrated posteriors a label model can give from the votes alone (it sees only the
    pattern). Not a bound on the end model (sharper targets can train a better one), but an end model trained
    on them shows how much of a miss the label model's calibration explains.
    """
    dense = L.to_dense()
    _, inverse = np.unique(dense, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    counts = np.zeros((inverse.max() + 1, k))
    np.add.at(counts, (inverse, np.asarray(y, dtype=np.int64)), 1.0)
    return counts[inverse] / counts[inverse].sum(axis=1, keepdims=True)


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

    train, _, test = ws.datasets.load_youtube_spam(hide_train_labels=False)  # train gold: the ceiling only
    sets = (ws.datasets.spam_lfs(), heldout_spam_lfs(), later_spam_lfs(), minimal_spam_lfs())
    splits = []
    for lfs in sets:
        applier = ws.LFApplier(lfs, cardinality=2)
        splits.append((applier.apply(train, progress=False), applier.apply(test, progress=False),
                       train["text"], test["text"], train["label"].to_numpy(), test["label"].to_numpy()))
    wrench = ws.datasets.load_wrench(str(DATA / "youtube"))  # the tutorial's own LFs' votes, on WRENCH's split
    tr, te = wrench["train"], wrench["test"]
    splits.append((tr.L, te.L, tr.data["text"], te.data["text"], np.asarray(tr.y), np.asarray(te.y)))
    for label, (L_tr, L_te, text_tr, text_te, y_tr, y_te) in zip(SPAM_LF_SETS, splits, strict=True):
        covered = np.diff(L_tr.csr.indptr) > 0
        # the recipe's 1-5-gram counts, then the same with TF-IDF features (not a target: how the default
        # end model fares when the features change under a label model under-confident for one class)
        for kind in ("counts", "tfidf"):
            vec = vectorizer(kind).fit(text_tr[covered])  # Snorkel's tutorial fits on the covered rows
            recipe = kind == "counts"
            yield {"label": f"spam tutorial recipe, {label}" if recipe else f"spam recipe with TF-IDF, {label}",
                   "recipe": recipe, "metric": "youtube", "k": 2,
                   "X": vec.transform(text_tr).tocsr(), "X_te": vec.transform(text_te), "y_te": y_te,
                   "y_tr": y_tr, "gold_rows": covered, "L_tr": L_tr, "L_te": L_te, "covered": covered}


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
        "`LabelModel(cardinality=k).fit(L_train)` (test ties broken as in label_suite: `row index mod #tied`), `SoftLabelClassifier()` on the soft labels of the train "
        "rows with an LF vote, `SelfTrainingClassifier()` on the same plus the rows without a vote as "
        "`X_unlabeled`, and `SoftLabelClassifier()` on every train row's gold label (ceiling; for the spam recipe the "
        "covered rows' gold labels, the rows the recipe trains on). `pattern oracle`: the best calibrated soft labels a label "
        "model could give, each vote pattern's gold class mix over the train rows (a row's target = the share of each "
        "class among the train rows with exactly its votes), with `SoftLabelClassifier()` and, beside it, "
        "`SelfTrainingClassifier()` on them. Snorkel's recipe: "
        "snorkel `LabelModel` (500 epochs), its hard labels on the covered rows, "
        "`LogisticRegression(C=1e3, solver='liblinear')` (the spam tutorial's; `lbfgs` for more than 2 classes). Features: TF-IDF word 1-2 grams "
        "(sublinear tf, min_df 2) or word 1-5-gram counts, fitted on train text (covered train rows for the spam "
        "recipe, as in Snorkel's tutorial).",
        f"Numbers are test metrics in % (WRENCH's: F1 of class 1 for sms, accuracy otherwise), means over seeds "
        f"{seeds} with min-max in brackets; the label model alone is fitted once (seed 0), the gold ceiling "
        "and the pattern oracle with seed 0 only.",
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
            lfs = task["label"].split(", ", 1)[1]
            if not task.get("recipe"):
                out.append(f"- not a target: the spam data with TF-IDF 1-2-gram features instead of the recipe's "
                           f"counts, {lfs}: default end model {val:.2f}.")
            elif lfs != DEVELOPED_ON:  # the target: LFs the defaults were not chosen with
                ceiling, oracle = s["gold ceiling"][0], s["pattern oracle"][0]
                out.append(f"- default end model >= 94.4 on the spam tutorial recipe, {lfs} (the target): "
                           f"{val:.2f}: {'met' if val >= 94.4 else 'MISSED'} (gold labels of the same rows: "
                           f"{ceiling:.2f}; the best calibrated soft labels from these votes, the pattern oracle: {oracle:.2f}).")
            else:  # our own LFs, used while developing the defaults: shown beside it, not the target
                out.append(f"- not a target, for comparison: the same recipe with {lfs}, which were used while "
                           f"choosing the defaults: {val:.2f} ({'at or above' if val >= 94.4 else 'below'} 94.4).")
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

- Pattern oracle (2026-12-03): to tell a label model's mistakes from what the votes cannot say, every task also
  trains the same end models on the best calibrated soft labels a label model could give: each vote pattern's
  gold class mix over the train rows (columns `pattern oracle`). It is not a bound on the end model: sharper,
  less calibrated targets can train a better one (trec: 56.6 on the oracle's targets, 65.4 on our label model's),
  and so can the gold labels of other rows' patterns. On the spam sets it says how much of each miss the label
  model's calibration explains: on the later and the tutorial's own LF sets the oracle's end model (92.0, 90.8)
  is no better than ours (92.8, 90.4) and below 94.4, as are the gold labels of the same rows (92.8, 91.6); on
  the minimal set it is worse than ours (69.6 vs 76.0): a row with only `song` gets P(spam) = 0.2 whether it is
  a spam or a fan comment, and those rows' spam phrases are what the uncovered spam rows hold. Self-training on
  the oracle's targets reaches 86.4 there (ours 76.0): the label model's conflict weights (it trusts the `song`
  and `love` LFs over `http` and `subscribe`, the reverse of their precision) explain part of that gap.

- More spam LF sets (2026-12-02): the 94.4 target had been measured on one held-out LF set only (95.2). Three more
  LF sets the defaults were not chosen with now run beside it: two written after the defaults (`later_spam_lfs`,
  nine LFs; `minimal_spam_lfs`, four keywords) and the tutorial's own ten LFs as WRENCH ships their votes. The
  default end model scores 92.8, 76.0 and 90.4 there (target missed on all three), and the same end model on the
  *gold* labels of the same covered rows scores 92.8, 95.6 and 91.6 (92.4 for the held-out set where the weak labels
  reached 95.2): with the recipe's features fitted on the covered rows, 94.4 is above what gold labels reach on
  three of the four held-out LF sets; 95.2 on the first held-out set is 2 test rows above its own gold ceiling.
  The minimal set is the real gap (76.0 against 95.6 with gold labels): its four keyword LFs cover 42% of the
  rows, its weak labels are 16% wrong, and a classifier trained on keyword-selected rows learns the keywords;
  self-training and Snorkel's recipe do no better (76.0, 78.0). End-model variants measured on the five counts
  rows (seed 0: spam_lfs / held-out / later / minimal / tutorial's own): default 90.4 / 95.2 / 92.8 / 76.0 / 90.4;
  `C=10` 89.6 / 95.2 / 93.6 / 74.8 / 88.4; `class_weight=None` 93.6 / 68.4 / 93.6 / 73.2 / 63.2;
  `"balanced"` 84.8 / 90.8 / 89.6 / 78.8 / 88.8; hard labels (argmax) 92.0 / 93.6 / 93.2 / 67.2 / 89.6; hard labels
  with `C=10` 92.0 / 94.4 / 94.4 / 76.0 / 89.2; the default on other label models' soft labels (majority vote,
  MatrixCompletion, Triplet) 92.8 / 92.4 / 93.2 / 79.6 / 85.2, 92.0 / 88.8 / 87.2 / 76.8 / 90.8 and
  94.0 / 95.2 / 94.8 / 79.6 / 85.2. None is better on every set or in the worst case, so the default stays.

- Label model change (this run, issue 13): with `spam_lfs()` the default label model now falls back to equal weights (majority vote), because both of its HAM LFs came out at chance (`chance_classes_`; label_suite and lf_subsets sections). Its test accuracy is the same here (88.0), but its probabilities no longer lean to SPAM (covered train rows: mean P(SPAM) 0.818 -> 0.637, argmax share 0.710 -> 0.660). The end models trained on them moved both ways: default end model 93.87 -> 90.40 (counts) and 82.00 -> 96.00 (TF-IDF), self-trained 94.00 -> 86.40 (91.2 with `refine="none"`) and 96.00 -> 94.40; every other row is identical. On the new probabilities `class_weight=None` scores 93.6 on the counts row, but 58.0-68.4 where the label model still leans (youtube TF-IDF, the held-out spam LFs), so `"auto"` stays; weights that match the soft mass to the argmax balance ((share / mass) ** 0.5 or ** 1, seed 0) lose 5 to 45 points on sms, trec and hausa.
- The drift to one class (issue 15; reproduced before the fix: `SoftLabelClassifier()` 54.4 on the spam recipe with `spam_lfs()`, 63.6 on WRENCH youtube with 1-5-gram counts) had two causes, both fixed in the default. (1) The label model is under-confident for HAM (its HAM LFs look like chance, so HAM rows get P(spam) of about 0.45 while SPAM rows get 0.9+): the soft labels' mean is P(spam) = 0.82 on the covered rows against an argmax balance of 0.71, and a regularised classifier shrinks unseen rows towards that mean. `class_weight="auto"` (default, also in `fit_soft`) weighs each class by its soft mass to the power -1/2: half way, in log odds, to balanced. (2) Adam scales each weight's step by its own gradient history, so a 1-5-gram seen in one row learns as fast as a word seen in every row: the unregularised model memorised rows through their rare n-grams and fell back to the bias on unseen rows. The logistic regression fits full batch with L-BFGS and an L2 penalty (`C=1`, scikit-learn's convention).
- The TF-IDF trec regression of the previous run (default end model 51.2, label model 64.8) was a bug, not the penalty: the L-BFGS convergence test compared the first round's loss with `inf` (`inf <= inf`), so every fit without a dev split stopped after 20 L-BFGS iterations. Fixed (tests/train/test_defaults.py checks a fit that needs more); fits now run to convergence. The suspected cause, `C=1` being too strong for unit-norm TF-IDF rows, was measured and is not it: on converged fits (seed 0) C = 0.1 / 1 / 10 / 100 gives trec TF-IDF 58.2 / 66.0 / 66.6 / 65.6, youtube TF-IDF 63.6 / 93.2 / 92.0 / 90.4, sms TF-IDF 30.4 / 75.2 / 78.6 / 72.6, hausa TF-IDF 42.4 / 47.9 / 47.9 / 44.9: no C is better everywhere, and C = 1 is never far from the best. Choosing C by 3-fold cross-validation of the soft log loss on the soft labels (grid 0.03-100; measured before the fix) picked C = 10-100 almost everywhere and moved test scores by under 2 points either way, so the default stays `C=1` without an internal search.
- Naive Bayes refinement (new default of `SelfTrainingClassifier`, `refine="auto"`: sparse non-negative features; `weaksup.train.naive_bayes_refine`): before round 0 the label model's posteriors are refined by EM with a naive Bayes view of feature presence (features in >= 3 covered rows, Laplace smoothing, each row's log likelihood divided by its number of present features), the posterior kept as each row's prior: `q ∝ p_LM(y | votes) * p_NB(x | y) ** t`, 3 EM steps, `t` chosen once by 3-fold cross-validation as the temperature whose held-out naive Bayes posteriors best predict the label model's (soft log loss; `t = 0` leaves the weak labels as they are; chosen t here: hausa 0.25-0.32, trec 0.25-0.32, youtube and spam 0.06-0.10, sms 0.06-0.10). Why: hausa's LF4 fires on 47% of the train rows alone with the posterior [0.17, 0.17, 0.17, 0.17, 0.33] (gold mix in that pool [0.11, 0.15, 0.25, 0.06, 0.43]); a discriminative end model refits that posterior through the keyword and the product in self-training only sharpens it, whatever the variant (notes below). Naive Bayes scores each row by all its words, so the mix of classes in an LF's pool can change. With the pools' gold mixes (an oracle, not a default) the same end model reached 53.6 and, with mix-preserving self-training, 59.5: the label model's mixes were the limit. Development on hausa and trec (seed 0, then confirmed on youtube, sms and the spam rows): un-normalised naive Bayes at t = 1 gave hausa TF-IDF 52.9 but hausa counts 45 (1-5-gram counts are overlapping, dependent evidence) and youtube counts 86.8; dropping features seen in < 3 rows and choosing t by cross-validation fixed counts, but the first confirmation missed youtube counts (90.0, below Snorkel's recipe 90.4); dividing each row's log likelihood by its length was then checked on hausa and trec (unchanged within 1 point) and confirmed on youtube, sms and spam: the default here. Measured cost (seed 0, this table's rows vs the previous default): hausa +5.2 / +3.8, trec +0.0 / +0.6, youtube -0.8 / +0.0, sms F1 -1.0 / -1.4, spam recipe (self-trained, not a target) +2.8 / +6.8 with spam_lfs and -3.2 / -0.4 with held-out LFs. Not tried: the refinement on dense embeddings (`refine="auto"` leaves them alone; `refine="naive_bayes"` forces it on non-negative dense features). Variants measured on hausa and trec that did not reach the target (seed 0, hausa TF-IDF / trec TF-IDF, vs 46.9 / 66.4): round 0 on the class-balanced or plain top 50% most confident rows per class 47.1 / 65.8 and 47.4 / 64.6; rows weighted by the label model's margin 45.9 / 63.4; dividing the prediction by its class mass before the product 46.9 / 65.8; a product with the prediction squared 45.5 / 66.2; no stop rule (5 rounds) 46.0 / 65.4; each weak-label pattern's class mix held at the label model's (Sinkhorn scaling) 46.9 / 65.8 (sharpened 44.5 / 50.2); dividing the prediction by its pattern's mean 46.7 / 65.6; the whole train set's class mix held at the label model's 47.9 / 66.0 (youtube 87.2); class weights "balanced" 49.0 / 42.4; C = 10 47.8 / 65.6; masking the features that only occur where an LF fires (the LFs' keywords) in every round 46.9 / 56.4; leave-one-pattern-out predictions (nearly uniform on every large pattern, no information about its mix).
- Self-training (`SelfTrainingClassifier()` defaults, new in the previous run): every round the current model predicts every train row. A row with LF votes gets the renormalised product of the label model's posterior and the prediction; a row without votes gets the prediction squared (the prediction multiplied by itself where the label model has nothing to say); a fresh model is fitted on all rows, class weights `"auto"` from that round's targets; rounds stop when at most 1% of the pseudo-labels change (at most 5 rounds). Re-targeting every row matters where the LFs cover almost everything (hausa 99%, trec 95%); the product keeps the label model in every round (without it, development, before the fix: trec TF-IDF 43.8 after one round). Variants measured on this table's WRENCH rows with the fixed classifier (mean of the 8 WRENCH rows, seed 0): the default 73.0; also squaring the product on covered rows 72.4, and on a synthetic coverage gap (words seen only in rows without votes) it gave those words the wrong sign, since covered rows' targets were then surer than the rest (tests/train/test_self_training.py); hard pseudo-labels on the rows without votes 68.3 (sms counts F1 80.0 -> 62.6). COSINE's class-normalised sharpening (`pseudo_targets="sharpen"`) overcorrected sms (F1 85 -> 50 over three rounds, before the fix). The old behaviour (only rows without votes, threshold 0.6) is `relabel="uncovered", threshold=0.6, pseudo_targets="sharpen"`.
- Development: every row of this table was looked at while choosing the self-training defaults (about fifteen variants: rounds, threshold, sharpening, product or not, out-of-fold predictions, fixed or per-round class weights), so none of it is held out; the held-out spam LF set was written before any default was chosen. The spam recipe targets are for the default end model; self-trained, the recipe with held-out LFs loses 4 points against it (91.2 vs 95.2, 3.2 of them from the naive Bayes refinement; its vectorizer is fitted on the covered rows only, so rows without votes have few known n-grams), with spam_lfs it is level (94.0 vs 93.9). hausa stayed below its label model with every one of those variants (the end model agrees with the label model on 90% of the covered train rows and the label model's posteriors are diffuse, mean top probability 0.45 over 5 classes; out-of-fold predictions in the product did not help either); the naive Bayes refinement above is what lifts it. All of this table's rows, the held-out spam LFs included, have now been looked at while choosing defaults.
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
