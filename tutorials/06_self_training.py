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
# # Tutorial 6: self-training an end model past the LFs' coverage
#
# The LFs of WRENCH sms (spam text messages) vote on only 40% of the train messages. A label model can
# only label those; an end model trained on their soft labels generalises from their words, but never sees
# the other 60%. `SelfTrainingClassifier` (in the spirit of COSINE) lets it learn from them too: each
# round the model predicts every message, a message with LF votes gets the product of the label model's
# posterior and the prediction (each view corrects the other where it is unsure), a message without votes
# gets the prediction, sharpened; a fresh model is fitted on all of them, until the labels stop changing.
# No gold label is used. Run from the repository root: `python tutorials/06_self_training.py`.

# %%
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score

import weaksup as ws
from weaksup.train import SelfTrainingClassifier, SoftLabelClassifier

sms = ws.datasets.load_wrench(Path("benchmarks/data/wrench/sms"))
train, valid, test = sms["train"], sms["valid"], sms["test"]
covered = np.diff(train.L.csr.indptr) > 0  # rows with at least one LF vote
print(f"{len(covered)} train messages, {covered.mean():.1%} with an LF vote")


def spam_f1(pred):
    """WRENCH's sms metric: F1 of class 1 (SPAM) on test."""
    return f1_score(test.y, pred, pos_label=1)


# %% [markdown]
# ## 1. Label model and the default end model
#
# TF-IDF features fitted on every train message (text needs no label), the label model's soft labels on
# the covered messages, `SoftLabelClassifier()` with its defaults.

# %%
vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2).fit(train.data["text"])
X, X_test = vectorizer.transform(train.data["text"]), vectorizer.transform(test.data["text"])

label_model = ws.LabelModel(cardinality=2).fit(train.L)
probs = label_model.predict_proba(train.L)[covered]
lm_f1 = spam_f1(label_model.predict_proba(test.L).argmax(axis=1))
end_model = SoftLabelClassifier().fit(X[covered], probs)
end_f1 = spam_f1(end_model.predict(X_test))
spam_votes = int((test.L.to_dense() == 1).any(axis=1).sum())
print(f"label model F1 {lm_f1:.3f}: an LF votes SPAM on {spam_votes} of {len(test.y)} test messages, "
      f"{int(np.sum(test.y == 1))} are spam")
print(f"default end model F1 {end_f1:.3f}")

# %% [markdown]
# ## 2. Self-training on every message
#
# The covered rows are `X, y`; the rest go in as `X_unlabeled`. `history_` shows each round: how many rows
# had a target and what fraction of the pseudo-labels changed from the round before (the stop rule: at most
# `tol=0.01`).

# %%
self_trained = SelfTrainingClassifier().fit(X[covered], probs, X_unlabeled=X[~covered])
for h in self_trained.history_:
    print(h)
st_f1 = spam_f1(self_trained.predict(X_test))
print(f"self-trained F1 {st_f1:.3f}, kept round {self_trained.best_iter_}")

# %% [markdown]
# ## 3. The older recipe, and a dev split
#
# `relabel="uncovered"` keeps the label model's labels as they are and pseudo-labels only the messages
# without votes above a confidence threshold. With a labelled dev split, `fit(..., X_dev=, y_dev=)` keeps the
# round with the best dev accuracy (round 0, the plain end model, included) and stops when it stops
# improving; the default runs above used no gold label at all.

# %%
uncovered_only = SelfTrainingClassifier(relabel="uncovered", threshold=0.6, pseudo_targets="sharpen").fit(
    X[covered], probs, X_unlabeled=X[~covered])
print(f"pseudo-labelling only the rows without votes: F1 {spam_f1(uncovered_only.predict(X_test)):.3f}")
with_dev = SelfTrainingClassifier().fit(X[covered], probs, X_unlabeled=X[~covered],
                                        X_dev=vectorizer.transform(valid.data["text"]), y_dev=valid.y)
print(f"with a dev split: kept round {with_dev.best_iter_}, F1 {spam_f1(with_dev.predict(X_test)):.3f}")

# %% [markdown]
# ## Results (test F1 of SPAM)

# %%
print(f"label model F1: {lm_f1:.3f}")
print(f"end model F1: {end_f1:.3f}")
print(f"self-trained F1: {st_f1:.3f}")
