// A thin W3C (classic) WebDriver client, for WebKitGTK's WebKitWebDriver: the dozen commands
// the WebKit tests use, over fetch. A full client (selenium-webdriver, WebdriverIO) would add
// tens of packages for these; Playwright and Puppeteer drive only their own protocols.

import { spawn } from 'node:child_process';
import net from 'node:net';

const KEY = { Escape: '\uE00C', Control: '\uE009' };
/** MiniBrowser, the browser WebKitWebDriver drives (Debian's webkit2gtk-driver). */
export const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** Starts WebKitWebDriver on a virtual display (xvfb-run); `close()` stops both. */
export async function startDriver(binary = 'WebKitWebDriver') {
  const port = await freePort();
  const proc = spawn('xvfb-run', ['-a', binary, `--port=${port}`], { stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}`;
  for (let t = 0; ; t += 100) {
    try {
      const r = await fetch(`${url}/status`);
      if ((await r.json()).value.ready) break;
    } catch { /* not up yet */ }
    if (t > 20_000) throw new Error(`${binary} did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    close: () => {
      try { process.kill(-proc.pid); } catch { /* gone */ }
    },
  };
}

/** A browser session: `await Session.start(driver)`, then `quit()`. */
export class Session {
  constructor(url, id) {
    this.base = `${url}/session/${id}`;
  }

  static async start(driver) {
    const value = await request('POST', `${driver.url}/session`, {
      capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    const s = new Session(driver.url, value.sessionId);
    s.version = value.capabilities.browserVersion;
    return s;
  }

  cmd(method, path, body) {
    return request(method, this.base + path, body);
  }

  go(url) {
    return this.cmd('POST', '/url', { url });
  }

  reload() {
    return this.cmd('POST', '/refresh', {});
  }

  /** Runs `fn` (a function, sent as its source) in the page with `args`; returns its value
   * (awaited when it is a promise). */
  run(fn, ...args) {
    return this.cmd('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve((${fn}).apply(null, Array.from(arguments).slice(0, -1)))
          .then((v) => done({ ok: v }), (e) => done({ err: String(e && e.stack || e) }));`,
      args,
    }).then((r) => {
      if (r && 'err' in r) throw new Error(`in the page: ${r.err}`);
      return r?.ok;
    });
  }

  /** Waits until `fn(...args)` is truthy in the page; returns its value. */
  async until(fn, { timeout = 30_000, what = String(fn) } = {}, ...args) {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await this.run(fn, ...args).catch(() => null); // a page being replaced
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async click(selector) {
    const el = await this.cmd('POST', '/element', { using: 'css selector', value: selector });
    await this.cmd('POST', `/element/${Object.values(el)[0]}/click`, {});
  }

  async rect(selector) {
    const el = await this.cmd('POST', '/element', { using: 'css selector', value: selector });
    return this.cmd('GET', `/element/${Object.values(el)[0]}/rect`);
  }

  /** Draws strokes given in pad-relative points with pointer actions of `pointerType`. */
  async draw(strokes, pointerType = 'mouse') {
    const box = await this.rect('#pad');
    // (0, 0) to (1, 1) is the square of the pad's height in its middle (see harness.mjs).
    const left = box.x + (box.width - box.height) / 2;
    const at = ([x, y]) => ({ x: Math.round(left + x * box.height), y: Math.round(box.y + y * box.height) });
    const actions = [];
    for (const stroke of strokes) {
      actions.push({ type: 'pointerMove', ...at(stroke[0]), duration: 0 }, { type: 'pointerDown', button: 0 });
      for (let i = 1; i < stroke.length; i++) {
        const [a, b] = [stroke[i - 1], stroke[i]];
        const steps = Math.max(1, Math.ceil(Math.hypot((b[0] - a[0]) * box.height, (b[1] - a[1]) * box.height) / 24));
        for (let k = 1; k <= steps; k++) {
          actions.push({ type: 'pointerMove', ...at([a[0] + ((b[0] - a[0]) * k) / steps, a[1] + ((b[1] - a[1]) * k) / steps]), duration: 16 });
        }
      }
      actions.push({ type: 'pointerUp', button: 0 });
    }
    await this.cmd('POST', '/actions', { actions: [{ type: 'pointer', id: pointerType, parameters: { pointerType }, actions }] });
    await this.cmd('DELETE', '/actions');
  }

  /** Presses keys together, e.g. keys('Control', 'z'). */
  async keys(...names) {
    const codes = names.map((n) => KEY[n] ?? n);
    const actions = [...codes.map((value) => ({ type: 'keyDown', value })), ...codes.reverse().map((value) => ({ type: 'keyUp', value }))];
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  quit() {
    return this.cmd('DELETE', '').catch(() => {});
  }
}

async function request(method, url, body) {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`WebDriver ${method} ${url.replace(/.*\/session\/[^/]+/, '')}: ${json.value?.error}: ${json.value?.message}`);
  return json.value;
}
