// Loading the wasm module and a recognizer. The backend is settled at run time by the wasm
// side; when WebGPU breaks in a way that kills its wasm instance (a panic is an abort in wasm),
// a fresh, independent instance is started on the CPU.

let fresh = 0;

async function loadModule(tag) {
  const url = new URL('../pkg/digits.js', import.meta.url);
  // A different query makes a separate module record, and with it a separate wasm instance.
  if (tag) url.searchParams.set('instance', tag);
  const mod = await import(url.href);
  await mod.default();
  return mod;
}

export function message(e) {
  return (e && (e.message || String(e))) || 'unknown error';
}

/** @returns {Promise<{mod: any, rec: any, why: string | null}>} */
export async function start(model, backend) {
  const mod = await loadModule('');
  try {
    return { mod, rec: await mod.Recognizer.create(model, backend), why: null };
  } catch (e) {
    if (backend === 'cpu' || /unknown model/.test(message(e))) throw e;
    return fallback(model, `WebGPU crashed while starting (${message(e)})`);
  }
}

/** A new wasm instance on the CPU, with the reason WebGPU was given up. */
export async function fallback(model, why) {
  console.warn(`Falling back to the CPU: ${why}`);
  fresh += 1;
  const mod = await loadModule(`cpu-${fresh}`);
  return { mod, rec: await mod.Recognizer.create(model, 'cpu'), why };
}
