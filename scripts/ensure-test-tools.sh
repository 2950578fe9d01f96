#!/usr/bin/env bash
# Before `npm test`: the system tools some tests drive. The page is tested in Debian's chromium
# (never a downloaded browser) and PDFs read back with poppler-utils. Installed with apt when missing and allowed (root); otherwise says what to install.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the tests (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The tests need: ${missing[*]}. Install them, e.g. sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
