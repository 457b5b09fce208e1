// The site as deployed under a subpath (GitHub Pages project site): MIME types, no absolute
// URLs, and a strict Content-Security-Policy.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as h from './harness.mjs';

const env = h.perFile({ webgpu: false });

describe('site under /digits-demo/', () => {
  test('the test server serves only the subpath, with wasm-ready MIME types', async () => {
    const get = (p) => fetch(env.server.origin + p, { redirect: 'manual' });
    assert.equal((await get('/')).status, 404);
    assert.equal((await get('/index.html')).status, 404);
    const bare = await get('/digits-demo');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/digits-demo/');
    for (const [p, type] of [
      ['/digits-demo/', 'text/html'],
      ['/digits-demo/www/app.js', 'text/javascript'],
      ['/digits-demo/pkg/digits.js', 'text/javascript'],
      ['/digits-demo/pkg/digits_bg.wasm', 'application/wasm'],
      ['/digits-demo/www/style.css', 'text/css'],
    ]) {
      const r = await get(p);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get('content-type').split(';')[0], type, p);
      await r.arrayBuffer();
    }
    const wasm = new Uint8Array(await (await get('/digits-demo/pkg/digits_bg.wasm')).arrayBuffer());
    assert.deepEqual([...wasm.subarray(0, 4)], [0, 0x61, 0x73, 0x6d], 'wasm magic');
  });

  test('index.html: strict CSP with wasm-unsafe-eval, only relative URLs', () =>
    h.withPage(env.browser, env.server, { name: 'markup' }, async (ctx) => {
      const { page } = ctx;
      await h.openApp(ctx);
      // Parse the file as served (not the live DOM) so scripts cannot have changed it.
      const html = await (await fetch(ctx.url)).text();
      const doc = await page.evaluate((html) => {
        const d = new DOMParser().parseFromString(html, 'text/html');
        const metas = [...d.querySelectorAll('meta[http-equiv]')]
          .filter((m) => m.httpEquiv.toLowerCase() === 'content-security-policy');
        return {
          csp: metas.map((m) => m.content),
          inHead: metas.every((m) => m.parentElement === d.head),
          scripts: [...d.querySelectorAll('script')].map((s) => ({ src: s.getAttribute('src'), inline: s.textContent.trim().length })),
          links: [...d.querySelectorAll('link')].map((l) => ({ rel: l.rel, href: l.getAttribute('href') })),
          inlineHandlers: [...d.querySelectorAll('*')].flatMap((e) => e.getAttributeNames().filter((a) => a.startsWith('on'))),
          styleAttrs: d.querySelectorAll('[style]').length,
        };
      }, html);

      assert.equal(doc.csp.length, 1, 'exactly one CSP meta tag');
      assert.ok(doc.inHead, 'the CSP meta tag is in <head>');
      const csp = doc.csp[0];
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean)
        .map((d) => { const [name, ...src] = d.split(/\s+/); return [name, src]; }));
      assert.ok(directives['script-src']?.includes("'wasm-unsafe-eval'"), `script-src allows wasm compilation: ${csp}`);
      for (const [name, sources] of Object.entries(directives)) {
        for (const s of sources) {
          // Keywords ('self', 'none', 'wasm-unsafe-eval') and data: images only: no hosts, no schemes, no *.
          const ok = /^'(self|none|wasm-unsafe-eval)'$/.test(s) || (name === 'img-src' && s === 'data:');
          assert.ok(ok, `CSP source "${s}" in ${name} is not allowed (only 'self'-like keywords): ${csp}`);
        }
      }
      assert.ok(directives['default-src'], 'CSP has a default-src');
      assert.deepEqual(directives['object-src'], ["'none'"]);
      assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/);

      assert.ok(doc.scripts.length > 0);
      for (const s of doc.scripts) {
        assert.ok(s.src && s.src.startsWith('./'), `<script src="${s.src}"> must be relative (./...)`);
        assert.equal(s.inline, 0, 'no inline script');
      }
      for (const l of doc.links) {
        // The favicon is an empty data: URL so that no request goes to /favicon.ico, outside the subpath.
        const ok = l.href.startsWith('./') || (l.rel === 'icon' && l.href.startsWith('data:'));
        assert.ok(ok, `<link rel="${l.rel}" href="${l.href}"> must be relative (./...)`);
      }
      assert.deepEqual(doc.inlineHandlers, [], 'no inline event handlers');
      assert.equal(doc.styleAttrs, 0, 'no style attributes (style-src has no unsafe-inline)');

      // Every request the running page made stayed on the subpath of the test server (the
      // request hook in withPage() also fails the test otherwise).
      const paths = env.server.log.map((r) => `${r.status} ${r.path}`);
      assert.ok(paths.some((p) => /^200 \/digits-demo\/pkg\/digits_bg\.wasm/.test(p)), `the wasm was loaded: ${paths.join(', ')}`);
      assert.deepEqual(env.server.log.filter((r) => r.status >= 400 && r.path !== '/' && r.path !== '/index.html'), [],
        'no failed requests besides the deliberate ones');
    }));
});
