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
# # Tutorial 8: find the wrong weak labels, blame the LFs, fix them
#
# Weak labels are wrong somewhere. This tutorial finds where, on the bundled YouTube spam data:
#
# 1. **flag** the rows whose weak label is likely wrong (`find_weak_label_issues`), most likely first;
# 2. **blame** the labeling functions behind the errors (`lf_error_contributions`);
# 3. **hand-check** the top rows (simulated here from the gold train labels, which stay hidden until then);
# 4. **add them as gold**, fix the rest by policy (relabel or prune), **refit** the end model, and repeat.
#
# Run it as a script from the repository root (`python tutorials/08_weak_label_errors.py`) or open it as a
# notebook (jupytext).

# %%
import warnings

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

import weaksup as ws
from weaksup.quality import add_gold, find_weak_label_issues, fix_weak_labels, lf_error_contributions

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 70)
warnings.filterwarnings("ignore", category=ws.errors.WeaksupWarning)  # the label model's fit notes

# gold train labels are loaded only to simulate the hand-checking in step 3; nothing else reads them
train, valid, test = ws.datasets.load_youtube_spam(hide_train_labels=False)
gold_train = train["label"].to_numpy()
train = train.assign(label=-1)
L = ws.LFApplier(ws.datasets.spam_lfs()).apply(train, progress=False)
probs = ws.LabelModel(cardinality=2).fit(L).predict_proba(L)
covered = np.diff(L.csr.indptr) > 0
weak = probs.argmax(1)
print(f"{covered.sum()} of {len(train)} train rows have an LF vote; "
      f"{(weak != gold_train)[covered].sum()} of their weak labels are wrong (we would not know this)")

# %% [markdown]
# ## 1. Flag the likely-wrong weak labels
#
# An end model is cross-validated on the soft labels: each row is judged by a model that never saw its votes,
# only its words. Its view is combined with the label model's posterior (tempered to how much the votes add)
# into `P(weak label wrong)`, calibrated so that it sums to the estimated number of wrong weak labels (the rows
# the end model disagrees with). The most likely wrong come first; flagged are the rows while the flagged rows'
# mean `error_probability` stays at or above twice the estimated error rate (capped at 0.9), and at least the
# shortest prefix expected to hold 30% of the estimated errors (never more rows than that estimated count):
# `stats` shows each (`n_precision_prefix`, `n_recall_floor`). When nothing is flagged, `issues.explanation`
# says why (and a `WeaksupWarning` too).

# %%
X = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit_transform(train["text"])
issues = find_weak_label_issues(L, probs, X, seed=0)
print(f"flagged {len(issues)} rows; explanation: {issues.explanation}")
print({k: round(v, 3) for k, v in issues.stats.items()})
print(issues.join(train["text"].str[:60])[["weak_label", "suggested_label", "error_probability", "n_votes",
                                           "n_conflict", "text"]].head(8).to_string())

# %% [markdown]
# ## 2. Which LFs caused them?
#
# `n_backed_error`: flagged rows where the LF voted the wrong weak label. `blame_rate`: the share of all the
# LF's votes the combined posterior contradicts, an estimate of its error rate. Fix the LFs at the top.

# %%
blame = lf_error_contributions(L, issues, probs)
print(blame[["n_backed_error", "blame_rate", "estimated_accuracy"]].round(3).to_string())

# %% [markdown]
# ## 3. Hand-check the top rows, add them as gold, refit
#
# A person looks at the 25 most suspicious rows (here: we read the hidden gold) and labels them. Those labels
# replace the weak ones as one-hot gold; the other flagged rows get the `auto` policy (relabel the confident
# corrections, drop the unsure ones). The end model is refitted, and detection runs again, never flagging
# the rows already checked (`exclude`). Two rounds.

# %%
def end_model_accuracy(soft, keep):
    """Logistic regression on TF-IDF, trained on the soft labels of the kept covered rows; test accuracy."""
    rows = np.flatnonzero(keep & (covered | checked_mask))
    clf = ws.fit_soft(LogisticRegression(max_iter=1000, C=10.0, class_weight="balanced"), X[rows], soft[rows])
    return float((clf.predict(vec_test) == test["label"].to_numpy()).mean())


vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(train["text"])
X, vec_test = vec.transform(train["text"]), vec.transform(test["text"])
checked_mask = np.zeros(len(train), bool)
acc_before = end_model_accuracy(probs, np.ones(len(train), bool))
print(f"end model on the weak labels: test accuracy {acc_before:.3f}")

soft, checked, found = probs.copy(), np.array([], int), 0
for round_ in (1, 2):
    issues = find_weak_label_issues(L, soft, X, seed=0, exclude=checked, warn=False)
    top = issues["position"].to_numpy()[:25]
    hand = gold_train[top]  # the simulated hand labels
    found += int((hand != issues["weak_label"].to_numpy()[:25]).sum())
    print(f"round {round_}: {len(issues)} flagged; of the top {len(top)} hand-checked, "
          f"{(hand != issues['weak_label'].to_numpy()[:25]).sum()} weak labels were wrong")
    checked = np.r_[checked, top]
    checked_mask[checked] = True
    soft = add_gold(soft, top, hand)
fix = fix_weak_labels(soft, issues.iloc[25:], policy="auto")  # the rest of the last round's flags
acc_gold = end_model_accuracy(soft, np.ones(len(train), bool))
acc_fixed = end_model_accuracy(fix.probs, fix.keep)
print(f"relabelled {len(fix.relabeled)}, pruned {len(fix.pruned)} of the unchecked flagged rows")

# %% [markdown]
# ## 4. Results
#
# Fifty hand labels chosen by the detector, plus the policy on the remaining flags, against the end model
# trained on the weak labels as they were.

# %%
weak_now = soft.argmax(1)
print(f"weak labels wrong before: {(weak != gold_train)[covered].sum()}, after the loop: "
      f"{(weak_now != gold_train)[covered].sum()}")
print(f"hand-checked rows that were wrong: {found} of {len(checked)}")
print(f"end model test accuracy, weak labels: {acc_before:.3f}")
print(f"end model test accuracy, + 50 gold: {acc_gold:.3f}")
print(f"end model test accuracy, + 50 gold + auto fixes: {acc_fixed:.3f}")
