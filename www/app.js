// Wires the pad, the recognizer, the view and the personal model together. Predictions run at
// most once per animation frame and never queue: while one runs, later changes only mark the pad
// dirty.

import { Pad } from './pad.js';
import { View } from './view.js';
import { Engine, message, backendLabel, Backend, WEBGPU_FILES } from './engine.js';
import { keepOffline, keepFiles } from './offline.js';

const params = new URLSearchParams(location.search);
const backendPref = ['cpu', 'webgpu'].includes(params.get('backend')) ? params.get('backend') : 'auto';
/** Test hook: `?test-timeout=MS` is how long the page waits for a WebGPU classification or
 * for word from the learning worker (the tests stub a worker that hangs). */
const testTimeout = Number(params.get('test-timeout')) || undefined;
const view = new View(teach);
const $ = (id) => document.getElementById(id);

/** The recognizer and where it runs (engine.js); null until the first module is up. */
let engine = null;
let dirty = false;
let busy = false;
let frame = 0;
/** Each model's shipped card. */
const cards = new Map();
/** The personal models (personal.js), loaded once the page takes drawings: nothing of them is
 * needed before, and IndexedDB is not opened on the first load's path. */
let learning = null; // { personal, LEARN_FILES, MIN_EXAMPLES }
/** Resolves to `learning` once it is loaded (null if it cannot be). */
let learningReady = null;
const personalWeights = (model) => learning?.personal.weights(model) ?? null;
/** The numbers the page shares with the wasm (`limits()`), once it is up. */
let pageLimits = null;
const limits = () => (pageLimits ??= JSON.parse(engine.mod.limits()));

const pad = new Pad($('pad'), () => {
  view.forget();
  schedule();
});

function schedule() {
  dirty = true;
  reading(true);
  $('hint').hidden = !pad.isEmpty;
  if (!frame) frame = requestAnimationFrame(predict);
}

async function predict() {
  frame = 0;
  if (busy || !engine) return; // the running prediction reschedules when it ends
  dirty = false;
  busy = true;
  try {
    const { xy, ends, brush } = pad.flat();
    const t0 = performance.now();
    // Each digit of a number (or the one digit) classified in one batch; where a wide part may
    // be two joined digits and the answer is unsure, both halves of each cut in a second; then
    // the digits chosen from the answers.
    const plan = engine.mod.planNumber(xy, ends, brush);
    if (!plan) {
      view.empty();
      return;
    }
    let images, answers, chosen;
    try {
      images = plan.images;
      answers = await engine.classify(images);
      const halves = plan.cutUnsure(answers);
      if (halves.length) {
        images = joined(images, halves);
        answers = joined(answers, await engine.classify(halves));
      }
      chosen = [...plan.choose(answers)];
    } finally {
      plan.free();
    }
    const ms = performance.now() - t0;
    const { inputSize, answerLen } = limits();
    if (pad.isEmpty) view.empty(); // cleared while it ran
    else view.show(chosen.map((i) => part(answers, answerLen, i)), chosen.map((i) => part(images, inputSize, i)), ms);
  } catch (e) {
    showError(`Prediction failed: ${message(e)}`);
  } finally {
    busy = false;
    if (dirty) schedule();
    else reading(false);
  }
}

/** html[data-reading] is there while the drawing on the pad waits for its answer: a slow
 * backend can leave the page looking still with a frame's answer still to come (tests wait). */
function reading(on) {
  document.documentElement.toggleAttribute('data-reading', on);
}

/** `a` then `b`, as one Float32Array. */
function joined(a, b) {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The `i`th run of `size` values of `all` (an image's answer, or its pixels). */
function part(all, size, i) {
  return all.subarray(i * size, (i + 1) * size);
}

/** A correction: the drawing on show (or the selected digit of a number) was `digit`. It is
 * kept and learned from. A single digit's pad clears for the next drawing; a number stays, its
 * digit marked as taught, so that its other digits can be taught too (each once). A correction
 * made before the personal models are loaded waits for them, and is stored for the model it was
 * made on. */
async function teach(digit) {
  const image = view.selectedImage;
  if (!engine || !learningReady || !image || pad.isEmpty || view.selectedTaught) return;
  const model = engine.wanted;
  if (view.images.length === 1) pad.clear();
  else view.markTaught(digit);
  const ready = await learningReady;
  if (!ready) showError('Your correction could not be kept: learning your handwriting is unavailable here.');
  else await ready.personal.teach(model, image, digit);
}

function personalChanged(model) {
  if (model !== engine?.wanted) return;
  const status = learning.personal.status(model);
  showPersonal();
  // The learning module came through this page: kept for offline use like the rest.
  if (status.learned && !status.training) keepFiles(learning.LEARN_FILES);
  engine?.sync();
}

function showError(text) {
  const el = $('error');
  el.textContent = text;
  el.hidden = !text;
  if (text) console.error(text);
}

/** The personal model's line, for the wanted model; "in use" once the recognizer runs it. */
function showPersonal() {
  if (!learning || !engine) return;
  const { wanted, rec } = engine;
  const weights = personalWeights(wanted);
  const inUse = weights !== null && rec.model === wanted && rec.weights === weights;
  view.showPersonal(learning.personal.status(wanted), learning.MIN_EXAMPLES, inUse);
}

function showStatus() {
  showPersonal();
  const { rec, why } = engine;
  $('backend').textContent = backendLabel(rec.backend);
  $('reason').textContent = rec.backend === Backend.Cpu ? `(${why || 'no WebGPU'})` : '';
  const card = JSON.parse(rec.card);
  view.setUnsureBelow(typeof card.unsure_below === 'number' ? card.unsure_below : 0);
  const rejection = card.not_a_digit;
  view.setNotDigitAbove(typeof rejection?.threshold === 'number' ? rejection.threshold : null);
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  // Not toLocaleString: its first call loads the locale data, which delays start-up.
  const thousands = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
  // Each figure names the set it was measured on (see "How measured" beside it).
  const parts = [`${pct(card.test_accuracy)} of ${thousands(card.test_total)} MNIST test digits`];
  if (typeof card.drawn_accuracy === 'number') parts.push(`${pct(card.drawn_accuracy)} of the same digits redrawn as pen strokes`);
  const pen = card.pen?.validation;
  if (pen?.total) parts.push(`${pct(pen.read_right / pen.total)} of ${thousands(pen.total)} digits by 14 real writers with a pen`);
  if (card.writers_total) parts.push(`${pct(card.writers_correct / card.writers_total)} of ${thousands(card.writers_total)} digits by writers outside MNIST on scanned forms`);
  if (card.style_total) parts.push(`${pct(card.style_correct / card.style_total)} of our own generated styles`);
  if (rejection) {
    const letters = card.pen?.site_letters_total
      ? ` ${pct(card.pen.site_letters_turned_away / card.pen.site_letters_total)} of letters by real writers it never trained on,`
      : '';
    parts.push(`"Not a digit" for ${pct(rejection.held_out_caught)} of drawings of kinds it never trained on,${letters}` +
      ` and for ${pct(rejection.drawn_turned_away)} of the redrawn digits`);
  } else {
    parts.push('it does not answer "Not a digit" (the article\'s recipe, kept exact)');
  }
  const acc = parts.join('; ');
  $('accuracy').textContent = acc;
  $('model').value = rec.model;
}

function fillModels(mod) {
  const select = $('model');
  for (const m of JSON.parse(mod.models())) {
    cards.set(m.name, JSON.stringify(m.card));
    const opt = document.createElement('option');
    opt.value = m.name;
    opt.textContent = m.label;
    select.append(opt);
  }
  select.addEventListener('change', () => {
    const name = select.value;
    const url = new URL(location.href);
    url.searchParams.set('model', name);
    history.replaceState(null, '', url);
    engine.want(name);
    showPersonal();
    learning?.personal.open(name, cards.get(name));
  });
}

function listen() {
  $('clear').addEventListener('click', () => pad.clear());
  $('reset-personal').addEventListener('click', () => engine && learning?.personal.reset(engine.wanted));
  $('undo-teach').addEventListener('click', () => engine && learning?.personal.undo(engine.wanted));
  $('undo').addEventListener('click', () => pad.undo());
  window.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLSelectElement) return;
    if (e.key === 'Escape' || e.key === 'Delete') {
      pad.clear();
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !e.shiftKey) {
      e.preventDefault();
      pad.undo();
    }
  });
  new ResizeObserver(() => {
    pad.resize();
    schedule();
  }).observe($('pad'));
}

async function main() {
  listen();
  view.empty();
  // The pad takes strokes from here on; they are classified once the recognizer is up.
  document.documentElement.dataset.drawable = 'true';
  try {
    engine = await Engine.start(params.get('model') || '', backendPref, {
      weightsFor: personalWeights,
      onChange: () => {
        showStatus();
        schedule();
      },
      onDamaged: (model, why) => learning.personal.discard(model, why),
      onError: showError,
      timeoutMs: testTimeout,
    });
  } catch (e) {
    $('backend').textContent = 'unavailable';
    showError(`The recognizer could not start: ${message(e)}`);
    // A newer build may be the fix: it is still offered.
    await keepOffline(offerUpdate, hasWork);
    return;
  }
  fillModels(engine.mod);
  showStatus();
  document.documentElement.dataset.ready = 'true';
  performance.mark('digits:ready');
  schedule();
  learningReady = startLearning();
  // The offline copy and updates do not wait on WebGPU: its check could hang. They start once
  // it is over, or after OFFLINE_DELAY_MS, whichever comes first (not on the first load's path).
  let settled;
  const backendSettled = new Promise((resolve) => { settled = resolve; });
  const offline = Promise.race([backendSettled, new Promise((resolve) => setTimeout(resolve, OFFLINE_DELAY_MS))])
    .then(() => keepOffline(offerUpdate, hasWork));
  await engine.checkWebGpu();
  settled();
  document.documentElement.dataset.backendSettled = 'true';
  performance.mark('digits:backend-settled');
  await offline;
  if (engine.rec.backend === Backend.WebGpu) keepFiles(WEBGPU_FILES);
}

/** How long after start-up the offline copy is set up, if the WebGPU check is not over. */
const OFFLINE_DELAY_MS = 3000;

/** Whether reloading this tab now would lose something: a drawing, or a fine-tune running. */
function hasWork() {
  return !pad.isEmpty || !!(learning && engine && learning.personal.status(engine.wanted).training);
}

/** Loads the personal models' module and opens the wanted model's personal state. */
async function startLearning() {
  try {
    const mod = await import('./personal.js');
    const personal = new mod.Personal(personalChanged, {
      cardOf: (model) => cards.get(model) ?? '',
      limits: limits(),
      toBytes: (image) => engine.mod.imageBytes(image),
      learnTimeoutMs: testTimeout,
    });
    learning = { ...mod, personal };
    await learning.personal.open(engine.wanted, cards.get(engine.wanted));
    return learning;
  } catch (e) {
    console.warn(`Learning your handwriting is unavailable: ${message(e)}`);
    return null;
  }
}

/** Shows the "new version" bar: `apply` lets the waiting build take over (every tab of the site
 * reloads, except one with a drawing or a fine-tune, which asks first); `applied` says the new
 * build took over while this tab was busy, so it reloads when the person says. */
function offerUpdate(apply, { applied = false } = {}) {
  $('update').hidden = false;
  $('update-text').textContent = applied
    ? 'A new version is in use in another tab. Reload this one when you are done:'
    : 'A new version is ready.';
  $('update-apply').textContent = applied ? 'Reload' : 'Update';
  $('update-apply').onclick = applied ? () => location.reload() : apply;
}

main();
