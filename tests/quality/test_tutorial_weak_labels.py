"""tutorials/08_weak_label_errors.py runs on the bundled data and its loop finds and fixes real weak-label errors."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_weak_label_tutorial_flags_checks_and_fixes(run_tutorial):
    text = run_tutorial("08_weak_label_errors.py")
    covered, wrong = map(int, re.search(r"^(\d+) of \d+ train rows have an LF vote; (\d+) of", text, re.M).groups())
    rounds = [tuple(map(int, m)) for m in re.findall(r"^round \d: (\d+) flagged; of the top (\d+) hand-checked, "
                                                      r"(\d+) weak labels were wrong$", text, re.M)]
    assert len(rounds) == 2, text
    base_rate = wrong / covered  # about 7% of the weak labels are wrong
    n_flagged, n_top, n_wrong = rounds[0]
    assert n_flagged >= n_top and n_wrong / n_top >= max(0.6, 5 * base_rate), text  # measured 21 of 25
    before, after = map(int, re.search(r"^weak labels wrong before: (\d+), after the loop: (\d+)$", text, re.M).groups())
    found = int(re.search(r"^hand-checked rows that were wrong: (\d+) of 50$", text, re.M).group(1))
    assert before == wrong and after == before - found and found >= 25, text
    acc = dict(re.findall(r"^end model test accuracy, (.+): ([\d.]+)$", text, re.M))
    assert set(acc) == {"weak labels", "+ 50 gold", "+ 50 gold + auto fixes"}, text
    # 50 gold rows do not hurt the end model (measured 0.948 vs 0.944; 0.008 = two test rows of slack)
    assert float(acc["+ 50 gold"]) >= float(acc["weak labels"]) - 0.008 and float(acc["weak labels"]) > 0.9
    assert text.strip().splitlines()[-1].startswith("end model test accuracy, + 50 gold + auto fixes")
