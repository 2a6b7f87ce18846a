#!/usr/bin/env bash
# suite-servers.sh: real servers run whole under falcon-sensor, in detect and
# in prevent mode: nginx, redis-server and PostgreSQL each start under the
# sensor, serve real requests from native clients, and stop cleanly on a
# signal sent to the sensor. Checks: it answers, the answers are right, the
# sensor exits with the server's clean exit status (0), no process is left,
# the events are there and valid OCSF, and a benign server raises no
# Detection Finding (class_uid 2004). No timing: deadlines only.
#
# Loopback ports 28080 (nginx), 26379 (redis) and 25432 (postgres, with its
# unix socket in the scratch directory): not those of bench/real.sh or the
# other suites, and not the usual ones, so a system instance is never hit.
# Needs nginx-light, redis-server, redis-tools, postgresql, curl, jq
# (scripts/install-deps).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
SCHEMA=${OCSF_SCHEMA:-tests/ocsf-schema}
CID=0123456789ABCDEF0123456789ABCDEF-12
NGINX_PORT=28080
REDIS_PORT=26379
PG_PORT=25432
READY_DEADLINE=20 # seconds for a server under the sensor to answer
STOP_DEADLINE=20  # seconds for it to exit after its stop signal
failed=0

. tests/lib/tap.sh
. tests/lib/proc_tree.sh

if [ "$(id -u)" != 0 ]; then
	skip "servers" "not root (the sensor must run as root)"
	exit 0
fi
SENSOR=$BUILD/payload/falcon-sensor
if [ ! -x "$SENSOR" ]; then
	bail_out "servers: $SENSOR is not built (run make all)"
fi
SENSOR=$(cd "$(dirname "$SENSOR")" && pwd)/falcon-sensor
# python3 resolved once (tests/sensor/events.py needs the standard library
# only): a version manager's shim costs a shell per call.
PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null) || PYTHON=/usr/bin/python3

T=$(mktemp -d /tmp/fc-servers.XXXXXX) || bail_out "servers: cannot make a directory in /tmp"
# nginx's workers (nobody) and postgres must reach their files below T.
chmod 711 "$T"

# The sensor being checked, and "pid:starttime" of its process tree as it
# was just before the stop: what must be gone afterwards.
SPID=
TREE=

# kill_all: SIGKILL for the sensor and everything it started.
kill_all() {
	local e
	[ -n "$SPID" ] || return 0
	for e in $TREE $(proc_tree "$SPID"); do
		kill -KILL "${e%%:*}" 2> /dev/null
	done
	wait "$SPID" 2> /dev/null
	SPID=
}

cleanup() {
	# A second signal must not cut the cleanup short.
	trap '' INT TERM
	kill_all
	[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# port_open PORT: something answers on 127.0.0.1:PORT.
port_open() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# missing_packages CMD:PACKAGE...: the packages whose command is missing.
missing_packages() {
	local pair missing=()
	for pair in "$@"; do
		command -v "${pair%%:*}" > /dev/null 2>&1 && continue
		case " ${missing[*]} " in *" ${pair##*:} "*) ;; *) missing+=("${pair##*:}") ;; esac
	done
	echo "${missing[*]}"
}

# ---- Under the sensor: start, wait until ready, stop, check what is left.

# start NAME MODE PORT READY_FN PATH ARG...: runs PATH under the sensor
# in MODE with its events in $T/NAME-MODE.ev, then waits until READY_FN
# succeeds. Prints the check; returns 1 if the server never answered.
start() {
	local name=$1 mode=$2 port=$3 ready_fn=$4 path=$5 deadline
	shift 5
	EVF=$T/$name-$mode.ev
	LOG=$T/$name-$mode.log
	if port_open "$port"; then
		not_ok "$name ($mode): port $port is free before the start" \
			"something already listens on 127.0.0.1:$port; stop it"
		return 1
	fi
	"$SENSOR" "--cid=$CID" "--sink=file:$EVF" "--mode=$mode" -- "$path" "${path##*/}" "$@" \
		> "$LOG" 2>&1 < /dev/null &
	SPID=$!
	TREE=
	deadline=$((SECONDS + READY_DEADLINE))
	until "$ready_fn"; do
		if ! alive "$SPID" || [ "$SECONDS" -ge "$deadline" ]; then
			local why="it did not answer within $READY_DEADLINE s"
			if ! alive "$SPID"; then
				wait "$SPID"
				why="the sensor exited with status $? before the server answered"
				SPID=
			fi
			not_ok "$name ($mode): answers within $READY_DEADLINE s" "$why; its output:" "$LOG"
			findings_diag "$EVF"
			return 1
		fi
		sleep 0.1
	done
	ok "servers: $name ($mode): answers within $READY_DEADLINE s"
}

# stop NAME MODE SIGNAL: sends SIGNAL to the sensor (which forwards it) and
# checks the clean exit, what is left running, and the events.
stop() {
	local name=$1 mode=$2 sig=$3 deadline rc left
	if [ -z "$SPID" ]; then
		not_ok "$name ($mode): stops on SIG$sig" "the sensor is not running"
	else
		TREE=$(proc_tree "$SPID")
		kill -s "$sig" "$SPID"
		deadline=$((SECONDS + STOP_DEADLINE))
		while alive "$SPID" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
		if alive "$SPID"; then
			not_ok "$name ($mode): stops within $STOP_DEADLINE s of SIG$sig to the sensor" \
				"still running: $(named $(still_running "$TREE") | tr '\n' ' ')" "its output:" "$LOG"
			kill_all
		else
			ok "servers: $name ($mode): stops within $STOP_DEADLINE s of SIG$sig to the sensor"
			wait "$SPID"
			rc=$?
			SPID=
			if [ "$rc" -eq 0 ]; then
				ok "servers: $name ($mode): the sensor exits 0, the server's clean exit status"
			else
				not_ok "$name ($mode): the sensor exits 0, the server's clean exit status" \
					"it exited $rc; its output:" "$LOG"
			fi
			left=$(still_running "$TREE")
			if [ -z "$left" ]; then
				ok "servers: $name ($mode): no process left running"
			else
				not_ok "$name ($mode): no process left running" "left: $(named $left)"
				kill_all
			fi
		fi
		TREE=
	fi
	check_events "$name" "$mode"
}

# findings_diag FILE: the Detection Findings in FILE, as diagnostics.
findings_diag() {
	[ -s "$1" ] || return 0
	jq -R -c 'fromjson? // empty | select(.class_uid == 2004) |
		{rule: .finding_info.analytic.uid, id: .finding_info.uid, action,
		 process: (.evidences[0].process.file.path // null),
		 cmd: (.evidences[0].process.cmd_line // null),
		 file: (.evidences[0].file.path // null)}' "$1" | head -n 20 | sed 's/^/# finding: /'
}

# check_events NAME MODE: the server's Launch is there, the sensor's Stop is
# the last line, every line is OCSF, and there is no Detection Finding.
check_events() {
	local name=$1 mode=$2 n exe problems=()
	if [ ! -s "$EVF" ]; then
		not_ok "$name ($mode): events written" "$EVF is missing or empty"
		return
	fi
	exe=$(readlink -f "$SERVER_EXE")
	if ! jq -e -R -s --arg a "$SERVER_EXE" --arg b "$exe" '
		[split("\n")[] | fromjson? | select(.class_uid == 1007 and .activity_id == 1)
		 | .process.file.path] | any(. == $a or . == $b)' "$EVF" > /dev/null 2>&1; then
		problems+=("no Process Activity Launch of $SERVER_EXE")
	fi
	if ! tail -n 1 "$EVF" | jq -e 'select(.class_uid == 6002 and .activity_id == 4)' > /dev/null 2>&1; then
		problems+=("the last line is not the sensor's Stop event")
	fi
	if ! "$PYTHON" -S tests/sensor/events.py validate "$EVF" "$SCHEMA" > "$T/validate" 2>&1; then
		problems+=("events that are not OCSF:" "$T/validate")
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		ok "servers: $name ($mode): events: the server's Launch, valid OCSF, the sensor's Stop last ($(wc -l < "$EVF") lines)"
	else
		not_ok "$name ($mode): events: the server's Launch, valid OCSF, the sensor's Stop last" "${problems[@]}"
	fi
	n=$(jq -R 'fromjson? // empty | select(.class_uid == 2004) | 1' "$EVF" | wc -l)
	if [ "$n" -eq 0 ]; then
		ok "servers: $name ($mode): no Detection Finding"
	else
		not_ok "$name ($mode): no Detection Finding" "$n Detection Finding(s) from a benign server:"
		findings_diag "$EVF"
	fi
}

# ---- nginx

nginx_ready() { curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$NGINX_PORT/index.html" > /dev/null 2>&1; }

nginx_suite() {
	local mode=$1 d=$T/nginx got
	mkdir -p "$d/html"
	echo "falcon-container servers suite: hello from nginx ($$)" > "$d/html/index.html"
	head -c 1048576 /dev/urandom > "$d/html/big.bin"
	chmod -R a+rX "$d"
	cat > "$d/nginx.conf" << EOF
daemon off;
master_process on;
worker_processes 2;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
	access_log $d/access.log;
	sendfile on;
	default_type application/octet-stream;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $d/html;
	}
}
EOF
	SERVER_EXE=/usr/sbin/nginx
	# -e: not the compiled-in /var/log/nginx/error.log, opened before the
	# configuration is read.
	if start nginx "$mode" "$NGINX_PORT" nginx_ready /usr/sbin/nginx -c "$d/nginx.conf" -p "$d/" -e "$d/error.log"; then
		got=$(curl -fsS --max-time 10 "http://127.0.0.1:$NGINX_PORT/index.html" 2> "$T/curl.err")
		if [ "$got" = "$(cat "$d/html/index.html")" ]; then
			ok "servers: nginx ($mode): serves index.html"
		else
			not_ok "nginx ($mode): serves index.html" "got: $got" "$T/curl.err"
		fi
		# 1 MiB through sendfile, on a new connection each time.
		if curl -fsS --max-time 20 -o "$T/big.got" "http://127.0.0.1:$NGINX_PORT/big.bin" 2> "$T/curl.err" &&
			cmp -s "$T/big.got" "$d/html/big.bin"; then
			ok "servers: nginx ($mode): serves a 1 MiB file intact"
		else
			not_ok "nginx ($mode): serves a 1 MiB file intact" "$T/curl.err"
		fi
		if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$NGINX_PORT/missing")" = 404 ]; then
			ok "servers: nginx ($mode): answers 404 for a missing file"
		else
			not_ok "nginx ($mode): answers 404 for a missing file"
		fi
	fi
	stop nginx "$mode" QUIT
	if grep -q 'GET /index.html' "$d/access.log" 2> /dev/null; then
		ok "servers: nginx ($mode): wrote its access log"
	else
		not_ok "nginx ($mode): wrote its access log" "$d/error.log"
	fi
	rm -rf "$d"
}

# ---- redis

redis_ready() { [ "$(timeout 5 redis-cli -p "$REDIS_PORT" ping 2> /dev/null)" = PONG ]; }

redis_suite() {
	local mode=$1 d=$T/redis value got
	mkdir -p "$d"
	SERVER_EXE=$(command -v redis-server)
	if start redis "$mode" "$REDIS_PORT" redis_ready "$SERVER_EXE" --port "$REDIS_PORT" \
		--bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$d" --logfile ''; then
		value="falcon $mode $$ $RANDOM"
		got=$(timeout 10 redis-cli -p "$REDIS_PORT" SET fc:key "$value" 2>&1)
		if [ "$got" = OK ]; then
			got=$(timeout 10 redis-cli -p "$REDIS_PORT" GET fc:key 2>&1)
		fi
		if [ "$got" = "$value" ]; then
			ok "servers: redis ($mode): SET then GET returns the value"
		else
			not_ok "redis ($mode): SET then GET returns the value" "got: $got"
		fi
		got=$(for _ in 1 2 3 4 5; do echo "INCR fc:n"; done | timeout 10 redis-cli -p "$REDIS_PORT" 2>&1 | tail -n 1)
		if [ "$got" = 5 ]; then
			ok "servers: redis ($mode): five pipelined INCRs count to 5"
		else
			not_ok "redis ($mode): five pipelined INCRs count to 5" "got: $got"
		fi
	fi
	stop redis "$mode" TERM
	rm -rf "$d"
}

# ---- PostgreSQL, as user postgres through setpriv: runuser goes through
# PAM, whose configuration files the sensor rightly reports as sensitive.

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)
SETUID_PG=(/usr/bin/setpriv --reuid=postgres --regid=postgres --init-groups --)
# libpq would try GSSAPI and SSL first; the server has neither.
export PGGSSENCMODE=disable PGSSLMODE=disable PGUSER=postgres PGDATABASE=postgres

pg_ready() { "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" > /dev/null 2>&1; }

# psql_c SQL: one psql call over TCP; prints the unaligned result.
psql_c() { timeout 60 "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -c "$1"; }

pg_suite() {
	local mode=$1 d=$T/pg got
	rm -rf "$d/data"
	cp -a "$T/pg-pristine" "$d/data" || {
		not_ok "postgres ($mode): copy the initialised database"
		return
	}
	SERVER_EXE=$PGBIN/postgres
	# fsync=off: the test checks behaviour, not durability.
	if start postgres "$mode" "$PG_PORT" pg_ready "${SETUID_PG[0]}" "${SETUID_PG[@]:1}" \
		"$PGBIN/postgres" -D "$d/data" -p "$PG_PORT" -k "$d/sock" \
		-c listen_addresses=127.0.0.1 -c fsync=off; then
		got=$(psql_c "CREATE TABLE fc (id int PRIMARY KEY, v text);
			INSERT INTO fc SELECT g, 'row ' || g FROM generate_series(1, 1000) g;
			SELECT count(*) || ' ' || max(v) FROM fc WHERE id % 10 = 0;" 2>&1)
		if [ "$got" = "100 row 990" ]; then
			ok "servers: postgres ($mode): CREATE, INSERT and SELECT return the rows"
		else
			not_ok "postgres ($mode): CREATE, INSERT and SELECT return the rows" "got: $got"
		fi
		# Several backends at once, each a fork of the postmaster, and
		# pgbench's own tables written and read.
		if timeout 120 "$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -i -s 1 -q > "$T/pgbench.out" 2>&1 &&
			timeout 120 "$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -n -c 4 -j 2 -t 25 >> "$T/pgbench.out" 2>&1 &&
			grep -q 'number of transactions actually processed: 100/100' "$T/pgbench.out" &&
			[ "$(psql_c 'SELECT count(*) FROM pgbench_history' 2>&1)" = 100 ]; then
			ok "servers: postgres ($mode): pgbench, 4 clients, 100 TPC-B transactions, all in the history"
		else
			not_ok "postgres ($mode): pgbench, 4 clients, 100 TPC-B transactions, all in the history" \
				"$T/pgbench.out"
		fi
	fi
	stop postgres "$mode" TERM
}

# The database is initialised once, natively, then copied for each mode.
pg_init() {
	mkdir -p "$T/pg/sock"
	chown -R postgres: "$T/pg"
	(cd "$T/pg" && "${SETUID_PG[@]}" "$PGBIN/initdb" -D "$T/pg/init" -A trust -U postgres \
		--no-sync --no-locale -E UTF8) > "$T/initdb.log" 2>&1 &&
		mv "$T/pg/init" "$T/pg-pristine"
}

# ---- The suites, each server in both modes.

for mode in detect prevent; do
	miss=$(missing_packages /usr/sbin/nginx:nginx-light curl:curl jq:jq)
	if [ -n "$miss" ]; then
		not_ok "nginx ($mode): packages installed" "missing: $miss (scripts/install-deps)"
	else
		nginx_suite "$mode"
	fi
	miss=$(missing_packages redis-server:redis-server redis-cli:redis-tools jq:jq)
	if [ -n "$miss" ]; then
		not_ok "redis ($mode): packages installed" "missing: $miss (scripts/install-deps)"
	else
		redis_suite "$mode"
	fi
done

miss=$(missing_packages "$PGBIN/postgres:postgresql" "$PGBIN/initdb:postgresql" \
	"$PGBIN/psql:postgresql" "$PGBIN/pgbench:postgresql" "$PGBIN/pg_isready:postgresql" \
	setpriv:util-linux jq:jq)
id -u postgres > /dev/null 2>&1 || miss+=" postgresql"
if [ -n "$miss" ]; then
	not_ok "postgres: packages installed" "missing: $miss (scripts/install-deps)"
elif ! pg_init; then
	not_ok "postgres: initdb as user postgres" "$T/initdb.log"
else
	for mode in detect prevent; do pg_suite "$mode"; done
fi
exit "$failed"
