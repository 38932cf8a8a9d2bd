// The browser app with no backend: served as plain static files, every
// sample analyzed in the page (Web Worker) and compared with the CLI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import {
  DATA, SAMPLES, SHOTS, analyzeFile, cliError, cliGenerate, cliReport, launch, openPage,
  expectRows, screenshot, staticServer, tempFile, tempPath, thousands,
} from '../harness.mjs';

let server;
let browser;

before(async () => {
  server = await staticServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()));

describe('in-browser analysis of every sample file', () => {
  for (const name of SAMPLES) {
    test(`${name}: page shows the CLI's risk, anomalies and rules; filters work`, async () => {
      const expected = cliReport(join(DATA, name), '--no-logs');
      const { page, context, errors } = await openPage(browser, server.url);
      const apiCalls = [];
      page.on('request', (r) => { if (new URL(r.url()).pathname.includes('/api/')) apiCalls.push(r.url()); });

      await analyzeFile(page, join(DATA, name));

      assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
      assert.equal(await page.textContent('[data-testid="total-logs"]'), thousands(expected.total_logs));
      assert.equal(await page.textContent('[data-testid="anomaly-count"]'), String(expected.anomaly_count));
      assert.equal(await page.textContent('[data-testid="file-name"]'), name);
      assert.equal(await page.textContent('[data-testid="summary-text"]'), expected.summary);
      assert.equal(await page.textContent('[data-testid="breakdown-rule"]'), `Rule-based ${expected.detection_breakdown.rule_based}`);

      // Anomaly cards: same entities, in the report's order, with the same
      // severity, method, rules and explanation.
      const cards = await page.$$('[data-testid="anomaly-card"]');
      assert.equal(cards.length, expected.anomalies.length);
      for (const [i, a] of expected.anomalies.entries()) {
        const card = cards[i];
        assert.equal(await card.getAttribute('data-entity'), a.entity);
        assert.equal(await (await card.$('.badge')).getAttribute('data-severity'), a.severity);
        assert.equal(await (await card.$('[data-testid="detection-method"]')).textContent(), a.detection_method);
        const rules = await card.$$eval('[data-testid="rule"]', (els) => els.map((e) => e.textContent));
        assert.deepEqual(rules, a.triggered_rules);
        assert.equal(await (await card.$('[data-testid="explanation"]')).textContent(), a.explanation);
      }
      const timeline = await page.$$eval('[data-testid="timeline-item"]', (els) => els.map((e) => e.dataset.entity));
      assert.deepEqual(timeline, expected.timeline.map((t) => t.entity));

      // Raw-log table: All shows every event; Anomalies only shows exactly
      // the anomalous entities' events, all highlighted.
      const anomalousRows = expected.anomalies.reduce((n, a) => n + a.request_count, 0);
      assert.match(await page.textContent('[data-testid="page-info"]'), new RegExp(`· ${thousands(expected.total_logs)} rows$`));
      // The row filter lives in the URL fragment: the table follows on
      // `hashchange`, after the click returns, so wait for it.
      await page.click('[data-testid="filter-anomalies"]');
      await page.waitForSelector('[data-testid="filter-anomalies"][aria-pressed="true"]');
      await expectRows(page, anomalousRows);
      const flags = await page.$$eval('[data-testid="log-row"]', (els) => els.map((e) => e.dataset.anomalous));
      assert.equal(flags.length, Math.min(anomalousRows, 100));
      assert.ok(flags.every((f) => f === 'true'));
      if (anomalousRows > 0) {
        assert.ok(await page.$eval('[data-testid="log-row"]', (e) => e.classList.contains('anomalous')));
        await screenshot(page, `results-${name.replace(/\.\w+$/, '')}`);
      }
      await page.click('[data-testid="filter-all"]');
      await expectRows(page, expected.total_logs);
      if (name === 'baseline_small.jsonl') await screenshot(page, 'results-baseline_small');
      if (expected.total_logs > 100) {
        await page.click('[data-testid="page-next"]');
        assert.match(await page.textContent('[data-testid="page-info"]'), /^Page 2 of /);
      }

      assert.deepEqual(apiCalls, [], 'in-browser analysis must not call the server');
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});

test('"try a sample" loads the bundled file and matches the CLI', async () => {
  const name = 'anomalous_scanning.jsonl';
  const expected = cliReport(join(DATA, name), '--no-logs');
  const { page, context, errors } = await openPage(browser, server.url);
  await screenshot(page, 'upload');
  await page.click(`[data-sample="${name}"]`);
  await page.waitForSelector('[data-testid="results"]');
  assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
  assert.deepEqual(
    await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity)),
    expected.anomalies.map((a) => a.entity),
  );
  await page.waitForSelector('[data-testid="population"] svg circle');
  mkdirSync(SHOTS, { recursive: true });
  await page.locator('[data-testid="population"]').screenshot({ path: join(SHOTS, 'population.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('gzip and zstd files are analyzed in the browser like the plain file', async () => {
  const name = 'anomalous_exfiltration.jsonl';
  const expected = cliReport(join(DATA, name), '--no-logs');
  const plain = readFileSync(join(DATA, name));
  const gz = tempFile(`${name}.gz`, gzipSync(plain));
  const zst = tempPath(`${name}.zst`);
  const z = spawnSync('zstd', ['-q', '-f', join(DATA, name), '-o', zst]);
  assert.equal(z.status, 0, `zstd: ${z.stderr}`);
  for (const path of [gz, zst]) {
    const { page, context, errors } = await openPage(browser, server.url);
    await analyzeFile(page, path);
    assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
    assert.equal(await page.textContent('[data-testid="summary-text"]'), expected.summary);
    const cards = await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity));
    assert.deepEqual(cards, expected.anomalies.map((a) => a.entity));
    assert.deepEqual(errors, []);
    await context.close();
  }
  // A truncated archive: the detector's one-line reason, naming the file.
  const cut = tempFile(`${name}.gz`, gzipSync(plain).subarray(0, 4000));
  const { page, context } = await openPage(browser, server.url);
  await page.setInputFiles('[data-testid="file-input"]', cut);
  const alert = await page.waitForSelector('[data-testid="upload-error"]');
  assert.match(await alert.textContent(), /corrupt or truncated gzip data/);
  await context.close();
});

test('names from the file and the file name are shown as text, never run as HTML', async () => {
  const evil = '<img src=x onerror="window.__pwned=1">';
  const rows = ['timestamp,user,host,action,resource,bytes,success'];
  for (let i = 0; i < 10; i++) {
    rows.push(`2025-03-10T09:0${i}:00Z,"${evil.replaceAll('"', '""')}",pc-1,LOGIN,Okta,10,false`);
    rows.push(`2025-03-10T09:0${i}:30Z,bob,pc-2,LOGIN,Okta,10,true`);
  }
  const path = tempFile(`${evil.replaceAll('"', '')}.csv`, rows.join('\n') + '\n');
  const { page, context, errors } = await openPage(browser, server.url);
  await analyzeFile(page, path);
  const cards = await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity));
  assert.deepEqual(cards, [evil]);
  assert.ok((await page.textContent('[data-testid="file-name"]')).includes('<img src=x'));
  assert.equal(await page.$('img[src="x"]'), null);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a file dropped on the drop zone is analyzed', async () => {
  const name = 'anomalous_exfiltration.jsonl';
  const expected = cliReport(join(DATA, name), '--no-logs');
  const content = readFileSync(join(DATA, name), 'utf8');
  const { page, context, errors } = await openPage(browser, server.url);
  const dataTransfer = await page.evaluateHandle(([text, fileName]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], fileName, { type: 'application/x-ndjson' }));
    return dt;
  }, [content, name]);
  await page.dispatchEvent('[data-testid="dropzone"]', 'dragover', { dataTransfer });
  assert.ok(await page.$eval('[data-testid="dropzone"]', (e) => e.classList.contains('dragging')));
  await page.dispatchEvent('[data-testid="dropzone"]', 'drop', { dataTransfer });
  await page.waitForSelector('[data-testid="results"]');
  assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
  assert.deepEqual(
    await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity)),
    expected.anomalies.map((a) => a.entity),
  );
  assert.deepEqual(errors, []);
  await context.close();
});

describe('unusable files get a clear message', () => {
  test('a file with no valid line shows the detector\'s reason (same as the CLI)', async () => {
    const path = tempFile('broken.jsonl', 'this is not json\n{"time": "yesterday"}\n[1,2,3]\n');
    const cli = cliError(path);
    assert.equal(cli.status, 2);
    const { page, context } = await openPage(browser, server.url);
    await page.setInputFiles('[data-testid="file-input"]', path);
    const alert = await page.waitForSelector('[data-testid="upload-error"]');
    assert.match(await alert.textContent(), /no valid log line/);
    assert.ok((await alert.textContent()).includes(cli.message), `${await alert.textContent()} ⊉ ${cli.message}`);
    await screenshot(page, 'error-no-valid-line', false);
    await context.close();
  });

  test('an empty file and a wrong file type are refused before reading', async () => {
    const { page, context } = await openPage(browser, server.url);
    await page.setInputFiles('[data-testid="file-input"]', tempFile('empty.jsonl', ''));
    assert.match(await (await page.waitForSelector('[data-testid="upload-error"]')).textContent(), /“empty\.jsonl” is empty/);
    await page.setInputFiles('[data-testid="file-input"]', tempFile('photo.png', '\x89PNG\r\n'));
    await page.waitForFunction(() => document.querySelector('[data-testid="upload-error"]')?.textContent.includes('photo.png'));
    assert.match(await page.textContent('[data-testid="upload-error"]'), /not a log file.*JSONL.*CSV/);
    await context.close();
  });

  test('rejected lines are counted and their reasons shown on demand', async () => {
    const good = readFileSync(join(DATA, 'baseline_small.jsonl'), 'utf8');
    const path = tempFile('partly_broken.jsonl', `not json\n${good}{"clientip": 5}\n`);
    const expected = cliReport(path, '--no-logs');
    assert.equal(expected.rejected_lines, 2);
    const { page, context } = await openPage(browser, server.url);
    await analyzeFile(page, path);
    await page.click('[data-testid="toggle-rejected"]');
    const rows = await texts(page, '[data-testid="rejected-lines"] tbody tr');
    assert.deepEqual(rows, expected.parse_errors.map((e) => `${e.line}${e.reason}`));
    await context.close();
  });
});

test('settings persist in localStorage, reach the detector, and reset', async () => {
  // A lower unique-hosts threshold: the page must find what the CLI finds
  // with the same config.
  const config = tempFile('config.json', JSON.stringify({ rules: { unique_hosts: 10 } }));
  const name = 'baseline_small.jsonl';
  const expected = cliReport(join(DATA, name), '--no-logs', '--config', config);
  const baseline = cliReport(join(DATA, name), '--no-logs');
  assert.notEqual(expected.anomaly_count, baseline.anomaly_count, 'the setting must change the result');

  const { page, context } = await openPage(browser, server.url);
  await page.fill('#set-hosts', '10');
  await page.reload();
  await page.waitForSelector('[data-testid="dropzone"]');
  assert.equal(await page.inputValue('#set-hosts'), '10', 'kept across reloads');
  await screenshot(page, 'settings', false);
  await analyzeFile(page, join(DATA, name));
  assert.equal(await page.textContent('[data-testid="anomaly-count"]'), String(expected.anomaly_count));
  assert.deepEqual(
    await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity)),
    expected.anomalies.map((a) => a.entity),
  );
  await page.click('[data-testid="new-analysis"]');
  await page.fill('#set-deny', '150');
  assert.match(await page.textContent('[data-testid="settings-error"]'), /rules\.deny_rate/);
  await page.click('[data-testid="reset-settings"]');
  assert.equal(await page.inputValue('#set-hosts'), '20');
  assert.equal(await page.$('[data-testid="settings-error"]'), null);
  await context.close();
});

test("the browser's time zone, picked in the settings, gives the CLI report for that zone", async () => {
  // Exfiltration at 01:00–04:30 UTC: in Berlin's winter (+01:00) part of it
  // falls after the 05:00 end of the off-hours window.
  const name = 'anomalous_exfiltration.jsonl';
  const expected = cliReport(join(DATA, name), '--timezone', 'Europe/Berlin');
  const utc = cliReport(join(DATA, name));
  assert.notDeepEqual(expected.anomalies, utc.anomalies, 'the zone must change the result');

  const { page, context, errors } = await openPage(browser, server.url, { timezoneId: 'Europe/Berlin' });
  assert.equal(await page.inputValue('#set-timezone'), 'UTC', 'UTC by default');
  assert.ok(await page.$('#set-offset'), 'with UTC, the fixed offset is offered');
  assert.ok(
    await page.$$eval('#set-timezone-names option', (os) => os.some((o) => o.value === 'America/New_York')),
    'the browser lists its zones',
  );
  await page.click('[data-testid="use-browser-zone"]');
  assert.equal(await page.inputValue('#set-timezone'), 'Europe/Berlin');
  assert.equal(await page.$('#set-offset'), null, 'a named zone replaces the offset');
  assert.equal(await page.$('[data-testid="timezone-error"]'), null);
  await page.reload();
  await page.waitForSelector('[data-testid="dropzone"]');
  assert.equal(await page.inputValue('#set-timezone'), 'Europe/Berlin', 'kept across reloads');

  await analyzeFile(page, join(DATA, name));
  assert.equal(await page.textContent('[data-testid="summary-text"]'), expected.summary);
  const explanations = await texts(page, '[data-testid="anomaly-card"] [data-testid="explanation"]');
  assert.deepEqual(explanations, expected.anomalies.map((a) => a.explanation));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  for (const key of ['anomalies', 'entities', 'peak_activity', 'activity', 'timeline', 'summary', 'risk_level']) {
    assert.deepEqual(json[key], expected[key], key);
  }
  assert.equal(json.config.off_hours.timezone, 'Europe/Berlin');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an Elastic Common Schema log with the ECS schema setting gives the CLI --preset ecs report', async () => {
  const ecs = join(DATA, '..', 'detector', 'tests', 'inputs', 'exfiltration_ecs.jsonl');
  const expected = cliReport(ecs, '--preset', 'ecs');
  const plain = cliReport(join(DATA, 'anomalous_exfiltration.jsonl'));
  assert.deepEqual(expected.anomalies, plain.anomalies, 'the same events in either schema');
  const { page, context, errors } = await openPage(browser, server.url);
  // In the default schema every ECS line is rejected.
  await page.setInputFiles('[data-testid="file-input"]', ecs);
  assert.match(await page.textContent('[data-testid="upload-error"]'), /missing required field `time`/);
  await page.selectOption('[data-testid="schema-select"]', 'ecs');
  await page.reload();
  await page.waitForSelector('[data-testid="dropzone"]');
  assert.equal(await page.inputValue('[data-testid="schema-select"]'), 'ecs', 'kept across reloads');
  await analyzeFile(page, ecs);
  assert.equal(await page.textContent('[data-testid="summary-text"]'), expected.summary);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  for (const key of ['anomalies', 'entities', 'timeline', 'summary', 'risk_level']) {
    assert.deepEqual(json[key], expected[key], key);
  }
  assert.deepEqual(json.config.fields, expected.config.fields);
  assert.equal(json.config.fields.preset, 'ecs');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown time zone is named at its field, with valid ones, and starts no analysis', async () => {
  const { page, context } = await openPage(browser, server.url);
  await page.fill('#set-timezone', 'Europe/Berln');
  const message = await page.textContent('[data-testid="timezone-error"]');
  assert.match(message, /unknown time zone `Europe\/Berln`: use an IANA name such as `Europe\/Berlin`/);
  assert.equal(await page.getAttribute('#set-timezone', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#set-timezone', 'aria-describedby'), /set-timezone-error/);
  await page.setInputFiles('[data-testid="file-input"]', join(DATA, 'baseline_small.jsonl'));
  const refusal = await page.textContent('[data-testid="upload-error"]');
  assert.match(refusal, /Check the settings: .*unknown time zone `Europe\/Berln`/);
  assert.equal(await page.$('[data-testid="progress"]'), null);
  assert.equal(await page.$('[data-testid="results"]'), null);
  // Case matters, as in the CLI's zone database.
  await page.fill('#set-timezone', 'europe/berlin');
  assert.match(await page.textContent('[data-testid="timezone-error"]'), /`Europe\/Berlin`/);
  await page.click('[data-testid="use-utc"]');
  assert.equal(await page.$('[data-testid="timezone-error"]'), null);
  await context.close();
});

test('an allowlisted entity is never flagged, as with the CLI', async () => {
  const name = 'anomalous_credential_stuffing.jsonl';
  const flagged = cliReport(join(DATA, name), '--no-logs').anomalies[0].entity;
  const config = tempFile('allow.json', JSON.stringify({ allowlist: [flagged] }));
  const expected = cliReport(join(DATA, name), '--no-logs', '--config', config);
  assert.equal(expected.allowlisted_count, 1);
  const { page, context } = await openPage(browser, server.url);
  await page.fill('#set-allow', `${flagged}\n`);
  await analyzeFile(page, join(DATA, name));
  assert.equal(await page.textContent('[data-testid="anomaly-count"]'), String(expected.anomaly_count));
  assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
  assert.equal(await page.textContent('[data-testid="allowlisted"]'), 'Allowlisted 1');
  assert.equal(await page.textContent('[data-testid="summary-text"]'), expected.summary);
  assert.equal(await page.$(`[data-testid="anomaly-card"][data-entity="${flagged}"]`), null);
  await context.close();
});

test('exports: JSON is the report, CSV has one row per anomaly', async () => {
  const name = 'anomalous_exfiltration.jsonl';
  const expected = cliReport(join(DATA, name));
  const { page, context } = await openPage(browser, server.url);
  await analyzeFile(page, join(DATA, name));
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  const json = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8'));
  assert.equal(jsonDownload.suggestedFilename(), 'anomalous_exfiltration.report.json');
  // Evidence, typical values, support and texts: the detector's, in the
  // page as on the command line.
  assert.deepEqual(json.anomalies, expected.anomalies);
  assert.deepEqual(json.population_ranges, expected.population_ranges);
  assert.deepEqual(json.events_by_hour, expected.events_by_hour);
  assert.equal(json.summary, expected.summary);
  assert.equal(json.logs.length, expected.logs.length);
  const marks = (logs) => logs.map((row) => (row.evidence ?? []).join(' '));
  assert.deepEqual(marks(json.logs), marks(expected.logs));
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
  const csv = readFileSync(await csvDownload.path(), 'utf8').trim().split('\r\n');
  assert.equal(csv.length, 1 + expected.anomaly_count);
  assert.ok(csv[0].startsWith('entity,entity_field,severity,confidence,detection_method,triggered_rules'));
  assert.ok(csv[1].startsWith(`${expected.anomalies[0].entity},clientip,${expected.anomalies[0].severity},`));
  await context.close();
});

test('a large file streams with progress, can be cancelled, and completes in the worker', async () => {
  // Cancel during a 1M-event file (~370 MB: seconds of reading, so the click
  // lands mid-analysis), then analyze a ~45 MB file to the end: above the
  // all-rows limit, so the table keeps anomalous rows only.
  const huge = tempPath('huge.jsonl');
  cliGenerate(1_000_000, huge);
  const path = tempPath('large.jsonl');
  cliGenerate(120_000, path);
  const expected = cliReport(path, '--no-logs');
  const { page, context, errors } = await openPage(browser, server.url);
  try {
    await page.setInputFiles('[data-testid="file-input"]', huge);
    await page.waitForSelector('[data-testid="progress"]');
    await page.waitForFunction(() => /MB\/s/.test(document.querySelector('[data-testid="progress-detail"]')?.textContent ?? ''));
    // The page stays responsive while the worker reads.
    assert.equal(await page.evaluate(() => 6 * 7), 42);
    await screenshot(page, 'progress', false);
    await page.click('[data-testid="cancel"]');
    assert.match(await page.textContent('[data-testid="upload-error"]'), /cancelled/);
    assert.equal(await page.$('[data-testid="results"]'), null);

    await analyzeFile(page, path, { timeout: 300_000 });
    assert.equal(await page.textContent('[data-testid="total-logs"]'), thousands(expected.total_logs));
    assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
    assert.equal(await page.textContent('[data-testid="anomaly-count"]'), String(expected.anomaly_count));
    await page.waitForSelector('[data-testid="logs-note"]');
    const anomalousRows = expected.anomalies.reduce((n, a) => n + a.request_count, 0);
    assert.match(await page.textContent('[data-testid="page-info"]'), new RegExp(`· ${thousands(anomalousRows)} rows$`));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    rmSync(huge, { force: true });
  }
});

test('sign-in with no server behind the app says there is none', async () => {
  const { page, context } = await openPage(browser, server.url);
  await page.click('text=Server sign-in');
  await page.waitForSelector('#login-email');
  await screenshot(page, 'login', false);
  await page.fill('#login-email', 'analyst@tenex.ai');
  await page.fill('#login-password', 'password123');
  await page.click('[data-testid="login-submit"]');
  const err = await page.waitForSelector('[data-testid="login-error"]');
  assert.match(await err.textContent(), /no signaltrace server at this address/);
  await page.click('text=Back to in-browser analysis');
  await page.waitForSelector('[data-testid="dropzone"]');
  assert.equal(await page.isChecked('[data-testid="server-switch"]'), false);
  await context.close();
});

test('the layout holds on a large monitor and is keyboard operable', async () => {
  const { page, context } = await openPage(browser, server.url, { width: 2560, height: 1440 });
  try {
    // Keyboard: Tab reaches "choose a file"; Enter opens the file picker
    // (seen as the click on the file input, which is what opens the OS
    // dialog — headless Chromium's dialog event itself is unreliable).
    await page.$eval('#file-input', (input) => input.addEventListener('click', (e) => {
      window.pickerOpened = true;
      e.preventDefault();
    }));
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.dataset.testid === 'choose-file');
    }
    assert.ok(reached, '"choose a file" reachable with Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.pickerOpened === true, null, { timeout: 5000 });
    await analyzeFile(page, join(DATA, 'anomalous_credential_stuffing.jsonl'));
    await screenshot(page, 'results-large-monitor');
    // Every form control on the upload page has a label.
    await page.click('[data-testid="new-analysis"]');
    const unlabelled = await page.$$eval('input, select, textarea', (els) =>
      els.filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.closest('label'))).map((e) => e.id || e.outerHTML));
    assert.deepEqual(unlabelled, []);
  } finally {
    await context.close();
  }
});
