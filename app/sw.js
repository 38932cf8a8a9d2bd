// signaltrace's service worker: keeps one version of the app bundle for
// offline use. scripts/bundle-app.mjs writes it to dist/sw.js with VERSION
// (a hash of every file below) and FILES (paths relative to the scope).
//
// - install: fetches every file of this version into the cache
//   `signaltrace-VERSION`; the new version then waits while an old one runs.
// - The page (app/host-web.js) shows "a new version is ready"; its button
//   posts {type: 'activate'}, this worker takes over, deletes every other
//   version's cache, and the page reloads into the new version — old JS never
//   meets new wasm, since each version's files come from its own cache.
// - fetch: GET requests for this version's files, and page navigations
//   (answered with index.html), come from the cache. Everything else goes to
//   the network untouched and is never stored: /api/ (sign-in, uploads,
//   reports), the single-file download, anything not in FILES. Uploaded
//   files are never fetched at all (the page reads them from disk).
const VERSION = '{{version}}';
const FILES = {{files}};
const CACHE = `signaltrace-${VERSION}`;
const scope = new URL(self.registration.scope);

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(
      FILES.map((f) => new Request(new URL(f, scope), { cache: 'no-cache' })),
    )),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('signaltrace-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'activate') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const path = decodeURIComponent(url.pathname.slice(scope.pathname.length));
  if (path.startsWith('api/')) return;
  let key = null;
  if (FILES.includes(path)) key = path;
  // The app's own routes (extension-less paths) are its page.
  else if (request.mode === 'navigate' && !path.split('/').pop().includes('.')) key = 'index.html';
  if (key === null) return;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(new URL(key, scope)))
      .then((hit) => hit ?? fetch(request)),
  );
});
