#!/usr/bin/env bash
# Installs what dvcqa needs, or says exactly what is missing:
#   Go modules (and the Ginkgo CLI pinned in go.mod),
#   Debian's Chromium and fonts that render Vietnamese (browser layer),
#   axe-core from npm (accessibility checks).
# Set DVCQA_BROWSER_URL to use a remote Chromium instead of a local one.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "dvcqa setup: $*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  say "Go is missing. Install Go 1.26 or newer (https://go.dev/dl/) and put it on PATH."
  exit 2
fi
need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' go.mod)
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
  say "Go $have is too old; go.mod needs Go $need or newer."
  exit 2
fi
go mod download

# Debian packages: chromium, libxml2-utils (xmllint), and fonts-liberation2 (the older Liberation fonts
# lack ế ớ ệ ơ ư ễ ị, which then fall back to another font in screenshots).
missing=()
if [ -z "${DVCQA_BROWSER_URL:-}" ] && [ ! -x /usr/lib/chromium/chromium ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if ! dpkg -s fonts-liberation2 >/dev/null 2>&1; then
  missing+=(fonts-liberation2)
fi
# xmllint validates junit.xml against the schema in reports/render/testdata.
if ! command -v xmllint >/dev/null 2>&1; then
  missing+=(libxml2-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} (apt-get)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing Debian packages: ${missing[*]}. Install them: sudo apt-get install -y ${missing[*]}"
    say "(or set DVCQA_BROWSER_URL to a remote Chromium's DevTools URL)"
    exit 2
  fi
fi

# axe-core, pinned in tools/a11y/package-lock.json.
if [ ! -f tools/a11y/node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd tools/a11y && npm ci --no-audit --no-fund --silent)
  else
    say "npm is missing: accessibility specs will be skipped (install Node.js and npm to run them)"
  fi
fi
