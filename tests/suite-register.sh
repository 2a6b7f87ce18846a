#!/usr/bin/env bash
# suite-register.sh: every patched golden output goes through the real AWS
# client. `aws ecs register-task-definition` runs botocore's parameter
# validation and registers the definition in moto_server (an ECS emulator on
# loopback); describe-task-definition then reads it back, and jq checks that
# the patch survived the round trip.
set -u
cd "$(dirname "$0")/.." || exit 1

failed=0
work=$(mktemp -d)
moto_pid=
cleanup() {
	if [ -n "$moto_pid" ]; then
		kill "$moto_pid" 2>/dev/null
		wait "$moto_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

. tests/lib/tap.sh

for tool in aws moto_server jq python3 "${CC:-cc}"; do
	if ! command -v "$tool" > /dev/null; then
		bail_out "register: $tool is not installed (see .ci/run)"
	fi
done

# The names the patch must contain come from the one place that defines them.
if ! launcher=$(layout_value FC_LAUNCHER) || ! init=$(layout_value FC_INIT_CONTAINER) ||
	! volume=$(layout_value FC_VOLUME) || ! label=$(layout_value FC_LABEL_INJECTION); then
	bail_out "register: could not read the names from common/layout.h"
fi

# Dummy credentials, and nothing from the user's own AWS configuration.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ECS

# A free loopback port: the kernel picks one, the probe socket is closed, and
# moto binds it. If another process wins the race, moto fails to start and we
# try the next one.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

listening() {
	(exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

port=
for _ in 1 2 3; do
	p=$(free_port) || break
	moto_server -H 127.0.0.1 -p "$p" > "$work/moto.log" 2>&1 &
	moto_pid=$!
	# Bounded wait for it to answer (it takes a second or two to import).
	for _ in $(seq 1 600); do
		kill -0 "$moto_pid" 2> /dev/null || break
		if listening "$p"; then
			port=$p
			break
		fi
		sleep 0.1
	done
	[ -n "$port" ] && break
	kill "$moto_pid" 2> /dev/null
	wait "$moto_pid" 2> /dev/null
	moto_pid=
done
if [ -z "$port" ]; then
	bail_out "register: moto_server did not start on loopback" "$work/moto.log"
fi
endpoint=http://127.0.0.1:$port
echo "# moto_server on $endpoint, launcher $launcher"

# Prints one line per problem with the definition ECS gave back (empty when
# it is right). $out is the golden output that was registered.
read -r -d '' CHECK <<'EOF'
def patched($c): $c.name != $init and
	(($c.dockerLabels // {})[$optout] // "") != "disabled";
($out[0].containerDefinitions) as $sent |
.taskDefinition as $td |
($td.containerDefinitions // []) as $got |
[$sent[] | select(patched(.)) | .name] as $apps |
($got | map(select(.name == $init))) as $inits |
(if ($got | length) != ($sent | length) then
	"sent \($sent | length) containers, got back \($got | length)" else empty end),
(if ($apps | length) == 0 then
	(if ($inits | length) != 0 then "an init container, but nothing is patched" else empty end)
 else
	(if ($inits | length) != 1 then "expected one \($init), found \($inits | length)"
	 elif $inits[0].essential != false then "\($init) is not essential: false"
	 else empty end),
	(if ([$td.volumes[]? | select(.name == $volume)] | length) != 1 then
		"volume \($volume) missing or repeated" else empty end),
	($apps[] as $name | ($got[] | select(.name == $name)) as $c |
		(if $c.entryPoint != [$launcher] then
			"\($name): entryPoint is \($c.entryPoint | tojson), not the launcher" else empty end),
		(if ([$c.dependsOn[]? | select(.containerName == $init and .condition == "SUCCESS")] | length) != 1 then
			"\($name): no dependsOn \($init) SUCCESS" else empty end),
		(if ([$c.mountPoints[]? | select(.sourceVolume == $volume and .readOnly == true)] | length) != 1 then
			"\($name): no read-only mount of \($volume)" else empty end),
		(if ([$c.linuxParameters.capabilities.add[]? | ascii_upcase | select(. == "SYS_PTRACE" or . == "CAP_SYS_PTRACE")] | length) != 1 then
			"\($name): SYS_PTRACE not added exactly once" else empty end),
		(($sent[] | select(.name == $name)) as $s |
			if ($c.command // []) != ($s.command // []) then
				"\($name): command changed on the way: \($c.command | tojson)" else empty end))
 end)
EOF

cases=0
for dir in tests/golden/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ -f "$dir/out.json" ] || continue
	if [ -f "$dir/noregister" ]; then
		echo "# register $name not sent: $(head -n1 "$dir/noregister")"
		continue
	fi
	cases=$((cases + 1))
	if ! aws ecs register-task-definition --endpoint-url "$endpoint" \
		--output json --cli-input-json "file://$dir/out.json" \
		> "$work/reg.json" 2> "$work/err"; then
		not_ok "register $name: register-task-definition refused it" "$work/err"
		continue
	fi
	arn=$(jq -r '.taskDefinition.taskDefinitionArn // empty' "$work/reg.json")
	if [ -z "$arn" ]; then
		not_ok "register $name: no taskDefinitionArn in the reply" "$work/reg.json"
		continue
	fi
	if ! aws ecs describe-task-definition --endpoint-url "$endpoint" \
		--output json --task-definition "$arn" \
		> "$work/desc.json" 2> "$work/err"; then
		not_ok "register $name: describe-task-definition $arn failed" "$work/err"
		continue
	fi
	if ! jq -r --arg init "$init" --arg launcher "$launcher" \
		--arg volume "$volume" --arg optout "$label" \
		--slurpfile out "$dir/out.json" "$CHECK" "$work/desc.json" \
		> "$work/problems" 2>&1; then
		not_ok "register $name: jq check failed to run" "$work/problems"
		continue
	fi
	if [ -s "$work/problems" ]; then
		not_ok "register $name: $arn came back wrong" "$work/problems"
		continue
	fi
	ok "register $name ($arn)"
done
if [ "$cases" -eq 0 ]; then
	not_ok "register: no golden case with out.json to register"
fi
exit "$failed"
