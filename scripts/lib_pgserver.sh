# lib_pgserver.sh: a throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks (source it from bash).
#
#   source scripts/lib_pgserver.sh
#   pgserver_find || { echo "SKIP: $pgserver_why"; exit 0; }   # PostgreSQL server binaries (+ PostGIS)
#   trap pgserver_stop EXIT
#   pgserver_start WORKDIR [SERVER OPTIONS...] || exit 1     # e.g. "-c log_statement=all"
#   psql "$pgserver_conn dbname=postgres" ...                # PGPASSWORD is exported
#
# initdb under WORKDIR/pg (or a private folder in /tmp when the postgres user cannot reach WORKDIR), a free port
# from 55432 up, password authentication with a random password, fsync off; never run as root (as user
# 'postgres' when the caller is root). pgserver_stop stops it at once and removes its data (the log stays).
# Sets: pgbin, pgroot, port, password, pgserver_conn ("host=127.0.0.1 port=N user=plancheck"), pgserver_started.
# Installs nothing: scripts/setup.sh --tests installs PostgreSQL, PostGIS and pgRouting.

pgbin="" pgroot="" port="" password="" pgserver_conn="" pgserver_started="" pgserver_why=""
pgserver_runas=()

# pgserver_find [EXTENSION...]: the newest server binaries; each extension (default postgis) must be installed.
pgserver_find() {
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [[ -z $pgbin || ! -x $pgbin/initdb || ! -x $pgbin/pg_ctl ]]; then
        pgserver_why="no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (scripts/setup.sh --tests installs them)"
        return 1
    fi
    local ext
    for ext in "${@:-postgis}"; do
        if ! ls /usr/share/postgresql/*/extension/"$ext".control >/dev/null 2>&1; then
            pgserver_why="the $ext extension is not installed (scripts/setup.sh --tests installs it)"
            return 1
        fi
    done
}

# The server's tools run from its own folder: the caller's folder may be closed to the postgres user.
pgserver_as() { (cd "$pgroot" && "${pgserver_runas[@]}" "$@"); }

# pgserver_start WORKDIR [SERVER OPTIONS...]: initdb and start; prints one line saying where it runs.
pgserver_start() {
    local work=$1
    shift
    pgroot=$work/pg
    pgserver_runas=()
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || { echo "FAIL no 'postgres' user to run the server as"; return 1; }
        pgserver_runas=(runuser -u postgres --)
        mkdir -p "$pgroot" && chown postgres: "$pgroot"
        if ! runuser -u postgres -- test -w "$pgroot"; then
            # A parent folder the postgres user cannot enter (e.g. under /root): use a private folder in /tmp.
            pgroot=$(mktemp -d /tmp/plancheck-pg.XXXXXX) && chown postgres: "$pgroot"
        fi
    else
        mkdir -p "$pgroot"
    fi
    chmod 700 "$pgroot"
    password=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(12))')
    printf '%s\n' "$password" > "$pgroot/pwfile"
    [[ ${#pgserver_runas[@]} -gt 0 ]] && chown postgres: "$pgroot/pwfile"
    rm -rf "$pgroot/data"
    if ! pgserver_as "$pgbin/initdb" -D "$pgroot/data" -U plancheck --pwfile="$pgroot/pwfile" --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 --locale=C >"$pgroot/initdb.log" 2>&1; then
        echo "FAIL initdb:"; tail -5 "$pgroot/initdb.log"; return 1
    fi
    rm -f "$pgroot/pwfile"
    port=""
    local candidate
    for candidate in $(seq 55432 55531); do
        (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null && continue # taken
        if pgserver_as "$pgbin/pg_ctl" -D "$pgroot/data" -l "$pgroot/server.log" -w -t 60 \
                -o "-p $candidate -c listen_addresses=127.0.0.1 -c unix_socket_directories='$pgroot' -c fsync=off $*" \
                start >/dev/null 2>&1; then
            port=$candidate pgserver_started=1
            break
        fi
        grep -q "already in use" "$pgroot/server.log" 2>/dev/null || break
    done
    if [[ -z $port ]]; then
        echo "FAIL cannot start the PostgreSQL server:"; tail -5 "$pgroot/server.log" 2>/dev/null; return 1
    fi
    export PGPASSWORD=$password
    pgserver_conn="host=127.0.0.1 port=$port user=plancheck"
    echo "server: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $pgroot/data"
}

# pgserver_stop: stop the server (immediately) and remove its data; safe to call twice or before a start.
pgserver_stop() {
    if [[ -n $pgserver_started ]]; then
        pgserver_as "$pgbin/pg_ctl" -D "$pgroot/data" -m immediate -w stop >/dev/null 2>&1
        pgserver_started=""
    fi
    [[ -n $pgroot && -d $pgroot ]] || return 0
    # The server's log stays for a look after a failure; its data goes.
    if [[ $pgroot == /tmp/plancheck-pg.* ]]; then rm -rf "$pgroot"; else rm -rf "$pgroot/data"; fi
}
