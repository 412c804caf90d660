#!/usr/bin/env bash
# with-postgres.sh CMD...: runs CMD with WAGATE_TEST_PG_URL pointing at a throw-away PostgreSQL cluster
# on a free loopback port, stops the cluster afterwards (always), and exits with CMD's exit code.
# If WAGATE_TEST_PG_URL is already set, CMD just runs against that server.
set -euo pipefail

if [ $# -eq 0 ]; then echo "usage: $0 CMD [ARGS...]" >&2; exit 2; fi
if [ -n "${WAGATE_TEST_PG_URL:-}" ]; then exec "$@"; fi

# Debian keeps the server binaries off PATH; prefer PATH, then the newest versioned directory.
bin_dir=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
  bin_dir="$(dirname "$(command -v pg_ctl)")"
else
  for candidate in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bin_dir="$candidate"; break; fi
  done
fi
if [ -z "$bin_dir" ]; then
  echo "with-postgres.sh: initdb/pg_ctl not found (install PostgreSQL: apt-get install -y postgresql)." >&2
  echo "The store tests need a real PostgreSQL; they are never skipped." >&2
  exit 1
fi

# initdb refuses to run as root: run the server tools as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

base="$(mktemp -d /tmp/wagate-pg.XXXXXX)"
data="$base/data"
mkdir -p "$data"
if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$base"; fi
chmod 700 "$base" "$data"

stop_cluster() {
  as_pg "$bin_dir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$base"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$bin_dir/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-sync >"$base/initdb.log" 2>&1 \
  || { echo "with-postgres.sh: initdb failed:" >&2; cat "$base/initdb.log" >&2; exit 1; }

started=""
for _ in 1 2 3 4 5; do
  port="$(free_port)"
  if as_pg "$bin_dir/pg_ctl" -D "$data" -l "$base/server.log" -w -t 30 \
       -o "-h 127.0.0.1 -p $port -k $base -c fsync=off" start >/dev/null 2>&1; then
    started=1; break
  fi
done
if [ -z "$started" ]; then
  echo "with-postgres.sh: PostgreSQL did not start:" >&2; cat "$base/server.log" >&2 || true; exit 1
fi

export WAGATE_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
set +e
"$@"
status=$?
set -e
exit "$status"
