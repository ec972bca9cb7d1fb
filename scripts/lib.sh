# Shared by scripts/start.sh, scripts/test.sh and the switchyard CLI: make a machine of this kind ready.
PNPM_VERSION=10.34.8

# Settings by the dotenv convention: a variable already in the environment wins over .env, which
# wins over .env.example. Values are taken literally (no shell expansion, so a secret holding `$`
# or a backquote is safe); surrounding quotes are removed. Usage: load_env [dir].
load_env() {
  local dir=${1:-.} file line key value
  local -A origin=()
  for file in "$dir/.env.example" "$dir/.env"; do
    [ -f "$file" ] || continue
    while IFS= read -r line || [ -n "$line" ]; do
      line=${line%$'\r'}
      [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
      key=${BASH_REMATCH[2]}
      value=${BASH_REMATCH[3]}
      if [ -z "${origin[$key]:-}" ] && [ -n "${!key+set}" ]; then
        origin[$key]=shell
      fi
      [ "${origin[$key]:-}" = shell ] && continue
      if [[ $value =~ ^\"([^\"]*)\"([[:space:]]+#.*)?[[:space:]]*$ || $value =~ ^\'([^\']*)\'([[:space:]]+#.*)?[[:space:]]*$ ]]; then
        value=${BASH_REMATCH[1]}
      else
        value=${value%%[[:space:]]#*}
        value=${value%"${value##*[![:space:]]}"}
      fi
      export "$key=$value"
      origin[$key]=$file
    done <"$file"
  done
  # Our own apps' URLs follow their ports unless set explicitly, so a .env that only moves a port
  # moves the banner, the CLI, the receiver's public URL and the sandbox's status webhooks with it.
  local pair url_key port_key
  for pair in PUBLIC_BASE_URL:RECEIVER_PORT SANDBOX_RECEIVER_URL:RECEIVER_PORT SANDBOX_URL:SANDBOX_PORT OPS_URL:OPS_PORT; do
    url_key=${pair%%:*}
    port_key=${pair#*:}
    if [ "${origin[$url_key]:-}" = "$dir/.env.example" ] && [ -n "${!port_key:-}" ]; then
      export "$url_key=http://127.0.0.1:${!port_key}"
    fi
  done
}

ensure_pnpm() {
  if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    echo "==> installing pnpm $PNPM_VERSION (corepack cannot verify signatures on this registry)"
    npm install -g "pnpm@$PNPM_VERSION" >/dev/null
  fi
}

# Splits a service URL into URL_USER, URL_HOST, URL_PORT (default $2) and URL_PATH.
parse_url() {
  local re='^[A-Za-z][A-Za-z0-9+.-]*://(([^:@/]*)(:[^@/]*)?@)?(\[[^]/]*\]|[^:/?#]*)(:([0-9]+))?(/([^?#]*))?'
  if ! [[ $1 =~ $re ]]; then
    URL_USER='' URL_HOST='' URL_PORT='' URL_PATH=''
    return 1
  fi
  URL_USER=${BASH_REMATCH[2]}
  URL_HOST=${BASH_REMATCH[4]:-127.0.0.1}
  URL_HOST=${URL_HOST#[}
  URL_HOST=${URL_HOST%]}
  URL_PORT=${BASH_REMATCH[6]:-$2}
  URL_PATH=${BASH_REMATCH[8]}
}

is_local_host() {
  case "$1" in 127.0.0.1 | localhost | ::1 | '') return 0 ;; *) return 1 ;; esac
}

port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# Installs PostgreSQL and Redis from Debian packages when this is a Debian machine and we are
# root; otherwise says exactly what to install. $1 names what is missing.
install_services() {
  if [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> $1 is not installed: installing postgresql and redis-server with apt-get (Debian, running as root)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
    return
  fi
  echo "error: $1 is not installed. Install PostgreSQL 15+ and Redis 7+ (Debian/Ubuntu: sudo apt-get install postgresql redis-server;" \
    "macOS: brew install postgresql redis), or set DATABASE_URL and REDIS_URL to servers that are running." >&2
  return 1
}

# Starts the local PostgreSQL cluster that listens on port $1 (Debian's postgresql-common layout;
# works with several versions installed side by side).
start_local_postgres() {
  local port=$1 version cluster
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    install_services "PostgreSQL (pg_lsclusters, pg_ctlcluster)" || return 1
  fi
  read -r version cluster < <(pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p { print $1, $2; exit }')
  if [ -z "${version:-}" ]; then
    echo "error: PostgreSQL is not answering at 127.0.0.1:$port (DATABASE_URL) and no local cluster is set up on that port" \
      "(pg_lsclusters: $(pg_lsclusters -h 2>/dev/null | awk '{ printf "%s%s/%s on %s", sep, $1, $2, $3; sep = ", " }' || true))." \
      "Set DATABASE_URL to a running server, or create a cluster: pg_createcluster --port $port <version> main" >&2
    return 1
  fi
  echo "==> starting PostgreSQL $version/$cluster on port $port"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
}

# The database role DATABASE_URL names must exist; on a local server where we are root we create
# it (LOGIN CREATEDB, not a superuser) rather than require one.
ensure_db_role() {
  local url=$1 out
  command -v psql >/dev/null 2>&1 || return 0
  out=$(psql "$url" -X -q -t -c 'select 1' 2>&1 >/dev/null) && return 0
  case "$out" in
    *"role \"$URL_USER\" does not exist"* | *"database \"${URL_PATH:-none}\" does not exist"*) ;;
    *) echo "error: cannot connect with DATABASE_URL (user \"$URL_USER\"): ${out##*FATAL:  }" >&2; return 1 ;;
  esac
  case "$out" in *"database \""*) return 0 ;; esac # db:migrate creates the database itself
  if is_local_host "$URL_HOST" && [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    echo "==> creating PostgreSQL role \"$URL_USER\" (LOGIN CREATEDB) named by DATABASE_URL"
    # psql quotes the name itself (:"role"), which it does only for a script read from stdin.
    echo 'CREATE ROLE :"role" LOGIN CREATEDB;' |
      runuser -u postgres -- psql -X -q -p "$URL_PORT" -v ON_ERROR_STOP=1 -v role="$URL_USER" >/dev/null
    return
  fi
  echo "error: PostgreSQL role \"$URL_USER\" (from DATABASE_URL) does not exist. Create it with" \
    "CREATE ROLE \"$URL_USER\" LOGIN CREATEDB PASSWORD '…' (it creates and owns the database), or set DATABASE_URL to an existing role." >&2
  return 1
}

# Parses $3 (the value of variable $2, where $1 runs) into URL_*: 0 when something answers there,
# 2 when nothing does on this machine (the caller starts it), 1 with a message when elsewhere.
probe_service() {
  local what=$1 var=$2 url=$3 default_port=$4 example=$5
  parse_url "$url" "$default_port" || { echo "error: $var is not a URL like $example" >&2; return 1; }
  port_open "$URL_HOST" "$URL_PORT" && return 0
  is_local_host "$URL_HOST" && return 2
  echo "error: $what at $URL_HOST:$URL_PORT ($var) is not answering. Start it, or set $var to a server that runs." >&2
  return 1
}

# Checks the PostgreSQL and Redis that DATABASE_URL and REDIS_URL name (defaults: this machine's),
# starts them when they are local and down, and says what to install or set when that fails.
ensure_services() {
  local database_url=${DATABASE_URL:-postgresql://root@127.0.0.1:5432/switchyard}
  local redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
  local pg_host pg_port redis_host redis_port redis_cli policy status=0
  probe_service PostgreSQL DATABASE_URL "$database_url" 5432 postgresql://user@host:port/database || status=$?
  [ "$status" = 1 ] && return 1
  pg_host=$URL_HOST pg_port=$URL_PORT
  if [ "$status" = 2 ]; then
    start_local_postgres "$pg_port" || return 1
    for _ in $(seq 1 50); do port_open "$pg_host" "$pg_port" && break; sleep 0.2; done
  fi
  if command -v pg_isready >/dev/null 2>&1; then
    for _ in $(seq 1 50); do pg_isready -q -h "$pg_host" -p "$pg_port" && break; sleep 0.2; done
  fi
  ensure_db_role "$database_url" || return 1

  status=0
  probe_service Redis REDIS_URL "$redis_url" 6379 redis://host:port || status=$?
  [ "$status" = 1 ] && return 1
  redis_host=$URL_HOST redis_port=$URL_PORT
  if [ "$status" = 2 ]; then
    if ! command -v redis-server >/dev/null 2>&1; then
      install_services "Redis (redis-server)" || return 1
    fi
    echo "==> starting Redis on port $redis_port"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 50); do port_open "$redis_host" "$redis_port" && break; sleep 0.2; done
  fi
  command -v redis-cli >/dev/null 2>&1 || return 0
  redis_cli=(redis-cli -u "$redis_url")
  # BullMQ must never have its keys evicted. We set that on a Redis we run; a server someone else
  # runs is only checked (managed services often refuse CONFIG, and it is theirs to set).
  if is_local_host "$redis_host"; then
    "${redis_cli[@]}" config set maxmemory-policy noeviction >/dev/null 2>&1 ||
      echo "warning: could not set maxmemory-policy noeviction on Redis $redis_host:$redis_port; BullMQ needs it" >&2
  else
    policy=$("${redis_cli[@]}" config get maxmemory-policy 2>/dev/null | sed -n 2p)
    [ "$policy" = noeviction ] ||
      echo "warning: Redis $redis_host:$redis_port has maxmemory-policy ${policy:-unknown}; BullMQ needs noeviction (set it there)" >&2
  fi
}

# The console's browser tests drive Debian's chromium through playwright-core, which cannot download
# a browser of its own here. Installed with apt when missing (Debian, as root); left alone when present.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  if [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing chromium with apt-get (the console's browser tests need /usr/bin/chromium)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    return
  fi
  echo "error: the console's browser tests need Chromium at /usr/bin/chromium (Debian/Ubuntu: sudo apt-get install chromium)" >&2
  return 1
}

# The pid of the fleet scripts/start.sh runs from this checkout, recorded while it runs.
FLEET_PIDFILE=node_modules/.switchyard-fleet.pid

# Whether that fleet runs. A process that has exited but not yet been reaped by its parent (a
# zombie) counts as stopped, and a pid the system has since given to another program is not it.
fleet_running() {
  local pid
  pid=$(cat "$FLEET_PIDFILE" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ] && ps -o args= -p "$pid" | grep -q "scripts/start.sh"
}

# pnpm install + prisma generate, skipped when the lockfile and the schema are what the last
# successful run installed (a restart then takes seconds, not half a minute).
install_deps() {
  local stamp=node_modules/.switchyard-stamp want
  want=$(cat pnpm-lock.yaml prisma/schema.prisma | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d packages/db/src/generated ]; then
    echo "==> dependencies up to date (pnpm-lock.yaml and prisma/schema.prisma unchanged)"
    return
  fi
  pnpm install --frozen-lockfile
  pnpm db:generate
  echo "$want" >"$stamp"
}

# ── pooler run (PgBouncer in transaction mode) ─────────────────────────────────────────────────
# Installs Debian's pgbouncer when missing (the test command runs part of the suite through it).
ensure_pgbouncer() {
  command -v pgbouncer >/dev/null 2>&1 && return 0
  [ -x /usr/sbin/pgbouncer ] && return 0
  if [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing pgbouncer with apt-get (the pooler run needs it)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null 2>&1 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null; }
    return
  fi
  echo "error: the pooler run needs PgBouncer (Debian/Ubuntu: sudo apt-get install pgbouncer)" >&2
  return 1
}

# Starts a test-owned PgBouncer in transaction mode in front of 127.0.0.1:5432 on port $1, its files
# in directory $2 (stop_pgbouncer removes them); prints its URL (no database).
start_pgbouncer() {
  node "$(node -p 'require.resolve("tsx/cli")')" packages/testing/scripts/pgbouncer.ts start "$2" "$1" transaction
}

stop_pgbouncer() {
  node "$(node -p 'require.resolve("tsx/cli")')" packages/testing/scripts/pgbouncer.ts stop "$1"
}
# ── end pooler run ─────────────────────────────────────────────────────────────────────────────

# ── Redis Cluster test run (issue 16) ─────────────────────────────────────────────────────────────
# A test-owned 3-master Redis Cluster on loopback ports $2..$2+2, its files and pidfiles under $1
# (absolute). Sets REDIS_CLUSTER_URL. Never touches the shared Redis; stop_redis_cluster ends
# exactly the processes this started (their pidfiles).
start_redis_cluster() {
  local dir=$1 base=$2 port nodes=() ok
  for port in "$base" $((base + 1)) $((base + 2)); do
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" \
      --cluster-node-timeout 2000 --dir "$dir/$port" --save "" --appendonly no --maxmemory-policy noeviction \
      --daemonize yes --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log"
    nodes+=("127.0.0.1:$port")
  done
  for port in "$base" $((base + 1)) $((base + 2)); do
    for _ in $(seq 1 100); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-yes >"$dir/create.log" 2>&1 || { tail -n 3 "$dir/create.log" "$dir"/*/redis.log >&2; return 1; }
  for port in "$base" $((base + 1)) $((base + 2)); do
    ok=
    for _ in $(seq 1 100); do redis-cli -p "$port" cluster info | grep -q cluster_state:ok && { ok=1; break; }; sleep 0.1; done
    [ -n "$ok" ] || { echo "error: Redis Cluster node $port did not reach cluster_state:ok" >&2; return 1; }
  done
  REDIS_CLUSTER_URL="redis+cluster://$(IFS=,; echo "${nodes[*]}")"
}

stop_redis_cluster() {
  local dir=$1 pidfile
  for pidfile in "$dir"/*/redis.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$dir"
}

# The suites the cluster run repeats (jest path patterns): the queues, the outbox (the receiver's
# ingest → outbox → queue tests), the rate limiters (outbound, forms, the dead-letter gauge) and the
# end-to-end tests on the in-process fleet. Left out: e2e tests that own their Redis or Postgres
# (redis-restart, redis-loss, connection-killed, postgres-restart: the same run either way), the
# cluster failover test (it owns a 6-node cluster in every run), and those running each app as a
# child process (crash, replicas, graceful-shutdown, metrics-bind, monitoring-files, cli-*), to keep
# this run near 3 minutes.
CLUSTER_TEST_PATHS=(
  packages/queues
  packages/connectors/test/rate-limiter
  packages/testing/src/own-redis-cluster
  packages/worker-runtime/test/dead-letter-depth
  apps/receiver/test/stripe-ingest
  apps/receiver/test/forms
  'packages/e2e/test/(workflow-|dead-letters|faults|payment-disorder|outbound-rate-limit|crm-deal-sync|message-values|template-reload|alerts|cluster-spread)'
)

# Runs CLUSTER_TEST_PATHS with REDIS_URL on a fresh cluster, writing jest's JSON results to $1; the
# cluster is torn down whatever the outcome.
run_cluster_tests() {
  local out=$1 dir base status=0 _
  dir=$(mktemp -d /tmp/sy-test-cluster.XXXXXX)
  for _ in 1 2 3 4 5; do
    # 16000-20499, its cluster buses (10000 higher) below the kernel's ephemeral ports (32768 up),
    # which a busy machine's client connections hold; OwnRedisCluster keeps to 10000-15999.
    base=$((16000 + (RANDOM % 1500) * 3))
    port_open 127.0.0.1 "$base" || port_open 127.0.0.1 $((base + 2)) || port_open 127.0.0.1 $((base + 10000)) || break
  done
  echo "==> tests on a Redis Cluster (3 masters on ports $base-$((base + 2)))"
  if ! start_redis_cluster "$dir" "$base"; then
    stop_redis_cluster "$dir"
    return 1
  fi
  REDIS_URL=$REDIS_CLUSTER_URL pnpm exec jest --ci --json --outputFile="$out" "${CLUSTER_TEST_PATHS[@]}" || status=$?
  stop_redis_cluster "$dir"
  return $status
}
# ── end Redis Cluster test run ───────────────────────────────────────────────────────────────────
