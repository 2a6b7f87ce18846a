#!/usr/bin/env python3
"""listen.py: the servers the attacks reach, inside the suite's network
namespace, so that an attack that is not stopped succeeds as it would
against the real thing (and the suite can tell it from one the sensor
stopped).

  listen.py READYFILE ADDR:PORT:KIND...

KIND http: reads the request head and answers 200 with a line naming the
address (the fake instance metadata and task credentials services, a mining
pool's port).
KIND hangup: accepts and closes at once (a reverse shell's listener that
gives the shell nothing to run). Writes READYFILE once every socket
listens; SIGTERM stops it with exit status 0. Standard library only.
"""
import os
import signal
import socket
import sys
import threading


def serve(sock, kind, name):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=answer, args=(conn, kind, name), daemon=True).start()


def answer(conn, kind, name):
    with conn:
        if kind == "hangup":
            return
        conn.settimeout(2)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        body = f"listen.py {name}: ok\n".encode()
        try:
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body) + body)
        except OSError:
            pass


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    for spec in argv[2:]:
        addr, port, kind = spec.rsplit(":", 2)
        if kind not in ("http", "hangup"):
            print(f"listen.py: {spec}: KIND is http or hangup", file=sys.stderr)
            return 2
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((addr, int(port)))
        sock.listen(64)
        threading.Thread(target=serve, args=(sock, kind, f"{addr}:{port}"),
                         daemon=True).start()
    tmp = f"{argv[1]}.tmp"
    with open(tmp, "w") as f:
        f.write("ready\n")
    os.rename(tmp, argv[1])
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
