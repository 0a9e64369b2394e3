#!/usr/bin/env bash
# Runs a command (the store tests) with a throwaway PostgreSQL server:
#   scripts/postgres-test.sh go test -count=1 ./store/...
# The server lives in a temporary folder, listens on a free loopback port
# with trust authentication for 127.0.0.1 only, and is stopped and removed
# however the command ends; the script exits with the command's status.
# The command sees DVCQA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable.
#
# PostgreSQL comes from Debian's `postgresql` package: installed (quietly,
# without starting Debian's own cluster) when missing and this runs as root
# with apt-get; otherwise the command runs without the variable and the
# PostgreSQL tests say they are skipped. A DVCQA_TEST_POSTGRES_URL already
# set names a server of your own: the command then runs against it.
set -uo pipefail

say() { echo "dvcqa: $*" >&2; }

if [ $# -eq 0 ]; then
  say "usage: scripts/postgres-test.sh COMMAND [ARG...]"
  exit 2
fi

if [ -n "${DVCQA_TEST_POSTGRES_URL:-}" ]; then
  say "DVCQA_TEST_POSTGRES_URL is set: the PostgreSQL store tests use that server"
  exec "$@"
fi

ready_timeout=60 # seconds pg_ctl and pg_isready may wait for the server

# pg_bin prints the folder holding initdb, pg_ctl and pg_isready: Debian's
# newest /usr/lib/postgresql/*/bin, else the one on PATH.
pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      echo "$d"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

# install_postgres installs Debian's package without starting the cluster
# it creates: a policy-rc.d that refuses every service start, for the
# length of the install only (an existing one is left as it is).
install_postgres() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  say "installing PostgreSQL (apt-get install postgresql)"
  local policy=/usr/sbin/policy-rc.d ours=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && ours=1
  fi
  local rc=0
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || rc=$?
  [ -n "$ours" ] && rm -f "$policy"
  return $rc
}

bin=$(pg_bin) || { install_postgres && bin=$(pg_bin); } || bin=""
if [ -z "$bin" ]; then
  say "PostgreSQL is not installed (apt-get install postgresql): the PostgreSQL store tests are skipped"
  unset DVCQA_TEST_POSTGRES_URL
  exec "$@"
fi
isready="$bin/pg_isready"
[ -x "$isready" ] || isready=$(command -v pg_isready) || isready=""

# initdb and the server refuse to run as root: as root they run as the
# postgres system user (Debian's package creates it), in a folder it owns.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres || { say "cannot create the postgres user"; exit 2; }
  fi
  as_owner=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/dvcqa-postgres.XXXXXX") || exit 2
data="$dir/data"
started=""
cleanup() {
  if [ -n "$started" ]; then
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w -t "$ready_timeout" stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ ${#as_owner[@]} -gt 0 ]; then
  chown postgres "$dir"
fi
chmod 700 "$dir"
if ! "${as_owner[@]}" "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
  say "initdb failed:"
  cat "$dir/initdb.log" >&2
  exit 2
fi
# Trust on 127.0.0.1 only: no Unix socket, no other address, no other rule.
echo "host all all 127.0.0.1/32 trust" >"$data/pg_hba.conf"

# free_port prints a loopback port nothing listens on (the kernel's pick).
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' && return 0
  fi
  echo $((20000 + RANDOM % 40000))
}

# Another process may take the port between the pick and the start: a few
# attempts, each with a new port.
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  if "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t "$ready_timeout" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c fsync=off -c max_connections=100" \
    start >/dev/null 2>&1; then
    started=1
    break
  fi
  [ -f "$data/postmaster.pid" ] && started=1 # stop whatever half started
  if [ "$attempt" = 5 ]; then
    say "PostgreSQL did not start:"
    tail -n 20 "$dir/server.log" >&2
    exit 2
  fi
done

if [ -n "$isready" ] && ! "$isready" -q -h 127.0.0.1 -p "$port" -t "$ready_timeout"; then
  say "PostgreSQL on 127.0.0.1:$port is not ready after ${ready_timeout}s:"
  tail -n 20 "$dir/server.log" >&2
  exit 2
fi

export DVCQA_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
say "throwaway PostgreSQL $("$bin/postgres" --version | sed -n 's/^[^0-9]*\([0-9][0-9.]*\).*/\1/p') on 127.0.0.1:$port (removed afterwards)"
"$@"
status=$?
exit $status
