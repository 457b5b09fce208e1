// Loading the wasm and the recognizers. The page starts on the CPU, in this thread, with the
// small first module (pkg/digits_bg.wasm: burn-ndarray, preprocessing, the weights). WebGPU
// runs in a worker (gpu-worker.js) with the second module, which that worker fetches only once
// it has an adapter: burn compiles its GPU kernels on first use, which must not freeze the pad,
// and a WebGPU failure there (a panic aborts a wasm instance) leaves this thread's CPU
// recognizer untouched.

import { WorkerClient, errorText } from './rpc.js';

/** The WebGPU module's files, which only a browser with an adapter fetches (site-relative). */
export const WEBGPU_FILES = ['pkg/digits_webgpu.js', 'pkg/digits_webgpu_bg.wasm'];

/** The text of anything thrown. */
export const message = errorText;

/**
 * Where a recognizer runs: the wasm's own `Backend` enum (`Backend.Cpu`, `Backend.WebGpu`; the
 * same values in both modules), set once the first module is up. This file decides which
 * backend the page uses and when it falls back; the wasm only loads what it is asked for.
 */
export let Backend = null;

/** What the page shows for a backend. */
export function backendLabel(backend) {
  return backend === Backend.WebGpu ? 'WebGPU' : 'CPU';
}

/** Why the page runs on the CPU: every text the page shows for it is made here. */
export const reasons = {
  forced: () => 'forced with ?backend=cpu',
  checking: () => 'checking for WebGPU\u2026',
  /** WebGPU cannot be used here; `pref` "webgpu" means it was asked for. */
  unavailable: (cause, pref) => (pref === 'webgpu' ? `WebGPU was requested but failed: ${cause}` : cause),
  startFailed: (e) => `WebGPU failed while starting (${message(e)})`,
  /** WebGPU worked, then failed: `when` is "during inference", "on model seed"... */
  failed: (when, e) => `WebGPU failed ${when} (${message(e)})`,
};

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
  Backend = mod.Backend;
  performance.mark('digits:wasm-ready');
  const rec = await mod.Recognizer.create(model, Backend.Cpu);
  rec.weights = null; // the shipped ones
  performance.mark('digits:cpu-ready');
  const pending = backend !== 'cpu';
  return { mod, rec, cpu: rec, why: pending ? reasons.checking() : reasons.forced(), pending };
}

/**
 * A recognizer on WebGPU, in the worker, for the model `currentModel()` names by the time it is
 * ready (with the weights `weightsFor(model)` gives: personal ones, or null), or why there is none. `backend` is the page's preference, "auto" or "webgpu" (then a
 * failure says it was asked for). WebGPU is used only when its warm-up answer matches the
 * CPU's (checked in the wasm).
 * @returns {Promise<{rec: WorkerRecognizer} | {why: string}>}
 */
export async function webgpu(backend, currentModel, weightsFor = () => null, { timeoutMs } = {}) {
  const unavailable = (cause) => ({ why: reasons.unavailable(cause, backend) });
  // No worker at all (and nothing downloaded) where the page itself sees no WebGPU.
  if (!navigator.gpu) return unavailable('this browser has no WebGPU: navigator.gpu is missing');
  const worker = new GpuWorker({ timeoutMs });
  let rec;
  try {
    const { why } = await worker.call('init');
    if (why) {
      worker.terminate();
      return unavailable(why);
    }
  } catch (e) {
    worker.terminate();
    return { why: reasons.startFailed(e) };
  }
  try {
    rec = await WorkerRecognizer.load(worker, currentModel(), weightsFor(currentModel()));
    while (rec.model !== currentModel()) rec = await rec.load(currentModel(), weightsFor(currentModel()));
    return { rec };
  } catch (e) {
    worker.terminate();
    return unavailable(message(e));
  }
}

/**
 * How long each call to the WebGPU worker may take before the worker is taken as hung and
 * stopped (the page then runs on the CPU): `init` downloads the WebGPU module (2.8 MB), `load`
 * compiles kernels on a first run.
 */
export const GPU_TIMEOUTS_MS = { init: 180_000, load: 60_000, classify: 10_000 };

/** The WebGPU worker: `{op, ...args}` calls (see gpu-worker.js). */
class GpuWorker {
  #client = new WorkerClient(new URL('./gpu-worker.js', import.meta.url), 'the WebGPU worker');
  /** Replaces the classification's timeout (a test hook: `?test-timeout=MS`). */
  #timeoutMs;

  constructor({ timeoutMs } = {}) {
    this.#timeoutMs = timeoutMs;
  }

  call(op, args = {}) {
    const timeoutMs = (op === 'classify' && this.#timeoutMs) || GPU_TIMEOUTS_MS[op];
    return this.#client.call({ op, ...args }, { timeoutMs, what: op });
  }

  terminate() {
    this.#client.stop();
  }
}

/** A recognizer on WebGPU in the worker, with the face of the wasm `Recognizer` the page uses. */
class WorkerRecognizer {
  constructor(worker, { model, card }, weights) {
    this.worker = worker;
    this.backend = Backend.WebGpu;
    this.model = model;
    this.card = card;
    /** Personal weights (a Uint8Array), or null for the shipped ones. */
    this.weights = weights;
  }

  /** Loads `model` (with `weights`, or the shipped ones if null) on WebGPU in `worker`; rejects
   * with the reason when it cannot. */
  static async load(worker, model, weights = null) {
    return new WorkerRecognizer(worker, await worker.call('load', { model, weights }), weights);
  }

  /** The same worker, now with model `model` and `weights`. */
  load(model, weights = null) {
    return WorkerRecognizer.load(this.worker, model, weights);
  }

  /** Resolves to the ten class probabilities (a Float32Array) for a 28x28 image. */
  classify(image) {
    return this.worker.call('classify', { image });
  }

  close() {
    this.worker.terminate();
  }
}
