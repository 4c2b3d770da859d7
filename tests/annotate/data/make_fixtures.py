"""Make the Label Studio fixtures beside this file from a real server (run by hand, once; not a test).

Start Label Studio on the loopback (see README.md here), then run, from the repository root:
``LS_URL=http://127.0.0.1:8089 LS_TOKEN=... python tests/annotate/data/make_fixtures.py``.
It creates a project with weaksup's label_config, imports tasks written by export_label_studio,
checks they arrived with their predictions, annotates some through the API (as two users), and
saves the project's JSON, JSON-MIN and CSV exports here.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

from weaksup import LabelMatrix
from weaksup.annotate import export_label_studio, label_config, read_label_studio
from weaksup.quality import suggest_labels

HERE = Path(__file__).parent
URL, TOKEN = os.environ["LS_URL"], os.environ["LS_TOKEN"]
TOKEN2 = os.environ.get("LS_TOKEN2")  # a second annotator, when one was made
CLASSES = ["HAM", "SPAM"]


def call(method, path, body=None, token=TOKEN, raw=False):
    req = urllib.request.Request(URL + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = resp.read()
    return data if raw else json.loads(data or b"null")


def choice(label):
    return [{"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": [label]}}]


def main():
    ids = ["007", 7, "7", "α 1", 2.5, True, "r6", "r7"]  # strings that look like numbers, and a mix of types
    texts = ["WIN a free prize now", "see you at lunch", "cheap meds, click here", "thanks for the notes",
             "URGENT: claim your reward", "meeting moved to 3pm", "you have been selected!!!", "ok, sounds good"]
    data = pd.DataFrame({"text": texts}, index=pd.Index(ids, dtype=object))
    L = LabelMatrix.from_dense(np.array([[1, -1], [0, 0], [1, 1], [-1, 0], [1, -1], [-1, -1], [1, 0], [0, -1]]),
                               lf_names=["keyword", "regex"], index=data.index)
    probs = np.array([[0.2, 0.8], [0.9, 0.1], [0.05, 0.95], [0.7, 0.3], [0.35, 0.65], [0.5, 0.5], [0.45, 0.55],
                      [0.8, 0.2]])
    config = label_config(CLASSES)
    (HERE / "label_config.xml").write_text(config + "\n")
    tasks = export_label_studio(HERE / "tasks.json", data, probs, L, class_names=CLASSES,
                                priority=suggest_labels(L, probs, len(ids), seed=0), model_version="weaksup-test")
    for old in call("GET", "/api/projects")["results"]:  # a rerun starts from an empty project
        call("DELETE", f"/api/projects/{old['id']}", raw=True)
    project = call("POST", "/api/projects", {"title": "weaksup round trip", "label_config": config})
    pid = project["id"]
    print("project", pid)
    print("import", call("POST", f"/api/projects/{pid}/import", tasks))
    got = call("GET", f"/api/tasks?project={pid}&page_size=100&fields=all")
    got = got["tasks"] if isinstance(got, dict) else got
    assert len(got) == len(tasks), len(got)
    key = lambda d: (d["weaksup_id"], d["weaksup_id_type"])  # noqa: E731  ("7" and 7 are two rows)
    by_id = {key(t["data"]): t for t in got}
    for task in tasks:
        server = by_id[key(task["data"])]
        assert server["data"] == task["data"], (server["data"], task["data"])
        preds = call("GET", f"/api/predictions?task={server['id']}")
        assert len(preds) == 1, preds
        assert preds[0]["result"][0]["value"] == task["predictions"][0]["result"][0]["value"], preds
        assert abs(preds[0]["score"] - task["predictions"][0]["score"]) < 1e-9, preds
        assert preds[0]["model_version"] == "weaksup-test", preds
    print("tasks and predictions arrived:", len(got))

    def annotate(row, label=None, cancelled=False, token=TOKEN):
        tid = by_id[(row, "str") if isinstance(row, str) else (repr(row), type(row).__name__)]["id"]
        body = {"result": [] if label is None else choice(label), "was_cancelled": cancelled}
        return call("POST", f"/api/tasks/{tid}/annotations", body, token=token)

    annotate("007", "SPAM")
    annotate("7", "HAM")                      # the string "7", not the integer 7
    annotate("7", "SPAM", token=TOKEN2 or TOKEN)  # a second annotator disagrees: a tie
    annotate("α 1", cancelled=True)           # skipped
    annotate(2.5, "SPAM")
    annotate(2.5, "SPAM", token=TOKEN2 or TOKEN)
    annotate(True)                            # submitted without a choice
    # 7 (the integer), r6, r7: nobody
    for kind, name in (("JSON", "ls_export.json"), ("JSON_MIN", "ls_export_min.json"), ("CSV", "ls_export.csv")):
        body = call("GET", f"/api/projects/{pid}/export?exportType={kind}&download_all_tasks=true", raw=True)
        (HERE / name).write_bytes(body)
        print(name, len(body), "bytes")
    for name in ("ls_export.json", "ls_export_min.json", "ls_export.csv"):
        print(name, read_label_studio(HERE / name, CLASSES).to_dict())
        print(read_label_studio(HERE / name, CLASSES, kind="annotations").to_dict("records"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
