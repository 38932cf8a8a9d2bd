// Zero-config: the package's browser entry fetches its .wasm (emitted by the
// bundler) on import. `ready` rejects, catchably, if it could not load.
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
