#!/usr/bin/env bash
# mkcerts.sh DIR: the registry tests' throwaway PKI, made fresh each run.
#   ca.pem            test CA (what the patcher gets through -registry-ca)
#   server.{pem,key}  TLS for the registries and the token server: 127.0.0.1
#   signer.{pem,key}  RSA key the token server signs JWTs with (CA-issued;
#                     the token registry's rootcertbundle is ca.pem)
#   rogue.{pem,key}   a self-signed RSA key the registry does not trust, for
#                     the "wrong token" case
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"

ossl() { openssl "$@" 2>/dev/null; }

cat > ext.cnf <<'EOF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
[signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
authorityKeyIdentifier = keyid
EOF

ossl ecparam -name prime256v1 -genkey -noout -out ca.key
ossl req -x509 -new -key ca.key -sha256 -days 2 -subj "/CN=falcon-container registry test CA" \
	-extensions ca -config ext.cnf -out ca.pem

issue() { # name subject extension keyspec...
	local name=$1 subj=$2 ext=$3
	shift 3
	ossl genpkey "$@" -out "$name.key"
	ossl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
	ossl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
		-sha256 -days 2 -extfile ext.cnf -extensions "$ext" -out "$name.pem"
}
issue server "/CN=127.0.0.1" server -algorithm EC -pkeyopt ec_paramgen_curve:P-256
issue signer "/CN=fctest token signer" signer -algorithm RSA -pkeyopt rsa_keygen_bits:2048

ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rogue.key
ossl req -x509 -new -key rogue.key -sha256 -days 2 -subj "/CN=rogue token signer" -out rogue.pem

for f in ca.pem server.pem signer.pem rogue.pem; do
	[ -s "$f" ] || { echo "mkcerts.sh: $f was not made" >&2; exit 1; }
done
