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
# # Tutorial 1: a YouTube spam classifier without hand-labelled training data
#
# The Snorkel spam story with `weaksup`: we have 1,586 YouTube comments with **no labels**, and want a
# classifier for spam (`1`) vs ham (`0`). Instead of labelling comments one by one we will
#
# 1. look at some examples and write **labeling functions** (LFs): keyword, regex and heuristic rules that
#    vote `SPAM`, `HAM` or abstain (`-1`);
# 2. check them with **`LFAnalysis`** (coverage, overlaps, conflicts, accuracy on a small labelled dev set);
# 3. combine their votes with a **label model** into probabilistic labels, and compare it with majority vote;
# 4. train a **discriminative end model** (TF-IDF + `SoftLabelClassifier`) on the probabilistic labels, which
#    generalises past the comments the LFs cover;
# 5. **export** the labels.
#
# The data is the UCI YouTube Spam Collection, split as in Snorkel's tutorial: videos 1-4 are the unlabelled
# train split, video 5 (Shakira) gives a labelled `valid` split (120 comments, our dev set) and `test` (250).
# Snorkel's tutorial reports 84.0% (majority vote), 86.0% (label model) and 94.4% (end model) test accuracy.
# Like WRENCH, we use the valid split to choose between models and for early stopping; the test split is
# only scored at the end.
#
# Run it as a script from the repository root (`python tutorials/01_spam.py`) or open it as a notebook (jupytext).

# %%
import re
import tempfile
from pathlib import Path

import pandas as pd

import weaksup as ws

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 90)
SPAM, HAM, ABSTAIN = 1, 0, ws.ABSTAIN

train, valid, test = ws.datasets.load_youtube_spam()
y_valid, y_test = valid["label"].to_numpy(), test["label"].to_numpy()
print(f"train {len(train)} rows (labels hidden: {set(train['label'])}), valid {len(valid)}, test {len(test)}")

# %% [markdown]
# ## 1. Look at the data
#
# A few train comments. Spam tends to advertise a channel or a website ("check out my channel",
# "subscribe", links); ham talks about the song, the singer, the view count.

# %%
print(train[["author", "text"]].sample(8, random_state=3).to_string())

# %% [markdown]
# ## 2. Write labeling functions
#
# A labeling function takes one row and returns a label or `ABSTAIN`. Plain Python with
# `@labeling_function` is the most flexible; the templates in `weaksup.labeling.templates`
# (`keyword_lf`, `regex_lf`, ...) are vectorized and run over whole columns at once.

# %%
from weaksup.labeling.templates import keyword_lf, regex_lf  # noqa: E402


@ws.labeling_function()
def check_out(x):
    """'check out my channel', 'check it out', ... is almost always spam."""
    return SPAM if re.search(r"check.*out", x.text, flags=re.I) else ABSTAIN


@ws.labeling_function()
def short_comment(x):
    """Ham comments are often short: 'so cute', 'love this song'."""
    return HAM if len(x.text.split()) < 5 else ABSTAIN


# A small sentiment lexicon stands in for Snorkel's TextBlob polarity LF: enthusiastic comments that
# don't ask for anything are fans talking about the video.
POSITIVE = {"love", "best", "amazing", "awesome", "beautiful", "great", "cute", "good", "nice", "perfect",
            "favorite", "favourite", "wow", "lol", "funny", "cool", "like"}
ASKS = {"my", "check", "subscribe", "channel", "please", "plz"}


@ws.labeling_function()
def positive_sentiment(x):
    words = set(re.findall(r"[a-z']+", x.text.lower()))
    return HAM if words & POSITIVE and not words & ASKS else ABSTAIN


lfs = [
    keyword_lf("my", SPAM, whole_word=True, name="keyword_my"),  # "my channel", "my video"
    keyword_lf("subscribe", SPAM, name="keyword_subscribe"),
    keyword_lf(["http", ".com", "www"], SPAM, name="keyword_link"),
    keyword_lf(["please", "plz"], SPAM, name="keyword_please"),
    keyword_lf(["channel", "video on my", "my video"], SPAM, name="keyword_channel"),
    keyword_lf(["money", "earn", "free", "gift card", "$"], SPAM, name="keyword_money"),
    keyword_lf("song", HAM, name="keyword_song"),
    regex_lf(r"\b(views|billion|million)\b", HAM, case_sensitive=False, name="regex_views"),
    check_out,
    short_comment,
    positive_sentiment,
]

applier = ws.LFApplier(lfs, cardinality=2)
L_train = applier.apply(train, progress=False)
L_valid = applier.apply(valid, progress=False)
L_test = applier.apply(test, progress=False)
print(f"L_train: {L_train.n_rows} rows x {len(lfs)} LFs")

# %% [markdown]
# ## 3. Analyse the LFs
#
# On train we only see coverage, overlaps and conflicts (no labels). On the 120 labelled dev comments
# we also get each LF's empirical accuracy: good enough to spot a bad LF without touching test.

# %%
analysis = ws.LFAnalysis(L_train, lfs)
print(analysis.summary()[["Polarity", "Coverage", "Overlaps", "Conflicts"]].round(3).to_string())
print(f"\ntrain rows with at least one vote: {analysis.label_coverage():.1%}")

# %%
dev_summary = ws.LFAnalysis(L_valid, lfs).summary(Y=y_valid)
print(dev_summary[["Coverage", "Correct", "Incorrect", "Emp. Acc."]].round(3).to_string())

# %% [markdown]
# ## 4. Label model vs majority vote
#
# Majority vote treats every LF as equally reliable. A label model learns each LF's accuracy from
# their agreements and disagreements on the unlabelled train votes. `select_label_model` fits
# several label models (and class-balance options) on train and keeps the best one on the dev set.

# %%
mv = ws.MajorityVoter(cardinality=2).fit(L_train)
default_lm = ws.LabelModel(cardinality=2).fit(L_train, seed=0)
label_model, table = ws.select_label_model(L_train, L_valid, y_valid)
print(table.head(5)[["model", "class_balance", "accuracy"]].to_string())

mv_acc = mv.score(L_test, y_test)
default_acc = default_lm.score(L_test, y_test)
lm_acc = label_model.score(L_test, y_test)
print(f"\nmajority vote test accuracy: {mv_acc:.3f}")
print(f"default LabelModel ({type(default_lm).__name__}) test accuracy: {default_acc:.3f}")
print(f"label model ({type(label_model).__name__}, chosen on valid) test accuracy: {lm_acc:.3f}")

# %% [markdown]
# ## 5. Train an end model on the probabilistic labels
#
# The label model only labels comments some LF fires on, and only with what the LFs know. A classifier
# over the comment text (TF-IDF word n-grams) trained on the label model's **soft** labels learns
# many more cues than the LFs encode and covers every comment. Rows without any vote carry no
# information (their probabilities are the prior), so `filter_unlabeled` drops them first.
#
# `SoftLabelClassifier` is logistic regression in torch with a noise-aware (soft) cross entropy. We
# stop early on the dev set and choose the class weighting (none or balanced) there.

# %%
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from weaksup.train import SoftLabelClassifier  # noqa: E402

probs_train = label_model.predict_proba(L_train)
train_filtered, probs_filtered = ws.filter_unlabeled(train, probs_train, L_train)
print(f"training the end model on {len(train_filtered)} of {len(train)} train comments")

vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
X_train = vectorizer.fit_transform(train_filtered["text"])
X_valid, X_test = vectorizer.transform(valid["text"]), vectorizer.transform(test["text"])

candidates = [
    SoftLabelClassifier(class_weight=cw, lr=0.01, max_epochs=100, patience=10, random_state=0).fit(
        X_train, probs_filtered, X_dev=X_valid, y_dev=y_valid)
    for cw in (None, "balanced")
]
for clf in candidates:
    print(f"class_weight={clf.class_weight!s:9s} best epoch {clf.best_epoch_:3d}, dev accuracy {clf.best_dev_score_:.3f}")
end_model = max(candidates, key=lambda clf: clf.best_dev_score_)

# %% [markdown]
# ## 6. Evaluate on test
#
# The test split has been used for nothing else.

# %%
end_acc = end_model.score(X_test, y_test)
print(pd.Series({"majority vote": mv_acc, "label model": lm_acc, "end model": end_acc},
                name="test accuracy").round(3).to_string())
print("\nSnorkel's tutorial: majority vote 0.840, label model 0.860, end model 0.944")

# %% [markdown]
# ## 7. Export the labels
#
# The probabilistic labels keep their row ids and the LF votes, ready for any other training code.

# %%
out_dir = Path(tempfile.mkdtemp(prefix="weaksup_spam_"))
path = ws.export_labels(out_dir / "train_labels.csv", probs_train, index=L_train.index, L=L_train,
                        class_names=["HAM", "SPAM"])
print(f"wrote {path}")
print(ws.load_labels(path).head(3).to_string())

# %%
print(f"label model test accuracy: {lm_acc:.3f}")
print(f"end model test accuracy: {end_acc:.3f}")
