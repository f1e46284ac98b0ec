#!/usr/bin/env bash
# FerretDB v1 (MongoDB wire protocol on SQLite) for the integration tests, built from the
# Go module proxy and cached between runs. No Docker and no MongoDB server are needed.
#
# Usage (run it; do not source it):
#   eval "$(.ci/ferretdb.sh start)"   # build if needed, start on a free port, print exports:
#                                     #   MONGODB_URL, FERRETDB_PID, FERRETDB_STATE_DIR
#   MONGODB_URL=... npm test
#   .ci/ferretdb.sh stop              # stops $FERRETDB_PID, removes $FERRETDB_STATE_DIR
#   .ci/ferretdb.sh build             # only build (or find) the cached binary; prints its path
#
# Only the `export ...` lines go to stdout; everything else goes to stderr.
#
# Environment:
#   FERRETDB_CACHE_DIR  where binaries are kept (default ${XDG_CACHE_HOME:-$HOME/.cache}/chat-api)
#   FERRETDB_VERSIONS   versions to try, in order (default "v1.24.1 v1.24.0": the proxy refuses
#                       v1.24.1 here, so v1.24.0 is what is normally built)
#   FERRETDB_DB         database name put in MONGODB_URL (default chat)
set -euo pipefail
shopt -s inherit_errexit

log() { printf '[ferretdb] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cache_dir="${FERRETDB_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/chat-api}"
versions="${FERRETDB_VERSIONS:-v1.24.1 v1.24.0}"
module="github.com/FerretDB/FerretDB"

# A cached binary is usable when it runs and reports a version.
usable() { [[ -x "$1" ]] && "$1" --version >/dev/null 2>&1; }

# Prints the path of a working binary, building it first when no cached one works.
build() {
  command -v go >/dev/null || die "go is not installed (needed to build FerretDB)"
  mkdir -p "$cache_dir"

  local version bin
  for version in $versions; do
    bin="$cache_dir/ferretdb-$version"
    if usable "$bin"; then
      log "using cached FerretDB $version: $bin"
      printf '%s\n' "$bin"
      return 0
    fi
  done

  local json dir="" work started
  for version in $versions; do
    log "downloading $module@$version from the Go module proxy"
    if json="$(go mod download -json "$module@$version" 2>&1)"; then
      dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
      [[ -n "$dir" && -d "$dir" ]] && break
      log "no module directory in the answer for $version"
    else
      log "$version not available: $(printf '%s\n' "$json" | grep -m1 -o '"Error": ".*' || printf '%s' "$json" | head -n 3)"
    fi
    dir=""
  done
  [[ -n "$dir" ]] || die "no FerretDB version could be downloaded (tried: $versions)"

  bin="$cache_dir/ferretdb-$version"
  log "building FerretDB $version (about a minute when Go's build cache is cold)"
  started=$SECONDS
  work="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-src.XXXXXX")"
  # The module cache is read-only; build in a writable copy.
  cp -R "$dir/." "$work/"
  chmod -R u+w "$work"
  # The module zip has no build/version/version.txt, and the binary panics at start without it.
  printf '%s\n' "$version" >"$work/build/version/version.txt"
  # Build to a temporary name and rename, so a concurrent run never sees half a binary.
  if ! (cd "$work" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -buildvcs=false -trimpath \
        -o "$bin.tmp.$$" ./cmd/ferretdb) >&2; then
    rm -rf "$work" "$bin.tmp.$$"
    die "go build of FerretDB $version failed"
  fi
  mv -f "$bin.tmp.$$" "$bin"
  rm -rf "$work"
  usable "$bin" || die "the freshly built $bin does not run"
  log "built FerretDB $version in $((SECONDS - started))s: $bin ($("$bin" --version 2>&1 | head -n 1))"
  printf '%s\n' "$bin"
}

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

start() {
  local bin state port pid deadline
  bin="$(build)"
  state="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-state.XXXXXX")"
  mkdir -p "$state/data"
  port="$(free_port)"
  [[ "$port" =~ ^[0-9]+$ ]] || die "could not pick a free port"

  log "starting FerretDB on 127.0.0.1:$port (state in $state)"
  # stdin/stdout/stderr away from the caller so that "$(.ci/ferretdb.sh start)" returns.
  nohup "$bin" --handler=sqlite --sqlite-url="file:$state/data/" --state-dir="$state" \
    --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-level=warn \
    </dev/null >"$state/ferretdb.log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$state/ferretdb.pid"

  # Up to 30 s for the port to accept connections.
  deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$state/ferretdb.log" >&2 || true
      rm -rf "$state"
      die "FerretDB exited before accepting connections"
    fi
    if ((SECONDS >= deadline)); then
      cat "$state/ferretdb.log" >&2 || true
      kill "$pid" 2>/dev/null || true
      rm -rf "$state"
      die "FerretDB did not accept connections on port $port within 30 s"
    fi
    sleep 0.2
  done

  local url="mongodb://127.0.0.1:$port/${FERRETDB_DB:-chat}"
  # When the project's mongodb driver is installed, also check that it answers a ping.
  if node -e 'require.resolve("mongodb")' 2>/dev/null; then
    if ! MONGODB_URL="$url" node -e '
      const { MongoClient } = require("mongodb");
      const client = new MongoClient(process.env.MONGODB_URL, { serverSelectionTimeoutMS: 10000 });
      client.db().command({ ping: 1 })
        .then((r) => { console.error(`[ferretdb] ping ok: ${JSON.stringify(r)}`); return client.close(); })
        .catch((e) => { console.error(`[ferretdb] ping failed: ${e.message}`); process.exit(1); });
    '; then
      cat "$state/ferretdb.log" >&2 || true
      kill "$pid" 2>/dev/null || true
      rm -rf "$state"
      die "FerretDB does not answer a ping"
    fi
  fi

  log "ready: $url (pid $pid)"
  printf 'export MONGODB_URL=%q\n' "$url"
  printf 'export FERRETDB_PID=%q\n' "$pid"
  printf 'export FERRETDB_STATE_DIR=%q\n' "$state"
}

stop() {
  local pid="${FERRETDB_PID:-}" state="${FERRETDB_STATE_DIR:-}" i
  if [[ -z "$pid" && -n "$state" && -f "$state/ferretdb.pid" ]]; then pid="$(cat "$state/ferretdb.pid")"; fi
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    log "stopping FerretDB (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "FerretDB did not stop within 5 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  # Only ever remove a directory this script made.
  if [[ -n "$state" && -d "$state" && "$(basename "$state")" == ferretdb-state.* ]]; then
    rm -rf "$state"
  fi
}

case "${1:-start}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 [build|start|stop]" ;;
esac
