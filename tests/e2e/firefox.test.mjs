// The page in Firefox (Debian's firefox-esr), through the same harness as Chromium (puppeteer-core
// over WebDriver BiDi; see harness.mjs). Firefox has no WebGPU on Linux, so this is the CPU path
// end to end, plus on-device learning and the service worker.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import * as h from './harness.mjs';

const env = h.perFile({ firefox: true });
const withFirefoxPage = (server, name, fn) => h.withPage(env.browser, server, { name: `firefox-${name}` }, fn);
const openApp = h.openApp;

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

  test('a whole number: 472 read digit by digit, its middle digit taught, then a single 7 as before', () =>
    withFirefoxPage(env.server, 'number', async (ctx) => {
      await openApp(ctx);
      await h.writeNumber(ctx.page, { check: assertFirefoxPrediction });
    }));

  test('corrections teach it a style, kept over a reload (module worker, IndexedDB)', () =>
    withFirefoxPage(env.server, 'learn', async ({ page, ...ctx }) => {
      await openApp({ page, ...ctx });
      // Five, as in Chromium's test: three are enough to start a fine-tune, but with run 17's
      // weights (#37) three of these drawings make one that would lose 1.2 points on MNIST, and
      // the page rightly refuses it (`learn::MAX_MNIST_DROP`).
      // From the third correction on a fine-tune may already be in use when the next drawing is
      // read (a fast machine), and it may read the style right: only what the shipped model read
      // (no examples learned, checked after the answer came) must be a misreading.
      for (const seed of [1, 2, 3, 4, 5]) {
        const s = await h.drawAndSettle(page, h.arabicSeven(seed));
        const examples = await page.evaluate(
          () => Number(document.querySelector('[data-testid="personal"]').dataset.examples ?? 0));
        if (seed <= 3 || examples === 0) {
          assert.notEqual(s.prediction[0], '7', `the shipped model misreads Arabic 7 #${seed}: ${s.prediction}`);
        }
        await h.actAndSettle(page, () => page.click('[data-testid="teach-7"]'));
      }
      const learned = '[data-testid="personal"][data-examples="5"][data-training="false"]';
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
        await h.serviceWorkerActive(page);
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
