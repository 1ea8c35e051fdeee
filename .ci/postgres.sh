#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, sourced by .ci/run (or by hand:
# `source .ci/postgres.sh && stk_postgres_start`). It installs Debian's postgresql package when no
# server binaries are found, initdb's a cluster in a temp dir owned by the `postgres` user (the
# server refuses to run as root), starts it on a free loopback port with a random password, exports
# STK_POSTGRES_CONNECTION (read by the tests that need PostgreSQL; they fail without it) and stops
# and deletes the cluster when the calling shell exits. Any failure returns non-zero: never a skip.

stk_postgres_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin /usr/local/bin /usr/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

stk_postgres_start() {
  local bin
  if ! bin=$(stk_postgres_bin); then
    echo "ci: installing postgresql for the farm tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || {
      echo "ci: could not install postgresql" >&2; return 1; }
    bin=$(stk_postgres_bin) || { echo "ci: postgresql installed but no initdb/pg_ctl found" >&2; return 1; }
  fi
  if ! id postgres >/dev/null 2>&1; then
    echo "ci: no postgres user to run the server as" >&2
    return 1
  fi

  STK_POSTGRES_DIR=$(mktemp -d /tmp/stk-pg.XXXXXX)
  chown postgres "$STK_POSTGRES_DIR"
  chmod 700 "$STK_POSTGRES_DIR"
  local password
  password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$password" >"$STK_POSTGRES_DIR/pw"
  chown postgres "$STK_POSTGRES_DIR/pw"
  runuser -u postgres -- "$bin/initdb" -D "$STK_POSTGRES_DIR/data" -U postgres --pwfile="$STK_POSTGRES_DIR/pw" \
    --auth=scram-sha-256 -E UTF8 --locale=C >"$STK_POSTGRES_DIR/initdb.log" 2>&1 || {
    cat "$STK_POSTGRES_DIR/initdb.log" >&2; echo "ci: initdb failed" >&2; return 1; }
  rm -f "$STK_POSTGRES_DIR/pw"
  trap 'stk_postgres_stop' EXIT

  # A free loopback port: try a few random ones; a port taken between the check and the start
  # makes pg_ctl fail, and the next one is tried.
  local attempt port
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue
    fi
    if runuser -u postgres -- "$bin/pg_ctl" -D "$STK_POSTGRES_DIR/data" -l "$STK_POSTGRES_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$STK_POSTGRES_DIR -c max_connections=300 -c fsync=on" \
      start >/dev/null 2>&1; then
      STK_POSTGRES_BIN=$bin
      export STK_POSTGRES_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"
      echo "ci: $("$bin/pg_ctl" --version) on 127.0.0.1:$port (cluster in $STK_POSTGRES_DIR)"
      return 0
    fi
  done
  tail -n 20 "$STK_POSTGRES_DIR/server.log" >&2 || true
  echo "ci: postgresql did not start" >&2
  return 1
}

stk_postgres_stop() {
  if [ -n "${STK_POSTGRES_DIR:-}" ] && [ -d "$STK_POSTGRES_DIR" ]; then
    if [ -n "${STK_POSTGRES_BIN:-}" ]; then
      runuser -u postgres -- "$STK_POSTGRES_BIN/pg_ctl" -D "$STK_POSTGRES_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$STK_POSTGRES_DIR"
  fi
}
