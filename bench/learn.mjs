// On-device learning in headless Chromium (CPU, no WebGPU), through the page's own path: a
// record of N examples (the Eastern Arabic 7 of tests/e2e) is put in the page's IndexedDB as if made
// for another build, so the reload fine-tunes on all of them in the learning worker. Meanwhile
// the bench draws on the pad. Prints, for N = 5, 20, 50: the worker's fine-tune time, the wall
// time from reload to the personal model in use, the longest main-thread task while it ran, and
// how many predictions the pad made meanwhile; the baseline is one prediction's latency,
// measured in the same page.
//   node bench/learn.mjs          (after scripts/build.sh; prints numbers, asserts nothing)
// Target (issue #13): a fine-tune on up to 50 examples in < 2 s on the CPU here, and no
// main-thread task over 50 ms while it runs.
import { chromium } from 'playwright-core';
import * as h from '../tests/e2e/harness.mjs';

const server = await h.startServer();
const browser = await h.launch({ webgpu: false });
const context = await browser.newContext({ viewport: h.DESKTOP });
await context.addInitScript(h.pageProbe);
await context.addInitScript(() => {
  window.__bench = { long: [], flips: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.long.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('DOMContentLoaded', () => {
    const el = document.querySelector('[data-testid="personal"]');
    new MutationObserver(() => window.__bench.flips.push([performance.now(), el.dataset.training]))
      .observe(el, { attributes: true, attributeFilter: ['data-training'] });
  });
});
const page = await context.newPage();
await page.goto(server.url('?backend=cpu'));
await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });

// Baseline: one prediction, preprocessing included, as the page shows it (mean of 10).
for (let i = 0; i < 3; i++) {
  await h.drawAndSettle(page, h.DIGITS[7]);
  await h.actAndSettle(page, () => page.click('[data-testid="clear"]'));
}
const predictMs = Number((await h.readState(page)).latency);

const SIDE = 420;
const example = (seed) => {
  const strokes = h.arabicSeven(seed).map((s) => s.map(([x, y]) => [x * SIDE, y * SIDE]));
  return { xy: strokes.flat(2), ends: strokes.map((_, i) => strokes.slice(0, i + 1).flat().length) };
};

console.log(`baseline: one prediction ${predictMs.toFixed(2)} ms (preprocessing + CPU inference, mean of 10)`);
console.log('examples | fine-tune (worker) | reload -> personal model in use | longest main-thread task while learning | predictions meanwhile');
for (const n of [5, 20, 50]) {
  const drawings = Array.from({ length: n }, (_, i) => example(1000 + i));
  await page.evaluate(async ({ drawings, brush }) => {
    const mod = await import('./pkg/digits.js');
    const examples = drawings.map(({ xy, ends }) => {
      const image = mod.preprocess(new Float32Array(xy), new Uint32Array(ends), brush);
      return { pixels: Uint8Array.from(image, (v) => Math.round(v * 255)), label: 7 };
    });
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('digits-personal', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('models', { keyPath: 'model' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction('models', 'readwrite');
      // Made for another build ("base"): the page learns them again when it opens.
      tx.objectStore('models').put({ model: 'web', base: 'bench', examples, weights: null, learned: null });
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, { drawings, brush: 0.055 * SIDE });
  const t0 = Date.now();
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });
  await page.waitForSelector('[data-testid="personal"][data-training="true"]', { state: 'attached', timeout: 30_000 });
  const updatesBefore = await h.mark(page);
  // Draw while it learns, as a person would.
  let drawing = true;
  const scribble = (async () => {
    while (drawing) {
      await h.drawMouse(page, h.DIGITS[0]);
      await page.click('[data-testid="clear"]');
    }
  })();
  await page.waitForSelector(`[data-testid="personal"][data-examples="${n}"][data-training="false"]`, { state: 'attached', timeout: 120_000 });
  const wall = Date.now() - t0;
  drawing = false;
  await scribble;
  const updates = (await h.mark(page)) - updatesBefore;
  const { ms, longest } = await page.evaluate(() => {
    const { long, flips } = window.__bench;
    const start = flips.find(([, v]) => v === 'true')?.[0] ?? 0;
    const end = flips.findLast(([, v]) => v === 'false')?.[0] ?? performance.now();
    const during = long.filter(([t, d]) => t + d >= start && t <= end).map(([, d]) => d);
    return {
      ms: Number(document.querySelector('[data-testid="personal"]').dataset.learnMs),
      longest: during.length ? Math.max(...during) : 0,
    };
  });
  console.log(`${String(n).padStart(8)} | ${(ms / 1000).toFixed(2)} s (${(ms / predictMs).toFixed(0)}x one prediction) | ${(wall / 1000).toFixed(2)} s | ${longest ? `${longest.toFixed(0)} ms` : 'none over 50 ms'} | ${updates}`);
}
await browser.close();
await server.close();
