"""What docs/snorkel_migration.md promises, checked by running it (beside Snorkel 0.10 where it is installed)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import weaksup as ws

DOC = Path(__file__).resolve().parents[1] / "docs" / "snorkel_migration.md"


def _sections() -> dict[str, list[list[str]]]:
    """Table rows (cells) under each ``## `snorkel.x` `` heading, keyed by the heading's module names."""
    sections: dict[str, list[list[str]]] = {}
    key = ""
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            key = line
            sections[key] = []
        elif line.startswith("| ") and not line.startswith("|---") and key:
            sections[key].append([c.strip() for c in line.strip().strip("|").split(" | ")])
    return sections


def _names(cell: str) -> list[str]:
    """Dotted names in a cell's code spans, without call arguments (``LFApplier(lfs).apply(x)`` -> both)."""
    out = []
    for span in re.findall(r"`([^`]+)`", cell):
        span = re.sub(r"\([^()]*\)", "", re.sub(r"\([^()]*\)", "", span))  # arguments, nested once
        for part in re.split(r",\s*", span):
            if re.fullmatch(r"[A-Za-z_][\w.]*", part):
                out.append(part)
    return out


def _resolve(dotted: str, bases: list[str]) -> bool:
    """Whether ``dotted`` is an attribute path from one of the module ``bases`` (or from a class they hold)."""
    for base in bases:
        obj: object = None
        try:
            obj = importlib.import_module(base)
            for part in dotted.split("."):
                try:
                    obj = getattr(obj, part)
                except AttributeError:
                    obj = importlib.import_module(f"{obj.__name__}.{part}")  # a submodule not imported yet
        except (AttributeError, ImportError, TypeError):
            continue
        return True
    return False


def test_every_snorkel_name_marked_same_exists_in_the_port():
    checked = 0
    for heading, rows in _sections().items():
        modules = re.findall(r"`snorkel\.([\w.]+)`", heading)
        if not modules:
            continue
        for cells in rows[1:]:
            if len(cells) < 2 or not cells[1].startswith("same"):
                continue
            first = _names(cells[0])
            bases = ["weaksup.snorkel"] + [f"weaksup.snorkel.{m}" for m in modules]
            # `labeling.lf.nlp.NLPLabelingFunction`, `nlp_labeling_function`: the second is in the first's module
            bases += [f"weaksup.snorkel.{n.rsplit('.', 1)[0]}" for n in first if "." in n]
            owners = [n for n in first if n[0].isupper() and "." not in n]  # `LFAnalysis.lf_summary`, then methods
            for name in first:
                found = _resolve(name, bases) or any(
                    _resolve(f"{o}.{name}", bases) for o in owners + ["LFAnalysis", "LabelModel", "Scorer"])
                assert found, f"{heading}: {name!r} is marked 'same' but weaksup.snorkel has no such name"
                checked += 1
    assert checked > 60


def test_names_marked_not_provided_say_so():
    for heading, rows in _sections().items():
        modules = re.findall(r"`snorkel\.([\w.]+)`", heading)
        for cells in rows[1:]:
            if len(cells) > 1 and cells[1].startswith("not provided"):
                for name in _names(cells[0]):
                    assert not _resolve(name, [f"weaksup.snorkel.{m}" for m in modules] + ["weaksup.snorkel"]), name


def test_every_native_name_the_doc_gives_exists():
    names = set(re.findall(r"`ws\.([A-Za-z_][\w.]*)", DOC.read_text()))
    names |= {f"{m}.{n}" for m, n in re.findall(r"`weaksup\.((?:\w+\.)*\w+)\.(\w+)", DOC.read_text())}
    assert len(names) > 25
    missing = [n for n in sorted(names) if not _resolve(n, ["weaksup"]) and not _resolve(n.split(".", 1)[-1], [
        "weaksup." + n.split(".", 1)[0]])]
    assert not missing, f"docs/snorkel_migration.md names these, weaksup has not: {missing}"


def test_dask_applier_methods_the_doc_lists_exist():
    row = next(line for line in DOC.read_text().splitlines() if "labeling.apply.dask.DaskLFApplier" in line)
    also = re.search(r"\(also ([^;)]*)", row).group(1)
    from weaksup.apply import DaskLFApplier

    for method in re.findall(r"`(\w+)`", also):
        assert hasattr(DaskLFApplier, method), method


def test_native_names_resolve_in_a_fresh_process():
    # `ws.X.Y` must work right after `import weaksup as ws`, without another import having loaded X first
    import subprocess
    import sys

    names = sorted(set(re.findall(r"`ws\.([A-Za-z_][\w.]*)", DOC.read_text())))
    # a fresh process: the first component of every name must be a public name of the package itself (not an
    # attribute that exists only once some other import loaded that submodule), then the whole path resolves
    code = (f"import weaksup as ws\nnames = {names!r}\npublic = set(dir(ws))\n"
            "missing = sorted({n.split('.')[0] for n in names} - public)\nassert not missing, missing\n"
            "for n in names:\n    o = ws\n    for p in n.split('.'):\n        o = getattr(o, p)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-500:]


def _matrix():
    a = ws.labeling_function(name="a")(lambda x: 1 if x.t > 1 else -1)
    b = ws.labeling_function(name="b")(lambda x: 0 if x.t > 2 else -1)
    return ws.LFApplier([a, b]).apply(pd.DataFrame({"t": [1, 2, 3, 4]}, index=list("wxyz")), progress=False)


@pytest.mark.parametrize("expr", ["np.asarray(L)", "np.sum(L, axis=0)", "np.unique(L)", "L == 1", "L != -1", "L < 0",
                                  "L[L == 1]", "L[:, 1]", "L[1, 0]", "L[1]", "L[[0, 2], [0, 1]]",
                                  "[r.tolist() for r in L]", "(L != -1).mean(axis=0)"])
def test_label_matrix_numpy_idioms_give_numpys_answers(expr):
    L = _matrix()
    dense = {"L": L.to_dense(), "np": np}
    assert np.array_equal(np.asarray(eval(expr)), np.asarray(eval(expr, dense)))


def test_label_matrix_row_selection_and_refusals_as_documented():
    L = _matrix()
    for sub, ids in ((L[np.array([True, False, True, False])], ["w", "y"]), (L[[0, 2]], ["w", "y"]), (L[1:3], ["x", "y"])):
        assert isinstance(sub, ws.LabelMatrix) and sub.index.tolist() == ids and sub.lf_names == ["a", "b"]
    for op in (lambda: L + 1, lambda: L * 2, lambda: -L, lambda: L @ np.ones(2)):
        with pytest.raises(TypeError, match=r"L\.to_dense\(\)"):
            op()
    for attr in ("sum", "T", "dtype"):
        with pytest.raises(AttributeError, match=r"L\.to_dense\(\)"):
            getattr(L, attr)
    assert (L == L[:]) is True


def test_lf_summary_never_voting_lf_native_nan_port_zero_as_snorkel():
    L = np.array([[1, -1], [0, -1], [1, -1]])
    Y = np.array([1, 0, 1])
    from weaksup.snorkel.labeling import LFAnalysis

    assert np.isnan(ws.LFAnalysis(L).summary(Y=Y)["Emp. Acc."].iloc[1])
    port = LFAnalysis(L).lf_summary(Y=Y)
    assert port["Emp. Acc."].iloc[1] == 0
    snorkel_labeling = pytest.importorskip("snorkel.labeling")
    pd.testing.assert_frame_equal(port, snorkel_labeling.LFAnalysis(L).lf_summary(Y=Y), check_dtype=False)


def _random_tfs(prefix: str):
    aug = importlib.import_module(f"{prefix}.augmentation")

    @aug.transformation_function()
    def upper_one(x):  # draws from NumPy's global generator, as the TFs of Snorkel's augmentation tutorial do
        words = x.text.split()
        if words:
            k = np.random.choice(len(words))
            words[k] = words[k].upper()
            x.text = " ".join(words)
            return x
        return None

    @aug.transformation_function()
    def cut(x):
        if len(x.text) > 20:
            x.text = x.text[:20]
            return x
        return None

    return aug, [upper_one, cut]


@pytest.mark.parametrize("policy", ["RandomPolicy", "MeanFieldPolicy"])
def test_port_tf_applier_matches_snorkel_with_tfs_that_draw_randomness(policy):
    snorkel_aug = pytest.importorskip("snorkel.augmentation")
    texts = ["check out my channel please", "so cute", "I love this song so much", "", "subscribe to me now"] * 4
    outs = []
    for prefix in ("snorkel", "weaksup.snorkel"):
        aug, tfs = _random_tfs(prefix)
        kwargs = {"p": [0.3, 0.7]} if policy == "MeanFieldPolicy" else {}
        pol = getattr(aug, policy)(2, sequence_length=2, n_per_original=3, keep_original=True, **kwargs)
        np.random.seed(7)
        outs.append([p.text for p in aug.TFApplier(tfs, pol).apply([SimpleNamespace(text=t) for t in texts],
                                                                    progress_bar=False)])
        np.random.seed(7)
        gen = aug.TFApplier(tfs, pol).apply_generator([SimpleNamespace(text=t) for t in texts], batch_size=3)
        outs.append([p.text for batch in gen for p in batch])
    assert snorkel_aug is not None
    assert outs[0] == outs[2] and outs[1] == outs[3]


def test_port_tf_applier_with_a_seeded_policy_draws_per_row_not_one_sequence_for_all():
    # random_state=int gives the same draws at every call, so drawing row by row would repeat one row's
    # sequences; the port draws up front for such policies
    from weaksup.snorkel.augmentation import RandomPolicy, TFApplier

    aug, tfs = _random_tfs("weaksup.snorkel")
    pol = RandomPolicy(2, sequence_length=1, n_per_original=1, keep_original=False, random_state=0)
    expected = pol.sequences(40)[:, 0, 0]
    assert len(set(expected.tolist())) == 2
    seen = []
    probe = [aug.transformation_function(name=f"probe{j}")(lambda x, j=j: seen.append(j) or x) for j in range(2)]
    TFApplier(probe, pol).apply([SimpleNamespace(text="a b")] * 40, progress_bar=False)
    assert seen == expected.tolist()


@pytest.mark.parametrize("policy", ["RandomPolicy", "MeanFieldPolicy", "ApplyAllPolicy"])
def test_port_pandas_tf_applier_matches_snorkel_with_tfs_that_draw_randomness(policy):
    pytest.importorskip("snorkel.augmentation")
    train, _, _ = ws.datasets.load_youtube_spam()
    df = train.iloc[:40]
    frames = []
    for prefix in ("snorkel", "weaksup.snorkel"):
        aug, tfs = _random_tfs(prefix)
        kwargs = {"p": [0.3, 0.7]} if policy == "MeanFieldPolicy" else {}
        pol = getattr(aug, policy)(2, n_per_original=2, keep_original=True, **kwargs) if policy == "ApplyAllPolicy" \
            else getattr(aug, policy)(2, sequence_length=2, n_per_original=2, keep_original=True, **kwargs)
        np.random.seed(3)
        frames.append(aug.PandasTFApplier(tfs, pol).apply(df, progress_bar=False))
        np.random.seed(3)
        frames.append(pd.concat(list(aug.PandasTFApplier(tfs, pol).apply_generator(df, batch_size=16))))
        frames.append(np.random.rand())  # the generator ends where Snorkel's does
    pd.testing.assert_frame_equal(frames[0], frames[3], check_names=False)  # Snorkel drops the index name
    pd.testing.assert_frame_equal(frames[1], frames[4], check_names=False)
    assert frames[2] == frames[5]
    assert frames[3].index.name == df.index.name
