// The web build's host: what app/src/host.rs reads from globalThis.signaltrace
// when the app is served (dist/index.html), and the service worker that keeps
// the bundle for offline use (app/sw.js). scripts/build-app.sh bundles this
// with the npm package's worker helper (esbuild: the import below), and
// scripts/bundle-app.mjs inlines the result into index.html's start script
// and fills in the {{…}} values.
import { analyzeFile } from '../npm/pkg/worker.js';
import { analyzeWith } from './host-analyze.js';

const host = (globalThis.signaltrace = {
  build: 'web',
  // The npm package's worker (worker-thread.js and its imports, bundled
  // into one classic script) and its .wasm, content-hashed like every file the page loads: a page
  // only ever starts the worker of its own version.
  analyze: analyzeWith(analyzeFile, () => ({
    worker: () => new Worker(new URL('{{worker}}', document.baseURI)),
    wasm: new URL('{{worker_wasm}}', document.baseURI),
  })),
  updateReady: false,
  applyUpdate: () => location.reload(),
});

if ('serviceWorker' in navigator && window.isSecureContext) {
  const sw = navigator.serviceWorker;
  let waiting = null;
  let applying = false;
  const announce = (worker) => {
    waiting = worker;
    host.updateReady = true;
    window.dispatchEvent(new Event('signaltrace-update'));
  };
  host.applyUpdate = () => {
    applying = true;
    if (waiting && waiting.state !== 'redundant') waiting.postMessage({ type: 'activate' });
    else location.reload();
  };
  let controlled = Boolean(sw.controller);
  sw.addEventListener('controllerchange', () => {
    if (applying) location.reload();
    // Another tab let a new version take over: this page still runs the old
    // one, so it offers the reload too.
    else if (controlled) announce(null);
    controlled = true;
  });
  // A version that finished installing while an older one controls this
  // page waits for the analyst's go-ahead.
  const track = (worker) => {
    if (!worker) return;
    const check = () => {
      if (worker.state === 'installed' && sw.controller) announce(worker);
    };
    check();
    worker.addEventListener('statechange', check);
  };
  sw.register('./sw.js').then((reg) => {
    track(reg.waiting);
    track(reg.installing);
    reg.addEventListener('updatefound', () => track(reg.installing));
    // A tab left open for days still learns of a new deployment.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') reg.update().catch(() => {});
    });
  }, (e) => console.warn('signaltrace: no offline copy, the service worker did not register:', e));
}
