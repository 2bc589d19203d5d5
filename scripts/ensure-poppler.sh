#!/usr/bin/env bash
# The e2e tests read the generated PDFs (sign-in sheet, badges, certificates) with poppler's pdftotext,
# as a reader's search or copy would. Installs Debian's poppler-utils when it is missing and we may
# (root with apt-get); otherwise says what to run.
set -euo pipefail

command -v pdftotext >/dev/null 2>&1 && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pdftotext is missing: installing the Debian package 'poppler-utils' for the PDF tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q poppler-utils >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q poppler-utils >/dev/null; }
  command -v pdftotext >/dev/null 2>&1 && exit 0
fi

echo "The e2e tests need pdftotext. Install it with: sudo apt-get install -y poppler-utils" >&2
exit 1
