#!/usr/bin/env bash
# An S3 server on loopback: MinIO built with `go install` from the Go module proxy. Sourced by
# services.sh.

# MinIO tags its releases RELEASE.<date>, which Go modules do not take as versions, so the
# install pins the pseudo-version of the newest commit the module proxy serves (2026-02-12).
# Its go.mod requires Go 1.24 or newer; it builds with Go 1.26.
MINIO_MODULE_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
S3_PORT=${STRATA_S3_PORT:-9000}
S3_CONSOLE_PORT=${STRATA_S3_CONSOLE_PORT:-9001}
MINIO_HOME="$STRATA_CACHE_DIR/minio-$MINIO_MODULE_VERSION"
# Credentials of the local server only, overridden by S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.
# MinIO requires at least 3 characters for the user and 8 for the password.
S3_LOCAL_ACCESS_KEY_ID=${S3_ACCESS_KEY_ID:-strata-local}
S3_LOCAL_SECRET_ACCESS_KEY=${S3_SECRET_ACCESS_KEY:-strata-local-secret}
S3_LOCAL_REGION=${S3_REGION:-us-east-1}

s3_address() {
  echo "127.0.0.1:$S3_PORT"
}

s3_installed() {
  [ -x "$MINIO_HOME/bin/minio" ]
}

s3_install() {
  go_install "github.com/minio/minio@$MINIO_MODULE_VERSION" "$MINIO_HOME" >&2 ||
    die "s3: go install of MinIO $MINIO_MODULE_VERSION failed"
}

s3_start() {
  local dir
  dir=$(service_dir s3)
  require_free_port s3 "$S3_PORT"
  require_free_port s3 "$S3_CONSOLE_PORT"
  mkdir -p "$dir/data" "$dir/certs"
  # Update checks and call-home off; both listeners on loopback.
  MINIO_ROOT_USER="$S3_LOCAL_ACCESS_KEY_ID" MINIO_ROOT_PASSWORD="$S3_LOCAL_SECRET_ACCESS_KEY" \
    MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off MINIO_REGION="$S3_LOCAL_REGION" \
    start_daemon s3 "$MINIO_HOME/bin/minio" "$MINIO_HOME/bin/minio" server \
    --address "127.0.0.1:$S3_PORT" --console-address "127.0.0.1:$S3_CONSOLE_PORT" \
    --certs-dir "$dir/certs" --quiet "$dir/data"
}

# A signed ListBuckets request (AWS Signature Version 4, signed by curl).
s3_ready() {
  curl -sf -o /dev/null --max-time 5 \
    --aws-sigv4 "aws:amz:$S3_LOCAL_REGION:s3" \
    --user "$S3_LOCAL_ACCESS_KEY_ID:$S3_LOCAL_SECRET_ACCESS_KEY" \
    "http://127.0.0.1:$S3_PORT/"
}
