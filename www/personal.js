// Learning one person's handwriting, on their device. Each corrected drawing (its 28x28 image
// and the digit it really was) is kept per model in IndexedDB; from MIN_EXAMPLES on, every
// correction fine-tunes the shipped model on them in a worker (learn-worker.js) and the result is
// kept beside them, so it survives a reload. Nothing is sent anywhere.

/** Corrections before the first fine-tune: one could be a slip of the finger. */
export const MIN_EXAMPLES = 3;
/** The newest examples kept and learned from (the wasm's `learn::MAX_EXAMPLES`). */
export const MAX_EXAMPLES = 50;
/** A fine-tune that loses more than this many points on MNIST's held-out digits is not used. */
export const MAX_MNIST_DROP = 1;
/** The learning module's files, fetched the first time someone corrects an answer. */
export const LEARN_FILES = ['pkg/digits_learn.js', 'pkg/digits_learn_bg.wasm'];

const DB_NAME = 'digits-personal';
const STORE = 'models';

/** FNV-1a of a model card: a fine-tune is of one build of a model, and is redone for another. */
function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Records by model name in IndexedDB; in memory only where IndexedDB cannot be opened. */
class Store {
  #db = null;
  #memory = new Map();
  /** Why nothing is saved on this device, or null. */
  unsaved = null;

  async open() {
    try {
      this.#db = await new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'model' });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error('the database is blocked by another tab'));
      });
    } catch (e) {
      this.unsaved = `IndexedDB is not available (${(e && e.message) || e})`;
    }
  }

  #request(mode, op) {
    return new Promise((resolve, reject) => {
      const tx = this.#db.transaction(STORE, mode);
      const req = op(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = tx.onabort = () => reject(tx.error || new Error('the transaction was aborted'));
    });
  }

  async get(model) {
    if (!this.#db) return this.#memory.get(model);
    return this.#request('readonly', (s) => s.get(model));
  }

  async put(record) {
    this.#memory.set(record.model, record);
    if (!this.#db) return;
    try {
      await this.#request('readwrite', (s) => s.put(record));
    } catch (e) {
      this.unsaved = `saving failed (${(e && e.message) || e})`;
    }
  }

  async delete(model) {
    this.#memory.delete(model);
    if (this.#db) await this.#request('readwrite', (s) => s.delete(model)).catch(() => {});
  }
}

/** The learning worker, created on the first correction (to fetch the module early) and kept. */
class LearnWorker {
  #worker = null;
  #calls = new Map();
  #next = 0;

  /** Fetches the learning module ahead of the first fine-tune. */
  warm() {
    this.#call({ warm: true }, () => {}, []).catch(() => {}); // a failure shows when it tunes
  }

  tune(args, onProgress) {
    return this.#call(args, onProgress, [args.pixels.buffer, args.labels.buffer]);
  }

  #call(message, onProgress, transfer) {
    if (!this.#worker) {
      this.#worker = new Worker(new URL('./learn-worker.js', import.meta.url), { type: 'module' });
      this.#worker.onmessage = ({ data }) => {
        const call = this.#calls.get(data.id);
        if (!call) return;
        if ('progress' in data) return call.onProgress(data.progress);
        this.#calls.delete(data.id);
        if ('error' in data) call.reject(new Error(data.error));
        else call.resolve(data.result);
      };
      this.#worker.onerror = (e) => {
        e.preventDefault();
        for (const c of this.#calls.values()) c.reject(new Error(`the learning worker stopped: ${e.message || 'its script failed to load'}`));
        this.#calls.clear();
        this.#worker.terminate();
        this.#worker = null;
      };
    }
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#calls.set(id, { resolve, reject, onProgress });
      this.#worker.postMessage({ id, ...message }, transfer);
    });
  }
}

/**
 * Each model's personal state: `{model, base, examples: [{pixels, label}], weights, learned}`
 * stored (`learned`: `{examples, scores, ms}` of the fine-tune that made `weights`), and what is
 * going on now. `onChange(model)` is called whenever either changes.
 */
export class Personal {
  #store = new Store();
  #ready = this.#store.open();
  #learner = new LearnWorker();
  #records = new Map();
  #now = new Map(); // model -> {training, progress, again, note}
  #onChange;

  constructor(onChange) {
    this.#onChange = onChange;
  }

  /** Loads `model`'s record (its shipped model card is `card`); a record of another build of
   * the model keeps its examples and learns them again. */
  async open(model, card) {
    if (this.#records.has(model)) return;
    await this.#ready;
    const base = fingerprint(card);
    let record = await this.#store.get(model).catch(() => undefined);
    if (this.#records.has(model)) return; // opened meanwhile
    record ??= { model, base, examples: [], weights: null, learned: null };
    const stale = record.base !== base;
    if (stale) Object.assign(record, { base, weights: null, learned: null });
    this.#records.set(model, record);
    this.#now.set(model, { training: false, progress: 0, again: false, note: null });
    this.#onChange(model);
    if (stale && record.examples.length >= MIN_EXAMPLES) this.#train(model);
  }

  /** The personal weights for `model`, or null for the shipped ones. */
  weights(model) {
    return this.#records.get(model)?.weights ?? null;
  }

  /** Everything the page shows about `model`'s personal model. */
  status(model) {
    const r = this.#records.get(model);
    const now = this.#now.get(model) ?? {};
    return {
      examples: r?.examples.length ?? 0,
      learned: r?.weights ? r.learned : null,
      training: !!now.training,
      progress: now.progress ?? 0,
      note: now.note ?? null,
      unsaved: this.#store.unsaved,
    };
  }

  /** Keeps `image` (784 values in [0, 1]) as an example of `digit`, and learns from it. */
  async teach(model, image, digit) {
    const r = this.#records.get(model);
    if (!r) return;
    const pixels = new Uint8Array(784);
    for (let i = 0; i < 784; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, image[i])) * 255);
    r.examples.push({ pixels, label: digit });
    this.#learner.warm();
    if (r.examples.length > MAX_EXAMPLES) r.examples.splice(0, r.examples.length - MAX_EXAMPLES);
    this.#now.get(model).note = null;
    await this.#store.put(r);
    this.#onChange(model);
    if (r.examples.length >= MIN_EXAMPLES) this.#train(model);
  }

  /** Forgets `model`'s latest example (a mis-tap, say) and learns from the others again; below
   * MIN_EXAMPLES the shipped model is back. */
  async undo(model) {
    const r = this.#records.get(model);
    if (!r?.examples.length) return;
    r.examples.pop();
    this.#now.get(model).note = null;
    if (r.examples.length < MIN_EXAMPLES) Object.assign(r, { weights: null, learned: null });
    await this.#store.put(r);
    this.#onChange(model);
    if (r.examples.length >= MIN_EXAMPLES) this.#train(model);
  }

  /** Forgets `model`'s examples and personal model. */
  async reset(model) {
    const r = this.#records.get(model);
    if (!r) return;
    Object.assign(r, { examples: [], weights: null, learned: null });
    Object.assign(this.#now.get(model), { again: false, note: null });
    await this.#store.delete(model);
    this.#onChange(model);
  }

  /** Drops `model`'s personal weights, which could not be loaded (`why`), and learns the kept
   * examples again. */
  async discard(model, why) {
    const r = this.#records.get(model);
    if (!r?.weights) return;
    Object.assign(r, { weights: null, learned: null });
    this.#now.get(model).note = `Your personal model could not be loaded (${why}); learning it again from your examples.`;
    await this.#store.put(r);
    this.#onChange(model);
    if (r.examples.length >= MIN_EXAMPLES) this.#train(model);
  }

  /** Fine-tunes on every example; a correction made meanwhile starts another run after it. */
  async #train(model) {
    const r = this.#records.get(model);
    const now = this.#now.get(model);
    if (now.training) {
      now.again = true;
      return;
    }
    Object.assign(now, { training: true, progress: 0, again: false, note: null });
    this.#onChange(model);
    const examples = r.examples.slice();
    const pixels = new Uint8Array(examples.length * 784);
    examples.forEach((e, i) => pixels.set(e.pixels, i * 784));
    const labels = Uint8Array.from(examples, (e) => e.label);
    try {
      const result = await this.#learner.tune({ model, pixels, labels }, (p) => {
        now.progress = p;
        this.#onChange(model);
      });
      const { holdout } = result.scores;
      const drop = (100 * (holdout.before - holdout.after)) / holdout.total;
      if (r.examples.length === 0) {
        // Reset while it ran: nothing to keep.
      } else if (drop > MAX_MNIST_DROP) {
        now.note = `This fine-tune would have lost ${drop.toFixed(1)} points on MNIST digits, so it is not used.`;
      } else {
        r.weights = result.weights;
        r.learned = { examples: examples.length, scores: result.scores, ms: result.ms };
        await this.#store.put(r);
      }
    } catch (e) {
      now.note = `Learning failed: ${(e && e.message) || e}`;
    } finally {
      now.training = false;
      this.#onChange(model);
    }
    if (now.again && r.examples.length >= MIN_EXAMPLES) this.#train(model);
  }
}
