// The page in Safari's engine: WebKitGTK's MiniBrowser driven by WebKitWebDriver (W3C
// WebDriver) on a virtual display. WebKit has no WebGPU here, so the page runs on the CPU; what
// is checked is where WebKit differs from the other two engines: WebAssembly, module workers,
// IndexedDB, Pointer Events (mouse and touch), the service worker, and the layout at a laptop's
// and a phone's size (the other sizes: layout.test.mjs).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as h from './harness.mjs';
import { MINIBROWSER, Session, startDriver } from './webdriver.mjs';

const available = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v WebKitWebDriver && command -v xvfb-run'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let server;
let driver;
before(async () => {
  if (!available) return;
  server = await h.startServer();
  driver = await startDriver();
});
after(async () => {
  driver?.close();
  await server?.close();
});

/** Everything the tests read from the page. */
const state = () => {
  const q = (s) => document.querySelector(`[data-testid="${s}"]`);
  const p = q('personal');
  return {
    ready: document.documentElement.dataset.ready === 'true',
    settled: document.documentElement.dataset.backendSettled === 'true',
    prediction: q('prediction').textContent,
    probs: Array.from({ length: 10 }, (_, d) => Number(q(`prob-${d}`).dataset.p)),
    latency: q('latency-ms').textContent,
    backend: q('backend').textContent,
    reason: q('backend-reason').textContent,
    error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
    examples: Number(p.dataset.examples ?? 0),
    saved: Number(p.dataset.saved ?? 0),
    training: p.dataset.training === 'true',
  };
};

/** A fresh MiniBrowser on the app; `fn(s)`; then it is closed. */
async function withSession(fn, query = '') {
  const s = await Session.start(driver);
  try {
    await s.go(server.url(query));
    await ready(s);
    await fn(s);
    assert.equal((await s.run(state)).error, null, 'no error shown');
  } finally {
    await s.quit();
  }
}

async function ready(s) {
  await s.until(() => document.documentElement.dataset.backendSettled === 'true', { what: 'data-backend-settled' });
}

/** The state once the page shows a prediction that no longer changes and no drawing waits
 * for its answer (html[data-reading]). */
async function prediction(s) {
  let last = null;
  return s.until(async () => {
    const q = (id) => document.querySelector(`[data-testid="${id}"]`).textContent;
    await new Promise((r) => setTimeout(r, 150));
    const answered = !document.documentElement.hasAttribute('data-reading');
    return answered && q('prediction') !== '' ? q('prediction') + q('latency-ms') : null;
  }, { what: 'a prediction' }).then(async function settle(seen) {
    if (seen === last) return s.run(state);
    last = seen;
    await new Promise((r) => setTimeout(r, 300));
    const now = await s.run(() => {
      const q = (id) => document.querySelector(`[data-testid="${id}"]`).textContent;
      return q('prediction') + q('latency-ms');
    });
    return settle(now);
  });
}

async function emptied(s) {
  return s.until(() => document.querySelector('[data-testid="prediction"]').textContent === '', { what: 'an empty answer' });
}

/**
 * A MiniBrowser whose viewport is `width` x `height`: started without its toolbar
 * (--full-screen, which on Xvfb's bare display hides the toolbar and keeps the window's size), so
 * that its window is its viewport and a phone's width is possible (the toolbar keeps a window at
 * least 447 px wide).
 */
async function sizedSession(width, height) {
  const r = await fetch(`${driver.url}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation', '--full-screen'] } } } }),
  });
  const { value } = await r.json();
  if (!r.ok) throw new Error(`WebDriver new session: ${value?.error}: ${value?.message}`);
  const s = new Session(driver.url, value.sessionId);
  await s.cmd('POST', '/window/rect', { width, height });
  const viewport = await s.run(() => [document.documentElement.clientWidth, innerHeight]);
  assert.deepEqual(viewport, [width, height], 'the viewport is the window');
  return s;
}

describe('WebKitGTK (Safari\'s engine)', { skip: !available && 'WebKitWebDriver or xvfb-run is not installed' }, () => {
  test('starts on the CPU saying why; mouse and touch drawing; clear, Escape, undo, Ctrl+Z; only site requests', async () => {
    const from = server.log.length;
    await withSession(async (s) => {
      let st = await s.run(state);
      assert.equal(st.backend, 'CPU');
      assert.match(st.reason, /navigator\.gpu is missing|no WebGPU adapter/);
      assert.equal(st.prediction, '', 'nothing before drawing');
      assert.equal(st.error, null);

      await s.draw(h.DIGITS[7]);
      st = await prediction(s);
      assert.equal(st.prediction, '7');
      assert.ok(Math.abs(st.probs.reduce((a, b) => a + b, 0) - 1) < 1e-3, `${st.probs}`);
      assert.ok(Number(st.latency) > 0);
      await s.click('[data-testid="clear"]');
      await emptied(s);

      await s.draw(h.DIGITS[1], 'touch');
      assert.equal((await prediction(s)).prediction, '1', 'a touch drawing');
      await s.keys('Escape');
      await emptied(s);

      // Two strokes: undo takes the second away, Ctrl+Z the first.
      await s.draw(h.DIGITS[1]);
      await prediction(s);
      await s.draw([h.EXTRA_STROKE]);
      await prediction(s);
      await s.click('[data-testid="undo"]');
      assert.equal((await prediction(s)).prediction, '1', 'undo leaves the 1');
      await s.keys('Control', 'z');
      await emptied(s);
      // Requests to other origins never reach the test server: the page's own resource list.
      const site = server.url('').replace(/\?.*$/, '');
      const fetched = await s.run(() => performance.getEntriesByType('resource').map((e) => e.name));
      assert.ok(fetched.some((u) => u.endsWith('/pkg/digits_bg.wasm')), `the list sees the page's own files: ${fetched}`);
      assert.deepEqual(fetched.filter((u) => !u.startsWith(site)), [], 'no request to another origin');
    });
    const bad = server.log.slice(from).filter((r) => !r.path.startsWith(h.PREFIX) || r.method !== 'GET' || r.status >= 400);
    assert.deepEqual(bad, [], 'only GETs of the site\'s files');
  });

  test('teaching it a style (module worker, IndexedDB), kept over a reload', () =>
    withSession(async (s) => {
      for (const seed of [1, 2, 3]) {
        await s.draw(h.arabicSeven(seed));
        await prediction(s);
        await s.click('[data-testid="teach-7"]');
        await emptied(s);
      }
      await s.until(() => {
        const p = document.querySelector('[data-testid="personal"]');
        return p.dataset.examples === '3' && p.dataset.training === 'false';
      }, { timeout: 90_000, what: 'a personal model learned from 3 examples' });
      await s.reload();
      await ready(s);
      await s.until(() => document.querySelector('[data-testid="personal"]').dataset.examples === '3',
        { what: 'the personal model after a reload' });
      const st = await s.run(state);
      assert.equal(st.saved, 3);
      assert.equal(st.error, null);
    }, '?backend=cpu'));

  test('after one visit it works offline (service worker)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'digits-site-'));
    for (const p of ['index.html', 'sw.js', 'www', 'pkg']) await fs.cp(path.join(h.REPO_ROOT, p), path.join(dir, p), { recursive: true });
    const own = await h.startServer(dir);
    const s = await Session.start(driver);
    try {
      await s.go(own.url('?backend=cpu'));
      await ready(s);
      await s.until(async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        return reg?.active?.state === 'activated';
      }, { what: 'an active service worker' });
      await own.close();
      await s.reload();
      await ready(s);
      assert.equal(await s.run(() => !!navigator.serviceWorker.controller), true, 'the service worker serves the page');
      await s.draw(h.DIGITS[7]);
      assert.equal((await prediction(s)).prediction, '7', 'a 7, with the server gone');
    } finally {
      await s.quit();
      await own.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('the pad, the answer and all ten bars in view after drawing, at a laptop\'s and a phone\'s size', async () => {
    for (const [width, height, pointer] of [[1366, 768, 'mouse'], [390, 844, 'touch']]) {
      const s = await sizedSession(width, height);
      try {
        await s.go(server.url());
        await ready(s);
        await s.draw(h.DIGITS[7], pointer);
        assert.equal((await prediction(s)).prediction, '7');
        const shot = path.join(h.RESULTS_DIR, 'layout', `webkit-${width}x${height}.png`);
        await fs.mkdir(path.dirname(shot), { recursive: true });
        await fs.writeFile(shot, Buffer.from(await s.cmd('GET', '/screenshot'), 'base64'));
        h.assertInView(await s.run(h.layoutBoxes), `WebKit ${width}x${height}`);
      } finally {
        await s.quit();
      }
    }
  });

  test('the first predictions\' latency, as shown (WebAssembly tiers up)', () =>
    withSession(async (s) => {
      const shown = [];
      for (let i = 0; i < 6; i++) {
        await s.draw(h.DIGITS[7]);
        shown.push(Number((await prediction(s)).latency));
        await s.click('[data-testid="clear"]');
        await emptied(s);
      }
      console.log(`WebKitGTK latency shown for six drawings (ms): ${shown.join(', ')}`);
      assert.ok(shown.every((ms) => ms > 0));
    }));
});
