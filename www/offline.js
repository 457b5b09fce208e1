// The service worker (./sw.js, made at build time from service-worker.js) keeps the site for
// use without a network. This module registers it and offers a newer build when one is ready.

/**
 * Registers the service worker; `offer(apply)` is called when a new build waits to take over,
 * and `offer(null, {applied: true})` when it took over (from another tab) while `busy()` says
 * this tab has something a reload would lose.
 */
export async function keepOffline(offer, busy = () => false) {
  if (!('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  const updating = !!sw.controller; // a first install changes no running page
  sw.addEventListener('controllerchange', () => {
    if (!updating) return;
    // Every idle tab moves to the new build at once; a busy one asks first.
    if (busy()) offer(null, { applied: true });
    else location.reload();
  });
  let reg;
  try {
    reg = await sw.register('./sw.js');
  } catch (e) {
    console.warn(`No offline use: the service worker did not register (${e && e.message})`);
    return;
  }
  const waitingFor = (worker) => {
    if (sw.controller) offer(() => worker.postMessage({ type: 'activate' }));
  };
  const track = (worker) => worker?.addEventListener('statechange', () => {
    if (worker.state === 'installed') waitingFor(worker);
  });
  if (reg.waiting) waitingFor(reg.waiting);
  track(reg.installing); // the navigation's own update check may have started it already
  reg.addEventListener('updatefound', () => track(reg.installing));
}

/**
 * Asks the service worker, once it is active, to keep `paths` (site-relative): files that this
 * page fetched before a service worker was in charge of it.
 */
export function keepFiles(paths) {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: 'keep', paths }));
}
