#!/usr/bin/env bash
# Install (or with --check only verify) what a Torpor node needs: runc, a
# CRIU >= 4.2 that can dump established TCP sockets on this kernel, and the
# helpers both exec. Idempotent: a second run installs nothing.
#
# Env: TORPOR_DEPS_DIR  where a private CRIU is unpacked (default /opt/torpor)
#      TORPOR_DEBIAN_MIRROR  Debian mirror URI (default: taken from apt sources)
set -Eeuo pipefail

readonly CRIU_MIN=4.2
# mosquitto is the MQTT broker a node given no --mqtt-broker starts itself (on 127.0.0.1, under its --data).
APT_PKGS=(runc iptables iproute2 containernetworking-plugins gcc make libc6-dev python3 curl zip procps mosquitto)
# Only for the tests: clang and its libFuzzer runtime fuzz the relay's HTTP parser (make -C init fuzz-short);
# awscli is the AWS CLI v2 the tests drive as a user would (it lands as /usr/bin/aws); prometheus carries
# promtool, which checks the node's metrics (no smaller package has it); chromium is the headless browser that
# DashboardIT drives over the DevTools protocol; nodejs and a Java 17 JVM run the managed runtimes' functions
# (ManagedRuntimesIT; python3 is the node's already, and the build's JDK >= 21 runs java21); mosquitto-clients
# carries the mosquitto_pub that LocalBrokerIT publishes with, as a device's sensor would.
readonly TEST_PKGS=(clang libclang-rt-dev awscli prometheus chromium nodejs openjdk-17-jre-headless mosquitto-clients)
readonly WRAPPER=/usr/local/sbin/criu
readonly WRAPPER_MARK='# torpor-criu-wrapper'
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
DEPS_DIR=${TORPOR_DEPS_DIR:-/opt/torpor}
CHECK_ONLY=0
APT_UPDATED=0
CLEANUPS=()

# Verify what runc will find: root's default PATH order, not a user's shims.
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: ERROR: %s\n' "$*" >&2; exit 1; }
cleanup() {
  local _c
  for ((_c = ${#CLEANUPS[@]} - 1; _c >= 0; _c--)); do eval "${CLEANUPS[_c]}" || true; done
}
trap cleanup EXIT
trap 'die "unexpected failure (line $LINENO: $BASH_COMMAND)"' ERR

usage() {
  cat <<'EOF'
usage: install.sh [--check | --test]
  (no args)  install runc, CRIU >= 4.2 and helpers if missing, then verify
  --check    only verify; exit 0 if the node is ready, 1 otherwise
  --test     also install what the tests need (clang with libFuzzer, the AWS CLI, promtool)
EOF
}

# Keep apt's chatter out of the progress output; show it only on failure.
APT_LOG=''
KEEP_LOG=0
run_logged() {
  [ -n "$APT_LOG" ] || {
    APT_LOG=$(mktemp /tmp/torpor-install.XXXXXX.log)
    CLEANUPS+=('[ "$KEEP_LOG" = 1 ] || rm -f "$APT_LOG"')
  }
  if ! "$@" >>"$APT_LOG" 2>&1; then
    tail -n 20 "$APT_LOG" | sed 's/^/install:   | /' >&2
    # shellcheck disable=SC2034  # read by the EXIT cleanup
    KEEP_LOG=1
    say "full log: $APT_LOG" >&2
    return 1
  fi
}

apt_update_once() {
  [ "$APT_UPDATED" = 1 ] && return 0
  say "apt-get update"
  run_logged apt-get update || die "apt-get update failed"
  APT_UPDATED=1
}

preflight() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (installs packages, and CRIU needs root to checkpoint)"

  local machine arch
  machine=$(uname -m)
  case $machine in x86_64 | aarch64) ;; *) die "unsupported CPU architecture '$machine' (need x86_64 or arm64)" ;; esac

  [ -r /etc/os-release ] || die "no /etc/os-release: not a Debian-like system"
  local id id_like
  id=$(. /etc/os-release && echo "${ID:-}")
  id_like=$(. /etc/os-release && echo "${ID_LIKE:-}")
  case " $id $id_like " in *" debian "*) ;; *) die "not a Debian-like system (ID=$id ID_LIKE=$id_like)" ;; esac
  command -v apt-get >/dev/null && command -v dpkg >/dev/null || die "apt-get/dpkg not found"
  arch=$(dpkg --print-architecture)
  case $arch in amd64 | arm64) ;; *) die "unsupported dpkg architecture '$arch' (need amd64 or arm64)" ;; esac

  # ns_last_pid only exists with CONFIG_CHECKPOINT_RESTORE; the config, when exposed, is a second opinion.
  [ -e /proc/sys/kernel/ns_last_pid ] ||
    die "kernel $(uname -r) lacks checkpoint/restore support (no /proc/sys/kernel/ns_last_pid; needs CONFIG_CHECKPOINT_RESTORE=y)"
  local cfg=/proc/config.gz cat=zcat
  [ -r "$cfg" ] || { cfg=/boot/config-$(uname -r); cat='cat'; }
  if [ -r "$cfg" ] && ! "$cat" "$cfg" | grep '^CONFIG_CHECKPOINT_RESTORE=y' >/dev/null; then
    die "kernel $(uname -r) is built without CONFIG_CHECKPOINT_RESTORE=y ($cfg)"
  fi
}

missing_pkgs() {
  # Status-Abbrev "ii " = installed; unknown packages make dpkg-query fail, which also means missing.
  local p
  for p in "${APT_PKGS[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" = "ii " ] || printf '%s\n' "$p"
  done
}

ensure_pkgs() {
  local missing
  mapfile -t missing < <(missing_pkgs)
  if [ ${#missing[@]} -eq 0 ]; then
    say "packages present: ${APT_PKGS[*]}"
    return 0
  fi
  [ "$CHECK_ONLY" = 0 ] || die "missing packages: ${missing[*]}"
  apt_update_once
  say "apt-get install ${missing[*]}"
  run_logged apt-get install -y --no-install-recommends "${missing[@]}" || die "apt-get install failed"
}

# Debian's package enables a system-wide mosquitto on port 1883, the port the node starts its own on: the node's
# broker is the one it starts, under its data, and stops with it.
disable_system_mosquitto() {
  command -v systemctl >/dev/null && [ -d /run/systemd/system ] || return 0
  if systemctl is-enabled --quiet mosquitto.service 2>/dev/null || systemctl is-active --quiet mosquitto.service 2>/dev/null; then
    say "disabling the system mosquitto.service (each node starts its own broker)"
    run_logged systemctl disable --now mosquitto.service || die "systemctl disable mosquitto failed"
  fi
}

# Prints the version of the criu on PATH if it runs and is >= CRIU_MIN.
usable_criu_version() {
  local v
  command -v criu >/dev/null || return 1
  v=$(criu --version 2>/dev/null | sed -n 's/^Version: *//p') || return 1
  [ -n "$v" ] && dpkg --compare-versions "$v" ge "$CRIU_MIN" || return 1
  echo "$v"
}

# First http(s) URI of the machine's main Debian archive (not -security/-updates).
debian_mirror() {
  if [ -n "${TORPOR_DEBIAN_MIRROR:-}" ]; then echo "$TORPOR_DEBIAN_MIRROR"; return; fi
  local codename f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -r "$f" ] || continue
      # deb822: one line per stanza "URIs<TAB>Suites", skipping disabled and deb-src-only stanzas.
      awk 'function flush() { if (uris != "" && types ~ /(^| )deb( |$)/ && enabled !~ /^[Nn]o/) print uris "\t" suites; uris = suites = types = enabled = "" }
           /^[ \t]*#/ { next }
           /^[ \t]*$/ { flush(); next }
           { k = tolower($1); sub(/:$/, "", k); $1 = ""; sub(/^ +/, "")
             if (k == "uris") uris = $0; else if (k == "suites") suites = $0
             else if (k == "types") types = $0; else if (k == "enabled") enabled = $0 }
           END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -r "$f" ] || continue
      sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" { print $2 "\t" $3 }'
    done
  } | awk -F'\t' -v cn="$codename" '
      { n = split($1, u, " "); m = split($2, s, " ")
        for (i = 1; i <= n; i++) { if (u[i] !~ /^https?:/) continue
          for (j = 1; j <= m; j++) { if (s[j] == cn && exact == "") exact = u[i]
                                     if (s[j] !~ /security/ && any == "") any = u[i] } } }
      END { if (exact != "") print exact; else if (any != "") print any }'
}

triplet() { case $(dpkg --print-architecture) in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; esac; }
ldso_name() { case $(dpkg --print-architecture) in amd64) echo ld-linux-x86-64.so.2 ;; arm64) echo ld-linux-aarch64.so.1 ;; esac; }

# The distro's CRIU is too old for this kernel: take testing's criu plus its
# whole library closure and run it through its own dynamic loader, so nothing
# of the host's libc is replaced.
fetch_criu_from_testing() {
  local mirror arch work ver dest t
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}; set TORPOR_DEBIAN_MIRROR"
  [ -r "$KEYRING" ] || die "$KEYRING missing: apt-get install debian-archive-keyring"
  arch=$(dpkg --print-architecture)
  t=$(triplet)
  mkdir -p "$DEPS_DIR"
  work=$(mktemp -d "$DEPS_DIR/.criu-fetch.XXXXXX")   # same filesystem as dest: the final mv is atomic
  CLEANUPS+=("rm -rf '$work'")
  mkdir -p "$work"/{sources,lists/partial,archives/partial,cache,log,root}
  : >"$work/status"   # empty dpkg status: download the full dependency closure
  printf 'Types: deb\nURIs: %s\nSuites: testing\nComponents: main\nSigned-By: %s\n' \
    "$mirror" "$KEYRING" >"$work/sources/testing.sources"
  local o=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources"
    -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=/dev/null"
    -o "Dir::State::Lists=$work/lists" -o "Dir::State::Status=$work/status"
    -o "Dir::State::extended_states=$work/extended_states"
    -o "Dir::Cache=$work/cache" -o "Dir::Cache::Archives=$work/archives" -o "Dir::Log=$work/log"
    -o "APT::Architecture=$arch" -o "APT::Architectures=$arch" -o "Acquire::Languages=none"
    -o "APT::Sandbox::User=root")   # private root-only dirs: _apt could not write them
  say "fetching criu from Debian testing ($mirror)"
  if ! run_logged apt-get "${o[@]}" --error-on=any update; then
    grep -q NO_PUBKEY "$APT_LOG" &&
      die "$KEYRING does not know the key signing Debian testing; upgrade debian-archive-keyring"
    die "apt-get update for Debian testing failed"
  fi
  run_logged apt-get "${o[@]}" install -y --download-only --no-install-recommends criu ||
    die "downloading criu from Debian testing failed"

  local debs=("$work"/archives/*.deb) deb
  ver=$(dpkg-deb -f "$work"/archives/criu_*.deb Version)
  ver=${ver#*:}
  dpkg --compare-versions "$ver" ge "$CRIU_MIN" || die "Debian testing has criu $ver, need >= $CRIU_MIN"
  for deb in "${debs[@]}"; do
    dpkg -x "$deb" "$work/root"
    dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >>"$work/root/.torpor-packages"
  done
  say "unpacked ${#debs[@]} packages (criu $ver)"

  dest="$DEPS_DIR/criu-$ver"
  rm -rf "$dest"
  mv "$work/root" "$dest"
  install_wrapper "$dest" "$t"
}

install_wrapper() {
  local dest=$1 t=$2 ld="" c libpath="" d content tmp
  for c in "usr/lib/$t" "lib/$t" usr/lib64 lib64; do
    [ -e "$dest/$c/$(ldso_name)" ] && { ld="$dest/$c/$(ldso_name)"; break; }
  done
  [ -n "$ld" ] || die "no $(ldso_name) in $dest"
  for d in "usr/lib/$t" "lib/$t" usr/lib lib; do
    [ -d "$dest/$d" ] && libpath+="${libpath:+:}$dest/$d"
  done
  # ld.so --library-path (unlike LD_LIBRARY_PATH) is not inherited by the
  # host tools criu execs (iptables-restore, ip), so they keep the host libc.
  content=$(printf '#!/bin/sh\n%s: CRIU from %s, run with its private libraries.\nexec %s --argv0 criu --library-path %s %s "$@"\n' \
    "$WRAPPER_MARK" "$dest" "$ld" "$libpath" "$dest/usr/sbin/criu")
  if [ -e "$WRAPPER" ] && [ "$(cat "$WRAPPER")" = "$content" ]; then return 0; fi
  mkdir -p "${WRAPPER%/*}"
  tmp=$(mktemp "$WRAPPER.XXXXXX")
  printf '%s\n' "$content" >"$tmp"
  chmod 755 "$tmp"
  mv -f "$tmp" "$WRAPPER"
  say "installed wrapper $WRAPPER -> $dest"
}

ensure_criu() {
  local v cand
  if v=$(usable_criu_version); then
    say "criu $v present ($(command -v criu))"
    return 0
  fi
  [ "$CHECK_ONLY" = 0 ] || die "no working criu >= $CRIU_MIN on PATH"
  if [ -e "$WRAPPER" ] && ! grep -qF "$WRAPPER_MARK" "$WRAPPER"; then
    die "$WRAPPER exists, is not Torpor's wrapper and is not a working criu >= $CRIU_MIN; remove or rename it"
  fi
  apt_update_once
  cand=$(apt-cache policy criu 2>/dev/null | sed -n 's/^ *Candidate: *//p')
  if [ -n "$cand" ] && [ "$cand" != "(none)" ] && dpkg --compare-versions "$cand" ge "$CRIU_MIN"; then
    say "apt-get install criu ($cand)"
    run_logged apt-get install -y --no-install-recommends criu || die "apt-get install criu failed"
    rm -f "$WRAPPER"   # only ours can be here (checked above); it would shadow the distro's
  else
    say "distro criu is ${cand:-unavailable} (< $CRIU_MIN)"
    fetch_criu_from_testing
  fi
  v=$(usable_criu_version) || die "criu still not usable after install (criu --version: $(criu --version 2>&1 | head -n 3))"
  say "criu $v installed ($(command -v criu))"
}

# Kill an orphaned pid and wait until it is dead (a zombie counts: init reaps it).
stop_pid() {
  local n st
  kill -9 "$1" 2>/dev/null || return 0
  for ((n = 0; n < 50; n++)); do
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
    [ "${st%% *}" = Z ] && return 0
    sleep 0.02
  done
}

# The check that matters for Torpor: a process holding an established TCP
# connection, alone in its own network namespace, can be dumped.
verify_criu() {
  local out
  if ! out=$(criu check 2>&1); then
    printf '%s\n' "$out" | tail -n 20 | sed 's/^/install:   | /' >&2
    die "'criu check' failed"
  fi
  say "criu check: $(printf '%s\n' "$out" | tail -n 1)"

  local dir pid i
  dir=$(mktemp -d /tmp/torpor-criu-test.XXXXXX)
  CLEANUPS+=("rm -rf '$dir'")
  # unshare without --fork execs in place, so the pid printed is python's and
  # the netns dies with it. The outer sh orphans it, else bash reports its SIGKILL.
  pid=$(sh -c '"$@" </dev/null >"$0" 2>&1 & echo $!' "$dir/proc.log" \
    unshare -n sh -c 'ip link set lo up && cd / && exec python3 -I -c "$1" "$2"' sh '
import os, socket, sys, time
# CI may run us in a pid namespace whose session leader lies outside it, and
# with descriptors inherited from elsewhere: CRIU refuses both.
os.setsid(); os.closerange(3, 1024)
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
c.sendall(b"ping"); s.recv(4); s.sendall(b"unread")
open(sys.argv[1], "w").write("ready")
time.sleep(60)
' "$dir/ready")
  CLEANUPS+=("stop_pid $pid")
  for ((i = 0; i < 100; i++)); do
    [ -s "$dir/ready" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -s "$dir/ready" ] || { cat "$dir/proc.log" >&2; die "TCP test process did not start"; }

  mkdir "$dir/img"
  if ! criu dump -t "$pid" -D "$dir/img" -o dump.log -v4 --shell-job --tcp-established >/dev/null 2>&1; then
    tail -n 25 "$dir/img/dump.log" 2>/dev/null | sed 's/^/install:   | /' >&2
    die "CRIU cannot dump an established TCP connection on this machine (log above)"
  fi
  grep -q 'Dumping finished successfully' "$dir/img/dump.log" || die "criu dump exited 0 but its log does not say it finished"
  say "criu dump of an established TCP connection: ok"
}

# What the last full run verified: this script, the kernel, the packages asked for and the state of dpkg, and the
# runc and CRIU found. While it is unchanged, a run has nothing to install or learn: ./torpor node starts at once.
fingerprint() {
  local bin
  sha256sum <"${BASH_SOURCE[0]}"
  printf '%s\n' "$(uname -r)" "${APT_PKGS[*]}" "$(stat -c %Y /var/lib/dpkg/status 2>/dev/null)"
  for bin in runc criu; do
    bin=$(command -v "$bin") && stat -Lc '%n %s %Y' "$bin"
  done
  return 0
}

summary() {
  local runc_v criu_v where
  runc_v=$(runc --version 2>/dev/null | sed -n 's/^runc version *//p')
  criu_v=$(usable_criu_version)
  where=$(command -v criu)
  if grep -qF "$WRAPPER_MARK" "$where" 2>/dev/null; then
    where="$where -> $(awk '/^exec /{ sub(/\/usr\/sbin\/criu$/, "", $(NF-1)); print $(NF-1) }' "$where")"
  fi
  say "ready: runc ${runc_v:-?}, criu $criu_v ($where), kernel $(uname -r)"
}

main() {
  case "${1:-}" in
    "") ;;
    --check) CHECK_ONLY=1 ;;
    --test) APT_PKGS+=("${TEST_PKGS[@]}") ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
  [ $# -le 1 ] || { usage >&2; exit 1; }
  case $DEPS_DIR in *[[:space:]]*) die "TORPOR_DEPS_DIR must not contain whitespace" ;; /*) ;;
    *) die "TORPOR_DEPS_DIR must be an absolute path" ;; esac

  local marker="$DEPS_DIR/verified${1:+-${1#--}}"
  if [ "$CHECK_ONLY" = 0 ] && [ -f "$marker" ] && [ "$(fingerprint)" = "$(cat "$marker")" ]; then
    exit 0
  fi
  preflight
  ensure_pkgs
  [ "$CHECK_ONLY" = 1 ] || disable_system_mosquitto
  ensure_criu
  verify_criu
  summary
  if [ "$CHECK_ONLY" = 0 ]; then
    mkdir -p "$DEPS_DIR"
    fingerprint >"$marker"
  fi
}

main "$@"
