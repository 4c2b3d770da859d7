"""The UCI YouTube Spam Collection, bundled, split the way the Snorkel spam tutorial and WRENCH split it."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd

from weaksup.errors import DataFileError, MissingFileError

FILES = ("Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv", "Youtube04-Eminem.csv")
TEST_FILE = "Youtube05-Shakira.csv"
SPAM, HAM = 1, 0
CLASS_NAMES = ["HAM", "SPAM"]


COLUMNS = ("COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS")


def _data_dir() -> Any:
    return resources.files("weaksup.datasets").joinpath("data", "youtube_spam")


def _read(name: str) -> pd.DataFrame:
    path = _data_dir().joinpath(name)
    # a damaged install is named as such, not left to a raw pandas or OS traceback
    try:
        with path.open("r", encoding="utf-8") as fh:
            df = pd.read_csv(fh)
    except FileNotFoundError as exc:
        raise MissingFileError(f"the bundled YouTube spam file {name} is missing ({path}); reinstall weaksup") from exc
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(f"the bundled YouTube spam file {name} cannot be read ({exc}); reinstall weaksup") from exc
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataFileError(f"the bundled YouTube spam file {name} lacks the column(s) {missing}; reinstall weaksup")
    bad = ~df["CLASS"].isin([HAM, SPAM])
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise DataFileError(f"the bundled YouTube spam file {name} has CLASS {df['CLASS'].iloc[row]!r} at data row "
                            f"{row}, not 0 or 1; reinstall weaksup")
    df["CLASS"] = df["CLASS"].astype("int64")
    video = name.split("-")[0].removeprefix("Youtube")
    df = df.rename(columns={"COMMENT_ID": "comment_id", "AUTHOR": "author", "DATE": "date", "CONTENT": "text",
                            "CLASS": "label"})
    df["video"] = int(video)
    # Comment ids repeat across files, so row ids are file number + row number: unique and stable.
    df.index = pd.Index([f"{video}-{i:03d}" for i in range(len(df))], name="row_id")
    return df


def load_youtube_spam(hide_train_labels: bool = True, seed: int = 123) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Load the bundled YouTube spam comments as ``(train, valid, test)`` DataFrames.

    Files 01-04 (each shuffled with ``seed``) are train, 1586 rows; file 05 is split
    stratified and seeded into valid (120) and test (250), as in the Snorkel spam
    tutorial and WRENCH. Columns: ``comment_id, author, date, text, label, video``;
    ``label`` is 1 = spam, 0 = ham (``CLASS_NAMES``), and -1 in train unless
    ``hide_train_labels=False`` (use the gold train labels for evaluation only).

    Examples
    --------
    >>> train, valid, test = load_youtube_spam()
    >>> len(train), len(valid), len(test)
    (1586, 120, 250)
    >>> int((train.label == -1).sum())
    1586
    """
    from sklearn.model_selection import train_test_split

    train = pd.concat([_read(f).sample(frac=1, random_state=seed) for f in FILES])
    last = _read(TEST_FILE).sample(frac=1, random_state=seed)
    valid, test = train_test_split(last, test_size=250, random_state=seed, stratify=last["label"])
    if hide_train_labels:
        train = train.assign(label=-1)
    return train, valid, test
