// A worker spoken to in promises, for both of the page's workers (gpu-worker.js and
// learn-worker.js): `{id, ...message}` out; `{id, progress}` any number of times while a call
// runs, then `{id, result}` or `{id, error}` back.

/** The text of anything thrown, for the page and for messages between threads. */
export function errorText(e) {
  return (e && (e.message || String(e))) || 'unknown error';
}

/**
 * The worker at `url`, started on the first call. A call that goes `timeoutMs` without a word
 * (a progress report or its answer), or a worker that dies, stops the worker and fails every
 * call in flight; the next call starts a fresh one (and so a fresh wasm instance).
 */
export class WorkerClient {
  #url;
  #name;
  #worker = null;
  #calls = new Map();
  #next = 0;

  /** `name` says which worker in the messages: "the WebGPU worker". */
  constructor(url, name) {
    this.#url = url;
    this.#name = name;
  }

  /**
   * Sends `message` and resolves to its result. `what` names the call in a timeout's message;
   * `onProgress` gets the progress reports; `transfer` lists buffers to move to the worker.
   */
  call(message, { timeoutMs, what = 'a call', onProgress = () => {}, transfer = [] } = {}) {
    const worker = this.#start();
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      const call = { resolve, reject, onProgress, timer: 0 };
      call.heard = () => {
        clearTimeout(call.timer);
        call.timer = setTimeout(
          () => this.stop(`${this.#name} went ${seconds(timeoutMs)} without answering ${what} and was stopped`),
          timeoutMs,
        );
      };
      call.heard();
      this.#calls.set(id, call);
      worker.postMessage({ id, ...message }, transfer);
    });
  }

  /** Stops the worker and fails every call in flight with `why`. */
  stop(why = `${this.#name} was stopped`) {
    this.#worker?.terminate();
    this.#worker = null;
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const c of calls) {
      clearTimeout(c.timer);
      c.reject(new Error(why));
    }
  }

  #start() {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#url, { type: 'module' });
    worker.onmessage = ({ data }) => {
      const call = this.#calls.get(data.id);
      if (!call) return;
      call.heard();
      if ('progress' in data) return call.onProgress(data.progress);
      clearTimeout(call.timer);
      this.#calls.delete(data.id);
      if ('error' in data) call.reject(new Error(data.error));
      else call.resolve(data.result);
    };
    // The worker's script failed to load or threw outside a call.
    worker.onerror = (e) => {
      e.preventDefault();
      this.stop(`${this.#name} stopped: ${e.message || 'its script failed to load'}`);
    };
    this.#worker = worker;
    return worker;
  }
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s`;
}
