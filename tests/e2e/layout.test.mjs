// The answer in sight while drawing: at laptop, desktop, tablet and phone sizes the pad, the
// answer and all ten bars lie inside the viewport once a 7 is drawn, nothing scrolled (the
// answer panel beside the pad on wide screens, the bars as ten columns under it on phones), in
// Chromium and in Firefox; WebKit at one laptop and one phone size is in webkit.test.mjs. The
// pad stays large, the controls below the fold stay reachable, and dark mode keeps the answer
// legible. Each size's view (what is on screen, unscrolled) goes to test-results/layout/;
// docs/layout-laptop.png and docs/layout-phone.png are its chromium-1366x768.png and
// chromium-390x844.png.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as h from './harness.mjs';

/** The sizes the layout keeps the answer in view at: laptops and a desktop (the answer panel
 * beside the pad), an upright tablet and two phones (the answer and the bars under the pad). */
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1280, height: 720 },
  { width: 1536, height: 864 },
  { width: 1920, height: 1080 },
  { width: 768, height: 1024 },
  { width: 390, height: 844, phone: true },
  { width: 360, height: 740, phone: true },
];
const SHOTS = path.join(h.RESULTS_DIR, 'layout');
const named = ({ width, height }) => `${width}x${height}`;

/** The view as it is on screen (not the full page), at CSS pixels. */
async function shot(page, name) {
  await fs.mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  // Playwright can shoot a 3x phone at CSS pixels; Puppeteer's Firefox runs at 1x anyway.
  await page.screenshot(typeof page.context === 'function' ? { path: file, scale: 'css' } : { path: file });
}

/**
 * The pad keeps the size the screen allows: on a phone or an upright tablet at least 80% of the
 * screen's width, and elsewhere 420 px or at least half the screen's height. Everything a person may need after
 * drawing (the teach buttons, Undo and Clear, the model picker, "How measured") lies within the
 * screen's width and comes into view when scrolled to.
 */
async function assertPadAndReach(page, size, label) {
  const found = await page.evaluate(() => {
    const root = document.documentElement;
    const pad = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
    const reach = {};
    for (const s of ['teach-0', 'teach-9', 'undo', 'clear', 'model', 'how-measured']) {
      const el = document.querySelector(`[data-testid="${s}"]`);
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = el.getBoundingClientRect();
      reach[s] = { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
    }
    window.scrollTo(0, 0);
    return { pad: { width: pad.width, height: pad.height }, reach, viewport: { width: root.clientWidth, height: root.clientHeight } };
  });
  const upright = size.width < size.height;
  const [side, want] = upright ? ['width', 0.8 * size.width] : ['height', Math.min(420, 0.5 * size.height)];
  assert.ok(found.pad[side] >= want && found.pad.width >= found.pad.height - 0.5,
    `the pad is as large as the screen allows (${label}): ${JSON.stringify(found.pad)}, want a ${side} of ${want} or more`);
  const vp = found.viewport;
  for (const [name, b] of Object.entries(found.reach)) {
    assert.ok(b.width > 0 && b.height > 0 && b.left >= -0.5 && b.right <= vp.width + 0.5 && b.top >= -0.5 && b.bottom <= vp.height + 0.5,
      `${name} is reachable, scrolled into view (${label}): ${JSON.stringify(b)} in ${JSON.stringify(vp)}`);
  }
}

/** WCAG contrast ratio of the answer's text and of a bar's percentage against the answer
 * panel's background. */
async function contrasts(page) {
  return page.evaluate(() => {
    const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
    const lum = (c) => {
      const [r, g, b] = rgb(c).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const bg = getComputedStyle(document.querySelector('.result')).backgroundColor;
    const color = (s) => getComputedStyle(document.querySelector(s)).color;
    return {
      answer: ratio(color('[data-testid="prediction"]'), bg),
      percentage: ratio(color('[data-testid="prob-3"] .pct'), bg),
      teach: ratio(color('[data-testid="teach-3"]'), bg),
    };
  });
}

/** Opens the page at `size`, draws a 7 and checks that the pad, the answer and the bars are in
 * view; then the pad's size and what stays reachable. `via` is how the 7 is drawn. */
async function drawnInView(page, ctx, size, label, via = 'mouse') {
  await h.openApp(ctx);
  const drawn = await h.drawAndSettle(page, h.DIGITS[7], via);
  assert.equal(drawn.prediction, '7', `the 7 is read (${label})`);
  const layout = await page.evaluate(h.layoutBoxes);
  h.assertInView(layout, label);
  return layout;
}

function sizesIn(browserName, launch) {
  describe(`${browserName}: the pad, the answer and all ten bars in view after drawing`, () => {
    const env = { server: null, browser: null };
    before(async () => {
      env.server = await h.startServer();
      env.browser = await launch();
    });
    after(async () => {
      await env.browser?.close();
      await env.server?.close();
    });
    const chromium = browserName === 'Chromium';

    for (const size of SIZES) {
      const label = `${browserName} ${named(size)}`;
      test(`${named(size)}${size.phone ? ' (phone)' : ''}`, () =>
        h.withPage(env.browser, env.server, {
          viewport: { width: size.width, height: size.height },
          // Chromium emulates a phone (touch, 3x); Puppeteer's Firefox takes the size only.
          phone: chromium && !!size.phone,
          name: `layout-${browserName}-${named(size)}`,
        }, async (ctx) => {
          const { page } = ctx;
          await drawnInView(page, ctx, size, label, chromium && size.phone ? 'touch' : 'mouse');
          await shot(page, `${browserName.toLowerCase()}-${named(size)}`);
          await assertPadAndReach(page, size, label);
          // Landscape screens: the answer panel beside the pad; upright ones: under it.
          const cards = await page.evaluate(() => {
            const pad = document.querySelector('section.pad').getBoundingClientRect();
            const result = document.querySelector('section.result').getBoundingClientRect();
            return { padRight: pad.right, padBottom: pad.bottom, padTop: pad.top, resultLeft: result.left, resultTop: result.top };
          });
          if (size.width > size.height) {
            assert.ok(cards.resultLeft >= cards.padRight && Math.abs(cards.resultTop - cards.padTop) < 1,
              `the answer panel is beside the pad (${label}): ${JSON.stringify(cards)}`);
          } else {
            assert.ok(cards.resultTop >= cards.padBottom, `the answer panel is under the pad (${label}): ${JSON.stringify(cards)}`);
          }
        }));
    }

    if (!chromium) return;

    // Other answers on the smallest phone: "Not a digit" and a whole number fit too.
    test('360x740: "Not a digit" and a whole number stay in view', () =>
      h.withPage(env.browser, env.server, { viewport: { width: 360, height: 740 }, phone: true, name: 'layout-answers-360x740' }, async (ctx) => {
        const { page } = ctx;
        await h.openApp(ctx);
        const w = await h.drawAndSettle(page, h.LETTER_W, 'touch');
        assert.equal(w.prediction, 'Not a digit');
        h.assertInView(await page.evaluate(h.layoutBoxes), '"Not a digit" at 360x740');
        await h.actAndSettle(page, () => h.tap(page, '[data-testid="clear"]'));
        await h.drawAndSettle(page, h.NUMBER.strokes, 'touch');
        const number = await h.readNumber(page);
        assert.equal(number.value, h.NUMBER.value);
        h.assertInView(await page.evaluate(h.layoutBoxes), 'a whole number at 360x740');
        await shot(page, 'chromium-360x740-number');
      }));

    // Dark mode at a laptop's and a phone's size: the same layout, the answer legible.
    for (const size of [SIZES[0], SIZES[5]]) {
      test(`dark mode, ${named(size)}`, () =>
        h.withPage(env.browser, env.server, {
          viewport: { width: size.width, height: size.height },
          phone: !!size.phone,
          name: `layout-dark-${named(size)}`,
        }, async (ctx) => {
          const { page } = ctx;
          await page.emulateMedia({ colorScheme: 'dark' });
          await drawnInView(page, ctx, size, `dark ${named(size)}`, size.phone ? 'touch' : 'mouse');
          await shot(page, `chromium-${named(size)}-dark`);
          const dark = await contrasts(page);
          await page.emulateMedia({ colorScheme: 'light' });
          const light = await contrasts(page);
          for (const [mode, c] of Object.entries({ dark, light })) {
            assert.ok(c.answer >= 3 && c.percentage >= 3 && c.teach >= 3, `legible in ${mode} mode: contrast ratios ${JSON.stringify(c)}`);
          }
        }));
    }
  });
}

sizesIn('Chromium', () => h.launch({ webgpu: false }));
sizesIn('Firefox', () => h.launchFirefox());
