# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tutorial 7: porting Snorkel's spam labeling story by changing its imports
#
# You have a Snorkel 0.10 pipeline and want to move to weaksup. `weaksup.snorkel` mirrors Snorkel's module
# paths, names, signatures and defaults (`weaksup.snorkel.labeling`, `.labeling.model`, `.preprocess`, `.map`,
# `.analysis`, `.utils` ...), so the port is `s/from snorkel/from weaksup.snorkel/`. Underneath, every name is
# weaksup's native code: the batch applier, the sparse `LFAnalysis`, `MatrixCompletion` (Snorkel's label model).
#
# This tutorial runs one labeling pipeline, written once with Snorkel's names:
#
# 1. with `snorkel` itself (when it is installed, as in weaksup's `dev` extra),
# 2. with `weaksup.snorkel`: the same code, other imports; the numbers must be Snorkel's,
# 3. in native weaksup: the same LF objects in `ws.LFApplier`, the sparse `LabelMatrix`, the default
#    `ws.LabelModel`, scikit-learn-style estimators.
#
# The data is the bundled YouTube spam collection, split as in Snorkel's tutorial (videos 1-4 unlabelled train,
# video 5 valid and test). Snorkel's tutorial also uses TextBlob and a spaCy model, which are not installed
# here; its other LF kinds are all below: keyword LFs built with `resources`, a regex, a heuristic, and an LF
# behind a memoized preprocessor. Run it from the repository root: `python tutorials/07_spam_snorkel_port.py`.

# %%
import importlib
import importlib.util
import re
import warnings

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

import weaksup as ws

pd.set_option("display.width", 160)
warnings.filterwarnings("ignore", category=FutureWarning)  # Snorkel's scipy calls warn on recent scipy
SPAM, HAM, ABSTAIN = 1, 0, -1

df_train, df_valid, df_test = ws.datasets.load_youtube_spam()
Y_valid, Y_test = df_valid["label"].to_numpy(), df_test["label"].to_numpy()
print(f"train {len(df_train)} (unlabelled), valid {len(df_valid)}, test {len(df_test)}")


# %% [markdown]
# ## 1. The pipeline, with Snorkel's names
#
# `story(prefix)` imports every module it uses from `prefix` (`"snorkel"` or `"weaksup.snorkel"`), so the
# code below is literally the same for both. It writes the LFs, applies them, prints Snorkel's `lf_summary`
# on the labelled valid split, scores majority vote and the label model on test (Snorkel scores only the rows
# where a model does not abstain), and trains Snorkel's end model: logistic regression on n-gram counts, fit to
# the label model's predictions on the rows some LF labels (`filter_unlabeled_dataframe`).

# %%
def story(prefix: str, verbose: bool = False) -> tuple[dict[str, float], list]:
    labeling = importlib.import_module(f"{prefix}.labeling")
    model = importlib.import_module(f"{prefix}.labeling.model")
    preprocess = importlib.import_module(f"{prefix}.preprocess")
    utils = importlib.import_module(f"{prefix}.utils")

    def keyword_lookup(x, keywords, label):
        return label if any(word in x.text.lower() for word in keywords) else ABSTAIN

    def make_keyword_lf(keywords, label=SPAM):
        return labeling.LabelingFunction(name=f"keyword_{keywords[0]}", f=keyword_lookup,
                                         resources=dict(keywords=keywords, label=label))

    @labeling.labeling_function()
    def regex_check_out(x):
        return SPAM if re.search(r"check.*out", x.text, flags=re.I) else ABSTAIN

    @labeling.labeling_function()
    def short_comment(x):
        return HAM if len(x.text.split()) < 5 else ABSTAIN

    @preprocess.preprocessor(memoize=True)
    def word_set(x):
        x.words = set(x.text.lower().split())
        return x

    @labeling.labeling_function(pre=[word_set])
    def mentions_channel(x):
        return SPAM if "channel" in x.words else ABSTAIN

    lfs = [make_keyword_lf(["my"]), make_keyword_lf(["subscribe"]), make_keyword_lf(["http"]),
           make_keyword_lf(["please", "plz"]), make_keyword_lf(["song"], label=HAM), regex_check_out,
           short_comment, mentions_channel]
    applier = labeling.PandasLFApplier(lfs=lfs)
    L_train = applier.apply(df=df_train, progress_bar=False)
    L_valid = applier.apply(df=df_valid, progress_bar=False)
    L_test = applier.apply(df=df_test, progress_bar=False)
    if verbose:
        summary = labeling.LFAnalysis(L=L_valid, lfs=lfs).lf_summary(Y=Y_valid)
        print(summary[["Polarity", "Coverage", "Overlaps", "Conflicts", "Emp. Acc."]].round(3).to_string())

    majority_model = model.MajorityLabelVoter()
    majority_acc = majority_model.score(L=L_test, Y=Y_test, tie_break_policy="random")["accuracy"]
    label_model = model.LabelModel(cardinality=2, verbose=False)
    label_model.fit(L_train=L_train, n_epochs=500, log_freq=100, seed=123, progress_bar=False)
    label_model_acc = label_model.score(L=L_test, Y=Y_test, tie_break_policy="random")["accuracy"]

    probs_train = label_model.predict_proba(L=L_train)
    df_train_filtered, probs_train_filtered = labeling.filter_unlabeled_dataframe(X=df_train, y=probs_train,
                                                                                  L=L_train)
    vectorizer = CountVectorizer(ngram_range=(1, 5))
    X_train = vectorizer.fit_transform(df_train_filtered.text.tolist())
    X_test = vectorizer.transform(df_test.text.tolist())
    preds_train_filtered = utils.probs_to_preds(probs=probs_train_filtered)
    sklearn_model = LogisticRegression(C=1e3, solver="liblinear")
    sklearn_model.fit(X=X_train, y=preds_train_filtered)
    end_acc = sklearn_model.score(X=X_test, y=Y_test)
    results = {"majority vote": majority_acc, "label model": label_model_acc, "end model": end_acc,
               "weights": label_model.get_weights()}
    return results, lfs


def line(name: str, r: dict[str, float]) -> str:
    return (f"{name}: majority vote {r['majority vote']:.3f}, label model {r['label model']:.3f}, "
            f"end model {r['end model']:.3f}")


# %% [markdown]
# ## 2. Snorkel, then the port
#
# The same function with `snorkel` and with `weaksup.snorkel`. With the same `seed`, weaksup's label model is
# Snorkel's to 1e-4, so every number matches; the learned LF weights (`get_weights`) too.

# %%
results = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Snorkel's and weaksup's fit notes are beside the point here
    if importlib.util.find_spec("snorkel") is not None:
        results["snorkel"], _ = story("snorkel")
    else:
        print("snorkel: not installed (pip install snorkel==0.10.0 to compare)")
    results["weaksup.snorkel"], lfs = story("weaksup.snorkel", verbose=True)
if "snorkel" in results:
    gap = np.abs(results["snorkel"]["weights"] - results["weaksup.snorkel"]["weights"]).max()
    print(f"\nlargest difference in learned LF weights, snorkel vs weaksup.snorkel: {gap:.1e}")

# %% [markdown]
# ## 3. The same LFs, natively
#
# The LF objects `weaksup.snorkel` built are native weaksup LFs, so `ws.LFApplier` takes them as they are. It
# returns a sparse `LabelMatrix` that keeps the DataFrame's row ids and the LF names (and, for Snorkel-style
# code, behaves like a NumPy array: `L[:, 0]`, `L != -1` and `np.asarray(L)` work). The native default
# label model, `ws.LabelModel` (`AgreementModel`), learns LF accuracies without a step size or epoch count;
# `evaluate` counts an abstained prediction as wrong instead of dropping the row.

# %%
applier = ws.LFApplier(lfs)
L_train, L_valid, L_test = (applier.apply(df, progress=False) for df in (df_train, df_valid, df_test))
print(ws.LFAnalysis(L_valid).summary(Y=Y_valid)[["Coverage", "Conflicts", "Emp. Acc."]].round(3).to_string())
print(f"\nrow ids kept: {L_train.index[:3].tolist()} ...; LF 0 votes SPAM on {int(np.sum(L_train[:, 0] == SPAM))} rows")

majority = ws.MajorityVoter(cardinality=2)
label_model = ws.LabelModel(cardinality=2).fit(L_train)
native_scores = {name: m.evaluate(L_test, Y_test, tie_break="random", seed=0)["accuracy"]
                 for name, m in (("majority vote", majority), ("label model", label_model))}

probs_train = label_model.predict_proba(L_train)
rows, probs_rows = ws.filter_unlabeled(df_train, probs_train, L_train)
vectorizer = CountVectorizer(ngram_range=(1, 5))
end_model = LogisticRegression(C=1e3, solver="liblinear").fit(
    vectorizer.fit_transform(rows.text), ws.probs_to_preds(probs_rows, tie_break="random", seed=0))
native_scores["end model"] = end_model.score(vectorizer.transform(df_test.text), Y_test)
results["native weaksup"] = native_scores

# %% [markdown]
# ## 4. Results, in the same run
#
# Test accuracy of each step. The port gives Snorkel's numbers exactly. The native default label model, and
# the end model trained on its labels, do better than Snorkel's. Majority vote differs only in how ties are
# broken: on rows where the LFs split (or none votes), Snorkel's `"random"` picks by a hash of the row number,
# weaksup's by a seeded draw, so the two land a few comments apart either way.

# %%
print(pd.DataFrame({k: {m: v[m] for m in ("majority vote", "label model", "end model")}
                    for k, v in results.items()}).T.round(3).to_string())
print()
for name, r in results.items():
    print(line(name, r))
