#!/usr/bin/env bash
# suite-registry.sh: the patcher's image lookup against real registries.
# Starts Debian's docker-registry five ways (plain HTTP; TLS + htpasswd;
# TLS + token auth with the token_server.py fixture; blobs redirected to
# another host, and to a host that answers 503 once) on loopback ports,
# pushes test images with skopeo, then runs falcon-patcher against them and
# checks that every patched container runs exactly what Docker would run
# for the unpatched definition (tests/registry/check.py), and that every
# failure is one line naming container, image and registry with the cause.
# Each case runs through $BUILD/falcon-patcher and, when it is built,
# $BUILD/asan/falcon-patcher. tests/registry/README.md has the details.
# shellcheck disable=SC2016 # BEFORE and AFTER hold code eval'd per run
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
ROOT=$(pwd)
REG_LIB=$ROOT/tests/registry
CID=0123456789abcdef0123456789abcdef-12
FALCON_IMAGE=123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-sensor/falcon-container:0.1.0

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=0
work=$(mktemp -d)
. "$REG_LIB/registries.sh"
trap 'registries_stop "$work/reg"; rm -rf "$work"' EXIT
# A signal ends the suite through the EXIT trap too, so nothing is left running.
trap 'exit 130' INT
trap 'exit 143' TERM

. tests/lib/tap.sh

if [ ! -x "$BUILD/falcon-patcher" ]; then
	bail_out "registry suite: $BUILD/falcon-patcher is not built" "run make first"
fi
build_abs=$(cd "$BUILD" && pwd)
bins=("$build_abs/falcon-patcher")
tags=("")
if [ -x "$build_abs/asan/falcon-patcher" ]; then
	bins+=("$build_abs/asan/falcon-patcher")
	tags+=(" [asan]")
fi

# What a patched container looks like comes from common/layout.h.
if ! FC_LAUNCHER=$(layout_value FC_LAUNCHER) ||
	! FC_ENV_ENTRYPOINT=$(layout_value FC_ENV_ENTRYPOINT); then
	bail_out "registry suite: cannot read FC_LAUNCHER and FC_ENV_ENTRYPOINT from common/layout.h"
fi
export FC_LAUNCHER FC_ENV_ENTRYPOINT

if ! registries_start "$work/reg" > "$work/setup.log" 2>&1; then
	bail_out "registry suite: cannot start the registries and the token server, or push the test images" \
		"$(tail -n 40 "$work/setup.log")"
fi
. "$work/reg/env.sh"
echo "# registries up (plain $REG_PLAIN, basic $REG_BASIC, token $REG_TOKEN) and images pushed"

mkdir -p "$work/home" "$work/cases" "$work/conf"

# ---- helpers ---------------------------------------------------------------

img() { echo "$1/fc/$2:1"; } # REGISTRY NAME

# def FILE ARCH NAME IMAGE EP CMD ...: see check.py mkdef ("-" = absent).
def() { python3 "$REG_LIB/check.py" mkdef "$@"; }

b64() { printf '%s' "$1" | base64 -w0; }

# A docker config.json with one auths entry: KEY USER PASS.
auths_json() {
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$1" "$(b64 "$2:$3")"
}

ptoken() { b64 "$(auths_json "$@")"; } # the -pulltoken form of the same

# Extra environment for the next case only (reset by every case).
CASE_ENV=()
# Fixed strings the error line must contain, and extended regexes it must
# match (case-insensitively); both reset by every case.
NAMES=()
SAYS=()
# A command run before each run of the case, and one run after a
# successful run (in the case's directory; a non-zero status fails it).
BEFORE=
AFTER=

ncase=0

# run BIN DIR DEF ARGS...: DIR/out, DIR/err, DIR/rc
run() {
	local bin=$1 dir=$2 def=$3
	shift 3
	mkdir -p "$dir"
	(
		cd "$dir" &&
		exec env -u DOCKER_CONFIG HOME="$work/home" PATH="$REG_LIB/bin:$PATH" \
			FCTEST_CRED_LOG="$dir/cred.log" "${CASE_ENV[@]}" \
			timeout 120 "$bin" -cid "$CID" -image "$FALCON_IMAGE" \
			-ecs-spec-file "$def" "$@"
	) < /dev/null > "$dir/out" 2> "$dir/err"
	echo $? > "$dir/rc"
}

reset_case() {
	CASE_ENV=()
	NAMES=()
	SAYS=()
	BEFORE=
	AFTER=
}

# Fixture logs are per run, so AFTER checks see only this run's requests.
fresh_run() {
	if [ -n "${REG_DIR:-}" ]; then
		: > "$REG_TOKEN_LOG"
		: > "$REG_BLOB_LOG"
	fi
	if [ -n "$BEFORE" ]; then
		eval "$BEFORE"
	fi
}

# expect_ok DESC DEF ARGS...: exit 0 and Docker's argv in every container.
expect_ok() {
	local desc=$1 def=$2 i dir rc diag
	shift 2
	for i in "${!bins[@]}"; do
		ncase=$((ncase + 1))
		dir=$work/cases/$ncase
		fresh_run
		run "${bins[$i]}" "$dir" "$def" "$@"
		rc=$(cat "$dir/rc")
		if [ "$rc" -ne 0 ]; then
			not_ok "$desc${tags[$i]}" "exit $rc, stderr:" "$(head -c 2000 "$dir/err")"
			continue
		fi
		if ! diag=$(python3 "$REG_LIB/check.py" verify "$def" "$dir/out" "$REG_IMAGES"); then
			not_ok "$desc${tags[$i]}" "$diag"
			continue
		fi
		if [ -n "$AFTER" ] && ! diag=$(cd "$dir" && eval "$AFTER" 2>&1); then
			not_ok "$desc${tags[$i]}" "$diag"
			continue
		fi
		ok "$desc${tags[$i]}"
	done
	reset_case
}

# expect_fail DESC RC-REGEX DEF ARGS...: that exit status, nothing on
# stdout, and one line on stderr containing NAMES and matching SAYS.
expect_fail() {
	local desc=$1 want=$2 def=$3 i dir rc s lines
	local -a why
	shift 3
	for i in "${!bins[@]}"; do
		ncase=$((ncase + 1))
		dir=$work/cases/$ncase
		fresh_run
		run "${bins[$i]}" "$dir" "$def" "$@"
		rc=$(cat "$dir/rc")
		why=()
		[[ $rc =~ ^($want)$ ]] || why+=("exit $rc, want $want")
		[ -s "$dir/out" ] && why+=("stdout is not empty ($(wc -c < "$dir/out") bytes)")
		lines=$(wc -l < "$dir/err")
		[ "$lines" -eq 1 ] || why+=("stderr has $lines lines, want 1")
		for s in "${NAMES[@]}"; do
			grep -qF -- "$s" "$dir/err" || why+=("stderr does not name \"$s\"")
		done
		for s in "${SAYS[@]}"; do
			grep -qiE -- "$s" "$dir/err" || why+=("stderr does not match /$s/i")
		done
		if [ "${#why[@]}" -gt 0 ]; then
			not_ok "$desc${tags[$i]}" "${why[@]}" "stderr:" "$(head -c 2000 "$dir/err")"
		else
			ok "$desc${tags[$i]}"
			# The message itself, for a human to judge (release run only).
			[ "$i" -eq 0 ] && sed 's/^/#   /' "$dir/err"
		fi
		cp "$dir/err" "$work/last-err"
	done
	reset_case
}

D=$work/defs
mkdir -p "$D"
P=$REG_PLAIN
PLAIN=(-insecure-registry "$REG_PLAIN")
TLS=(-registry-ca "$REG_CA")
GOOD_BASIC=$(ptoken "$REG_BASIC" "$REG_BASIC_USER" "$REG_BASIC_PASS")

# ---- what the image says: plain HTTP registry, anonymous -----------------

def "$D/ep-only.json" X86_64 app "$(img "$P" ep-only)" - -
expect_ok "image with ENTRYPOINT only: argv is the image ENTRYPOINT" "$D/ep-only.json" "${PLAIN[@]}"

def "$D/cmd-only.json" X86_64 app "$(img "$P" cmd-only)" - -
expect_ok "image with CMD only (no Entrypoint key): argv is the image CMD" "$D/cmd-only.json" "${PLAIN[@]}"

def "$D/both.json" X86_64 app "$(img "$P" both)" - -
expect_ok "image with ENTRYPOINT and CMD: argv is both, CMD kept" "$D/both.json" "${PLAIN[@]}"

def "$D/ep-null.json" X86_64 app "$(img "$P" ep-null)" - -
expect_ok "image with \"Entrypoint\": null and a CMD: argv is the CMD" "$D/ep-null.json" "${PLAIN[@]}"

def "$D/tricky.json" X86_64 app "$(img "$P" tricky)" - -
expect_ok "image arguments with quotes, backslashes, UTF-8, empty strings, newlines survive exactly" \
	"$D/tricky.json" "${PLAIN[@]}"

def "$D/neither.json" X86_64 app "$(img "$P" neither)" - -
NAMES=(app "$(img "$P" neither)")
SAYS=('neither|no (ENTRYPOINT|entrypoint).*(CMD|cmd)')
expect_fail "image with neither ENTRYPOINT nor CMD and a definition with neither: error says so" \
	'2|3' "$D/neither.json" "${PLAIN[@]}"

def "$D/no-config.json" X86_64 app "$(img "$P" no-config)" - -
NAMES=(app "$(img "$P" no-config)")
SAYS=('neither|no (ENTRYPOINT|entrypoint).*(CMD|cmd)')
expect_fail "image config without a \"config\" object: error says it has neither" \
	'2|3' "$D/no-config.json" "${PLAIN[@]}"

# ---- how the definition combines with the image (moby's merge rules) -----

def "$D/cmd-def.json" X86_64 app "$(img "$P" both)" - '["serve","--port","8080"]'
expect_ok "definition command, no entryPoint: image ENTRYPOINT + definition command, image CMD dropped" \
	"$D/cmd-def.json" "${PLAIN[@]}"

def "$D/cmd-def-cmdimg.json" X86_64 app "$(img "$P" cmd-only)" - '["/bin/true"]'
expect_ok "definition command, image with CMD only: argv is the definition command" \
	"$D/cmd-def-cmdimg.json" "${PLAIN[@]}"

def "$D/cmd-def-neither.json" X86_64 app "$(img "$P" neither)" - '["/bin/server"]'
expect_ok "definition command, image with neither: argv is the definition command" \
	"$D/cmd-def-neither.json" "${PLAIN[@]}"

def "$D/empty-ep.json" X86_64 app "$(img "$P" both)" '[]' -
expect_ok "definition entryPoint [] (present, empty): image ENTRYPOINT dropped, image CMD kept" \
	"$D/empty-ep.json" "${PLAIN[@]}"

# A definition that says everything needs no lookup: the registry is down.
def "$D/no-lookup.json" X86_64 app "$(img "$REG_DOWN" both)" '["/bin/app"]' '["run"]'
expect_ok "definition entryPoint and command: no registry needed (registry down)" \
	"$D/no-lookup.json" -insecure-registry "$REG_DOWN"

def "$D/no-lookup-ep.json" X86_64 app "$(img "$REG_DOWN" both)" '["/bin/app","x"]' -
expect_ok "definition entryPoint only: image CMD dropped, no registry needed (registry down)" \
	"$D/no-lookup-ep.json" -insecure-registry "$REG_DOWN"

# ---- manifests, indexes and platforms -----------------------------------

def "$D/oci.json" X86_64 app "$(img "$P" oci)" - -
expect_ok "OCI image manifest" "$D/oci.json" "${PLAIN[@]}"

def "$D/v2s2.json" X86_64 app "$(img "$P" v2s2)" - -
expect_ok "Docker schema-2 manifest" "$D/v2s2.json" "${PLAIN[@]}"

def "$D/multi-amd.json" X86_64 app "$(img "$P" multi)" - -
expect_ok "OCI index, task X86_64: the linux/amd64 entry (not windows/amd64, not attestations)" \
	"$D/multi-amd.json" "${PLAIN[@]}"

def "$D/multi-arm.json" ARM64 app "$(img "$P" multi)" - -
expect_ok "OCI index, task ARM64: the linux/arm64 entry (not linux/arm v7), argv differs from amd64" \
	"$D/multi-arm.json" "${PLAIN[@]}"

def "$D/multi-default.json" - app "$(img "$P" multi)" - -
expect_ok "OCI index, no runtimePlatform: X86_64 by default" "$D/multi-default.json" "${PLAIN[@]}"

def "$D/list-amd.json" X86_64 app "$(img "$P" list)" - -
expect_ok "Docker manifest list, task X86_64" "$D/list-amd.json" "${PLAIN[@]}"

def "$D/list-arm.json" ARM64 app "$(img "$P" list)" - -
expect_ok "Docker manifest list, task ARM64" "$D/list-arm.json" "${PLAIN[@]}"

def "$D/noarm.json" ARM64 app "$(img "$P" noarm)" - -
NAMES=(app "$(img "$P" noarm)")
SAYS=('arm64' 'amd64' 'ppc64le')
expect_fail "index without the task's architecture: exit 3, lists the architectures it has" \
	3 "$D/noarm.json" "${PLAIN[@]}"
if grep -qi 'unknown' "$work/last-err"; then
	not_ok "the architecture list leaves out attestation entries (unknown/unknown)" \
		"$(cat "$work/last-err")"
else
	ok "the architecture list leaves out attestation entries (unknown/unknown)"
fi

# Several containers, one image shared by two: every one gets its own argv.
def "$D/many.json" X86_64 \
	web "$(img "$P" multi)" - - \
	sidecar "$(img "$P" cmd-only)" - '["--verbose"]' \
	worker "$(img "$P" both)" - - \
	worker2 "$(img "$P" both)" - '["other"]' \
	legacy "$(img "$P" v2s2)" - - \
	fixed "$(img "$P" neither)" '["/bin/fixed"]' -
# worker and worker2 share fc/both: one lookup per distinct image.
manifest_gets() { grep -c '"GET /v2/fc/both/manifests/1 ' "$REG_DIR/logs/plain.log"; }
BEFORE='gets_before=$(manifest_gets)'
AFTER='[ "$(manifest_gets)" -eq $((gets_before + 1)) ] || { echo "fc/both manifest fetched $(($(manifest_gets) - gets_before)) times for two containers, want once"; false; }'
expect_ok "six containers, five images (one an index), one shared and fetched once: each container's argv is Docker's" \
	"$D/many.json" "${PLAIN[@]}"

def "$D/one-bad.json" X86_64 \
	good "$(img "$P" both)" - - \
	bad "$(img "$REG_DOWN" both)" - -
NAMES=(bad "$(img "$REG_DOWN" both)")
SAYS=('connect|refused')
expect_fail "one failing lookup among several: exit 3 and no output at all" \
	3 "$D/one-bad.json" "${PLAIN[@]}" -insecure-registry "$REG_DOWN"

# ---- integrity and registry errors ---------------------------------------

def "$D/tampered.json" X86_64 app "$(img "$P" tampered)" - -
NAMES=(app "$(img "$P" tampered)")
SAYS=('digest|sha256')
expect_fail "config blob that does not match its digest: exit 3, refused" \
	3 "$D/tampered.json" "${PLAIN[@]}"

def "$D/no-tag.json" X86_64 app "$P/fc/both:no-such-tag" - -
NAMES=(app "$P/fc/both:no-such-tag" "$P")
SAYS=('404|not found' 'tag|manifest')
expect_fail "unknown tag: exit 3, 404 for the tag" 3 "$D/no-tag.json" "${PLAIN[@]}"
cp "$work/last-err" "$work/err-tag"

def "$D/no-repo.json" X86_64 app "$P/fc/no-such-repo:1" - -
NAMES=(app "$P/fc/no-such-repo:1" "$P")
SAYS=('404|not found' 'repositor')
expect_fail "unknown repository: exit 3, 404 for the repository" 3 "$D/no-repo.json" "${PLAIN[@]}"
# The two messages must tell the user different things.
if diff -q <(sed 's/no-such-tag\|no-such-repo\|fc\/both\|:1//g' "$work/err-tag") \
	<(sed 's/no-such-tag\|no-such-repo\|fc\/both\|:1//g' "$work/last-err") > /dev/null; then
	not_ok "unknown tag and unknown repository give different messages" \
		"$(cat "$work/err-tag")" "$(cat "$work/last-err")"
else
	ok "unknown tag and unknown repository give different messages"
fi

def "$D/down.json" X86_64 app "$(img "$REG_DOWN" both)" - -
NAMES=(app "$(img "$REG_DOWN" both)" "$REG_DOWN")
SAYS=('connect|refused')
expect_fail "registry down: exit 3, connection error names the registry" \
	3 "$D/down.json" -insecure-registry "$REG_DOWN"

def "$D/http-no-flag.json" X86_64 app "$(img "$P" both)" - -
NAMES=(app "$(img "$P" both)" "$P")
SAYS=('-insecure-registry')
expect_fail "plain-HTTP registry without -insecure-registry: exit 3, suggests -insecure-registry" \
	3 "$D/http-no-flag.json"

# ---- htpasswd Basic auth over TLS with the test CA ------------------------

B=$REG_BASIC
def "$D/basic.json" X86_64 app "$(img "$B" both)" - -
def "$D/basic-multi.json" ARM64 app "$(img "$B" multi)" -  -

expect_ok "Basic auth, TLS with -registry-ca: credentials from -pulltoken" \
	"$D/basic.json" "${TLS[@]}" -pulltoken "$GOOD_BASIC"

expect_ok "Basic auth: OCI index through the authenticated registry (ARM64)" \
	"$D/basic-multi.json" "${TLS[@]}" -pulltoken "$GOOD_BASIC"

auths_json "$B" "$REG_BASIC_USER" "$REG_BASIC_PASS" > "$work/conf/auths.json"
expect_ok "Basic auth: credentials from -docker-config auths" \
	"$D/basic.json" "${TLS[@]}" -docker-config "$work/conf/auths.json"

mkdir -p "$work/conf/dockerdir"
cp "$work/conf/auths.json" "$work/conf/dockerdir/config.json"
CASE_ENV=(DOCKER_CONFIG="$work/conf/dockerdir")
expect_ok "Basic auth: credentials from \$DOCKER_CONFIG/config.json" \
	"$D/basic.json" "${TLS[@]}"

mkdir -p "$work/home2/.docker"
cp "$work/conf/auths.json" "$work/home2/.docker/config.json"
CASE_ENV=(HOME="$work/home2")
expect_ok "Basic auth: credentials from ~/.docker/config.json" \
	"$D/basic.json" "${TLS[@]}"

auths_json "https://$B/v1/" "$REG_BASIC_USER" "$REG_BASIC_PASS" > "$work/conf/auths-url.json"
expect_ok "Basic auth: docker config auths key written as a URL (https://HOST:PORT/v1/)" \
	"$D/basic.json" "${TLS[@]}" -docker-config "$work/conf/auths-url.json"

printf '{"%s":{"Username":"%s","Secret":"%s"}}' "$B" "$REG_BASIC_USER" "$REG_BASIC_PASS" \
	> "$work/conf/helper-creds.json"
printf '{"auths":{},"credHelpers":{"%s":"fctest"}}' "$B" > "$work/conf/credhelpers.json"
CASE_ENV=(FCTEST_CRED_FILE="$work/conf/helper-creds.json")
AFTER='grep -q " -> found" cred.log || { echo "docker-credential-fctest was not asked:"; cat cred.log; false; }'
expect_ok "Basic auth: credentials from a credHelpers helper (docker-credential-fctest get)" \
	"$D/basic.json" "${TLS[@]}" -docker-config "$work/conf/credhelpers.json"

printf '{"credsStore":"fctest"}' > "$work/conf/credsstore.json"
CASE_ENV=(FCTEST_CRED_FILE="$work/conf/helper-creds.json")
AFTER='grep -q " -> found" cred.log || { echo "docker-credential-fctest was not asked:"; cat cred.log; false; }'
expect_ok "Basic auth: credentials from the credsStore helper" \
	"$D/basic.json" "${TLS[@]}" -docker-config "$work/conf/credsstore.json"

auths_json "$B" "$REG_BASIC_USER" wrong-password > "$work/conf/auths-wrong.json"
expect_ok "Basic auth: -pulltoken comes before a docker config with a wrong password" \
	"$D/basic.json" "${TLS[@]}" -pulltoken "$GOOD_BASIC" -docker-config "$work/conf/auths-wrong.json"

expect_ok "Basic auth: a -pulltoken for another registry falls through to the docker config" \
	"$D/basic.json" "${TLS[@]}" -pulltoken "$(ptoken "$REG_DOWN" someone something)" \
	-docker-config "$work/conf/auths.json"

NAMES=(app "$(img "$B" both)" "$B")
SAYS=('401|unauthori[sz]ed|denied')
expect_fail "Basic auth, wrong password: exit 3, 401" \
	3 "$D/basic.json" "${TLS[@]}" -pulltoken "$(ptoken "$B" "$REG_BASIC_USER" wrong-password)"

NAMES=(app "$(img "$B" both)" "$B")
SAYS=('401|unauthori[sz]ed|credential' 'pulltoken|docker-config|credential')
expect_fail "Basic auth, no credentials anywhere: exit 3, says credentials are needed" \
	3 "$D/basic.json" "${TLS[@]}"

printf '{"credHelpers":{"%s":"fctest-nosuch"}}' "$B" > "$work/conf/credhelpers-missing.json"
NAMES=(app "$(img "$B" both)" docker-credential-fctest-nosuch)
expect_fail "credHelpers names a helper that is not installed: the error names the helper" \
	'1|2|3' "$D/basic.json" "${TLS[@]}" -docker-config "$work/conf/credhelpers-missing.json"

NAMES=(app "$(img "$B" both)" "$B")
SAYS=('-registry-ca' 'tls|ssl|certificate')
expect_fail "TLS registry with a private CA, no -registry-ca: exit 3, verification error suggests -registry-ca" \
	3 "$D/basic.json" -pulltoken "$GOOD_BASIC"

# ---- blob redirects (blob_server.py stands in for S3) --------------------

R=$REG_REDIRECT
def "$D/redirect.json" X86_64 app "$(img "$R" both)" - - other "$(img "$R" multi)" - -
AFTER='grep -q "\"host\": \"localhost:.*\"status\": 200" "$REG_BLOB_LOG" || { echo "no blob was fetched through the redirect:"; cat "$REG_BLOB_LOG"; false; }
! grep "\"authorization\": true" "$REG_BLOB_LOG" || { echo "the registry credentials followed the redirect to another host"; false; }'
expect_ok "Basic auth, blobs redirected to another host (ECR to S3): no Authorization header follows the redirect" \
	"$D/redirect.json" "${TLS[@]}" -pulltoken "$(ptoken "$R" "$REG_BASIC_USER" "$REG_BASIC_PASS")"

F=$REG_FLAKY
def "$D/flaky.json" X86_64 app "$(img "$F" cmd-only)" - -
BEFORE='curl -sf -o /dev/null --cacert "$REG_CA" "https://$REG_BLOB_SERVER/_reset"'
AFTER='grep -q "\"status\": 503" "$REG_BLOB_LOG" && grep -q "\"status\": 200" "$REG_BLOB_LOG" || { echo "the 503-then-200 sequence did not happen:"; cat "$REG_BLOB_LOG"; false; }'
expect_ok "blob download answered 503 once: one retry, then success" \
	"$D/flaky.json" "${TLS[@]}" -insecure-registry "$F"

# ---- token auth (token_server.py fixture) over TLS ------------------------

T=$REG_TOKEN
def "$D/token.json" X86_64 app "$(img "$T" both)" - -
def "$D/token-many.json" X86_64 a "$(img "$T" both)" - - b "$(img "$T" multi)" - - c "$(img "$T" cmd-only)" - -

AFTER='grep -q "\"user\": \"fctoken\".*\"status\": 200" "$REG_TOKEN_LOG" || { echo "no token was issued to fctoken:"; cat "$REG_TOKEN_LOG"; false; }'
expect_ok "token auth: Bearer token from \"token\", Basic credentials from -pulltoken" \
	"$D/token.json" "${TLS[@]}" -pulltoken "$(ptoken "$T" fctoken tok-pass)"

AFTER='grep -q "\"mode\": \"access_token\".*\"status\": 200" "$REG_TOKEN_LOG" || { echo "no access_token was issued:"; cat "$REG_TOKEN_LOG"; false; }'
expect_ok "token auth: reply with only \"access_token\"" \
	"$D/token.json" "${TLS[@]}" -pulltoken "$(ptoken "$T" fcaccess acc-pass)"

expect_ok "token auth: three repositories in one definition (a scope each)" \
	"$D/token-many.json" "${TLS[@]}" -pulltoken "$(ptoken "$T" fctoken tok-pass)"

printf '{"%s":{"Username":"fctoken","Secret":"tok-pass"}}' "$T" > "$work/conf/helper-token.json"
printf '{"credHelpers":{"%s":"fctest"}}' "$T" > "$work/conf/credhelpers-token.json"
CASE_ENV=(FCTEST_CRED_FILE="$work/conf/helper-token.json")
expect_ok "token auth: credentials from a credHelpers helper" \
	"$D/token.json" "${TLS[@]}" -docker-config "$work/conf/credhelpers-token.json"

NAMES=(app "$(img "$T" both)" "$T")
SAYS=('401|unauthori[sz]ed|expired|invalid')
expect_fail "token auth, expired token: exit 3, 401" \
	3 "$D/token.json" "${TLS[@]}" -pulltoken "$(ptoken "$T" fcexpired exp-pass)"

NAMES=(app "$(img "$T" both)" "$T")
SAYS=('401|unauthori[sz]ed|invalid')
expect_fail "token auth, token signed by an untrusted key: exit 3, 401" \
	3 "$D/token.json" "${TLS[@]}" -pulltoken "$(ptoken "$T" fcrogue rogue-pass)"

NAMES=(app "$(img "$T" both)")
SAYS=('401|unauthori[sz]ed|denied')
expect_fail "token auth, wrong password at the token server: exit 3, 401" \
	3 "$D/token.json" "${TLS[@]}" -pulltoken "$(ptoken "$T" fctoken wrong)"

NAMES=(app "$(img "$T" both)" "$T")
SAYS=('401|unauthori[sz]ed|denied|insufficient')
expect_fail "token auth, anonymous token without pull access: exit 3, 401" \
	3 "$D/token.json" "${TLS[@]}"

# ---- malformed pull tokens: exit 2, and which part is wrong -------------

SAYS=('pull ?token' 'base64')
expect_fail "malformed -pulltoken: not base64" 2 "$D/both.json" "${PLAIN[@]}" -pulltoken '%%%not-base64%%%'

SAYS=('pull ?token' 'json')
expect_fail "malformed -pulltoken: base64 of something that is not JSON" \
	2 "$D/both.json" "${PLAIN[@]}" -pulltoken "$(b64 'not json at all')"

SAYS=('pull ?token' 'auths')
expect_fail "malformed -pulltoken: JSON without an \"auths\" object" \
	2 "$D/both.json" "${PLAIN[@]}" -pulltoken "$(b64 '{"auths":["x"]}')"

SAYS=('pull ?token' 'auth')
expect_fail "malformed -pulltoken: an \"auth\" value that is not base64" \
	2 "$D/both.json" "${PLAIN[@]}" -pulltoken "$(b64 "{\"auths\":{\"$P\":{\"auth\":\"%%%\"}}}")"

SAYS=('pull ?token' 'auth' 'user|:')
expect_fail "malformed -pulltoken: an \"auth\" value without user:password" \
	2 "$D/both.json" "${PLAIN[@]}" -pulltoken "$(b64 "{\"auths\":{\"$P\":{\"auth\":\"$(b64 nocolon)\"}}}")"

[ "$failed" -eq 0 ]
