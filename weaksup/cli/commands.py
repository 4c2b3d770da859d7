"""The ``weaksup`` commands: apply, analyze, fit, predict, run, report, suggest and datasets (one function each).

Each takes the parsed arguments, checks every output path before any work (an output is never an
input, two outputs are never one file), reads through :mod:`weaksup.cli.files` and calls the library.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from weaksup._deps import install_hint, require
from weaksup._files import atomic_path, check_not_input, same_file, user_path
from weaksup.cli.files import CLIError, UsageError, check_output_suffix, has_attr_suffix, parse_column_spec
from weaksup.errors import ModelInputError, UnsafeOutputError, _shown

LABEL_FORMATS = (".parquet", ".csv", ".jsonl", ".npz")


# output safety ----------------------------------------------------------------------------------------
def _lf_file(spec: str) -> str | None:
    """The Python file an LF spec runs (an input like the data), or None for ``module:attribute``."""
    path = spec.rpartition(":")[0] if has_attr_suffix(spec) else spec
    return path if user_path(path).is_file() else None


def _spec_file(spec: str | None) -> str | None:
    """The data file of a ``DATA:COLUMN`` option, or None when the option is not given."""
    return None if spec is None else parse_column_spec(spec)[0]


def _model_files(directory: str | None) -> list[Path]:
    """The paths ``model.save(directory)`` writes (and the folder itself), for the overwrite check."""
    if directory is None:
        return []
    d = user_path(directory)
    return [d, d / "model.json", d / "arrays.npz"]


def _check_model_output(directory: str | None) -> None:
    """A model is saved as a folder: a path that is a file fails now, not after the work."""
    if directory is not None and user_path(directory).is_file():
        raise CLIError(f"refusing to save a model to {directory!r}: it is a file, and a model is saved as a "
                       "folder (model.json + arrays); choose a folder path")


def _refuse_overwrites(outputs: Sequence[tuple[str, Sequence[str | Path | None]]],
                       inputs: Sequence[str | Path | None]) -> None:
    """Before any work: refuse an output that is an input, or two outputs that are one file.

    ``outputs`` pairs what is written (named as on the command line) with its paths; "the same
    file" includes a path reached through a symlink or a hard link, and a path inside an input folder.
    """
    written: list[tuple[str, str | Path]] = []
    for what, paths in outputs:
        for out in paths:
            if out is None:
                continue
            check_not_input(out, *inputs, what=what)
            for other_what, other in written:
                if same_file(out, other):
                    raise UnsafeOutputError(f"refusing to write the {what} {str(out)!r} and the {other_what} "
                                            f"{str(other)!r} to one file; choose different output paths")
            written.append((what, out))


# commands ---------------------------------------------------------------------------------------------
def _read_options(args: argparse.Namespace) -> dict[str, Any]:
    """``--sep`` / ``--encoding``, as the reader's keyword arguments (only those given)."""
    options = {key: value for key in ("sep", "encoding") if (value := getattr(args, key, None)) is not None}
    if options.get("sep") in ("\\t", "tab", "TAB"):  # --sep '\t' as typed without bash's $'\t': a tab
        options["sep"] = "\t"
    return options


def _gold(args: argparse.Namespace, spec: str, index: Any) -> Any:
    """Gold labels of ``DATA:COLUMN`` for the rows ``index`` (partial gold reads as -1; names via --class-names)."""
    from weaksup.cli.files import read_gold

    return read_gold(spec, index, id_column=args.id_column, class_names=getattr(args, "class_names", None),
                     **_read_options(args))


def _dev_split(args: argparse.Namespace, L: Any) -> tuple[Any, Any]:
    """``--dev L_dev.npz`` with ``--dev-labels DATA:COLUMN``: the dev label matrix (same LFs as L) and its gold."""
    from weaksup.cli.files import load_label_matrix

    L_dev = load_label_matrix(args.dev)
    if L_dev.lf_names != L.lf_names:
        raise CLIError(f"{args.dev} has LFs {L_dev.lf_names}, but {args.matrix} has {L.lf_names}")
    return L_dev, _gold(args, args.dev_labels, L_dev.index)


def _progress(args: argparse.Namespace) -> bool:
    return sys.stderr.isatty() if getattr(args, "progress", None) is None else bool(args.progress)


def _apply(args: argparse.Namespace) -> Any:
    """Load LFs and data and apply; returns the label matrix (row ids from the data file)."""
    from weaksup.cli.files import load_lfs, read_data

    lfs = load_lfs(args.lfs)
    if args.dask:
        return _apply_dask(args, lfs)
    from weaksup.apply import LFApplier

    data = read_data(args.data, id_column=args.id_column, **_read_options(args))
    if len(data) == 0:
        raise CLIError(f"data file {args.data} has no rows")
    kwargs: dict[str, Any] = {"cardinality": args.cardinality, "n_jobs": args.n_jobs}
    if args.chunk_size:
        kwargs["chunk_size"] = args.chunk_size
    applier = LFApplier(lfs, **kwargs)
    L = applier.apply(data, progress=_progress(args), fault_tolerant=args.fault_tolerant)
    _report_lf_errors(getattr(applier, "errors_", {}))
    return L


def _apply_dask(args: argparse.Namespace, lfs: list) -> Any:
    try:
        from weaksup.apply.dask import DaskLFApplier
    except ImportError as exc:
        raise CLIError(f"--dask needs Dask: {install_hint('dask')} ({exc})") from exc
    from weaksup.cli.files import read_data

    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise CLIError(f"--dask needs dask and distributed: {install_hint('dask')} ({exc})") from exc
    data = read_data(args.data, id_column=args.id_column, **_read_options(args))
    if len(data) == 0:
        raise CLIError(f"data file {args.data} has no rows")
    chunk = args.chunk_size or max(1, -(-len(data) // 8))
    ddf = dd.from_pandas(data, chunksize=chunk, sort=False)
    cluster = None
    try:
        if args.dask == "local":
            n = args.n_jobs if args.n_jobs > 0 else None
            cluster = LocalCluster(n_workers=n or 2, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            try:
                client = Client(args.dask, timeout="10s")
            except Exception as exc:
                raise CLIError(f"cannot connect to the Dask scheduler at {args.dask}: {exc}") from exc
        try:
            applier = DaskLFApplier(lfs, cardinality=args.cardinality, client=client)
            L = applier.apply(ddf, progress=_progress(args), fault_tolerant=args.fault_tolerant)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
    _report_lf_errors(getattr(applier, "errors_", {}))
    return L


def _report_lf_errors(errors: dict) -> None:
    for name, rec in errors.items():
        print(f"warning: labeling function {name!r} raised on {rec.count} row(s), which count as abstains; "
              f"first on row {_shown(rec.first_row)!r}: {rec.message}", file=sys.stderr)


def _model_classes() -> dict[str, type]:
    import weaksup.models  # noqa: F401  (registers the label models)
    from weaksup.models.base import label_model_classes

    # shared bases live in private modules (weaksup.models._table): not models one can fit
    return {name: cls for name, cls in label_model_classes().items()
            if not name.startswith("_") and not inspect.isabstract(cls)
            and not any(part.startswith("_") for part in cls.__module__.split("."))}


def _default_model_name() -> str:
    """The class ``weaksup.LabelModel`` points at (the recommended label model), else MajorityVoter."""
    import weaksup.models

    default = getattr(getattr(weaksup.models, "LabelModel", None), "__name__", None)
    return default if default in _model_classes() else "MajorityVoter"


def _make_model(name: str | None, params: list[tuple[str, Any]], cardinality: int | None,
                seed: int | None = None) -> Any:
    classes = _model_classes()
    if name is None or name == "LabelModel":  # LabelModel is the alias of the recommended model
        name = _default_model_name()
    if name not in classes:
        raise UsageError(f"unknown label model {name!r}; choose from {', '.join(sorted(classes))}")
    klass = classes[name]
    kwargs = dict(params)
    accepted = klass().get_params()
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise UsageError(f"{name} has no parameter {unknown[0]!r}; its parameters are {', '.join(sorted(accepted))}")
    if cardinality is not None and "cardinality" in accepted and "cardinality" not in kwargs:
        kwargs["cardinality"] = cardinality
    if seed is not None and "random_state" in accepted and "random_state" not in kwargs:
        kwargs["random_state"] = seed  # --seed: the model's random_state
    try:
        model = klass(**kwargs)
    except (TypeError, ValueError) as exc:
        raise CLIError(f"cannot build {name} with {kwargs}: {exc}") from exc
    try:  # a value of the wrong type or out of range fails here, before any work, naming the parameter
        model._validate_params()
    except ModelInputError as exc:
        key = getattr(exc, "parameter", None)
        source = f" (from --param {key}={json.dumps(kwargs[key])})" if key in dict(params) else ""
        raise UsageError(f"{exc}{source}") from None
    return model


def _check_class_balance(balance: list[float] | None) -> None:
    """``--class-balance`` before any work: two or more finite, non-negative numbers summing to 1."""
    if balance is None:
        return
    total = math.fsum(balance)
    if len(balance) < 2 or not all(math.isfinite(v) and v >= 0 for v in balance) or abs(total - 1) > 1e-6:
        raise UsageError(f"--class-balance must be two or more non-negative numbers summing to 1, got "
                         f"{','.join(f'{v:g}' for v in balance)} (sum {total:g})")


def _n_classes(model: Any, L: Any, option: str) -> tuple[int, str]:
    """The number of classes ``model.fit(L)`` will use, and a hint for when it is inferred from the votes.

    ``option`` is how the user sets it (``--cardinality K`` for run, ``--param cardinality=K`` for fit).
    """
    k = getattr(model, "cardinality", None)
    if k is not None:
        return int(k), ""
    k = L.infer_cardinality()
    return k, f" ({k} classes, as found from the LFs' votes; if there are more, pass {option})"


def _check_class_counts(args: argparse.Namespace, k: int, hint: str = "") -> None:
    """``--class-balance`` and ``--class-names``: one value per class of a ``k``-class model (usage errors)."""
    balance = getattr(args, "class_balance", None)
    if balance is not None and len(balance) != k:
        raise UsageError(f"--class-balance gives {len(balance)} numbers for a {k}-class model{hint}")
    names = getattr(args, "class_names", None)
    if names is not None and len(names) != k:
        raise UsageError(f"got {len(names)} class names for a {k}-class model{hint}")


def _check_gold_range(spec: str, y: Any, index: Any, k: int, hint: str = "") -> None:
    """Gold labels of ``DATA:COLUMN`` (``-1`` = unknown) against a ``k``-class model: one beyond it is named by the
    file and its row id (checked here, before rows are dropped or positions renumbered by a later check)."""
    if len(y) and y.max() >= k:
        i = int((y >= k).argmax())
        raise CLIError(f"{spec}: row {_shown(index[i])!r} has label {y[i]}, out of range for a {k}-class model "
                       f"(0..{k - 1}; -1 = unknown){hint}")


def _fit(model: Any, L: Any, args: argparse.Namespace, Y_dev: Any = None) -> Any:
    return model.fit(L, Y_dev=Y_dev, class_balance=args.class_balance, progress=_progress(args))


def cmd_apply(args: argparse.Namespace) -> None:
    from weaksup.analysis import LFAnalysis

    out = check_output_suffix(args.output, (".npz",), "a label matrix")
    _refuse_overwrites([("label matrix (-o)", [out])], [args.data, _lf_file(args.lfs)])
    L = _apply(args)
    L.save(out)  # atomic: written to a temporary file, renamed into place when complete
    print(f"Applied {L.n_lfs} labeling functions to {L.n_rows} rows "
          f"(label coverage {LFAnalysis(L).label_coverage():.1%}); wrote {out}")


def cmd_analyze(args: argparse.Namespace) -> None:
    import pandas as pd

    from weaksup.analysis import LFAnalysis
    from weaksup.cli.files import load_label_matrix

    L = load_label_matrix(args.matrix)
    Y = _gold(args, args.gold, L.index) if args.gold else None
    analysis = LFAnalysis(L)
    table = analysis.summary(Y=Y)
    if args.sort:
        if args.sort not in table.columns:
            raise UsageError(f"cannot sort by {args.sort!r}; columns are {', '.join(map(str, table.columns))}")
        table = table.sort_values(args.sort, ascending=False)
    print(f"{L.n_rows} rows, {L.n_lfs} labeling functions; label coverage {analysis.label_coverage():.1%}, "
          f"overlap {analysis.label_overlap():.1%}, conflict {analysis.label_conflict():.1%}"
          + ("" if Y is None else f"; gold labels for {int((Y >= 0).sum())} rows"))
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_rows", 10_000,
                           "display.precision", 3):
        print(table.to_string())


def cmd_fit(args: argparse.Namespace) -> None:
    if args.list_models:
        classes = _model_classes()
        default = _default_model_name()
        for name in sorted(classes):
            doc = (inspect.getdoc(classes[name]) or "").splitlines()
            print(f"{name}{' (default)' if name == default else ''}: {doc[0] if doc else ''}")
        return
    if args.matrix is None or args.output is None:
        raise UsageError("fit needs L.npz and -o MODEL_DIR (or --list-models)")
    if (args.dev is None) != (args.dev_labels is None):
        raise UsageError("--dev and --dev-labels go together")
    from weaksup.cli.files import load_label_matrix

    _refuse_overwrites([("model (-o)", _model_files(args.output))],
                       [args.matrix, args.dev, _spec_file(args.dev_labels)])
    _check_model_output(args.output)
    _make_model(args.model, args.param, None)  # a bad name or parameter fails before any work
    _check_class_balance(args.class_balance)
    L = load_label_matrix(args.matrix)
    model = _make_model(args.model, args.param, L.cardinality, args.seed)
    k, hint = _n_classes(model, L, "--param cardinality=K")
    _check_class_counts(args, k, hint)
    Y_dev = None
    if args.dev:
        L_dev, y = _dev_split(args, L)
        _check_gold_range(args.dev_labels, y, L_dev.index, k, hint)  # before -1s are dropped: named by row id
        Y_dev = y[y >= 0]
        if len(Y_dev) == 0:
            raise CLIError(f"{args.dev_labels} has no known labels (all missing or -1)")
    _fit(model, L, args, Y_dev=Y_dev)
    model.save(args.output)
    balance = ", ".join(f"{p:.3f}" for p in model.class_balance_)
    print(f"Fitted {type(model).__name__} on {L.n_rows} rows x {L.n_lfs} LFs (class balance {balance}); "
          f"saved to {args.output}")


def _load_model(model_dir: str) -> Any:
    from weaksup.models.base import BaseLabelModel

    path = user_path(model_dir)
    saved_by = ("a folder written by 'weaksup fit' or model.save(folder) (model.json + arrays); a model pickled by "
                "Snorkel is never loaded (that would run its code): fit it again with 'weaksup fit'")
    if path.is_file():
        raise CLIError(f"cannot read a label model from {model_dir}: it is a file; a weaksup model is {saved_by}")
    if not path.is_dir():
        raise CLIError(f"no such model directory: {model_dir}")
    if not (path / "model.json").is_file():
        raise CLIError(f"cannot read a label model from {model_dir}: it holds no model.json; a weaksup model is "
                       f"{saved_by}")
    _model_classes()  # make sure every model class is registered before loading
    return BaseLabelModel.load(path)


def _check_model_matches(model: Any, L: Any, model_dir: str, matrix: str) -> None:
    """Fail with one line when a label matrix's LFs are not the ones the model was fitted on."""
    names = list(getattr(model, "lf_names_", []))
    if L.n_lfs != len(names) or L.lf_names != names:
        raise CLIError(f"{matrix} has {L.n_lfs} LFs {L.lf_names[:6]}{'...' if L.n_lfs > 6 else ''}, but the model "
                       f"in {model_dir} was fitted on {len(names)} LFs {names[:6]}{'...' if len(names) > 6 else ''}")


def _predict_and_export(model: Any, L: Any, output: Path, class_names: list[str] | None) -> tuple[Any, Path]:
    from weaksup.io import export_labels

    if class_names is not None and len(class_names) != int(model.cardinality_):
        raise UsageError(f"got {len(class_names)} class names for a {int(model.cardinality_)}-class model")
    probs = model.predict_proba(L)
    path = export_labels(output, probs, index=L.index, L=L, class_names=class_names)
    return probs, path


def cmd_predict(args: argparse.Namespace) -> None:
    from weaksup.cli.files import load_label_matrix

    out = check_output_suffix(args.output, LABEL_FORMATS, "labels")
    _refuse_overwrites([("labels (-o)", [out])], [*_model_files(args.model_dir)[1:], args.matrix])
    model = _load_model(args.model_dir)
    L = load_label_matrix(args.matrix)
    _check_model_matches(model, L, args.model_dir, args.matrix)
    probs, path = _predict_and_export(model, L, out, args.class_names)
    print(f"Wrote probabilistic labels for {len(probs)} rows to {path}")


def cmd_run(args: argparse.Namespace) -> None:
    out = check_output_suffix(args.output, LABEL_FORMATS, "labels")
    if args.save_matrix:
        check_output_suffix(args.save_matrix, (".npz",), "a label matrix")
    _refuse_overwrites([("labels (-o)", [out]), ("label matrix (--save-matrix)", [args.save_matrix]),
                        ("model (--save-model)", _model_files(args.save_model))],
                       [args.data, _lf_file(args.lfs)])
    _check_model_output(args.save_model)
    model = _make_model(args.model, args.param, args.cardinality, args.seed)  # bad names fail before any work
    _check_class_balance(args.class_balance)
    if getattr(model, "cardinality", None) is not None:  # the number of classes is known before the LFs run
        _check_class_counts(args, int(model.cardinality))
    L = _apply(args)
    _check_class_counts(args, *_n_classes(model, L, "--cardinality K"))
    _fit(model, L, args)
    probs, path = _predict_and_export(model, L, out, args.class_names)
    # the optional outputs last: a run that fails (a usage error found only now, a fit or an export that
    # fails) leaves none of them behind, so no matrix or model is ever saved without its labels
    if args.save_matrix:
        L.save(args.save_matrix)
    if args.save_model:
        model.save(args.save_model)
    covered = int((L.csr.getnnz(axis=1) > 0).sum())
    print(f"Applied {L.n_lfs} labeling functions to {L.n_rows} rows ({covered} with at least one vote), "
          f"fitted {type(model).__name__}; wrote probabilistic labels to {path}")


def cmd_report(args: argparse.Namespace) -> None:
    from weaksup.cli.files import load_label_matrix, read_data

    out = check_output_suffix(args.output, (".html", ".htm"), "a report")
    _refuse_overwrites([("report (-o)", [out])],
                       [args.matrix, *_model_files(args.model)[1:], _spec_file(args.gold), args.dev,
                        _spec_file(args.dev_labels), args.data])
    require("matplotlib", "weaksup report")  # before any work
    if (args.dev is None) != (args.dev_labels is None):
        raise UsageError("--dev and --dev-labels go together")
    L = load_label_matrix(args.matrix)
    notes = []
    L_dev, Y_dev = _dev_split(args, L) if args.dev else (None, None)
    if args.model:
        model = _load_model(args.model)
        _check_model_matches(model, L, args.model, args.matrix)
    else:
        model = _make_model(None, [], L.cardinality)
        model.fit(L)
        notes.append(f"No --model given: {type(model).__name__} was fitted on this label matrix for the report.")
    Y = _gold(args, args.gold, L.index) if args.gold else None
    k = int(model.cardinality_)
    if Y is not None:
        _check_gold_range(args.gold, Y, L.index, k)
    if Y_dev is not None:
        _check_gold_range(args.dev_labels, Y_dev, L_dev.index, k)
    data = None
    if args.data:
        data = read_data(args.data, id_column=args.id_column, like=L.index, **_read_options(args))
        missing = L.index[~L.index.isin(data.index)]
        if len(missing):
            raise CLIError(f"{args.data} lacks {len(missing)} of the label matrix's row ids, e.g. {missing[:3].tolist()}")
    if args.class_names is not None and len(args.class_names) != int(model.cardinality_):
        raise UsageError(f"got {len(args.class_names)} class names for a {int(model.cardinality_)}-class model")
    from weaksup.plot.report import report

    report(out, L, model=model, Y=Y, data=data, class_names=args.class_names, title=args.title,
           text_column=args.text_column, top=args.top, notes=notes, L_dev=L_dev, Y_dev=Y_dev)
    print(f"Wrote the report on {L.n_lfs} labeling functions and {L.n_rows} rows to {out}")


def cmd_datasets(args: argparse.Namespace) -> None:
    from weaksup.datasets import load_youtube_spam

    if args.format == "parquet":
        require("pyarrow", "--format parquet")  # before any work
    out = user_path(args.output)
    if out.exists() and not out.is_dir():
        raise CLIError(f"cannot write the splits into {args.output!r}: it is a file; give a folder (-o DIR)")
    out.mkdir(parents=True, exist_ok=True)
    splits = dict(zip(("train", "valid", "test"), load_youtube_spam(), strict=True))
    for name, frame in splits.items():
        frame = frame.reset_index().rename(columns={frame.index.name or "index": "id"})
        path = out / f"{name}.{args.format}"
        with atomic_path(path) as tmp:  # an interrupted run never leaves a truncated split
            if args.format == "csv":
                frame.to_csv(tmp, index=False)
            elif args.format == "jsonl":
                frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
            else:
                frame.to_parquet(tmp, index=False)
        print(f"wrote {len(frame)} rows to {path}")


def _read_exclude(path: str, args: argparse.Namespace, index: Any) -> Any:
    """The ids of ``--exclude``: one per line in a .txt file, else a data file's ids; all must be rows of L."""
    import pandas as pd

    from weaksup._ids import is_canonical_int, is_text, text_ids_as_ints
    from weaksup.cli.files import read_data

    p = user_path(path)
    if p.suffix.lower() == ".txt":
        if not p.is_file():
            raise CLIError(f"no such file: {path}")
        # utf-8-sig: a byte-order mark (Notepad, Excel) would otherwise stick to the first id
        raw = [line.strip() for line in p.read_text(encoding=args.encoding or "utf-8-sig").splitlines()]
        ids = pd.Index([v for v in raw if v], dtype=str)
        if index.dtype.kind in "iu":  # ids of a matrix applied without an id column (or from parquet integers)
            ints = text_ids_as_ints(ids)  # "7" is 7; "007" stays text (and is then named as unknown below)
            ids = ints if not is_text(ints) else pd.Index([int(v) if is_canonical_int(v) else v for v in ids],
                                                           dtype=object)
    else:
        ids = read_data(path, id_column=args.id_column, like=index, **_read_options(args)).index
    unknown = ids[~ids.isin(index)]
    if len(unknown):
        raise CLIError(f"--exclude {path} holds {len(unknown)} ids that are not rows of {args.matrix}, "
                       f"e.g. {unknown[:3].tolist()}")
    return ids


def cmd_suggest(args: argparse.Namespace) -> None:
    import numpy as np
    import pandas as pd

    from weaksup.cli.files import load_label_matrix, read_data
    from weaksup.quality import suggest_labels

    out = check_output_suffix(args.output, (".csv", ".jsonl"), "suggestions") if args.output else None
    _refuse_overwrites([("suggestions (-o)", [out])],
                       [args.matrix, *_model_files(args.model)[1:], args.data, args.exclude])
    L = load_label_matrix(args.matrix)
    texts = text_col = None
    if args.data:
        data = read_data(args.data, id_column=args.id_column, like=L.index, **_read_options(args))
        missing = L.index[~L.index.isin(data.index)]
        if len(missing):
            raise CLIError(f"{args.data} lacks {len(missing)} of the label matrix's row ids, e.g. {missing[:3].tolist()}")
        text_col = args.text_column or "text"
        if text_col not in data.columns:
            raise CLIError(f"{args.data} has no column {text_col!r} (its columns: {list(data.columns)}); "
                           "name the text column with --text-column")
        texts = data.loc[L.index, text_col].tolist()
    exclude = _read_exclude(args.exclude, args, L.index) if args.exclude else None
    if args.model:
        model = _load_model(args.model)
        _check_model_matches(model, L, args.model, args.matrix)
    else:
        model = _make_model(None, [], L.cardinality)
        model.fit(L)
    probs = model.predict_proba(L)
    sug = suggest_labels(L, probs, args.n, strategy=args.strategy, exclude=exclude, seed=args.seed,
                         batch=args.batch, texts=texts)
    table = sug.to_frame().drop(columns="position")
    table.insert(1, "rank", np.arange(1, len(table) + 1))
    if texts is not None:
        table["text"] = [texts[p] for p in sug.positions]
    fitted = "" if args.model else f" ({type(model).__name__} fitted on L)"
    if out is None:
        with pd.option_context("display.max_colwidth", 80, "display.width", 200):
            print(table.to_string(index=False))
        print(f"{len(table)} of {L.n_rows} rows suggested{fitted}")
        return
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".csv":
            table.to_csv(tmp, index=False)
        else:
            table.to_json(tmp, orient="records", lines=True, force_ascii=False)
    print(f"Wrote {len(table)} rows to label next (of {L.n_rows}){fitted} to {out}")


COMMANDS = {
    "apply": cmd_apply,
    "analyze": cmd_analyze,
    "fit": cmd_fit,
    "predict": cmd_predict,
    "run": cmd_run,
    "report": cmd_report,
    "datasets": cmd_datasets,
    "suggest": cmd_suggest,
}
