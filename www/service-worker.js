// The offline cache. scripts/stamp-sw.mjs writes ./sw.js from this file at build time, with
// MANIFEST first: `{build, files: {path: integrity}, lazy: [path]}`, the build's id and every file
// of the site with its SHA-256 (path "" is index.html).
//
// - install: the site's files, minus `lazy`, go into a cache named for this build, each fetched
//   with its integrity, so a cache never holds a file of another build; any mismatch fails the
//   install and the previous build stays in charge.
// - activate: the other builds' caches of this scope are deleted. A new build waits until the
//   page asks for it (the "Update" button) or no tab of the old one is open, so a page never
//   gets files of two builds.
// - fetch: the site's files from this build's cache; `lazy` ones (the WebGPU module, which a
//   browser without WebGPU never needs, and the learning module, which only someone who corrects
//   an answer needs) are cached the first time they are fetched.
/* global MANIFEST */

const SCOPE = self.registration.scope;
const PREFIX = `digits ${SCOPE} `;
const CACHE = PREFIX + MANIFEST.build;
const urlOf = (path) => new URL(path, SCOPE).href;

/** The site path of a URL, or null outside the site. */
function sitePath(url, navigate) {
  if (!url.startsWith(SCOPE)) return null;
  const path = new URL(url).pathname.slice(new URL(SCOPE).pathname.length);
  if (navigate) return path === '' || path === 'index.html' ? '' : null;
  return path in MANIFEST.files ? path : null;
}

/** Fetches `path` as this build has it (the integrity check fails otherwise) and caches it.
 * Without `background`, a failed cache write fails the whole (the install). With it (a lazy
 * file the page is waiting for), the file is served at once and `background` is handed the
 * cache write: a full quota must not break the WebGPU or learning module, only its offline copy. */
async function store(cache, path, background = null) {
  // no-cache: revalidated with the server (a 304 costs nothing) rather than trusted blindly.
  const response = await fetch(urlOf(path), { integrity: MANIFEST.files[path], cache: 'no-cache' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const kept = cache.put(urlOf(path), response.clone());
  if (!background) await kept;
  else background(kept.catch((e) => console.warn(`${path} is not kept for offline use: ${e && e.message}`)));
  return response;
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const eager = Object.keys(MANIFEST.files).filter((p) => !MANIFEST.lazy.includes(p));
    await Promise.all(eager.map((p) => store(cache, p)));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
  })());
});

self.addEventListener('message', (event) => {
  const { type, paths } = event.data || {};
  if (type === 'activate') {
    self.skipWaiting();
  } else if (type === 'keep') {
    // The page is using lazy files it fetched before this worker controlled it.
    event.waitUntil((async () => {
      const cache = await caches.open(CACHE);
      for (const p of paths.filter((p) => p in MANIFEST.files)) {
        if (!(await cache.match(urlOf(p)))) await store(cache, p).catch(() => {});
      }
    })());
  }
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const path = sitePath(request.url, request.mode === 'navigate');
  if (path === null) return; // not ours: the network, as without a service worker
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(urlOf(path));
    if (hit) return hit;
    if (MANIFEST.lazy.includes(path)) return store(cache, path, (kept) => event.waitUntil(kept));
    return fetch(request); // evicted by the browser: the network, if there is one
  })());
});
