#!/usr/bin/env python3
"""token_server.py: TEST FIXTURE, a Docker token-auth server for the
registry tests. There is no real token service to run on these machines
(Docker Hub's, ECR's and Harbor's are all remote), so this stands in for one;
the registry that trusts its tokens is the real one (docker-registry with
`auth: token:`).

It implements the Docker token spec's GET side: GET /token?service=S&scope=..
with optional Basic credentials returns a JWT (RS256, signer certificate in
x5c) granting the requested repository actions, at most "pull". What it
returns depends on who asks, so one server covers every case:

  no credentials   a token with empty access (Docker Hub does the same); the
                   registry then answers 401 insufficient_scope
  fctoken          {"token": JWT, "expires_in", "issued_at"}
  fcaccess         {"access_token": JWT, "expires_in"} only (OAuth2 style)
  fcexpired        a well-signed token that expired an hour ago
  fcrogue          a token signed by a key the registry does not trust
  wrong password   401 with WWW-Authenticate: Basic

Every request is appended to --log as one JSON line, so tests can see what
the client sent. Standard library only (no PyPI here); JWTs are signed by
the openssl command.

Usage: token_server.py --port-file F --cert C --key K --signer-cert C
       --signer-key K --rogue-cert C --rogue-key K --service S --issuer I
       --log F  (listens on 127.0.0.1, port chosen by the kernel and
       written to --port-file once the socket is listening)
"""
import argparse
import base64
import binascii
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse

from tls_server import TLSServer, serve

USERS = {
    "fctoken": ("tok-pass", "token"),
    "fcaccess": ("acc-pass", "access_token"),
    "fcexpired": ("exp-pass", "expired"),
    "fcrogue": ("rogue-pass", "rogue"),
}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der_b64(path):
    with open(path) as f:
        pem = f.read()
    body = pem.split("-----BEGIN CERTIFICATE-----")[1]
    body = body.split("-----END CERTIFICATE-----")[0]
    return "".join(body.split())  # x5c is standard base64 DER


class Signer:
    def __init__(self, cert, key):
        self.x5c = [cert_der_b64(cert)]
        self.key = key

    def jwt(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key],
                             input=signing_input, capture_output=True,
                             check=True).stdout
        return signing_input.decode() + "." + b64url(sig)


def parse_scopes(values):
    """repository:NAME:ACTIONS -> access entries, keeping only "pull"."""
    access = []
    for v in values:
        for scope in v.split(" "):
            parts = scope.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            name = ":".join(parts[1:-1])  # a name may hold host:port
            actions = [a for a in parts[-1].split(",") if a == "pull"]
            access.append({"type": "repository", "name": name,
                           "actions": actions})
    return access


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # the JSON log replaces stderr noise
        pass

    def reply(self, status, body, extra=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def record(self, status, user, mode, query):
        cfg = self.server.cfg
        line = json.dumps({"method": self.command, "path": self.path,
                           "query": query, "user": user, "mode": mode,
                           "status": status})
        with cfg.log_lock, open(cfg.log, "a") as f:
            f.write(line + "\n")

    def credentials(self):
        """(user, password) from Basic, (None, None) if absent, or raises."""
        auth = self.headers.get("Authorization")
        if not auth:
            return None, None
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "basic":
            raise ValueError("not Basic")
        user, sep, pw = base64.b64decode(value.strip(), validate=True) \
            .decode().partition(":")
        if not sep:
            raise ValueError("no colon")
        return user, pw

    def do_GET(self):
        cfg = self.server.cfg
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path != "/token":
            self.record(404, None, None, query)
            return self.reply(404, {"errors": [{"message": "not found"}]})
        if query.get("service") != [cfg.service]:
            self.record(400, None, None, query)
            return self.reply(400, {"details": "unknown service"})
        try:
            user, pw = self.credentials()
        except (ValueError, binascii.Error, UnicodeDecodeError):
            self.record(400, None, None, query)
            return self.reply(400, {"details": "malformed Authorization"})
        mode = "anonymous"
        if user is not None:
            known = USERS.get(user)
            if not known or known[0] != pw:
                self.record(401, user, "denied", query)
                return self.reply(401, {"details": "incorrect username or password"},
                                  {"WWW-Authenticate": 'Basic realm="fctest token"'})
            mode = known[1]
        access = parse_scopes(query.get("scope", [])) if user else []
        now = int(time.time())
        claims = {"iss": cfg.issuer, "sub": user or "", "aud": cfg.service,
                  "iat": now, "nbf": now - 10, "exp": now + 300,
                  "jti": b64url(os.urandom(12)), "access": access}
        signer = cfg.signer
        if mode == "expired":
            claims.update(iat=now - 7200, nbf=now - 7200, exp=now - 3600)
        elif mode == "rogue":
            signer = cfg.rogue
        tok = signer.jwt(claims)
        if mode == "access_token":
            body = {"access_token": tok, "expires_in": 300}
        else:
            body = {"token": tok, "expires_in": 300,
                    "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                               time.gmtime(now))}
        self.record(200, user, mode, query)
        self.reply(200, body)



def main():
    ap = argparse.ArgumentParser()
    for a in ("port-file", "cert", "key", "signer-cert", "signer-key",
              "rogue-cert", "rogue-key", "service", "issuer", "log"):
        ap.add_argument("--" + a, required=True)
    cfg = ap.parse_args()
    cfg.signer = Signer(cfg.signer_cert, cfg.signer_key)
    cfg.rogue = Signer(cfg.rogue_cert, cfg.rogue_key)
    cfg.log_lock = threading.Lock()
    srv = TLSServer(Handler, cfg.cert, cfg.key)
    srv.cfg = cfg
    return serve(srv, cfg.port_file)


if __name__ == "__main__":
    sys.exit(main())
