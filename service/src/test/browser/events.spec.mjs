// Drives the dashboard's live lifecycle-event feed in Debian's headless Chromium (playwright-core).
// Started by EventFeedBrowserIT, which runs the broker on DynamoDB Local with the local feed on
// and seeds a pool. Environment:
//   BROKER_URL, ADMIN_TOKEN, TRACK_TOKEN, ARTIFACT_DIR, CHROMIUM  (as dashboard.spec.mjs)
// Checks: the feed shows what GET /admin/events holds; an allocation and an extension made while
// the page is open appear on it without a reload, newest first. One JSON line per check.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error('missing environment variable ' + name);
  return v;
};
const BASE = env('BROKER_URL');
const ADMIN = env('ADMIN_TOKEN');
const TRACK = env('TRACK_TOKEN');
const ARTIFACTS = env('ARTIFACT_DIR');
const TIMEOUT = 20000;
mkdirSync(ARTIFACTS, { recursive: true });

function check(name, ok, detail) {
  console.log(JSON.stringify({ check: name, ok: Boolean(ok), detail }));
  if (!ok) throw new Error('check failed: ' + name + ' ' + JSON.stringify(detail));
}

async function call(method, path, token, body) {
  const headers = { Authorization: 'Bearer ' + token, 'X-Instruqt-Sandbox-ID': 'browser-learner' };
  if (body) headers['Content-Type'] = 'application/json';
  const res = await fetch(BASE + path, { method, headers, body });
  const json = await res.json();
  if (!res.ok) throw new Error(method + ' ' + path + ' answered ' + res.status + ' ' + JSON.stringify(json));
  return json;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
let page;
try {
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push('console: ' + m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push('http ' + r.status() + ' ' + new URL(r.url()).pathname);
  });
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));

  await page.goto(BASE + '/admin/dashboard');
  await page.fill('#token', ADMIN);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('body[data-loaded=true]');

  // what the feed holds now is what the page lists
  const feed = await call('GET', '/admin/events?limit=500', ADMIN);
  // besides the seeded sandboxes, the pool-count refresher may have flagged the small pool low
  check('the API feed holds the seeded pool', feed.events.some((e) => e.type === 'sandbox.added')
      && feed.events.every((e) => e.type === 'sandbox.added' || e.type === 'pool.low'),
    { count: feed.events.length });
  await page.waitForFunction((n) => document.querySelectorAll('#event-feed tr[data-event-type]').length >= n, feed.events.length);
  const shownIds = await page.$$eval('#event-feed tr[data-event-id]', (rows) => rows.map((r) => r.dataset.eventId));
  check('the page lists every event of the feed', feed.events.every((e) => shownIds.includes(e.id)),
    { api: feed.events.length, page: shownIds.length });

  // live: changes made while the page is open show up without a reload, newest first
  const allocated = await call('POST', '/allocate', TRACK);
  await call('POST', '/sandboxes/' + allocated.sandbox_id + '/extend', TRACK, JSON.stringify({ hours: 60 }));
  const sel = (type) => '#event-feed tr[data-event-type="' + type + '"][data-sandbox-id="' + allocated.sandbox_id + '"]';
  await page.waitForSelector(sel('sandbox.allocated'));
  await page.waitForSelector(sel('sandbox.extended'));
  const firstTwo = await page.$$eval('#event-feed tbody tr', (rows) => rows.slice(0, 2).map((r) => r.dataset.eventType));
  check('allocation and extension appear live, newest first', firstTwo[0] === 'sandbox.extended' && firstTwo[1] === 'sandbox.allocated',
    { firstTwo });
  const text = await page.textContent(sel('sandbox.allocated'));
  check('the row names the sandbox and the transition', text.includes(allocated.name) && text.includes('available → allocated'), { text });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-events.png'), fullPage: true });
  check('no console errors, page errors or failed requests', problems.length === 0, problems);
} catch (e) {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'dashboard-events-failure.png'), fullPage: true }).catch(() => {});
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
