#!/usr/bin/env bash
# What the tests need beyond Python packages; idempotent; run as root.
#  - Java (Debian's OpenJDK 17 runtime) when missing, for the Spark engine's tests;
#  - Debian's Chromium, driven by Playwright (its own browser download is not used);
#  - Node.js and npm (Debian's) when missing, and axe-core from the npm registry,
#    pinned by tests/web/axe/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-noto-core >/dev/null
fi
if ! command -v npm >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
fi
if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql-client >/dev/null
fi
if ! command -v java >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if [ ! -f tests/web/axe/node_modules/axe-core/axe.min.js ]; then
    (cd tests/web/axe && npm ci --no-audit --no-fund --silent)
fi
