#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/web/test_browser.py), if it is missing.
#
#   bash scripts/browser.sh        idempotent: does nothing when /usr/bin/chromium runs
#
# Playwright's Python package drives this system browser (executable_path=/usr/bin/chromium);
# `playwright install` is never used, so no browser build is downloaded from elsewhere.
# Needs root (or sudo) for apt-get the first time.
set -euo pipefail

CHROMIUM="${STORYLINE_CHROMIUM:-/usr/bin/chromium}"

if [[ -x "$CHROMIUM" ]] && "$CHROMIUM" --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1; then
    echo "browser.sh: $("$CHROMIUM" --version 2>/dev/null || echo chromium) is installed" >&2
    exit 0
fi

SUDO=""
if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "browser.sh: run as root, or: sudo apt-get install -y chromium" >&2; exit 1; }
    SUDO="sudo"
fi
echo "browser.sh: installing chromium with apt-get" >&2
$SUDO apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium >&2
"$CHROMIUM" --version >&2
