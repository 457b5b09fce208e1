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
      h.assertEmpty(s, 'right after ready');
      assert.equal(await h.previewInk(page), 0, 'the preview is black before drawing');

      const drawn = await h.drawAndSettle(page, h.DIGITS[7]);
      h.assertPrediction(drawn, 'the 7');
      assert.equal(drawn.prediction, '7');
      assert.ok(await h.previewInk(page) > 20, 'the preview shows the drawing');
      await h.screenshot(page, 'cpu-no-adapter.png');

      const cleared = await h.actAndSettle(page, () => page.click('[data-testid="clear"]'));
      h.assertEmpty(cleared, 'after Clear');
      assert.equal(await h.previewInk(page), 0, 'the preview is black after Clear');
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
