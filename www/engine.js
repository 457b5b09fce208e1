// Loading the wasm and the recognizers. The page starts on the CPU, in this thread, with the
// small first module (pkg/digits_bg.wasm: burn-ndarray, preprocessing, the weights). WebGPU
// runs in a worker (gpu-worker.js) with the second module, which that worker fetches only once
// it has an adapter: burn compiles its GPU kernels on first use, which must not freeze the pad,
// and a WebGPU failure there (a panic aborts a wasm instance) leaves this thread's CPU
// recognizer untouched.

/** The WebGPU module's files, which only a browser with an adapter fetches (site-relative). */
export const WEBGPU_FILES = ['pkg/digits_webgpu.js', 'pkg/digits_webgpu_bg.wasm'];

export function message(e) {
  return (e && (e.message || String(e))) || 'unknown error';
}

/**
 * Starts on the CPU, which is ready in milliseconds, so the page can take drawings at once.
 * `cpu` is the CPU recognizer to come back to; `pending` says whether WebGPU is still to be
 * tried (see webgpu()).
 * @returns {Promise<{mod: any, rec: any, cpu: any, why: string | null, pending: boolean}>}
 */
export async function start(model, backend) {
  const mod = await import('../pkg/digits.js');
  performance.mark('digits:glue-loaded');
  await mod.default({ module_or_path: new URL('../pkg/digits_bg.wasm', import.meta.url) });
  performance.mark('digits:wasm-ready');
  const rec = await mod.Recognizer.create(model, 'cpu');
  performance.mark('digits:cpu-ready');
  const pending = backend !== 'cpu';
  return { mod, rec, cpu: rec, why: pending ? 'checking for WebGPU\u2026' : null, pending };
}

/**
 * A recognizer on WebGPU, in the worker, for the model `currentModel()` names by the time it is
 * ready, or why there is none. `backend` is "auto" or "webgpu" (then a failure says it was asked
 * for). WebGPU is used only when its warm-up answer matches the CPU's (checked in the wasm).
 * @returns {Promise<{rec: WorkerRecognizer} | {why: string}>}
 */
export async function webgpu(backend, currentModel) {
  const asked = (why) => (backend === 'webgpu' ? `WebGPU was requested but failed: ${why}` : why);
  // No worker at all (and nothing downloaded) where the page itself sees no WebGPU.
  if (!navigator.gpu) return { why: asked('this browser has no WebGPU: navigator.gpu is missing') };
  const worker = new GpuWorker();
  try {
    const { why } = await worker.call('init');
    if (why) {
      worker.terminate();
      return { why: asked(why) };
    }
    let rec = await WorkerRecognizer.load(worker, currentModel(), backend);
    while (rec.backend === 'WebGPU' && rec.model !== currentModel()) {
      rec = await rec.load(currentModel(), 'webgpu');
    }
    if (rec.backend === 'WebGPU') return { rec };
    worker.terminate();
    return { why: rec.reason || 'WebGPU is not available' };
  } catch (e) {
    worker.terminate();
    return { why: `WebGPU failed while starting (${message(e)})` };
  }
}

/** The worker, spoken to in promises: `{id, op, ...args}` out, `{id, result | error}` back. */
class GpuWorker {
  #worker = new Worker(new URL('./gpu-worker.js', import.meta.url), { type: 'module' });
  #pending = new Map();
  #next = 0;

  constructor() {
    this.#worker.onmessage = ({ data }) => {
      const call = this.#pending.get(data.id);
      this.#pending.delete(data.id);
      if (!call) return;
      if ('error' in data) call.reject(new Error(data.error));
      else call.resolve(data.result);
    };
    // The worker's script failed to load or threw outside a call.
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#failAll(`the WebGPU worker stopped: ${e.message || 'its script failed to load'}`);
    };
  }

  call(op, args = {}) {
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, op, ...args });
    });
  }

  terminate() {
    this.#worker.terminate();
    this.#failAll('the WebGPU worker was stopped');
  }

  #failAll(why) {
    for (const { reject } of this.#pending.values()) reject(new Error(why));
    this.#pending.clear();
  }
}

/** A recognizer in the worker, with the face of the wasm `Recognizer` the page uses. */
class WorkerRecognizer {
  constructor(worker, { backend, reason, model, card }) {
    this.worker = worker;
    this.backend = backend;
    this.reason = reason;
    this.model = model;
    this.card = card;
  }

  static async load(worker, model, backend) {
    return new WorkerRecognizer(worker, await worker.call('load', { model, backend }));
  }

  /** The same worker, now with model `model`. */
  load(model, backend) {
    return WorkerRecognizer.load(this.worker, model, backend);
  }

  /** Resolves to the ten class probabilities (a Float32Array) for a 28x28 image. */
  classify(image) {
    return this.worker.call('classify', { image });
  }

  close() {
    this.worker.terminate();
  }
}
