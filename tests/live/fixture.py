#!/usr/bin/env python3
"""tests/live/fixture.py: test fixtures for tests/suite-live.sh. Not part of
the product; they stand in for AWS on loopback.

  fixture.py proxy UPSTREAM REGION SECRETS FAULTS LOG PORTFILE
    An HTTP proxy in front of moto_server (which does not check
    signatures). For each request it checks the AWS Signature Version 4:
    an "Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/ecs/
    aws4_request" header whose signature botocore recomputes to the same
    value with the secret SECRETS lists for KEY (lines "KEY SECRET [TOKEN]"),
    and, when a TOKEN is listed, an X-Amz-Security-Token header that is
    signed and equal to it. It logs "OK ..." or "BAD ..." per request. Then,
    if the FAULTS file has lines, it answers the first one instead of moto
    and removes it: "throttle" (400 ThrottlingException), "429", "500"
    (ServerException), "503" (no body).

  fixture.py creds TOKEN KEY SECRET SESSION LOG PORTFILE
    Stands in for the ECS container credentials endpoint (169.254.170.2) as
    reached through AWS_CONTAINER_CREDENTIALS_FULL_URI: answers credentials
    JSON when the Authorization header is TOKEN, 401 otherwise.

Both bind 127.0.0.1 on a port the kernel picks and write it to PORTFILE.
"""
import json
import os
import re
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

LOCK = threading.Lock()

AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
    r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")


def log(path, line):
    with LOCK, open(path, "a") as f:
        f.write(line + "\n")


def pop_fault(path):
    with LOCK:
        try:
            with open(path) as f:
                lines = [l.strip() for l in f if l.strip()]
        except FileNotFoundError:
            return None
        if not lines:
            return None
        with open(path, "w") as f:
            f.write("".join(l + "\n" for l in lines[1:]))
        return lines[0]


def secrets(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else None)
    return out


def check_sigv4(handler, body, region, secrets_path):
    """Returns None when the request is signed right, else why not."""
    auth = handler.headers.get("Authorization", "")
    m = AUTH_RE.match(auth)
    if not m:
        return "no AWS4-HMAC-SHA256 Authorization header: %r" % auth[:80]
    key, date, reg, service, signed, sig = m.groups()
    if reg != region or service != "ecs":
        return "credential scope %s/%s, expected %s/ecs" % (reg, service, region)
    amz_date = handler.headers.get("X-Amz-Date", "")
    if not amz_date.startswith(date):
        return "X-Amz-Date %r does not match the scope date %s" % (amz_date, date)
    known = secrets(secrets_path)
    if key not in known:
        return "unknown access key id"
    secret, token = known[key]
    names = signed.split(";")
    if token is not None:
        if handler.headers.get("X-Amz-Security-Token") != token:
            return "X-Amz-Security-Token missing or wrong"
        if "x-amz-security-token" not in names:
            return "X-Amz-Security-Token is not signed"
    elif handler.headers.get("X-Amz-Security-Token") is not None:
        return "X-Amz-Security-Token sent without a session token"
    for need in ("host", "x-amz-date", "x-amz-target", "content-type"):
        if need not in names:
            return "%s is not signed" % need
    headers = {}
    for n in names:
        v = handler.headers.get(n)
        if v is None:
            return "signed header %s is missing" % n
        headers[n] = v
    req = AWSRequest(method=handler.command,
                     url="http://%s%s" % (handler.headers["Host"], handler.path),
                     data=body, headers=headers)
    req.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(key, secret, token), "ecs", region)
    canonical = signer.canonical_request(req)
    want = signer.signature(signer.string_to_sign(req, canonical), req)
    if want != sig:
        return "signature does not verify (canonical request:\n%s)" % canonical
    return None


class Proxy(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype="application/x-amz-json-1.1"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        a = self.server.args
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target", "")
        why = check_sigv4(self, body, a["region"], a["secrets"])
        m = AUTH_RE.match(self.headers.get("Authorization", ""))
        key = m.group(1) if m else "-"
        token = "yes" if self.headers.get("X-Amz-Security-Token") else "no"
        if why:
            log(a["log"], "BAD %s key=%s: %s" % (target, key, why))
        else:
            log(a["log"], "OK %s key=%s token=%s" % (target, key, token))
        fault = pop_fault(a["faults"])
        if fault:
            log(a["log"], "FAULT %s %s" % (fault, target))
            if fault == "throttle":
                return self.reply(400, json.dumps(
                    {"__type": "ThrottlingException", "message": "Rate exceeded"}))
            if fault == "429":
                return self.reply(429, json.dumps(
                    {"__type": "TooManyRequestsException", "message": "slow down"}))
            if fault == "500":
                return self.reply(500, json.dumps(
                    {"__type": "ServerException", "message": "internal"}))
            return self.reply(503, "", "text/plain")
        fwd = {k: v for k, v in self.headers.items()
               if k.lower() not in ("host", "content-length", "connection")}
        req = urllib.request.Request(a["upstream"] + self.path, data=body,
                                     headers=fwd, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, data, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as err:
            status, data, ctype = err.code, err.read(), err.headers.get("Content-Type", "")
        log(a["log"], "FWD %d %s sent=%d" % (status, target, len(body)))
        self.reply(status, data, ctype)


class Creds(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        a = self.server.args
        if self.headers.get("Authorization") != a["token"]:
            log(a["log"], "CREDS 401 %s" % self.path)
            data = b'{"code":"Unauthorized","message":"bad token"}'
            self.send_response(401)
        else:
            log(a["log"], "CREDS 200 %s" % self.path)
            data = json.dumps({
                "AccessKeyId": a["key"], "SecretAccessKey": a["secret"],
                "Token": a["session"], "Expiration": "2099-01-01T00:00:00Z",
                "RoleArn": "arn:aws:iam::123456789012:role/fixture"}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(handler, args, port_file):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    srv.args = args
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, port_file)
    srv.serve_forever()


def main():
    mode = sys.argv[1]
    if mode == "proxy":
        upstream, region, sec, faults, logf, port_file = sys.argv[2:8]
        serve(Proxy, {"upstream": upstream, "region": region, "secrets": sec,
                      "faults": faults, "log": logf}, port_file)
    elif mode == "creds":
        token, key, secret, session, logf, port_file = sys.argv[2:8]
        serve(Creds, {"token": token, "key": key, "secret": secret,
                      "session": session, "log": logf}, port_file)
    else:
        sys.exit("usage: fixture.py proxy|creds ...")


if __name__ == "__main__":
    main()
