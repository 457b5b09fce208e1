// Loading the wasm and the recognizers. The page starts on the CPU, in this thread, where a
// prediction takes well under a millisecond. WebGPU runs in a worker (gpu-worker.js): burn
// compiles its GPU kernels on first use, about half a second of wasm that must not freeze the
// pad, and a WebGPU failure there (a panic aborts a wasm instance) leaves this thread's CPU
// recognizer untouched.

let compiled = null;

/** The wasm, fetched and compiled once per page; the worker instantiates the same module. */
function wasmModule() {
  compiled ??= (async () => {
    const url = new URL('../pkg/digits_bg.wasm', import.meta.url);
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // A server that does not send application/wasm: compile from the bytes instead.
      const response = await fetch(url);
      if (!response.ok) throw new Error(`fetching ${url.pathname} failed: HTTP ${response.status}`);
      return WebAssembly.compile(await response.arrayBuffer());
    }
  })();
  compiled.catch(() => {
    compiled = null; // a later call tries again
  });
  return compiled;
}

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
  await mod.default({ module_or_path: await wasmModule() });
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
  const worker = new GpuWorker();
  try {
    await worker.call('init', { module: await wasmModule() });
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
