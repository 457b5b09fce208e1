// The WebGPU recognizer, off the page's main thread (see engine.js). Messages: `{id, op, ...args}`
// in; `{id, result}` or `{id, error}` back.
//
// The WebGPU module (burn-wgpu and cubecl: most of the app's code) is fetched here, and only
// once this worker has been given an adapter: a browser without WebGPU never downloads it.

import { errorText } from './rpc.js';
import { whyNoWebGpu } from './gpu-check.js';

let mod = null;
let rec = null;

const ops = {
  /** Resolves to `{ready: true}` once the WebGPU module is up, or `{why}` when there is no WebGPU. */
  async init() {
    const why = await whyNoWebGpu(self.navigator);
    if (why) return { why };
    const next = await import('../pkg/digits_webgpu.js');
    await next.default({ module_or_path: new URL('../pkg/digits_webgpu_bg.wasm', import.meta.url) });
    mod = next;
    return { ready: true };
  },
  /** Loads `model` on WebGPU, with personal `weights` or (null) the shipped ones; rejects with
   * the reason when it cannot (the page decides what then). */
  async load({ model, weights }) {
    if (!mod) throw new Error('the WebGPU module is not loaded');
    const next = await mod.Recognizer.create(model, mod.Backend.WebGpu, weights ?? undefined);
    rec?.free();
    rec = next;
    return { model: rec.model, card: rec.card };
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
    self.postMessage({ id, error: errorText(e) });
  }
};
