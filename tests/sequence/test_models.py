"""Sequence label models: majority vote (vs Snorkel), HMM (vs brute force), the default, and the loader."""

import itertools
from pathlib import Path

import numpy as np
import pytest

import weaksup as ws
from weaksup.errors import ModelInputError, NotFittedError
from weaksup.sequence import (
    SequenceHMM,
    SequenceLabelModel,
    SequenceMajorityVoter,
    SpanLabelMatrix,
    entity_scores,
)
from weaksup.sequence._hmm import forward_backward

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "sequence"


def _synthetic(n_docs=300, seed=0):
    """Entities of 1-3 tokens; a 'phrase' LF finds whole entities, a 'head' LF (a dictionary) often only
    their last token and sometimes noise, a 'typer' LF knows types but is noisy about them."""
    rng = np.random.default_rng(seed)
    spans, lengths, gold = [], [], []
    for _ in range(n_docs):
        n = int(rng.integers(8, 20))
        g, pos = [], 0
        while pos < n - 3:
            pos += int(rng.integers(1, 4))
            ln = int(rng.integers(1, 4))
            if pos + ln > n:
                break
            g.append((pos, pos + ln, "AB"[int(rng.integers(0, 2))]))
            pos += ln
        phrase = [s for s in g if rng.random() < 0.6]
        head = [(e - 1, e, t) if rng.random() < 0.7 else (s, e, t) for s, e, t in g if rng.random() < 0.8]
        used = {i for s, e, _ in g for i in range(s, e)}
        head += [(i, i + 1, "A") for i in range(n) if i not in used and rng.random() < 0.03]
        typer = [(s, e, t if rng.random() < 0.8 else ("B" if t == "A" else "A")) for s, e, t in g if rng.random() < 0.5]
        spans.append([sorted(phrase), sorted(head), sorted(typer)])
        lengths.append(n)
        gold.append(g)
    return SpanLabelMatrix(spans, lengths, ["phrase", "head", "typer"], ["A", "B"]), gold


def test_majority_vote_o_votes_abstain_where_an_lf_tags():
    V = SpanLabelMatrix([[[(0, 2, "A")], [], [], [(1, 2, "B")], [(1, 2, "B")]]], [3], list("vwxyz"), ["A", "B"])
    mv = SequenceMajorityVoter().fit(V)
    # token 0: only v tags it (the four O votes do not count) -> A; token 1: 2 B vs 1 A -> B
    assert mv.predict_spans(V) == [[(0, 1, "A"), (1, 2, "B")]]
    P = mv.predict_proba(V)[0]
    assert P.shape == (3, 5) and np.allclose(P.sum(1), 1) and P[2, 0] == 1.0


def test_majority_vote_matches_snorkel_on_tokens_without_ties():
    snorkel_lm = pytest.importorskip("snorkel.labeling.model")
    V, _ = _synthetic(80, seed=3)
    io = V.with_scheme("IO").to_dense().astype(int) - 1  # -1: the LF does not tag the token (abstain)
    tagged = (io >= 0).any(1)
    L = io[tagged]
    counts = np.stack([(L == k).sum(1) for k in range(2)], 1)
    no_tie = counts.max(1) > np.sort(counts, 1)[:, -2]
    snorkel_pred = snorkel_lm.MajorityLabelVoter(cardinality=2).predict(L)
    ours = np.vstack(SequenceMajorityVoter().fit(V).predict_proba(V))[tagged]
    ours_type = np.stack([ours[:, 1] + ours[:, 2], ours[:, 3] + ours[:, 4]], 1).argmax(1)
    assert no_tie.sum() > 200
    assert np.array_equal(ours_type[no_tie], snorkel_pred[no_tie])


def test_forward_backward_equals_brute_force_marginals():
    rng = np.random.default_rng(1)
    S, T = 3, 5
    start = rng.dirichlet(np.ones(S))
    trans = rng.dirichlet(np.ones(S), size=S)
    emis = rng.random((T + 2, S)) + 0.05  # two documents: lengths 5 and 2 (padding exercised)
    offsets = np.array([0, T, T + 2])
    gamma, xi, ll = forward_backward(emis, offsets, np.array([0, 1]), start, trans)
    for d, (a, b) in enumerate([(0, T), (T, T + 2)]):
        marg, total = np.zeros((b - a, S)), 0.0
        for path in itertools.product(range(S), repeat=b - a):
            p = start[path[0]] * emis[a, path[0]]
            for t in range(1, b - a):
                p *= trans[path[t - 1], path[t]] * emis[a + t, path[t]]
            total += p
            marg[np.arange(b - a), path] += p
        rows = slice(0, T) if d == 0 else slice(T, T + 2)
        assert np.allclose(gamma[rows], marg / total)
    brute_ll = 0.0  # the log-likelihood sums both documents
    for a, b in [(0, T), (T, T + 2)]:
        tot = sum(
            start[p[0]] * emis[a, p[0]] * np.prod([trans[p[t - 1], p[t]] * emis[a + t, p[t]] for t in range(1, b - a)])
            for p in itertools.product(range(S), repeat=b - a)
        )
        brute_ll += np.log(tot)
    assert ll == pytest.approx(brute_ll) and xi.sum() == pytest.approx(T - 1 + 1)


def test_hmm_learns_and_respects_bio():
    V, gold = _synthetic()
    hmm = SequenceHMM(n_iter=15).fit(V)
    assert np.allclose(hmm.transition_.sum(1), 1) and hmm.transition_[0, 2] == 0  # O -> I-A impossible
    P = hmm.predict_proba(V)
    assert all(np.allclose(p.sum(1), 1) for p in P)
    f_hmm = entity_scores(hmm.predict_spans(V), gold)["f1"]
    assert f_hmm > 0.5
    # the 'head' LF's emission for B-A given a 2-token A entity's first token is rarely B-A
    assert hmm.emission_[1][1, 1] < hmm.emission_[0][1, 1]


def test_default_and_hmm_beat_majority_vote_on_synthetic_spans():
    V, gold = _synthetic()
    f = {name: entity_scores(m.fit(V).predict_spans(V), gold)["f1"]
         for name, m in [("mv", SequenceMajorityVoter()), ("hmm", SequenceHMM(n_iter=15)),
                         ("default", SequenceLabelModel())]}
    # the default only chooses among segmentations some LF proposed; here the HMM also learns to extend
    # a head-word span leftwards, which the default cannot (0.89 vs 0.83 with this seed)
    assert f["default"] > f["mv"] + 0.02 and f["hmm"] > f["mv"] + 0.02
    model = SequenceLabelModel().fit(V)
    assert model.lf_precision_[0] > model.lf_precision_[1]  # the phrase LF is the more precise
    P = model.predict_proba(V)
    assert all(np.allclose(p.sum(1), 1) for p in P) and P[0].shape == (V.lengths[0], 5)


def test_models_refuse_unfitted_and_mismatched_votes():
    V, _ = _synthetic(5)
    with pytest.raises(NotFittedError):
        SequenceLabelModel().predict_spans(V)
    with pytest.raises(ModelInputError, match="fitted on"):
        SequenceLabelModel().fit(V).predict_spans(V.select_lfs(["head", "phrase"]))
    # the same LFs in another order are matched by name, as the label models of weaksup.models do
    model = SequenceLabelModel().fit(V)
    assert model.predict_spans(V.select_lfs(list(reversed(V.lf_names)))) == model.predict_spans(V)
    with pytest.raises(ModelInputError, match="SpanLabelMatrix"):
        SequenceMajorityVoter().fit(np.zeros((3, 2)))


def test_load_bundled_laptop_review_and_fit_the_default():
    ds = ws.datasets.load_wrench_sequence(DATA / "LaptopReview")
    assert set(ds) == {"train", "valid", "test"} and ds.types == ["TERM"]
    train, test = ds["train"], ds["test"]
    assert len(train.tokens) == 2436 and len(test.tokens) == 800
    assert test.votes.n_lfs == 3 and test.votes.tokens == test.tokens and test.ids[:2] == ["0", "1"]
    assert sum(len(g) for g in test.gold) == 653
    assert all(e <= len(t) for t, g in zip(test.tokens, test.gold, strict=False) for _, e, _ in g)
    mv = entity_scores(SequenceMajorityVoter().fit(train.votes).predict_spans(test.votes), test.gold)["f1"]
    assert mv == pytest.approx(0.7327, abs=1e-4)  # the figure in the data's SOURCES.md
    default = SequenceLabelModel().fit(train.votes)
    assert default.score(test.votes, test.gold)["f1"] > mv
    every = ws.datasets.load_wrench_sequence(DATA / "LaptopReview", splits=("test",), lfs="all")
    assert list(every) == ["test"] and every["test"].votes.n_lfs == 16


@pytest.mark.parametrize("cls", [SequenceMajorityVoter, SequenceHMM, SequenceLabelModel])
def test_empty_documents_and_silent_lfs(cls):
    V = SpanLabelMatrix([[[], []], [[(0, 1, "A")], [(0, 1, "A")]], [[], []]], [0, 2, 3], ["a", "b"], ["A"])
    m = cls().fit(V)
    P = m.predict_proba(V)
    assert [p.shape for p in P] == [(0, 3), (2, 3), (3, 3)] and (P[2][:, 0] > 0.99).all()
    assert m.predict_spans(V)[0] == [] and m.predict_spans(V)[2] == []
    silent = SpanLabelMatrix([[[], []]], [4], ["a", "b"], ["A"])
    assert cls().fit(silent).predict_spans(silent) == [[]]


@pytest.mark.parametrize("model, match", [
    (lambda: SequenceHMM(n_iter=0), "n_iter must be an integer >= 1"),  # "fitted" without start_, then AttributeError
    (lambda: SequenceHMM(prior_strength=-10), "prior_strength must be a number >= 0"),  # NaN emissions, no spans
    (lambda: SequenceLabelModel(prior=2), "two positive pseudo-counts"),
    (lambda: SequenceLabelModel(max_iter=0), "max_iter must be an integer >= 1"),  # UnboundLocalError
])
def test_bad_model_parameters_are_typed_errors_at_fit(model, match):
    from weaksup.errors import ModelInputError
    from weaksup.sequence import GazetteerSpanLF, SpanApplier

    V = SpanApplier([GazetteerSpanLF("g", {"PER": ["ada"]})]).apply([["Ada", "x"]])
    with pytest.raises(ModelInputError, match=match):
        model().fit(V)
