#!/usr/bin/env python3
"""Static file server for the digits web app, serving as GitHub Pages does: gzip for every
compressible file when the browser accepts it, the MIME types a wasm app needs pinned (so
/etc/mime.types cannot change them), and `Cache-Control: no-cache` with Last-Modified, so a
reload revalidates (a 304 costs nothing) and always picks up a fresh build."""

import argparse
import email.utils
import functools
import gzip
import http.server
import os
import sys
import threading

COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".wasm", ".txt", ".ts"}


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
    # (path, mtime, size) -> gzip bytes: each file is compressed once per version.
    _gzip_cache: dict = {}
    _gzip_lock = threading.Lock()

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if not self.path.split("?", 1)[0].endswith("/") or not os.path.isfile(index):
                return super().send_head()  # redirects and listings as usual
            path = index
        ext = os.path.splitext(path)[1].lower()
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if ext not in COMPRESSIBLE or not accepts or not os.path.isfile(path):
            return super().send_head()
        try:
            st = os.stat(path)
            body = self._gzipped(path, st)
        except OSError:
            self.send_error(404, "File not found")
            return None
        last_modified = self.date_time_string(int(st.st_mtime))
        since = self.headers.get("If-Modified-Since")
        if since and "If-None-Match" not in self.headers:
            try:
                if int(st.st_mtime) <= email.utils.parsedate_to_datetime(since).timestamp():
                    self.send_response(304)
                    self.send_header("Last-Modified", last_modified)
                    self.send_header("Vary", "Accept-Encoding")
                    self.end_headers()
                    return None
            except (TypeError, ValueError, OverflowError, IndexError):
                pass
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        return _Bytes(body)

    @classmethod
    def _gzipped(cls, path, st):
        key = (path, st.st_mtime_ns, st.st_size)
        with cls._gzip_lock:
            body = cls._gzip_cache.get(key)
        if body is None:
            with open(path, "rb") as f:
                body = gzip.compress(f.read(), compresslevel=9, mtime=0)
            with cls._gzip_lock:
                cls._gzip_cache = {k: v for k, v in cls._gzip_cache.items() if k[0] != path}
                cls._gzip_cache[key] = body
        return body


class _Bytes:
    """What send_head returns for copyfile(): a readable body, closed after sending."""

    def __init__(self, data):
        self._data = data

    def read(self, size=-1):
        data, self._data = (self._data, b"") if size < 0 else (self._data[:size], self._data[size:])
        return data

    def close(self):
        self._data = b""


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
