#!/usr/bin/env bash
# real.sh: what the sensor costs real applications, on loopback: servers
# under load from a native client, a parallel build, an archive, process
# start-ups and interpreter start-ups. A measurement, not a test: it asserts
# nothing, and exits non-zero only when something failed to run (a server
# that does not start, a client that fails), naming the workload and cause.
#
#   bench/real.sh [RUNS]            (default 5 runs of each kind; root)
#   bench/real.sh --scale [RUNS]    only the scaling section (see below)
#
# Each workload runs natively, under falcon-sensor in detect mode (the
# default), under falcon-sensor --mode=prevent, and under
# `strace -f -qq --seccomp-bpf -e trace=SET -o /dev/null` with the SET of
# bench/tracer.sh (the syscalls the sensor stops by default). Kinds are
# interleaved within each run (native, sensor, prevent, strace, native, ...)
# so that drift in the machine's load hits every kind alike; the table shows
# medians of RUNS and the cost of each kind against native from the same run
# of this script: native rate / traced rate, or traced time / native time.
#
# Workloads (goal: the cost the sensor should stay under):
# 1. nginx, a 4 KiB static file over keep-alive, `wrk -t1 -c16 -d5s`
#    (worker_processes 1, access_log off)                          <= 1.05
# 2. nginx, a new connection per request (`wrk -H 'Connection: close'`),
#    access log on, to a file                                      <= 1.05
# 3. `make -j2` of 24 generated C files (cc -O1 -c, then linked)   <= 1.15
# 4. `tar -x` of 5000 small files into /dev/shm (bench/tracer.sh's
#    tarball)                                                      <= 1.5
# 5. fork+exec of /bin/true x2000 (bench/tracer_work.c forkexec)   <= 1.25
# 6. 40 start-ups of /usr/bin/python3 importing json, http.client,
#    email, ssl and sqlite3, from one shell loop (the loop is
#    the traced program)                                           <= 1.10
# 7. PostgreSQL TPC-B, `pgbench -c4 -j2 -T10`, scale 1            <= 1.02
# 8. PostgreSQL `pgbench -C -S -c4 -j2 -T10`: a new connection, so
#    a backend fork, per transaction                               <= 1.05
# 9. Redis GET, `redis-benchmark -c 16 -n 200000 -t get -q`        <= 1.01
# Workloads 3 to 5 run through bench/tracer_work.c, which times them from
# inside, so that starting the tracer is not counted; the shell loop of 6
# reads the clock itself (date) before and after. For the servers
# (1, 2, 7, 8, 9) only the server runs natively, under the sensor or under
# strace; the client always runs natively, and the rate it reports is the
# figure. Each server is started fresh for each measured run, polled until
# it answers (with a deadline), and stopped cleanly afterwards (SIGQUIT for
# nginx, SIGTERM for redis and postgres, to the sensor, which forwards it;
# to strace's child under strace, since strace blocks those signals).
# PostgreSQL runs as user postgres through setpriv (runuser reads the PAM
# configuration, which the sensor rightly reports as a sensitive read, and
# under --mode=prevent refuses, so that runuser aborts), with fsync=off
# (a benchmark of the tracer, not of the disk), on a copy of a database
# initialised once, so every run starts from the same data.
#
# After the table: the sensor's peak RSS (largest over all sensor and
# prevent runs, from each run's final Stop event) and the Detection Findings
# (class_uid 2004) the workloads raised, which must be 0: they are benign.
#
# Scaling (printed at the end; alone with --scale): how the sensor's cost
# grows with parallel work on this machine, native against the sensor only:
# `make -jN` for N=1,2, and nginx keep-alive with worker_processes N=1,2
# (`wrk -t1 -c16` for N=1, `wrk -t2 -c32` for N=2). The N=2 make and N=1
# nginx figures are workloads 3 and 1 of the same run.
#
# Ports, all on 127.0.0.1, chosen to be unusual so that a system instance
# of the same server is never hit: nginx 18080, redis 16379, postgres 15432
# (its unix socket in the work directory). Everything else lives in a
# mktemp -d directory under /tmp (the tar output under /dev/shm), removed on
# exit with every process this script started.
#
# BASELINE=PATH adds a fifth kind, "baseline": another falcon-sensor binary
# (an older build) in detect mode, interleaved with the others, so that a
# change's before and after come from the same run (one more column each).
#
# Needs: nginx-light, redis-server, redis-tools, wrk, postgresql (15, for
# postgres, initdb and pgbench), strace, jq, curl, build-essential, python3,
# util-linux (setpriv), and the sensor (make -j2 all). Run scripts/install-deps
# to install them all. At RUNS=5 it takes about 20 minutes on an idle
# 2-vCPU machine, longer on a busy one; progress goes to stderr.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib/proc_tree.sh

SCALE_ONLY=0
if [ "${1:-}" = --scale ]; then
	SCALE_ONLY=1
	shift
fi
RUNS=${1:-5}
case $RUNS in
'' | *[!0-9]* | 0)
	echo "usage: bench/real.sh [--scale] [RUNS]" >&2
	exit 2
	;;
esac
BUILD=${BUILD:-build}
SENSOR=$BUILD/payload/falcon-sensor
CID=0123456789ABCDEF0123456789ABCDEF-12
NGINX_PORT=18080
REDIS_PORT=16379
PG_PORT=15432
STRACE_SET=execve,execveat,open,openat,openat2,creat,unlink,unlinkat,rename,renameat,renameat2,chmod,fchmod,fchmodat,connect,bind,listen
PY=/usr/bin/python3
START_DEADLINE=60 # seconds for a server to answer; slow under strace
STOP_DEADLINE=30  # seconds for a server to exit after its stop signal

die() {
	echo "real.sh: $*" >&2
	exit 1
}
progress() { echo "real.sh: $*" >&2; }
# note TEXT: something odd but not fatal, printed now and in the report.
NOTES=
note() {
	progress "NOTE: $*"
	NOTES+="$*"$'\n'
}
CURRENT=setup # the workload, kind and run being measured, for notes

[ "$(id -u)" -eq 0 ] || die "must run as root (the sensor needs it)"
[ -x "$SENSOR" ] || die "$SENSOR is not built (make -j2 all)"

# The newest PostgreSQL on the machine (Debian 12 has 15).
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
missing=()
for pair in /usr/sbin/nginx:nginx-light redis-server:redis-server \
	redis-cli:redis-tools redis-benchmark:redis-tools wrk:wrk \
	"$PGBIN/postgres:postgresql" "$PGBIN/initdb:postgresql" \
	"$PGBIN/pgbench:postgresql" "$PGBIN/pg_isready:postgresql" \
	strace:strace jq:jq curl:curl make:build-essential cc:build-essential \
	tar:tar "$PY:python3" setpriv:util-linux ps:procps; do
	cmd=${pair%%:*}
	pkg=${pair##*:}
	if ! command -v "$cmd" > /dev/null 2>&1; then
		case " ${missing[*]} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
	fi
done
id -u postgres > /dev/null 2>&1 || missing+=("postgresql (no user postgres)")
if [ ${#missing[@]} -gt 0 ]; then
	die "missing packages: ${missing[*]} (run scripts/install-deps)"
fi

# port_open PORT: something answers on 127.0.0.1:PORT.
port_open() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
for port in $NGINX_PORT $REDIS_PORT $PG_PORT; do
	port_open "$port" && die "port $port is already in use on 127.0.0.1; stop whatever listens there"
done

W=$(mktemp -d /tmp/fc-bench-real.XXXXXX) || die "mktemp failed"
# tar extracts into memory (/dev/shm) when it can, as in bench/tracer.sh.
X=$(mktemp -d /dev/shm/fc-bench-real.XXXXXX 2> /dev/null) || X=$W/x
# The nginx workers (nobody) and postgres must get through to their files.
chmod 711 "$W"
EV=$W/events

# The server being measured: its pid (the sensor or strace when traced) and
# the "pid:starttime" of its whole process tree, taken before its stop.
SRV_PID=
SRV_TREE=

# kill_server: SIGKILL for the server's whole tree, then reap it.
kill_server() {
	local p tree
	[ -n "$SRV_PID" ] || return 0
	tree="$SRV_TREE $(proc_tree "$SRV_PID")"
	for p in $(still_running "$tree"); do
		kill -KILL "$p" 2> /dev/null
	done
	wait "$SRV_PID" 2> /dev/null
	SRV_PID=
	SRV_TREE=
}

cleanup() {
	# A second signal must not cut the cleanup short (a kill(-1) from
	# another program can come in twos).
	trap '' INT TERM
	kill_server
	rm -rf "$W" "$X"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# cmd_for KIND PATH ARG...: the command line that runs PATH ARG... natively,
# under the sensor (detect or prevent) or under strace, into CMD.
cmd_for() {
	local kind=$1 path=$2
	shift 2
	case $kind in
	native) CMD=("$path" "$@") ;;
	sensor) CMD=("$SENSOR" "--cid=$CID" "--sink=file:$EV" -- "$path" "${path##*/}" "$@") ;;
	baseline) CMD=("$BASELINE" "--cid=$CID" "--sink=file:$EV" -- "$path" "${path##*/}" "$@") ;;
	prevent) CMD=("$SENSOR" "--cid=$CID" "--sink=file:$EV" --mode=prevent -- "$path" "${path##*/}" "$@") ;;
	strace) CMD=(strace -f -qq --seccomp-bpf -e "trace=$STRACE_SET" -o /dev/null "$path" "$@") ;;
	esac
}

# ---- Setup: the work program, the tarball, the C sources, the servers' files.

progress "setting up in $W"
cc -O2 -Wall -o "$W/work" bench/tracer_work.c || die "bench/tracer_work.c does not build"
TAR=$(command -v tar)

# 5000 small files (100 to 2000 bytes) in 50 directories, as bench/tracer.sh.
"$PY" bench/small_files.py "$W/src" || die "cannot generate the tar input"
tar -C "$W/src" -cf "$W/files.tar" . || die "cannot make the tarball"
rm -rf "$W/src"

# 24 C files of a few functions each, with the usual standard headers (most
# of a small compile is reading them), one of them with main().
mkdir -p "$W/make"
for i in $(seq -w 1 24); do
	n=$((10#$i))
	cat > "$W/make/u$i.c" << EOF
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item$i { char name[32]; double weight; uint32_t flags; };

double score$i(const char *s);
int sort$i(struct item$i *v, size_t n);
char *describe$i(const struct item$i *it);
uint32_t mix$i(uint32_t h);

static int cmp$i(const void *a, const void *b)
{
	const struct item$i *x = a, *y = b;

	return (x->weight > y->weight) - (x->weight < y->weight);
}

double score$i(const char *s)
{
	double acc = 0;

	for (size_t k = 0; s[k]; k++)
		acc += sqrt((double)(unsigned char)s[k] * $n);
	return acc;
}

int sort$i(struct item$i *v, size_t n)
{
	if (!v) {
		errno = EINVAL;
		return -1;
	}
	qsort(v, n, sizeof(*v), cmp$i);
	return 0;
}

char *describe$i(const struct item$i *it)
{
	char *out = malloc(64);

	if (out)
		snprintf(out, 64, "%s:%.2f:%u", it->name, it->weight, it->flags);
	return out;
}

uint32_t mix$i(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	return h ^ (h >> 16) ^ (uint32_t)strlen("u$i");
}
EOF
done
{
	for i in $(seq -w 1 24); do echo "double score$i(const char *s);"; done
	echo 'int main(void)'
	echo '{'
	echo '	double t = 0;'
	for i in $(seq -w 1 24); do echo "	t += score$i(\"x\");"; done
	echo '	printf("%f\n", t);'
	echo '	return 0;'
	echo '}'
} >> "$W/make/u01.c"
cat > "$W/make/Makefile" << 'EOF'
OBJS := $(patsubst %.c,%.o,$(wildcard *.c))
prog: $(OBJS)
	cc -o $@ $(OBJS) -lm
%.o: %.c
	cc -O1 -c -o $@ $<
EOF

# nginx: one configuration per variant, all files under $W/nginx; -e keeps
# nginx from opening its compiled-in /var/log/nginx/error.log at start.
mkdir -p "$W/nginx/html"
yes 'falcon-container bench/real.sh: a 4 KiB static file.' | head -c 4096 > "$W/nginx/html/f4k.txt"
chmod -R a+rX "$W/nginx"
# nginx_conf NAME WORKERS ACCESS_LOG(on|off)
nginx_conf() {
	local log="access_log off;"
	[ "$3" = on ] && log="access_log $W/nginx/access.log;"
	cat > "$W/nginx/$1.conf" << EOF
daemon off;
master_process on;
worker_processes $2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
	$log
	sendfile on;
	tcp_nopush on;
	default_type text/plain;
	client_body_temp_path $W/nginx/body;
	proxy_temp_path $W/nginx/proxy;
	fastcgi_temp_path $W/nginx/fastcgi;
	uwsgi_temp_path $W/nginx/uwsgi;
	scgi_temp_path $W/nginx/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $W/nginx/html;
	}
}
EOF
}
nginx_conf ka 1 off
nginx_conf close 1 on
nginx_conf ka2 2 off

mkdir -p "$W/redis"

# PostgreSQL: the libpq clients skip GSSAPI and SSL negotiation (the server
# has neither), so a connection costs the client as little as it can.
export PGGSSENCMODE=disable PGSSLMODE=disable PGUSER=postgres PGDATABASE=postgres
mkdir -p "$W/pg/sock"
chown -R postgres: "$W/pg"
PGSETUID=(/usr/bin/setpriv --reuid=postgres --regid=postgres --init-groups --)

# ---- Servers: start under a kind, wait until ready, stop.

# server_cmd SERVER [NGINX_CONF]: the server's command line, into SRV.
server_cmd() {
	case $1 in
	nginx) SRV=(/usr/sbin/nginx -c "$W/nginx/$2.conf" -p "$W/nginx/" -e "$W/nginx/error.log") ;;
	redis) SRV=("$(command -v redis-server)" --port "$REDIS_PORT" --bind 127.0.0.1
		--save '' --appendonly no --daemonize no --dir "$W/redis" --logfile '') ;;
	postgres) SRV=("${PGSETUID[@]}" "$PGBIN/postgres" -D "$W/pg/data" -p "$PG_PORT"
		-k "$W/pg/sock" -c listen_addresses=127.0.0.1 -c fsync=off) ;;
	esac
}

# ready SERVER: the server answers a real request.
ready() {
	case $1 in
	nginx) curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$NGINX_PORT/f4k.txt" ;;
	redis) [ "$(redis-cli -p "$REDIS_PORT" ping 2> /dev/null)" = PONG ] ;;
	postgres) "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" ;;
	esac > /dev/null 2>&1
}

# server_start SERVER KIND [NGINX_CONF]: starts it, waits until it answers.
# Sets SRV_PID; on failure ERR says why.
server_start() {
	local server=$1 kind=$2 port deadline
	case $server in
	nginx) port=$NGINX_PORT ;;
	redis) port=$REDIS_PORT ;;
	postgres) port=$PG_PORT ;;
	esac
	# A previous server still listening would answer the ready check.
	if port_open "$port"; then
		ERR="port $port is still in use before the start"
		return 1
	fi
	server_cmd "$server" "${3:-}"
	cmd_for "$kind" "${SRV[@]}"
	rm -f "$EV"
	"${CMD[@]}" > "$W/server.log" 2>&1 < /dev/null &
	SRV_PID=$!
	SRV_TREE=
	deadline=$((SECONDS + START_DEADLINE))
	until ready "$server"; do
		if ! alive "$SRV_PID"; then
			wait "$SRV_PID"
			ERR="$server exited with status $? before it answered; its output ends: $(tail -n 5 "$W/server.log")"
			SRV_PID=
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			ERR="$server did not answer within $START_DEADLINE s; its output ends: $(tail -n 5 "$W/server.log")"
			kill_server
			return 1
		fi
		sleep 0.1
	done
}

# server_stop SIGNAL KIND: stops the server cleanly and waits for it; ERR
# and status 1 when it does not stop in time or exits non-zero.
server_stop() {
	local sig=$1 kind=$2 target=$SRV_PID deadline rc left resent p
	SRV_TREE=$(proc_tree "$SRV_PID")
	# strace blocks SIGTERM, SIGINT and SIGQUIT when it runs the program
	# itself (-o FILE PROG); the server is its child.
	if [ "$kind" = strace ]; then
		target=$(ps -o pid= --ppid "$SRV_PID" | head -n 1 | tr -d ' ')
		[ -n "$target" ] || target=$SRV_PID
	fi
	kill -s "$sig" "$target"
	deadline=$((SECONDS + STOP_DEADLINE))
	resent=0
	while alive "$SRV_PID"; do
		# Once, natively, an nginx master sat on a SIGQUIT for minutes: a
		# second signal, noted in the report, rather than a lost bench.
		# tests/suite-servers.sh is the strict one.
		if [ "$resent" -eq 0 ] && [ "$SECONDS" -ge $((deadline - STOP_DEADLINE / 2)) ]; then
			note "$CURRENT: the server was still running $((STOP_DEADLINE / 2)) s after SIG$sig; sent it again"
			kill -s "$sig" "$target" 2> /dev/null
			resent=1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			ERR="still running $STOP_DEADLINE s after SIG$sig; its output ends: $(tail -n 5 "$W/server.log")"
			kill_server
			return 1
		fi
		sleep 0.1
	done
	wait "$SRV_PID"
	rc=$?
	SRV_PID=
	left=$(still_running "$SRV_TREE")
	if [ -n "$left" ]; then
		note "$CURRENT: processes left running after the stop: $(echo $left); killed"
		for p in $left; do kill -KILL "$p" 2> /dev/null; done
	fi
	SRV_TREE=
	if [ "$rc" -ne 0 ]; then
		ERR="exited with status $rc after SIG$sig (a clean stop is 0); its output ends: $(tail -n 5 "$W/server.log")"
		return 1
	fi
}

# ---- Workloads: each sets RESULT (a rate, or seconds) or ERR.

# nginx_run KIND CONF THREADS CONNECTIONS [HEADER]
nginx_run() {
	local kind=$1 conf=$2 t=$3 c=$4 header=${5:-} out rc
	local -a hdr=()
	[ -n "$header" ] && hdr=(-H "$header")
	rm -f "$W/nginx/access.log"
	server_start nginx "$kind" "$conf" || return 1
	out=$(timeout 60 wrk "-t$t" "-c$c" -d5s "${hdr[@]}" "http://127.0.0.1:$NGINX_PORT/f4k.txt" 2>&1)
	rc=$?
	server_stop QUIT "$kind" || return 1
	RESULT=$(awk '/^Requests\/sec:/ { print $2 }' <<< "$out")
	if [ "$rc" -ne 0 ] || [ -z "$RESULT" ] || grep -q 'Non-2xx' <<< "$out"; then
		ERR="wrk failed (status $rc): $out"
		return 1
	fi
	grep -q 'Socket errors' <<< "$out" && note "$CURRENT: wrk: $(grep 'Socket errors' <<< "$out")"
	return 0
}

redis_run() {
	local kind=$1 out rc
	server_start redis "$kind" || return 1
	# -q still draws its progress line with carriage returns.
	timeout 300 redis-benchmark -p "$REDIS_PORT" -c 16 -n 200000 -t get -q > "$W/client.out" 2>&1
	rc=$?
	out=$(tr '\r' '\n' < "$W/client.out")
	server_stop TERM "$kind" || return 1
	RESULT=$(awk '/requests per second/ { print $2 }' <<< "$out" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$RESULT" ]; then
		ERR="redis-benchmark failed (status $rc): $(tail -n 5 <<< "$out")"
		return 1
	fi
}

# pg_run KIND PGBENCH_ARG...: on a fresh copy of the initialised database.
pg_run() {
	local kind=$1 out rc
	shift
	rm -rf "$W/pg/data"
	cp -a "$W/pg/pristine" "$W/pg/data" || { ERR="cannot copy the database"; return 1; }
	server_start postgres "$kind" || return 1
	out=$(timeout 120 "$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" "$@" 2>&1)
	rc=$?
	server_stop TERM "$kind" || return 1
	RESULT=$(awk '/^tps = / { print $3; exit }' <<< "$out")
	if [ "$rc" -ne 0 ] || [ -z "$RESULT" ]; then
		ERR="pgbench $* failed (status $rc): $(tail -n 8 <<< "$out")"
		return 1
	fi
}

# local_run KIND PATH ARG...: PATH under KIND; RESULT is the seconds it
# reports on its last line of output, either as one figure (tracer_work) or
# as two clock readings, start and end (the shell loop).
local_run() {
	local kind=$1 rc
	shift
	cmd_for "$kind" "$@"
	rm -f "$EV"
	"${CMD[@]}" > "$W/out" 2> "$W/err" < /dev/null
	rc=$?
	if [ "$rc" -ne 0 ]; then
		ERR="exited with status $rc: $(tail -n 8 "$W/err")"
		return 1
	fi
	RESULT=$(tail -n 1 "$W/out" | awk 'NF == 2 { printf "%.6f", $2 - $1; next } { print $1 }')
}

# The Python loop is the traced program itself, timed from inside with
# date(1): run from tracer_work, a shell would be a shell started by a
# non-shell program, which the sensor rightly reports.
PY_LOOP="t0=\$(date +%s.%N); i=0
while [ \$i -lt 40 ]; do
	$PY -c 'import json, http.client, email, ssl, sqlite3' || exit 1
	i=\$((i + 1))
done
echo \"\$t0 \$(date +%s.%N)\""

# run_workload KEY KIND: one measured run.
run_workload() {
	case $1 in
	nginx-ka) nginx_run "$2" ka 1 16 ;;
	nginx-close) nginx_run "$2" close 1 16 'Connection: close' ;;
	nginx-ka2) nginx_run "$2" ka2 2 32 ;;
	make | make-j1)
		rm -f "$W"/make/*.o "$W/make/prog"
		local j=2
		[ "$1" = make-j1 ] && j=1
		local_run "$2" "$W/work" run /usr/bin/make -C "$W/make" -s "-j$j"
		;;
	tar)
		rm -rf "$X/out"
		mkdir -p "$X/out"
		local_run "$2" "$W/work" run "$TAR" -C "$X/out" -xf "$W/files.tar"
		;;
	forkexec) local_run "$2" "$W/work" forkexec 2000 /bin/true ;;
	python) local_run "$2" /bin/sh -c "$PY_LOOP" ;;
	pgbench) pg_run "$2" -c4 -j2 -T10 ;;
	pgbench-C) pg_run "$2" -C -S -c4 -j2 -T10 ;;
	redis) redis_run "$2" ;;
	esac
}

declare -A LABEL UNIT GOAL
LABEL[nginx-ka]="nginx 4 KiB file, keep-alive (wrk -t1 -c16)"
LABEL[nginx-close]="nginx, a connection per request, access log on"
LABEL[make]="make -j2 of 24 C files"
LABEL[tar]="tar -x of 5000 small files (/dev/shm)"
LABEL[forkexec]="fork+exec of /bin/true (2000)"
LABEL[python]="python3 start-up with 5 imports (40)"
LABEL[pgbench]="pgbench TPC-B -c4 -j2 -T10"
LABEL[pgbench-C]="pgbench -C -S -c4 -j2 -T10 (connection per tx)"
LABEL[redis]="redis-benchmark GET -c 16 -n 200000"
LABEL[make-j1]="make -j1 of 24 C files"
LABEL[nginx-ka2]="nginx keep-alive, 2 workers (wrk -t2 -c32)"
for k in nginx-ka nginx-close nginx-ka2 redis; do UNIT[$k]="req/s"; done
for k in pgbench pgbench-C; do UNIT[$k]="tps"; done
for k in make make-j1 tar forkexec python; do UNIT[$k]="s"; done
GOAL=([nginx-ka]=1.05 [nginx-close]=1.05 [make]=1.15 [tar]=1.5 [forkexec]=1.25
	[python]=1.10 [pgbench]=1.02 [pgbench-C]=1.05 [redis]=1.01)

# Warm-ups: one untimed native run of the local workloads, so that the
# first measured run does not pay for cold caches (and Python's bytecode).
warm_up() {
	progress "warm-up: ${LABEL[$1]} (native, not counted)"
	run_workload "$1" native || die "${LABEL[$1]}: the native warm-up failed: $ERR"
}

# The database, initialised once with pgbench -i, then copied for each run.
pg_setup() {
	progress "initialising the PostgreSQL database (scale 1)"
	(cd "$W/pg" && "${PGSETUID[@]}" "$PGBIN/initdb" -D "$W/pg/data" -A trust -U postgres \
		--no-sync --no-locale -E UTF8) > "$W/pg/initdb.log" 2>&1 ||
		die "pgbench: initdb failed: $(tail -n 5 "$W/pg/initdb.log")"
	server_start postgres native || die "pgbench: the server for pgbench -i: $ERR"
	"$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -i -s 1 -q > "$W/pg/init.log" 2>&1 ||
		die "pgbench: pgbench -i failed: $(tail -n 5 "$W/pg/init.log")"
	server_stop TERM native || die "pgbench: the server for pgbench -i: $ERR"
	mv "$W/pg/data" "$W/pg/pristine"
}

# ---- Measuring.

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A VALS       # VALS[key,kind]: one value a line
declare -A FINDINGS   # FINDINGS[key]: number of Detection Findings
declare -A FINDING_IDS
declare -A PEAK       # PEAK[key]: largest sensor_peak_rss_kib
NO_STOP=

# collect KEY KIND RUN: the Findings and the peak RSS of the run just done.
collect() {
	local key=$1 kind=$2 run=$3 n ids last p
	if [ ! -s "$EV" ]; then
		NO_STOP+="${LABEL[$key]} ($kind, run $run): no event file"$'\n'
		return
	fi
	ids=$(jq -R -r 'fromjson? // empty | select(.class_uid == 2004) |
		"\(.finding_info.analytic.uid // "?") \(.finding_info.uid // "?")" +
		" process=\(.evidences[0].process.file.path // .evidences[0].actor.process.file.path // "?")" +
		" file=\(.evidences[0].file.path // "-")"' "$EV")
	n=0
	[ -n "$ids" ] && n=$(wc -l <<< "$ids")
	FINDINGS[$key]=$((${FINDINGS[$key]:-0} + n))
	if [ "$n" -gt 0 ]; then
		FINDING_IDS[$key]+=$(sed "s/^/    $kind run $run: /" <<< "$ids")$'\n'
		progress "WARNING: ${LABEL[$key]} under $kind raised $n Detection Finding(s)"
	fi
	last=$(tail -n 1 "$EV")
	p=$(jq -r 'select(.class_uid == 6002 and .activity_id == 4) | .unmapped.sensor_peak_rss_kib // empty' <<< "$last" 2> /dev/null)
	if [ -z "$p" ]; then
		NO_STOP+="${LABEL[$key]} ($kind, run $run): the last event is not the sensor's Stop"$'\n'
		return
	fi
	[ "$p" -gt "${PEAK[$key]:-0}" ] && PEAK[$key]=$p
}

# measure KEY KIND...: RUNS runs, the kinds interleaved within each.
measure() {
	local key=$1 r k
	shift
	for r in $(seq "$RUNS"); do
		for k in "$@"; do
			CURRENT="${LABEL[$key]} ($k, run $r)"
			run_workload "$key" "$k" ||
				die "${LABEL[$key]}: under $k (run $r of $RUNS): $ERR"
			VALS[$key,$k]+="$RESULT"$'\n'
			progress "run $r/$RUNS ${LABEL[$key]}: $k $RESULT ${UNIT[$key]}"
			case $k in sensor | prevent) collect "$key" "$k" "$r" ;; esac
		done
	done
}

med() { printf '%s' "${VALS[$1,$2]}" | median; }

# fmt KEY VALUE: a median with its unit.
fmt() {
	case ${UNIT[$1]} in
	s) awk -v v="$2" 'BEGIN { printf "%.3f s", v }' ;;
	tps) awk -v v="$2" 'BEGIN { printf "%.1f tps", v }' ;;
	*) awk -v v="$2" -v u="${UNIT[$1]}" 'BEGIN { printf "%.0f %s", v, u }' ;;
	esac
}

# cost KEY NATIVE TRACED: how many times slower the traced run is.
cost() {
	if [ "${UNIT[$1]}" = s ]; then
		awk -v n="$2" -v t="$3" 'BEGIN { printf "%.2f", t / n }'
	else
		awk -v n="$2" -v t="$3" 'BEGIN { printf "%.2f", n / t }'
	fi
}

KINDS=(native sensor prevent strace)
BASELINE=${BASELINE:-}
if [ -n "$BASELINE" ]; then
	[ -x "$BASELINE" ] || die "BASELINE=$BASELINE: not an executable (an older falcon-sensor)"
	KINDS+=(baseline)
fi
MAIN=(nginx-ka nginx-close make tar forkexec python pgbench pgbench-C redis)
t_start=$SECONDS
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

if [ "$SCALE_ONLY" -eq 0 ]; then
	for key in make tar python; do warm_up "$key"; done
	pg_setup
	for key in "${MAIN[@]}"; do
		measure "$key" "${KINDS[@]}"
	done
fi
# Scaling: N=2 make and N=1 nginx come from the main table when it ran.
[ -n "${VALS[make,native]:-}" ] || { warm_up make; measure make native sensor; }
measure make-j1 native sensor
[ -n "${VALS[nginx-ka,native]:-}" ] || measure nginx-ka native sensor
measure nginx-ka2 native sensor

# ---- The report.

echo "Machine: $(nproc) CPUs, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "Load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Medians of $RUNS runs each, kinds interleaved; cost = native rate / traced rate, or traced time / native time."
if [ "$SCALE_ONLY" -eq 0 ]; then
	echo
	if [ -n "$BASELINE" ]; then
		echo "| workload | native | sensor | prevent | strace | baseline | sensor cost | prevent cost | strace cost | baseline cost | goal |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|"
	else
		echo "| workload | native | sensor | prevent | strace | sensor cost | prevent cost | strace cost | goal |"
		echo "|---|---|---|---|---|---|---|---|---|"
	fi
	for key in "${MAIN[@]}"; do
		n=$(med "$key" native)
		s=$(med "$key" sensor)
		p=$(med "$key" prevent)
		st=$(med "$key" strace)
		if [ -n "$BASELINE" ]; then
			b=$(med "$key" baseline)
			echo "| ${LABEL[$key]} | $(fmt "$key" "$n") | $(fmt "$key" "$s") | $(fmt "$key" "$p") |" \
				"$(fmt "$key" "$st") | $(fmt "$key" "$b") | $(cost "$key" "$n" "$s") |" \
				"$(cost "$key" "$n" "$p") | $(cost "$key" "$n" "$st") | $(cost "$key" "$n" "$b") |" \
				"≤ ${GOAL[$key]} |"
			continue
		fi
		echo "| ${LABEL[$key]} | $(fmt "$key" "$n") | $(fmt "$key" "$s") | $(fmt "$key" "$p") |" \
			"$(fmt "$key" "$st") | $(cost "$key" "$n" "$s") | $(cost "$key" "$n" "$p") |" \
			"$(cost "$key" "$n" "$st") | ≤ ${GOAL[$key]} |"
	done
fi

echo
echo "Scaling with parallel work (native against the sensor, detect mode):"
echo
echo "| workload | N | native | sensor | sensor cost |"
echo "|---|---|---|---|---|"
for row in "make-j1 1 make -jN of 24 C files" "make 2 make -jN of 24 C files" \
	"nginx-ka 1 nginx keep-alive, worker_processes N" "nginx-ka2 2 nginx keep-alive, worker_processes N (wrk -t2 -c32)"; do
	read -r key nw label <<< "$row"
	n=$(med "$key" native)
	s=$(med "$key" sensor)
	echo "| $label | $nw | $(fmt "$key" "$n") | $(fmt "$key" "$s") | $(cost "$key" "$n" "$s") |"
done

echo
max=0
maxkey=
per=
ORDER=("${MAIN[@]}" make-j1 nginx-ka2)
for key in "${ORDER[@]}"; do
	[ -n "${PEAK[$key]:-}" ] || continue
	per+="${LABEL[$key]} ${PEAK[$key]} KiB; "
	if [ "${PEAK[$key]}" -gt "$max" ]; then
		max=${PEAK[$key]}
		maxkey=$key
	fi
done
if [ -n "$maxkey" ]; then
	echo "Sensor peak RSS (VmHWM, largest over all sensor and prevent runs): $((max / 1024)).$(((max % 1024) * 10 / 1024)) MiB ($max KiB), in: ${LABEL[$maxkey]}"
	echo "By workload: ${per%; }"
fi
if [ -n "$NOTES" ]; then
	echo
	echo "Notes (odd, not fatal):"
	printf '%s' "$NOTES" | sed 's/^/    /'
fi
if [ -n "$NO_STOP" ]; then
	echo
	echo "!!! Runs without the sensor's Stop event as their last line (peak RSS unknown):"
	printf '%s' "$NO_STOP" | sed 's/^/    /'
fi

echo
total=0
for key in "${ORDER[@]}"; do total=$((total + ${FINDINGS[$key]:-0})); done
if [ "$total" -eq 0 ]; then
	echo "Detection Findings (class_uid 2004) raised by these benign workloads in the sensor and prevent runs: 0."
else
	echo "!!!!!!!! $total DETECTION FINDINGS (class_uid 2004) FROM BENIGN WORKLOADS: THERE MUST BE NONE !!!!!!!!"
	for key in "${ORDER[@]}"; do
		[ "${FINDINGS[$key]:-0}" -gt 0 ] || continue
		echo "  ${LABEL[$key]}: ${FINDINGS[$key]} (rule, finding id, process, file):"
		printf '%s' "${FINDING_IDS[$key]}"
	done
fi
echo
echo "Took $(((SECONDS - t_start) / 60)) min $(((SECONDS - t_start) % 60)) s."
