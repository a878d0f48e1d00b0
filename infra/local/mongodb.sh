#!/usr/bin/env bash
# A MongoDB-wire database on loopback: FerretDB v1 with its SQLite backend, built from the Go
# module proxy's source of the release. Sourced by services.sh.

FERRETDB_VERSION=v1.24.2
MONGODB_PORT=${STRATA_MONGODB_PORT:-27017}
FERRETDB_HOME="$STRATA_CACHE_DIR/ferretdb-$FERRETDB_VERSION"

mongodb_address() {
  echo "127.0.0.1:$MONGODB_PORT"
}

mongodb_installed() {
  [ -x "$FERRETDB_HOME/bin/ferretdb" ]
}

# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@VERSION` builds a binary that panics at
# start, because the module archive lacks the generated build/version/version.txt that the
# release process writes. So this downloads the module, writes that file as FerretDB's
# build/version package documents, and builds the command from the copy.
mongodb_install() {
  command -v go >/dev/null || die "mongodb: go is not on PATH; it is needed to build FerretDB"
  local module_dir source="$FERRETDB_HOME/src"
  module_dir=$(cd /tmp && go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -d "$module_dir" ] || die "mongodb: go mod download of FerretDB $FERRETDB_VERSION failed"
  rm -rf "$source"
  mkdir -p "$FERRETDB_HOME/bin"
  cp -r "$module_dir" "$source"
  chmod -R u+w "$source"
  echo "$FERRETDB_VERSION" >"$source/build/version/version.txt"
  (cd "$source" && GOFLAGS=-buildvcs=false go build -trimpath \
    -o "$FERRETDB_HOME/bin/ferretdb.partial" ./cmd/ferretdb) >&2 ||
    die "mongodb: building FerretDB $FERRETDB_VERSION failed"
  mv "$FERRETDB_HOME/bin/ferretdb.partial" "$FERRETDB_HOME/bin/ferretdb"
  rm -rf "$source"
}

mongodb_start() {
  local dir
  dir=$(service_dir mongodb)
  require_free_port mongodb "$MONGODB_PORT"
  mkdir -p "$dir/data"
  # Telemetry off, and no debug HTTP listener (`-` disables it), so the server opens no socket
  # besides its loopback MongoDB port.
  start_daemon mongodb "$FERRETDB_HOME/bin/ferretdb" "$FERRETDB_HOME/bin/ferretdb" \
    --handler=sqlite --sqlite-url="file:$dir/data/" \
    --listen-addr="127.0.0.1:$MONGODB_PORT" --debug-addr=- \
    --telemetry=disable --state-dir="$dir" --log-level=warn --log-format=text
}

mongodb_ready() {
  probe mongodb 127.0.0.1 "$MONGODB_PORT"
}
