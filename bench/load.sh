#!/usr/bin/env bash
# Load test: 50 signed-in users on the main pages for 60 seconds, against gunicorn on 127.0.0.1 and
# PostgreSQL holding the demo authority, at two paces, then the busy pace again while SSDA903 returns of
# 100,000 episodes are imported one after another throughout the minute. Writes the figures to
# docs/load.md. A benchmark, not a test: scripts/test does not run it. About eight minutes in all.
#
#   bench/load.sh                        50 users, 60 s, the 700-child demo
#   USERS=100 DURATION=120s CHILDREN=2000 bench/load.sh
#
# It uses the private PostgreSQL of scripts/pg_test_cluster.sh, in a database of its own
# (placements_load, dropped and made again each run), and installs locust into .venv if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-10}
DURATION=${DURATION:-60s}
CHILDREN=${CHILDREN:-700}
PORT=${PORT:-8765}
WORKERS=${WORKERS:-4}
THREADS=${THREADS:-4}
LOCUST_VERSION=2.47.0
results=$(mktemp -d)

if ! .venv/bin/python -c "import locust" 2>/dev/null; then
    echo "==> Installing locust $LOCUST_VERSION into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check "locust==$LOCUST_VERSION"
fi

echo "==> PostgreSQL (scripts/pg_test_cluster.sh), database placements_load"
# shellcheck source=scripts/pg_test_cluster.sh
source scripts/pg_test_cluster.sh
admin_url=$DATABASE_URL
export DATABASE_URL=${admin_url%/*}/placements_load
.venv/bin/python - "$admin_url" <<'EOF'
import sys

import psycopg2

connection = psycopg2.connect(sys.argv[1])
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute("DROP DATABASE IF EXISTS placements_load")
    cursor.execute("CREATE DATABASE placements_load")
EOF

# Any statement that waits more than a second for a lock is written to the server's log (deadlock_timeout is
# 1 s): the run with imports counts them, which is "no request waits on the import for more than a second".
pg_dir=${PLACEMENTS_PG_DIR:-/var/tmp/placements-pg}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
runuser -u postgres -- env -C / "$pg_bin/psql" -h /tmp -p "${PLACEMENTS_PG_PORT:-5433}" -U postgres -qAtX \
    -c "ALTER DATABASE placements_load SET log_lock_waits = on" -c "ALTER DATABASE placements_load SET deadlock_timeout = '1s'" \
    || echo "Could not turn on log_lock_waits: lock waits will not be counted" >&2

export SECRET_KEY=${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DEBUG=false HTTPS=false
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python manage.py load_demo --children "$CHILDREN" >"$results/demo.log"
head -n 2 "$results/demo.log"

# --keep-alive 20: longer than any user's pause (at most 15 s), so gunicorn never closes an idle connection
# just as locust sends on it (its default of 2 s made a "connection reset" of the race, which a browser
# retries by itself and locust reports as an error). Behind the documented proxy the proxy holds the
# connections and this does not arise.
echo "==> gunicorn on 127.0.0.1:$PORT ($WORKERS workers x $THREADS threads)"
.venv/bin/gunicorn placements_site.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads "$THREADS" \
    --log-level warning --timeout 60 --keep-alive 20 >"$results/gunicorn.log" 2>&1 &
gunicorn_pid=$!
stop() {
    kill "$gunicorn_pid" 2>/dev/null || true
    wait "$gunicorn_pid" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 1 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/login/" && break
    sleep 0.2
done

# Two paces: an office at its busiest (each person opens a page every 5 to 15 seconds) and a stress run
# (every 1 to 3 seconds). Each: everyone signs in, then one measured minute (bench/locustfile.py).
run_locust() {
    local label=$1 think_min=$2 think_max=$3
    mkdir -p "$results/$label"
    echo "==> locust ($label): $USERS users, a page every $think_min to $think_max s each, measured for $DURATION"
    # The run stops itself after the measured minute; --run-time and timeout bound it whatever happens.
    THINK_MIN=$think_min THINK_MAX=$think_max MEASURE_SECONDS=${DURATION%s} \
    LOAD_SIGN_IN_JSON="$results/$label/sign_in.json" LOAD_CONFLICTS_JSON="$results/$label/conflicts.json" \
    timeout 600 .venv/bin/locust -f bench/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
        --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time 300s --stop-timeout 5 \
        --csv "$results/$label/load" --only-summary --loglevel WARNING || true
    printf '{"label": "%s", "think_min": %s, "think_max": %s}\n' "$label" "$think_min" "$think_max" \
        >"$results/$label/run.json"
}
run_locust busy 5 15
run_locust stress 1 3

# The busy pace again, with the commissioning manager's import running throughout: generated returns of
# IMPORT_EPISODES episodes (bench/import_ssda903.py's generator, made-up children), imported one after
# another with `manage.py import_ssda903`, each changing the one before (another seed), so every import writes.
IMPORT_EPISODES=${IMPORT_EPISODES:-100000}
echo "==> Generating three SSDA903 returns of $IMPORT_EPISODES episodes"
.venv/bin/python bench/import_ssda903.py --generate-only "$results/returns" --episodes "$IMPORT_EPISODES" --returns 3
(
    seed=1
    while true; do
        started=$EPOCHREALTIME
        if .venv/bin/python manage.py import_ssda903 "$results/returns/return-$seed" >>"$results/import.log" 2>&1
        then outcome=imported; else outcome="failed"; fi
        awk -v a="$started" -v b="$EPOCHREALTIME" -v r="return-$seed" -v o="$outcome" \
            'BEGIN { printf "%s %s %.1f\n", r, o, b - a }' >>"$results/imports.txt"
        seed=$((seed % 3 + 1))
    done
) &
importer_pid=$!
sleep 5  # the first import is under way before anyone signs in
log_from=$(stat -c %s "$pg_dir/server.log")
import_began=$EPOCHREALTIME
run_locust import 5 15
# Lock waits of over a second while the users worked, from the server's log.
tail -c +"$((log_from + 1))" "$pg_dir/server.log" | grep -E "still waiting for" \
    >"$results/import/lock_waits.txt" || true
awk -v a="$import_began" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f\n", b - a }' >"$results/import/seconds.txt"
kill "$importer_pid" 2>/dev/null || true
pkill -f "manage.py import_ssda903 $results" 2>/dev/null || true
wait "$importer_pid" 2>/dev/null || true
cp "$results/imports.txt" "$results/import/imports.txt" 2>/dev/null || true
stop
trap - EXIT

# What gunicorn itself said (worker timeouts, errors), for the report.
# Each traceback as its exception line; the whole log is kept for reading.
awk '/^Traceback/ { inside = 1; next } inside && /^[^ ]/ { print; inside = 0; next } !inside && /CRITICAL|ERROR|WORKER TIMEOUT/' \
    "$results/gunicorn.log" >"$results/gunicorn_errors.txt" || true
cp "$results/gunicorn.log" "${GUNICORN_LOG:-/tmp/placements-load-gunicorn.log}"
.venv/bin/python bench/load.py "$results/busy" "$results/stress" "$results/import" \
    --gunicorn-errors "$results/gunicorn_errors.txt" \
    --users "$USERS" --duration "$DURATION" --children "$CHILDREN" --workers "$WORKERS" --threads "$THREADS" \
    --spawn-rate "$SPAWN_RATE" --output docs/load.md
rm -rf "$results"
