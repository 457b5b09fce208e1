// First load and offline use: what comes before data-ready, strokes drawn before it, the
// service worker's offline copy, and a new build taking over. Each test that needs to change
// or stop the site serves its own copy of it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as h from './harness.mjs';

const env = h.perFile({ webgpu: false });

/** What the page fetches before data-ready, as served (gzip), must stay under this. */
const FIRST_LOAD_BUDGET = 1_000_000;
/** The first wasm module alone, gzip -9: burn-ndarray, preprocessing and both models. */
const FIRST_MODULE_BUDGET = 800_000;

/** A copy of the built site (index.html, sw.js, www/, pkg/) in a fresh temporary folder. */
async function siteCopy() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'digits-site-'));
  for (const p of ['index.html', 'sw.js', 'www', 'pkg']) {
    await fs.cp(path.join(h.REPO_ROOT, p), path.join(dir, p), { recursive: true });
  }
  return dir;
}

/** Epoch ms of the page's data-ready mark (the server log's clock). */
const readyAt = (page) => page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('digits:ready')[0].startTime);


describe('first load and offline use', () => {
  test('the first module holds no WebGPU code and stays within its budget', async () => {
    const wasm = await fs.readFile(path.join(h.REPO_ROOT, 'pkg/digits_bg.wasm'));
    const gpu = await fs.readFile(path.join(h.REPO_ROOT, 'pkg/digits_webgpu_bg.wasm'));
    const gz = gzipSync(wasm, { level: 9 }).length;
    assert.ok(gz < FIRST_MODULE_BUDGET, `pkg/digits_bg.wasm is ${gz} bytes gzipped, over ${FIRST_MODULE_BUDGET}: has a dependency brought WebGPU code back?`);
    // Panic messages name their source files. burn's tensor types use two small cubecl
    // utility crates (cubecl-zspace, cubecl-environment); the kernel compiler and wgpu must not
    // be there. The WebGPU module shows that the check can see them.
    for (const name of ['cubecl-core-', 'cubecl-ir-', 'cubecl-runtime-', 'cubecl-wgpu-', 'cubek', 'burn-cubecl', '/wgpu-']) {
      assert.equal(wasm.includes(name), false, `pkg/digits_bg.wasm mentions ${name}`);
      assert.ok(gpu.includes(name), `pkg/digits_webgpu_bg.wasm mentions ${name}`);
    }
  });

  test('before data-ready: under the byte budget as served, and no WebGPU module', () =>
    h.withPage(env.browser, env.server, { name: 'first-load' }, async (ctx) => {
      const from = env.server.log.length;
      await h.openApp(ctx);
      const ready = await readyAt(ctx.page);
      const log = env.server.log.slice(from);
      const before = log.filter((r) => r.at <= ready);
      const bytes = before.reduce((n, r) => n + r.bytes, 0);
      const list = before.map((r) => `${r.path} ${r.bytes}`).join(', ');
      assert.ok(before.some((r) => r.path.endsWith('/pkg/digits_bg.wasm')), `the first module came before data-ready: ${list}`);
      assert.ok(bytes < FIRST_LOAD_BUDGET, `${bytes} bytes before data-ready, over ${FIRST_LOAD_BUDGET}: ${list}`);
      const wasm = before.find((r) => r.path.endsWith('/pkg/digits_bg.wasm'));
      assert.ok(wasm.bytes > 0, 'the wasm was sent compressed, not empty');
      assert.deepEqual(log.filter((r) => r.path.includes('webgpu')), [], 'no WebGPU module without an adapter');
      assert.match((await h.readState(ctx.page)).reason, /adapter/);
    }));

  test('strokes drawn before data-ready are classified once it is reached', () =>
    h.withPage(env.browser, env.server, { name: 'draw-early' }, async (ctx) => {
      const { page, context } = ctx;
      let release;
      const gate = new Promise((r) => { release = r; });
      await context.route('**/pkg/digits_bg.wasm', async (route) => {
        await gate;
        await route.continue();
      });
      await page.goto(ctx.url, { waitUntil: 'domcontentloaded' });
      // The pad takes strokes while the wasm is held back.
      await page.waitForSelector('html[data-drawable="true"]', { state: 'attached', timeout: 30_000 });
      await h.drawMouse(page, h.DIGITS[7]);
      const early = await h.readState(page);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.ready ?? null), null, 'not ready yet');
      h.assertEmpty(early, 'no prediction before the recognizer is up');
      const padInk = await h.padInk(page);
      assert.ok(padInk > 100, 'the stroke is drawn on the pad at once');
      const since = await h.mark(page);
      release();
      await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
      await h.settle(page, since);
      const s = await h.readState(page);
      h.assertPrediction(s, 'the 7 drawn before data-ready');
      assert.equal(s.prediction, '7');
    }));

  test('after one visit the page works offline', async () => {
    const dir = await siteCopy();
    const server = await h.startServer(dir);
    try {
      await h.withPage(env.browser, server, { name: 'offline' }, async (ctx) => {
        const { page, context } = ctx;
        await h.openApp(ctx);
        const caches = await h.serviceWorkerActive(page);
        assert.equal(caches.length, 1, `one cache for this build: ${caches}`);
        // The network is gone: the server stops and the browser goes offline.
        await server.close();
        await context.setOffline(true);
        await page.reload({ waitUntil: 'load' });
        await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
        assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker serves the page');
        const s = await h.drawAndSettle(page, h.DIGITS[7]);
        h.assertPrediction(s, 'the 7, offline');
        assert.equal(s.prediction, '7');
        await context.setOffline(false);
      });
    } finally {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('a new build takes over in one step when the page asks for it', async () => {
    const dir = await siteCopy();
    const server = await h.startServer(dir);
    const stamp = () => execFileSync(process.execPath, [path.join(h.REPO_ROOT, 'scripts/stamp-sw.mjs'), dir], { encoding: 'utf8' });
    const styleOf = (page) => page.evaluate(async () => (await fetch('./www/style.css')).text());
    try {
      await h.withPage(env.browser, server, { name: 'update' }, async (ctx) => {
        const { page } = ctx;
        await h.openApp(ctx);
        const [first] = await h.serviceWorkerActive(page);

        // Deploy build B: a changed file and a newly stamped service worker.
        await fs.appendFile(path.join(dir, 'www/style.css'), '\n/* build B */\n');
        stamp();
        await page.reload({ waitUntil: 'load' });
        await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
        // Still build A, whole: the page came from A's cache, and so do its files.
        assert.doesNotMatch(await styleOf(page), /build B/, 'build A until the page asks for B');
        await page.waitForSelector('[data-testid="update"]', { state: 'visible', timeout: 30_000 });

        await Promise.all([
          page.waitForEvent('load', { timeout: 30_000 }),
          page.click('[data-testid="update"]'),
        ]);
        await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
        assert.match(await styleOf(page), /build B/, 'build B after the update');
        const caches = await h.serviceWorkerActive(page);
        assert.equal(caches.length, 1, `only B's cache is left: ${caches}`);
        assert.notEqual(caches[0], first, 'a new cache for the new build');
        assert.equal(await page.isVisible('[data-testid="update"]'), false, 'no update offered any more');
        const s = await h.drawAndSettle(page, h.DIGITS[1]);
        h.assertPrediction(s, 'the 1 on build B');
        assert.equal(s.prediction, '1');
      });
    } finally {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
