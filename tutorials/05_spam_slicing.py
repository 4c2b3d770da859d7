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
# # Tutorial 5: slicing -- how does the spam classifier do on the comments that matter?
#
# Snorkel's third spam story. One accuracy number hides the subsets where a model is weak: comments with a
# link, long ones, comments that ask to subscribe... **Slicing functions** (SFs) name those subsets; the slice
# applier finds their rows, and per-slice scores show where the model needs work. We tell it twice:
#
# 1. through `weaksup.snorkel` with Snorkel's names (`@slicing_function()`, `PandasSFApplier`,
#    `slice_dataframe`, `Scorer.score_slices`), next to Snorkel itself on the same predictions;
# 2. natively with `weaksup.slicing`: SF templates, a sparse `SliceMatrix` that keeps the comment ids,
#    `score_slices` and a `slice_report` sorted worst slice first -- and then we act on the worst slice.
#
# Run from the repository root: `python tutorials/05_spam_slicing.py`.

# %%
import re

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

import weaksup as ws
from weaksup.train import SoftLabelClassifier

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 80)

train, valid, test = ws.datasets.load_youtube_spam()
y_valid, y_test = valid["label"].to_numpy(), test["label"].to_numpy()
lfs = ws.datasets.spam_lfs()
L_train = ws.LFApplier(lfs, cardinality=2).apply(train, progress=False)
label_model = ws.LabelModel(cardinality=2).fit(L_train)
train_rows, train_probs = ws.filter_unlabeled(train, label_model.predict_proba(L_train), L_train)

vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(train_rows.text)
X_train, X_valid, X_test = (vectorizer.transform(d.text) for d in (train_rows, valid, test))
end_model = SoftLabelClassifier(class_weight="balanced", lr=0.01, max_epochs=100, patience=10, random_state=0)
end_model.fit(X_train, train_probs, X_dev=X_valid, y_dev=y_valid)
probs_test = end_model.predict_proba(X_test)
preds_test = probs_test.argmax(axis=1)
print(f"end model test accuracy: {np.mean(preds_test == y_test):.3f}")

# %% [markdown]
# ## 1. Slicing functions, with Snorkel's names
#
# An SF returns `True` for the rows in its slice. Porting Snorkel's tutorial is changing `from snorkel...`
# to `from weaksup.snorkel...`.

# %%
from weaksup.snorkel.analysis import Scorer  # noqa: E402
from weaksup.snorkel.slicing import PandasSFApplier, slice_dataframe, slicing_function  # noqa: E402


def _has_link(x):
    return re.search(r"http|\.com|www", x.text.lower()) is not None


def _long_comment(x):
    return len(x.text.split()) > 25


def _keyword_subscribe(x):
    return "subscribe" in x.text.lower()


def _keyword_please(x):
    return any(w in x.text.lower() for w in ("please", "plz"))


def _regex_check_out(x):
    return re.search(r"check.*out", x.text, flags=re.I) is not None


def _short_comment(x):
    return len(x.text.split()) < 5


BODIES = [_has_link, _long_comment, _keyword_subscribe, _keyword_please, _regex_check_out, _short_comment]
sfs = [slicing_function(name=f.__name__[1:])(f) for f in BODIES]

links = slice_dataframe(test, sfs[0])
print(f"{len(links)} test comments with a link, e.g.:")
print(links.assign(text=links.text.str[:70])[["text", "label"]].head(4).to_string())
S_test = PandasSFApplier(sfs).apply(test, progress_bar=False)
scores = Scorer(metrics=["accuracy", "f1"]).score_slices(S=S_test, golds=y_test, preds=preds_test,
                                                          probs=probs_test, as_dataframe=True)
print(scores.round(3).to_string())

# %% [markdown]
# The same SFs and predictions through Snorkel itself (when installed) give the same table.

# %%
try:
    import snorkel.analysis as snorkel_analysis
    import snorkel.slicing as snorkel_slicing
except ImportError:
    snorkel_slicing = None
same_as_snorkel = None  # None: Snorkel is not installed
if snorkel_slicing is not None:
    s_sfs = [snorkel_slicing.slicing_function(name=f.__name__[1:])(f) for f in BODIES]
    S_snorkel = snorkel_slicing.PandasSFApplier(s_sfs).apply(test, progress_bar=False)
    assert (S_snorkel == S_test).all()
    snorkel_scores = snorkel_analysis.Scorer(metrics=["accuracy", "f1"]).score_slices(
        S=S_snorkel, golds=y_test, preds=preds_test, probs=probs_test, as_dataframe=True)
    pd.testing.assert_frame_equal(scores, snorkel_scores)
    same_as_snorkel = True
    print("Snorkel's PandasSFApplier and Scorer.score_slices: identical")

# %% [markdown]
# ## 2. Natively: `weaksup.slicing`
#
# Templates (`keyword_sf`, `regex_sf`, `length_sf`, ...) are vectorized; a vectorized SF takes a whole
# DataFrame. The applier returns a sparse `SliceMatrix` (only members are stored) with the comment ids;
# `S["name"]` is a boolean mask, `S.ids("name")` the ids.

# %%
from weaksup import slicing  # noqa: E402


@slicing.slicing_function(vectorized=True)
def has_link(df):
    return df.text.str.lower().str.contains(r"http|\.com|www").to_numpy()


native_sfs = [
    has_link,
    slicing.length_sf("text", ">", 25, name="long_comment"),
    slicing.keyword_sf("subscribe", name="keyword_subscribe"),
    slicing.keyword_sf(["please", "plz"], name="keyword_please"),
    slicing.regex_sf(r"check.*out", case_sensitive=False, name="regex_check_out"),
    slicing.length_sf("text", "<", 5, name="short_comment"),
]
sf_applier = slicing.SFApplier(native_sfs)
S = sf_applier.apply(test, progress=False)
print(S)
print("first ids in has_link:", S.ids("has_link")[:3].tolist())
native_scores = slicing.score_slices(S, y_test, preds_test, probs_test, metrics=("accuracy", "f1"))
print(native_scores.round(3).to_string())
assert np.allclose(native_scores[["accuracy", "f1"]].to_numpy(), scores.to_numpy())

# %% [markdown]
# The slice report puts the worst slice first, with the score on the rest of the data and the gap to overall.

# %%
report = slicing.slice_report(S, y_test, preds_test, metric="accuracy")
print(report.round(3).to_string())
worst = report.index[0]
print(f"\nworst slice: {worst}")

# %% [markdown]
# ## 3. Acting on the worst slice
#
# Snorkel's tutorial trains its `SliceAwareClassifier` (a multi-task network with a head per slice). A
# light native counterpart: give the end model the slice memberships as features, so it can learn a
# per-slice correction, and keep it only if the valid split says so.

# %%
S_train = sf_applier.apply(train_rows, progress=False)
S_valid = sf_applier.apply(valid, progress=False)


def with_slices(X, S_):
    return sp.hstack([X, S_.csr.astype(np.float64)], format="csr")


slice_model = SoftLabelClassifier(class_weight="balanced", lr=0.01, max_epochs=100, patience=10, random_state=0)
slice_model.fit(with_slices(X_train, S_train), train_probs, X_dev=with_slices(X_valid, S_valid), y_dev=y_valid)
valid_base = end_model.score(X_valid, y_valid)
valid_slice = slice_model.score(with_slices(X_valid, S_valid), y_valid)
print(f"valid accuracy: base {valid_base:.3f}, with slice features {valid_slice:.3f}")
chosen = slice_model if valid_slice > valid_base else end_model
chosen_X = with_slices(X_test, S) if chosen is slice_model else X_test
preds_chosen = chosen.predict_proba(chosen_X).argmax(axis=1)
compare = pd.DataFrame({"base": slicing.score_slices(S, y_test, preds_test)["accuracy"],
                        "chosen on valid": slicing.score_slices(S, y_test, preds_chosen)["accuracy"]})
print(compare.round(3).to_string())

# %%
print(f"slice scores equal Snorkel's: {same_as_snorkel}")
print(f"worst slice {worst} test accuracy: {compare.loc[worst, 'base']:.3f} -> {compare.loc[worst, 'chosen on valid']:.3f}")
print(f"overall test accuracy: {compare.loc['overall', 'base']:.3f} -> {compare.loc['overall', 'chosen on valid']:.3f}")
