#!/usr/bin/env bash
# Installs what dvcqa needs, or says exactly what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1; then
  echo "dvcqa setup: Go is missing. Install Go 1.26 or newer (https://go.dev/dl/) and put it on PATH." >&2
  exit 2
fi
need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' go.mod)
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
  echo "dvcqa setup: Go $have is too old; go.mod needs Go $need or newer." >&2
  exit 2
fi
# Modules (and the Ginkgo CLI pinned as a tool in go.mod) from the module proxy.
go mod download
