#!/usr/bin/env bash
# Optional system dependency: Debian's chromium, used by tests/plot/test_report_browser.py to check that the
# HTML report loads and renders its figures. Never fails the build: the test skips when chromium is absent.
set -u
if command -v chromium >/dev/null 2>&1; then
    echo "chromium already installed: $(command -v chromium)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else echo "not root and no sudo: skipping chromium"; exit 0; fi
fi
export DEBIAN_FRONTEND=noninteractive
if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq || true
    $SUDO apt-get install -y -qq chromium >/dev/null || echo "apt-get install chromium failed: the browser test will be skipped"
else
    echo "no apt-get: skipping chromium (the browser test will be skipped)"
fi
exit 0
