#!/usr/bin/env bash
# A MongoDB-wire database on loopback: FerretDB v1 with its SQLite backend, built from the Go
# module proxy's source of the release. Sourced by services.sh.

FERRETDB_VERSION=v1.24.2
MONGODB_PORT=${STRATA_MONGODB_PORT:-27017}
# The build carries one fix (see ferretdb_fix_id_index), so its install has a name of its own.
FERRETDB_HOME="$STRATA_CACHE_DIR/ferretdb-$FERRETDB_VERSION-id-index"

mongodb_address() {
  echo "127.0.0.1:$MONGODB_PORT"
}

mongodb_installed() {
  [ -x "$FERRETDB_HOME/bin/ferretdb" ]
}

# FerretDB 1.24's SQLite backend creates the unique `_id` index of a collection on the expression
# `_ferretdb_sjson->"_id"` but queries, updates and deletes by `_id` with
# `_ferretdb_sjson->'$._id'`. Both pick the same JSON value, yet SQLite uses an expression index
# only for the expression it was created on, so every `_id` lookup scans the whole table
# (`EXPLAIN QUERY PLAN` shows `SCAN`). The fix writes the query expression the way the index has
# it, and SQLite then serves `_id` lookups from the index (`SEARCH ... USING INDEX`).
ferretdb_fix_id_index() {
  local file="$1/internal/backends/sqlite/metadata/metadata.go"
  grep -q "IDColumn = DefaultColumn + \"->'\$._id'\"" "$file" ||
    die "mongodb: FerretDB source $file lacks the expected _id expression; ferretdb_fix_id_index matches FerretDB v1.24.2 only"
  sed -i "s/IDColumn = DefaultColumn + \"->'\$._id'\"/IDColumn = DefaultColumn + \`->\"_id\"\`/" "$file"
  grep -q 'IDColumn = DefaultColumn + `->"_id"`' "$file" ||
    die "mongodb: patching the _id expression in $file failed; check the sed pattern in ferretdb_fix_id_index"
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
  ferretdb_fix_id_index "$source"
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
