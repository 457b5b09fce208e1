// Checking a personal record read from IndexedDB before anything uses it: another build, a
// browser bug or a hand edit can leave anything there. What fails a check is dropped, with the
// reason; the rest is kept. (The weights' contents, shapes and finiteness, are checked by the
// wasm when it loads them: a failure there drops them too, see personal.js `discard`.)

/** Far above any real personal model (the web model's int8 weights are ~240 kB). */
const MAX_WEIGHTS_BYTES = 16 << 20;

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (n) => Number.isInteger(n) && n >= 0;

/** A fine-tune's scores, as the learning module reports them. */
function validScores(s) {
  const pair = (p) => isObject(p) && count(p.before) && count(p.after);
  return isObject(s) && pair(s.own) && pair(s.holdout) && count(s.holdout.total)
    && s.holdout.before <= s.holdout.total && s.holdout.after <= s.holdout.total;
}

/**
 * `stored` (the record of `model`) with what fails a check dropped, and why: `{record, problems}`.
 * `record` is null when nothing of it can be used. `limits` are the wasm's (`limits()`): an
 * example is `inputSize` bytes, and at most the newest `maxExamples` are kept.
 */
export function validRecord(stored, model, { maxExamples, inputSize }) {
  const problems = [];
  if (!isObject(stored)) return { record: null, problems: ['the record is not an object'] };
  if (stored.model !== model) return { record: null, problems: [`the record is of model ${JSON.stringify(stored.model)}`] };
  let examples = [];
  if (!Array.isArray(stored.examples)) {
    problems.push('its examples are not a list');
  } else {
    if (stored.examples.length > maxExamples) {
      problems.push(`${stored.examples.length} examples, more than the ${maxExamples} kept: the newest are kept`);
    }
    const newest = stored.examples.slice(-maxExamples);
    examples = newest.filter((e) => isObject(e) && e.pixels instanceof Uint8Array && e.pixels.length === inputSize
      && Number.isInteger(e.label) && e.label >= 0 && e.label <= 9);
    const bad = newest.length - examples.length;
    if (bad) problems.push(`${bad} example${bad === 1 ? '' : 's'} without a 28x28 image or a digit label`);
  }
  const rev = typeof stored.rev === 'string' ? stored.rev : 'v1'; // records before revs
  let { weights = null, learned = null } = stored;
  const weightsOk = weights === null
    || (weights instanceof Uint8Array && weights.byteLength > 0 && weights.byteLength <= MAX_WEIGHTS_BYTES);
  const learnedOk = learned === null
    || (isObject(learned) && count(learned.examples) && Number.isFinite(learned.ms) && validScores(learned.scores));
  if (!weightsOk) problems.push('its personal weights are not a weights file');
  else if (weights !== null && (!learnedOk || learned === null)) problems.push('its personal model has no valid scores');
  if (!weightsOk || !learnedOk || (weights === null) !== (learned === null)) {
    weights = null;
    learned = null;
  }
  if (learned && typeof learned.rev !== 'string') learned = { ...learned, rev };
  // Examples dropped here differ from what the fine-tune learned: learn them again.
  const changed = examples.length !== (Array.isArray(stored.examples) ? stored.examples.length : -1);
  const tried = !changed && typeof stored.tried === 'string' ? stored.tried : stored.rev === undefined && learned ? rev : null;
  return {
    record: {
      model,
      base: typeof stored.base === 'string' ? stored.base : '',
      rev: changed ? `${rev}+checked` : rev,
      examples,
      weights,
      learned,
      tried,
    },
    problems,
  };
}
