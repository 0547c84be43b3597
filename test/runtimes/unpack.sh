#!/usr/bin/env bash
# Puts the package, as `npm pack` makes it, into node_modules/ractogateway, where the runtime
# checks import it from (`ractogateway`, `ractogateway/instrument`), as an app does. Its
# dependencies are the root's, found one folder up. This matters on Deno, which gives code under
# node_modules Node's globals (Buffer, process, Node's timers) and code elsewhere its own.
# Run after `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tarball="$(npm pack --silent --pack-destination "$tmp" | tail -n 1)"
rm -rf node_modules/ractogateway
mkdir -p node_modules/ractogateway
tar -xzf "$tmp/$tarball" -C node_modules/ractogateway --strip-components=1
