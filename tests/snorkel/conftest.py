"""Shared data for the Snorkel-compatibility tests: the bundled spam data and Snorkel-style LFs for both libraries."""

from __future__ import annotations

import re

import numpy as np
import pytest

import weaksup as ws

SPAM, HAM, ABSTAIN = 1, 0, -1


def spam_lf_functions():
    """Plain functions (no decorator), so each library can wrap the same code."""

    def keyword_my(x):
        return SPAM if "my" in x.text.lower() else ABSTAIN

    def keyword_subscribe(x):
        return SPAM if "subscribe" in x.text.lower() else ABSTAIN

    def keyword_http(x):
        return SPAM if "http" in x.text.lower() else ABSTAIN

    def keyword_please(x):
        return SPAM if any(w in x.text.lower() for w in ("please", "plz")) else ABSTAIN

    def keyword_song(x):
        return HAM if "song" in x.text.lower() else ABSTAIN

    def regex_check_out(x):
        return SPAM if re.search(r"check.*out", x.text, flags=re.I) else ABSTAIN

    def short_comment(x):
        return HAM if len(x.text.split()) < 5 else ABSTAIN

    return [keyword_my, keyword_subscribe, keyword_http, keyword_please, keyword_song, regex_check_out,
            short_comment]


@pytest.fixture(scope="session")
def lf_functions():
    return spam_lf_functions()


@pytest.fixture(scope="session")
def spam():
    train, valid, test = ws.datasets.load_youtube_spam()
    return train, valid, test


@pytest.fixture(scope="session")
def spam_L(spam):
    """Snorkel's label matrices of the spam splits (the reference every comparison starts from)."""
    from snorkel.labeling import LabelingFunction, PandasLFApplier

    lfs = [LabelingFunction(f.__name__, f) for f in spam_lf_functions()]
    train, valid, test = spam
    applier = PandasLFApplier(lfs)
    return tuple(applier.apply(df, progress_bar=False) for df in (train, valid, test))


@pytest.fixture()
def ties_probs():
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(3), size=40)
    P[::3] = [1 / 3, 1 / 3, 1 / 3]
    P[1::5] = [0.5, 0.5, 0.0]
    return P
