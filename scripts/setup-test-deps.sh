#!/usr/bin/env bash
# What `npm test` needs beyond node_modules, from Debian: chromium, for the dashboard page's
# browser tests (test/extension/webview.test.ts drives /usr/bin/chromium with playwright-core);
# postgresql and redis-server, for cloud-lite's scaled-out back ends (test/helpers/services.ts
# starts private servers from these binaries; the machine's own services are not used).
# Installs it with apt when missing (as root, or through sudo); otherwise says exactly what to
# install and exits non-zero: a test that cannot run is a failure, not a skip.
# Usage: scripts/setup-test-deps.sh [extra Debian packages…]   (e2e-setup.sh adds libkrb5-dev)
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
[ ${#missing[@]} -eq 0 ] && exit 0

fail() {
  echo "setup-test-deps: $*" >&2
  exit 1
}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "missing Debian packages: ${missing[*]} (as root: apt-get install -y ${missing[*]})"
  SUDO="sudo"
fi
echo "setup-test-deps: installing ${missing[*]} (apt)"
$SUDO apt-get update -qq || fail "apt-get update failed; install by hand: ${missing[*]}"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null ||
  fail "apt-get install failed; install by hand: ${missing[*]}"
