# shellcheck shell=bash
# Start a private PostgreSQL for the tests and export DATABASE_URL.
#
#   source scripts/pg_test_cluster.sh || exit 1
#
# Idempotent: the first run creates and starts the cluster (about a second),
# later runs find it running and only re-export DATABASE_URL. It is sourced,
# so it uses `return` (never `exit`) and leaves the caller's shell options alone.
# The cluster keeps running afterwards; stop it with
#   runuser -u postgres -- pg_ctl -D /var/tmp/placements-pg stop
#
# Settings (all optional): PLACEMENTS_PG_DIR, PLACEMENTS_PG_PORT.

_placements_pg_start() {
    # Root: the server refuses to run as root, so run it as the `postgres` user
    # (from Debian's postgresql package), in a folder that user can reach: not
    # under /root, which is mode 700. Anyone else: run it as themselves.
    local dir port bindir password
    local -a as_owner=()
    port=${PLACEMENTS_PG_PORT:-5433}
    password=placements-test  # a throwaway cluster on 127.0.0.1 only
    if [ "$(id -u)" -eq 0 ]; then
        dir=${PLACEMENTS_PG_DIR:-/var/tmp/placements-pg}
        # env -C /: the caller's folder (say /root) may be closed to postgres.
        as_owner=(runuser -u postgres -- env -C /)
    else
        dir=${PLACEMENTS_PG_DIR:-/tmp/placements-pg-$(id -un)}
    fi

    # Debian keeps initdb and pg_ctl out of PATH; take the newest installed version.
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bindir" ]; then
        echo "pg_test_cluster: PostgreSQL is not installed (apt-get install postgresql)" >&2
        return 1
    fi

    if [ ! -s "$dir/PG_VERSION" ]; then
        mkdir -p "$dir" || return 1
        chmod 700 "$dir" || return 1
        if [ ${#as_owner[@]} -gt 0 ]; then chown postgres:postgres "$dir" || return 1; fi
        # trust on the socket (for the set-up below), passwords over TCP (as production).
        "${as_owner[@]}" "$bindir/initdb" -D "$dir" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$dir.initdb.log" 2>&1 || {
            echo "pg_test_cluster: initdb failed, see $dir.initdb.log" >&2
            return 1
        }
    fi

    # pg_ctl status exits 0 only when this cluster's server is running.
    if ! "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
            -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null || {
            echo "pg_test_cluster: the server did not start; last lines of $dir/server.log:" >&2
            tail -n 20 "$dir/server.log" >&2
            return 1
        }
    fi

    local -a psql=("${as_owner[@]}" "$bindir/psql" -h /tmp -p "$port" -U postgres -d postgres -qAtX -v ON_ERROR_STOP=1)
    # CREATEDB: pytest-django creates and drops test_placements itself.
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'placements'")" != 1 ]; then
        "${psql[@]}" -c "CREATE ROLE placements LOGIN CREATEDB PASSWORD '$password'" || return 1
    fi
    # The `placements` database itself, so the same URL also works for manage.py.
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'placements'")" != 1 ]; then
        "${psql[@]}" -c "CREATE DATABASE placements OWNER placements" || return 1
    fi

    export DATABASE_URL="postgres://placements:$password@127.0.0.1:$port/placements"
}

_placements_pg_start
_placements_pg_status=$?
unset -f _placements_pg_start
if [ "$_placements_pg_status" -eq 0 ]; then
    unset _placements_pg_status
    return 0
fi
unset _placements_pg_status
return 1
