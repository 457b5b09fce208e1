// The app in a Chromium with WebGPU (SwiftShader): backend choice, drawing with the mouse,
// clear / Escape / undo / Ctrl+Z, and agreement between the WebGPU and the CPU backend.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as h from './harness.mjs';

const env = h.perFile({ webgpu: true });

describe('Chromium with WebGPU', () => {
  test('an adapter exists, the page picks WebGPU and starts empty', () =>
    h.withPage(env.browser, env.server, { name: 'webgpu-start' }, async ({ page, ...ctx }) => {
      const from = env.server.log.length;
      await h.openApp({ page, ...ctx });
      // The WebGPU module comes only after the page took drawings on the CPU.
      const ready = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('digits:ready')[0].startTime);
      const gpuFetches = env.server.log.slice(from).filter((r) => r.path.includes('/pkg/digits_webgpu'));
      assert.deepEqual([...new Set(gpuFetches.map((r) => r.path.replace(/.*\//, '')))].sort(), ['digits_webgpu.js', 'digits_webgpu_bg.wasm']);
      for (const r of gpuFetches) assert.ok(r.at >= ready, `${r.path} was requested ${ready - r.at} ms before data-ready`);
      assert.equal(await h.adapterPresent(page), true, 'navigator.gpu.requestAdapter() should give an adapter with --enable-unsafe-webgpu');
      const s = await h.readState(page);
      assert.match(s.backend, /^WebGPU/, `backend label: ${s.backend}`);
      assert.equal(s.reason, '', 'no fallback reason on WebGPU');
      assert.match(s.accuracy, /% of [\d,]+ MNIST test digits/);
      await h.firstSeven(page, 'webgpu.png');
    }));

  test('?backend=cpu forces the CPU even with an adapter', () =>
    h.withPage(env.browser, env.server, { query: '?backend=cpu', name: 'cpu-forced' }, async (ctx) => {
      const from = env.server.log.length;
      await h.openApp(ctx);
      assert.deepEqual(env.server.log.slice(from).filter((r) => r.path.includes('webgpu')), [],
        'the WebGPU module is never requested with ?backend=cpu');
      const s = await h.readState(ctx.page);
      assert.match(s.backend, /^CPU/, `backend label: ${s.backend}`);
      assert.match(s.reason, /forced/i, `the reason should say the CPU was forced: ${s.reason}`);
      h.assertEmpty(s, 'right after ready');
      const drawn = await h.drawAndSettle(ctx.page, h.DIGITS[7]);
      h.assertPrediction(drawn, 'the 7 on the CPU');
      assert.equal(drawn.prediction, '7');
      await h.screenshot(ctx.page, 'cpu-forced.png');
    }));

  test('Clear button and Escape key empty the pad and the result', () =>
    h.withPage(env.browser, env.server, { name: 'clear' }, async ({ page, ...ctx }) => {
      await h.openApp({ page, ...ctx });
      for (const [how, action] of [
        ['Clear button', () => page.click('[data-testid="clear"]')],
        ['Escape key', () => page.keyboard.press('Escape')],
      ]) {
        const drawn = await h.drawAndSettle(page, h.DIGITS[1]);
        h.assertPrediction(drawn, `the 1 before the ${how}`);
        assert.ok(await h.previewInk(page) > 0, 'the preview shows the drawing');
        const cleared = await h.actAndSettle(page, action);
        h.assertEmpty(cleared, `after the ${how}`);
        assert.equal(await h.previewInk(page), 0, `the preview is black after the ${how}`);
        const padInk = await h.padInk(page);
        assert.equal(padInk, 0, `the pad canvas is blank after the ${how}`);
      }
    }));

  test('Ctrl+Z and the Undo button remove the last stroke', () =>
    h.withPage(env.browser, env.server, { name: 'undo' }, async ({ page, ...ctx }) => {
      await h.openApp({ page, ...ctx });
      const seven = await h.drawAndSettle(page, h.DIGITS[7]);
      h.assertPrediction(seven, 'the 7');
      for (const [how, action] of [
        ['Ctrl+Z', () => page.keyboard.press('Control+z')],
        ['Undo button', () => page.click('[data-testid="undo"]')],
      ]) {
        const more = await h.drawAndSettle(page, [h.EXTRA_STROKE]);
        h.assertPrediction(more, `the 7 with an extra stroke, before ${how}`);
        assert.notDeepEqual(more.probs, seven.probs, 'the extra stroke changes the probabilities');
        const undone = await h.actAndSettle(page, action);
        h.assertPrediction(undone, `after ${how}`);
        assert.equal(undone.prediction, seven.prediction);
        h.assertClose(undone.probs, seven.probs, 1e-6, `probabilities after ${how} vs the 7 alone`);
      }
      // Undoing the only stroke empties the page.
      const empty = await h.actAndSettle(page, () => page.keyboard.press('Control+z'));
      h.assertEmpty(empty, 'after undoing every stroke');
      assert.equal(await h.previewInk(page), 0, 'the preview is black after undoing every stroke');
    }));

  test('WebGPU and ?backend=cpu agree on the same strokes', async () => {
    // Two pages side by side, same viewport, so the same mouse path gives the same strokes.
    await h.withPage(env.browser, env.server, { name: 'agree-webgpu' }, (gpu) =>
      h.withPage(env.browser, env.server, { query: '?backend=cpu', name: 'agree-cpu' }, async (cpu) => {
        await Promise.all([h.openApp(gpu), h.openApp(cpu)]);
        assert.match((await h.readState(gpu.page)).backend, /^WebGPU/);
        assert.match((await h.readState(cpu.page)).backend, /^CPU/);
        for (const digit of [7, 1, 0]) {
          // Each page has its own mouse: draw on both at once.
          const [a, b] = await Promise.all([gpu, cpu].map((p) => h.drawAndSettle(p.page, h.DIGITS[digit])));
          h.assertPrediction(a, `${digit} on WebGPU`);
          h.assertPrediction(b, `${digit} on the CPU`);
          assert.deepEqual(await h.previewPixels(gpu.page), await h.previewPixels(cpu.page),
            `both pages should see the same 28x28 input for the ${digit}`);
          assert.equal(a.prediction, b.prediction, `top class for the ${digit}`);
          h.assertClose(a.probs, b.probs, 1e-4, `WebGPU vs CPU probabilities for the ${digit}`);
          // The recipes are recognised with near certainty by the shipped model.
          assert.equal(a.prediction, String(digit), `the ${digit} recipe`);
          await Promise.all([gpu, cpu].map((p) => h.actAndSettle(p.page, () => p.page.keyboard.press('Escape'))));
        }
        // "Not a digit" comes from the same eleventh output on both. A W is wide and read
        // unsurely: each of its frames is read again with the halves of its cuts (18 images),
        // 100-300 ms on SwiftShader's WebGPU; settling waits for its last frame's answer
        // (html[data-reading]).
        const [a, b] = await Promise.all([gpu, cpu].map((p) => h.drawAndSettle(p.page, h.LETTER_W)));
        h.assertPrediction(a, 'a W on WebGPU');
        assert.deepEqual([a.notDigit, b.notDigit], [true, true], 'a W is no digit on either backend');
        h.assertClose(a.probs, b.probs, 1e-4, 'WebGPU vs CPU probabilities for the W');
      }));
  });
  test('a whole number on WebGPU: 472 read digit by digit, its middle digit taught, then a single 7 as before', () =>
    h.withPage(env.browser, env.server, { name: 'number-webgpu' }, async (ctx) => {
      await h.openApp(ctx);
      assert.match((await h.readState(ctx.page)).backend, /^WebGPU/);
      await h.writeNumber(ctx.page, { shot: 'number.png' });
    }));

  test('WebGPU failing mid-session (as a lost device would) hands the page to the CPU', () =>
    h.withPage(env.browser, env.server, { name: 'webgpu-lost' }, async (ctx) => {
      const { page, context } = ctx;
      // The worker's WebGPU recognizer starts as usual, then every prediction fails.
      await context.route('**/www/gpu-worker.js', async (route) => {
        const response = await route.fetch();
        const body = `${await response.text()}\nops.classify = async () => { throw new Error('GPU device lost (simulated)'); };\n`;
        await route.fulfill({ response, body });
      });
      await h.openApp(ctx);
      assert.match((await h.readState(page)).backend, /^WebGPU/, 'the check itself still passes');
      const drawn = await h.drawAndSettle(page, h.DIGITS[7]);
      assert.match(drawn.backend, /^CPU/, `backend label after the failure: ${drawn.backend}`);
      assert.match(drawn.reason, /during inference.*device lost \(simulated\)/, `reason: ${drawn.reason}`);
      assert.equal(drawn.error, null, 'no error box: the CPU took over');
      h.assertPrediction(drawn, 'the 7, answered by the CPU');
      assert.equal(drawn.prediction, '7');
    }));

  test('a WebGPU worker that hangs in a prediction is stopped; the CPU answers, saying why', () =>
    h.withPage(env.browser, env.server, { query: '?test-timeout=2000', name: 'webgpu-hang' }, async (ctx) => {
      const { page, context } = ctx;
      // The worker's WebGPU recognizer starts as usual, then spins in every prediction.
      await context.route('**/www/gpu-worker.js', async (route) => {
        const response = await route.fetch();
        const body = `${await response.text()}\nops.classify = () => { for (;;); };\n`;
        await route.fulfill({ response, body });
      });
      await h.openApp(ctx);
      assert.match((await h.readState(page)).backend, /^WebGPU/);
      const drawn = await h.drawAndSettle(page, h.DIGITS[7]);
      assert.match(drawn.backend, /^CPU/, `backend label after the hang: ${drawn.backend}`);
      assert.match(drawn.reason, /during inference.*the WebGPU worker went 2 s without answering classify/, `reason: ${drawn.reason}`);
      assert.equal(drawn.error, null, 'no error box: the CPU took over');
      assert.equal(drawn.prediction, '7');
      await h.actAndSettle(page, () => page.click('[data-testid="clear"]'));
      const next = await h.drawAndSettle(page, h.DIGITS[1]);
      assert.equal(next.prediction, '1', 'later drawings are read too');
    }));

  test('a WebGPU worker that cannot start leaves the page on the CPU, saying why', () =>
    h.withPage(env.browser, env.server, { name: 'webgpu-worker-broken' }, async (ctx) => {
      const { page, context } = ctx;
      await context.route('**/www/gpu-worker.js', (route) =>
        route.fulfill({ contentType: 'text/javascript', body: "throw new Error('worker broken (simulated)');" }));
      await h.openApp(ctx);
      const s = await h.readState(page);
      assert.match(s.backend, /^CPU/, `backend label: ${s.backend}`);
      assert.match(s.reason, /WebGPU failed while starting.*worker/, `reason: ${s.reason}`);
      assert.equal(s.error, null, 'no error box');
      const drawn = await h.drawAndSettle(page, h.DIGITS[1]);
      h.assertPrediction(drawn, 'the 1 on the CPU');
      assert.equal(drawn.prediction, '1');
    }));
  test('a personal model runs on WebGPU too, and over a reload', () =>
    h.withPage(env.browser, env.server, { name: 'webgpu-personal' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      const taught = [1, 2, 3];
      for (const seed of taught) {
        const s = await h.drawAndSettle(page, h.arabicSeven(seed));
        assert.notEqual(s.prediction[0], '7', `the shipped model misreads Arabic 7 #${seed}: ${s.prediction}`);
        await h.actAndSettle(page, () => page.click('[data-testid="teach-7"]'));
      }
      const learned = '[data-testid="personal"][data-examples="3"][data-training="false"]';
      await page.waitForSelector(learned, { state: 'attached', timeout: 60_000 });
      const check = async () => {
        const s = await h.drawAndSettle(page, h.arabicSeven(101));
        assert.match(s.backend, /^WebGPU/, `the personal model stays on WebGPU: ${s.backend} ${s.reason}`);
        assert.equal(s.prediction[0], '7', `a new drawing of the style: ${s.prediction}`);
        await h.actAndSettle(page, () => page.click('[data-testid="clear"]'));
      };
      await check();
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('html[data-backend-settled="true"]', { state: 'attached', timeout: 30_000 });
      await page.waitForSelector(learned, { state: 'attached', timeout: 30_000 });
      await check();
    }));
});
