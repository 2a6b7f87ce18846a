#!/usr/bin/env bash
# suite-attacks.sh: attacks inside a patched task, seen in the container log.
# A busybox application (tests/e2e/attacks/image) performs the attacks
# listed in tests/e2e/attacks/expect; its task definition is patched by the
# patcher run from the falcon-container image, as the product guide does,
# once as it comes (--mode=detect) and once with -falconctl-opts
# "--mode=prevent", and run with tests/e2e/ecs-run under podman. From the
# sensor's events in the container's stderr it checks each attack's
# Findings, what each attack saw (nothing changes in detect mode; deny and
# kill rules stop it in prevent mode), the ECS task metadata on every event,
# and the OCSF schema. The benign test application (tests/e2e/images/busybox)
# must produce no Finding in either mode.
#
# The tasks run in a network namespace of their own (ecs-run --network
# ns:...), with only a loopback: the metadata fixture listens there, and
# so do a fake instance metadata service on 169.254.169.254:80, a fake task
# credentials endpoint on 169.254.170.2:80 and a "mining pool" on
# 127.0.0.1:3333 (tests/e2e/attacks/listen.py). Nothing an attack
# sends can leave the machine.
#
# Needs what suite-e2e.sh needs, plus iproute2 (ip netns). E2E_JOBS sets how
# many tasks run at once; E2E_KEEP=1 keeps the work directory.
set -u
cd "$(dirname "$0")/.." || exit 1
JOBS=${E2E_JOBS:-3}
SCHEMA=${OCSF_SCHEMA:-tests/ocsf-schema}
A=tests/e2e/attacks

E2E_WORK=$(mktemp -d /tmp/fc-attacks.XXXXXX)
. tests/e2e/lib.sh
NETNS=fc-attacks-$$
NETNS_MADE=
SERVER_PIDS=()
TASK_PIDS=()
# shellcheck disable=SC2317 # called by the trap
on_exit() {
	local pid
	e2e_stop_tasks "${TASK_PIDS[@]}"
	e2e_cleanup
	for pid in "${SERVER_PIDS[@]}"; do
		kill "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
	done
	[ -n "$NETNS_MADE" ] && ip netns delete "$NETNS" 2> /dev/null
	e2e_remove_work
}
trap on_exit EXIT
trap 'exit 130' INT TERM

OUT=$E2E_WORK/out
SPEC=$E2E_WORK/spec
mkdir -p "$OUT" "$SPEC"
INIT=crowdstrike-falcon-init-container
failed=0
SUITE_T0=$EPOCHREALTIME

# ------------------------------------------------------------ reporting

. tests/lib/tap.sh
# A diagnostic is a file (its start is shown) or text.
tap_diag() {
	if [ -f "$1" ]; then
		echo "# ${1#"$E2E_WORK"/}:"
		e2e_show "$1"
	else
		tap_diag_text "$1"
	fi
}

# tap DESCRIPTION CMD...: CMD prints TAP lines of its own (check.py); a
# failure without a "not ok" line is one.
tap() {
	local what=$1 log=$E2E_WORK/tap.$RANDOM rc
	shift
	"$@" > "$log" 2>&1
	rc=$?
	cat "$log"
	if grep -q '^not ok' "$log"; then
		failed=1
	elif [ $rc -ne 0 ]; then
		not_ok "$what: exit $rc"
	fi
	rm -f "$log"
}


# wait_file FILE PID: waits (up to 10 s) for a server to write FILE.
wait_file() {
	local _
	for _ in $(seq 100); do
		[ -s "$1" ] && return 0
		kill -0 "$2" 2> /dev/null || return 1
		sleep 0.1
	done
	return 1
}

# ============================================================ setup

e2e_phase prerequisites
if ! need=$(e2e_missing_packages); then
	bail_out "attack prerequisites are missing" "missing: $need (apt-get install $need)"
fi
command -v ip > /dev/null ||
	bail_out "attack prerequisites are missing" "missing: iproute2 (apt-get install iproute2)"
[ "$(id -u)" = 0 ] || bail_out "attack tests must run as root" "rootful podman and ip netns are needed"
[ -d "$SCHEMA" ] || bail_out "the OCSF schema is not at $SCHEMA" "set OCSF_SCHEMA"
SCHEMA=$(cd "$SCHEMA" && pwd)
e2e_podman_setup

# The tasks' network: a loopback only. On Fargate the metadata endpoint is
# 169.254.170.2; here the fixture listens on this namespace's 127.0.0.1.
e2e_phase network
ip netns add "$NETNS" || bail_out "cannot add the network namespace $NETNS"
NETNS_MADE=1
{ ip -n "$NETNS" link set lo up &&
	ip -n "$NETNS" addr add 169.254.169.254/32 dev lo &&
	ip -n "$NETNS" addr add 169.254.170.2/32 dev lo; } ||
	bail_out "network namespace $NETNS: cannot set up a loopback with 169.254.169.254 and 169.254.170.2"
ip netns exec "$NETNS" python3 tests/sensor/metadata_server.py "$E2E_WORK/meta.port" \
	2> "$E2E_WORK/metadata.log" &
SERVER_PIDS+=($!)
wait_file "$E2E_WORK/meta.port" $! ||
	bail_out "the metadata fixture does not listen in $NETNS" "$E2E_WORK/metadata.log"
META=http://127.0.0.1:$(cat "$E2E_WORK/meta.port")/v4
ip netns exec "$NETNS" python3 "$A/listen.py" "$E2E_WORK/listen.ready" \
	169.254.169.254:80:http 169.254.170.2:80:http 127.0.0.1:3333:http 127.0.0.1:2222:hangup \
	2> "$E2E_WORK/listen.log" &
SERVER_PIDS+=($!)
wait_file "$E2E_WORK/listen.ready" $! ||
	bail_out "the listeners do not start in $NETNS" "$E2E_WORK/listen.log"
echo "# network namespace with a loopback: metadata fixture at $META, fake instance metadata and credentials services, a pool port"

e2e_phase base-image
how=$(e2e_base_image) || bail_out "cannot make the base image $E2E_BASE" "$E2E_WORK/debootstrap.log"
echo "# base image $E2E_BASE ($how)"

e2e_phase registry
e2e_registry_start || bail_out "no registry on a loopback port" "$E2E_WORK/registry.log"
echo "# registry listening on $E2E_REG"

e2e_phase images
if ! e2e_build_falcon_image; then
	tail -n 40 "$E2E_WORK/build-falcon.log" > "$E2E_WORK/build-falcon.tail"
	bail_out "the falcon-container image does not build from the Dockerfile" \
		"$E2E_WORK/build-falcon.tail"
fi
e2e_probe || bail_out "the probe does not build (gcc -static)"
e2e_build_test_image busybox ||
	bail_out "test image busybox does not build" "$E2E_WORK/build-busybox.log"
e2e_build_attack_image ||
	bail_out "the attack image does not build" "$E2E_WORK/build-attack.log"
for img in falcon-container busybox attack; do
	e2e_push "$img" || bail_out "cannot push $img to $E2E_REG" "$E2E_WORK/push-$img.log"
done
FALCON_IMAGE=$E2E_REG/falcon-container:$E2E_TAG
pm pull --quiet --tls-verify=false "$FALCON_IMAGE" > /dev/null ||
	bail_out "cannot pull $FALCON_IMAGE from $E2E_REG"
echo "# falcon-container, busybox and attack images built and pushed to $E2E_REG"

# ============================================================ patching

e2e_phase patch
mapfile -t ATTACKS < <(awk '!/^#/ && NF { print $1 }' "$A/expect")
ATTACKS_JSON=$(jq -cn '$ARGS.positional' --args "${ATTACKS[@]}")

# source_def ID TEMPLATE [JQ-FILTER]: the task definition of run ID (with
# $attacks, the attack list, for the filter). ECS puts
# ECS_CONTAINER_METADATA_URI_V4 in every container's environment; with no
# ECS agent here, the definition's own environment is the honest way to
# give it, and each run gets a path of its own to show in the fixture's log.
source_def() {
	local id=$1 tmpl=$2 filter=${3:-.}
	sed -e "s|@REG@|$E2E_REG|g" -e "s|@TAG@|$E2E_TAG|g" "$tmpl" |
		jq --arg uri "$META/$id" --argjson attacks "$ATTACKS_JSON" "$filter"'
			| .containerDefinitions[0].environment +=
				[{name: "ECS_CONTAINER_METADATA_URI_V4", value: $uri}]' \
		> "$SPEC/$id.json"
}
# patch ID [PATCHER-FLAGS...]: $SPEC/ID.json into $SPEC/ID.patched.json, by
# running the image as the guide does:
#   docker run -v /path:/var/run/spec --rm IMAGE -cid ... -image ...
#       -ecs-spec-file /var/run/spec/taskdefinition.json > out.json
patch() {
	local id=$1
	shift
	pm run --network none -v "$SPEC:/var/run/spec" --rm "$FALCON_IMAGE" \
		-cid "$E2E_CID" -image "$FALCON_IMAGE" \
		-ecs-spec-file "/var/run/spec/$id.json" "$@" \
		> "$SPEC/$id.patched.json" 2> "$SPEC/$id.patch.err"
}

attack_def() {
	# shellcheck disable=SC2016 # a jq variable
	source_def "$1" "$A/attack.json" '.containerDefinitions[0].command = $attacks'
}
attack_def attack-u
attack_def attack-d
attack_def attack-p
source_def benign-d tests/e2e/tasks/busybox.json
source_def benign-p tests/e2e/tasks/busybox.json

for id in attack-d benign-d; do
	if patch "$id"; then
		ok "patcher run from the image patches $id"
	else
		not_ok "patcher run from the image patches $id" "$SPEC/$id.patch.err"
	fi
done
for id in attack-p benign-p; do
	if patch "$id" -falconctl-opts "--mode=prevent" &&
	   jq -e '.containerDefinitions[] | select(.name == "app") | .environment[]
		| select(.name == "FALCONCTL_OPTS") | .value | test("--mode=prevent")' \
		"$SPEC/$id.patched.json" > /dev/null; then
		ok "patcher run from the image patches $id with -falconctl-opts \"--mode=prevent\""
	else
		not_ok "patcher run from the image patches $id with -falconctl-opts \"--mode=prevent\"" \
			"$SPEC/$id.patch.err" "$SPEC/$id.patched.json"
	fi
done

# ============================================================ runs

e2e_phase run-tasks
run_task() {
	local id=$1 spec=$2
	mkdir -p "$OUT/$id"
	tests/e2e/ecs-run --prefix "$E2E_TAG-$id" --logs "$OUT/$id" \
		--result "$OUT/$id/result.json" --timeout 120 \
		--network "ns:/run/netns/$NETNS" "$spec" \
		> "$OUT/$id/ecs-run.out" 2> "$OUT/$id/ecs-run.err"
	echo $? > "$OUT/$id/rc"
}
# JOBS at a time: podman spends most of a container's life on mounts.
pids=()
for id in attack-u attack-d attack-p benign-d benign-p; do
	spec=$SPEC/$id.patched.json
	[ "$id" = attack-u ] && spec=$SPEC/$id.json
	run_task "$id" "$spec" &
	pids+=($!)
	TASK_PIDS+=($!)
	while :; do
		live=0
		for pid in "${pids[@]}"; do
			kill -0 "$pid" 2> /dev/null && live=$((live + 1))
		done
		[ "$live" -lt "$JOBS" ] && break
		sleep 0.1
	done
done
for pid in "${pids[@]}"; do
	wait "$pid"
done
TASK_PIDS=()

# ============================================================ checks

e2e_phase check
exit_of() {
	jq -r --arg c "${2:-app}" '.containers[$c].exitCode' "$OUT/$1/result.json" 2> /dev/null ||
		echo "no-result"
}

# ran ID PATCHED DESCRIPTION LAST: the task ran, through the init container
# when patched, and the app exited 0 having printed a line matching LAST.
ran() {
	local id=$1 patched=$2 what=$3 last=$4
	if [ "$(cat "$OUT/$id/rc" 2> /dev/null)" != 0 ]; then
		not_ok "$what" "the harness failed" "$OUT/$id/ecs-run.err" "$OUT/$id/app.stderr"
	elif [ "$patched" = 1 ] && [ "$(exit_of "$id" "$INIT")" != 0 ]; then
		not_ok "$what" "the init container exited $(exit_of "$id" "$INIT")" \
			"$OUT/$id/$INIT.stderr"
	elif [ "$(exit_of "$id")" != 0 ] || ! grep -q "$last" "$OUT/$id/app.stdout"; then
		not_ok "$what" "the app exited $(exit_of "$id")" "$OUT/$id/app.stdout" \
			"$OUT/$id/app.stderr"
	else
		ok "$what"
		return 0
	fi
	return 1
}

# fetched ID: the sensor of run ID asked the fixture for both documents.
fetched() {
	local id=$1
	if grep -qxF "metadata_server: GET /v4/$id -> 200" "$E2E_WORK/metadata.log" &&
	   grep -qxF "metadata_server: GET /v4/$id/task -> 200" "$E2E_WORK/metadata.log"; then
		ok "$id: the sensor read /v4/$id and /v4/$id/task from ECS_CONTAINER_METADATA_URI_V4"
	else
		not_ok "$id: the sensor read /v4/$id and /v4/$id/task from ECS_CONTAINER_METADATA_URI_V4" \
			"$E2E_WORK/metadata.log"
	fi
}

# events ID LABEL: the run's events into $OUT/ID/events, valid OCSF, with
# the task metadata.
events() {
	local id=$1 label=$2 ev=$OUT/$1/events
	tap "$label: events" python3 "$A/check.py" events "$label" "$OUT/$id/app.stderr" "$ev"
	[ -s "$ev" ] || return 1
	if python3 tests/sensor/events.py validate "$ev" "$SCHEMA" > "$OUT/$id/validate" 2>&1; then
		ok "$label: every event is valid OCSF (events.py validate, schema $SCHEMA)"
	else
		# One line per kind of problem, with how many events have it.
		sed -E 's/^event [0-9]+([.:])/event N\1/' "$OUT/$id/validate" | sort | uniq -c |
			sort -rn > "$OUT/$id/validate.kinds"
		not_ok "$label: every event is valid OCSF (events.py validate)" \
			"$OUT/$id/validate.kinds"
	fi
	tap "$label: task metadata" python3 "$A/check.py" meta "$label" "$ev"
	fetched "$id"
}

if ran attack-u 0 "attack app without the sensor: all ${#ATTACKS[@]} attacks run, exit 0" \
	'^attack.sh: done$'; then
	if grep -q '^{.*"class_uid"' "$OUT/attack-u/app.stderr"; then
		not_ok "attack app without the sensor: no events in its log" "$OUT/attack-u/app.stderr"
	else
		ok "attack app without the sensor: no events in its log"
	fi
	echo "# without the sensor: $(grep -o '^attack [a-z-]* rc=[0-9]*' "$OUT/attack-u/app.stdout" |
		cut -d' ' -f2- | tr '\n' ' ')"
fi
for mode in detect prevent; do
	id=attack-${mode:0:1}
	label="attacks, --mode=$mode"
	ran "$id" 1 "$label: the task runs through the init container and the attack app finishes" \
		'^attack.sh: done$' || continue
	events "$id" "$label" || continue
	tap "$label: findings" python3 "$A/check.py" findings "$label" "$mode" "$A/expect" \
		sensor-shim/rules_builtin.json "$OUT/$id/events"
	# The rest of each Finding (title, severity, action_id, disposition)
	# against the rules file, as the host suite checks it.
	if python3 tests/sensor/findings.py check sensor-shim/rules_builtin.json \
		"$OUT/$id/events" > "$OUT/$id/findings-check" 2>&1; then
		ok "$label: every Finding agrees with rules_builtin.json (findings.py check)"
	else
		not_ok "$label: every Finding agrees with rules_builtin.json (findings.py check)" \
			"$OUT/$id/findings-check"
	fi
	tap "$label: outcomes" python3 "$A/check.py" outcomes "$label" "$mode" "$A/expect" \
		"$OUT/attack-u/app.stdout" "$OUT/$id/app.stdout"
done
for mode in detect prevent; do
	id=benign-${mode:0:1}
	label="benign app, --mode=$mode"
	ran "$id" 1 "$label: the task runs and the app reports, exit 0" '^argv\[0\]: ' || continue
	events "$id" "$label" || continue
	tap "$label: no findings" python3 "$A/check.py" benign "$label" "$OUT/$id/events"
done

e2e_phase_end
awk -v a="$SUITE_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "# suite attacks: %.1f s\n", b - a }'
exit $failed
