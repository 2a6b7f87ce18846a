"""tls_server.py: the threaded HTTPS server under the test fixtures
(token_server.py, blob_server.py), and how they announce their port."""

import http.server
import os
import ssl
import sys


class TLSServer(http.server.ThreadingHTTPServer):
    """Serves handler on 127.0.0.1 with a free port, over TLS."""

    daemon_threads = True

    def __init__(self, handler, cert, key):
        super().__init__(("127.0.0.1", 0), handler)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the request's own thread, so a client
        # that connects and stalls cannot block everyone else.
        request.settimeout(30)
        with self.ctx.wrap_socket(request, server_side=True) as tls:
            super().finish_request(tls, client_address)

    def handle_error(self, request, client_address):
        print("%s: request from %s failed: %s"
              % (os.path.basename(sys.argv[0]), client_address[0],
                 sys.exc_info()[1]), file=sys.stderr)


def serve(srv, port_file):
    """Writes the port to port_file atomically (the suite waits for the
    file), then serves until interrupted."""
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
