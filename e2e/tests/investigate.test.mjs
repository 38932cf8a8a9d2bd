// The investigation view (issue 11, item 6): from an anomaly card, a
// timeline entry or a scatter point to one entity — its features against
// the population's typical ranges, its hour profile, its evidence, its
// events with the detector's evidence rows highlighted — and the raw-log
// table's filters and sorting, all kept in the URL fragment so back,
// forward and reload work. Every expected value comes from the CLI's report
// (`signaltrace analyze FILE`, raw rows included), never from the test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DATA, analyzeFile, cliReport, expectRows, launch, openPage, screenshot, serverAvailable,
  startServer, staticServer,
} from '../harness.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);
const FEATURES = [
  'requests_per_minute_peak', 'deny_rate', 'total_bytes_transferred',
  'unique_hosts_count', 'off_hours_request_ratio',
];

/** axe-core on the page as it is; prints every violation, returns the blocking ones. */
async function axe(page, state) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  console.log(`axe ${state}: ${violations.length} violation(s)`);
  for (const v of violations) {
    console.log(`  [${v.impact}] ${v.id}: ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) console.log(`      ${n}`);
  }
  return violations.filter((v) => BLOCKING.has(v.impact)).map((v) => `${state}: ${v.id}`);
}

const hash = (page) => decodeURIComponent(new URL(page.url()).hash);
const rowsInfo = (page) => page.textContent('[data-testid="page-info"]');
const shownRows = (page) => page.$$eval('[data-testid="log-row"]', (els) => els.map((e) => ({
  entity: e.dataset.entity,
  evidence: e.dataset.evidence,
  highlighted: e.classList.contains('evidence'),
  cells: [...e.querySelectorAll('td')].map((td) => td.textContent.trim()),
})));

/** Applies a filter field the way a person does: type, then Enter. */
async function filter(page, id, value) {
  await page.fill(`#${id}`, value);
  await page.press(`#${id}`, 'Enter');
}

/** The entity's investigation is up and shows what the report says. */
async function checkInvestigation(page, report, anomaly) {
  await page.waitForSelector(`[data-testid="investigation"][data-entity="${anomaly.entity}"]`);
  assert.equal(await page.textContent('[data-testid="investigation-entity"]'), anomaly.entity);
  assert.equal(await page.textContent('[data-testid="investigation-explanation"]'), anomaly.explanation);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'investigation-entity',
    'focus moves to the entity');
  assert.deepEqual(
    await page.$$eval('[data-testid="investigation-feature"]', (els) => els.map((e) => e.dataset.feature)),
    FEATURES,
  );
  // Evidence blocks: the kinds present (`events_by_hour` is the hour profile, drawn apart).
  const kinds = Object.entries(anomaly.evidence)
    .filter(([k, v]) => v !== null && k !== 'events_by_hour')
    .map(([k]) => k);
  assert.deepEqual(
    await page.$$eval('[data-testid="evidence"] article', (els) => els.map((e) => e.dataset.kind)),
    kinds,
  );
  // Every anomaly has its own hour profile (evidence.events_by_hour).
  assert.equal(await page.$('[data-testid="no-own-hours"]'), null);
  const hosts = await page.$$eval('[data-testid="evidence"] [data-kind="hosts"] [data-testid="evidence-host"]',
    (els) => els.map((e) => e.textContent));
  assert.deepEqual(hosts, anomaly.evidence.hosts.top.map((h) => h.host));
  // Its events, in file order, evidence rows highlighted with the CLI's marks.
  const rows = report.logs.filter((r) => r.entity === anomaly.entity);
  await expectRows(page, rows.length);
  const shown = await shownRows(page);
  assert.equal(shown.length, Math.min(rows.length, 100));
  for (const [i, row] of shown.entries()) {
    const marks = (rows[i].evidence ?? []).join(' ');
    assert.equal(row.entity, anomaly.entity);
    assert.equal(row.evidence, marks, `row ${i} marks`);
    assert.equal(row.highlighted, marks !== '', `row ${i} highlighted`);
  }
  return rows;
}

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

describe('investigation view, in the browser', () => {
  test('open an anomaly, its evidence rows, filter by entity and host, back and forward', async () => {
    const name = 'anomalous_scanning.jsonl';
    const file = join(DATA, name);
    const report = cliReport(file);
    const anomaly = report.anomalies[0];
    const { page, context, errors } = await openPage(browser, server.url);
    const blocking = [];
    await analyzeFile(page, file);

    // From the anomaly card.
    await page.click(`[data-testid="anomaly-card"][data-entity="${anomaly.entity}"] [data-testid="investigate"]`);
    const rows = await checkInvestigation(page, report, anomaly);
    assert.equal(hash(page), `#entity=${anomaly.entity}`);
    assert.ok(rows.some((r) => r.evidence?.length) && rows.some((r) => !r.evidence?.length),
      'this sample has marked and unmarked rows');
    blocking.push(...await axe(page, 'investigation view'));

    // Sort by time, newest first, from the keyboard (Enter on the header).
    await page.focus('[data-testid="sort-time"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('th[aria-sort="ascending"] [data-testid="sort-time"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('th[aria-sort="descending"] [data-testid="sort-time"]');
    const newest = rows.map((r) => r.time).sort().at(-1);
    assert.equal((await shownRows(page))[0].cells[0], newest.replace('T', ' ').replace(/(\.\d+)?Z$/, ''));
    assert.equal(hash(page), `#entity=${anomaly.entity}&sort=-time`);
    await screenshot(page, 'investigate-sorted');

    // Filter its rows by host: the CLI's rows of that entity and host.
    const host = anomaly.evidence.hosts.top[0].host;
    await filter(page, 'filter-host', host);
    const ofHost = rows.filter((r) => r.host === host);
    await expectRows(page, ofHost.length);
    assert.equal(hash(page), `#entity=${anomaly.entity}&host=${host}&sort=-time`);
    assert.ok((await shownRows(page)).every((r) => r.cells.includes(host)));
    await screenshot(page, 'investigate-filtered');

    // Then by action; then clear every filter (the order stays).
    await page.selectOption('#filter-action', 'ALLOW');
    await expectRows(page, ofHost.filter((r) => r.action === 'ALLOW').length);
    await page.click('[data-testid="clear-filters"]');
    await page.waitForSelector('[data-testid="investigation"]', { state: 'detached' });
    await expectRows(page, report.logs.length);
    assert.equal(hash(page), '#sort=-time');

    // The browser's back button steps back through each of those views.
    await page.goBack(); // host + action
    await page.waitForSelector('[data-testid="investigation"]');
    await expectRows(page, ofHost.filter((r) => r.action === 'ALLOW').length);
    assert.equal(await page.inputValue('#filter-action'), 'ALLOW');
    await page.goBack(); // host
    await expectRows(page, ofHost.length);
    assert.equal(await page.inputValue('#filter-action'), '');
    assert.equal(await page.inputValue('#filter-host'), host);
    await page.goBack(); // newest first
    await expectRows(page, rows.length);
    assert.equal(await page.inputValue('#filter-host'), '');
    await page.waitForSelector('th[aria-sort="descending"] [data-testid="sort-time"]');
    await page.goBack(); // oldest first
    await page.waitForSelector('th[aria-sort="ascending"] [data-testid="sort-time"]');
    await page.goBack(); // the entity, in file order
    await page.waitForSelector('[data-testid="sort-time"]');
    assert.equal(await page.$('th[aria-sort]'), null);
    await page.goBack(); // the results as first shown
    await page.waitForSelector('[data-testid="investigation"]', { state: 'detached' });
    await page.waitForSelector('[data-testid="anomaly-card"]');
    await expectRows(page, report.logs.length);
    await page.goForward();
    await checkInvestigation(page, report, anomaly);
    await page.goBack();
    await page.waitForSelector('[data-testid="anomaly-card"]');

    // From the timeline and from the scatter plot.
    await page.click(`[data-testid="timeline-item"][data-entity="${anomaly.entity}"] [data-testid="timeline-investigate"]`);
    await checkInvestigation(page, report, anomaly);
    await page.click('[data-testid="close-investigation"]');
    await page.waitForSelector('[data-testid="population"]');
    await page.click('[data-testid="scatter-investigate"]');
    await checkInvestigation(page, report, anomaly);

    // The evidence's own links: the busiest minute's rows.
    await page.click('[data-testid="show-burst"]');
    await expectRows(page, rows.filter((r) => r.evidence?.includes('burst')).length);
    assert.ok((await shownRows(page)).every((r) => r.evidence.split(' ').includes('burst')));

    // From the overview table, filter by another (normal) entity: its
    // investigation opens, not flagged, with its rows.
    await page.click('[data-testid="close-investigation"]');
    await page.waitForSelector('[data-testid="anomaly-card"]');
    const normal = report.entities.find((e) => e.severity === null);
    await filter(page, 'filter-entity', normal.entity);
    await page.waitForSelector(`[data-testid="investigation"][data-entity="${normal.entity}"]`);
    await page.waitForSelector('[data-testid="not-flagged"]');
    await expectRows(page, report.logs.filter((r) => r.entity === normal.entity).length);
    assert.ok((await shownRows(page)).every((r) => r.entity === normal.entity && !r.highlighted));
    blocking.push(...await axe(page, 'investigation of a normal entity'));

    // A text search and a filter that matches nothing.
    await page.click('[data-testid="close-investigation"]');
    await page.waitForSelector('[data-testid="anomaly-card"]');
    await filter(page, 'filter-search', host.toUpperCase());
    await expectRows(page, report.logs.filter((r) => (r.host ?? '').toLowerCase().includes(host.toLowerCase())).length);
    await filter(page, 'filter-search', 'no such text anywhere');
    await page.waitForSelector('[data-testid="no-matching-rows"]');
    blocking.push(...await axe(page, 'results with a filter that matches nothing'));

    assert.deepEqual(blocking, [], 'no serious or critical axe-core violation');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('reload keeps the view: it applies when the analysis is run again; a new analysis starts unfiltered', async () => {
    const name = 'anomalous_exfiltration.jsonl';
    const file = join(DATA, name);
    const report = cliReport(file);
    const anomaly = report.anomalies[0];
    const { page, context, errors } = await openPage(browser, server.url);
    await analyzeFile(page, file);
    await page.click(`[data-testid="anomaly-card"][data-entity="${anomaly.entity}"] [data-testid="investigate"]`);
    await checkInvestigation(page, report, anomaly);
    // Off-hours evidence: the entity's own hour profile beside all events.
    assert.equal(await page.$('[data-testid="no-own-hours"]'), null);
    await screenshot(page, 'investigate');

    await page.reload();
    await page.waitForSelector('[data-testid="dropzone"]');
    assert.equal(hash(page), `#entity=${anomaly.entity}`);
    assert.match(await page.textContent('[data-testid="pending-view"]'), new RegExp(`investigation of ${anomaly.entity.replaceAll('.', '\\.')} once the file is analyzed again`));
    assert.deepEqual(await axe(page, 'upload page after a reload, the view pending'), []);
    await analyzeFile(page, file);
    await checkInvestigation(page, report, anomaly);

    // Another file in the same tab: its results start from the overview.
    await page.click('[data-testid="new-analysis"]');
    await analyzeFile(page, join(DATA, 'anomalous_scanning.jsonl'));
    await page.waitForSelector('[data-testid="anomaly-card"]');
    assert.equal(await page.$('[data-testid="investigation"]'), null);
    assert.equal(hash(page), '');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('CSV: users as entities, evidence hosts are resources', async () => {
    const file = join(DATA, 'insider_sample.csv');
    const report = cliReport(file);
    const { page, context, errors } = await openPage(browser, server.url);
    await analyzeFile(page, file);
    for (const anomaly of report.anomalies) {
      await page.click(`[data-testid="anomaly-card"][data-entity="${anomaly.entity}"] [data-testid="investigate"]`);
      const rows = await checkInvestigation(page, report, anomaly);
      const top = anomaly.evidence.hosts.top[0].host;
      await page.click(`[data-kind="hosts"] [data-testid="evidence-host"][data-host="${top}"]`);
      await expectRows(page, rows.filter((r) => r.host === top || r.resource === top).length);
      await page.goBack();
      await page.goBack();
      await page.waitForSelector('[data-testid="anomaly-card"]');
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('investigation view, server mode', () => {
  test('results from /api/analyze get the same view', async (t) => {
    if (!serverAvailable()) {
      t.skip('server not available');
      return;
    }
    const api = await startServer();
    try {
      const name = 'anomalous_credential_stuffing.jsonl';
      const file = join(DATA, name);
      const report = cliReport(file);
      const anomaly = report.anomalies[0];
      const { page, context, errors } = await openPage(browser, api.url);
      await page.click('[data-testid="server-switch"]');
      await page.fill('#login-email', 'analyst@tenex.ai');
      await page.fill('#login-password', 'password123');
      await page.click('[data-testid="login-submit"]');
      await page.waitForSelector('[data-testid="dropzone"]');
      const posted = page.waitForRequest((r) => r.url().endsWith('/api/analyze'));
      await analyzeFile(page, file);
      await posted;
      await page.click(`[data-testid="anomaly-card"][data-entity="${anomaly.entity}"] [data-testid="investigate"]`);
      const rows = await checkInvestigation(page, report, anomaly);
      const host = anomaly.evidence.hosts.top[0].host;
      await filter(page, 'filter-host', host);
      await expectRows(page, rows.filter((r) => r.host === host).length);
      const blocking = await axe(page, 'server-mode investigation');
      await screenshot(page, 'investigate-server-mode');
      await page.goBack();
      await page.goBack();
      await page.waitForSelector('[data-testid="anomaly-card"]');
      assert.deepEqual(blocking, []);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await api.close();
    }
  });
});
