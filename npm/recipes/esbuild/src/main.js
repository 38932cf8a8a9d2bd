// signaltrace/inline: the .wasm is inside the JavaScript, compiled on
// import, with no top-level await, so esbuild's default iife format works
// and no file needs copying.
import { analyze } from 'signaltrace/inline';

async function main() {
  const name = new URLSearchParams(location.search).get('log') ?? 'anomalous_credential_stuffing.jsonl';
  try {
    const bytes = new Uint8Array(await (await fetch(`/data/${name}`)).arrayBuffer());
    const report = analyze(bytes, { filename: name, logs: 'none' });
    document.body.dataset.result = JSON.stringify(report);
  } catch (e) {
    document.body.dataset.error = String(e);
  }
}
main();
