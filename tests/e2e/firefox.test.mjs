// The page in Firefox (Debian's firefox-esr), driven over WebDriver BiDi with puppeteer-core:
// Playwright drives only its own patched Firefox builds, which would have to be downloaded.
// Firefox has no WebGPU on Linux, so this is the CPU path end to end, plus the service worker.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import * as h from './harness.mjs';

export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const env = { server: null, browser: null };

before(async () => {
  env.server = await h.startServer();
  env.browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // No calls home on this closed network.
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
});

after(async () => {
  await env.browser?.close();
  await env.server?.close();
});

/** Like h.withPage, for Puppeteer: a fresh browser context, problems recorded and asserted. */
async function withFirefoxPage(server, name, fn) {
  const context = await env.browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(h.DESKTOP);
  await page.evaluateOnNewDocument(h.pageProbe);
  const problems = [];
  const consoleLog = [];
  page.on('console', (m) => {
    consoleLog.push(`[${m.type()}] ${m.text()}`);
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.origin !== server.origin) problems.push(`foreign request: ${r.url()}`);
    else if (!u.pathname.startsWith(h.PREFIX)) problems.push(`request outside ${h.PREFIX}: ${r.url()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const ctx = { page, server, url: server.url() };
  try {
    await fn(ctx);
    assert.deepEqual(problems, [], 'the page should run without errors or foreign requests');
  } catch (err) {
    const state = await h.readState(page).catch(() => '(unavailable)');
    err.message += `\n--- Firefox, ${name}\nstate: ${JSON.stringify(state)}\nproblems: ${JSON.stringify(problems, null, 1)}\nconsole:\n${consoleLog.join('\n') || '(empty)'}`;
    throw err;
  } finally {
    await context.close().catch(() => {});
  }
}

async function openApp({ page, url }) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  await page.waitForSelector('html[data-backend-settled="true"]', { timeout: 30_000 });
}

/** Firefox's performance.now() is coarse (1 ms here), so a sub-millisecond latency may read 0. */
function assertFirefoxPrediction(state, label) {
  h.assertPrediction({ ...state, latency: String(Number(state.latency) || 0.001) }, label);
  assert.match(state.latency, /^\d+(\.\d+)?$/, `latency text (${label})`);
}

describe('Firefox', () => {
  test('the page starts on the CPU, says why, and loads nothing of WebGPU or from elsewhere', () =>
    withFirefoxPage(env.server, 'start', async (ctx) => {
      const from = env.server.log.length;
      await openApp(ctx);
      const s = await h.readState(ctx.page);
      assert.equal(s.backend, 'CPU');
      assert.match(s.reason, /WebGPU/, `the reason names what is missing: ${s.reason}`);
      assert.doesNotMatch(s.reason, /\([^)]*\(/, `no nested parentheses: ${s.reason}`);
      assert.equal(s.error, null);
      h.assertEmpty(s, 'right after ready');
      assert.deepEqual(env.server.log.slice(from).filter((r) => r.path.includes('webgpu')), [], 'no WebGPU module');
    }));

  test('drawing with the mouse gives live predictions; Clear, Escape, Undo and Ctrl+Z', () =>
    withFirefoxPage(env.server, 'draw', async ({ page, ...ctx }) => {
      await openApp({ page, ...ctx });
      const since = await h.mark(page);
      const seven = await h.drawAndSettle(page, h.DIGITS[7]);
      assertFirefoxPrediction(seven, 'the 7');
      assert.ok(seven.updates - since >= 3, `live: the bars moved while the 7 was drawn (${seven.updates - since} updates)`);
      assert.equal(seven.prediction, '7');
      assert.ok(await h.previewInk(page) > 20, 'the preview shows the drawing');

      for (const [how, action] of [
        ['Ctrl+Z', async () => {
          await page.keyboard.down('Control');
          await page.keyboard.press('z');
          await page.keyboard.up('Control');
        }],
        ['Undo button', () => page.click('[data-testid="undo"]')],
      ]) {
        const more = await h.drawAndSettle(page, [h.EXTRA_STROKE]);
        assert.notDeepEqual(more.probs, seven.probs, 'the extra stroke changes the probabilities');
        const undone = await h.actAndSettle(page, action);
        assert.equal(undone.prediction, '7', `after ${how}`);
        h.assertClose(undone.probs, seven.probs, 1e-6, `probabilities after ${how}`);
      }
      // Undoing the only stroke left empties the page: no prediction on an empty pad.
      h.assertEmpty(await h.actAndSettle(page, () => page.click('[data-testid="undo"]')), 'after undoing every stroke');
      for (const [how, action] of [
        ['Clear button', () => page.click('[data-testid="clear"]')],
        ['Escape key', () => page.keyboard.press('Escape')],
      ]) {
        const one = await h.drawAndSettle(page, h.DIGITS[1]);
        assert.equal(one.prediction, '1', `the 1 before the ${how}`);
        h.assertEmpty(await h.actAndSettle(page, action), `after the ${how}`);
        assert.equal(await h.previewInk(page), 0, `the preview is black after the ${how}`);
      }
    }));

  test('corrections teach it a style, kept over a reload (module worker, IndexedDB)', () =>
    withFirefoxPage(env.server, 'learn', async ({ page, ...ctx }) => {
      await openApp({ page, ...ctx });
      for (const seed of [1, 2, 3]) {
        const s = await h.drawAndSettle(page, h.arabicSeven(seed));
        assert.notEqual(s.prediction[0], '7', `the shipped model misreads Arabic 7 #${seed}: ${s.prediction}`);
        await h.actAndSettle(page, () => page.click('[data-testid="teach-7"]'));
      }
      const learned = '[data-testid="personal"][data-examples="3"][data-training="false"]';
      await page.waitForSelector(learned, { timeout: 60_000 });
      const check = async () => {
        const s = await h.drawAndSettle(page, h.arabicSeven(101));
        assert.equal(s.prediction[0], '7', `a new drawing of the style: ${s.prediction}`);
        await h.actAndSettle(page, () => page.click('[data-testid="clear"]'));
      };
      await check();
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
      await page.waitForSelector(learned, { timeout: 30_000 });
      await check();
    }));

  test('after one visit, an offline reload still works', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'digits-ff-'));
    for (const p of ['index.html', 'sw.js', 'www', 'pkg']) {
      await fs.cp(path.join(h.REPO_ROOT, p), path.join(dir, p), { recursive: true });
    }
    const server = await h.startServer(dir);
    try {
      await withFirefoxPage(server, 'offline', async ({ page, ...ctx }) => {
        await openApp({ page, ...ctx });
        await page.evaluate(async () => {
          const w = (await navigator.serviceWorker.ready).active;
          if (w.state !== 'activated') await new Promise((r) => w.addEventListener('statechange', () => w.state === 'activated' && r()));
        });
        await server.close();
        await page.reload({ waitUntil: 'load' });
        await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
        assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'served by the service worker');
        const s = await h.drawAndSettle(page, h.DIGITS[7]);
        assertFirefoxPrediction(s, 'the 7, offline');
        assert.equal(s.prediction, '7');
      });
    } finally {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
