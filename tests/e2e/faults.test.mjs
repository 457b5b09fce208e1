// Nothing a person taught is ever lost, and the page never gets stuck: two tabs teaching at
// once, undo and reset while a fine-tune runs, a hung learning worker, damaged stored records,
// and an update while another tab has a drawing. (A hung WebGPU worker: webgpu.test.mjs.)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import * as h from './harness.mjs';

const env = h.perFile({ webgpu: false });

/** The personal line's state: saved examples, examples of the model in use, training, text. */
async function personal(page) {
  return page.$eval('[data-testid="personal"]', (el) => ({
    saved: Number(el.dataset.saved ?? 0),
    examples: Number(el.dataset.examples ?? 0),
    training: el.dataset.training === 'true',
    text: el.textContent.replace(/\s+/g, ' ').trim(),
  }));
}

/** Waits until `saved` examples are stored, `inUse` of them in the model in use, none training. */
async function settled(page, saved, inUse, timeout = 60_000) {
  await page.waitForSelector(
    `[data-testid="personal"][data-saved="${saved}"][data-examples="${inUse}"][data-training="false"]`,
    { state: 'attached', timeout },
  ).catch(async (e) => {
    throw new Error(`${e.message}\npersonal line: ${JSON.stringify(await personal(page))}`);
  });
}

/** Draws an Eastern Arabic 7 and corrects the answer to 7. */
async function teachSeven(page, seed) {
  const s = await h.drawAndSettle(page, h.arabicSeven(seed));
  h.assertPrediction(s, `drawing #${seed}`);
  await h.actAndSettle(page, () => page.click('[data-testid="teach-7"]'));
}

/** The web model's stored record, read straight from IndexedDB (undefined if none). */
const stored = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const open = indexedDB.open('digits-personal');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const req = open.result.transaction('models').objectStore('models').get('web');
    req.onsuccess = () => {
      const r = req.result;
      open.result.close();
      resolve(r && { examples: r.examples.length, weights: r.weights ? r.weights.length : null, rev: r.rev, learnedRev: r.learned?.rev ?? null });
    };
    req.onerror = () => reject(req.error);
  };
}));

/** Writes `record` as the web model's stored record (`pixels: 'ok'` stands for a sound image). */
const store = (page, record) => page.evaluate((r) => new Promise((resolve, reject) => {
  const open = indexedDB.open('digits-personal');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('models', 'readwrite');
    const examples = Array.isArray(r.examples)
      ? r.examples.map((e) => ({ ...e, pixels: e.pixels === 'ok' ? new Uint8Array(784).fill(200) : e.pixels }))
      : r.examples;
    const models = tx.objectStore('models');
    // Without a base of its own, the record keeps the stored one (this build's).
    models.get('web').onsuccess = (ev) => models.put({ base: ev.target.result?.base, ...r, examples });
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
}), record);

/** Reloads the page; a download the reload cut off (the learning module, say) is not a fault. */
async function reopen(page, problems = []) {
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
  for (let i = problems.length - 1; i >= 0; i--) if (/^request failed: .*net::ERR_ABORTED/.test(problems[i])) problems.splice(i, 1);
}

/** A second page in `ctx`'s browser context, opened on the app, failing the test on its errors. */
async function secondPage(ctx) {
  const page = await ctx.context.newPage();
  page.on('pageerror', (e) => ctx.problems.push(`second page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && ctx.problems.push(`second page console error: ${m.text()}`));
  await page.goto(ctx.url, { waitUntil: 'load' });
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
  return page;
}

describe('nothing taught is lost', () => {
  test('two tabs teaching at once keep every example of both; a reset in one shows in the other', () =>
    h.withPage(env.browser, env.server, { query: '?backend=cpu', name: 'two-tabs' }, async (ctx) => {
      const a = ctx.page;
      await h.openApp(ctx);
      const b = await secondPage(ctx);
      await settled(b, 0, 0, 15_000);
      // Interleaved, and the last two at the same moment.
      await teachSeven(a, 1);
      await teachSeven(b, 2);
      await teachSeven(a, 3);
      await Promise.all([teachSeven(a, 4), teachSeven(b, 5)]);
      await settled(a, 5, 5);
      await settled(b, 5, 5);
      const record = await stored(a);
      assert.equal(record.examples, 5, 'all five examples are stored');
      assert.equal(record.learnedRev, record.rev, 'the stored personal model learned from all five');
      // The tab that did not run the last fine-tune uses its result too.
      assert.match((await personal(b)).text, /learned from 5 of your examples/);

      await a.click('[data-testid="reset-personal"]');
      await settled(a, 0, 0, 15_000);
      await settled(b, 0, 0, 15_000);
      assert.equal(await stored(a), undefined);
      // A correction in the other tab after the reset starts afresh, and is not undone by the first.
      await teachSeven(b, 6);
      await settled(a, 1, 0, 15_000);
      await b.close();
    }));

  test('undo and reset while a fine-tune runs: its result, learned from the old list, is not kept', () =>
    h.withPage(env.browser, env.server, { query: '?backend=cpu', name: 'undo-during-tune' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      for (const seed of [1, 2]) await teachSeven(page, seed);
      await teachSeven(page, 3);
      await page.waitForSelector('[data-testid="personal"][data-training="true"]', { state: 'attached', timeout: 15_000 });
      await page.click('[data-testid="undo-teach"]'); // a mis-tap, taken back while it learns
      await settled(page, 2, 0);
      let record = await stored(page);
      assert.deepEqual([record.examples, record.weights], [2, null], 'nothing learned from the undone example is stored');

      for (const seed of [4, 5]) await teachSeven(page, seed);
      await settled(page, 4, 4);
      await teachSeven(page, 6);
      await page.waitForSelector('[data-testid="personal"][data-training="true"]', { state: 'attached', timeout: 15_000 });
      await page.click('[data-testid="reset-personal"]');
      await settled(page, 0, 0);
      // Give the cut-off fine-tune time to end: its result must not bring anything back.
      await page.waitForTimeout(3000);
      assert.equal(await stored(page), undefined, 'a reset during a fine-tune stays a reset');
      await reopen(page, ctx.problems);
      await settled(page, 0, 0, 15_000);
    }));

  test('a fine-tune cut off by a reload is run again when the page comes back', () =>
    h.withPage(env.browser, env.server, { query: '?backend=cpu', name: 'cut-off-tune' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      for (const seed of [1, 2, 3]) await teachSeven(page, seed);
      await page.waitForSelector('[data-testid="personal"][data-training="true"]', { state: 'attached', timeout: 15_000 });
      await reopen(page, ctx.problems);
      await settled(page, 3, 3);
      const record = await stored(page);
      assert.equal(record.learnedRev, record.rev);
    }));

  test('a hung learning worker is stopped and replaced, the page says so and keeps working', () =>
    h.withPage(env.browser, env.server, { query: '?backend=cpu&test-timeout=1500', name: 'learn-hang' }, async (ctx) => {
      const { page, context } = ctx;
      // A worker that fetches the module as usual, then spins in every fine-tune.
      await context.route('**/www/learn-worker.js', async (route) => {
        const response = await route.fetch();
        const body = `${await response.text()}\nconst real = self.onmessage;\n` +
          'self.onmessage = (ev) => { if (!ev.data.warm) for (;;); return real(ev); };\n';
        await route.fulfill({ response, body });
      });
      await h.openApp(ctx);
      for (const seed of [1, 2, 3]) await teachSeven(page, seed);
      await page.waitForFunction(() => /Learning failed again/.test(document.querySelector('[data-testid="personal"]').textContent),
        null, { timeout: 30_000 });
      const p = await personal(page);
      assert.match(p.text, /the learning worker went 2 s without answering a fine-tune and was stopped/, p.text);
      assert.equal(p.saved, 3, 'the examples are kept');
      assert.equal(p.training, false);
      const s = await h.drawAndSettle(page, h.DIGITS[1]);
      assert.equal(s.prediction, '1', 'the page still reads drawings');
      assert.equal((await stored(page)).examples, 3);
    }));

  test('a correction tapped before the personal models are loaded is kept', () =>
    h.withPage(env.browser, env.server, { query: '?backend=cpu', name: 'early-teach' }, async (ctx) => {
      const { page, context } = ctx;
      let release;
      const gate = new Promise((r) => { release = r; });
      await context.route('**/www/personal.js', async (route) => {
        await gate;
        await route.continue();
      });
      await page.goto(ctx.url, { waitUntil: 'load' });
      await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
      await teachSeven(page, 1);
      assert.equal(await h.padInk(page), 0, 'the pad is cleared for the next drawing');
      release();
      await settled(page, 1, 0, 15_000);
      assert.equal((await stored(page)).examples, 1);
    }));

  test('damaged stored records are refused with a reason; what is sound is kept', () =>
    h.withPage(env.browser, env.server, { query: '?backend=cpu', name: 'bad-records' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      await settled(page, 0, 0, 15_000);
      const ok = { pixels: 'ok', label: 7 };
      const cases = [
        [{ examples: [ok, ok, { pixels: new Uint8Array(10), label: 7 }, { pixels: 'ok', label: 12 }, { label: 3 }] },
          2, /3 examples without a 28x28 image or a digit label/],
        [{ examples: 'not a list' }, 0, /its examples are not a list/],
        [{ examples: Array.from({ length: 5000 }, () => ok) }, 50, /5000 examples, more than the 50 kept/],
        [{ examples: [ok, ok, ok], weights: 'not bytes', learned: { examples: 3 } }, 3, /personal weights are not a weights file/],
      ];
      for (const [record, saved, why] of cases) {
        await store(page, { model: 'web', base: 'x', rev: 'r', weights: null, learned: null, ...record });
        await reopen(page, ctx.problems);
        await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="personal"]').textContent),
          why.source, { timeout: 15_000 }).catch(async (e) => {
          throw new Error(`${e.message}: ${JSON.stringify(await personal(page))}`);
        });
        const p = await personal(page);
        assert.match(p.text, /damaged and is not used/, p.text);
        assert.equal(p.saved, saved, p.text);
        assert.equal((await h.readState(page)).error, null);
      }
      // Personal weights the wasm refuses (not a weights file): the shipped model, and a reason.
      await store(page, { model: 'web', rev: 'r', tried: 'r', examples: [], weights: new Uint8Array([1, 2, 3]), learned: { rev: 'r', examples: 3, ms: 1, scores: { own: { before: 0, after: 3 }, holdout: { before: 9, after: 9, total: 10 } } } });
      await reopen(page, ctx.problems);
      await page.waitForFunction(() => /personal model could not be loaded \(.*burnpack/.test(document.querySelector('[data-testid="personal"]').textContent),
        null, { timeout: 15_000 });
      await settled(page, 0, 0, 15_000);
      assert.equal((await stored(page)).weights, null, 'the refused weights are dropped from storage');
      const s = await h.drawAndSettle(page, h.DIGITS[7]);
      assert.equal(s.prediction, '7', 'the shipped model reads it');
    }));

  test('an update waits for a tab with a drawing on its pad', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'digits-site-'));
    for (const p of ['index.html', 'sw.js', 'www', 'pkg']) await fs.cp(path.join(h.REPO_ROOT, p), path.join(dir, p), { recursive: true });
    const server = await h.startServer(dir);
    try {
      await h.withPage(env.browser, server, { query: '?backend=cpu', name: 'update-busy' }, async (ctx) => {
        const { page } = ctx;
        await h.openApp(ctx);
        await h.serviceWorkerActive(page);
        await page.reload({ waitUntil: 'load' }); // now controlled by the service worker
        await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
        const busy = await secondPage(ctx);
        const drawn = await h.drawAndSettle(busy, h.DIGITS[7]);
        assert.equal(drawn.prediction, '7');
        await busy.evaluate(() => { window.__sameDocument = true; });

        await fs.appendFile(path.join(dir, 'www/style.css'), '\n/* build B */\n');
        execFileSync(process.execPath, [path.join(h.REPO_ROOT, 'scripts/stamp-sw.mjs'), dir]);
        await page.reload({ waitUntil: 'load' });
        await page.waitForSelector('[data-testid="update"]', { state: 'visible', timeout: 30_000 });
        await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.click('[data-testid="update"]')]);

        // The busy tab kept its drawing and asks before reloading.
        await busy.waitForSelector('[data-testid="update"]', { state: 'visible', timeout: 30_000 });
        assert.equal(await busy.evaluate(() => window.__sameDocument), true, 'the busy tab was not reloaded');
        assert.ok(await h.padInk(busy) > 100, 'its drawing is still on the pad');
        assert.equal((await h.readState(busy)).prediction, '7');
        assert.match(await busy.textContent('#update'), /in use in another tab/);
        await Promise.all([busy.waitForEvent('load', { timeout: 30_000 }), busy.click('[data-testid="update"]')]);
        await busy.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 30_000 });
        await busy.close();
      });
    } finally {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
