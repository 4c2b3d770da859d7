"""Loader for WRENCH / CHMM-ALT sequence-labeling folders (span-format ``{train,valid,test}.json`` + ``meta.json``)."""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weaksup._files import user_path
from weaksup.errors import DataFileError, MissingFileError, ParameterError, WeaksupWarning
from weaksup.sequence.matrix import SpanLabelMatrix
from weaksup.sequence.spans import Span, SpanError, check_spans, resolve_overlaps

SPLITS = ("train", "valid", "test")


@dataclass
class WrenchSequenceSplit:
    """One split: ``tokens`` (token lists), ``gold`` (per sentence ``(start, end, type)``, end exclusive),
    ``votes`` (the chosen LFs' spans as a :class:`~weaksup.sequence.matrix.SpanLabelMatrix`) and ``ids``."""

    tokens: list[list[str]]
    gold: list[list[Span]]
    votes: SpanLabelMatrix
    ids: list[str]

    def __len__(self) -> int:
        return len(self.tokens)


class WrenchSequenceDataset(dict):
    """``{split: WrenchSequenceSplit}`` for the splits present, plus ``types``, ``lf_names``, ``meta``, ``name``."""

    types: list[str]
    lf_names: list[str]
    meta: dict[str, Any]
    name: str = ""


def load_wrench_sequence(
    folder: str | Path, splits: str | Sequence[str] = SPLITS, lfs: str | Sequence[str] = "recommended"
) -> WrenchSequenceDataset:
    """Read a WRENCH sequence folder into ``{split: WrenchSequenceSplit(tokens, gold, votes, ids)}``.

    Parameters
    ----------
    folder : path
        Holds ``meta.json`` (``lf``, ``entity_types``, optionally ``lf_rec``) and the split files; each maps
        an id to ``{"data": {"text": [tokens]}, "label": [[start, end, type], ...], "weak_labels": [...]}``
        with one span list per LF in ``meta["lf"]`` order.
    splits : sequence of str
        Splits to read when their file is present (missing ones are skipped; none present is an error).
    lfs : "recommended", "all" or a list of LF names
        ``"recommended"`` keeps ``meta["lf_rec"]`` as WRENCH does (all LFs when there is no ``lf_rec``).

    Examples
    --------
    >>> ds = load_wrench_sequence("benchmarks/data/sequence/LaptopReview")
    >>> test = ds["test"]
    >>> len(test.tokens), test.votes.lf_names, test.gold[0]
    (800, ['tag-CoreDictionary', 'link-ExtractedPhrase', 'link-ConsecutiveCapitals'], [(0, 2, 'TERM')])
    """
    folder = user_path(folder)
    if isinstance(splits, str):  # splits="test" means the one split, not its letters
        splits = (splits,)
    if not folder.is_dir():
        raise MissingFileError(f"no WRENCH sequence folder at {folder}")
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        raise MissingFileError(f"{folder} has no meta.json")
    meta = _read_json(meta_path)
    try:
        all_lfs, types = list(meta["lf"]), list(meta["entity_types"])
    except (KeyError, TypeError) as exc:
        raise DataFileError(f"{meta_path}: missing key {exc}") from None
    if isinstance(lfs, str):
        if lfs == "recommended":
            chosen = list(meta.get("lf_rec") or all_lfs)
        elif lfs == "all":
            chosen = all_lfs
        else:
            raise ParameterError(f"lfs must be 'recommended', 'all' or a list of LF names, got {lfs!r}")
    else:
        chosen = list(lfs)
    unknown = [x for x in chosen if x not in all_lfs]
    if unknown:
        raise DataFileError(f"{meta_path}: LFs {unknown} are not in meta['lf']")
    cols = [all_lfs.index(x) for x in chosen]
    out = WrenchSequenceDataset()
    out.types, out.lf_names, out.meta, out.name = types, chosen, meta, folder.name
    for split in splits:
        path = folder / f"{split}.json"
        if path.exists():
            out[split] = _read_split(path, all_lfs, cols, chosen, types)
    if not out:
        raise MissingFileError(f"{folder} has none of the split files {[f'{s}.json' for s in splits]}")
    return out


def _read_split(path: Path, all_lfs: list[str], cols: list[int], chosen: list[str], types: list[str]):
    raw = _read_json(path)
    if not isinstance(raw, dict):
        raise DataFileError(f"{path} must map each instance id to an instance; got a {type(raw).__name__}")
    ids = sorted(raw, key=lambda k: (0, int(k)) if str(k).isdigit() else (1, str(k)))
    tokens, gold, votes = [], [], []
    dropped: Counter = Counter()  # (LF, what) -> spans dropped
    for i in ids:
        entry = raw[i]
        try:
            toks = [str(t) for t in entry["data"]["text"]]
            weak = entry["weak_labels"]
            label = entry.get("label", [])
        except (KeyError, TypeError) as exc:
            raise DataFileError(f"{path}: instance {i!r} lacks {exc}") from None
        if not isinstance(weak, list) or len(weak) != len(all_lfs):
            got = len(weak) if isinstance(weak, list) else repr(weak)
            raise DataFileError(f"{path}: instance {i!r} has {got} LF span lists, meta['lf'] has {len(all_lfs)}")
        try:
            gold.append(check_spans(label, len(toks), types, who="gold", doc=i, allow_overlap=True))
            per_lf = []
            for c, name in zip(cols, chosen, strict=True):
                spans = check_spans(weak[c], len(toks), None, who=name, doc=i, allow_overlap=True)
                known = [x for x in spans if x[2] in types]
                dropped[(name, "a type not in meta['entity_types']")] += len(spans) - len(known)
                kept = resolve_overlaps(known)  # one LF's overlapping spans: longest first, as WRENCH's IO step
                dropped[(name, "overlapping another span of the same LF")] += len(known) - len(kept)
                per_lf.append(kept)
        except SpanError as exc:
            raise DataFileError(f"{path}: {exc}") from None
        tokens.append(toks)
        votes.append(per_lf)
    for (name, why), n in sorted(dropped.items()):
        if n:
            warnings.warn(f"{path.name}: dropped {n} span(s) of LF {name!r} with {why}", WeaksupWarning, stacklevel=3)
    try:
        V = SpanLabelMatrix(votes, [len(t) for t in tokens], chosen, types, ids, tokens)
    except SpanError as exc:
        raise DataFileError(f"{path}: {exc}") from None
    return WrenchSequenceSplit(tokens, gold, V, ids)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # WRENCH writes UTF-8 whatever the locale
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"{path} is not valid UTF-8 JSON: {exc}") from None
