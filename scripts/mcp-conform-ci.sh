#!/usr/bin/env bash
# mcp-conform-ci.sh — run the mcp-conform suite against an MCP server in any CI system.
#
# It builds mockas and mcp-conform from this repository, starts mockas, starts your server with
# MOCKAS_URL and SCALEKIT_ENVIRONMENT_URL pointing at it, waits for the server, runs the suite
# in cooperative mode, writes the reports, stops everything it started and exits with
# mcp-conform's exit code (0 no FAIL, 1 FAIL, 2 usage error or server unreachable).
#
# Settings (environment variables):
#   MCP_URL            required  the MCP endpoint to test, e.g. http://127.0.0.1:3000/mcp
#   START_COMMAND      optional  shell command that starts your server (the script runs it in
#                                the background, in the current directory, with MOCKAS_URL and
#                                SCALEKIT_ENVIRONMENT_URL set; a command that daemonizes itself
#                                and exits 0 works too); omit it if the server already runs
#   MOCKAS_ADDR        optional  where mockas listens (default 127.0.0.1:9000); the issuer is
#                                http://$MOCKAS_ADDR
#   SCOPES             optional  space-separated OPERATION=SCOPE declarations (TOOL=SCOPE,
#                                resources/read:URI=SCOPE, prompts/get:NAME=SCOPE, tools/list=SCOPE)
#   TOOL_ARGS          optional  TOOL=JSON lines (one per line): arguments instead of generated ones
#   TOOL_ARGS_FILE     optional  YAML or JSON file of scopes and arguments (--tool-args-file)
#   DISCOVER_SCOPES    optional  "true" learns scope requirements even when SCOPES declares some
#   ALLOW_TOOLS        optional  space-separated tools discovery may call though not read-only
#   RATE_LIMIT         optional  N/DURATION, e.g. 20/1s
#   SPEC_VERSION       optional  auto (default), 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28
#   STRICT             optional  "true" makes warnings fail
#   EXPECTED_FAILURES  optional  baseline YAML file
#   REPORT_DIR         optional  where reports go (default ./mcp-conform-reports)
#   WAIT_SECONDS       optional  how long to wait for mockas and the server (default 120)
#   SARIF_LOCATION     optional  repository-relative file the SARIF results point at (GitHub
#                                code scanning shows only results located in a file), e.g.
#                                .github/workflows/ci.yml; default: the target URL
#   MCP_CONFORM_SRC    optional  path of this repository (default: the script's parent directory)
#
# REPORT_DIR receives: mcp-conform.json, mcp-conform.xml (JUnit), mcp-conform.html,
# mcp-conform.sarif (SARIF 2.1.0, for code scanning), scopes.yaml (the scope map, declared
# and learned, loadable with TOOL_ARGS_FILE), summary.md
# (Markdown: counts and failed checks), outputs.txt (key=value: pass, fail, warn, skip, info,
# total, failed, unexpected, exit-code), mockas.log and server.log. Whatever goes wrong before
# the suite runs (missing setting, build failure, busy port, server never answering) exits 2.
set -euo pipefail

MOCKAS_ADDR="${MOCKAS_ADDR:-127.0.0.1:9000}"
REPORT_DIR="${REPORT_DIR:-./mcp-conform-reports}"
WAIT_SECONDS="${WAIT_SECONDS:-120}"
SRC="${MCP_CONFORM_SRC:-$(dirname "${BASH_SOURCE[0]}")/..}"

log() { echo "mcp-conform-ci: $*"; }

mkdir -p "$REPORT_DIR"
REPORT_DIR="$(cd "$REPORT_DIR" && pwd)"
rm -f "$REPORT_DIR"/mcp-conform.{json,xml,html,sarif} "$REPORT_DIR"/summary.md "$REPORT_DIR"/outputs.txt
BIN="$(mktemp -d)"
pids=()
cleanup() {
  # Each background job leads its own process group (set -m below): stop the whole group, so
  # a server started through "go run", npm or a shell wrapper goes away with its children.
  for pid in ${pids[@]+"${pids[@]}"}; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$BIN"
}
trap cleanup EXIT

# start NAME LOGFILE COMMAND...: runs COMMAND in the background in its own process group.
start() {
  local logfile="$2"
  shift 2
  set -m
  "$@" >"$logfile" 2>&1 &
  pids+=("$!")
  set +m
}

# wait_http URL PID [CURL_OPTION]: succeeds once URL answers any HTTP status (with -f: a
# success status); fails when PID (if any) exits with a non-zero status or WAIT_SECONDS pass.
# A PID that exits 0 (a start command that daemonizes the server) is not waited on any more.
wait_http() {
  local url="$1" pid="${2:-}" deadline=$((SECONDS + WAIT_SECONDS)) status
  until curl -s ${3:-} -o /dev/null --max-time 2 "$url"; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      status=0
      wait "$pid" 2>/dev/null || status=$?
      if [ "$status" -ne 0 ]; then
        log "the process meant to serve $url exited (status $status) before answering" >&2
        return 1
      fi
      log "the start command exited (status 0); waiting for $url to answer"
      pid=""
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$url did not answer within ${WAIT_SECONDS}s" >&2
      return 1
    fi
    sleep 0.2
  done
}

# answers URL: succeeds when something already answers at URL.
answers() { curl -s -o /dev/null --max-time 2 "$1"; }

# finish CODE: writes summary.md and outputs.txt for CODE and exits with it.
finish() {
  local code="$1" json="$REPORT_DIR/mcp-conform.json"
  if [ -s "$json" ] && [ -x "$BIN/mcp-conform" ] && "$BIN/mcp-conform" summary --exit-code "$code" "$json" >"$REPORT_DIR/summary.md" &&
    "$BIN/mcp-conform" summary --format outputs --exit-code "$code" "$json" >"$REPORT_DIR/outputs.txt"; then
    :
  else
    printf '### mcp-conform: the run did not complete (exit %s)\n\nSee the job log, mockas.log and server.log.\n' "$code" >"$REPORT_DIR/summary.md"
    printf 'pass=0\nfail=0\nwarn=0\nskip=0\ninfo=0\ntotal=0\nfailed=\nunexpected=\nexit-code=%s\n' "$code" >"$REPORT_DIR/outputs.txt"
  fi
  log "reports in $REPORT_DIR (exit $code)"
  exit "$code"
}

show_log() {
  echo "--- $1 (last 40 lines)"
  tail -n 40 "$1" 2>/dev/null || true
}

if [ -z "${MCP_URL:-}" ]; then
  log "MCP_URL is required (the MCP endpoint to test, e.g. http://127.0.0.1:3000/mcp)" >&2
  finish 2
fi

SRC="$(cd "$SRC" && pwd)" || finish 2
log "building tools from $SRC"
if ! (cd "$SRC" && go build -o "$BIN/mockas" ./cmd/mockas && go build -o "$BIN/mcp-conform" ./cmd/mcp-conform); then
  log "building mockas and mcp-conform from $SRC failed (is MCP_CONFORM_SRC a checkout of mcp-conform?)" >&2
  finish 2
fi

export MOCKAS_URL="http://$MOCKAS_ADDR"
export SCALEKIT_ENVIRONMENT_URL="$MOCKAS_URL"
if answers "$MOCKAS_URL/"; then
  log "something already listens on $MOCKAS_ADDR: stop it or set MOCKAS_ADDR (mockas-addr) to a free address" >&2
  finish 2
fi
if [ -n "${START_COMMAND:-}" ] && answers "$MCP_URL"; then
  log "something already answers at $MCP_URL before your server started: stop it, or leave START_COMMAND (start-command) empty to test it" >&2
  finish 2
fi
start mockas "$REPORT_DIR/mockas.log" "$BIN/mockas" --addr "$MOCKAS_ADDR" --ephemeral
wait_http "$MOCKAS_URL/health" "${pids[0]}" -f || { show_log "$REPORT_DIR/mockas.log"; finish 2; }
log "mockas ready at $MOCKAS_URL"

server_pid=""
if [ -n "${START_COMMAND:-}" ]; then
  start server "$REPORT_DIR/server.log" bash -c "$START_COMMAND"
  server_pid="${pids[${#pids[@]}-1]}"
fi
wait_http "$MCP_URL" "$server_pid" || { show_log "$REPORT_DIR/server.log"; finish 2; }
log "server answering at $MCP_URL"

args=(run --url "$MCP_URL" --mockas "$MOCKAS_URL"
  --json "$REPORT_DIR/mcp-conform.json" --junit "$REPORT_DIR/mcp-conform.xml" --html "$REPORT_DIR/mcp-conform.html"
  --sarif "$REPORT_DIR/mcp-conform.sarif" --write-scopes "$REPORT_DIR/scopes.yaml")
if [ -n "${SARIF_LOCATION:-}" ]; then args+=(--sarif-location "$SARIF_LOCATION"); fi
for s in ${SCOPES:-}; do args+=(--scope "$s"); done
while IFS= read -r line; do
  if [ -n "${line//[[:space:]]/}" ]; then args+=(--tool-args "$line"); fi
done <<<"${TOOL_ARGS:-}"
if [ -n "${TOOL_ARGS_FILE:-}" ]; then args+=(--tool-args-file "$TOOL_ARGS_FILE"); fi
if [ "${DISCOVER_SCOPES:-false}" = "true" ]; then args+=(--discover-scopes); fi
for s in ${ALLOW_TOOLS:-}; do args+=(--allow-tool "$s"); done
if [ -n "${RATE_LIMIT:-}" ]; then args+=(--rate-limit "$RATE_LIMIT"); fi
if [ -n "${SPEC_VERSION:-}" ]; then args+=(--spec-version "$SPEC_VERSION"); fi
if [ "${STRICT:-false}" = "true" ]; then args+=(--strict); fi
if [ -n "${EXPECTED_FAILURES:-}" ]; then args+=(--expected-failures "$EXPECTED_FAILURES"); fi

code=0
NO_COLOR=1 "$BIN/mcp-conform" "${args[@]}" || code=$?
if [ "$code" -ge 2 ]; then
  show_log "$REPORT_DIR/server.log"
  show_log "$REPORT_DIR/mockas.log"
fi
finish "$code"
