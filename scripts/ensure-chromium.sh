#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never `npx playwright install`). Installs it when it is
# missing and we may (root with apt-get); otherwise says what to run.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing the Debian package 'chromium' for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  [ -x "$CHROMIUM" ] && exit 0
fi

echo "The browser tests need Chromium at $CHROMIUM. Install it with: sudo apt-get install -y chromium" >&2
exit 1
