// Page benchmarks in headless Chromium: download size, start-up time, inference latency on
// the CPU and on WebGPU (SwiftShader here), and steady state over 10,000 predictions.
//   node bench/page.mjs            (after scripts/build.sh; prints numbers, asserts nothing)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
  try {
    const file = join(root, path.endsWith('/') || path === '' ? join(path, 'index.html') : path);
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 1. Download size: what a first visit fetches that is ours to shrink.
let raw = 0;
let gz = 0;
for (const f of ['pkg/digits_bg.wasm', 'pkg/digits.js']) {
  const b = await readFile(join(root, f));
  raw += b.length;
  gz += gzipSync(b, { level: 9 }).length;
}
console.log(`download (wasm + JS glue): ${(raw / 1e6).toFixed(2)} MB raw, ${(gz / 1e6).toFixed(2)} MB gzip -9; target < 1.0 MB (burn's demo: 1.35 MB CPU-only, 2.94 MB WebGPU-only)`);

const args = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
for (const [label, extra, backend] of [['CPU', [], 'cpu'], ['WebGPU', ['--enable-unsafe-webgpu'], 'webgpu']]) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...args, ...extra] });
  // 2. Start-up: navigation to data-ready, fresh context each time (cold HTTP cache).
  // From navigation start (the page's time origin) to its own marks: data-ready (it takes
  // drawings, on the CPU at first) and backend-settled (the WebGPU check is over).
  const starts = [];
  const settles = [];
  const phases = []; // where the time to data-ready goes, per load
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext();
    // Long tasks (> 50 ms) on the main thread: a drawing stroke stalls for as long as one lasts.
    await ctx.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])))
        .observe({ type: 'longtask', buffered: true });
    });
    const page = await ctx.newPage();
    await page.goto(`${base}?backend=${backend}`);
    await page.waitForSelector('html[data-backend-settled="true"]', { state: 'attached', timeout: 120000 });
    const mark = (name) => page.evaluate((n) => Math.round(performance.getEntriesByName(n)[0].startTime), name);
    starts.push(await mark('digits:ready'));
    settles.push(await mark('digits:backend-settled'));
    phases.push(await page.evaluate(() => {
      const at = (n) => performance.getEntriesByName(n)[0].startTime;
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
      const ready = at('digits:ready');
      const after = window.__longTasks.filter(([t]) => t >= ready).map(([, d]) => d);
      return { html: performance.getEntriesByType('navigation')[0].responseEnd, fetched: wasm.responseEnd, compiled: at('digits:wasm-ready'), model: at('digits:cpu-ready'), ready, stall: Math.max(0, ...after) };
    }));
    await ctx.close();
  }
  const page = await browser.newPage();
  await page.goto(`${base}?backend=${backend}`);
  await page.waitForSelector('html[data-backend-settled="true"]', { state: 'attached', timeout: 120000 });
  // 3 + 4. Latency of preprocessing + inference on one drawn digit, in the page's own code path.
  const r = await page.evaluate(async ({ backend, n }) => {
    const mod = await import('./pkg/digits.js?bench');
    const wasm = await mod.default();
    // The page's own paths: the CPU in this thread, WebGPU in its worker.
    let rec;
    if (backend === 'cpu') {
      rec = await mod.Recognizer.create('', 'cpu');
    } else {
      const engine = await import('./www/engine.js');
      const name = JSON.parse(mod.models())[0].name;
      const gpu = await engine.webgpu('webgpu', () => name);
      if (!gpu.rec) throw new Error(`no WebGPU: ${gpu.why}`);
      rec = gpu.rec;
    }
    // A 7 as the pad records it: a point every ~3 CSS px, as pointer events come in.
    const corners = [[60, 40], [330, 40], [260, 170], [170, 370]];
    const pts = [corners[0]];
    for (let k = 1; k < corners.length; k++) {
      const [[x0, y0], [x1, y1]] = [corners[k - 1], corners[k]];
      const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 3);
      for (let j = 1; j <= steps; j++) pts.push([x0 + ((x1 - x0) * j) / steps, y0 + ((y1 - y0) * j) / steps]);
    }
    const xy = new Float32Array(pts.flat());
    const ends = new Uint32Array([pts.length]);
    const times = [];
    const prep = [];
    const mem0 = wasm.memory.buffer.byteLength;
    for (let i = 0; i < n; i++) {
      xy[0] = 60 + (i % 7); // a slightly different drawing each time
      const t = performance.now();
      const image = mod.preprocess(xy, ends, 23);
      const t1 = performance.now();
      await rec.classify(image);
      times.push(performance.now() - t);
      prep.push(t1 - t);
    }
    return { backend: rec.backend, times, prep, mem0, mem1: wasm.memory.buffer.byteLength };
  }, { backend, n: backend === 'cpu' ? 10000 : 400 });
  const first = r.times.slice(0, 200);
  console.log(`${label}: start-up (navigation to data-ready) median ${median(starts)} ms of ${starts.join(', ')}; target < 300 ms (burn's demo: 700-1300 ms)`);
  const phase = (f) => Math.round(median(phases.map(f)));
  console.log(`${label}:   medians: page HTML ${phase((p) => p.html)} ms, wasm downloaded +${phase((p) => p.fetched - p.html)}, compiled and started +${phase((p) => p.compiled - p.fetched)}, model loaded +${phase((p) => p.model - p.compiled)}, page ready +${phase((p) => p.ready - p.model)}`);
  console.log(`${label}:   longest main-thread task after data-ready, up to the backend settling: median ${phase((p) => p.stall)} ms of ${phases.map((p) => Math.round(p.stall)).join(', ')} (0: none over 50 ms)`);
  if (backend !== 'cpu') console.log(`${label}:   backend settled (WebGPU running) median ${median(settles)} ms of ${settles.join(', ')}`);
  console.log(`${label}: inference incl. preprocessing, median of 200: ${median(first).toFixed(3)} ms; target ${label === 'CPU' ? '< 1' : '< 5'} ms (burn's demo CPU: 18-28 ms) [ran on ${r.backend}]`);
  console.log(`${label}:   of which preprocessing ${median(r.prep.slice(0, 200)).toFixed(3)} ms, classification ${median(first.map((t, i) => t - r.prep[i])).toFixed(3)} ms`);
  const memory = backend === 'cpu' ? `; wasm memory ${(r.mem0 / 1e6).toFixed(1)} MB -> ${(r.mem1 / 1e6).toFixed(1)} MB` : ' (in the worker, with a message each way)';
  console.log(`${label}: steady state over ${r.times.length}: first-100 median ${median(r.times.slice(0, 100)).toFixed(3)} ms, last-100 median ${median(r.times.slice(-100)).toFixed(3)} ms${memory}`);
  await browser.close();
}
server.close();
