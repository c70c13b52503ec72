#!/usr/bin/env bash
# Set up everything pubpipe needs on a fresh Debian machine: system packages
# (fonts, poppler, Java for epubcheck, chromium for the browser test), a venv
# with pubpipe and its test tools, and the official JATS DTDs (npm @jats4r/dtds).
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(fonts-noto-cjk fonts-noto-core fonts-dejavu-core poppler-utils
              default-jre-headless chromium libpango-1.0-0 libpangoft2-1.0-0
              libharfbuzz-subset0 nodejs npm)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from elsewhere (the machine's own Node.js): accept those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
# default-jre-headless: any Java 11+ will do.
if command -v java >/dev/null; then missing=("${missing[@]/default-jre-headless}"); fi
want=(); for p in "${missing[@]}"; do [ -n "$p" ] && want+=("$p"); done
if [ ${#want[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

# Official JATS DTDs from npm, installed under vendor/ (ignored by git).
if [ ! -f vendor/jats-dtds/node_modules/@jats4r/dtds/schema/catalog.xml ]; then
  mkdir -p vendor/jats-dtds
  (cd vendor/jats-dtds && npm install --silent --no-audit --no-fund --prefix . @jats4r/dtds@0.0.10 >/dev/null)
fi
# DAISY Ace (EPUB accessibility checker, tests/epub) under vendor/ace, driving Debian's
# chromium: PUPPETEER_SKIP_DOWNLOAD stops puppeteer fetching a browser of its own.
# Not fatal: without it the Ace test is skipped (and says so).
if [ ! -x vendor/ace/node_modules/.bin/ace-cli ]; then
  mkdir -p vendor/ace
  (cd vendor/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix . \
     @daisy/ace-cli@1.4.6 >/dev/null) || echo "setup: DAISY Ace did not install; its test will be skipped" >&2
fi
echo "pubpipe set up: .venv/bin/pubpipe, JATS DTDs in vendor/jats-dtds, DAISY Ace in vendor/ace"
