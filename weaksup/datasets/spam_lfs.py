"""The labeling functions of the YouTube spam example (the Snorkel spam tutorial's, plus a few of ours)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from weaksup._votes import ABSTAIN
from weaksup.labeling.lf import LabelingFunction, labeling_function

SPAM, HAM = 1, 0


def _keyword_lf(name: str, words: tuple[str, ...], label: int) -> LabelingFunction:
    def f(x, words=words, label=label):
        text = x.text.lower()
        return label if any(w in text for w in words) else ABSTAIN

    return LabelingFunction(name, f)


@labeling_function()
def regex_check_out(x) -> int:
    """'check out', 'check it out', 'check my channel out' ... is spam."""
    return SPAM if re.search(r"check.*out", x.text, flags=re.I) else ABSTAIN


@labeling_function(vectorized=True)
def short_comment(df: pd.DataFrame) -> np.ndarray:
    """Comments under five words are mostly ham ("so cute", "love it")."""
    return np.where(df["text"].str.split().str.len() < 5, HAM, ABSTAIN)


@labeling_function(vectorized=True)
def many_exclamations(df: pd.DataFrame) -> np.ndarray:
    """Three or more '!' in a long comment reads like an advert."""
    text = df["text"]
    return np.where((text.str.count("!") >= 3) & (text.str.len() > 60), SPAM, ABSTAIN)


@labeling_function()
def mentions_website(x) -> int:
    """Pointers to a website ("visit", "www", ".com") advertise something."""
    return SPAM if re.search(r"\b(visit|website|www)\b|\.com\b", x.text, flags=re.I) else ABSTAIN


def spam_lfs() -> list[LabelingFunction]:
    """Ten LFs for the YouTube spam data: keywords, a regex, vectorized heuristics.

    Examples
    --------
    >>> [lf.name for lf in spam_lfs()][:3]
    ['keyword_my', 'keyword_subscribe', 'keyword_link']
    """
    return [
        _keyword_lf("keyword_my", ("my",), SPAM),
        _keyword_lf("keyword_subscribe", ("subscribe",), SPAM),
        _keyword_lf("keyword_link", ("http",), SPAM),
        _keyword_lf("keyword_please", ("please", "plz"), SPAM),
        _keyword_lf("keyword_song", ("song",), HAM),
        regex_check_out,
        short_comment,
        _keyword_lf("keyword_channel", ("channel",), SPAM),
        many_exclamations,
        mentions_website,
    ]
