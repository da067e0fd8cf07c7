#!/usr/bin/env bash
# Installs the systems the benchmark compares Torpor with: Debian's docker.io (Docker Engine + containerd) and
# podman (runc runtime). Only the benchmark calls this; a Torpor node needs none of it. Idempotent: a second run
# installs nothing. The product's own prerequisites (runc, CRIU) come from scripts/install.sh.
set -Eeuo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

readonly PKGS=(docker.io podman)
say() { printf 'install-peers: %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { say "must run as root"; exit 1; }

missing=()
for p in "${PKGS[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" = "ii " ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "present: ${PKGS[*]}"
  exit 0
fi

log=$(mktemp /tmp/torpor-install-peers.XXXXXX.log)
say "apt-get install ${missing[*]} (log: $log)"
# No recommends: the benchmark runs containers on the host network, so neither the bridge helpers nor
# buildah/slirp4netns/fuse-overlayfs are needed, and needrestart must not prompt.
if ! { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  say "apt-get failed (full log: $log)"
  exit 1
fi
# docker.io's maintainer script may try to start the daemon through an init system this machine may not have;
# the benchmark starts dockerd itself with the flags it needs.
say "installed ${missing[*]}"
rm -f "$log"
