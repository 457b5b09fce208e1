#!/usr/bin/env python3
"""Static file server for the digits web app: python's http.server with the MIME types a wasm
app needs pinned (so /etc/mime.types cannot change them) and caching off, so a reload always
picks up a fresh build."""

import argparse
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",  # needed by WebAssembly.instantiateStreaming
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".html": "text/html",
        ".css": "text/css",
    }

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--directory", default=".")
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    args = parser.parse_args()

    if args.quiet:
        Handler.log_message = lambda self, *a: None
    handler = functools.partial(Handler, directory=args.directory)
    with http.server.ThreadingHTTPServer((args.bind, args.port), handler) as httpd:
        host, port = httpd.server_address[:2]
        print(f"Serving {args.directory} at http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
