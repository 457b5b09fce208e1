// Loading the wasm and the recognizers. The page starts on the CPU, in this thread, with the
// small first module (pkg/digits_bg.wasm: burn-ndarray, preprocessing, the weights). WebGPU
// runs in a worker (gpu-worker.js) with the second module, which that worker fetches only once
// it has an adapter: burn compiles its GPU kernels on first use, which must not freeze the pad,
// and a WebGPU failure there (a panic aborts a wasm instance) leaves this thread's CPU
// recognizer untouched.

import { WorkerClient, errorText } from './rpc.js';
import { whyNoWebGpu } from './gpu-check.js';

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
 * The page's recognizer, and the one owner of where it runs: it starts on the CPU, which is
 * ready in milliseconds, so the page takes drawings at once; `checkWebGpu()` moves it to WebGPU
 * where that works; it follows the model the page wants with that model's personal weights;
 * and a WebGPU failure at any point moves it back to a CPU recognizer in this thread, with the
 * reason. `onChange` is called whenever the recognizer, its backend or the reason changes.
 */
export class Engine {
  /** The first module (`Recognizer`, `preprocess`, `models`, the constants). */
  mod;
  /** The recognizer in use: the wasm's CPU one, or a `WorkerRecognizer` on WebGPU. */
  rec;
  /** Why the page runs on the CPU (null on WebGPU). */
  why;
  /** Whether WebGPU is still to be tried (`checkWebGpu`). */
  pending;
  #cpu;
  #pref;
  #wanted;
  #weightsFor;
  #onChange;
  #onDamaged;
  #onError;
  #timeoutMs;
  #syncing = null;

  constructor(mod, rec, pref, { weightsFor, onChange, onDamaged, onError, timeoutMs }) {
    this.mod = mod;
    this.rec = this.#cpu = rec;
    this.#pref = pref;
    this.#wanted = rec.model;
    this.pending = pref !== 'cpu';
    this.why = this.pending ? reasons.checking() : reasons.forced();
    this.#weightsFor = weightsFor;
    this.#onChange = onChange;
    this.#onDamaged = onDamaged;
    this.#onError = onError;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Loads the first module and a CPU recognizer for `model` ("" for the default). `pref` is
   * the page's backend preference: "auto", "webgpu" or "cpu". `weightsFor(model)` gives the
   * personal weights to run (or null for the shipped ones); `onDamaged(model, why)` is told
   * when the wasm refuses them, and must stop offering them; `onError(text)` when a model
   * cannot be loaded at all. `timeoutMs` replaces the WebGPU classification's timeout (a test
   * hook).
   */
  static async start(model, pref, {
    weightsFor = () => null, onChange = () => {}, onDamaged = () => {}, onError = () => {}, timeoutMs,
  } = {}) {
    const mod = await import('../pkg/digits.js');
    performance.mark('digits:glue-loaded');
    await mod.default({ module_or_path: new URL('../pkg/digits_bg.wasm', import.meta.url) });
    Backend = mod.Backend;
    performance.mark('digits:wasm-ready');
    const rec = await mod.Recognizer.create(model, Backend.Cpu);
    rec.weights = null; // the shipped ones
    performance.mark('digits:cpu-ready');
    return new Engine(mod, rec, pref, { weightsFor, onChange, onDamaged, onError, timeoutMs });
  }

  /** The wanted model: the one the page shows (it may still be loading). */
  get wanted() {
    return this.#wanted;
  }

  /** Tries WebGPU (when `pref` allows) and moves there if it works; else keeps the CPU and
   * says why. */
  async checkWebGpu() {
    if (!this.pending) return;
    const gpu = await webgpu(this.#pref, () => this.#wanted, this.#weightsFor, { timeoutMs: this.#timeoutMs });
    this.pending = false;
    if (gpu.rec) this.#use(gpu.rec, null);
    else {
      this.why = gpu.why;
      this.#onChange();
    }
    await this.sync(); // the model or its weights may have changed while WebGPU loaded
  }

  /** The answer for each 28x28 image (the wasm's `classify`). A failure on WebGPU (lost device, driver error, a
   * hung worker) moves the page to the CPU, which then answers. */
  async classify(image) {
    const rec = this.rec;
    try {
      return await rec.classify(image);
    } catch (e) {
      if (rec.backend !== Backend.WebGpu) throw e;
      const why = reasons.failed('during inference', e);
      console.warn(`Falling back to the CPU: ${why}`);
      rec.close();
      let cpu;
      try {
        cpu = await this.#cpuFor(rec.model, this.#weightsFor(rec.model));
      } catch (e2) {
        throw new Error(`${why}, and the CPU could not take over: ${message(e2)}`);
      }
      if (this.rec === rec) this.#use(cpu, why);
      return this.rec.classify(image);
    }
  }

  /** Runs `model` from now on, with its personal weights once they are there. */
  want(model) {
    this.#wanted = model;
    return this.sync();
  }

  /**
   * Brings the recognizer to the wanted model with its personal weights (or the shipped ones),
   * on the backend in use: on the CPU it stays there and keeps the reason; WebGPU stays WebGPU
   * unless it fails. One load at a time; whatever changed meanwhile (another model picked, a
   * fine-tune finished, the WebGPU check done) is loaded next. Never rejects: a model that
   * cannot be loaded at all goes to `onError`.
   */
  sync() {
    // Cleared in a `finally` callback, which runs after this assignment even when there is
    // nothing to load.
    this.#syncing ??= this.#load().catch((e) => this.#onError(message(e))).finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  async #load() {
    for (;;) {
      const model = this.#wanted;
      const weights = this.#weightsFor(model);
      const before = this.rec;
      if (before.model === model && before.weights === weights) return;
      let why = before.backend === Backend.Cpu ? this.why : null;
      let rec;
      try {
        if (before.backend === Backend.Cpu) {
          rec = await this.#cpuFor(model, weights);
        } else {
          try {
            rec = await before.load(model, weights);
          } catch (e) {
            // WebGPU gave up on this model: back to this thread's CPU.
            before.close();
            why = reasons.failed(`on model ${model}`, e);
            rec = await this.#cpuFor(model, weights);
          }
        }
      } catch (e) {
        if (weights === null) throw new Error(`Could not load model ${model}: ${message(e)}`);
        // The stored personal model cannot be used (damaged, or for another network): the
        // shipped one takes over, and the examples are learned again.
        this.#onDamaged(model, message(e));
        continue;
      }
      if (this.rec !== before) continue; // the WebGPU check finished meanwhile
      this.#use(rec, why);
    }
  }

  #use(rec, why) {
    this.rec = rec;
    if (rec.backend === Backend.Cpu) this.#cpu = rec;
    this.why = why;
    this.#onChange();
  }

  /** A CPU recognizer in this thread for `model` with `weights` (personal, or null for the
   * shipped ones): the one it already has when it fits. */
  async #cpuFor(model, weights) {
    if (this.#cpu.model === model && this.#cpu.weights === weights) return this.#cpu;
    const rec = await this.mod.Recognizer.create(model, Backend.Cpu, weights ?? undefined);
    rec.weights = weights;
    return rec;
  }
}

/**
 * A recognizer on WebGPU, in the worker, for the model `currentModel()` names by the time it is
 * ready (with the weights `weightsFor(model)` gives: personal ones, or null), or why there is none. `backend` is the page's preference, "auto" or "webgpu" (then a
 * failure says it was asked for). WebGPU is used only when its warm-up answer matches the
 * CPU's (checked in the wasm).
 * @returns {Promise<{rec: WorkerRecognizer} | {why: string}>}
 */
async function webgpu(backend, currentModel, weightsFor = () => null, { timeoutMs } = {}) {
  const unavailable = (cause) => ({ why: reasons.unavailable(cause, backend) });
  // No worker at all (and nothing downloaded) where the page itself sees no WebGPU.
  const missing = await whyNoWebGpu(navigator, { adapter: false });
  if (missing) return unavailable(missing);
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

  /** Resolves to the answers (a Float32Array, as the wasm `Recognizer.classify` gives them)
   * for one or more 28x28 images. */
  classify(image) {
    return this.worker.call('classify', { image });
  }

  close() {
    this.worker.terminate();
  }
}
