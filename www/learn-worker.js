// Fine-tuning, off the page's main thread (see personal.js). The learning module (autodiff, Adam
// and the replay set: pkg/digits_learn_bg.wasm) is fetched here the first time someone corrects
// an answer. Messages: `{id, model, pixels, labels}` in; `{id, progress}` while it runs, then
// `{id, result: {weights, scores, refusal, ms}}` or `{id, error}`. `{id, warm: true}` only fetches the
// module (the page sends it on the first correction, a few drawings before it needs it). After a
// failed fine-tune the page replaces this worker: a wasm trap leaves its instance unusable.

/** Steps between progress reports: each is a few ms, so the bar moves smoothly. */
const STEPS_PER_REPORT = 4;

import { errorText } from './rpc.js';

let loading = null;

function learningModule() {
  loading ??= (async () => {
    const mod = await import('../pkg/digits_learn.js');
    await mod.default({ module_or_path: new URL('../pkg/digits_learn_bg.wasm', import.meta.url) });
    return mod;
  })();
  return loading;
}

async function tune(id, { model, pixels, labels }) {
  const mod = await learningModule();
  const t0 = performance.now();
  const learner = new mod.Learner(model, pixels, labels);
  try {
    for (let done = 0; done < 1; ) {
      done = learner.run(STEPS_PER_REPORT);
      self.postMessage({ id, progress: done });
    }
    const tuned = learner.finish();
    const weights = tuned.weights;
    const scores = JSON.parse(tuned.scores);
    const refusal = tuned.refusal ?? null;
    tuned.free();
    return { weights, scores, refusal, ms: performance.now() - t0 };
  } finally {
    learner.free();
  }
}

self.onmessage = async ({ data: { id, ...args } }) => {
  if (args.warm) {
    learningModule().then(
      () => self.postMessage({ id, result: {} }),
      (e) => {
        loading = null;
        self.postMessage({ id, error: errorText(e) });
      },
    );
    return;
  }
  try {
    const result = await tune(id, args);
    self.postMessage({ id, result }, [result.weights.buffer]);
  } catch (e) {
    loading = null; // a failed download may work next time
    self.postMessage({ id, error: errorText(e) });
  }
};
