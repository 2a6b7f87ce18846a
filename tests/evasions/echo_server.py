#!/usr/bin/env python3
"""echo_server.py: the loopback listener of tests/suite-evasions.sh.

  echo_server.py READY_FILE PORT...
      Echoes every TCP connection and every UDP datagram on 127.0.0.1 at
      each PORT (3333 is a mining-pool port the rules deny; another one is
      the near misses' benign port); writes READY_FILE once all listen.
      The attacks send a random token and want it back. Runs until killed.
"""
import socket
import socketserver
import sys
import threading


class TCPEcho(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(10)
        try:
            while True:
                data = self.request.recv(4096)
                if not data:
                    return
                self.request.sendall(data)
        except OSError:
            return


class UDPEcho(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data, self.client_address)


class TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    servers = []
    for port in map(int, argv[2:]):
        servers.append(TCPServer(("127.0.0.1", port), TCPEcho))
        servers.append(socketserver.ThreadingUDPServer(("127.0.0.1", port), UDPEcho))
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    with open(argv[1], "w") as f:
        f.write("ready\n")
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
