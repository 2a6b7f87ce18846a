#!/usr/bin/env bash
# suite-live.sh: live mode against moto_server (an ECS emulator) on
# loopback. Definitions are registered with the real AWS CLI, patched live
# by falcon-patcher, and read back with the AWS CLI. Between the patcher and
# moto sits tests/live/fixture.py, a FIXTURE proxy that checks every
# request's AWS Signature Version 4 (moto does not) by recomputing it with
# botocore, and that injects throttling and 5xx answers on demand; a second
# FIXTURE stands in for the ECS container credentials endpoint
# (169.254.170.2) through AWS_CONTAINER_CREDENTIALS_FULL_URI. The release
# build runs every case; the ASan build ($BUILD/asan/falcon-patcher) runs
# the main ones again.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}

failed=0
work=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2> /dev/null
		wait "$p" 2> /dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

. tests/lib/tap.sh

for tool in aws moto_server jq python3; do
	if ! command -v "$tool" > /dev/null; then
		bail_out "live: $tool is not installed"
	fi
done
for bin in "$BUILD/falcon-patcher" "$BUILD/asan/falcon-patcher"; do
	if [ ! -x "$bin" ]; then
		bail_out "live: $bin is not built (make all $BUILD/asan/falcon-patcher)"
	fi
done
if ! launcher=$(layout_value FC_LAUNCHER) || ! init=$(layout_value FC_INIT_CONTAINER) ||
	! volume=$(layout_value FC_VOLUME); then
	bail_out "live: could not read the names from common/layout.h"
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Nothing from the user's own AWS configuration; each case sets its own.
clean_env() {
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
	unset AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ECS
	unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
	unset AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	export AWS_EC2_METADATA_DISABLED=true HOME=$work/home
}
env_creds() {
	clean_env
	export AWS_ACCESS_KEY_ID=AKIDLIVETEST0000001 AWS_SECRET_ACCESS_KEY=live-secret-env-0001
	export AWS_DEFAULT_REGION=us-east-1
}
mkdir -p "$work/home"

# The proxy's log since the last reset_log; proxy.all keeps the rest.
reset_log() {
	cat "$work/proxy.log" >> "$work/proxy.all" 2> /dev/null
	: > "$work/proxy.log"
}

listening() {
	(exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_port_file FILE PID: the port a fixture wrote, once it listens.
wait_port_file() {
	for _ in $(seq 1 200); do
		if [ -s "$1" ] && listening "$(cat "$1")"; then
			cat "$1"
			return 0
		fi
		kill -0 "$2" 2> /dev/null || return 1
		sleep 0.05
	done
	return 1
}

port=
for _ in 1 2 3; do
	p=$(free_port) || break
	moto_server -H 127.0.0.1 -p "$p" > "$work/moto.log" 2>&1 &
	moto_pid=$!
	for _ in $(seq 1 600); do
		kill -0 "$moto_pid" 2> /dev/null || break
		if listening "$p"; then
			port=$p
			break
		fi
		sleep 0.1
	done
	if [ -n "$port" ]; then
		pids+=("$moto_pid")
		break
	fi
	kill "$moto_pid" 2> /dev/null
	wait "$moto_pid" 2> /dev/null
done
if [ -z "$port" ]; then
	bail_out "live: moto_server did not start on loopback" "$work/moto.log"
fi
moto=http://127.0.0.1:$port

# The signing proxy: keys it knows, with their secrets and session tokens.
cat > "$work/secrets" <<'EOT'
AKIDLIVETEST0000001 live-secret-env-0001
AKIDLIVEPROFILE0002 live-secret-profile-0002 live-session-profile-0002
AKIDLIVECONTAINER03 live-secret-container-0003 live-session-container-0003
AKIDLIVEWRONG000004 not-the-secret-it-signs-with
EOT
: > "$work/faults"
python3 tests/live/fixture.py proxy "$moto" us-east-1 "$work/secrets" \
	"$work/faults" "$work/proxy.log" "$work/proxy.port" 2> "$work/proxy.err" &
proxy_pid=$!
pids+=("$proxy_pid")
python3 tests/live/fixture.py creds container-token-05 AKIDLIVECONTAINER03 \
	live-secret-container-0003 live-session-container-0003 \
	"$work/creds.log" "$work/creds.port" 2> "$work/creds.err" &
creds_pid=$!
pids+=("$creds_pid")
if ! pport=$(wait_port_file "$work/proxy.port" "$proxy_pid") ||
	! cport=$(wait_port_file "$work/creds.port" "$creds_pid"); then
	bail_out "live: the fixtures did not start" "$work/proxy.err" "$work/creds.err"
fi
proxy=http://127.0.0.1:$pport
echo "# moto $moto, signing proxy $proxy, credentials fixture :$cport"

CID=0123456789ABCDEF0123456789ABCDEF-12
IMAGE=123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-sensor/falcon-container:0.1.0

# awsc ARGS...: the AWS CLI straight to moto.
awsc() {
	AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
		AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
		aws --endpoint-url "$moto" --output json "$@"
}

# define FAMILY ENTRYPOINT [TAGS]: registers a plain revision of FAMILY.
define() {
	jq -n --arg f "$1" --arg ep "$2" --argjson tags "${3:-[]}" '{
		family: $f, requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc",
		cpu: "256", memory: "512",
		containerDefinitions: [{name: "app", image: "nginx:1.25", essential: true,
			entryPoint: [$ep], command: ["-g", "daemon off;"],
			environment: [{name: "MODE", value: "live"}]}]}
		+ (if ($tags | length) > 0 then {tags: $tags} else {} end)' > "$work/def.json"
	awsc ecs register-task-definition --cli-input-json "file://$work/def.json" > /dev/null
}
revisions() {
	awsc ecs list-task-definitions --family-prefix "$1" | jq '.taskDefinitionArns | length'
}

TAGS='[{"key":"team","value":"payments"},{"key":"env","value":"prod"}]'
if ! define live-web /docker-entrypoint.sh "$TAGS" || ! define live-web nginx "$TAGS" ||
	! define live-api /usr/bin/api || ! define live-worker /usr/bin/worker ||
	! define other-batch /usr/bin/batch; then
	bail_out "live: could not register the starting definitions in moto"
fi

# run NAME BIN ARGS...: the patcher through the signing proxy, with
# stdout, stderr and the exit code in $work/NAME.{out,err,rc}.
run() {
	local name=$1 bin=$2
	shift 2
	"$bin" -cid "$CID" -image "$IMAGE" -endpoint-url "$proxy" "$@" \
		> "$work/$name.out" 2> "$work/$name.err"
	echo $? > "$work/$name.rc"
	cat "$work/$name.err" >> "$work/all.err"
}
rc() { cat "$work/$1.rc"; }
sanitizer() { grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$work/$1.err"; }

# check_patched ARN: the revision ECS holds carries the patch and the tags.
read -r -d '' CHECK <<'EOT'
.taskDefinition as $td | ($td.containerDefinitions) as $c |
($c | map(select(.name == $init))) as $inits |
($c | map(select(.name != $init))) as $apps |
(if ($inits | length) != 1 then "no single \($init)" else empty end),
(if ([$td.volumes[]? | select(.name == $volume)] | length) != 1 then "no volume \($volume)" else empty end),
($apps[] |
	(if .entryPoint != [$launcher] then "\(.name): entryPoint \(.entryPoint | tojson)" else empty end),
	(if ([.linuxParameters.capabilities.add[]? | select(. == "SYS_PTRACE")] | length) != 1 then "\(.name): no SYS_PTRACE" else empty end),
	(if ([.environment[]? | select(.name == "FALCONCTL_OPTS" and (.value | startswith("--cid=")))] | length) != 1 then "\(.name): no FALCONCTL_OPTS" else empty end),
	(if .command != ["-g", "daemon off;"] then "\(.name): command \(.command | tojson)" else empty end)),
(if $want_tags != null and ((.tags // []) | sort_by(.key)) != ($want_tags | sort_by(.key)) then
	"tags \(.tags | tojson), wanted \($want_tags | tojson)" else empty end)
EOT
check_patched() {
	awsc ecs describe-task-definition --task-definition "$1" --include TAGS > "$work/desc.json" &&
		jq -r --arg init "$init" --arg volume "$volume" --arg launcher "$launcher" \
			--argjson want_tags "${2:-null}" "$CHECK" "$work/desc.json"
}

cases() {
	local bin=$1 tag=$2

	# A dry run: every definition patched on stdout, nothing registered.
	env_creds
	before=$(revisions live-web)
	run dry "$bin" -ecs-task-definition live-web -ecs-task-definition live-api
	if [ "$(rc dry)" != 0 ] || sanitizer dry; then
		not_ok "live$tag: dry run exits 0" "$work/dry.err"
	elif [ "$(wc -l < "$work/dry.out")" != 2 ] ||
		[ "$(jq -s -r 'map(.family) | join(",")' "$work/dry.out")" != live-web,live-api ] ||
		[ "$(jq -s '[.[].containerDefinitions[] | select(.name == "'"$init"'")] | length' "$work/dry.out")" != 2 ]; then
		not_ok "live$tag: dry run prints one patched definition per line" "$work/dry.out"
	elif [ "$(revisions live-web)" != "$before" ]; then
		not_ok "live$tag: dry run registered nothing" "revisions $before -> $(revisions live-web)"
	else
		ok "live$tag: dry run prints one patched definition per line and registers nothing"
	fi
}

# --- release build: every case ---------------------------------------------
cases "$BUILD/falcon-patcher" ""
bin=$BUILD/falcon-patcher

env_creds
run reg "$bin" -register -ecs-task-definition live-web -ecs-task-definition live-api
if [ "$(rc reg)" != 0 ] || [ "$(grep -c '^arn:aws:ecs:' "$work/reg.out")" != 2 ]; then
	not_ok "live: -register registers one new revision per family and prints its ARN" "$work/reg.out" "$work/reg.err"
else
	web=$(sed -n 1p "$work/reg.out")
	api=$(sed -n 2p "$work/reg.out")
	p1=$(check_patched "$web" "$TAGS")
	p2=$(check_patched "$api")
	if [ "${web##*:}" != 3 ] || [ "${api##*:}" != 2 ] || [ -n "$p1$p2" ]; then
		not_ok "live: the new revisions carry the patch and the tags" "$web $api" "$p1" "$p2"
	else
		ok "live: -register made $web and $api, patched, tags kept"
	fi
fi

run again "$bin" -register -ecs-task-definition live-web -ecs-task-definition live-api
if [ "$(rc again)" != 0 ] || [ "$(revisions live-web)" != 3 ] ||
	[ "$(cat "$work/again.out")" != "unchanged ${web:-?}
unchanged ${api:-?}" ] || ! grep -q 'already patched with these options; registered nothing' "$work/again.err"; then
	not_ok "live: a second run registers nothing and says so" "$work/again.out" "$work/again.err"
else
	ok "live: a second run registers nothing and prints \"unchanged ARN\""
fi

run opts "$bin" -register -ecs-task-definition live-web -falconctl-opts --trace=info
if [ "$(rc opts)" != 0 ] || [ "$(revisions live-web)" != 4 ] ||
	[ "$(awsc ecs describe-task-definition --task-definition live-web | jq -r '.taskDefinition.containerDefinitions[] | select(.name == "app") | .environment[] | select(.name == "FALCONCTL_OPTS") | .value')" != "--cid=$CID --trace=info" ]; then
	not_ok "live: changed options register a new revision" "$work/opts.out" "$work/opts.err"
else
	ok "live: changed options register a new revision"
fi

run prefix "$bin" -register -ecs-family-prefix live-
# live-web was last patched with --trace=info, so it gets a new revision.
if [ "$(rc prefix)" != 0 ] || [ "$(wc -l < "$work/prefix.out")" != 3 ] ||
	[ "$(grep -c '^unchanged ' "$work/prefix.out")" != 1 ] ||
	! grep -q 'task-definition/live-worker:2$' "$work/prefix.out" ||
	! grep -q 'task-definition/live-web:5$' "$work/prefix.out" ||
	[ "$(revisions other-batch)" != 1 ] || [ -n "$(check_patched live-worker:2)" ]; then
	not_ok "live: -ecs-family-prefix patches every ACTIVE family with the prefix, and only those" "$work/prefix.out" "$work/prefix.err"
else
	ok "live: -ecs-family-prefix live- patched live-web and live-worker, left live-api unchanged and other-batch alone"
fi

run partial "$bin" -register -ecs-task-definition live-nope -ecs-task-definition live-api
if [ "$(rc partial)" != 2 ] || [ "$(cat "$work/partial.out")" != "failed live-nope
unchanged ${api:-?}" ] || ! grep -q 'live-nope.*was not found in us-east-1.*check the family name' "$work/partial.err"; then
	not_ok "live: an unknown family fails with exit 2, the others go on" "$work/partial.out" "$work/partial.err"
else
	ok "live: an unknown family fails with exit 2 and a fix; the other family still runs"
fi

# Credentials from a profile file, with a session token, region from config.
clean_env
mkdir -p "$work/home/.aws"
cat > "$work/home/.aws/credentials" <<'EOT'
[default]
aws_access_key_id = AKIDLIVEWRONG000004
aws_secret_access_key = wrong

# the CI profile
[ci]
aws_access_key_id = AKIDLIVEPROFILE0002
aws_secret_access_key = live-secret-profile-0002
aws_session_token = live-session-profile-0002
EOT
printf '[profile ci]\nregion = us-east-1\noutput = json\n' > "$work/home/.aws/config"
export AWS_PROFILE=ci
unset AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
reset_log
run profile "$bin" -ecs-task-definition live-api
if [ "$(rc profile)" != 0 ] || ! grep -q 'profile "ci" of' "$work/profile.err" ||
	! grep -q '^OK .*key=AKIDLIVEPROFILE0002 token=yes' "$work/proxy.log"; then
	not_ok "live: credentials and region from the profile files (session token signed)" "$work/profile.err" "$work/proxy.log"
else
	ok "live: credentials from ~/.aws/credentials [ci], region from ~/.aws/config, session token sent and signed"
fi

# Credentials from the container endpoint FIXTURE (standing in for
# 169.254.170.2, reached through AWS_CONTAINER_CREDENTIALS_FULL_URI).
clean_env
export AWS_REGION=us-east-1
export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:$cport/v2/credentials/task-id
export AWS_CONTAINER_AUTHORIZATION_TOKEN=container-token-05
reset_log
run container "$bin" -ecs-task-definition live-api
if [ "$(rc container)" != 0 ] || ! grep -q '^CREDS 200 /v2/credentials/task-id' "$work/creds.log" ||
	! grep -q '^OK .*key=AKIDLIVECONTAINER03 token=yes' "$work/proxy.log"; then
	not_ok "live: credentials from the container credentials endpoint" "$work/container.err" "$work/creds.log" "$work/proxy.log"
else
	ok "live: credentials from the container credentials endpoint (fixture), with its authorization token"
fi
export AWS_CONTAINER_AUTHORIZATION_TOKEN=not-the-token
run container401 "$bin" -ecs-task-definition live-api
if [ "$(rc container401)" != 3 ] || ! grep -q 'answered HTTP 401.*AWS_CONTAINER_AUTHORIZATION_TOKEN' "$work/container401.err"; then
	not_ok "live: a refused container credentials request exits 3 naming the token" "$work/container401.err"
else
	ok "live: a refused container credentials request exits 3 and names AWS_CONTAINER_AUTHORIZATION_TOKEN"
fi

# No credentials anywhere; no region.
clean_env
export AWS_REGION=us-east-1
run nocreds "$bin" -ecs-task-definition live-api
if [ "$(rc nocreds)" != 2 ] || ! grep -q 'no AWS credentials.*export AWS_ACCESS_KEY_ID' "$work/nocreds.err"; then
	not_ok "live: missing credentials exit 2 with the fix" "$work/nocreds.err"
else
	ok "live: missing credentials exit 2 and say how to provide them"
fi
env_creds
unset AWS_DEFAULT_REGION
run noregion "$bin" -ecs-task-definition live-api
if [ "$(rc noregion)" != 2 ] || ! grep -q 'no AWS region: pass -region' "$work/noregion.err"; then
	not_ok "live: a missing region exits 2 with the fix" "$work/noregion.err"
else
	ok "live: a missing region exits 2 and says to pass -region"
fi

# Wrong credentials: ECS's refusal (here the proxy's check) is not retried.
clean_env
export AWS_ACCESS_KEY_ID=AKIDLIVEWRONG000004 AWS_SECRET_ACCESS_KEY=wrong-secret AWS_REGION=us-east-1
reset_log
run wrong "$bin" -ecs-task-definition live-api
if ! grep -q '^BAD .*signature does not verify' "$work/proxy.log"; then
	not_ok "live: the proxy catches a signature made with the wrong secret" "$work/proxy.log"
else
	ok "live: the signing proxy rejects a signature made with the wrong secret (it really checks)"
fi

# Throttling and server errors are retried, and then succeed.
env_creds
printf 'throttle\n500\n429\n503\n' > "$work/faults"
reset_log
run throttle "$bin" -register -ecs-task-definition live-api
if [ "$(rc throttle)" != 0 ] || [ "$(grep -c '^FAULT ' "$work/proxy.log")" != 4 ] ||
	[ "$(cat "$work/throttle.out")" != "unchanged ${api:-?}" ] ||
	! grep -q '4 ECS requests retried' "$work/throttle.err"; then
	not_ok "live: throttling, 429 and 5xx are retried and the run succeeds" "$work/throttle.err" "$work/proxy.log"
else
	ok "live: ThrottlingException, 429, 500 and 503 retried with backoff, then success"
fi
printf 'throttle\nthrottle\nthrottle\nthrottle\nthrottle\nthrottle\n' > "$work/faults"
run exhaust "$bin" -register -ecs-task-definition live-api
: > "$work/faults"
if [ "$(rc exhaust)" != 3 ] || ! grep -q 'failed 5 times.*ThrottlingException.*try again later' "$work/exhaust.err" ||
	[ "$(cat "$work/exhaust.out")" != "failed live-api" ]; then
	not_ok "live: throttling past the retries exits 3" "$work/exhaust.out" "$work/exhaust.err"
else
	ok "live: throttling past 5 attempts exits 3 and says to try later"
fi

# --- ASan build: the main cases again ----------------------------------------
asan=$BUILD/asan/falcon-patcher
cases "$asan" " (asan)"
env_creds
define live-web /docker-entrypoint.sh "$TAGS"
printf 'throttle\n' > "$work/faults"
run asanreg "$asan" -register -ecs-family-prefix live-
if [ "$(rc asanreg)" != 0 ] || sanitizer asanreg || [ "$(grep -c '^arn:' "$work/asanreg.out")" != 1 ] ||
	[ "$(grep -c '^unchanged ' "$work/asanreg.out")" != 2 ] ||
	[ -n "$(check_patched "$(grep '^arn:' "$work/asanreg.out")" "$TAGS")" ]; then
	not_ok "live (asan): -register -ecs-family-prefix after a throttle" "$work/asanreg.out" "$work/asanreg.err"
else
	ok "live (asan): -register -ecs-family-prefix after a throttle, one new revision, two unchanged"
fi
clean_env
export AWS_REGION=us-east-1 AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:$cport/v2/credentials/task-id
printf 'container-token-05\n' > "$work/token"
export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$work/token
run asancont "$asan" -ecs-task-definition live-web
if [ "$(rc asancont)" != 0 ] || sanitizer asancont; then
	not_ok "live (asan): container credentials with a token file" "$work/asancont.err"
else
	ok "live (asan): container credentials with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
fi
clean_env
run asannocreds "$asan" -region us-east-1 -ecs-task-definition live-web
if [ "$(rc asannocreds)" != 2 ] || sanitizer asannocreds; then
	not_ok "live (asan): missing credentials exit 2" "$work/asannocreds.err"
else
	ok "live (asan): missing credentials exit 2"
fi

# Every request that reached the proxy, across the whole suite, was signed
# right, except the one made on purpose with the wrong secret.
reset_log
ok_count=$(grep -c '^OK ' "$work/proxy.all")
bad=$(grep '^BAD ' "$work/proxy.all" | grep -v 'key=AKIDLIVEWRONG000004' || true)
if [ -n "$bad" ] || [ "$ok_count" -lt 20 ]; then
	not_ok "live: every request carries a valid SigV4 signature" "$bad"
else
	ok "live: all $ok_count requests carried a valid SigV4 signature (botocore recomputed each)"
fi
# No secret in any message.
if grep -E 'live-secret|live-session|container-token-05|wrong-secret' "$work/all.err" > "$work/leak"; then
	not_ok "live: no secret in any message" "$work/leak"
else
	ok "live: no secret, session token or authorization token in any message"
fi
exit "$failed"
