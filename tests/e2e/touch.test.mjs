// Drawing with a finger on a phone-sized page (touch events from CDP, hasTouch + isMobile):
// touches must become pointer events on the pad, and the page must not scroll while drawing.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as h from './harness.mjs';

const env = h.perFile({ webgpu: true });

const scrollY = (page) => page.evaluate(() => window.scrollY);
const pointerLog = (page) => page.evaluate(() => window.__e2e.pointer.splice(0));

describe('touch on a phone', () => {
  test('a finger draws a 7 without scrolling the page', () =>
    h.withPage(env.browser, env.server, { phone: true, name: 'touch-phone' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      const layout = await page.evaluate(() => ({
        touch: navigator.maxTouchPoints,
        coarse: matchMedia('(pointer: coarse)').matches,
        width: innerWidth,
        dpr: devicePixelRatio,
        scrollable: document.documentElement.scrollHeight - innerHeight,
      }));
      assert.ok(layout.touch > 0 && layout.coarse, `a touch device: ${JSON.stringify(layout)}`);
      assert.equal(layout.width, h.PHONE.width);
      assert.ok(layout.scrollable > 0, `the phone page is taller than the screen, so it could scroll: ${JSON.stringify(layout)}`);
      h.assertEmpty(await h.readState(page), 'right after ready');

      const y0 = await scrollY(page);
      await pointerLog(page);
      const drawn = await h.drawAndSettle(page, h.DIGITS[7], 'touch');
      const events = await pointerLog(page);
      assert.equal(await scrollY(page), y0, 'drawing must not scroll the page');
      assert.equal(await page.evaluate(() => window.__e2e.scrolls), 0, 'no scroll events while drawing');

      const types = (t) => events.filter((e) => e.type === t);
      assert.ok(types('pointerdown').length === 1 && types('pointerdown')[0].pointerType === 'touch',
        `one touch pointerdown: ${JSON.stringify(types('pointerdown'))}`);
      assert.ok(types('pointermove').length > 10 && types('pointermove').every((e) => e.pointerType === 'touch'),
        `touch pointermoves: ${types('pointermove').length}`);
      assert.equal(types('pointerup').length, 1, 'one pointerup');
      assert.deepEqual(types('pointercancel'), [], 'the browser must not cancel the stroke (it would, to scroll)');

      h.assertPrediction(drawn, 'the touch-drawn 7');
      assert.equal(drawn.prediction, '7');
      assert.ok(await h.previewInk(page) > 20, 'the preview shows the drawing');
      await h.screenshot(page, 'touch-phone.png');

      // Two more strokes with the finger: a 1 after Clear (tapped with the finger).
      const cleared = await h.actAndSettle(page, () => h.tap(page, '[data-testid="clear"]'));
      h.assertEmpty(cleared, 'after tapping Clear');
      const one = await h.drawAndSettle(page, h.DIGITS[1], 'touch');
      h.assertPrediction(one, 'the touch-drawn 1');
      assert.equal(await scrollY(page), y0, 'drawing must not scroll the page');
    }));

  test('control: the same swipe outside the pad does scroll the page', () =>
    h.withPage(env.browser, env.server, { phone: true, name: 'touch-scroll-control' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      // The header above the pad: a plain part of the page.
      const head = await page.locator('header').boundingBox();
      const x = head.x + head.width / 2;
      const y0 = await scrollY(page);
      await h.swipe(page, [x, head.y + head.height - 4], [x, head.y + 4]);
      await page.waitForFunction((y0) => window.scrollY > y0, y0, { timeout: 5_000 })
        .catch(() => assert.fail('a swipe outside the pad should scroll the page (the touch events would not reach the compositor otherwise)'));
    }));
});
