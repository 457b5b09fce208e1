// The WebGPU recognizer, off the page's main thread (see engine.js). Messages: `{id, op, ...args}`
// in; `{id, result}` or `{id, error}` back.

import init, { Recognizer } from '../pkg/digits.js';

let rec = null;

const ops = {
  /** Instantiates the page's compiled wasm module here. */
  async init({ module }) {
    await init({ module_or_path: module });
  },
  /** Loads `model` on `backend` ("auto" or "webgpu"; the wasm falls back to the CPU, with why). */
  async load({ model, backend }) {
    const next = await Recognizer.create(model, backend);
    rec?.free();
    rec = next;
    return { backend: rec.backend, reason: rec.reason ?? null, model: rec.model, card: rec.card };
  },
  async classify({ image }) {
    if (!rec) throw new Error('no model loaded in the WebGPU worker');
    return rec.classify(image);
  },
};

self.onmessage = async ({ data: { id, op, ...args } }) => {
  try {
    self.postMessage({ id, result: await ops[op](args) });
  } catch (e) {
    self.postMessage({ id, error: (e && (e.message || String(e))) || 'unknown error' });
  }
};
