"""Scaled forward-backward for many sequences at once (numpy), and BIO transition constraints."""

from __future__ import annotations

import numpy as np


def bio_allowed(n_types: int, scheme: str = "BIO") -> tuple[np.ndarray, np.ndarray]:
    """``(start, trans)`` boolean masks: under BIO, ``I-t`` may only follow ``B-t`` or ``I-t`` and never starts."""
    S = 2 * n_types + 1 if scheme == "BIO" else n_types + 1
    start, trans = np.ones(S, bool), np.ones((S, S), bool)
    if scheme == "BIO":
        for k in range(n_types):
            i_tag = 2 * k + 2
            start[i_tag] = False
            trans[:, i_tag] = False
            trans[2 * k + 1, i_tag] = trans[i_tag, i_tag] = True
    return start, trans


def batches(lengths: np.ndarray, max_cells: int = 2_000_000) -> list[np.ndarray]:
    """Document positions grouped by similar length, so padding stays small and memory bounded."""
    order = np.argsort(lengths, kind="stable")
    out, cur, cur_max = [], [], 0
    for d in order:
        L = int(lengths[d])
        if cur and max(cur_max, L) * (len(cur) + 1) > max_cells:
            out.append(np.array(cur))
            cur, cur_max = [], 0
        cur.append(d)
        cur_max = max(cur_max, L)
    if cur:
        out.append(np.array(cur))
    return out


def forward_backward(
    emis: np.ndarray, offsets: np.ndarray, docs: np.ndarray, start: np.ndarray, trans: np.ndarray,
    want_xi: bool = True,
) -> tuple[np.ndarray, np.ndarray | None, float]:
    """Posteriors for the documents ``docs`` (positions) of a flat token array.

    ``emis`` is ``(n_tokens, S)`` emission likelihoods (each row rescaled, any positive scale);
    returns ``(gamma for those docs' tokens in docs order, expected transition counts S x S, log-lik)``
    where the log-likelihood omits the per-row emission scales.
    """
    lengths = offsets[docs + 1] - offsets[docs]
    B, T, S = len(docs), int(lengths.max()), emis.shape[1]
    pos = np.arange(T)
    mask = pos[None, :] < lengths[:, None]  # (B, T)
    rows = np.where(mask, offsets[docs][:, None] + pos[None, :], 0)
    E = emis[rows]  # (B, T, S)
    E[~mask] = 1.0
    alpha = np.empty((B, T, S))
    scale = np.ones((B, T))
    a = start[None, :] * E[:, 0]
    scale[:, 0] = a.sum(1)
    alpha[:, 0] = a / scale[:, :1]
    for t in range(1, T):
        a = (alpha[:, t - 1] @ trans) * E[:, t]
        c = a.sum(1)
        live = mask[:, t]
        scale[:, t] = np.where(live, c, 1.0)
        alpha[:, t] = np.where(live[:, None], a / np.where(live, c, 1.0)[:, None], alpha[:, t - 1])
    beta = np.ones((B, T, S))
    xi = np.zeros((S, S)) if want_xi else None
    for t in range(T - 2, -1, -1):
        live = mask[:, t + 1]
        eb = E[:, t + 1] * beta[:, t + 1] / scale[:, t + 1 : t + 2]
        b = eb @ trans.T
        beta[:, t] = np.where(live[:, None], b, 1.0)
        if want_xi:
            xi += trans * (alpha[:, t][live].T @ eb[live])
    gamma = alpha * beta
    gamma /= gamma.sum(2, keepdims=True)
    return gamma[mask], xi, float(np.log(scale).sum())


def viterbi(log_emis: np.ndarray, log_start: np.ndarray, log_trans: np.ndarray) -> np.ndarray:
    """Best state path for one sequence (log space)."""
    T, S = log_emis.shape
    back = np.zeros((T, S), dtype=np.int64)
    score = log_start + log_emis[0]
    for t in range(1, T):
        cand = score[:, None] + log_trans
        back[t] = cand.argmax(0)
        score = cand.max(0) + log_emis[t]
    path = np.empty(T, dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(T - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path
