#!/usr/bin/env python3
"""metadata_server.py: a fixture ECS task metadata endpoint (v4) for the
shell test suites. There is no ECS agent on a test machine; this answers the
two documents the sensor reads, in the shape Fargate sends them.

  metadata_server.py PORTFILE [--task-json F] [--container-json F]
                     [--status N]

Binds 127.0.0.1 on a free port and writes the port to PORTFILE (whole, by a
rename, so a reader that polls for the file never sees half of it). Point
ECS_CONTAINER_METADATA_URI_V4 at http://127.0.0.1:PORT/v4/<anything>:

  GET /v4/<anything>        the container JSON (--container-json, else a
                            built-in container "app")
  GET /v4/<anything>/task   the task JSON (--task-json, else a built-in
                            Fargate task: cluster falcon-test, family
                            falcon-app, revision 7, us-east-1a)
  anything else             404

The files are sent as they are, so a test can serve broken JSON on purpose.
--status N answers every request with status N instead. Each request's path
is logged to stderr as "metadata_server: GET PATH -> STATUS". SIGTERM (or
SIGINT) stops it with exit status 0. Python 3 standard library only.
"""
import argparse
import http.server
import json
import os
import signal
import sys

TASK_ID = "0123456789abcdef0123456789abcdef"
CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/falcon-test"
TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/falcon-test/" + TASK_ID
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-app:latest"
FALCON_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-container:latest"


def labels(name):
    return {
        "com.amazonaws.ecs.cluster": CLUSTER,
        "com.amazonaws.ecs.container-name": name,
        "com.amazonaws.ecs.task-arn": TASK_ARN,
        "com.amazonaws.ecs.task-definition-family": "falcon-app",
        "com.amazonaws.ecs.task-definition-version": "7",
    }


def container(name, docker_id, image, status, exit_code=None):
    c = {
        "DockerId": f"{TASK_ID}-{docker_id}",
        "Name": name,
        "DockerName": name,
        "Image": image,
        "ImageID": "sha256:" + "ab" * 32,
        "Labels": labels(name),
        "DesiredStatus": status,
        "KnownStatus": status,
        "Limits": {"CPU": 2},
        "CreatedAt": "2024-01-01T00:00:05.123456789Z",
        "StartedAt": "2024-01-01T00:00:05.223456789Z",
        "Type": "NORMAL",
        "Networks": [{
            "NetworkMode": "awsvpc",
            "IPv4Addresses": ["10.0.1.23"],
            "AttachmentIndex": 0,
            "MACAddress": "0a:1b:2c:3d:4e:5f",
            "IPv4SubnetCIDRBlock": "10.0.1.0/24",
            "DomainNameServers": ["10.0.0.2"],
            "DomainNameSearchList": ["ec2.internal"],
            "PrivateDNSName": "ip-10-0-1-23.ec2.internal",
            "SubnetGatewayIpv4Address": "10.0.1.1/24",
        }],
        "ContainerARN": "arn:aws:ecs:us-east-1:123456789012:container/falcon-test/"
                        f"{TASK_ID}/{docker_id}",
        "LogDriver": "awslogs",
        "Snapshotter": "overlayfs",
    }
    if exit_code is not None:
        c["ExitCode"] = exit_code
    return c


APP = container("app", "1234567890", IMAGE, "RUNNING")
INIT = container("crowdstrike-falcon-init-container", "2345678901", FALCON_IMAGE,
                 "STOPPED", exit_code=0)

TASK = {
    "Cluster": CLUSTER,
    "TaskARN": TASK_ARN,
    "Family": "falcon-app",
    "Revision": "7",
    "DesiredStatus": "RUNNING",
    "KnownStatus": "RUNNING",
    "Limits": {"CPU": 0.25, "Memory": 512},
    "PullStartedAt": "2024-01-01T00:00:01.123456789Z",
    "PullStoppedAt": "2024-01-01T00:00:04.123456789Z",
    "AvailabilityZone": "us-east-1a",
    "Containers": [INIT, APP],
    "LaunchType": "FARGATE",
    "ClockDrift": {
        "ClockErrorBound": 0.5458234999999999,
        "ReferenceTimestamp": "2024-01-01T00:10:00Z",
        "ClockSynchronizationStatus": "SYNCHRONIZED",
    },
    "EphemeralStorageMetrics": {"Utilized": 261, "Reserved": 20496},
}


class Handler(http.server.BaseHTTPRequestHandler):
    # Answers in HTTP/1.0 with a Content-Length, as the agent does for
    # short replies; the connection closes after each.
    protocol_version = "HTTP/1.0"
    server_version = "metadata_server"

    def version_string(self):
        return self.server_version

    def do_GET(self):
        cfg = self.server.cfg
        path = self.path
        if cfg.status is not None:
            status, body = cfg.status, json.dumps(
                {"error": f"fixture answers {cfg.status}"}).encode()
        elif path.startswith("/v4/") and len(path) > len("/v4/"):
            rest = path[len("/v4/"):]
            if rest.endswith("/task") and len(rest) > len("/task"):
                status, body = 200, cfg.task
            else:
                status, body = 200, cfg.container
        else:
            status, body = 404, b"404 page not found\n"
        print(f"metadata_server: GET {path} -> {status}", file=sys.stderr, flush=True)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass  # do_GET logs the one line that tests read


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("portfile")
    ap.add_argument("--task-json", help="file served as the task document")
    ap.add_argument("--container-json", help="file served as the container document")
    ap.add_argument("--status", type=int, help="answer every request with this status")
    args = ap.parse_args()
    if args.status is not None and not 100 <= args.status <= 599:
        ap.error("--status must be from 100 to 599")
    args.task = read_file(args.task_json) if args.task_json else \
        json.dumps(TASK, indent=4).encode()
    args.container = read_file(args.container_json) if args.container_json else \
        json.dumps(APP, indent=4).encode()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.cfg = args

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tmp = f"{args.portfile}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(tmp, args.portfile)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
