#!/usr/bin/env bash
# Install Debian's Chromium for the real-browser tests (tests/browser) when `chromium` is not on PATH.
# Playwright drives this system browser; never run `playwright install` (it downloads one, which fails offline).
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    echo "install-chromium: using $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-chromium: chromium is missing and installing it needs root or sudo" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

if ! command -v chromium >/dev/null 2>&1; then
    echo "install-chromium: apt-get installed chromium but it is not on PATH" >&2
    exit 1
fi
echo "install-chromium: installed $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
