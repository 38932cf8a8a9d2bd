// esbuild with --format=esm: the package's browser entry fetches
// signaltrace_bg.wasm from next to the bundle (the build script copies it
// there: esbuild does not emit it). `ready` rejects, catchably, if it could
// not load.
import { analyze, ready } from 'signaltrace';

const name = new URLSearchParams(location.search).get('log') ?? 'anomalous_credential_stuffing.jsonl';
try {
  await ready;
  const bytes = new Uint8Array(await (await fetch(`/data/${name}`)).arrayBuffer());
  const report = analyze(bytes, { filename: name, logs: 'none' });
  document.body.dataset.result = JSON.stringify(report);
} catch (e) {
  document.body.dataset.error = String(e);
}
