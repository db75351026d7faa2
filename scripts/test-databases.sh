#!/usr/bin/env bash
# Starts the database servers the tests talk to, each on loopback in its own temporary
# directory, and stops them again. Sourced by scripts/test.sh; usable on its own too:
#
#   source scripts/test-databases.sh
#   start_test_databases        # exports SLUICE_TEST_POSTGRES_URL and SLUICE_TEST_MARIADB_URL
#   stop_test_databases
#
# PostgreSQL 15 runs with wal_level=logical (change data capture needs replication slots)
# and fsync off (the data is thrown away). MariaDB runs with its default authentication (the
# test user authenticates with mysql_native_password) and a max_connect_errors high enough
# that the tests which drop connections mid-login (timeouts, wrong passwords, refused TLS)
# never get 127.0.0.1 blocked. Logins may take up to an hour on both sides: a MySQL login is
# driven by async code, and every await in it resumes on Swift's shared cooperative threads
# (FIFO, one per core). The whole suite enqueues its ~1,000 tests at once and many of them are
# CPU-bound for seconds in a debug build, so a login's next step can wait behind minutes of
# them (about 370 s measured on a two-core CI machine); MariaDB's default connect_timeout of
# 10 s would drop it mid-handshake (the client then saw an empty pipeline). PostgresNIO logs
# in on its event loop and is not affected.

PG_BIN=/usr/lib/postgresql/15/bin
TEST_DB_ROOT=""

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a command as `user` when we are root (initdb and mariadbd refuse to run as root).
as_user() {
    local user=$1; shift
    if [[ $(id -u) == 0 ]]; then
        su "$user" -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}

start_postgres() {
    local dir=$TEST_DB_ROOT/postgres port
    port=$(free_port)
    mkdir -p "$dir"
    [[ $(id -u) == 0 ]] && chown postgres:postgres "$dir"
    as_user postgres "$PG_BIN/initdb -D $dir/data -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >$dir/initdb.log 2>&1" \
        || { cat "$dir/initdb.log" >&2; return 1; }
    as_user postgres "$PG_BIN/pg_ctl -D $dir/data -l $dir/pg.log -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20 -c max_connections=200\" -w start >/dev/null" \
        || { cat "$dir/pg.log" >&2; return 1; }
    psql -h 127.0.0.1 -p "$port" -U postgres -qAt -c "CREATE DATABASE sluice_test" -c "CREATE DATABASE sluice_cdc" >/dev/null
    export SLUICE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/sluice_test"
    # Change data capture tests get a database of their own (see TestDatabases.postgresCDCURL).
    export SLUICE_TEST_POSTGRES_CDC_URL="postgres://postgres@127.0.0.1:$port/sluice_cdc"
    echo "PostgreSQL $($PG_BIN/postgres --version | awk '{print $3}') on 127.0.0.1:$port"
}

start_mariadb() {
    local dir=$TEST_DB_ROOT/mariadb port
    port=$(free_port)
    mkdir -p "$dir"
    [[ $(id -u) == 0 ]] && chown mysql:mysql "$dir"
    as_user mysql "mariadb-install-db --datadir=$dir/data --auth-root-authentication-method=normal --skip-test-db >$dir/install.log 2>&1" \
        || { cat "$dir/install.log" >&2; return 1; }
    local user_flag=""
    [[ $(id -u) == 0 ]] && user_flag="--user=mysql"
    mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" --port="$port" --bind-address=127.0.0.1 $user_flag \
        --pid-file="$dir/pid" --innodb-flush-log-at-trx-commit=0 --skip-log-bin --max-connections=200 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --max-connect-errors=1000000 --connect-timeout=3600 >"$dir/mariadb.log" 2>&1 &
    local tries=0
    until mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -e 'select 1' >/dev/null 2>&1; do
        tries=$((tries + 1))
        if ((tries > 200)); then cat "$dir/mariadb.log" >&2; return 1; fi
        sleep 0.1
    done
    mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -e "
        CREATE DATABASE sluice_test CHARACTER SET utf8mb4;
        CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice-pw';
        CREATE USER 'sluice'@'localhost' IDENTIFIED BY 'sluice-pw';
        GRANT ALL ON *.* TO 'sluice'@'%';
        GRANT ALL ON *.* TO 'sluice'@'localhost';"
    export SLUICE_TEST_MARIADB_URL="mysql://sluice:sluice-pw@127.0.0.1:$port/sluice_test?connect_timeout=3600"
    echo "MariaDB $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$port"
}

start_test_databases() {
    TEST_DB_ROOT=$(mktemp -d /tmp/sluice-test-db.XXXXXX)
    chmod 755 "$TEST_DB_ROOT"
    start_postgres
    start_mariadb
}

stop_test_databases() {
    [[ -n $TEST_DB_ROOT && -d $TEST_DB_ROOT ]] || return 0
    if [[ -f $TEST_DB_ROOT/postgres/data/postmaster.pid ]]; then
        as_user postgres "$PG_BIN/pg_ctl -D $TEST_DB_ROOT/postgres/data -m immediate stop >/dev/null 2>&1" || true
    fi
    if [[ -f $TEST_DB_ROOT/mariadb/pid ]]; then
        kill "$(cat "$TEST_DB_ROOT/mariadb/pid")" 2>/dev/null || true
        sleep 0.5
    fi
    rm -rf "$TEST_DB_ROOT"
    TEST_DB_ROOT=""
}
