#!/usr/bin/env bash
# Fetch the browser-test tools from the npm registry (the only network the CI allows) into
# var/test-tools/: axe-core (accessibility rules, injected into pages by tests/e2e) and vnu-jar
# (the Nu Html Checker, run with the machine's Java). Pinned versions; idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
VNU_VERSION=26.9.27
dest=var/test-tools
mkdir -p "$dest"
fetch() {  # fetch <package> <version> <file inside the package> <target name>
  local target="$dest/$4"
  [ -s "$target" ] && [ -f "$target.version" ] && [ "$(cat "$target.version")" = "$2" ] && return 0
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null 2>&1 && tar -xzf ./*.tgz)
  cp "$tmp/package/$3" "$target"
  [ -f "$tmp/package/LICENSE" ] && cp "$tmp/package/LICENSE" "$target.LICENSE"
  echo "$2" >"$target.version"
  rm -rf "$tmp"
}
fetch axe-core "$AXE_VERSION" axe.min.js axe.min.js
fetch vnu-jar "$VNU_VERSION" build/dist/vnu.jar vnu.jar
ls -l "$dest"
