#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store tests (never for real data).
#
#   bash scripts/pg.sh start [DIR]   install PostgreSQL if missing, create the cluster in DIR (default .pg/),
#                                    start it on 127.0.0.1 (port 55432 or the next free one), create the
#                                    database storyline_test and print its URL
#   bash scripts/pg.sh url [DIR]     print the URL of the running cluster
#   bash scripts/pg.sh stop [DIR]    stop it (the files stay; `rm -rf .pg` to forget it)
#   bash scripts/pg.sh status [DIR]
#
# Idempotent: `start` on a running cluster only prints the URL. Authentication is `trust` for connections
# from this machine, which is fine for a cluster that holds nothing but test data and listens on loopback only.
# Environment: STORYLINE_PG_DIR (instead of DIR), STORYLINE_PG_PORT (first port to try), PG_BIN (binaries).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CMD="${1:-start}"
DIR="${2:-${STORYLINE_PG_DIR:-$ROOT/.pg}}"
FIRST_PORT="${STORYLINE_PG_PORT:-55432}"
DB="storyline_test"

DIR="$(realpath -m "$DIR")"
DATA="$DIR/data"      # PGDATA
SOCK="$DIR/run"       # unix socket directory, so we never touch /var/run/postgresql
LOG="$DIR/server.log"
PORT_FILE="$DIR/port"

die() { echo "pg.sh: $*" >&2; exit 1; }

find_bin() {
    # Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin.
    if [[ -n "${PG_BIN:-}" && -x "$PG_BIN/pg_ctl" ]]; then echo "$PG_BIN"; return 0; fi
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/pg_ctl" && -x "$d/initdb" ]]; then echo "$d"; return 0; fi
    done
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
    fi
    return 1
}

install_pg() {
    [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed; run as root or: sudo apt-get install -y postgresql"
    echo "pg.sh: installing PostgreSQL with apt-get" >&2
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
}

# Run a PostgreSQL program as the owner of the cluster: the server refuses to run as root.
as_owner() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

port_free() {
    # Something answering on the port, or a socket lock file of ours, means it is taken.
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && [[ ! -e "$SOCK/.s.PGSQL.$1.lock" ]]
}

url() {
    [[ -f "$PORT_FILE" ]] || die "no cluster in $DIR; run: bash scripts/pg.sh start"
    echo "postgresql://postgres@127.0.0.1:$(cat "$PORT_FILE")/$DB"
}

psql_admin() {
    as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(cat "$PORT_FILE")" -U postgres -d postgres "$@"
}

start() {
    BIN="$(find_bin)" || { install_pg; BIN="$(find_bin)" || die "PostgreSQL binaries not found after install"; }
    mkdir -p "$DIR"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' system user (the Debian package creates it)"
        chown -R postgres: "$DIR"
    fi
    chmod 700 "$DIR"
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
            || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    as_owner mkdir -p "$SOCK"
    if ! running; then
        local port="$FIRST_PORT"
        until port_free "$port"; do
            port=$((port + 1))
            ((port < FIRST_PORT + 50)) || die "no free port in $FIRST_PORT..$port"
        done
        # Durability is pointless for test data; turning it off makes the suite several times faster.
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o \
            "-c listen_addresses=127.0.0.1 -p $port -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            >/dev/null || { tail -n 20 "$LOG" >&2; die "server did not start (log: $LOG)"; }
        echo "$port" | as_owner tee "$PORT_FILE" >/dev/null
    fi
    if [[ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]]; then
        psql_admin -c "CREATE DATABASE $DB"
    fi
    url
}

stop() {
    BIN="$(find_bin)" || { echo "pg.sh: PostgreSQL is not installed; nothing to stop" >&2; return 0; }
    if running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        echo "pg.sh: stopped the cluster in $DIR" >&2
    fi
}

case "$CMD" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    status)
        BIN="$(find_bin)" || die "PostgreSQL is not installed"
        if running; then echo "running: $(url)"; else echo "stopped"; exit 3; fi
        ;;
    *) die "usage: bash scripts/pg.sh {start|stop|url|status} [DIR]" ;;
esac
