// signaltrace/worker with Vite: the analysis runs in a module worker that
// Vite bundles (with its .wasm) from `new Worker(new URL(...))` in the
// package. Nothing to configure.
import { analyzeFile } from 'signaltrace/worker';

const name = new URLSearchParams(location.search).get('log') ?? 'anomalous_credential_stuffing.jsonl';
try {
  const blob = await (await fetch(`/data/${name}`)).blob();
  let slices = 0;
  const report = await analyzeFile(blob, { filename: name, logs: 'none' }, {
    chunkSize: 64 * 1024,
    onProgress: () => (slices += 1),
  });
  document.body.dataset.slices = String(slices);
  document.body.dataset.result = JSON.stringify(report);
} catch (e) {
  document.body.dataset.error = String(e);
}
