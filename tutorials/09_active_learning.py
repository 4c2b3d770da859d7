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
# # Tutorial 9: active learning as a loop — label, import, refit, suggest
#
# Labeling functions cover most rows; a few hand labels, well chosen, cover what they miss. This tutorial runs
# the loop a labeling team runs, on the bundled YouTube spam comments:
#
# 1. **suggest** the rows to hand-label next (`suggest_labels`, or `weaksup suggest` on the command line),
#    with the reason for each;
# 2. **label** them (a simulated annotator answers from the gold train labels, hidden until asked);
# 3. **import** the answers back as gold, matched by row id;
# 4. **refit** the end model on the weak labels with the hand labels in place, and go back to 1.
#
# Each round is compared with the same loop fed random rows. Run it from the repository root
# (`python tutorials/09_active_learning.py`) or open it as a notebook (jupytext).

# %%
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

import weaksup as ws
from weaksup.io import read_table
from weaksup.quality import suggest_labels

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 60)
warnings.filterwarnings("ignore", category=ws.errors.WeaksupWarning)  # the label model's fit notes

# the gold train labels only answer the simulated annotator; nothing else reads them
train, valid, test = ws.datasets.load_youtube_spam(hide_train_labels=False)
gold = train["label"].copy()
train = train.assign(label=-1)
L = ws.LFApplier(ws.datasets.spam_lfs()).apply(train, progress=False)
probs = ws.LabelModel(cardinality=2).fit(L).predict_proba(L)
covered = np.diff(L.csr.indptr) > 0
print(f"{covered.sum()} of {len(train)} train rows have an LF vote; {(~covered).sum()} have none")

vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
X = vec.fit_transform(train["text"])
X_test, y_test = vec.transform(test["text"]), test["label"].to_numpy()

# %% [markdown]
# ## Suggest
#
# The label model gives every row without an LF vote the same probabilities (its class balance), so they all
# tie at the top of the ranking. `suggest_labels` breaks that tie with what else it knows: the end model's
# uncertainty (`tiebreak_probs`) and the rows' features (`X`), farthest from what is already labeled first;
# `batch="diverse"` also skips texts that repeat a labeled or picked one (spam comments are copied verbatim).

# %%
def fit_end_model(hand: pd.Series) -> LogisticRegression:
    """Weak labels on covered rows, hand labels replacing (or adding to) them."""
    target = pd.Series(probs.argmax(1), index=L.index).where(covered, -1)
    target.loc[hand.index] = hand
    use = (target >= 0).to_numpy()
    return LogisticRegression(max_iter=1000, C=10.0).fit(X[use], target[use])


hand = pd.Series(dtype=np.int64)  # nothing hand-labeled yet
end = fit_end_model(hand)
first = suggest_labels(L, probs, 5, tiebreak_probs=end.predict_proba(X), X=X, texts=train["text"].tolist(),
                       batch="diverse", seed=0)
for row_id, reason in zip(first.ids, first.reasons, strict=True):
    print(f"{row_id}: {reason}\n    {train['text'].loc[row_id][:100]!r}")

# %% [markdown]
# ## Label and import
#
# In practice the suggestions go to people as a file (`weaksup suggest L.npz --data train.csv -o next.csv`, or a
# Label Studio project) and come back with a label column. Here the "annotator" fills the column from the hidden
# gold labels, and we read the file back the way a real export is read: by row id.

# %%
workdir = Path(tempfile.mkdtemp())


def annotate(ids: pd.Index, path: Path) -> None:
    """The simulated annotator: writes the labels a person would (from the hidden gold)."""
    pd.DataFrame({"id": ids, "label": gold.loc[ids].to_numpy()}).to_csv(path, index=False)


def import_labels(path: Path) -> pd.Series:
    return read_table(path, like=L.index)["label"].astype(np.int64)


# %% [markdown]
# ## The loop, against random suggestions
#
# Five rounds of 20 hand labels. Both loops refit the same end model; only the choice of rows differs.

# %%
ROUNDS, BATCH = 5, 20
texts = train["text"].tolist()
curves = {}
for name in ["suggest_labels (diverse)", "random rows"]:
    hand = pd.Series(dtype=np.int64)
    accs = []
    for r in range(ROUNDS + 1):
        end = fit_end_model(hand)  # refit
        accs.append(float((end.predict(X_test) == y_test).mean()))
        if r == ROUNDS:
            break
        if name == "random rows":
            s = suggest_labels(L, probs, BATCH, strategy="random", exclude=hand.index, seed=r)
        else:
            s = suggest_labels(L, probs, BATCH, exclude=hand.index, tiebreak_probs=end.predict_proba(X), X=X,
                               texts=texts, batch="diverse", seed=r)  # suggest
        annotate(s.ids, workdir / f"round{r}.csv")  # label
        hand = pd.concat([hand, import_labels(workdir / f"round{r}.csv")])  # import
    curves[name] = accs
    print(f"{name}: {len(hand)} hand labels, {(~covered[L.index.get_indexer(hand.index)]).sum()} of them on rows "
          f"no LF votes on")

table = pd.DataFrame(curves, index=pd.Index([BATCH * r for r in range(ROUNDS + 1)], name="hand labels"))
print(table.round(3).to_string())
gain = table["suggest_labels (diverse)"] - table["random rows"]
print(f"mean test accuracy over the rounds: suggest_labels {table.iloc[1:, 0].mean():.3f}, "
      f"random {table.iloc[1:, 1].mean():.3f} (mean gain {gain.iloc[1:].mean():+.3f})")
