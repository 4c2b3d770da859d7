"""The HTML report loads in headless Chromium and every inlined figure decodes (skipped without Chromium)."""

import re
import shutil
import subprocess

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from weaksup import LabelMatrix  # noqa: E402
from weaksup.models import MajorityVoter  # noqa: E402
from weaksup.plot import report  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def dump_dom(path):
    out = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
         "--dump-dom", path.resolve().as_uri()],
        capture_output=True, text=True, timeout=90,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/install_chromium.sh installs it)")
def test_report_renders_its_images_in_chromium(tmp_path):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 100)
    dense = np.where(rng.random((100, 4)) < 0.6, np.where(rng.random((100, 4)) < 0.8, y[:, None], 1 - y[:, None]), -1)
    L = LabelMatrix.from_dense(dense, cardinality=2)
    path = report(tmp_path / "report.html", L, model=MajorityVoter(cardinality=2).fit(L), Y=y)
    dom = dump_dom(path)
    # the page's load handler marks each <img> that decoded with a non-zero natural width
    status = re.search(r'id="image-status" data-rendered="(\d+)" data-total="(\d+)"', dom)
    assert status, "the page's script did not run"
    assert status.groups() == ("5", "5")
    assert dom.count('data-rendered="yes"') == 5 and 'data-rendered="no"' not in dom
    assert "<h2>Pairwise LF agreement</h2>" in dom


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_a_broken_image_is_reported_as_not_rendered(tmp_path):
    # guards the check itself: a corrupt image must not count as rendered
    L = LabelMatrix.from_dense(np.array([[0, 1], [1, 1], [-1, 0]]))
    path = report(tmp_path / "r.html", L, Y=[0, 1, 0])
    page = path.read_text()
    path.write_text(page.replace("data:image/png;base64,", "data:image/png;base64,AAAA", 1))
    dom = dump_dom(path)
    status = re.search(r'data-rendered="(\d+)" data-total="(\d+)"', dom.split('id="image-status"')[1])
    assert int(status.group(1)) == int(status.group(2)) - 1
