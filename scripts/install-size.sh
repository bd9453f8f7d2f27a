#!/usr/bin/env bash
# Install weight of the published packages as a user gets it: each package is packed (`pnpm pack`),
# then a few combinations are installed with npm into empty scratch folders and `du` measures
# node_modules. Needs a build (`pnpm build`). Figures go to docs/benchmarks.md ("Install weight").
#
#   bash scripts/install-size.sh [label]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
label=${1:-now}
out=$(mktemp -d "${TMPDIR:-/tmp}/incidents-install-size-XXXXXX")
mkdir -p "$out/tgz"
for p in core store-turso kb-sync store-dynamo; do
  (cd "$root/packages/$p" && pnpm pack --pack-destination "$out/tgz" >/dev/null)
done
tgz() { ls "$out"/tgz/incidents-"$1"-*.tgz; }
# The tarballs name each other by version; point those names at the tarballs.
overrides="{\"@incidents/core\":\"file:$(tgz core)\",\"@incidents/store-turso\":\"file:$(tgz store-turso)\",\"@incidents/kb-sync\":\"file:$(tgz kb-sync)\"}"
echo "| set | node_modules (apparent) | on disk | @aws-sdk packages |"
echo "|---|---:|---:|---:|"
for set in "core store-turso" "core store-turso kb-sync" "core store-dynamo"; do
  dir="$out/$(echo "$set" | tr ' ' '+')"
  mkdir -p "$dir"
  deps=""
  for p in $set; do deps="$deps\"@incidents/$p\":\"file:$(tgz "$p")\","; done
  echo "{\"name\":\"install-size\",\"private\":true,\"dependencies\":{${deps%,}},\"overrides\":$overrides}" >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  aws=$(ls "$dir/node_modules/@aws-sdk" 2>/dev/null | wc -l)
  echo "| $label: $set | $(du -sh --apparent-size "$dir/node_modules" | cut -f1) | $(du -sh "$dir/node_modules" | cut -f1) | $aws |"
done
rm -rf "$out"
