// The single-file build, dist/signaltrace.html: the same app as dist/index.html
// with nothing to fetch, so it opens from disk (file://), where browsers refuse
// module scripts, workers and wasm loaded by URL. Used by scripts/bundle-app.mjs.
//
// - The page's own CSP (a <meta>) allows its one script by hash, wasm
//   compilation ('wasm-unsafe-eval', never 'unsafe-eval'), a Blob-URL worker,
//   inline styles and data: images — and no request of any kind
//   (default-src 'none', connect-src 'none').
// - The stylesheet is a <style>, the icon a data: URL.
// - One inline module script: app/host-file.js (globalThis.signaltrace for
//   app/src/host.rs), the page's wasm-bindgen glue (--target web; its exports
//   are harmless in a module nobody imports), then its start with the wasm's
//   bytes.
// - At the end of the body, data blocks the browser never runs: the two wasm
//   files and every sample as gzip + base64 (<script type="application/
//   octet-stream">), the analysis worker (the npm package's, bundled into one
//   classic script) as text. The worker starts from a Blob URL of that text
//   (a module worker from a Blob URL does not load from file://) and is
//   handed its wasm compiled.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const sha256 = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const packed = (bytes) => gzipSync(bytes, { level: 9 }).toString('base64');

/** `text` may sit inside a <script> or <style> element as is. */
function inlinable(text, element, what) {
  const bad = new RegExp(`</${element}|<!--`, 'i');
  if (bad.test(text)) throw new Error(`cannot inline ${what}: it contains </${element} or <!--`);
  return text;
}

export function singleFile({ page, host, pageGlue, pageWasm, workerGlue, workerWasm, css, favicon, samples, snippets }) {
  if (snippets) throw new Error('single file: the page glue imports snippets/, which cannot be inlined yet');
  if (!/^export (?:default __wbg_init;|\{[^}]*\b__wbg_init as default\b[^}]*\};)$/m.test(pageGlue)) {
    throw new Error('single file: the page glue does not export __wbg_init as its default (wasm-bindgen changed?)');
  }
  if (/^import /m.test(pageGlue)) throw new Error('single file: the page glue imports other modules');
  const script = inlinable(
    `${host}\n${pageGlue}\nawait __wbg_init({ module_or_path: await appWasm });\n`,
    'script', 'the page script',
  );
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)} 'wasm-unsafe-eval'`,
    'worker-src blob:',
    "style-src 'unsafe-inline'",
    'img-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const data = (attrs, text) => `<script type="application/octet-stream" ${attrs}>${text}</script>`;
  return page({
    head: [
      `<meta http-equiv="Content-Security-Policy" content="${csp}" />`,
      `<style>${inlinable(css, 'style', 'the stylesheet')}</style>`,
      `<link rel="icon" href="data:image/svg+xml;base64,${favicon.toString('base64')}" type="image/svg+xml" />`,
      `<script type="module">${script}</script>`,
    ].join('\n    '),
    body: [
      data('id="st-app-wasm"', packed(pageWasm)),
      `<script type="text/plain" id="st-worker-js">${inlinable(workerGlue, 'script', 'the worker glue')}</script>`,
      data('id="st-worker-wasm"', packed(workerWasm)),
      ...samples.map(({ name, bytes }) => data(`data-sample="${name}"`, packed(bytes))),
    ].join('\n    '),
  });
}
