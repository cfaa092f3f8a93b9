#!/usr/bin/env bash
# bench-mockas.sh — mockas side by side with oauth2-mock-server (the anchor) under one load
# generator (scripts/loadgen), in one run, as docs/benchmarks.md reports it.
#
# It installs the pinned anchor (scripts/bench/package.json, package-lock.json) with npm ci,
# builds mockas, starts both on loopback, runs scripts/loadgen (interleaved rounds: JWKS,
# metadata, token endpoint, RS256 signing rate), then the abuse cases against mockas with its
# resident memory, and stops what it started. The token endpoint is also compared with two
# bare token servers that only sign (scripts/loadgen/bare.go): how many tokens/s any
# net/http server reaches on these cores. Needs Go, Node 20+ and npm.
#
# Settings: CONC (default 8), DUR (per phase, default 3s), ROUNDS (default 2), ONLY (load only
# the endpoints whose name contains it: JWKS, metadata, token).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

(cd "$root/scripts/bench" && npm ci --no-audit --no-fund --silent)
go build -o "$work/mockas" "$root/cmd/mockas"
go build -o "$work/loadgen" "$root/scripts/loadgen"

# ready waits for a "…: serving URL" line in $1 and prints the URL.
ready() {
  for _ in $(seq 100); do
    if url=$(sed -n 's/^[a-z]*: serving \([^ ]*\).*/\1/p' "$1") && [ -n "$url" ]; then echo "$url"; return; fi
    sleep 0.1
  done
  echo "bench-mockas: no ready line in $1" >&2; cat "$1" >&2; exit 1
}

"$work/mockas" --addr 127.0.0.1:0 --ephemeral --log-format json >"$work/mockas.out" 2>/dev/null &
pids+=($!); mockas_pid=$!
node "$root/scripts/bench/anchor.mjs" 0 >"$work/anchor.out" 2>&1 &
pids+=($!); anchor_pid=$!
# The controls: bare token servers (scripts/loadgen/bare.go), with Go's defaults and with the
# runtime settings of the mockas binary.
"$work/loadgen" -serve-bare 127.0.0.1:0 >"$work/bare.out" 2>&1 &
pids+=($!); bare_pid=$!
"$work/loadgen" -serve-bare 127.0.0.1:0 -mockas-runtime >"$work/bare-rt.out" 2>&1 &
pids+=($!); bare_rt_pid=$!
mockas_url=$(ready "$work/mockas.out")
anchor_url=$(ready "$work/anchor.out" | sed 's#//localhost:#//127.0.0.1:#')

"$work/loadgen" -mockas "$mockas_url" -anchor "$anchor_url" -c "${CONC:-8}" -d "${DUR:-3s}" \
  -rounds "${ROUNDS:-2}" -abuse -mockas-pid "$mockas_pid" -anchor-pid "$anchor_pid" ${ONLY:+-only "$ONLY"} \
  -bare "defaults=$(ready "$work/bare.out")@$bare_pid" -bare "mockas runtime=$(ready "$work/bare-rt.out")@$bare_rt_pid"
