#!/bin/sh
# Start the production topology on this machine, for tests and load runs: N Daphne
# processes, the task worker and the scheduler, on the PostgreSQL and Redis named by
# DATABASE_URL and REDIS_URL (both required), loopback only. Everything started is stopped
# on Ctrl-C or `deploy/local-cluster.sh stop`.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionhome_load \
#   REDIS_URL=redis://127.0.0.1:6379/5 deploy/local-cluster.sh start 8161 8162
#
# Ports default to 8161 8162. Logs and pids go to $VAR_DIR/cluster (default ./var/cluster).
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
VAR_DIR=${VAR_DIR:-$PWD/var}
RUN_DIR="$VAR_DIR/cluster"
export VAR_DIR

stop() {
    [ -d "$RUN_DIR" ] || exit 0
    for pidfile in "$RUN_DIR"/*.pid; do
        [ -e "$pidfile" ] || continue
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

start() {
    : "${DATABASE_URL:?set DATABASE_URL (PostgreSQL)}"
    : "${REDIS_URL:?set REDIS_URL}"
    export DATABASE_URL REDIS_URL
    mkdir -p "$RUN_DIR"
    "$BIN/python" manage.py migrate --noinput >"$RUN_DIR/migrate.log"
    # With DEBUG=0 pages need the collected, hashed static files (as in production).
    STATIC_ROOT=${STATIC_ROOT:-$VAR_DIR/static}
    export STATIC_ROOT
    "$BIN/python" manage.py collectstatic --noinput >"$RUN_DIR/collectstatic.log"
    [ "$#" -gt 0 ] || set -- 8161 8162
    # A port something already answers on would pass the readiness probe below on behalf of
    # a Daphne that failed to bind: refuse it.
    for port in "$@"; do
        if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
            echo "port $port is already in use" >&2
            exit 1
        fi
    done
    for port in "$@"; do
        "$BIN/daphne" -b 127.0.0.1 -p "$port" unionhome.config.asgi:application \
            >"$RUN_DIR/daphne-$port.log" 2>&1 &
        echo $! >"$RUN_DIR/daphne-$port.pid"
    done
    "$BIN/python" manage.py db_worker --no-startup-delay >"$RUN_DIR/worker.log" 2>&1 &
    echo $! >"$RUN_DIR/worker.pid"
    "$BIN/python" manage.py run_scheduler >"$RUN_DIR/scheduler.log" 2>&1 &
    echo $! >"$RUN_DIR/scheduler.pid"
    for port in "$@"; do
        tries=0
        until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
            tries=$((tries + 1))
            if [ "$tries" -gt 120 ]; then
                echo "daphne on $port not ready; see $RUN_DIR/daphne-$port.log" >&2
                stop
                exit 1
            fi
            sleep 0.5
        done
    done
    echo "ready: $* (logs in $RUN_DIR)"
}

case "${1:-start}" in
    start) shift 2>/dev/null || true; start "$@" ;;
    stop) stop ;;
    run) shift; trap stop EXIT INT TERM; start "$@"; wait ;;
    *) echo "usage: $0 start|run|stop [PORT...]" >&2; exit 2 ;;
esac
