// scripts/serve.py, the server `scripts/serve.sh` runs: a file rewritten within the same second
// (same size, so neither a Last-Modified date nor a length could tell) is never answered "not
// modified"; an unchanged one is, gzipped or not.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from './harness.mjs';

let server;
let dir;
let origin;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'serve-'));
  server = spawn('python3', [path.join(REPO_ROOT, 'scripts/serve.py'), '--port', '0', '--quiet', '--directory', dir]);
  origin = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/[\d.]+:\d+/);
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`serve.py exited with ${code}: ${out}`)));
  });
});

after(async () => {
  server?.kill();
  await fs.rm(dir, { recursive: true, force: true });
});

async function get(name, headers = {}) {
  const r = await fetch(`${origin}/${name}`, { headers });
  return { status: r.status, etag: r.headers.get('etag'), encoding: r.headers.get('content-encoding'), body: await r.text() };
}

describe('scripts/serve.py', () => {
  for (const [name, gzip] of [['app.js', true], ['picture.png', false]]) {
    test(`${name}: revalidation by content, not by time (${gzip ? 'gzipped' : 'as is'})`, async () => {
      const file = path.join(dir, name);
      await fs.writeFile(file, 'build one');
      const headers = { 'accept-encoding': 'gzip' };
      const first = await get(name, headers);
      assert.equal(first.status, 200);
      assert.equal(first.body, 'build one');
      assert.equal(first.encoding, gzip ? 'gzip' : null);
      assert.match(first.etag ?? '', /^"[0-9a-f]{32}(-gzip)?"$/);
      const same = await get(name, { ...headers, 'if-none-match': first.etag });
      assert.equal(same.status, 304, 'unchanged: not modified');

      // Rewritten at once with the same length and the same modification time.
      const { mtime } = await fs.stat(file);
      await fs.writeFile(file, 'build two');
      await fs.utimes(file, mtime, mtime);
      const next = await get(name, { ...headers, 'if-none-match': first.etag, 'if-modified-since': new Date(mtime.getTime() + 5000).toUTCString() });
      assert.equal(next.status, 200, 'a rewritten file is sent again');
      assert.equal(next.body, 'build two');
      assert.notEqual(next.etag, first.etag);
    });
  }

  test('a missing file is a 404', async () => {
    assert.equal((await get('nothing-here.js')).status, 404);
  });
});
