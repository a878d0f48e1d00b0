#!/usr/bin/env bash
# Two local OCI registries (Debian's docker-registry) on loopback, and real images built without
# Docker by umoci and pushed by skopeo, for the registry tests and for trying `strata publish`:
#
#   registry.sh up      install the Debian packages when missing, start both registries, build
#                       the images (cached by recipe) and push them; prints KEY=value lines
#   registry.sh down    stop both registries
#   registry.sh status  exit 0 when both registries run, 1 otherwise
#   registry.sh env     print the KEY=value lines only
#
# Images, each level built FROM the one before, like a distribution, a runtime and an
# application:
#   REGISTRY/strata-test/distro:1   2 layers
#   REGISTRY/strata-test/runtime:1  3 layers, the first 2 those of distro:1
#   REGISTRY/strata-test/app:1      4 layers, the first 3 those of runtime:1
#   REGISTRY/strata-test/multi:1   an index of app:1 (linux/amd64) and an attestation entry
#   ZSTD_REGISTRY/strata-test/app:1 app:1 recompressed with zstd: new layer digests, same diff IDs
# The zstd copy goes to a second registry that has never seen the gzip layers, because skopeo
# reuses compressed blobs a registry already has and would otherwise keep gzip.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REGISTRY_PORT=${STRATA_REGISTRY_PORT:-5101}
ZSTD_REGISTRY_PORT=${STRATA_ZSTD_REGISTRY_PORT:-5102}
IMAGE_CACHE_DIR=$STRATA_CACHE_DIR/registry-images

say() {
  echo "registry: $*" >&2
}

install_packages() {
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v umoci >/dev/null || missing+=(umoci)
  command -v skopeo >/dev/null || missing+=(skopeo)
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "registry: ${missing[*]} missing; install them as root: apt-get install -y ${missing[*]}"
  say "installing ${missing[*]}"
  apt-get update -qq >&2 || die "registry: apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 ||
    die "registry: apt-get install ${missing[*]} failed"
}

# Writes the config of one registry: loopback only, filesystem storage, no auth, no
# notifications, and deletes enabled so tests can reset repositories.
write_config() {
  local name=$1 port=$2 dir
  dir=$(service_dir "$name")
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
}

start_registry() {
  local name=$1 port=$2
  if running_pid "$name" >/dev/null; then
    return 0
  fi
  require_free_port "$name" "$port"
  write_config "$name" "$port"
  start_daemon "$name" "$(service_dir "$name")/config.yml" \
    "$(command -v docker-registry)" serve "$(service_dir "$name")/config.yml"
  eval "${name//-/_}_probe() { curl -fsS -o /dev/null http://127.0.0.1:$port/v2/; }"
  wait_ready "$name" "${name//-/_}_probe" || die "$name: did not become ready on 127.0.0.1:$port"
  say "$name ready on 127.0.0.1:$port"
}

# Adds one layer holding FILE with CONTENT to the image TAG of the layout.
add_layer() {
  local layout=$1 tag=$2 file=$3 content=$4 bundle
  bundle=$(mktemp -d)
  rmdir "$bundle"
  umoci unpack --image "$layout:$tag" "$bundle" >/dev/null
  mkdir -p "$(dirname "$bundle/rootfs/$file")"
  printf '%s\n' "$content" >"$bundle/rootfs/$file"
  umoci repack --image "$layout:$tag" "$bundle" >/dev/null
  rm -rf "$bundle"
}

# The recipe of the images; its hash names the cache entry, so changing it rebuilds.
build_recipe() {
  local layout=$1
  umoci init --layout "$layout"
  umoci new --image "$layout:distro"
  add_layer "$layout" distro etc/os-release 'ID=strata-test-distro'
  add_layer "$layout" distro usr/lib/libc.txt 'strata test libc 1.0'
  umoci tag --image "$layout:distro" runtime
  add_layer "$layout" runtime usr/lib/runtime/VERSION 'strata test runtime 2.1'
  umoci tag --image "$layout:runtime" app
  add_layer "$layout" app app/main.txt 'strata test application 0.3'
}

# Builds the OCI layout once per recipe and prints its directory. umoci records timestamps, so
# a rebuild gives new digests; the cache keeps digests stable across test runs.
build_images() {
  local key layout
  key=$(declare -f build_recipe add_layer build_images | sha256sum | cut -c1-16)
  layout=$IMAGE_CACHE_DIR/$key/layout
  if [ ! -f "$IMAGE_CACHE_DIR/$key/done" ]; then
    say "building images into $layout"
    rm -rf "$IMAGE_CACHE_DIR/$key"
    mkdir -p "$IMAGE_CACHE_DIR/$key"
    build_recipe "$layout" >&2
    skopeo copy --quiet --dest-decompress "oci:$layout:app" "dir:$IMAGE_CACHE_DIR/$key/app-uncompressed" >&2
    # The `docker save` format: manifest.json, the config and uncompressed layer tars.
    skopeo copy --quiet "oci:$layout:app" \
      "docker-archive:$IMAGE_CACHE_DIR/$key/app-docker-save.tar:strata-test/app:1" >&2
    touch "$IMAGE_CACHE_DIR/$key/done"
  fi
  echo "$IMAGE_CACHE_DIR/$key"
}

push_images() {
  local cache=$1 tag
  for tag in distro runtime app; do
    skopeo copy --quiet --dest-tls-verify=false "oci:$cache/layout:$tag" \
      "docker://127.0.0.1:$REGISTRY_PORT/strata-test/$tag:1" >&2
  done
  skopeo copy --quiet --dest-tls-verify=false --dest-compress-format zstd \
    "dir:$cache/app-uncompressed" "docker://127.0.0.1:$ZSTD_REGISTRY_PORT/strata-test/app:1" >&2
}

# Prints a descriptor of the manifest REPO:TAG on the gzip registry, with extra JSON fields.
manifest_descriptor() {
  local repository=$1 tag=$2 extra=$3 file
  file=$(mktemp)
  curl -fsS -o "$file" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://127.0.0.1:$REGISTRY_PORT/v2/$repository/manifests/$tag"
  printf '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,%s}' \
    "$(sha256sum "$file" | cut -d' ' -f1)" "$(wc -c <"$file")" "$extra"
  rm -f "$file"
}

# Pushes an image index strata-test/multi:1 with app:1 as linux/amd64 and distro:1 posing as
# an attestation manifest (platform unknown/unknown, BuildKit's reference annotations), which
# readers must skip. A registry requires every manifest an index lists in the same repository.
push_index() {
  local cache=$1 tag image attestation
  for tag in app distro; do
    skopeo copy --quiet --dest-tls-verify=false "oci:$cache/layout:$tag" \
      "docker://127.0.0.1:$REGISTRY_PORT/strata-test/multi:$tag" >&2
  done
  image=$(manifest_descriptor strata-test/multi app '"platform":{"os":"linux","architecture":"amd64"}')
  attestation=$(manifest_descriptor strata-test/multi distro \
    '"platform":{"os":"unknown","architecture":"unknown"},"annotations":{"vnd.docker.reference.type":"attestation-manifest"}')
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
    "$image" "$attestation" |
    curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' \
      --data-binary @- "http://127.0.0.1:$REGISTRY_PORT/v2/strata-test/multi/manifests/1" ||
    die "registry: pushing the index strata-test/multi:1 failed"
}

print_env() {
  local cache=$1
  echo "STRATA_TEST_REGISTRY=127.0.0.1:$REGISTRY_PORT"
  echo "STRATA_TEST_ZSTD_REGISTRY=127.0.0.1:$ZSTD_REGISTRY_PORT"
  echo "STRATA_TEST_OCI_LAYOUT=$cache/layout"
  echo "STRATA_TEST_DOCKER_SAVE=$cache/app-docker-save.tar"
}

main() {
  local cache
  case "${1:-}" in
    up)
      install_packages
      start_registry registry-gzip "$REGISTRY_PORT"
      start_registry registry-zstd "$ZSTD_REGISTRY_PORT"
      cache=$(build_images)
      push_images "$cache"
      push_index "$cache"
      print_env "$cache"
      ;;
    down)
      stop_daemon registry-gzip
      stop_daemon registry-zstd
      ;;
    env)
      print_env "$(build_images)"
      ;;
    status)
      running_pid registry-gzip >/dev/null && running_pid registry-zstd >/dev/null
      ;;
    *)
      echo "usage: registry.sh up|down|status|env" >&2
      exit 2
      ;;
  esac
}

main "$@"
