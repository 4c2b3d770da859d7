"""Preprocessors inside an apply: failures under fault tolerance, vectorized ones that move rows, empty input."""

import numpy as np
import pandas as pd
import pytest

from weaksup import LabelingFunctionError, LFApplier, keyword_lf, labeling_function, preprocessor


def frame():
    return pd.DataFrame({"text": ["Hello there", "bye", None]}, index=["r1", "r2", "r3"])


@preprocessor()
def add_lower(x):
    x.lower = x.text.lower()  # fails on the row whose text is missing
    return x


@preprocessor()
def skip_missing(x):
    return None if x.text is None else x


@labeling_function(pre=[add_lower])
def says_hello(x):
    return 1 if "hello" in x.lower else 0


@labeling_function(pre=[skip_missing])
def always_one(x):
    return 1


def test_fault_tolerant_turns_a_preprocessor_failure_into_an_abstain_and_records_it():
    applier = LFApplier([says_hello, always_one])
    L = applier.apply(frame(), progress=False, fault_tolerant=True)
    assert L.to_dense().tolist() == [[1, 1], [0, 1], [-1, -1]]
    assert applier.errors_["says_hello"].count == 1
    assert applier.errors_["says_hello"].first_row == "r3"
    assert "preprocessor 'add_lower' raised AttributeError" in applier.errors_["says_hello"].message
    assert applier.errors_["always_one"].message == "preprocessor 'skip_missing' returned None"


def test_without_fault_tolerance_a_preprocessor_failure_names_the_lf_preprocessor_and_row():
    with pytest.raises(LabelingFunctionError, match="'says_hello' failed on row 'r3': preprocessor 'add_lower'"):
        LFApplier([says_hello]).apply(frame(), progress=False)


def test_fault_tolerant_covers_a_vectorized_preprocessor_returning_none():
    @preprocessor(vectorized=True)
    def forgot_return(df):
        df["n"] = 1

    @labeling_function(vectorized=True, pre=[forgot_return])
    def uses_n(df):
        return np.ones(len(df), dtype=int)

    applier = LFApplier([uses_n])
    L = applier.apply(frame(), progress=False, fault_tolerant=True)
    assert L.to_dense().ravel().tolist() == [-1, -1, -1]
    assert applier.errors_["uses_n"].message == "preprocessor 'forgot_return' returned None"


def test_a_vectorized_preprocessor_that_reorders_rows_is_an_error_not_misaligned_votes():
    @preprocessor(vectorized=True)
    def by_text(df):
        return df.sort_values("text")

    @labeling_function(vectorized=True, pre=[by_text])
    def is_bye(df):
        return np.where(df["text"] == "bye", 1, 0)

    df = pd.DataFrame({"text": ["zeta", "bye", "mid"]}, index=["r1", "r2", "r3"])
    with pytest.raises(LabelingFunctionError, match="preprocessor 'by_text' reordered the rows"):
        LFApplier([is_bye]).apply(df, progress=False)


def test_a_vectorized_preprocessor_that_drops_rows_is_named():
    @preprocessor(vectorized=True)
    def no_missing(df):
        return df.dropna()

    @labeling_function(vectorized=True, pre=[no_missing])
    def ones(df):
        return np.ones(len(df), dtype=int)

    with pytest.raises(LabelingFunctionError, match="preprocessor 'no_missing' returned 2 rows for a batch of 3"):
        LFApplier([ones]).apply(frame(), progress=False)


def test_a_vectorized_preprocessor_with_a_new_index_in_order_is_allowed():
    @preprocessor(vectorized=True)
    def joined(df):
        return df.merge(pd.DataFrame({"text": ["bye"], "bad": [True]}), on="text", how="left")  # a new RangeIndex

    @labeling_function(vectorized=True, pre=[joined])
    def bad(df):
        return np.where(df["bad"].eq(True), 0, -1)

    L = LFApplier([bad]).apply(frame(), progress=False)
    assert L.index.tolist() == ["r1", "r2", "r3"] and L.to_dense().ravel().tolist() == [-1, 0, -1]


@pytest.mark.parametrize("data", [[], np.array([]), pd.DataFrame()], ids=["list", "array", "frame"])
def test_empty_input_gives_an_empty_matrix_even_without_the_fields(data):
    L = LFApplier([keyword_lf("hi", 1), says_hello]).apply(data, progress=False)
    assert L.shape == (0, 2)
