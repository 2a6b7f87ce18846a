#!/usr/bin/env python3
"""blob_server.py: TEST FIXTURE standing in for the object store (S3) that
ECR and Docker Hub redirect blob downloads to. No S3 runs here; the
registries that redirect to this server are the real docker-registry, with
its `redirect` storage middleware, so the 307 and its Location are real.

It serves the registries' filesystem storage read-only over HTTPS. Like S3
with a presigned URL, it answers 400 to any request that carries an
Authorization header: a client that forwards the registry's credentials
across the redirect fails here just as it would against ECR.

Behaviour depends on the Host the client asked for (both names reach this
one socket):

  localhost:PORT   strict: 400 if Authorization is present, else the file
  127.0.0.1:PORT   flaky: the first GET of each path since the last
                   GET /_reset answers 503, later ones serve the file (for
                   the client's one retry on 5xx)

Every request is appended to --log as one JSON line.

Usage: blob_server.py --root DIR --port-file F --cert C --key K --log F
"""
import argparse
import http.server
import json
import os
import sys
import threading
import urllib.parse

from tls_server import TLSServer, serve


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, ctype="application/xml"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def record(self, status):
        srv = self.server
        line = json.dumps({"method": self.command, "host": self.headers.get("Host"),
                           "path": self.path,
                           "authorization": "Authorization" in self.headers,
                           "status": status})
        with srv.lock, open(srv.log, "a") as f:
            f.write(line + "\n")

    def do_GET(self):
        srv = self.server
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_reset":
            with srv.lock:
                srv.failed.clear()
            self.record(200)
            return self.reply(200, b"reset\n", "text/plain")
        if "Authorization" in self.headers:
            self.record(400)
            return self.reply(400, b"<Error><Code>InvalidArgument</Code><Message>"
                              b"Only one auth mechanism allowed; only the "
                              b"X-Amz-Algorithm query parameter, Signature query "
                              b"string parameter or the Authorization header "
                              b"should be specified</Message></Error>")
        host = (self.headers.get("Host") or "").split(":")[0]
        if host == "127.0.0.1":
            with srv.lock:
                first = path not in srv.failed
                srv.failed.add(path)
            if first:
                self.record(503)
                return self.reply(503, b"<Error><Code>SlowDown</Code>"
                                  b"<Message>Please reduce your request rate.</Message></Error>")
        full = os.path.realpath(os.path.join(srv.root, path.lstrip("/")))
        if not full.startswith(srv.root + os.sep) or not os.path.isfile(full):
            self.record(404)
            return self.reply(404, b"<Error><Code>NoSuchKey</Code></Error>")
        with open(full, "rb") as f:
            data = f.read()
        self.record(200)
        self.reply(200, data, "application/octet-stream")

    do_HEAD = do_GET



def main():
    ap = argparse.ArgumentParser()
    for a in ("root", "port-file", "cert", "key", "log"):
        ap.add_argument("--" + a, required=True)
    cfg = ap.parse_args()
    srv = TLSServer(Handler, cfg.cert, cfg.key)
    srv.root = os.path.realpath(cfg.root)
    srv.log = cfg.log
    srv.lock = threading.Lock()
    srv.failed = set()
    return serve(srv, cfg.port_file)


if __name__ == "__main__":
    sys.exit(main())
