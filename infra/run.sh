#!/usr/bin/env bash
# Installs the toolchain and the workspace's dependencies, then runs one pnpm script with the
# remaining arguments: `bash infra/run.sh demo`, `bash infra/run.sh test:all`.
set -euo pipefail
cd "$(dirname "$0")/.."
. infra/toolchain.sh
# The store lives in the cache so fresh clones reuse downloaded packages.
pnpm install --frozen-lockfile --reporter=append-only \
  --store-dir "$STRATA_CACHE_DIR/pnpm-store" --config.confirmModulesPurge=false >&2
exec pnpm "$@"
