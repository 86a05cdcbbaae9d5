#!/usr/bin/env bash
# Builds the sandbox image without an image registry: a Debian bookworm root
# filesystem from Debian's packages (debootstrap), plus Node 22 and npm copied
# from the host, imported with `docker import`. Equivalent to sandbox/Dockerfile.
#
# Usage: sandbox/build-offline.sh [--force] [IMAGE]   (default image: agent-sandbox:latest)
# Env:   DEBIAN_MIRROR (default: the mirror apt uses), NODE_BIN, NPM_DIR, AGENT_SANDBOX_CACHE
set -euo pipefail

force=0
image=""
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
    *) image="$arg" ;;
  esac
done
image="${image:-${AGENT_SANDBOX_IMAGE:-agent-sandbox:latest}}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

if [ "$force" = 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "image $image already present (use --force to rebuild)"
  exit 0
fi

need() { command -v "$1" >/dev/null || { echo "build-offline: '$1' is required ($2)" >&2; exit 1; }; }
need docker "apt-get install -y docker.io"
need debootstrap "apt-get install -y debootstrap"

# The same mirror apt is configured with, so this works wherever apt does.
apt_mirror() {
  grep -hoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    awk '{print $2}' | grep -m1 '/debian/\?$' || true
}
mirror="${DEBIAN_MIRROR:-$(apt_mirror)}"
mirror="${mirror:-http://deb.debian.org/debian}"

node_bin="${NODE_BIN:-$repo/node_modules/node/bin/node}"
[ -x "$node_bin" ] || node_bin="$(command -v node)"
[ "$("$node_bin" -p 'process.versions.node.split(".")[0]')" -ge 22 ] ||
  { echo "build-offline: need a Node >= 22 binary (set NODE_BIN)" >&2; exit 1; }
npm_dir="${NPM_DIR:-$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")}"
[ -f "$npm_dir/package.json" ] || { echo "build-offline: npm not found (set NPM_DIR to an npm package directory)" >&2; exit 1; }

# Downloaded .debs are kept so rebuilds do not fetch them again.
cache="${AGENT_SANDBOX_CACHE:-/var/cache/agent-sandbox/debs}"
mkdir -p "$cache"
root="$(mktemp -d /tmp/agent-sandbox-root.XXXXXX)"
trap 'rm -rf "$root" "$root.log"' EXIT

start=$SECONDS
echo "debootstrap bookworm from $mirror"
debootstrap --variant=minbase --cache-dir="$cache" \
  --include=bash,coreutils,git,python3,ripgrep,procps,ca-certificates,less,xz-utils \
  bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
echo "debootstrap done in $((SECONDS - start)) s"

install -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# Keep the image small: package lists and docs are not needed at run time.
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/var/cache/apt/*.bin
chmod 1777 "$root/tmp"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV HOME=/tmp' \
  --change 'WORKDIR /workspace' \
  --change 'CMD ["bash"]' \
  - "$image" >/dev/null
docker run --rm --network none "$image" sh -c 'node --version && npm --version >/dev/null && git --version >/dev/null && rg --version >/dev/null && python3 --version >/dev/null' >/dev/null
echo "built $image in $((SECONDS - start)) s"
