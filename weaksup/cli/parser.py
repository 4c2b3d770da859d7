"""The ``weaksup`` command's argument parser and the types of its options."""

from __future__ import annotations

import argparse
import json
from typing import Any

from weaksup.cli._errors import parse_column_spec


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
    if len(set(names)) < len(names):
        raise argparse.ArgumentTypeError(f"each class name must be different, got {value!r}")
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


def _version() -> str:
    from weaksup import __version__

    return __version__


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
    ids.add_argument("--sep", metavar="SEP", help="field separator of CSV data files (default ','), e.g. ';' or tab ($'\\t', '\\t' or tab)")
    ids.add_argument("--encoding", metavar="NAME", help="text encoding of data files (default utf-8), e.g. cp1252")

    applying = argparse.ArgumentParser(add_help=False, parents=[ids])
    applying.add_argument("lfs", metavar="LFS",
                          help="Python file defining labeling functions (found by type), or module:attribute")
    applying.add_argument("data", metavar="DATA",
                          help="data file: .csv, .tsv, .parquet (or a folder of parquet files) or .jsonl, the text ones "
                               "possibly compressed (.csv.gz, .jsonl.bz2, .tsv.xz) "
                               "(an 'id' column, or --id-column, names rows)")
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
    parser.add_argument("--version", action="version", version=f"weaksup {_version()}")
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
    p.add_argument("--class-names", type=_names, metavar="A,B,...",
                   help="class names, in class-id order, for gold labels written as names, e.g. HAM,SPAM")

    p = sub.add_parser("fit", parents=[common, progress, modelling, ids], help="fit a label model on L.npz -> MODEL_DIR",
                       description="Fit a label model on a label matrix and save it (JSON + npz, no pickle).")
    p.add_argument("matrix", metavar="L.npz", nargs="?", help="label matrix written by 'weaksup apply'")
    p.add_argument("-o", "--output", metavar="MODEL_DIR", help="directory to save the model in")
    p.add_argument("--dev", metavar="L_dev.npz", help="label matrix of a labeled dev split")
    p.add_argument("--dev-labels", type=_column_spec, metavar="DATA:COLUMN",
                   help="gold labels of the dev split; sets the class balance from them")
    p.add_argument("--list-models", action="store_true", help="list the available label models and exit")
    p.add_argument("--class-names", type=_names, metavar="A,B,...",
                   help="class names, in class-id order, for dev labels written as names, e.g. HAM,SPAM")

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

    p = sub.add_parser("suggest", parents=[common, ids], help="rows to hand-label next, with the reason",
                       description="Rank the rows of L.npz by how much a hand label would teach (active learning) "
                                   "and write the best N with the reason for each. Rows with equal scores (e.g. "
                                   "every row no LF votes on) are spread by their text when --data is given.")
    p.add_argument("matrix", metavar="L.npz", help="label matrix written by 'weaksup apply'")
    p.add_argument("-n", type=_positive_int, default=20, metavar="N", help="how many rows to suggest (default 20)")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="file to write: .csv or .jsonl (id, rank, score, reason, and text with --data); "
                        "default: print a table")
    p.add_argument("--model", metavar="MODEL_DIR",
                   help="fitted label model (default: fit the default label model on L)")
    p.add_argument("--data", metavar="DATA",
                   help="the data file L was applied to: adds each row's text and skips near-duplicate texts")
    p.add_argument("--text-column", metavar="COLUMN", help="column of DATA holding the text (default: text)")
    p.add_argument("--strategy", choices=["entropy", "margin", "lf_disagreement", "committee", "random"],
                   default="entropy", help="what makes a row worth labeling (default entropy)")
    p.add_argument("--batch", choices=["diverse", "top", "stochastic"], default="diverse",
                   help="diverse: best first, skipping near-duplicates of labeled or picked rows (default); "
                        "top: the N best; stochastic: drawn in proportion to score**4")
    p.add_argument("--exclude", metavar="FILE",
                   help="rows already labeled, never suggested: a .txt file with one id per line, or a "
                        ".csv/.jsonl/.parquet file whose ids (--id-column) are taken")
    p.add_argument("--seed", type=int, default=0, help="random seed for ties and draws (default 0)")

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
