# shellcheck shell=bash
# registries.sh: sourced by tests/suite-registry.sh and start.sh. Starts
# the real registries (Debian's docker-registry, CNCF distribution 2.8) the
# patcher's image lookup is tested against, on free loopback ports:
#
#   PLAIN     plain HTTP, anonymous (the patcher needs -insecure-registry)
#   BASIC     TLS (test CA) + htpasswd Basic auth, like ECR's Basic challenge
#   TOKEN     TLS (test CA) + token auth, tokens from token_server.py
#   REDIRECT  like BASIC, but blob GETs get a 307 to blob_server.py at
#             https://localhost:PORT (another host), as ECR sends them to S3
#   FLAKY     like PLAIN, but blobs redirect to https://127.0.0.1:PORT, where
#             blob_server.py answers each path's first GET with 503
#   DOWN      a port nothing listens on
#
# All three registries serve one storage directory; the test images are
# pushed once, through PLAIN, with skopeo. registries_start DIR writes
# DIR/env.sh (the addresses, CA and image table) and records every process
# it starts in DIR/pids; registries_stop DIR ends exactly those.

REGISTRY_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The htpasswd user. bcrypt cost 4 keeps each authorized request fast (cost
# 12 takes 0.3 s per request); docker-registry reads only bcrypt entries.
REG_BASIC_USER=fcuser
REG_BASIC_PASS=fc-pass
# shellcheck disable=SC2016 # a bcrypt hash, not an expansion
REG_BASIC_HTPASSWD='fcuser:$2b$04$o3mIMJByEWXH1mgJ6Y3qhOaoauKkepkcjoLTJY1RFl5RNnFw6uqky'
REG_TOKEN_SERVICE=fctest-registry
REG_TOKEN_ISSUER=fctest-issuer

# A port that was free a moment ago; the kernel picks it.
reg_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# reg_spawn DIR NAME CMD...: runs CMD in the background, logging to
# DIR/logs/NAME.log, and records its pid.
reg_spawn() {
	local dir=$1 name=$2
	shift 2
	"$@" > "$dir/logs/$name.log" 2>&1 &
	echo "$! $name" >> "$dir/pids"
}

reg_pid() { # DIR NAME: the latest process started under NAME
	awk -v n="$2" '$2 == n { p = $1 } END { print p }' "$1/pids"
}

# reg_wait DIR NAME URL EXPECT [curl args...]: polls URL until it answers
# with HTTP status EXPECT, for at most 30 s; fails early if NAME died.
reg_wait() {
	local dir=$1 name=$2 url=$3 want=$4 got i pid
	shift 4
	pid=$(reg_pid "$dir" "$name")
	for ((i = 0; i < 300; i++)); do
		got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url")
		[ "$got" = "$want" ] && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "registries.sh: $name exited; its log:" >&2
			tail -n 20 "$dir/logs/$name.log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "registries.sh: $name did not answer $url with $want in 30 s (last: $got)" >&2
	tail -n 20 "$dir/logs/$name.log" >&2
	return 1
}

# reg_port_file DIR NAME: the port a fixture server wrote to DIR/NAME.port
# once it listened; waits at most 30 s, less if the server died.
reg_port_file() {
	local dir=$1 name=$2 i
	for ((i = 0; i < 300; i++)); do
		[ -s "$dir/$name.port" ] && break
		kill -0 "$(reg_pid "$dir" "$name")" 2>/dev/null || break
		sleep 0.1
	done
	cat "$dir/$name.port" 2>/dev/null || {
		echo "registries.sh: $name did not start:" >&2
		cat "$dir/logs/$name.log" >&2
		return 1
	}
}

# reg_registry DIR NAME tls|plain EXPECT AUTH-YAML: starts docker-registry
# NAME on a free port and waits until its /v2/ answers EXPECT; the port is
# left in REG_STARTED_PORT. A port taken by someone else between choosing
# and binding it is retried with another.
reg_registry() {
	local dir=$1 name=$2 tls=$3 want=$4 yaml=$5 port try scheme=http
	local -a ca=()
	if [ "$tls" = tls ]; then
		scheme=https
		ca=(--cacert "$dir/pki/ca.pem")
	fi
	for ((try = 0; try < 3; try++)); do
		port=$(reg_free_port)
		reg_config "$dir" "$name" "$port" "$tls" "$yaml"
		reg_spawn "$dir" "$name" docker-registry serve "$dir/$name.yml"
		if reg_wait "$dir" "$name" "$scheme://127.0.0.1:$port/v2/" "$want" "${ca[@]}"; then
			REG_STARTED_PORT=$port
			return 0
		fi
		grep -q 'address already in use' "$dir/logs/$name.log" || return 1
	done
	return 1
}

# reg_config DIR NAME PORT TLS AUTH-YAML: a registry config file.
reg_config() {
	local dir=$1 name=$2 port=$3 tls=$4 auth=$5
	{
		echo "version: 0.1"
		echo "log: {level: info, formatter: text}"
		echo "storage:"
		echo "  filesystem: {rootdirectory: $dir/storage}"
		echo "  delete: {enabled: false}"
		echo "http:"
		echo "  addr: 127.0.0.1:$port"
		echo "  secret: fctest-not-a-secret"
		if [ "$tls" = tls ]; then
			echo "  tls: {certificate: $dir/pki/server.pem, key: $dir/pki/server.key}"
		fi
		printf '%s\n' "$auth"
	} > "$dir/$name.yml"
}

# reg_push DIR HOST: pushes every image in DIR/images/push.list, then
# corrupts the "tampered" image's config blob in storage.
reg_push() {
	local dir=$1 host=$2 ref dst mode
	local -a how
	printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' > "$dir/policy.json"
	while read -r ref dst mode; do
		case $mode in
		oci) how=() ;;
		v2s2) how=(--format v2s2) ;;
		oci-all) how=(--all) ;;
		v2s2-all) how=(--all --format v2s2) ;;
		*) echo "registries.sh: bad push mode $mode" >&2; return 1 ;;
		esac
		timeout 120 skopeo --policy "$dir/policy.json" copy --quiet "${how[@]}" \
			--dest-tls-verify=false --dest-no-creds \
			"oci:$dir/images/layout:$ref" "docker://$host/$dst" || {
			echo "registries.sh: skopeo could not push $ref to $host/$dst" >&2
			return 1
		}
	done < "$dir/images/push.list"

	# Same length, so only the digest check can notice.
	local digest hex blob
	digest=$(curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"http://$host/v2/fc/tampered/manifests/1" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])') || return 1
	hex=${digest#sha256:}
	blob=$dir/storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data
	if ! sed -i 's|/bin/GOOD|/bin/EVIL|' "$blob" || ! grep -q /bin/EVIL "$blob"; then
		echo "registries.sh: could not tamper with $blob" >&2
		return 1
	fi
}

registries_start() {
	local dir=$1 p_plain p_basic p_token p_redirect p_flaky p_down tport bport
	local tool
	for tool in docker-registry skopeo openssl python3 curl; do
		command -v "$tool" > /dev/null || {
			echo "registries.sh: $tool is missing (apt-get install docker-registry skopeo openssl python3 curl)" >&2
			return 1
		}
	done
	# A reused DIR must not hand over an old run's port or images.
	rm -rf "$dir/logs" "$dir/storage" "$dir/images" "$dir/pki"
	rm -f "$dir"/*.port "$dir/env.sh" "$dir"/*-requests.log
	mkdir -p "$dir/logs" "$dir/storage" "$dir/images"
	: > "$dir/pids"
	"$REGISTRY_TEST_DIR/mkcerts.sh" "$dir/pki" || return 1
	python3 "$REGISTRY_TEST_DIR/mkimages.py" "$dir/images" || return 1
	printf '%s\n' "$REG_BASIC_HTPASSWD" > "$dir/htpasswd"

	reg_spawn "$dir" token-server python3 "$REGISTRY_TEST_DIR/token_server.py" \
		--port-file "$dir/token-server.port" \
		--cert "$dir/pki/server.pem" --key "$dir/pki/server.key" \
		--signer-cert "$dir/pki/signer.pem" --signer-key "$dir/pki/signer.key" \
		--rogue-cert "$dir/pki/rogue.pem" --rogue-key "$dir/pki/rogue.key" \
		--service "$REG_TOKEN_SERVICE" --issuer "$REG_TOKEN_ISSUER" \
		--log "$dir/token-requests.log"
	reg_spawn "$dir" blob-server python3 "$REGISTRY_TEST_DIR/blob_server.py" \
		--root "$dir/storage" --port-file "$dir/blob-server.port" \
		--cert "$dir/pki/server.pem" --key "$dir/pki/server.key" \
		--log "$dir/blob-requests.log"
	tport=$(reg_port_file "$dir" token-server) || return 1
	bport=$(reg_port_file "$dir" blob-server) || return 1

	# DOWN: a port bound but never listened on, held for the whole run, so
	# connecting is refused and no other program can take it meanwhile.
	reg_spawn "$dir" down-port python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(1e9)' "$dir/down-port.port"
	p_down=$(reg_port_file "$dir" down-port) || return 1

	reg_registry "$dir" plain plain 200 "" || return 1
	p_plain=$REG_STARTED_PORT
	reg_registry "$dir" basic tls 401 "auth:
  htpasswd: {realm: fctest-basic, path: $dir/htpasswd}" || return 1
	p_basic=$REG_STARTED_PORT
	reg_registry "$dir" token tls 401 "auth:
  token:
    realm: https://127.0.0.1:$tport/token
    service: $REG_TOKEN_SERVICE
    issuer: $REG_TOKEN_ISSUER
    rootcertbundle: $dir/pki/ca.pem" || return 1
	p_token=$REG_STARTED_PORT
	reg_registry "$dir" redirect tls 401 "auth:
  htpasswd: {realm: fctest-redirect, path: $dir/htpasswd}
middleware:
  storage:
    - name: redirect
      options: {baseurl: 'https://localhost:$bport/'}" || return 1
	p_redirect=$REG_STARTED_PORT
	reg_registry "$dir" flaky plain 200 "middleware:
  storage:
    - name: redirect
      options: {baseurl: 'https://127.0.0.1:$bport/'}" || return 1
	p_flaky=$REG_STARTED_PORT
	local ca=(--cacert "$dir/pki/ca.pem")
	reg_wait "$dir" token-server "https://127.0.0.1:$tport/token?service=$REG_TOKEN_SERVICE" 200 \
		"${ca[@]}" || return 1
	reg_wait "$dir" blob-server "https://localhost:$bport/_reset" 200 "${ca[@]}" || return 1
	reg_push "$dir" "127.0.0.1:$p_plain" || return 1

	cat > "$dir/env.sh" <<EOF
# Written by tests/registry/registries.sh; source it.
REG_DIR=$dir
REG_PLAIN=127.0.0.1:$p_plain
REG_BASIC=127.0.0.1:$p_basic
REG_TOKEN=127.0.0.1:$p_token
REG_TOKEN_SERVER=127.0.0.1:$tport
REG_REDIRECT=127.0.0.1:$p_redirect
REG_FLAKY=127.0.0.1:$p_flaky
REG_BLOB_SERVER=127.0.0.1:$bport
REG_BLOB_LOG=$dir/blob-requests.log
REG_DOWN=127.0.0.1:$p_down
REG_CA=$dir/pki/ca.pem
REG_IMAGES=$dir/images/images.json
REG_TOKEN_LOG=$dir/token-requests.log
REG_BASIC_USER=$REG_BASIC_USER
REG_BASIC_PASS=$REG_BASIC_PASS
EOF
}

registries_stop() {
	local dir=$1 pid name
	[ -f "$dir/pids" ] || return 0
	while read -r pid name; do
		kill "$pid" 2>/dev/null
	done < "$dir/pids"
	while read -r pid name; do
		wait "$pid" 2>/dev/null
	done < "$dir/pids"
	: > "$dir/pids"
}
