#!/usr/bin/env bash
# What the test suite drives besides the node's own parts (scripts/install.sh): real clients the tests use as a
# user would. Debian packages only; idempotent. Called by `./torpor test`.
#   awscli   the AWS CLI v2 (lands as /usr/bin/aws; tests call it by that path, another `aws` may come first on PATH)
#   prometheus  for promtool, which checks a real /metrics scrape (MetricsIT); the only Debian package that carries it
set -euo pipefail
readonly PKGS=(awscli prometheus)
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${PKGS[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" = "ii " ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-test-tools: apt-get install ${missing[*]}"
log=$(mktemp)
if ! { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "install-test-tools: ERROR: could not install ${missing[*]} (log: $log)" >&2
  exit 1
fi
rm -f "$log"
