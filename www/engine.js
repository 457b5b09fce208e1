// Loading the wasm module and a recognizer. The backend is settled at run time by the wasm
// side; when WebGPU breaks in a way that kills its wasm instance (a panic is an abort in wasm),
// a fresh, independent instance is started on the CPU.

let fresh = 0;

async function loadModule(tag) {
  const url = new URL('../pkg/digits.js', import.meta.url);
  // A different query makes a separate module record, and with it a separate wasm instance.
  if (tag) url.searchParams.set('instance', tag);
  const mod = await import(url.href);
  performance.mark('digits:glue-loaded');
  await mod.default();
  performance.mark('digits:wasm-ready');
  return mod;
}

export function message(e) {
  return (e && (e.message || String(e))) || 'unknown error';
}

/**
 * Starts on the CPU, which is ready in milliseconds, so the page can take drawings at once.
 * `pending` says whether WebGPU still has to be tried (see upgrade()).
 * @returns {Promise<{mod: any, rec: any, why: string | null, pending: boolean}>}
 */
export async function start(model, backend) {
  const mod = await loadModule('');
  const rec = await mod.Recognizer.create(model, 'cpu');
  performance.mark('digits:cpu-ready');
  if (backend === 'cpu') return { mod, rec, why: null, pending: false };
  return { mod, rec, why: 'checking for WebGPU\u2026', pending: true };
}

/**
 * Tries WebGPU for `engine`'s model (`backend`: "auto" or "webgpu") and returns the engine to
 * use from then on: on WebGPU if its warm-up matched the CPU, else on the CPU with the reason.
 * `currentModel()` is asked again at the end, in case the person switched models meanwhile.
 */
export async function upgrade(engine, backend, currentModel) {
  try {
    let rec = await engine.mod.Recognizer.create(engine.rec.model, backend);
    while (rec.model !== currentModel()) {
      rec = await engine.mod.Recognizer.create(currentModel(), rec.backend === 'WebGPU' ? 'webgpu' : backend);
    }
    return { mod: engine.mod, rec, why: null, pending: false };
  } catch (e) {
    // A panic aborts the whole wasm instance, the CPU recognizer in it included.
    return { ...(await fallback(currentModel(), `WebGPU crashed while starting (${message(e)})`)), pending: false };
  }
}

/** A new wasm instance on the CPU, with the reason WebGPU was given up. */
export async function fallback(model, why) {
  console.warn(`Falling back to the CPU: ${why}`);
  fresh += 1;
  const mod = await loadModule(`cpu-${fresh}`);
  return { mod, rec: await mod.Recognizer.create(model, 'cpu'), why };
}
