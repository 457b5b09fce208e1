// The app in a Chromium without WebGPU (no --enable-unsafe-webgpu: requestAdapter() gives
// null): it must fall back to the CPU, say why, and still work.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as h from './harness.mjs';

const env = h.perFile({ webgpu: false });

describe('Chromium without WebGPU', () => {
  test('no adapter: the page runs on the CPU and says why', () =>
    h.withPage(env.browser, env.server, { name: 'cpu-no-adapter' }, async (ctx) => {
      const { page } = ctx;
      const from = env.server.log.length;
      await h.openApp(ctx);
      assert.deepEqual(env.server.log.slice(from).filter((r) => r.path.includes('webgpu')), [],
        'a browser without an adapter never downloads the WebGPU module');
      assert.equal(await h.adapterPresent(page), false, 'requestAdapter() should give null without the flag');
      const s = await h.readState(page);
      assert.match(s.backend, /^CPU/, `backend label: ${s.backend}`);
      assert.match(s.reason, /adapter/i, `the reason should mention the missing adapter: ${s.reason}`);
      assert.doesNotMatch(s.reason, /forced/i);
      assert.equal(s.error, null, 'no error box');
      await h.firstSeven(page, 'cpu-no-adapter.png');

      const cleared = await h.actAndSettle(page, () => page.click('[data-testid="clear"]'));
      h.assertEmpty(cleared, 'after Clear');
      assert.equal(await h.previewInk(page), 0, 'the preview is black after Clear');
    }));

  test('a whole number on the CPU: 472 read digit by digit, its middle digit taught, then a single 7 as before', () =>
    h.withPage(env.browser, env.server, { name: 'number-cpu' }, async (ctx) => {
      await h.openApp(ctx);
      assert.match((await h.readState(ctx.page)).backend, /^CPU/);
      await h.writeNumber(ctx.page);
    }));

  test('?backend=webgpu without an adapter still ends up usable on the CPU', () =>
    h.withPage(env.browser, env.server, { query: '?backend=webgpu', name: 'webgpu-requested' }, async (ctx) => {
      await h.openApp(ctx);
      const s = await h.readState(ctx.page);
      assert.match(s.backend, /^CPU/, `backend label: ${s.backend}`);
      assert.match(s.reason, /requested/i, `the reason should say WebGPU was asked for: ${s.reason}`);
      assert.match(s.reason, /adapter/i, `the reason should mention the missing adapter: ${s.reason}`);
      const drawn = await h.drawAndSettle(ctx.page, h.DIGITS[7]);
      h.assertPrediction(drawn, 'the 7');
      assert.equal(drawn.prediction, '7');
    }));
});

describe('unsure answers', () => {
  test('a drawing the model is unsure of reads "X or Y?", then a clear one reads as one digit', () =>
    h.withPage(env.browser, env.server, { name: 'unsure' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      const x = await h.drawAndSettle(page, h.UNSURE_FIVE);
      h.assertPrediction(x, 'the 5 or 6');
      assert.ok(x.unsureBelow >= 0.3 && x.unsureBelow <= 0.95, `threshold from the card: ${x.unsureBelow}`);
      assert.match(x.prediction, /^\d or \d\?$/, `the drawing is answered with two digits: ${x.prediction}`);
      assert.ok(await page.$eval('[data-testid="prediction"]', (e) => e.classList.contains('unsure')));
      await h.screenshot(page, 'unsure.png');
      await h.actAndSettle(page, () => page.keyboard.press('Escape'));
      const seven = await h.drawAndSettle(page, h.DIGITS[7]);
      assert.equal(seven.prediction, '7', 'a clear 7 is one digit again');
      assert.ok(!(await page.$eval('[data-testid="prediction"]', (e) => e.classList.contains('unsure'))));
    }));

  test('in a number, an unsure digit shows both candidates in place; the sure ones do not', () =>
    h.withPage(env.browser, env.server, { name: 'unsure-number' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      // The 5-or-6 on the left, a 7 to its right.
      const place = (strokes, dx, k) => strokes.map((s) => s.map(([x, y]) => [dx + x * k, 0.1 + y * k]));
      await h.drawAndSettle(page, [...place(h.UNSURE_FIVE, -0.15, 0.75), ...place(h.DIGITS[7], 0.5, 0.6)]);
      const digits = await page.$$eval('[data-testid^="digit-"]', (bs) => bs.map((b) => ({
        digit: b.dataset.digit, p: Number(b.dataset.p), alt: b.dataset.alt ?? null, unsure: b.classList.contains('unsure'), label: b.getAttribute('aria-label'),
      })));
      assert.equal(digits.length, 2, JSON.stringify(digits));
      const unsureBelow = (await h.readState(page)).unsureBelow;
      const [x, seven] = digits;
      assert.ok(x.unsure && x.p < unsureBelow, `the 5-or-6 is unsure: ${JSON.stringify(x)}`);
      assert.match(x.alt, /^\d$/);
      assert.notEqual(x.alt, x.digit);
      assert.match(x.label, new RegExp(`${x.digit} or ${x.alt}`));
      assert.deepEqual([seven.digit, seven.unsure, seven.alt], ['7', false, null]);
      const value = await page.$eval('[data-testid="prediction"]', (e) => e.dataset.value);
      assert.equal(value, `${x.digit}7`, 'data-value holds each digit\'s top answer');
    }));
});

describe('not a digit', () => {
  test('a letter and a scribble read "Not a digit" with faded bars and can still be taught; a 7 and a 1 do not', () =>
    h.withPage(env.browser, env.server, { name: 'not-a-digit' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      for (const [name, strokes] of [['a letter W', h.LETTER_W], ['a scribble', h.SCRIBBLE]]) {
        const s = await h.drawAndSettle(page, strokes);
        h.assertPrediction(s, name);
        assert.ok(s.notDigit, `${name} is answered "Not a digit": ${s.prediction}`);
        assert.ok(s.notDigitAbove > 0 && s.notDigitAbove < 1, `threshold from the card: ${s.notDigitAbove}`);
        assert.ok(s.probs.some((p) => p > 0), 'the bars still show what the network thought');
        assert.equal(await page.isDisabled('[data-testid="teach-3"]'), false, 'a rejected drawing can be taught');
        await h.screenshot(page, `not-a-digit-${strokes === h.LETTER_W ? 'letter' : 'scribble'}.png`);
        await h.actAndSettle(page, () => page.keyboard.press('Escape'));
      }
      for (const d of [7, 1]) {
        const s = await h.drawAndSettle(page, h.DIGITS[d]);
        h.assertPrediction(s, `the ${d}`);
        assert.equal(s.notDigit, false, `a drawn ${d} is a digit`);
        assert.equal(s.prediction, String(d));
        await h.actAndSettle(page, () => page.keyboard.press('Escape'));
      }
      // Taught anyway: the person says the W was a 3, and it is kept as a 3.
      await h.drawAndSettle(page, h.LETTER_W);
      await h.actAndSettle(page, () => page.click('[data-testid="teach-3"]'));
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="personal"]').dataset.saved) === 1, null, { timeout: 30_000 });
      assert.deepEqual((await h.storedExamples(page)).map((e) => e.label), [3]);
    }));

  test('in a number, a part that is no digit shows as such and the rest is read', () =>
    h.withPage(env.browser, env.server, { name: 'not-a-digit-number' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      const place = (strokes, dx, k) => strokes.map((s) => s.map(([x, y]) => [dx + x * k, 0.1 + y * k]));
      const s = await h.drawAndSettle(page, [...place(h.DIGITS[7], -0.15, 0.6), ...place(h.LETTER_W, 0.45, 0.6)]);
      assert.equal(s.notDigit, false, 'a number with a digit in it is not "Not a digit" as a whole');
      const parts = await page.$$eval('[data-testid^="digit-"]', (bs) => bs.map((b) => ({
        digit: b.dataset.digit, not: b.dataset.notDigit === 'true', text: b.textContent, label: b.getAttribute('aria-label'),
      })));
      assert.equal(parts.length, 2, JSON.stringify(parts));
      assert.deepEqual([parts[0].digit, parts[0].not, parts[0].text], ['7', false, '7']);
      assert.ok(parts[1].not, `the W is no digit: ${JSON.stringify(parts[1])}`);
      assert.match(parts[1].label, /not a digit/);
      // Selected (the newest part), its bars are faded; the 7's are not.
      assert.equal((await h.readState(page)).faded, true);
      await h.actAndSettle(page, () => page.click('[data-testid="digit-0"]'));
      assert.equal((await h.readState(page)).faded, false);
    }));

  test('the article\'s model never answers "Not a digit", and the page says so', () =>
    h.withPage(env.browser, env.server, { query: '?model=seed', name: 'not-a-digit-seed' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      const s = await h.drawAndSettle(page, h.SCRIBBLE);
      h.assertPrediction(s, 'a scribble on the seed model');
      assert.equal(s.notDigit, false);
      assert.equal(s.notDigitAbove, null);
      assert.match(s.accuracy, /does not answer "Not a digit"/);
    }));
});

describe('models', () => {
  test('?model= picks the model, and the picker switches it and re-reads the drawing', () =>
    h.withPage(env.browser, env.server, { query: '?model=seed', name: 'models' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      const names = await page.$$eval('[data-testid="model"] option', (os) => os.map((o) => o.value));
      assert.deepEqual(names.sort(), ['seed', 'web']);
      assert.equal(await page.inputValue('[data-testid="model"]'), 'seed');
      const seedAccuracy = (await h.readState(page)).accuracy;
      const seven = await h.drawAndSettle(page, h.DIGITS[7]);
      h.assertPrediction(seven, 'the 7 on seed');
      assert.equal(seven.prediction, '7');

      const switched = await h.actAndSettle(page, () => page.selectOption('[data-testid="model"]', 'web'));
      assert.equal(new URL(page.url()).searchParams.get('model'), 'web', 'the URL names the new model');
      assert.notEqual(switched.accuracy, seedAccuracy, 'the accuracy line is the new model\'s');
      const figures = '^[\\d.]+% of 17,500 MNIST test digits; [\\d.]+% of the same digits redrawn as pen strokes; [\\d.]+% of 3,498 digits by 14 real writers with a pen; [\\d.]+% of 1,497 digits by writers outside MNIST on scanned forms; [\\d.]+% of our own generated styles; ';
      assert.match(seedAccuracy, new RegExp(`${figures}it does not answer "Not a digit" \\(the article's recipe, kept exact\\)$`));
      assert.match(switched.accuracy, new RegExp(`${figures}"Not a digit" for [\\d.]+% of drawings of kinds it never trained on, [\\d.]+% of letters by real writers it never trained on, and for [\\d.]+% of the redrawn digits$`));
      h.assertPrediction(switched, 'the same 7 on web');
      assert.equal(switched.prediction, '7');
      assert.notDeepEqual(switched.probs, seven.probs, 'the drawing was read again by the new model');
      assert.match(switched.backend, /^CPU/);
    }));
});
