"""The ``weaksup`` command line: apply, analyze, fit, predict, run, report, datasets and quickstart.

Exit codes: 0 on success, 2 on bad usage, 1 on a failure, reported as one line on
stderr (``--debug`` shows the traceback). Row ids follow :mod:`weaksup.cli_io`: a data
file's ``id`` column when it has one (or the column ``--id-column NAME`` names), read as
text exactly as written, else the row's position in the file.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from weaksup._files import atomic_path, check_not_input, same_file
from weaksup.cli_io import CLIError, check_output_suffix, parse_column_spec
from weaksup.errors import ModelInputError, UnsafeOutputError, WeaksupError

LABEL_FORMATS = (".parquet", ".csv", ".jsonl", ".npz")


class UsageError(Exception):
    """Bad command-line usage found after parsing (exit code 2, like argparse's own)."""


# argument helpers -----------------------------------------------------------------------------------
def _column_spec(value: str) -> str:
    try:
        parse_column_spec(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {n}")
    return n


def _n_jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer (-1 = all cores), got {value!r}") from None
    if n == 0 or n < -1:
        raise argparse.ArgumentTypeError(f"--n-jobs must be a positive integer or -1, got {n}")
    return n


def _names(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",")]
    if len(names) < 2 or not all(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated class names such as HAM,SPAM, got {value!r}")
    return names


def _floats(value: str) -> list[float]:
    try:
        return [float(v) for v in value.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers such as 0.7,0.3, got {value!r}") from None


def _param(value: str) -> tuple[str, Any]:
    """``NAME=VALUE``; VALUE is read as JSON (``5``, ``0.1``, ``true``, ``[1, 2]``), else kept as text (``adam``).

    Whether the value suits the parameter is checked against the model (see ``_make_model``).
    """
    key, sep, raw = value.partition("=")
    if not sep or not key.isidentifier():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    if not raw.strip():
        raise argparse.ArgumentTypeError(f"--param {key} has no value; expected NAME=VALUE such as max_iter=200")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``weaksup`` command (every command has ``--help``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback on failure")
    progress = argparse.ArgumentParser(add_help=False)
    group = progress.add_mutually_exclusive_group()
    group.add_argument("--progress", dest="progress", action="store_true", default=None,
                       help="show progress bars on stderr (default: when stderr is a terminal)")
    group.add_argument("--no-progress", dest="progress", action="store_false", help="hide progress bars")

    ids = argparse.ArgumentParser(add_help=False)
    ids.add_argument("--id-column", metavar="NAME",
                     help="column of the data files (DATA, --gold, --dev-labels) holding the row ids, kept exactly "
                          "as written (text in CSV and JSON lines; default: 'id' when a file has one, "
                          "else row positions 0..n-1)")

    applying = argparse.ArgumentParser(add_help=False, parents=[ids])
    applying.add_argument("lfs", metavar="LFS",
                          help="Python file defining labeling functions (found by type), or module:attribute")
    applying.add_argument("data", metavar="DATA", help="data file: .csv, .parquet or .jsonl (an 'id' column, or --id-column, names rows)")
    applying.add_argument("--n-jobs", type=_n_jobs, default=1, metavar="N",
                          help="worker processes for applying LFs (-1 = all cores; default 1)")
    applying.add_argument("--dask", metavar="ADDRESS",
                          help="apply with Dask: a scheduler address (tcp://host:8786) or 'local' for a local cluster")
    applying.add_argument("--chunk-size", type=_positive_int, metavar="N", help="rows per batch (or Dask partition)")
    applying.add_argument("--cardinality", type=_positive_int, metavar="K",
                          help="number of classes; votes outside 0..K-1 are errors")
    applying.add_argument("--fault-tolerant", action="store_true",
                          help="turn an LF's exception into an abstain (and report it) instead of failing")

    modelling = argparse.ArgumentParser(add_help=False)
    modelling.add_argument("--model", metavar="NAME",
                           help="label model class (default: LabelModel, the recommended one); "
                                "'weaksup fit --list-models' lists them")
    modelling.add_argument("--param", type=_param, action="append", default=[], metavar="NAME=VALUE",
                           help="a model hyper-parameter (JSON value), repeatable, e.g. --param n_epochs=200")
    modelling.add_argument("--seed", type=int, default=0, help="random seed for fitting (default 0)")
    modelling.add_argument("--class-balance", type=_floats, metavar="P0,P1,...",
                           help="known class prior, overriding any estimate")

    parser = argparse.ArgumentParser(
        prog="weaksup",
        description="Programmatic weak supervision from the shell: apply labeling functions to a data file, "
                    "analyse them, fit a label model and export probabilistic labels.",
        epilog="Row ids: a data file's 'id' column if it has one (or --id-column NAME), as written, "
               "else the row position (0, 1, ...). "
               "Run 'weaksup COMMAND --help' for a command's options.",
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback on failure")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("apply", parents=[common, progress, applying], help="apply LFs to a data file -> L.npz",
                       description="Apply labeling functions to every row of a data file and save the label matrix "
                                   "(with the rows' ids and the LFs' names).")
    p.add_argument("-o", "--output", required=True, metavar="L.npz", help="label matrix file to write")

    p = sub.add_parser("analyze", parents=[common, ids], help="print the LF summary table",
                       description="Print coverage, overlaps, conflicts and polarity of each LF "
                                   "(and empirical accuracy with --gold).")
    p.add_argument("matrix", metavar="L.npz", help="label matrix written by 'weaksup apply'")
    p.add_argument("--gold", type=_column_spec, metavar="DATA:COLUMN",
                   help="gold labels: a data file and its label column (matched by row id; -1 or empty = unknown)")
    p.add_argument("--sort", metavar="COLUMN", help="sort the table by a column, e.g. Coverage")

    p = sub.add_parser("fit", parents=[common, progress, modelling, ids], help="fit a label model on L.npz -> MODEL_DIR",
                       description="Fit a label model on a label matrix and save it (JSON + npz, no pickle).")
    p.add_argument("matrix", metavar="L.npz", nargs="?", help="label matrix written by 'weaksup apply'")
    p.add_argument("-o", "--output", metavar="MODEL_DIR", help="directory to save the model in")
    p.add_argument("--dev", metavar="L_dev.npz", help="label matrix of a labeled dev split")
    p.add_argument("--dev-labels", type=_column_spec, metavar="DATA:COLUMN",
                   help="gold labels of the dev split; sets the class balance from them")
    p.add_argument("--list-models", action="store_true", help="list the available label models and exit")

    p = sub.add_parser("predict", parents=[common], help="probabilistic labels from a fitted model",
                       description="Write probabilistic labels (id, prob_<class>..., label, lf.<name> votes) for "
                                   "every row of a label matrix.")
    p.add_argument("model_dir", metavar="MODEL_DIR", help="directory written by 'weaksup fit'")
    p.add_argument("matrix", metavar="L.npz", help="label matrix with the same LFs the model was fitted on")
    p.add_argument("-o", "--output", required=True, metavar="LABELS",
                   help="output file: .parquet, .csv, .jsonl or .npz")
    p.add_argument("--class-names", type=_names, metavar="A,B,...", help="name the prob_ columns, e.g. HAM,SPAM")

    p = sub.add_parser("run", parents=[common, progress, applying, modelling],
                       help="apply + fit + predict + export in one go",
                       description="Apply labeling functions to a data file, fit a label model on the votes and "
                                   "write probabilistic labels for every row.")
    p.add_argument("-o", "--output", required=True, metavar="LABELS",
                   help="output file: .parquet, .csv, .jsonl or .npz")
    p.add_argument("--class-names", type=_names, metavar="A,B,...", help="name the prob_ columns, e.g. HAM,SPAM")
    p.add_argument("--save-matrix", metavar="L.npz", help="also save the label matrix")
    p.add_argument("--save-model", metavar="MODEL_DIR", help="also save the fitted label model")

    p = sub.add_parser("report", parents=[common, ids], help="write an HTML report with figures",
                       description="Write one self-contained HTML file: LF summary, coverage/overlap/conflict, "
                                   "pairwise agreement, learned vs empirical accuracies, class balance, "
                                   "calibration and the rows the LFs disagree on most.")
    p.add_argument("matrix", metavar="L.npz", help="label matrix written by 'weaksup apply'")
    p.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="HTML file to write")
    p.add_argument("--model", metavar="MODEL_DIR",
                   help="fitted label model (default: fit the default label model on L for the report)")
    p.add_argument("--gold", type=_column_spec, metavar="DATA:COLUMN", help="gold labels, matched by row id")
    p.add_argument("--dev", metavar="L_dev.npz",
                   help="label matrix of a labeled dev split: the calibration diagram and dev accuracies use it")
    p.add_argument("--dev-labels", type=_column_spec, metavar="DATA:COLUMN", help="gold labels of the dev split")
    p.add_argument("--data", metavar="DATA", help="the data file L was applied to, to show the contested rows' text")
    p.add_argument("--text-column", metavar="COLUMN", help="column of DATA to show (default: text)")
    p.add_argument("--class-names", type=_names, metavar="A,B,...", help="class names, e.g. HAM,SPAM")
    p.add_argument("--title", default="weaksup report", help="page title")
    p.add_argument("--top", type=_positive_int, default=20, help="how many contested rows to list (default 20)")

    p = sub.add_parser("datasets", parents=[common], help="write a bundled data set to files",
                       description="Write the bundled YouTube spam comments (train/valid/test) as data files with "
                                   "'id', 'text' and 'label' columns (train labels are -1: hidden).")
    p.add_argument("name", choices=["youtube"], help="data set name")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="directory to write the splits into")
    p.add_argument("--format", choices=["csv", "jsonl", "parquet"], default="csv", help="file format (default csv)")

    p = sub.add_parser("quickstart", parents=[common], help="run the bundled YouTube spam demo end to end")
    p.add_argument("--out", default="weaksup_out", help="directory for the exported labels (default: weaksup_out)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    return parser


# output safety ----------------------------------------------------------------------------------------
def _lf_file(spec: str) -> str | None:
    """The Python file an LF spec runs (an input like the data), or None for ``module:attribute``."""
    from weaksup.cli_io import _has_attr_suffix

    path = spec.rpartition(":")[0] if _has_attr_suffix(spec) else spec
    return path if Path(path).is_file() else None


def _spec_file(spec: str | None) -> str | None:
    """The data file of a ``DATA:COLUMN`` option, or None when the option is not given."""
    return None if spec is None else parse_column_spec(spec)[0]


def _model_files(directory: str | None) -> list[Path]:
    """The paths ``model.save(directory)`` writes (and the folder itself), for the overwrite check."""
    if directory is None:
        return []
    d = Path(directory)
    return [d, d / "model.json", d / "arrays.npz"]


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
def _progress(args: argparse.Namespace) -> bool:
    return sys.stderr.isatty() if getattr(args, "progress", None) is None else bool(args.progress)


def _apply(args: argparse.Namespace) -> Any:
    """Load LFs and data and apply; returns the label matrix (row ids from the data file)."""
    from weaksup.cli_io import load_lfs, read_data

    lfs = load_lfs(args.lfs)
    if args.dask:
        return _apply_dask(args, lfs)
    from weaksup.apply import LFApplier

    data = read_data(args.data, id_column=args.id_column)
    if len(data) == 0:
        raise CLIError(f"data file {args.data} has no rows")
    kwargs: dict[str, Any] = {"cardinality": args.cardinality}
    if args.chunk_size:
        kwargs["chunk_size"] = args.chunk_size
    if args.n_jobs != 1:
        if "n_jobs" not in inspect.signature(LFApplier).parameters:
            raise CLIError("--n-jobs is not supported by this weaksup version's LFApplier")
        kwargs["n_jobs"] = args.n_jobs
    applier = LFApplier(lfs, **kwargs)
    L = applier.apply(data, progress=_progress(args), fault_tolerant=args.fault_tolerant)
    _report_lf_errors(getattr(applier, "errors_", {}))
    return L


def _apply_dask(args: argparse.Namespace, lfs: list) -> Any:
    try:
        from weaksup.apply.dask import DaskLFApplier
    except ImportError as exc:
        raise CLIError(f"--dask needs Dask: pip install 'weaksup[dask]' ({exc})") from exc
    from weaksup.cli_io import read_data

    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise CLIError(f"--dask needs dask and distributed: pip install 'weaksup[dask]' ({exc})") from exc
    data = read_data(args.data, id_column=args.id_column)
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
              f"first on row {rec.first_row!r}: {rec.message}", file=sys.stderr)


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


def _make_model(name: str | None, params: list[tuple[str, Any]], cardinality: int | None) -> Any:
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


def _fit(model: Any, L: Any, args: argparse.Namespace, Y_dev: Any = None) -> Any:
    kwargs: dict[str, Any] = {"seed": args.seed}
    if Y_dev is not None:
        kwargs["Y_dev"] = Y_dev
    if args.class_balance is not None:
        kwargs["class_balance"] = args.class_balance
    if "progress" in inspect.signature(model.fit).parameters:
        kwargs["progress"] = _progress(args)
    return model.fit(L, **kwargs)


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
    from weaksup.cli_io import load_label_matrix, read_gold

    L = load_label_matrix(args.matrix)
    Y = read_gold(args.gold, L.index, id_column=args.id_column) if args.gold else None
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
    from weaksup.cli_io import load_label_matrix, read_gold

    _refuse_overwrites([("model (-o)", _model_files(args.output))],
                       [args.matrix, args.dev, _spec_file(args.dev_labels)])
    _make_model(args.model, args.param, None)  # a bad name or parameter fails before any work
    L = load_label_matrix(args.matrix)
    Y_dev = None
    if args.dev:
        L_dev = load_label_matrix(args.dev)
        if L_dev.lf_names != L.lf_names:
            raise CLIError(f"{args.dev} has LFs {L_dev.lf_names}, but {args.matrix} has {L.lf_names}")
        y = read_gold(args.dev_labels, L_dev.index, id_column=args.id_column)
        Y_dev = y[y >= 0]
        if len(Y_dev) == 0:
            raise CLIError(f"{args.dev_labels} has no known labels (all missing or -1)")
    model = _make_model(args.model, args.param, L.cardinality)
    _fit(model, L, args, Y_dev=Y_dev)
    model.save(args.output)
    balance = ", ".join(f"{p:.3f}" for p in model.class_balance_)
    print(f"Fitted {type(model).__name__} on {L.n_rows} rows x {L.n_lfs} LFs (class balance {balance}); "
          f"saved to {args.output}")


def _load_model(model_dir: str) -> Any:
    from weaksup.models.base import BaseLabelModel

    path = Path(model_dir)
    if not path.is_dir():
        raise CLIError(f"no such model directory: {model_dir}")
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
    from weaksup.cli_io import load_label_matrix

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
    model = _make_model(args.model, args.param, args.cardinality)  # bad names fail before any work
    L = _apply(args)
    if args.save_matrix:
        L.save(args.save_matrix)
    _fit(model, L, args)
    if args.save_model:
        model.save(args.save_model)
    probs, path = _predict_and_export(model, L, out, args.class_names)
    covered = int((L.csr.getnnz(axis=1) > 0).sum())
    print(f"Applied {L.n_lfs} labeling functions to {L.n_rows} rows ({covered} with at least one vote), "
          f"fitted {type(model).__name__}; wrote probabilistic labels to {path}")


def cmd_report(args: argparse.Namespace) -> None:
    from weaksup.cli_io import load_label_matrix, read_data, read_gold

    out = check_output_suffix(args.output, (".html", ".htm"), "a report")
    _refuse_overwrites([("report (-o)", [out])],
                       [args.matrix, *_model_files(args.model)[1:], _spec_file(args.gold), args.dev,
                        _spec_file(args.dev_labels), args.data])
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise CLIError(f"report needs matplotlib: pip install 'weaksup[plot]' ({exc})") from exc
    if (args.dev is None) != (args.dev_labels is None):
        raise UsageError("--dev and --dev-labels go together")
    L = load_label_matrix(args.matrix)
    notes = []
    L_dev = Y_dev = None
    if args.dev:
        L_dev = load_label_matrix(args.dev)
        if L_dev.lf_names != L.lf_names:
            raise CLIError(f"{args.dev} has LFs {L_dev.lf_names}, but {args.matrix} has {L.lf_names}")
        Y_dev = read_gold(args.dev_labels, L_dev.index, id_column=args.id_column)
    if args.model:
        model = _load_model(args.model)
        _check_model_matches(model, L, args.model, args.matrix)
    else:
        model = _make_model(None, [], L.cardinality)
        model.fit(L)
        notes.append(f"No --model given: {type(model).__name__} was fitted on this label matrix for the report.")
    Y = read_gold(args.gold, L.index, id_column=args.id_column) if args.gold else None
    data = None
    if args.data:
        data = read_data(args.data, id_column=args.id_column, like=L.index)
        missing = L.index[~L.index.isin(data.index)]
        if len(missing):
            raise CLIError(f"{args.data} lacks {len(missing)} of the label matrix's row ids, e.g. {missing[:3].tolist()}")
    if args.class_names is not None and len(args.class_names) != int(model.cardinality_):
        raise UsageError(f"got {len(args.class_names)} class names for a {int(model.cardinality_)}-class model")
    from weaksup.plot.report import build_report

    page = build_report(L, model=model, Y=Y, data=data, class_names=args.class_names, title=args.title,
                        text_column=args.text_column, top=args.top, notes=notes, L_dev=L_dev, Y_dev=Y_dev)
    with atomic_path(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    print(f"Wrote the report on {L.n_lfs} labeling functions and {L.n_rows} rows to {out}")


def cmd_datasets(args: argparse.Namespace) -> None:
    from weaksup.datasets import load_youtube_spam

    out = Path(args.output)
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


COMMANDS = {
    "apply": cmd_apply,
    "analyze": cmd_analyze,
    "fit": cmd_fit,
    "predict": cmd_predict,
    "run": cmd_run,
    "report": cmd_report,
    "datasets": cmd_datasets,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``weaksup`` console script; returns the exit code.

    Examples
    --------
    >>> import contextlib, io
    >>> out = io.StringIO()
    >>> with contextlib.redirect_stdout(out):
    ...     code = main(["fit", "--list-models"])
    >>> code, "MajorityVoter" in out.getvalue()
    (0, True)
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        if args.command == "quickstart":
            from weaksup.quickstart import run_quickstart

            run_quickstart(args.out, progress=not args.no_progress)
        else:
            COMMANDS[args.command](args)
        return 0
    except UsageError as exc:
        print(f"usage: weaksup {args.command} ... (see weaksup {args.command} --help)", file=sys.stderr)
        print(f"weaksup {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"weaksup {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one-line cause unless --debug
        if debug:
            raise
        message = " ".join(str(exc).split()) or "(no message)"
        kind = "" if isinstance(exc, WeaksupError) else f"{type(exc).__name__}: "
        print(f"weaksup {args.command}: error: {kind}{message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
