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
# # Tutorial 2: label models and end models on WRENCH
#
# [WRENCH](https://github.com/JieyuZ2/wrench) is the standard weak-supervision benchmark. Each dataset comes
# with its LF votes already computed, so we can compare label models and end models directly. Three WRENCH
# text datasets are bundled under `benchmarks/data/wrench/`:
#
# | dataset | task | classes | LFs | metric |
# |---|---|---|---|---|
# | youtube | spam comments | 2 | 10 | accuracy |
# | sms | spam text messages | 2 | 73 | F1 of class 1 (SPAM) |
# | trec | question type | 6 | 68 | accuracy |
#
# WRENCH protocol: fit on the train votes, choose models and stop early on the labelled `valid` split,
# report the metric on `test`. Run from the repository root: `python tutorials/02_wrench.py`.

# %%
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score

import weaksup as ws
from weaksup.train import SoftLabelClassifier

pd.set_option("display.width", 160)
DATA = Path("benchmarks/data/wrench")
METRIC = {"youtube": "accuracy", "sms": "f1", "trec": "accuracy"}


def wrench_score(name, y, pred):
    """WRENCH's metric: binary F1 of class 1 for sms, accuracy otherwise."""
    if METRIC[name] == "f1":
        return f1_score(y, pred, pos_label=1, zero_division=0)
    return accuracy_score(y, pred)


# %% [markdown]
# ## 1. Load a dataset
#
# `load_wrench(folder)` returns `{split: WrenchSplit(data, L, y)}`: the rows as a DataFrame, the LF votes as a
# `LabelMatrix` (row ids kept) and the gold labels.

# %%
datasets = {name: ws.datasets.load_wrench(DATA / name) for name in METRIC}
sms = datasets["sms"]
print(sms.class_names, {split: s.L.shape for split, s in sms.items()})
print(sms["train"].data["text"].head(3).to_string())

# %% [markdown]
# ## 2. How good are the LFs?
#
# `LFAnalysis` on the valid split, where gold labels exist. SMS is the hard case: many precise LFs,
# but most messages get no vote at all.

# %%
for name, d in datasets.items():
    summary = ws.LFAnalysis(d["valid"].L).summary(Y=d["valid"].y)
    vote_acc = summary["Correct"].sum() / (summary["Correct"].sum() + summary["Incorrect"].sum())
    print(f"{name:8s} {d['train'].L.shape[1]:3d} LFs, train coverage "
          f"{ws.LFAnalysis(d['train'].L).label_coverage():6.1%}, accuracy of all LF votes on valid {vote_acc:.3f}")

# %% [markdown]
# ## 3. Compare label models
#
# Each label model is fitted on the train votes alone; `select_label_model` additionally uses the valid
# labels to pick a model and class-balance option. Test rows without any vote get the class prior.

# %%
def label_models(k):
    return {
        "MajorityVoter": ws.MajorityVoter(cardinality=k),
        "WeightedMajorityVoter": ws.WeightedMajorityVoter(cardinality=k),
        "DawidSkene": ws.DawidSkene(cardinality=k),
        "GenerativeModel": ws.GenerativeModel(cardinality=k),
        "LabelModel (default)": ws.LabelModel(cardinality=k),
    }


lm_scores, selected = {}, {}
for name, d in datasets.items():
    k, metric = len(d.class_names), METRIC[name]
    tr, va, te = d["train"], d["valid"], d["test"]
    scores = {}
    for label, model in label_models(k).items():
        model.fit(tr.L, seed=0)
        scores[label] = model.score(te.L, te.y, metrics=[metric])[metric]
    best, _ = ws.select_label_model(tr.L, va.L, va.y, candidates=list(label_models(k).values()), metric=metric)
    selected[name] = best
    scores["select_label_model"] = best.score(te.L, te.y, metrics=[metric])[metric]
    lm_scores[name] = scores
print(pd.DataFrame(lm_scores).round(3).to_string())

# %% [markdown]
# ## 4. End models on the probabilistic labels
#
# The end model sees the text (TF-IDF word 1-2 grams), not the LF votes, so it can label messages no LF
# fires on. It trains on the selected label model's soft labels for the train rows with at least one vote;
# the valid split gives early stopping and picks the class weighting. For reference, the same model trained
# on the gold train labels is the ceiling.

# %%
def fit_end_model(X, y, X_dev, y_dev, metric):
    fits = [SoftLabelClassifier(class_weight=cw, lr=0.01, max_epochs=60, patience=5, dev_metric=metric,
                                random_state=0).fit(X, y, X_dev=X_dev, y_dev=y_dev) for cw in (None, "balanced")]
    return max(fits, key=lambda clf: clf.best_dev_score_)


rows = []
for name, d in datasets.items():
    tr, va, te = d["train"], d["valid"], d["test"]
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    X_train = vec.fit_transform(tr.data["text"])
    X_valid, X_test = vec.transform(va.data["text"]), vec.transform(te.data["text"])
    probs = selected[name].predict_proba(tr.L)
    X_covered, probs_covered = ws.filter_unlabeled(X_train, probs, tr.L)
    end = fit_end_model(X_covered, probs_covered, X_valid, va.y, METRIC[name])
    gold = fit_end_model(X_train, tr.y, X_valid, va.y, METRIC[name])
    rows.append({
        "dataset": name,
        "metric": METRIC[name],
        "label model": lm_scores[name]["select_label_model"],
        "end model (soft labels)": wrench_score(name, te.y, end.predict(X_test)),
        "end model (gold labels)": wrench_score(name, te.y, gold.predict(X_test)),
    })
results = pd.DataFrame(rows).set_index("dataset")
print(results.round(3).to_string())

# %% [markdown]
# The end model beats its own teacher where the LFs leave rows uncovered or make systematic mistakes the
# text can correct (sms, youtube). On trec, six question types from keyword LFs, the noise in the labels is
# harder to learn past. `benchmarks/end_models.py` runs the full comparison (every label model, soft vs hard
# labels, several seeds) and writes it to `benchmarks/RESULTS.md`.

# %%
for name, r in results.iterrows():
    print(f"{name}: label model {r['label model']:.3f}, end model {r['end model (soft labels)']:.3f}, "
          f"gold end model {r['end model (gold labels)']:.3f} ({r['metric']})")
