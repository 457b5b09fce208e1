#!/usr/bin/env python3
"""Static file server for the digits web app, serving as GitHub Pages does: gzip for every
compressible file when the browser accepts it, the MIME types a wasm app needs pinned (so
/etc/mime.types cannot change them), and `Cache-Control: no-cache` with an ETag made from the
file's content, so a reload revalidates (a 304 costs nothing) and always picks up a fresh build,
even one written within the same second as the last (which a Last-Modified date cannot tell)."""

import argparse
import functools
import gzip
import hashlib
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
    # content digest -> gzip bytes: each version of a file is compressed once.
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
        if not os.path.isfile(path):
            return super().send_head()  # its 404
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            self.send_error(404, "File not found")
            return None
        ext = os.path.splitext(path)[1].lower()
        gz = ext in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
        digest = hashlib.sha256(data).hexdigest()[:32]
        # The gzipped body is another representation: another tag.
        etag = f'"{digest}-gzip"' if gz else f'"{digest}"'
        if etag in _tags(self.headers.get("If-None-Match", "")) or self.headers.get("If-None-Match") == "*":
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        body = self._gzipped(digest, data) if gz else data
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        if gz:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        return _Bytes(body)

    @classmethod
    def _gzipped(cls, digest, data):
        with cls._gzip_lock:
            body = cls._gzip_cache.get(digest)
        if body is None:
            body = gzip.compress(data, compresslevel=9, mtime=0)
            with cls._gzip_lock:
                if len(cls._gzip_cache) > 256:
                    cls._gzip_cache.clear()
                cls._gzip_cache[digest] = body
        return body


def _tags(header):
    """The entity tags of an If-None-Match header (weak ones compared as strong: W/ dropped)."""
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


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
