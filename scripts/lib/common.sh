# shellcheck shell=bash
# Helpers shared by scripts/run and scripts/test. Source it; do not run it.
# Everything here is safe under `set -euo pipefail`.

# Project root, whatever the caller's cwd.
CALLBACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CALLBACK_ROOT

# Packages the build and the tests need on a fresh Debian machine.
CALLBACK_APT_PACKAGES=(postgresql libpq-dev libcurl4-openssl-dev pkgconf libssl-dev openssl ca-certificates)

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf '==> warning: %s\n' "$*" >&2; }
die() {
    printf '==> error: %s\n' "$*" >&2
    exit 1
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run '$*': run this script as root or install sudo"
    fi
}

# Installs whichever required Debian packages are missing, then checks for swift.
ensure_packages() {
    local pkg missing=()
    for pkg in "${CALLBACK_APT_PACKAGES[@]}"; do
        if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} > 0)); then
        command -v apt-get >/dev/null 2>&1 ||
            die "missing packages: ${missing[*]}; this script installs them with apt-get, which is not here: install them by hand"
        say "installing missing packages: ${missing[*]}"
        # A lock timeout rather than an immediate failure when another apt run is finishing.
        as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q ||
            die "apt-get update failed: check the network and /etc/apt/sources.list, then run again"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
            install -y -q --no-install-recommends "${missing[@]}" ||
            die "could not install ${missing[*]}: install them with apt-get and run again"
    fi
    command -v pg_config >/dev/null 2>&1 ||
        die "pg_config not found: apt-get install libpq-dev"

    if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    command -v swift >/dev/null 2>&1 ||
        die "swift not found on PATH nor in /opt/swift/usr/bin: install the Swift 6.3 toolchain for Linux and put its usr/bin on PATH"
}

# The providers' own SDKs from PyPI, pinned, which the tests check the gateway's signature code against:
# Twilio's RequestValidator, SendGrid's EventWebhook, Vonage's signature (3.x, the last with the MD5 hash method).
CALLBACK_PROVIDER_SDKS=(twilio==9.13.0 sendgrid==6.12.5 vonage==3.18.0)
# And the tools other tests run in the same Python: the OpenAPI document's checker (OpenAPITests), and selenium, which
# drives the system's Chromium in the dashboard's browser test (Tests/browser/).
CALLBACK_TEST_PYTHON_TOOLS=(openapi-spec-validator==0.9.0 selenium==4.27.1)

# ensure_provider_sdks FOLDER: a Python virtual environment in FOLDER with the providers' SDKs and the tests' Python
# tools; prints its python. A folder made before a tool was added gets it on the next run.
ensure_provider_sdks() {
    local folder=$1 python=$1/bin/python
    local -a packages=("${CALLBACK_PROVIDER_SDKS[@]}" "${CALLBACK_TEST_PYTHON_TOOLS[@]}")
    if [[ ! -x $python ]] || ! "$python" -c 'import twilio, sendgrid, vonage, openapi_spec_validator, selenium' >/dev/null 2>&1; then
        command -v python3 >/dev/null 2>&1 || die "python3 not found: the tests check signatures against the providers' SDKs (apt-get install python3 python3-venv)"
        say "installing the tests' Python packages (${packages[*]}) into $folder"
        python3 -m venv "$folder" >&2 ||
            die "cannot make a Python virtual environment in $folder: apt-get install python3-venv, then run again"
        "$python" -m pip install -q --disable-pip-version-check "${packages[@]}" >&2 ||
            die "pip could not install ${packages[*]} from PyPI: check the network, then run again"
    fi
    printf '%s\n' "$python"
}

# Where the PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) live; Debian keeps them off PATH.
pg_bindir() {
    pg_config --bindir
}

# Runs a command as the postgres user when we are root: initdb, pg_ctl and postgres refuse root.
# cd / first so a cwd that postgres cannot read (e.g. under /root) does not get in the way.
as_postgres() {
    if is_root; then
        id postgres >/dev/null 2>&1 ||
            die "there is no 'postgres' user: apt-get install postgresql creates it"
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# True when the postgres user can reach DIR (or, if DIR does not exist yet, its nearest existing ancestor).
# Always true when we are not root, since the cluster then runs as ourselves.
postgres_can_reach() {
    local dir=$1
    is_root || return 0
    while [[ ! -e $dir ]]; do
        dir=$(dirname "$dir")
    done
    as_postgres test -x "$dir"
}

# Where scripts/run keeps its local cluster: .local/postgres in the project, or, when we are root and the
# postgres user cannot reach the project (e.g. it sits under /root, mode 700), a folder under /var/lib
# named by a hash of the project path so two checkouts do not share it.
local_pg_datadir() {
    local root=${1:-$CALLBACK_ROOT}
    local dir="$root/.local/postgres"
    if postgres_can_reach "$dir"; then
        printf '%s\n' "$dir"
        return 0
    fi
    local hash
    hash=$(printf '%s' "$root" | sha256sum | cut -c1-12)
    dir="/var/lib/callback-gateway/$hash/postgres"
    say "the postgres user cannot reach $root/.local/postgres; keeping the local database in $dir instead"
    printf '%s\n' "$dir"
}

# True when a server is running on DATADIR.
cluster_running() {
    local datadir=$1
    [[ -f $datadir/postmaster.pid ]] || return 1
    as_postgres "$(pg_bindir)/pg_ctl" -D "$datadir" status >/dev/null 2>&1
}

# start_cluster DATADIR PORT [fast] [NAME=VALUE ...]
# Creates the cluster if DATADIR holds none, then starts it on 127.0.0.1:PORT with its socket in DATADIR.
# `fast` turns off durability (tests only); NAME=VALUE pairs are extra server settings (-c NAME=VALUE).
# Reuses a server already running on DATADIR.
# Sets CLUSTER_STARTED=yes when this call started the server, no when it reused one, so callers
# stop only what they started.
# shellcheck disable=SC2034 # CLUSTER_STARTED is read by the scripts that source this file
start_cluster() {
    local datadir=$1 port=$2 mode=${3:-}
    local bindir log setting
    CLUSTER_STARTED=no
    shift 2
    if (($# > 0)); then shift; fi
    [[ $mode == "" || $mode == fast ]] || die "start_cluster: unknown mode '$mode' (expected 'fast' or nothing)"
    for setting in "$@"; do
        [[ $setting =~ ^[a-z_.]+=[A-Za-z0-9_.:/-]+$ ]] || die "start_cluster: bad server setting '$setting' (expected name=value)"
    done
    [[ $port =~ ^[0-9]+$ ]] || die "start_cluster: port '$port' is not a number"
    [[ $datadir == /* ]] || datadir="$PWD/$datadir"
    # pg_ctl hands -o to a shell, where the path is single-quoted.
    [[ $datadir != *"'"* ]] || die "the data directory path must not contain a single quote: $datadir"
    bindir=$(pg_bindir)
    log="$datadir/server.log"

    if cluster_running "$datadir"; then
        local running_port
        running_port=$(sed -n 4p "$datadir/postmaster.pid")
        if [[ $running_port != "$port" ]]; then
            die "a PostgreSQL server already runs on $datadir on port $running_port, not $port: use that port, or stop it with: $(is_root && printf 'runuser -u postgres -- ')$bindir/pg_ctl -D $datadir stop"
        fi
        say "reusing the PostgreSQL server already running on $datadir (port $port)"
        return 0
    fi

    if [[ ! -d $datadir ]]; then
        local parent
        parent=$(dirname "$datadir")
        if [[ ! -d $parent ]]; then
            # umask 022 so postgres can search every folder made here, whatever the caller's umask.
            (umask 022 && mkdir -p "$parent")
            # A parent made here belongs to postgres too, so it can manage what it holds.
            if is_root; then chown postgres: "$parent"; fi
        fi
        (umask 022 && mkdir -p "$datadir")
    fi
    if is_root; then
        local owner
        owner=$(stat -c %U "$datadir")
        if [[ $owner != postgres ]]; then
            [[ ! -f $datadir/PG_VERSION ]] ||
                die "$datadir holds a cluster owned by $owner, not postgres: chown -R postgres: $datadir, or remove it"
            chown postgres: "$datadir"
        fi
        postgres_can_reach "$datadir" ||
            die "the postgres user cannot reach $datadir (a parent folder is not world-searchable): pick a folder outside private home directories"
    fi

    if [[ ! -f $datadir/PG_VERSION ]]; then
        [[ -z $(ls -A "$datadir") ]] ||
            die "$datadir is not empty but holds no cluster (no PG_VERSION): empty or remove it, then run again"
        local locale_args=(--no-locale)
        if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
            locale_args=(--locale=C.UTF-8)
        fi
        say "creating a PostgreSQL cluster in $datadir"
        local out
        if ! out=$(as_postgres "$bindir/initdb" -D "$datadir" --auth=trust --username=postgres \
            --encoding=UTF8 "${locale_args[@]}" 2>&1); then
            printf '%s\n' "$out" >&2
            die "initdb failed on $datadir (output above)"
        fi
    fi

    local opts="-c listen_addresses=127.0.0.1 -p $port"
    # A Unix socket path is limited to about 107 bytes; past that, go TCP only rather than fail to start.
    if ((${#datadir} + 20 < 107)); then
        opts+=" -c unix_socket_directories='$datadir'"
    else
        opts+=" -c unix_socket_directories=''"
    fi
    if [[ $mode == fast ]]; then
        opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    for setting in "$@"; do
        opts+=" -c $setting"
    done

    say "starting PostgreSQL on 127.0.0.1:$port (data in $datadir)"
    if ! as_postgres "$bindir/pg_ctl" -w -t 60 -D "$datadir" -l "$log" -o "$opts" start >/dev/null 2>&1; then
        if [[ -f $log ]]; then
            printf '==> last lines of %s:\n' "$log" >&2
            tail -n 20 "$log" >&2
        fi
        die "PostgreSQL did not start on port $port (log above): if the port is taken, pick another one (scripts/run reads CALLBACK_PG_PORT)"
    fi
    CLUSTER_STARTED=yes
}

# stop_cluster DATADIR: stops the server on DATADIR if one runs. Never fails.
stop_cluster() {
    local datadir=$1
    if cluster_running "$datadir"; then
        say "stopping PostgreSQL on $datadir"
        # Fall back to an immediate stop so callers that delete the folder next never orphan a server.
        as_postgres "$(pg_bindir)/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null 2>&1 ||
            as_postgres "$(pg_bindir)/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null 2>&1 ||
            ! cluster_running "$datadir" ||
            warn "could not stop PostgreSQL on $datadir; see $datadir/server.log"
    fi
    return 0
}

# Echoes a TCP port that is free on 127.0.0.1 right now.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        local port
        if port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null) && [[ -n $port ]]; then
            printf '%s\n' "$port"
            return 0
        fi
    fi
    # No python: probe random high ports; a refused connection means nobody listens there.
    local try candidate
    for ((try = 0; try < 200; try++)); do
        candidate=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    die "found no free TCP port on 127.0.0.1"
}
