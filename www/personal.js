// Learning one person's handwriting, on their device. Each corrected drawing (its 28x28 image
// and the digit it really was) is kept per model in IndexedDB; from MIN_EXAMPLES on, every
// correction fine-tunes the shipped model on them in a worker (learn-worker.js) and the result is
// kept beside them, so it survives a reload. Nothing is sent anywhere.
//
// The stored record is the one truth, shared by every tab of the site: each change (a correction,
// an undo, a reset, a fine-tune's result) is one IndexedDB transaction that reads the record,
// changes it and writes it back, never a save of a tab's own copy. Each change gives the examples
// a new `rev`; a fine-tune's result is kept only if the examples it learned from are still the
// stored ones. Other tabs hear of every change on a BroadcastChannel and read the record again.

import { validRecord } from './records.js';
import { WorkerClient, errorText } from './rpc.js';

/** Corrections before the first fine-tune: one could be a slip of the finger. */
export const MIN_EXAMPLES = 3;
/** The learning module's files, fetched the first time someone corrects an answer. */
export const LEARN_FILES = ['pkg/digits_learn.js', 'pkg/digits_learn_bg.wasm'];
/** How long a learning-worker call may go without a word (a progress report or its answer)
 * before the worker is taken as hung, stopped and replaced. Downloading the module counts. */
export const LEARN_TIMEOUT_MS = 120_000;

const DB_NAME = 'digits-personal';
const STORE = 'models';
const CHANNEL = 'digits-personal';

/** FNV-1a of a model card: a fine-tune is of one build of a model, and is redone for another. */
function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A fresh name for a state of the examples. */
function newRev() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Records by model name in IndexedDB; in memory only where IndexedDB cannot be opened. */
class Store {
  #db = null;
  #memory = new Map();
  /** Why nothing is saved on this device, or null. */
  unsaved = null;
  /** Whether the browser keeps the site's storage when the device runs short of space: true,
   * false (it may clear it then, examples and all), or null (not known). */
  persistent = null;
  #asked = false;

  async open() {
    try {
      this.#db = await new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'model' });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error('the database is blocked by another tab'));
      });
      // A newer build's schema change closes this tab's connection rather than blocking it.
      this.#db.onversionchange = () => this.#db.close();
    } catch (e) {
      this.unsaved = `IndexedDB is not available (${errorText(e)})`;
    }
  }

  /**
   * Learns whether the browser keeps the site's storage when space runs low and, with `ask`,
   * asks it to (once a visit: Firefox shows a prompt, so only after a person's correction, never
   * on load). `onAnswer()` is called once it is known.
   */
  async keep(ask, onAnswer) {
    const storage = globalThis.navigator?.storage;
    if (!this.#db || this.persistent || !storage?.persisted || (ask && this.#asked)) return;
    if (ask) this.#asked = true;
    try {
      let kept = await storage.persisted();
      if (!kept && ask && storage.persist) kept = await storage.persist();
      this.persistent = kept;
    } catch {
      return; // not known: nothing said
    }
    onAnswer();
  }

  /** The stored record of `model` (undefined if none); rejects when it cannot be read. */
  get(model) {
    if (!this.#db) return Promise.resolve(structuredClone(this.#memory.get(model)));
    return new Promise((resolve, reject) => {
      const tx = this.#db.transaction(STORE, 'readonly');
      const req = tx.objectStore(STORE).get(model);
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = tx.onabort = () => reject(tx.error || new Error('the read was aborted'));
    });
  }

  /**
   * Changes `model`'s record in one transaction: `change(stored)` gets the stored record (or
   * undefined) and returns the new one, `null` to delete it, or `undefined` to leave it. Resolves
   * to the record as stored afterwards; rejects (writing nothing) if reading, `change` or
   * writing fails.
   */
  update(model, change) {
    if (!this.#db) {
      const next = change(structuredClone(this.#memory.get(model)));
      if (next === null) this.#memory.delete(model);
      else if (next !== undefined) this.#memory.set(model, next);
      return Promise.resolve(structuredClone(this.#memory.get(model)));
    }
    return new Promise((resolve, reject) => {
      const tx = this.#db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      let result;
      let failure = null;
      const read = store.get(model);
      read.onsuccess = () => {
        try {
          const next = change(read.result);
          if (next === null) store.delete(model);
          else if (next !== undefined) store.put(next);
          result = next === undefined ? read.result : next ?? undefined;
        } catch (e) {
          failure = e;
          tx.abort();
        }
      };
      tx.oncomplete = () => resolve(result);
      tx.onerror = tx.onabort = (ev) => {
        ev?.preventDefault?.();
        reject(failure || tx.error || new Error('the transaction was aborted'));
      };
    });
  }
}

/**
 * The learning worker, created on the first correction (to fetch the module early) and kept;
 * after a failed fine-tune it is replaced, since a wasm trap leaves its instance unusable.
 */
class LearnWorker {
  #client = new WorkerClient(new URL('./learn-worker.js', import.meta.url), 'the learning worker');
  #timeoutMs;
  #warming = null;

  constructor({ timeoutMs = LEARN_TIMEOUT_MS } = {}) {
    this.#timeoutMs = timeoutMs;
  }

  /** Fetches the learning module ahead of the first fine-tune (once; again after a failure). */
  warm() {
    this.#warming ??= this.#client.call({ warm: true }, { timeoutMs: this.#timeoutMs, what: 'the module download' })
      .catch(() => { this.#warming = null; }); // a failure shows when it tunes
  }

  async tune(args, onProgress) {
    try {
      return await this.#client.call(args, {
        timeoutMs: this.#timeoutMs,
        what: 'a fine-tune',
        onProgress,
        transfer: [args.pixels.buffer, args.labels.buffer],
      });
    } catch (e) {
      this.#client.stop('the learning worker was restarted after an error');
      this.#warming = null;
      throw e;
    }
  }
}

/**
 * Each model's personal state: `{model, base, rev, examples: [{pixels, label}], weights, learned,
 * tried}` stored (`learned`: `{rev, examples, scores, ms}` of the fine-tune that made `weights`;
 * `tried`: the last `rev` a fine-tune ran to the end on, kept or not), and what is going on now.
 * `onChange(model)` is called whenever either changes, in this tab or another.
 *
 * options: `cardOf(model)` gives a model's shipped card (the base of its record); `limits` are
 * the first module's (`limits()`: the image size, the most examples kept) and `toBytes` its
 * `imageBytes` (an image as stored); `learnTimeoutMs` replaces LEARN_TIMEOUT_MS.
 */
export class Personal {
  #store = new Store();
  #ready = this.#store.open();
  #learner;
  #cardOf;
  #limits;
  #toBytes;
  #records = new Map(); // model -> the stored record as last read or written (null: none)
  #now = new Map(); // model -> {training, progress, note, readFailed}
  #onChange;
  #channel = null;

  constructor(onChange, { cardOf = () => '', limits, toBytes, learnTimeoutMs }) {
    this.#onChange = onChange;
    this.#cardOf = cardOf;
    this.#limits = limits;
    this.#toBytes = toBytes;
    this.#learner = new LearnWorker({ timeoutMs: learnTimeoutMs });
    if (typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel(CHANNEL);
      this.#channel.onmessage = ({ data }) => {
        if (typeof data?.model === 'string' && this.#records.has(data.model)) this.#reread(data.model);
      };
    }
  }

  #state(model) {
    if (!this.#now.has(model)) this.#now.set(model, { training: false, progress: 0, note: null, damaged: null, readFailed: null });
    return this.#now.get(model);
  }

  /** A stored record as this tab keeps it: validated (what fails is dropped, with the reason as
   * a note), and with the weights object of the copy already held when they are the same
   * fine-tune's, so the page does not load them again. */
  #adopt(model, stored) {
    const now = this.#state(model);
    let record = null;
    if (stored !== undefined) {
      const { record: valid, problems } = validRecord(stored, model, this.#limits);
      record = valid;
      if (problems.length) now.damaged = `Some of your stored data was damaged and is not used (${problems.join('; ')}).`;
    }
    const held = this.#records.get(model);
    if (record?.weights && held?.weights && held.learned?.rev === record.learned?.rev) record.weights = held.weights;
    this.#records.set(model, record);
    return record;
  }

  /** Loads `model`'s record (its shipped model card is `card`); a record of another build of
   * the model keeps its examples and learns them again, as does one whose fine-tune was cut
   * off (by a reload, an update or a closed tab). */
  async open(model, card) {
    if (this.#records.has(model)) return;
    await this.#ready;
    if (this.#records.has(model)) return; // opened meanwhile
    const now = this.#state(model);
    let stored;
    try {
      stored = await this.#store.get(model);
      now.readFailed = null;
    } catch (e) {
      // Not "no record": nothing is written over what may be there (every change re-reads it).
      now.readFailed = `your saved examples could not be read (${errorText(e)})`;
      now.note = `Your saved examples could not be read (${errorText(e)}); they are left as they are.`;
    }
    if (this.#records.has(model)) return;
    const record = this.#adopt(model, stored);
    if (record?.examples.length) this.#store.keep(false, () => this.#onChange(model));
    if (record && record.base !== fingerprint(card)) {
      await this.#change(model, (r) => {
        const valid = r && validRecord(r, model, this.#limits).record;
        return valid ? { ...valid, base: fingerprint(card), weights: null, learned: null, tried: null } : undefined;
      });
    }
    this.#onChange(model);
    this.#trainIfDue(model);
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
      note: [now.damaged, now.note].filter(Boolean).join(' ') || null,
      unsaved: this.#store.unsaved,
      persistent: this.#store.persistent,
    };
  }

  /** Keeps `image` (the model's input, values in [0, 1]) as an example of `digit`, and learns
   * from it. It need not wait for `open`: the example goes straight into the stored record. */
  async teach(model, image, digit) {
    await this.#ready;
    const pixels = this.#toBytes(image);
    this.#learner.warm();
    const base = fingerprint(this.#cardOf(model));
    const done = await this.#change(model, (stored) => {
      const r = stored ? validRecord(stored, model, this.#limits).record : null;
      const record = r && r.base === base ? r : { model, base, examples: r?.examples ?? [], weights: null, learned: null, tried: null };
      const examples = [...record.examples, { pixels, label: digit }].slice(-this.#limits.maxExamples);
      return { ...record, rev: newRev(), examples };
    });
    if (done) {
      Object.assign(this.#state(model), { note: null, damaged: null });
      this.#trainIfDue(model);
      // Not awaited: Firefox's prompt may wait on the person.
      this.#store.keep(true, () => this.#onChange(model));
    }
  }

  /** Forgets `model`'s latest example (a mis-tap, say) and learns from the others again. The
   * personal model learned with it is dropped at once: the shipped one runs until then. */
  async undo(model) {
    await this.#ready;
    const done = await this.#change(model, (stored) => {
      const r = stored ? validRecord(stored, model, this.#limits).record : null;
      if (!r?.examples.length) return undefined;
      return { ...r, rev: newRev(), examples: r.examples.slice(0, -1), weights: null, learned: null, tried: null };
    });
    if (done) {
      Object.assign(this.#state(model), { note: null, damaged: null });
      this.#trainIfDue(model);
    }
  }

  /** Forgets `model`'s examples and personal model, in every tab. */
  async reset(model) {
    await this.#ready;
    if (await this.#change(model, () => null)) Object.assign(this.#state(model), { note: null, damaged: null });
    this.#onChange(model);
  }

  /** Drops `model`'s personal weights, which could not be loaded (`why`), and learns the kept
   * examples again. */
  async discard(model, why) {
    const held = this.#records.get(model);
    if (!held?.weights) return;
    const rev = held.learned?.rev;
    // At once: the page asks for the weights again before the transaction ends.
    this.#records.set(model, { ...held, weights: null, learned: null });
    await this.#change(model, (s) => {
      const r = s && validRecord(s, model, this.#limits).record;
      return r?.learned?.rev === rev ? { ...r, weights: null, learned: null, tried: null } : undefined;
    });
    const again = (this.#records.get(model)?.examples.length ?? 0) >= MIN_EXAMPLES;
    this.#state(model).note = `Your personal model could not be loaded (${why}); ` +
      (again ? 'learning it again from your examples.' : 'the shipped model is used.');
    this.#onChange(model);
    this.#trainIfDue(model);
  }

  /** Runs `change` as one transaction on the stored record, then keeps the result, tells the
   * page and the other tabs. False (with the reason shown) when it failed: nothing was written. */
  async #change(model, change) {
    let stored;
    try {
      stored = await this.#store.update(model, change);
    } catch (e) {
      this.#state(model).note = `Your change could not be saved (${errorText(e)}); nothing stored was changed.`;
      this.#onChange(model);
      return false;
    }
    this.#state(model).readFailed = null;
    this.#adopt(model, stored);
    this.#channel?.postMessage({ model });
    this.#onChange(model);
    return true;
  }

  /** Another tab changed `model`'s record: read it again. */
  async #reread(model) {
    try {
      this.#adopt(model, await this.#store.get(model));
    } catch {
      return; // this tab keeps what it had; its next change reads the record afresh
    }
    this.#onChange(model);
  }

  /** Starts a fine-tune when the stored examples are enough and none has run on them yet. */
  #trainIfDue(model) {
    const r = this.#records.get(model);
    const now = this.#state(model);
    if (!r || now.training || now.readFailed) return;
    if (r.examples.length >= MIN_EXAMPLES && r.tried !== r.rev) this.#train(model);
  }

  /** Fine-tunes on the stored examples; its result is stored only if they are still the same.
   * A failed run (a hung or crashed worker) is tried once more on a fresh worker. */
  async #train(model, attempt = 1) {
    const r = this.#records.get(model);
    const now = this.#state(model);
    Object.assign(now, { training: true, progress: 0, note: null });
    this.#onChange(model);
    const { rev, examples } = r;
    const size = this.#limits.inputSize;
    const pixels = new Uint8Array(examples.length * size);
    examples.forEach((e, i) => pixels.set(e.pixels, i * size));
    const labels = Uint8Array.from(examples, (e) => e.label);
    let note = null;
    let failed = false;
    try {
      const result = await this.#learner.tune({ model, pixels, labels }, (p) => {
        now.progress = p;
        this.#onChange(model);
      });
      // The wasm decides whether the fine-tune may be used (`learn::MAX_MNIST_DROP`).
      const keep = !result.refusal;
      if (!keep) note = result.refusal;
      const learned = { rev, examples: examples.length, scores: result.scores, ms: result.ms };
      await this.#change(model, (s) => {
        const current = s && validRecord(s, model, this.#limits).record;
        if (current?.rev !== rev) return undefined; // changed meanwhile: learned from an old list
        return keep ? { ...current, weights: result.weights, learned, tried: rev } : { ...current, tried: rev };
      });
    } catch (e) {
      failed = true;
      note = attempt === 1
        ? `Learning failed (${errorText(e)}); trying once more.`
        : `Learning failed again (${errorText(e)}); it is tried again with your next correction, or on your next visit.`;
    } finally {
      now.training = false;
      now.note = note;
      this.#onChange(model);
    }
    // The examples changed while it ran (never the same ones again: a failed write must not loop).
    if (!failed && this.#records.get(model)?.rev !== rev) this.#trainIfDue(model);
    else if (attempt === 1 && !now.readFailed && this.#records.get(model)?.examples.length >= MIN_EXAMPLES) {
      this.#train(model, 2);
    }
  }
}
